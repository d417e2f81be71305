"""The demo's community: five months of questions, answers, votes and accepted solutions.

Written through ``community.services`` at each post's own time (the clock is frozen per post),
so revisions, counters, watches, the reputation ledger, badges and the search index are what a
real history leaves. Alice and Bob are the regulars: their first posts were approved long ago,
so what they post now shows at once. A post moderation holds (a newcomer's first post, a
repeated question) is approved by the demo's admin, as a moderator would.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, User
from helpmesh.community import indexing, services
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Post, Topic, Visibility
from helpmesh.core import clock
from helpmesh.demo import catalog

DAYS = 150
TOPICS = 66
MEMBERS = 10  # besides alice and bob
STAFF_SHARE = 0.3  # of answers
SOLVED_SHARE = 0.65

# (titles, question, tags, answers: the best first)
QUESTIONS: list[tuple[list[str], str, list[str], list[str]]] = [
    (
        ["Charged twice this month?", "Two charges for one subscription"],
        "My statement shows two charges for the {plan} plan this month. Is one of them a hold?",
        ["billing", "refund"],
        [
            "Open **Billing → Payment history**. If only one payment is listed, the other line "
            "is a pending authorization and your bank drops it within 3 to 5 days.",
            "Same happened to me last spring, it vanished after a few days.",
        ],
    ),
    (
        ["How do I add our VAT number to invoices?", "VAT number missing on invoice"],
        "Our finance team needs the VAT number on every invoice. Where do I set it?",
        ["billing", "invoice"],
        [
            "Under **Settings → Company** there is a VAT field; new invoices carry it. For old "
            "invoices, ask support to reissue them.",
            "I think you need admin rights on the account to see that field.",
        ],
    ),
    (
        ["Switching from monthly to annual billing", "Annual plan: what happens to this month?"],
        "We want the annual discount. Do we lose the days left in the current month?",
        ["billing", "plans"],
        [
            "No: the unused days are credited pro rata against the first annual invoice.",
            "We switched in March and the credit showed up on the invoice right away.",
        ],
    ),
    (
        ["Where is my parcel?", "Tracking shows no movement for days"],
        "The tracking page for my order has said 'label created' for {days} days. Normal?",
        ["shipping", "tracking"],
        [
            "'Label created' means the carrier has not scanned it yet. After 5 working days "
            "support opens a carrier investigation and can resend.",
            "Mine started moving on day four, the carrier is slow before holidays.",
            "Try the carrier's own site with the tracking number, it updates sooner.",
        ],
    ),
    (
        ["How do I return an item?", "Return label for a wrong size"],
        "I ordered the wrong size. How do I send it back, and who pays postage?",
        ["returns", "shipping"],
        [
            "Go to **Orders → Return an item**, pick the reason and print the label. Returns "
            "within 30 days are free.",
            "Keep the receipt from the drop-off point until the refund arrives.",
        ],
    ),
    (
        ["Package arrived damaged", "Broken item in the box"],
        "The box was crushed and the {item} inside is cracked. What should I do first?",
        ["shipping", "damaged"],
        [
            "Take photos of the box and the item before throwing anything away and send them "
            "to support; a replacement ships without waiting for the return.",
            "Photos of the shipping label helped in my case too.",
        ],
    ),
    (
        ["Password reset link expired", "Reset email link does not work"],
        "The reset link says it has expired, although I clicked it within {minutes} minutes.",
        ["login", "password"],
        [
            "A link is valid for 30 minutes and only the newest one works: if you asked twice, "
            "use the last email.",
            "Check that your mail app does not open links in a preview first, that used mine up.",
        ],
    ),
    (
        ["Two-factor codes rejected", "2FA code always wrong"],
        "Every code from my authenticator app is rejected at sign-in. Any ideas?",
        ["login", "2fa"],
        [
            "Codes depend on the phone's clock: turn on automatic time in the phone's settings "
            "and try a fresh code.",
            "If the phone is gone, the recovery codes from setup work once each.",
        ],
    ),
    (
        ["API returns 429 Too Many Requests", "Rate limit on the API"],
        "Our nightly sync of {count} records gets 429 errors halfway through.",
        ["api", "integrations"],
        [
            "The API allows 600 requests a minute per token. Read the Retry-After header and "
            "wait that many seconds; batching records 100 per call avoids the limit entirely.",
            "We added exponential backoff and have not seen a 429 since.",
        ],
    ),
    (
        ["Webhook not firing", "Webhooks stopped arriving"],
        "Our endpoint has not received a webhook since {day}. Nothing changed on our side.",
        ["api", "webhooks"],
        [
            "Webhooks are paused after 20 failed deliveries in a row. Fix the endpoint, then "
            "press **Resume** under Settings → Webhooks; missed events are replayed.",
            "Check that your certificate did not expire, that was it for us.",
        ],
    ),
    (
        ["Export to CSV is empty", "CSV export has only headers"],
        "When I export my orders to CSV I get the header line and nothing else.",
        ["exports", "apps"],
        [
            "The export uses the filter on screen: clear the date filter (it defaults to today) "
            "and export again.",
            "Large exports are emailed instead of downloaded, check your inbox.",
        ],
    ),
    (
        ["Mobile app crashes on start", "App closes right after opening"],
        "Since the last update the app on my {phone} closes as soon as it opens.",
        ["apps", "mobile"],
        [
            "Update to the newest version from the store; if it still crashes, reinstall: the "
            "old cache from the previous version is the usual cause.",
            "Reinstalling fixed it for me, I only had to sign in again.",
        ],
    ),
    (
        ["How do I add a team member?", "Inviting colleagues to our account"],
        "I want to give two colleagues access to our orders without sharing my password.",
        ["account", "team"],
        [
            "Under **Settings → Team** press **Invite**; each colleague gets their own sign-in "
            "and you choose what they may see.",
            "Invites expire after a week, resend if they missed it.",
        ],
    ),
    (
        ["Download all my data", "Getting a copy of my personal data"],
        "Can I get everything you store about me in one file?",
        ["privacy", "account"],
        [
            "Yes: **Settings → Privacy → Download my data** prepares an archive within a day "
            "and mails you a link.",
        ],
    ),
    (
        ["Close my account", "Deleting my account for good"],
        "I no longer need the service. How do I close the account and remove my data?",
        ["privacy", "account"],
        [
            "Cancel any subscription first, then **Settings → Privacy → Close account**. Data "
            "is deleted after 30 days; invoices are kept as the law requires.",
        ],
    ),
    (
        ["Discount code not accepted", "Promo code says invalid"],
        "The code from your newsletter says 'invalid' at checkout.",
        ["billing", "checkout"],
        [
            "Codes apply to full-price items only and are case-sensitive; copy it without the "
            "trailing space the newsletter adds.",
            "Mine worked on the website but not in the app.",
        ],
    ),
    (
        ["Change the delivery address after ordering", "Wrong address on my order"],
        "I typed my old address. The order was placed {hours} hours ago. Can it be changed?",
        ["shipping", "orders"],
        [
            "Until the order shows 'packed' you can edit the address under **Orders**; after "
            "that, support asks the carrier to redirect it.",
        ],
    ),
    (
        ["Dark mode in the app?", "Is there a dark theme"],
        "Is there a dark mode for the web app or the phone app?",
        ["apps", "feature-request"],
        [
            "The phone app follows the system setting since version 5. The web app has it "
            "under **Profile → Appearance**.",
            "+1 for a schedule option.",
        ],
    ),
]

TIPS = [
    (
        "Keyboard shortcuts that save me time",
        "Press `?` anywhere to see them. My favourites: `g o` for orders and `/` to search.",
    ),
    (
        "How we organise our team's orders",
        "We tag every order by project and export per tag each month for accounting.",
    ),
]

FILL = {
    "plan": ["Pro", "Team", "Starter"],
    "days": ["three", "four", "six"],
    "item": ["lamp", "mug", "monitor stand", "mirror"],
    "minutes": ["two", "five", "ten"],
    "count": ["20,000", "50,000", "120,000"],
    "day": ["Monday", "the weekend", "last Thursday"],
    "phone": ["Pixel", "iPhone", "Galaxy"],
    "hours": ["two", "three", "eight"],
}
DETAILS = [
    "",
    " Thanks in advance!",
    " I searched the help center first but found nothing.",
    " This is for our small shop.",
    " Happy to share more details.",
]


def seed(*, until: datetime, rng: random.Random | None = None) -> dict[str, int]:
    """Create the demo community ending at ``until``; returns what was made."""
    rng = rng or random.Random(11)
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    staff = list(User.objects.filter(role=Role.AGENT).order_by("pk")[:6])
    if admin is None or not staff:
        raise RuntimeError("seed the staff before the community")
    services.create_category(
        "Questions & answers",
        description="Ask other customers and our team; the best answers are marked solved.",
        is_default=True,
    )
    tips = services.create_category(
        "Tips & tricks", description="Share how you work", default_kind="discussion"
    )
    history = _History(rng, admin, staff, _members(rng), until - timedelta(days=DAYS))
    with indexing.batched():  # one embedding pass for the whole history
        made = history.play(until, tips)
    _rebadge()
    return made


def _members(rng: random.Random) -> list[User]:
    regulars = list(User.objects.filter(email__in=["alice@example.com", "bob@example.com"]))
    password = make_password(None)
    others = []
    for i in range(MEMBERS):
        first, last = (
            catalog.FIRST_NAMES[i % len(catalog.FIRST_NAMES)],
            rng.choice(catalog.LAST_NAMES),
        )
        others.append(
            accounts.create_user(
                f"{first}.{last}.community{i}@members.example".lower(),
                None,
                password_hash=password,
                name=f"{first} {last}",
                role=Role.CUSTOMER,
            )
        )
    return regulars + others


class _History:
    """Plays the topics out in time order, each post at its own moment."""

    def __init__(
        self, rng: random.Random, admin: User, staff: list[User], members: list[User], start: Any
    ) -> None:
        self.rng, self.admin, self.staff, self.members, self.start = (
            rng,
            admin,
            staff,
            members,
            start,
        )
        self.counts = {"topics": 0, "replies": 0, "votes": 0, "solved": 0}

    def play(self, until: datetime, tips: Any) -> dict[str, int]:
        span = (until - self.start).total_seconds()
        moments = sorted(self.rng.uniform(0, span - 86400) for _ in range(TOPICS))
        for i, offset in enumerate(moments):
            self.topic(i, self.start + timedelta(seconds=offset), until)
        for days, (title, body) in enumerate(TIPS, start=3):
            with clock.frozen(until - timedelta(days=days)):
                self.post(
                    lambda t=title, b=body: services.ask(
                        self.members[0], title=t, body=b, category=tips
                    )
                )
        return self.counts

    def topic(self, i: int, at: datetime, until: datetime) -> None:
        titles, question, tags, answers = QUESTIONS[i % len(QUESTIONS)]
        asker = self._asker()
        body = self._fill(question) + self.rng.choice(DETAILS)
        title = titles[(i // len(QUESTIONS)) % len(titles)]
        with clock.frozen(at):
            topic = self.post(lambda: services.ask(asker, title=title, body=body, tags=tags))
        if topic is None:
            return
        self.counts["topics"] += 1
        recent = (until - at).days < 10  # the last days' questions are still waiting
        replies = self._replies(topic, asker, answers, at, until, few=recent)
        self._votes(topic, replies, at, until)
        if replies and not recent and self.rng.random() < SOLVED_SHARE:
            self._accept(topic, replies[0], asker, at, until)

    def _replies(
        self,
        topic: Topic,
        asker: User,
        answers: list[str],
        at: datetime,
        until: datetime,
        few: bool,
    ) -> list[Post]:
        made: list[Post] = []
        count = self.rng.randint(0, 1) if few else self.rng.randint(1, len(answers))
        when = at
        for text in answers[:count]:
            when = min(when + timedelta(minutes=self.rng.randint(20, 2880)), until)
            author = self._answerer(asker)
            with clock.frozen(when):
                post = self.post(lambda a=author, t=text: services.reply(topic, a, t))
            if post is not None:
                made.append(post)
                self.counts["replies"] += 1
        return made

    def _votes(self, topic: Topic, replies: list[Post], at: datetime, until: datetime) -> None:
        question = topic.posts.get(is_question=True)
        for post in [question, *replies]:
            voters = self.rng.sample(self.members, self.rng.randint(0, 3))
            for voter in voters:
                if voter.pk == post.author_id:
                    continue
                when = min(at + timedelta(hours=self.rng.randint(1, 240)), until)
                with clock.frozen(when):
                    self.post(lambda v=voter, p=post: services.vote(p, v, 1))
                self.counts["votes"] += 1

    def _accept(self, topic: Topic, post: Post, asker: User, at: datetime, until: datetime) -> None:
        when = min(post.created_at + timedelta(hours=self.rng.randint(1, 72)), until)
        with clock.frozen(when):
            self.post(lambda: services.accept(topic, post, asker))
        self.counts["solved"] += 1

    def post(self, write: Any) -> Any:
        """Run one write; a held post is approved by the admin, a refusal skipped (a rate limit
        in a busy hour is history too)."""
        try:
            made = write()
        except CommunityError:
            return None
        held = made.posts.get(is_question=True) if isinstance(made, Topic) else made
        if isinstance(held, Post) and held.visibility == Visibility.PENDING:
            services.publish(held, self.admin)
            if isinstance(made, Topic):
                made.refresh_from_db()
        return made

    def _asker(self) -> User:
        # Alice and Bob ask a third of the questions between them.
        if self.rng.random() < 0.33:
            return self.members[self.rng.randint(0, 1)]
        return self.rng.choice(self.members[2:])

    def _answerer(self, asker: User) -> User:
        if self.rng.random() < STAFF_SHARE:
            return self.rng.choice(self.staff)
        return self.rng.choice([m for m in self.members if m.pk != asker.pk])

    def _fill(self, text: str) -> str:
        return text.format(**{k: self.rng.choice(v) for k, v in FILL.items()})


def _rebadge() -> None:
    # Badges are rules over the history just written (the reputation engineer's granter).
    from helpmesh.community import badges

    badges.rebadge()
