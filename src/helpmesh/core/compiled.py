"""Queries compiled to SQL once per process and run many times with new values.

Django compiles a QuerySet to SQL every time it is evaluated. For the few look-ups made on every
API request that compilation costs more CPU than the database's answer: the bearer-token look-up
(token, user and customer profile in one join) took 1.08 ms of CPU through the ORM and 0.22 ms
compiled once (docs/benchmarks.md). A ``CompiledQuery`` builds its QuerySet once with placeholder
strings, keeps the SQL and Django's own row-to-model machinery (the backend's value converters and
``select_related`` populators), and swaps the real values in on each run.

Placeholders must be string parameters the database receives as they are (``field=value``;
``__icontains`` and the like rewrite the value and are refused); the QuerySet must yield model
instances (no ``values()``, no ``prefetch_related``). Both are checked when the query is compiled.

``insert`` does the same for writing one new row: the statement per model, the values per call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

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


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    fields: list[Any]  # the model's columns in the statement's order
    returning: list[Any]  # columns the database fills in (the auto primary key)


_insert_plans: dict[tuple[type[Model], str], _InsertPlan] = {}


def insert(instance: M) -> M:
    """Write a new ``instance``, as ``instance.save(force_insert=True)`` does, with its INSERT
    compiled once per model: the ORM rebuilt the same statement text for every ticket, message
    and raw contact of every create.

    Models that someone listens to (``pre_save``/``post_save``), that override ``save`` or that
    inherit from a concrete model take the ORM's path, as does any value that is an expression.
    """
    model = type(instance)
    db = router.db_for_write(model, instance=instance)
    if not _plain(model) or not connections[db].features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=db)
        return instance
    plan = _insert_plans.get((model, db)) or _insert_plan(model, db)
    connection = connections[db]
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in plan.fields]
    if any(hasattr(value, "resolve_expression") for value in params):
        instance.save(force_insert=True, using=db)
        return instance
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        returned = cursor.fetchone()
    for field, value in zip(plan.returning, returned, strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding, instance._state.db = False, db
    return instance


def _plain(model: type[Model]) -> bool:
    meta = model._meta
    return (
        model.save is Model.save
        and not meta.parents
        and not pre_save.has_listeners(model)
        and not post_save.has_listeners(model)
    )


def _insert_plan(model: type[Model], db: str) -> _InsertPlan:
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(using=db)
    returning = list(meta.db_returning_fields)
    compiler.returning_fields = returning
    [(sql, params)] = compiler.as_sql()
    if len(params) != len(fields) or sql.count("%s") != len(fields):
        raise ValueError(f"{model.__name__}: an INSERT with one plain placeholder per column")
    plan = _InsertPlan(sql=sql, fields=fields, returning=returning)
    _insert_plans[(model, db)] = plan
    return plan
