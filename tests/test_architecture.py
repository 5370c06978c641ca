"""The apps depend on each other in one direction, read from the source with `ast`.

The layers, top to bottom: an app imports only apps of lower layers (never a higher layer
nor a sibling), no two apps import each other even through others, and an app imports
another app at module level or in its AppConfig.ready, never inside a function (a late
import hides a cycle). Imports under `if TYPE_CHECKING:` do not count. The fake projects
at the end show the checker catches what it should and nothing else.
"""

from pathlib import Path
from textwrap import dedent

import pytest

from tests.architecture.imports import project_imports, project_modules
from tests.architecture.rules import (
    app_cycles,
    late_imports,
    layer_of,
    layer_violations,
    module_cycles,
)

ROOT = Path(__file__).resolve().parent.parent

LAYERS = (
    ("portal",),
    ("backups",),
    ("briefings", "overview", "partners", "follow"),
    ("search",),
    ("practices", "lessons"),
    ("entries",),
    ("accounts",),
    ("organisations", "vocabulary"),
)
APPS = tuple(app for layer in LAYERS for app in layer)
# Apps whose modules must not import each other in a circle either.
APPS_WITHOUT_MODULE_CYCLES = ("search",)


@pytest.fixture(scope="module")
def imports():
    return project_imports(ROOT, APPS)


def fail_on(violations: list[str]) -> None:
    if violations:
        pytest.fail("\n".join([f"{len(violations)} found:", *violations]), pytrace=False)


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(APPS), "place each app in LAYERS"


def test_no_app_imports_a_higher_layer_or_a_sibling(imports):
    violations = layer_violations(imports, LAYERS)
    fail_on(violations)


def test_no_import_cycle_between_apps(imports):
    cycles = app_cycles(imports)
    fail_on(cycles)


def test_no_app_imports_another_inside_a_function(imports):
    violations = late_imports(imports)
    fail_on(violations)


@pytest.mark.parametrize("app", APPS_WITHOUT_MODULE_CYCLES)
def test_no_import_cycle_between_modules_of(app, imports):
    cycles = module_cycles(imports, app)
    fail_on(cycles)


# The checker itself, on fake projects.

FAKE_LAYERS = (("upper",), ("alpha", "beta"), ("lower",))
FAKE_APPS = ("upper", "alpha", "beta", "lower")


def fake_project(root: Path, files: dict[str, str]) -> list:
    for name in FAKE_APPS:
        (root / name).mkdir()
        (root / name / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(text))
    return project_imports(root, FAKE_APPS)


def test_the_checker_reports_two_apps_importing_each_other(tmp_path):
    imports = fake_project(
        tmp_path,
        {
            "alpha/models.py": "from beta.models import Thing\n",
            "beta/models.py": "import alpha.models\nThing = object\n",
            "lower/models.py": "import upper.views\n",
            "upper/views.py": "from lower import models\nfrom alpha.models import Thing\n",
        },
    )
    assert app_cycles(imports) == [
        "cycle alpha -> beta -> alpha: alpha/models.py:1: `from beta.models import Thing`; "
        "beta/models.py:1: `import alpha.models`",
        "cycle lower -> upper -> lower: lower/models.py:1: `import upper.views`; "
        "upper/views.py:1: `from lower import models`",
    ]
    assert layer_violations(imports, FAKE_LAYERS) == [
        "alpha/models.py:1: `from beta.models import Thing`: alpha imports beta, "
        "a sibling in its layer",
        "beta/models.py:1: `import alpha.models`: beta imports alpha, a sibling in its layer",
        "lower/models.py:1: `import upper.views`: lower imports upper, a higher layer",
    ]
    assert late_imports(imports) == []


def test_the_checker_reports_a_cross_app_import_in_a_function_but_not_in_ready(tmp_path):
    imports = fake_project(
        tmp_path,
        {
            "upper/views.py": """\
                from lower.models import Thing


                class View:
                    def get(self):
                        from alpha.selectors import things

                        return things()


                def helper():
                    from . import forms  # the same app: tolerated
                    from upper.forms import Form  # the same app: tolerated

                    return Form
            """,
            "upper/forms.py": "Form = object\n",
            "upper/apps.py": """\
                from django.apps import AppConfig


                class UpperConfig(AppConfig):
                    name = "upper"

                    def ready(self):
                        from lower import signals  # noqa: F401
            """,
            "alpha/selectors.py": """\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from upper.views import View


                def things(view: "View"):
                    if TYPE_CHECKING:
                        from beta.models import Other
                    return []
            """,
            "lower/models.py": "Thing = object\n",
            "lower/signals.py": "",
        },
    )
    assert late_imports(imports) == [
        "upper/views.py:6: `from alpha.selectors import things` inside View.get(): "
        "upper imports alpha inside a function (only AppConfig.ready may)",
    ]
    assert layer_violations(imports, FAKE_LAYERS) == []
    assert app_cycles(imports) == []
    ready = [item for item in imports if item.in_ready]
    assert [(item.path, item.target) for item in ready] == [("upper/apps.py", "lower.signals")]


def test_the_checker_reports_a_cycle_between_modules_of_one_app(tmp_path):
    imports = fake_project(
        tmp_path,
        {
            "alpha/queue.py": "from alpha.indexing import index_one\n",
            "alpha/indexing.py": """\
                def index_one():
                    from .queue import enqueue

                    return enqueue
            """,
            "alpha/documents.py": "from alpha import indexing\n",
        },
    )
    assert module_cycles(imports, "alpha") == [
        "cycle alpha.indexing -> alpha.queue -> alpha.indexing: alpha/indexing.py:2: "
        "`from .queue import enqueue` inside index_one(); alpha/queue.py:1: "
        "`from alpha.indexing import index_one`",
    ]


def test_the_checker_skips_migrations(tmp_path):
    fake_project(tmp_path, {"alpha/migrations/0001_initial.py": "import beta.models\n"})
    assert "alpha.migrations.0001_initial" not in project_modules(tmp_path, FAKE_APPS)
    assert layer_of(FAKE_LAYERS) == {"upper": 0, "alpha": 1, "beta": 1, "lower": 2}
