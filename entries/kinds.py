from entries.models import EntryPage
from lessons.models import LessonPage
from practices.models import PracticePage

PAGE_CLASSES: dict[str, type[EntryPage]] = {"practice": PracticePage, "lesson": LessonPage}
