"""The access matrix: every page, the whole cast."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import SECRET_TITLE

ROLES = ["owner", "reviewer", "annotator", "reader", "outsider"]


def pages(article, team):
    return {
        "article_detail": reverse("article_detail", args=[article.pk]),
        "revision_list": reverse("revision_list", args=[article.pk]),
        "revision_detail": reverse("revision_detail", args=[article.pk, 1]),
        "import_report": reverse("import_report", args=[article.pk]),
        "article_edit": reverse("article_edit", args=[article.pk]),
        "team_detail": reverse("team_detail", args=[team.slug]),
        "team_rules": reverse("team_rules", args=[team.slug]),
    }


# What each role gets on each page of its team's article (outsider: another team's member).
EXPECTED = {
    "owner": dict.fromkeys(
        [
            "article_detail",
            "revision_list",
            "revision_detail",
            "import_report",
            "article_edit",
            "team_detail",
            "team_rules",
        ],
        200,
    ),
    "reviewer": dict.fromkeys(
        [
            "article_detail",
            "revision_list",
            "revision_detail",
            "import_report",
            "article_edit",
            "team_detail",
            "team_rules",
        ],
        200,
    ),
    "annotator": {
        **dict.fromkeys(
            [
                "article_detail",
                "revision_list",
                "revision_detail",
                "import_report",
                "team_detail",
                "team_rules",
            ],
            200,
        ),
        "article_edit": 403,
    },
    "reader": {
        **dict.fromkeys(
            [
                "article_detail",
                "revision_list",
                "revision_detail",
                "import_report",
                "team_detail",
                "team_rules",
            ],
            200,
        ),
        "article_edit": 403,
    },
    "outsider": dict.fromkeys(
        [
            "article_detail",
            "revision_list",
            "revision_detail",
            "import_report",
            "article_edit",
            "team_detail",
            "team_rules",
        ],
        404,
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role_as_designed(client, cast, team, seed_article, role):
    client.force_login(cast[role])
    got = {name: client.get(url).status_code for name, url in pages(seed_article, team).items()}
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_outsider_pages_never_show_the_article_title(client, cast, team, seed_article, role):
    client.force_login(cast[role])
    for url in pages(seed_article, team).values():
        content = client.get(url).content.decode()
        if role == "outsider":
            assert seed_article.title not in content
            assert "فريق التحقق" not in content


def test_anonymous_visitor_is_sent_to_login(client, seed_article, team):
    for url in [reverse("library"), reverse("article_import"), *pages(seed_article, team).values()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["owner", "reviewer", "annotator", "reader"])
def test_library_never_lists_another_teams_article(
    client, cast, seed_article, secret_article, role
):
    client.force_login(cast[role])
    content = client.get(reverse("library")).content.decode()
    assert seed_article.title in content
    assert SECRET_TITLE not in content
    assert "Other team" not in content
    # filtering by the other team's slug shows nothing of it either
    content = client.get(reverse("library"), {"team": "other"}).content.decode()
    assert SECRET_TITLE not in content
    assert seed_article.title not in content


def test_outsider_library_shows_only_their_team(client, outsider, seed_article, secret_article):
    client.force_login(outsider)
    content = client.get(reverse("library")).content.decode()
    assert SECRET_TITLE in content
    assert seed_article.title not in content


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("removal_restore", lambda a, t: [a.pk, 0]),
        ("member_update", lambda a, t: [t.slug, t.memberships.first().pk]),
        ("team_rule_toggle", lambda a, t: [t.slug, "ad_marker"]),
    ],
)
def test_outsider_posts_get_404_and_change_nothing(client, cast, team, seed_article, name, args):
    from reader.models import DebrisRule, Membership, Revision

    before = (
        Revision.objects.count(),
        list(Membership.objects.values_list("pk", "role")),
        DebrisRule.objects.count(),
    )
    client.force_login(cast["outsider"])
    response = client.post(reverse(name, args=args(seed_article, team)), {"role": "reader"})
    assert response.status_code == 404
    after = (
        Revision.objects.count(),
        list(Membership.objects.values_list("pk", "role")),
        DebrisRule.objects.count(),
    )
    assert after == before


def test_outsider_cannot_import_into_a_team_they_are_not_in(client, outsider, team):
    from reader.models import Article

    client.force_login(outsider)
    response = client.post(
        reverse("article_import"), {"team": team.pk, "text": "عنوان\n\nنص المقال."}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Article.objects.filter(team=team).exists()


def test_reader_cannot_import(client, reader_user, team):
    client.force_login(reader_user)
    assert client.get(reverse("article_import")).status_code == 404
