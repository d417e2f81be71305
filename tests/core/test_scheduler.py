"""The worker's scheduler enqueues each periodic task once per period, starting at once."""

from django_tasks import task

from helpmesh.core.scheduler import Scheduler

RUNS: list[str] = []


@task()
def periodic_probe() -> None:
    RUNS.append("ran")


def test_tasks_run_at_start_then_once_per_period():
    now = [1000.0]
    scheduler = Scheduler({"a": 60, "b": 15}, now=lambda: now[0])
    assert sorted(scheduler.due()) == ["a", "b"]
    now[0] += 14
    assert scheduler.due() == []
    now[0] += 1
    assert scheduler.due() == ["b"]
    now[0] += 45
    assert sorted(scheduler.due()) == ["a", "b"]


def test_tick_enqueues_through_the_task_api(db):
    RUNS.clear()
    scheduler = Scheduler({f"{__name__}.periodic_probe": 60, "no.such.task": 60})
    assert len(scheduler.tick()) == 2  # the broken path is logged, the good one still runs
    assert RUNS == ["ran"]


def test_the_configured_periodic_tasks_exist(settings):
    from django.utils.module_loading import import_string

    for path in settings.HELPMESH_PERIODIC_TASKS:
        assert hasattr(import_string(path), "enqueue"), path
