"""The forum's rules for a write: who may act, what a post may hold, what moderation says.

Privileges are ``trust.allows`` (staff hold them all); screening is ``moderation.screen``.
Both are imported when called: moderation approves through ``services.publish``.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from helpmesh.accounts.models import User
from helpmesh.community import access, content
from helpmesh.community.errors import CommunityError, required
from helpmesh.community.models import Member, MemberStatus, Tag, Topic
from helpmesh.core import clock

TITLE_MAX = 250
BODY_MAX = 30_000
TAGS_MAX = 5


def allows(user: User, privilege: str) -> bool:
    if access.is_staff(user):
        return True
    from helpmesh.community import trust  # imported when needed, like moderation below

    return bool(trust.allows(user, privilege))


def screen(author: User, *, title: str, body: str, ip: str | None, topic: Topic | None) -> Any:
    from helpmesh.community import moderation  # moderation approves through publish()

    return moderation.screen(author, title=title, body=body, ip=ip, topic=topic)


def check_can_act(user: Any) -> None:
    if not access.signed_in(user):
        raise CommunityError("sign in first", "", "forbidden")
    member = Member.objects.filter(user=user).first()
    if (
        member is not None
        and member.status == MemberStatus.SUSPENDED
        and (member.sanction_until is None or member.sanction_until > clock.now())
    ):
        raise CommunityError("your account is suspended", "", "suspended")


def check_privileges(author: User, body: str) -> None:
    if content.has_image(body) and not allows(author, "post_images"):
        raise CommunityError("new members may not post images yet", "body", "forbidden")
    if content.has_link(body) and not allows(author, "post_links"):
        raise CommunityError("new members may not post links yet", "body", "forbidden")


def tags(names: Any) -> list[Tag]:
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    cleaned = list(dict.fromkeys(n for n in (content.tag_name(x) for x in names) if n))
    if len(cleaned) > TAGS_MAX:
        raise CommunityError(f"a topic has at most {TAGS_MAX} tags", "tags")
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


def title(title: str | None) -> str:
    title = required(title or "", "title")
    if len(title) > TITLE_MAX:
        raise CommunityError(f"a title has at most {TITLE_MAX} characters", "title")
    return title


def body(body: str | None) -> str:
    body = required(body or "", "body")
    if len(body) > BODY_MAX:
        raise CommunityError(f"a post has at most {BODY_MAX} characters", "body")
    return body


def slug(title: str) -> str:
    return slugify(title)[:250] or "topic"


def choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise CommunityError(f"{field} must be one of {', '.join(choices.values)}", field)
    return value
