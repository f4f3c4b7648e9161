"""Reviewing in the app: approve, reject, reopen, flag; the queue; the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import ReviewEvent
from tests.test_annotations import make_annotation


def review(client, annotation, action, reason="", status=None, **extra):
    return client.post(
        reverse("annotation_review", args=[annotation.pk]),
        {"action": action, "reason": reason, "status": status or annotation.status},
        **extra,
    )


def test_reviewer_approves_and_the_event_is_written(client, seed_article, cast):
    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    client.force_login(cast["reviewer"])
    response = review(client, row, "approve")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{row.pk}")
    row.refresh_from_db()
    assert (row.status, row.version) == ("approved", 2)
    event = ReviewEvent.objects.get(annotation=row)
    assert (event.actor, event.from_status, event.to_status) == (
        cast["reviewer"],
        "pending",
        "approved",
    )


def test_htmx_review_answers_204_with_a_trigger(client, seed_article, cast):
    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    client.force_login(cast["owner"])
    response = review(client, row, "reject", "خارج الموضوع", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert "annotation-changed" in response["HX-Trigger"]
    assert ReviewEvent.objects.get(annotation=row).reason == "خارج الموضوع"


@pytest.mark.parametrize("role", ["annotator", "reader"])
def test_non_reviewers_cannot_approve(client, seed_article, cast, role):
    row = make_annotation(seed_article, cast["reviewer"], "بوتين")
    if role == "reader":
        from reader.annotations import status_change

        status_change(annotation=row, actor=cast["owner"], to_status="approved")
        row.refresh_from_db()
    client.force_login(cast[role])
    assert review(client, row, "reject").status_code == 403
    row.refresh_from_db()
    assert row.status in ("pending", "approved")
    assert ReviewEvent.objects.filter(to_status="rejected").count() == 0


def test_any_member_flags_with_a_reason(client, seed_article, cast):
    from reader.annotations import status_change

    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    status_change(annotation=row, actor=cast["reviewer"], to_status="approved")
    row.refresh_from_db()
    client.force_login(cast["reader"])
    review(client, row, "flag", "")
    row.refresh_from_db()
    assert row.status == "approved"  # a flag needs a reason
    review(client, row, "flag", "الاسم مكتوب خطأ")
    row.refresh_from_db()
    assert row.status == "flagged"
    assert (
        ReviewEvent.objects.filter(annotation=row, to_status="flagged").get().reason
        == "الاسم مكتوب خطأ"
    )


def test_a_stale_review_is_refused(client, seed_article, cast):
    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    client.force_login(cast["reviewer"])
    review(client, row, "approve", status="pending")
    response = review(client, row, "reject", status="pending", follow=True)
    assert "Someone else reviewed this annotation meanwhile" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "approved"


def test_outsider_cannot_review_or_see_the_queue(client, seed_article, cast):
    row = make_annotation(seed_article, cast["annotator"], "بوتين", note="سر")
    client.force_login(cast["outsider"])
    assert review(client, row, "approve").status_code == 404
    queue = client.get(reverse("review_queue", args=["checkers"]))
    assert queue.status_code == 404
    assert "سر" not in queue.content.decode()
    row.refresh_from_db()
    assert row.status == "pending"


def test_queue_is_for_reviewers(client, seed_article, cast):
    make_annotation(seed_article, cast["annotator"], "بوتين")
    client.force_login(cast["annotator"])
    assert client.get(reverse("review_queue", args=["checkers"])).status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_queue_lists_pending_without_n_plus_one(
    client, seed_article, cast, count, django_assert_num_queries
):
    for needle in ["بوتين", "كيم", "موسكو"][:count]:
        make_annotation(seed_article, cast["annotator"], needle, kind="claim", verdict="false")
    client.force_login(cast["reviewer"])
    with django_assert_num_queries(6):
        response = client.get(reverse("review_queue", args=["checkers"]))
    assert len(response.context["page"].object_list) == count
    assert response.context["counts"] == {"pending": count}
