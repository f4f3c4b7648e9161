from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import Membership, Team
from tests.conftest import import_text


def make_articles(team, n: int, *, language_text: str = "نص عربي قصير") -> list:
    return [import_text(team, f"مقال رقم {i}\n\n{language_text} {i}.").article for i in range(n)]


@pytest.mark.parametrize("count", [1, 3])
def test_library_query_count_does_not_grow(
    client, annotator, team, count, django_assert_num_queries
):
    make_articles(team, count)
    client.force_login(annotator)
    with django_assert_num_queries(7):
        response = client.get(reverse("library"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 3])
def test_team_page_query_count_does_not_grow(
    client, owner, team, make_user, count, django_assert_num_queries
):
    for i in range(count):
        Membership.objects.create(team=team, user=make_user(f"m{i}"), role="reader")
    client.force_login(owner)
    with django_assert_num_queries(4):
        response = client.get(reverse("team_detail", args=[team.slug]))
    assert len(response.context["members"]) == count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_team_list_query_count_does_not_grow(
    client, owner, make_user, count, django_assert_num_queries
):
    for i in range(count - 1):
        extra = Team.objects.create(name=f"T{i}", slug=f"t{i}")
        Membership.objects.create(team=extra, user=owner, role="reader")
    client.force_login(owner)
    with django_assert_num_queries(3):
        response = client.get(reverse("team_list"))
    assert len(response.context["teams"]) == count


def test_library_paginates_twenty_per_page(client, annotator, team):
    make_articles(team, 23)
    client.force_login(annotator)
    first = client.get(reverse("library"))
    second = client.get(reverse("library"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert [a.title for a in second.context["page"].object_list] == [
        "مقال رقم 2",
        "مقال رقم 1",
        "مقال رقم 0",
    ]
    assert "Page 2 of 2" in second.content.decode()


def test_library_filters_by_team_and_language(client, annotator, team, make_user):
    second = Team.objects.create(name="Second", slug="second")
    Membership.objects.create(team=second, user=annotator, role="reader")
    import_text(team, "عنوان عربي\n\nهذا نص عربي عن السياسة.")
    import_text(second, "כותרת\n\nזהו טקסט בעברית.")
    client.force_login(annotator)
    by_team = client.get(reverse("library"), {"team": "second"}).context["page"].object_list
    by_lang = client.get(reverse("library"), {"language": "ar"}).context["page"].object_list
    assert [a.title for a in by_team] == ["כותרת"]
    assert [a.title for a in by_lang] == ["عنوان عربي"]


def test_library_empty_states(client, make_user, annotator):
    loner = make_user("loner")
    client.force_login(loner)
    assert "You are not in a team yet" in client.get(reverse("library")).content.decode()
    client.force_login(annotator)
    content = client.get(reverse("library")).content.decode()
    assert "No articles yet" in content
    assert "Import your first article" in content


def test_owner_adds_member_by_username(client, owner, team, make_user):
    newcomer = make_user("newcomer")
    client.force_login(owner)
    response = client.post(
        reverse("team_detail", args=[team.slug]), {"username": "newcomer", "role": "reviewer"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(team=team, user=newcomer).role == "reviewer"


def test_owner_adding_unknown_user_gets_clear_error(client, owner, team):
    client.force_login(owner)
    response = client.post(
        reverse("team_detail", args=[team.slug]), {"username": "ghost", "role": "reader"}
    )
    assert "There is no active user named “ghost”." in response.content.decode()
    assert team.memberships.count() == 1


def test_non_owner_cannot_add_members(client, reviewer, team, make_user):
    make_user("newcomer")
    client.force_login(reviewer)
    response = client.post(
        reverse("team_detail", args=[team.slug]), {"username": "newcomer", "role": "owner"}
    )
    assert response.status_code == 403
    assert not team.memberships.filter(user__username="newcomer").exists()


def test_owner_changes_role_and_removes_member(client, owner, annotator, team):
    member = Membership.objects.get(user=annotator)
    client.force_login(owner)
    client.post(reverse("member_update", args=[team.slug, member.pk]), {"role": "reviewer"})
    member.refresh_from_db()
    assert member.role == "reviewer"
    client.post(reverse("member_update", args=[team.slug, member.pk]), {"remove": "1"})
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_last_owner_cannot_demote_themselves(client, owner, team):
    me = Membership.objects.get(user=owner)
    client.force_login(owner)
    client.post(reverse("member_update", args=[team.slug, me.pk]), {"role": "reader"})
    me.refresh_from_db()
    assert me.role == "owner"
