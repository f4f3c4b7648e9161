"""Hamish's data: teams and roles, articles and their revisions, import rules."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy as _, pgettext_lazy


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
    source_url = models.URLField(
        _("source URL"),
        max_length=1000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
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
    # text.folding.fold(body): what /search/ matches (harakat, tatweel, hamza forms ignored).
    folded = models.TextField(default="", editable=False)
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


HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class LabelKind(models.TextChoices):
    ENTITY = "entity", _("Entity type")
    VERDICT = "verdict", _("Claim verdict")


class Label(models.Model):
    """A team's entity type or claim verdict, with names in Arabic and English."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(_("kind"), max_length=10, choices=LabelKind.choices)
    slug = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name in English"), max_length=80)
    name_ar = models.CharField(_("name in Arabic"), max_length=80)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#fde68a",
        validators=[RegexValidator(HEX_COLOUR, _("Use a colour like #fde68a."))],
    )
    key = models.CharField(
        _("keyboard key"), max_length=1, blank=True, help_text=_("One letter or digit.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["team", "kind", "position", "pk"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.UniqueConstraint(fields=["team", "kind", "slug"], name="label_unique_slug"),
            models.UniqueConstraint(
                fields=["team", "kind", "key"], condition=~Q(key=""), name="label_unique_key"
            ),
            models.CheckConstraint(condition=Q(colour__regex=HEX_COLOUR), name="label_colour_hex"),
            models.CheckConstraint(condition=Q(kind__in=LabelKind.values), name="label_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if get_language() == "ar" else self.name_en


class Entity(models.Model):
    """A person, organisation, place… that mentions in the team's articles point to."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(_("canonical name"), max_length=200)
    type = models.ForeignKey(
        Label,
        on_delete=models.PROTECT,
        related_name="entities",
        limit_choices_to={"kind": LabelKind.ENTITY},
        verbose_name=_("type"),
    )
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id looks like Q42."))],
    )
    # fold() of the name and every alias, one per line: what search-as-you-type matches.
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="entity_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("entity_detail", args=[self.pk])


class AnnotationKind(models.TextChoices):
    HIGHLIGHT = "highlight", _("Highlight")
    ENTITY = "entity", _("Entity")
    CLAIM = "claim", _("Claim")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FLAGGED = "flagged", _("Flagged")
    ORPHANED = "orphaned", _("Orphaned")


class Visibility(models.TextChoices):
    TEAM = "team", _("Shared with the team")
    PRIVATE = "private", _("Only me")


class CheckWorthiness(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class Annotation(models.Model):
    """A span of one revision's body with both W3C selectors, and what it says about it.

    ``start``/``end`` are code points into ``revision.body``; ``exact`` equals that slice and
    ``prefix``/``suffix`` hold up to 32 code points of context. When the article is edited
    the annotation is re-anchored onto the new revision, or becomes ``orphaned``.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AnnotationKind.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    exact = models.TextField(_("quote"))
    prefix = models.CharField(_("prefix"), max_length=32, blank=True)
    suffix = models.CharField(_("suffix"), max_length=32, blank=True)
    label = models.ForeignKey(
        Label, on_delete=models.PROTECT, null=True, blank=True, related_name="annotations"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions"
    )
    note = models.TextField(_("note"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.TEAM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Claims
    claim_text = models.TextField(_("claim"), blank=True)
    speaker = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("speaker"),
    )
    check_worthiness = models.PositiveSmallIntegerField(
        _("check-worthiness"), choices=CheckWorthiness.choices, null=True, blank=True
    )
    verdict = models.ForeignKey(
        Label,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdict_annotations",
        verbose_name=_("verdict"),
    )
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        indexes = [
            models.Index(fields=["article", "start"], name="annotation_article_start"),
            models.Index(fields=["article", "status"], name="annotation_article_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="annotation_start_gte_0"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="annotation_start_lt_end"),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_gte_1"),
            models.CheckConstraint(
                condition=Q(kind__in=AnnotationKind.values), name="annotation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="annotation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="annotation_visibility_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AnnotationKind.ENTITY) | Q(label__isnull=False),
                name="annotation_entity_has_label",
            ),
            models.CheckConstraint(
                condition=Q(kind=AnnotationKind.ENTITY) | Q(label__isnull=True),
                name="annotation_label_only_on_entity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:40]}"

    @property
    def motivation(self) -> str:
        if self.kind == AnnotationKind.ENTITY:
            return "identifying"
        if self.kind == AnnotationKind.CLAIM:
            return "assessing"
        return "commenting" if self.note else "highlighting"


class ReviewEvent(models.Model):
    """One change of an annotation's status: who, when, from, to, why."""

    # Kept when the annotation is deleted: the audit history outlives what it describes.
    annotation = models.ForeignKey(
        Annotation, on_delete=models.SET_NULL, null=True, related_name="review_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation", "created", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"{self.annotation_id}: {self.from_status} → {self.to_status}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(pgettext_lazy("API token", "prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
