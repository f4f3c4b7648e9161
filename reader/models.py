"""Hamish's data: teams and roles, articles and their revisions, import rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    REVIEWER = "reviewer", _("Reviewer")
    ANNOTATOR = "annotator", _("Annotator")
    READER = "reader", _("Reader")


# Higher rank can do everything a lower rank can.
ROLE_RANK = {Role.READER: 0, Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}


class Direction(models.TextChoices):
    RTL = "rtl", _("Right to left")
    LTR = "ltr", _("Left to right")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    independent_annotation = models.BooleanField(
        _("independent annotation"),
        default=False,
        help_text=_("Annotators do not see each other's pending annotations."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team_detail", args=[self.slug])


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    created = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["team", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_one_per_user_team"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.role})"

    def has_role(self, role: Role | str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    @property
    def can_annotate(self) -> bool:
        return self.has_role(Role.ANNOTATOR)

    @property
    def can_review(self) -> bool:
        return self.has_role(Role.REVIEWER)

    @property
    def can_edit_articles(self) -> bool:
        return self.has_role(Role.REVIEWER)

    @property
    def can_manage(self) -> bool:
        return self.has_role(Role.OWNER)


class Article(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("title"), max_length=500)
    byline = models.CharField(_("byline"), max_length=300, blank=True)
    source_name = models.CharField(_("source name"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    published = models.DateField(_("publication date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=35, blank=True, help_text=_("A BCP 47 tag such as ar, fa, he.")
    )
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.RTL
    )
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["team", "-created", "-id"], name="article_team_created"),
            models.Index(fields=["team", "language"], name="article_team_language"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "source_url"],
                condition=~Q(source_url=""),
                name="article_unique_source_url_per_team",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="article_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])


class BlockKind(models.TextChoices):
    PARAGRAPH = "paragraph", _("Paragraph")
    HEADING = "heading", _("Heading")
    CAPTION = "caption", _("Caption")
    QUOTE = "quote", _("Quote")


class Revision(models.Model):
    """One version of an article's body: NFC plain text plus its block map.

    ``blocks`` is a list of ``[start, end, kind]`` in code points, such that
    ``body[start:end]`` is the block's text; blocks are separated by one blank line.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    body = models.TextField(_("body"))
    blocks = models.JSONField(_("blocks"), default=list)
    body_sha256 = models.CharField(max_length=64, db_index=True)
    word_count = models.PositiveIntegerField(_("words"), default=0)
    removals = models.JSONField(
        _("removed at import"),
        default=list,
        blank=True,
        help_text=_("What import cleaning removed: rule, text, block index, restored."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("revision_detail", args=[self.article_id, self.number])


class DebrisRuleKind(models.TextChoices):
    LINE = "line", _("Remove matching lines anywhere")
    LEADING = "leading", _("Remove matching lines at the start")
    TRAILING = "trailing", _("Remove matching lines at the end")
    REPEATED_TITLE = "repeated_title", _("Remove the title repeated as the first line")


class DebrisRule(models.Model):
    """A team's own import cleaning rule, added to the built-in list (``text.debris``).

    A row whose name is a built-in rule's name replaces that rule for the team; with
    ``enabled=False`` it switches the built-in rule off.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="debris_rules")
    name = models.SlugField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=DebrisRuleKind.choices)
    pattern = models.CharField(
        _("pattern"),
        max_length=500,
        blank=True,
        help_text=_("A regular expression that must match the whole line."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team_id", "name"]
        verbose_name = _("import cleaning rule")
        verbose_name_plural = _("import cleaning rules")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"], name="debrisrule_unique_name_per_team"
            ),
        ]

    def __str__(self) -> str:
        return self.name
