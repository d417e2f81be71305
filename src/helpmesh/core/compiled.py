"""Read queries compiled to SQL once per process and run many times with new values.

Django compiles a QuerySet to SQL every time it is evaluated. For the few look-ups made on every
API request that compilation costs more CPU than the database's answer: the bearer-token look-up
(token, user and customer profile in one join) took 1.08 ms of CPU through the ORM and 0.22 ms
compiled once (docs/benchmarks.md). A ``CompiledQuery`` builds its QuerySet once with placeholder
strings, keeps the SQL and Django's own row-to-model machinery (the backend's value converters and
``select_related`` populators), and swaps the real values in on each run.

Placeholders must be string parameters the database receives as they are (``field=value``;
``__icontains`` and the like rewrite the value and are refused); the QuerySet must yield model
instances (no ``values()``, no ``prefetch_related``). Both are checked when the query is compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, int]  # placeholder name -> index in params
    compiler: Any
    converters: dict[int, Any]
    init_list: list[str]
    model_slice: slice


class CompiledQuery(Generic[M]):
    """``build(**placeholders)`` compiled on first use, then run with ``run(**values)``."""

    def __init__(self, build: Callable[..., QuerySet[M]], *names: str) -> None:
        self.build, self.names = build, names
        self._plans: dict[str, _Plan] = {}  # by database alias
        self._model: type[Model] | None = None

    def run(self, **values: str) -> list[M]:
        """The model instances the query returns with ``values`` in place of the placeholders."""
        if set(values) != set(self.names):
            raise TypeError(f"expected values for {sorted(self.names)}, got {sorted(values)}")
        # Building the QuerySet costs nearly as much as compiling it: only the first run does.
        db: str | None = router.db_for_read(self._model) if self._model is not None else None
        plan = self._plans.get(db) if db is not None else None
        if db is None or plan is None:
            queryset = self.build(**{name: _marker(name) for name in self.names})
            db, plan = queryset.db, self._compile(queryset)
        params = list(plan.params)
        for name, index in plan.slots.items():
            params[index] = values[name]
        with connections[db].cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return self._instances(plan, rows, db)

    def _compile(self, queryset: QuerySet[M]) -> _Plan:
        prefetches = getattr(queryset, "_prefetch_related_lookups", ())
        if queryset._iterable_class is not ModelIterable or prefetches:
            raise ValueError("a compiled query must yield plain model instances")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = {}
        for name in self.names:
            found = [i for i, value in enumerate(params) if value == _marker(name)]
            if len(found) != 1:
                raise ValueError(f"placeholder {name!r} must appear once as a plain parameter")
            slots[name] = found[0]
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        select_fields = compiler.klass_info["select_fields"]
        model_slice = slice(select_fields[0], select_fields[-1] + 1)
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters(columns),
            init_list=[s[0].target.attname for s in compiler.select[model_slice]],
            model_slice=model_slice,
        )
        self._plans[queryset.db], self._model = plan, queryset.model
        return plan

    @staticmethod
    def _instances(plan: _Plan, rows: list[Any], db: str) -> list[M]:
        # What ModelIterable does with a compiler's rows, less the compilation.
        compiler = plan.compiler
        if plan.converters:
            rows = list(compiler.apply_converters(rows, plan.converters))
        model = compiler.klass_info["model"]
        # django-stubs describe Django 6's signature (a fetch mode); 5.2 LTS takes three.
        populators = get_related_populators(compiler.klass_info, compiler.select, db)  # type: ignore[call-arg]
        found = []
        for row in rows:
            instance = model.from_db(db, plan.init_list, row[plan.model_slice])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found


def _marker(name: str) -> str:
    # A string no real value contains (NUL bytes are refused by PostgreSQL text columns).
    return f"\x00compiled:{name}\x00"
