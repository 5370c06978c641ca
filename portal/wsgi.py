import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# The URLconf (every view) loaded now rather than at the first request, then everything the
# process holds for its whole life (about 220,000 objects) taken out of the garbage
# collector's full passes: each cost 60-70 ms, set off in the middle of some searches by
# their own allocations (bench/results/search.md, 5 December: the slowest searches faster).
get_resolver().url_patterns  # noqa: B018 — loads the URLconf
gc.collect()
gc.freeze()
