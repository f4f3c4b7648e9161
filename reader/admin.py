from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .annotations import status_change
from .models import (
    Annotation,
    ApiToken,
    Article,
    DebrisRule,
    Entity,
    Label,
    Membership,
    ReviewEvent,
    Revision,
    Status,
    Team,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "independent_annotation", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "team__name"]
    list_select_related = ["user", "team"]


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ["number", "summary", "word_count", "created_by", "created"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "language", "direction", "source_name", "published", "created"]
    list_filter = ["team", "language", "direction"]
    search_fields = ["title", "source_name", "source_url"]
    list_select_related = ["team"]
    raw_id_fields = ["current_revision", "created_by"]
    inlines = [RevisionInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "word_count", "created_by", "created"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__title"]
    readonly_fields = [
        "article",
        "number",
        "body",
        "blocks",
        "body_sha256",
        "removals",
        "created_by",
    ]


@admin.register(DebrisRule)
class DebrisRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "kind", "pattern", "enabled"]
    list_filter = ["kind", "enabled", "team"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["slug", "team", "kind", "name_en", "name_ar", "colour", "key", "position"]
    list_filter = ["kind", "team"]
    list_select_related = ["team"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "type", "wikidata_id", "created"]
    list_filter = ["team", "type__slug"]
    search_fields = ["name", "search_key", "wikidata_id"]
    list_select_related = ["team", "type"]
    readonly_fields = ["search_key"]


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    fields = ["created", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _moderate(to_status: str, label: str):
    """An admin action that moves annotations through the same service as the app, so each
    change writes its review event."""

    @admin.action(description=label)
    def action(modeladmin, request, queryset):
        changed = 0
        for annotation in queryset:
            if annotation.status != to_status and status_change(
                annotation=annotation,
                actor=request.user,
                to_status=to_status,
                reason=str(_("Changed in the admin")),
            ):
                changed += 1
        modeladmin.message_user(request, _("%(n)s annotations changed.") % {"n": changed})

    action.__name__ = f"mark_{to_status}"
    return action


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "exact_short",
        "article",
        "author",
        "status",
        "visibility",
        "modified",
    ]
    list_filter = ["status", "kind", "visibility", "article__team"]
    search_fields = ["exact", "note", "claim_text", "author__username"]
    list_select_related = ["article", "author"]
    raw_id_fields = ["article", "revision", "author", "label", "entity", "speaker", "verdict"]
    readonly_fields = ["start", "end", "exact", "prefix", "suffix", "revision", "status", "version"]
    inlines = [ReviewEventInline]
    actions = [
        _moderate(Status.APPROVED, _("Approve")),
        _moderate(Status.REJECTED, _("Reject")),
        _moderate(Status.FLAGGED, _("Flag for follow-up")),
    ]

    @admin.display(description=_("quote"))
    def exact_short(self, obj):
        return obj.exact[:60]


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ["annotation", "actor", "from_status", "to_status", "created"]
    list_filter = ["to_status"]
    list_select_related = ["annotation", "actor"]
    readonly_fields = ["annotation", "actor", "from_status", "to_status", "reason", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "token_hash", "created", "last_used"]
