"""The only writers of accounts: agents, teams, skills, tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from helpmesh.accounts.models import AgentSkill, ApiToken, Role, Skill, Team, TeamMembership, User
from helpmesh.core import audit, clock, config_cache
from helpmesh.core.compiled import CompiledQuery

TOKEN_PREFIX = "hm_"  # noqa: S105 - a public marker, not a secret


def create_user(
    email: str,
    password: str | None,
    *,
    name: str = "",
    role: str = Role.CUSTOMER,
    password_hash: str | None = None,
) -> User:
    """Create a person who can sign in; ``password=None`` makes a login-less account.

    ``password_hash`` (from ``make_password``) lets bulk imports hash a shared password once.
    """
    with audit.unit():
        user = User.objects.create_user(email=email, password=password, name=name, role=role)
        if password_hash:
            User.objects.filter(pk=user.pk).update(password=password_hash)
            user.password = password_hash
        audit.record("user.created", "user", user.pk, data={"email": user.email, "role": role})
    return user


def system_agent(email: str, name: str) -> User:
    """A system author (routing's notes, the answer bot's replies): an agent with no login and
    no team, so never routed to; made once, and a lost creation race returns the winner's."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's work
            return create_user(email, None, name=name, role=Role.AGENT)
    except IntegrityError:
        return User.objects.get(email=email)  # another worker created it first


class TeamNameTaken(Exception):
    """Another team already has this name (names are unique, case aside)."""


def create_team(name: str, *, description: str = "") -> Team:
    """Create a team (a queue of tickets and the agents who work it).

    Raises ``TeamNameTaken`` when the name is in use; the slug is always made unique.
    """
    if Team.objects.filter(name__iexact=name).exists():
        raise TeamNameTaken(name)
    try:
        with audit.unit():
            team = Team.objects.create(name=name, slug=_free_slug(name), description=description)
            audit.record("team.created", "team", team.pk, data={"name": name})
    except IntegrityError:
        raise TeamNameTaken(name) from None  # a concurrent create won the name (or the slug)
    config_cache.forget()  # routing's cached roster; other processes catch up within seconds
    return team


def _free_slug(name: str) -> str:
    """``slugify(name)``, or ``team`` when nothing is left of it, with ``-2``... if taken."""
    base = slugify(name)[:90] or "team"
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(
        s for s in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))) if s not in taken
    )


def add_to_team(user: User, team: Team, *, is_lead: bool = False) -> TeamMembership:
    """Make ``user`` a member of ``team``; idempotent."""
    with audit.unit():
        membership, created = TeamMembership.objects.get_or_create(
            team=team, user=user, defaults={"is_lead": is_lead}
        )
        if created:
            audit.record("team.member_added", "team", team.pk, data={"user": user.pk})
    config_cache.forget()
    return membership


def set_skills(agent: User, levels: dict[str, int]) -> list[AgentSkill]:
    """Replace an agent's skills with ``{skill name: level}``."""
    with audit.unit():
        AgentSkill.objects.filter(agent=agent).delete()
        rows = [
            AgentSkill(agent=agent, skill=Skill.objects.get_or_create(name=name)[0], level=level)
            for name, level in levels.items()
        ]
        AgentSkill.objects.bulk_create(rows)
        audit.record("agent.skills_set", "user", agent.pk, data={"skills": levels})
    config_cache.forget()
    return rows


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, *, name: str = "api") -> str:
    """Create an API token for ``user`` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with audit.unit():
        row = ApiToken.objects.create(
            user=user, name=name, digest=_digest(token), prefix=token[:10], created_at=clock.now()
        )
        audit.record(
            "token.issued", "user", user.pk, actor=user, data={"token": row.pk, "name": name}
        )
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None.

    The user's customer profile (if any) comes in the same query, so a customer's request needs
    no second look-up; the query is compiled once per process (``core.compiled``), as this runs
    on every API request.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = _TOKEN_LOOKUP.run(digest=_digest(token))
    if not found:
        return None
    _touch(found[0])
    return found[0].user


_TOKEN_LOOKUP = CompiledQuery(
    lambda digest: ApiToken.objects.select_related("user", "user__customer").filter(
        digest=digest, revoked_at__isnull=True, user__is_active=True
    ),  # the digest is unique: no LIMIT or ORDER BY needed
    "digest",
)


def _touch(row: ApiToken) -> None:
    # "Last used" to the hour is enough to spot stale tokens, and spares a write per request.
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(hours=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)


def revoke_token(token: str) -> bool:
    """Revoke a token; True when it existed and was active."""
    row = ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True).first()
    if row is None:
        return False
    with audit.unit():
        if not ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        ):
            return False  # revoked meanwhile by someone else
        audit.record("token.revoked", "user", row.user_id, data={"token": row.pk})
    return True


def team_ids_of(user: User) -> list[int]:
    """The ids of the teams ``user`` works in."""
    return list(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


def agents_in(teams: Iterable[Team]) -> list[User]:
    """Active agents (not light agents) who work in any of ``teams``."""
    return list(
        User.objects.filter(
            teams__in=list(teams), role__in=[Role.AGENT, Role.ADMIN], is_active=True
        )
        .distinct()
        .order_by("email")
    )
