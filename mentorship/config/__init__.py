"""The project's configuration, apart from the domain: settings, the root URLs,
the Celery app, WSGI/ASGI entry points, the cache and session backends, the
deploy checks, the error views, the sign-in backends and allauth's adapter
(cookiecutter-django's `config/`). The app label stays `mentorship`."""
