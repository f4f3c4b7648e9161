from django.contrib import admin

from .models import Article, DebrisRule, Membership, Revision, Team


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
