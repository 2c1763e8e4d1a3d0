import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

application = get_wsgi_application()

# The Chinese dictionaries (jieba, OpenCC, pinyin, the lexicon) take seconds to load; load them
# as each server process starts, so the first caller's search is as quick as the rest.
from search.analysis import warm_up  # noqa: E402

warm_up()
