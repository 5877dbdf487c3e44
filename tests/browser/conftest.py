import os

# pytest-django's live_server starts before the browser marker's setup hook runs, and
# Playwright's sync API runs an event loop in this thread: allow Django's sync ORM here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
