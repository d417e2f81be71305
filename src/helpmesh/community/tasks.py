"""Background work of the community: mailing notices (at once, or as a daily digest).

Module-level task functions, enqueued with ``.enqueue(...)``; they run on whatever backend the
settings choose (database queue, Celery, or inline in tests).
"""

from __future__ import annotations

from django_tasks import task

from helpmesh.community import notifications


@task()
def send_notices(user_id: int) -> int:
    """Mail one member in immediate mode what they have not been told yet."""
    return notifications.mail_notices(user_id, digest=False)


@task()
def send_digests() -> int:
    """Mail every digest member one message of their unsent notices (run periodically)."""
    return sum(
        notifications.mail_notices(pk, digest=True) for pk in notifications.digest_recipients()
    )
