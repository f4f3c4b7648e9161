from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import annotation_views as av, api, portability_views as pv, views

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/revisions/", views.revision_list, name="revision_list"),
    path(
        "articles/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision_detail",
    ),
    path("articles/<int:pk>/imported/", views.import_report, name="import_report"),
    path(
        "articles/<int:pk>/imported/<int:index>/restore/",
        views.removal_restore,
        name="removal_restore",
    ),
    path("articles/<int:pk>/annotations/new/", av.annotation_create, name="annotation_create"),
    path("articles/<int:pk>/annotations/items/", av.annotation_items, name="annotation_items"),
    path("annotations/<int:pk>/edit/", av.annotation_edit, name="annotation_edit"),
    path("annotations/<int:pk>/delete/", av.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/review/", av.annotation_review, name="annotation_review"),
    path("teams/<slug:slug>/review/", av.review_queue, name="review_queue"),
    path(
        "annotations/<int:pk>/tag-others/", av.annotation_tag_others, name="annotation_tag_others"
    ),
    path("entities/<int:pk>/", av.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/edit/", av.entity_edit, name="entity_edit"),
    path("teams/<slug:slug>/entities/", av.entity_list, name="entity_list"),
    path("teams/<slug:slug>/entities/search/", av.entity_search, name="entity_search"),
    path("teams/<slug:slug>/claims/", av.claim_list, name="claim_list"),
    path("teams/<slug:slug>/labels/", av.label_list, name="label_list"),
    path("articles/<int:pk>/export/", pv.article_export, name="article_export"),
    path("teams/<slug:slug>/export/", pv.team_export, name="team_export"),
    path("teams/<slug:slug>/annotations/import/", pv.annotation_import, name="annotation_import"),
    path("accounts/tokens/", pv.token_list, name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", pv.token_revoke_view, name="token_revoke"),
    path("api/", api.api_root, name="api_root"),
    path("api/openapi.json", pv.openapi, name="api_openapi"),
    path("api/articles/<int:pk>/annotations/", api.container, name="api_container"),
    path("api/annotations/<int:pk>", api.annotation, name="api_annotation"),
    path("import/", views.article_import, name="article_import"),
    path("search/", views.search, name="search"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/members/<int:member_id>/", views.member_update, name="member_update"),
    path("teams/<slug:slug>/rules/", views.team_rules, name="team_rules"),
    path(
        "teams/<slug:slug>/rules/builtin/<slug:name>/toggle/",
        views.team_rule_toggle,
        name="team_rule_toggle",
    ),
    path(
        "teams/<slug:slug>/rules/<int:rule_id>/delete/",
        views.team_rule_delete,
        name="team_rule_delete",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
