"""The community: categories, topics and their posts, votes, reputation, badges and moderation.

A topic's question is its first post; replies are the posts after it, so votes, flags, edit
history and moderation treat every post alike. Only ``community.services`` and its sibling
modules (``reputation``, ``badges``, ``moderation``, ``crowd``) write these rows.
"""

from __future__ import annotations

from django.db import models

from helpmesh.accounts.models import User

USER = User


class Access(models.TextChoices):
    PUBLIC = "public", "Everyone"  # values match search.documents.Audience
    CUSTOMERS = "customers", "Signed-in customers"
    GROUP = "group", "Members of a private group"


class TopicKind(models.TextChoices):
    QUESTION = "question", "Question"
    DISCUSSION = "discussion", "Discussion"


class TopicStatus(models.TextChoices):
    OPEN = "open", "Open"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"
    DUPLICATE = "duplicate", "Duplicate"


class Visibility(models.TextChoices):
    """Where a post stands with moderation: shown, waiting for approval, or taken down."""

    VISIBLE = "visible", "Visible"
    PENDING = "pending", "Awaiting approval"
    REMOVED = "removed", "Removed"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SILENCED = "silenced", "Silenced"  # may read, may not post until silenced_until
    SUSPENDED = "suspended", "Suspended"  # may not sign in to post or vote until suspended_until


class NotifyMode(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    DIGEST = "digest", "Daily digest"
    OFF = "off", "Never"


class MemberGroup(models.Model):
    """A private group; a category with access ``group`` is readable by its members only."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    members = models.ManyToManyField(USER, blank=True, related_name="community_groups")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.PUBLIC)
    group = models.ForeignKey(
        MemberGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="categories"
    )
    default_kind = models.CharField(
        max_length=16, choices=TopicKind.choices, default=TopicKind.QUESTION
    )
    # The category a topic lands in when the asker names none (one per site).
    is_default = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person's standing in the community: reputation (the ledger's sum), trust, sanctions."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="community_member")
    reputation = models.IntegerField(default=0)
    trust_level = models.PositiveSmallIntegerField(default=0)
    # A trust level set by staff wins over the computed one (None: computed).
    trust_level_locked = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    sanction_until = models.DateTimeField(null=True, blank=True)
    approved_posts = models.PositiveIntegerField(default=0)
    notify = models.CharField(
        max_length=16, choices=NotifyMode.choices, default=NotifyMode.IMMEDIATE
    )
    bio = models.TextField(blank=True)
    joined_at = models.DateTimeField()
    last_posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-reputation"], name="community_member_rep")]

    def __str__(self) -> str:
        return str(self.user)


class Topic(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    kind = models.CharField(max_length=16, choices=TopicKind.choices, default=TopicKind.QUESTION)
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="community_topics")
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics")
    status = models.CharField(max_length=16, choices=TopicStatus.choices, default=TopicStatus.OPEN)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # The staff ticket behind the question (the crowd layer's time box, a conversion to a
    # private ticket); the ticket's SLA clock started with the question.
    ticket = models.OneToOneField(
        "conversations.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_topic",
    )
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    first_answer_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)  # the question's votes

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["category", "-last_activity_at"], name="community_topic_recent"),
            models.Index(fields=["status", "created_at"], name="community_topic_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def path(self) -> str:
        return f"/community/t/{self.pk}-{self.slug}/"


class Post(models.Model):
    """The question (``is_question``) or one reply."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="community_posts")
    body = models.TextField()  # Markdown; rendered and sanitized on display
    is_question = models.BooleanField(default=False)
    is_official = models.BooleanField(default=False)  # a staff member's answer
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    held_reason = models.CharField(max_length=200, blank=True)
    score = models.IntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)
    # A staff answer posted back from the linked ticket.
    from_message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="community_post_topic")]

    def __str__(self) -> str:
        return f"post {self.pk} on topic {self.topic_id}"


class Revision(models.Model):
    """One saved state of a post (number 1 as first written); the topic's title rides along."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=250, blank=True)
    body = models.TextField()
    editor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="community_revision_unique")
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} revision {self.number}"


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="community_votes")
    value = models.SmallIntegerField()  # +1 or -1
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=64, blank=True)  # a hash of the user agent
    # Why the vote earns nobody points (self vote, vote ring, same network); empty: it counts.
    discounted = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "voter"], name="community_vote_once")
        ]
        indexes = [models.Index(fields=["voter", "created_at"], name="community_vote_voter")]

    def __str__(self) -> str:
        return f"{self.value:+d} on post {self.post_id}"


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="community_mentions")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="community_mention_once")
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in post {self.post_id}"


class Watch(models.Model):
    """Someone follows a topic, a category or a tag (exactly one of the three)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="community_watches")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "category", "tag"], name="community_watch_once"
            )
        ]

    def __str__(self) -> str:
        return f"watch by {self.user_id}"


class PendingNotice(models.Model):
    """A post a watcher has not been mailed about yet (digest mode, or mail still to send)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=32)  # watching, mentioned, answered
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "user"], name="community_notice_unsent")]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="community_notice_once")
        ]

    def __str__(self) -> str:
        return f"notice of post {self.post_id} for {self.user_id}"


class ReputationEvent(models.Model):
    """One line of the reputation ledger; a member's reputation is the sum of their points.

    Nothing is deleted: removing content or a vote writes a reversal (``reverses``) instead.
    """

    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reputation_events")
    kind = models.CharField(max_length=32)
    points = models.IntegerField()
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vote = models.ForeignKey(
        Vote, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reversed_by"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["member", "created_at"], name="community_rep_member"),
            models.Index(fields=["created_at"], name="community_rep_time"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind} for {self.member_id}"


class Badge(models.Model):
    """A badge a rule awards (``rule`` names it in ``community.badges.RULES``)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=250)
    level = models.CharField(max_length=16, default="bronze")  # bronze, silver, gold
    rule = models.CharField(max_length=80)

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="badge_awards")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    awarded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "member", "tag"],
                name="community_badge_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"badge {self.badge_id} for {self.member_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    OFFENSIVE = "offensive", "Rude or offensive"
    OFF_TOPIC = "off_topic", "Off topic"
    DUPLICATE = "duplicate", "Duplicate"
    HELPFUL = "helpful", "Especially helpful"
    OTHER = "other", "Something else"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    UPHELD = "upheld", "Upheld"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="community_flags"
    )
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="community_flag_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter", "reason"], name="community_flag_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag on post {self.post_id}"


class ModerationAction(models.Model):
    """What a moderator (or the system, ``moderator`` empty) did, and why."""

    action = models.CharField(max_length=32)  # approve, reject, remove, restore, silence, ...
    moderator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_id}"


class CrowdOffer(models.Model):
    """The crowd layer offered a question to an expert (by accepted answers on its tags)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="offers")
    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="community_offers")
    reason = models.CharField(max_length=250)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "member"], name="community_offer_once")
        ]

    def __str__(self) -> str:
        return f"topic {self.topic_id} offered to {self.member_id}"
