"""Sign-in for programs, the caller's own profile, and teams."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from helpmesh.accounts import services, signin, twofactor
from helpmesh.accounts.models import Team, User
from helpmesh.api.access import ERRORS, require_admin, require_agent
from helpmesh.api.errors import ApiError, ErrorOut

router = Router(tags=["accounts"])


class Credentials(Schema):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    # A staff member with two-factor sign-in: the authenticator's 6 digits or a recovery code.
    code: str = Field("", max_length=64)


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    team_ids: list[int]


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    member_ids: list[int]


class MemberIn(Schema):
    user_id: int
    is_lead: bool = False


@router.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS, 429: ErrorOut})
def issue_token(request: HttpRequest, response: HttpResponse, payload: Credentials) -> Any:
    """Trade an email and password for a bearer token.

    Repeated failures for one account or from one address answer 429 with ``Retry-After``
    (seconds) until the pause ends; see docs/api.md.
    """
    try:
        user = signin.check_password(request, payload.email, payload.password, channel="api")
        if user is None:
            raise ApiError(401, "bad_credentials", "email or password is wrong", "password")
        method = _second_factor(request, user, payload.code)
    except signin.Throttled as exc:
        response["Retry-After"] = str(exc.retry_after)
        detail = f"too many failed sign-ins; try again in {exc.retry_after} seconds"
        return Status(429, {"code": "throttled", "detail": detail, "field": ""})
    signin.signed_in(request, user, channel="api", second_factor=method)
    return {"token": services.issue_token(user, name="api")}


def _second_factor(request: HttpRequest, user: User, code: str) -> str:
    """Empty without two-factor sign-in, else how ``code`` proved it; ApiError when it cannot."""
    if twofactor.is_enrolled(user):
        if not code:
            raise ApiError(401, "code_required", "a two-factor code is required", "code")
        method = signin.check_second_factor(request, user, code, channel="api")
        if method is None:
            raise ApiError(401, "bad_code", "the two-factor code is wrong", "code")
        return method
    if twofactor.required_for(user):
        detail = "two-factor sign-in is required: enrol at /account/two-factor/ first"
        raise ApiError(403, "enrolment_required", detail, "code")
    return ""


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "team_ids": services.team_ids_of(user),
    }


def _team_dict(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "slug": team.slug,
        "description": team.description,
        "member_ids": sorted(m.pk for m in team.members.all()),
    }


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
def list_teams(request: HttpRequest) -> Any:
    require_agent(request, "teams are for agents")
    return [_team_dict(t) for t in Team.objects.prefetch_related("members")]


@router.post("/teams", response={201: TeamOut, **ERRORS})
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    require_admin(request, "only admins create teams")
    try:
        team = services.create_team(payload.name, description=payload.description)
    except services.TeamNameTaken:
        raise ApiError(409, "exists", f"a team named {payload.name!r} exists", "name") from None
    return Status(201, _team_dict(team))


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def get_team(request: HttpRequest, team_id: int) -> Any:
    require_agent(request, "teams are for agents")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ApiError(404, "not_found", "no such team")
    return _team_dict(team)


@router.post("/teams/{team_id}/members", response={200: TeamOut, **ERRORS})
def add_member(request: HttpRequest, team_id: int, payload: MemberIn) -> Any:
    require_admin(request, "only admins change teams")
    team = Team.objects.filter(pk=team_id).first()
    user = User.objects.filter(pk=payload.user_id).first()
    if team is None:
        raise ApiError(404, "not_found", "no such team")
    if user is None or not user.is_agent:
        raise ApiError(400, "invalid", "user_id must name an agent", "user_id")
    services.add_to_team(user, team, is_lead=payload.is_lead)
    return _team_dict(team)
