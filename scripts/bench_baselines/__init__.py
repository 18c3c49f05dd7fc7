"""The bench's baselines: a tiny Django project of its own, served beside the
service by `make bench` with the same gunicorn settings, on the same database
and broker. Its two views are the floor the service's paths are compared
with: a bare Django view answering ready bytes, and a bare REST framework
create view doing one insert and one Celery enqueue after commit."""
