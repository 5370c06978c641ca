import pytest

from portal.services import site_ensure
from vocabulary.services import vocabulary_load


@pytest.fixture
def portal_db(db):
    """An empty portal: home page, /organisations/ and the controlled vocabulary."""
    site_ensure()
    vocabulary_load()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)
