"""Annotations through the toolbar endpoint and the services: stored rows, errors, access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.annotations import annotation_create, visible_annotations
from reader.models import Annotation, Entity, Label, Membership, ReviewEvent, Status
from tests.conftest import SECRET_TITLE, import_text


def body_of(article) -> str:
    article.refresh_from_db()
    return article.current_revision.body


def span_of(article, needle: str, occurrence: int = 0) -> tuple[int, int]:
    body = body_of(article)
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(needle, start + 1)
    return start, start + len(needle)


def post_create(client, article, **fields):
    data = {"revision": article.current_revision.number, **fields}
    return client.post(reverse("annotation_create", args=[article.pk]), data)


def test_create_highlight_stores_both_selectors(client, annotator, seed_article):
    start, end = span_of(seed_article, "كيم جونغ أون")
    client.force_login(annotator)
    response = post_create(
        client, seed_article, kind="highlight", start=start, end=end, exact="كيم جونغ أون"
    )
    assert response.status_code == 201
    row = Annotation.objects.get()
    body = body_of(seed_article)
    assert (row.start, row.end, row.exact) == (start, end, "كيم جونغ أون")
    assert row.prefix == body[start - 32 : start]
    assert row.suffix == body[end : end + 32]
    assert row.status == Status.PENDING
    assert row.author == annotator
    assert row.revision == seed_article.current_revision
    assert response.json()["id"] == row.pk
    assert response["HX-Trigger"] == "annotation-changed"


def test_create_entity_with_new_entity_and_offer_other_mentions(client, annotator, seed_article):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    response = post_create(
        client,
        seed_article,
        kind="entity",
        start=start,
        end=end,
        exact="بوتين",
        label="person",
        entity="new",
        entity_name="فلاديمير بوتين",
    )
    row = Annotation.objects.get()
    assert row.label.slug == "person"
    assert row.entity.name == "فلاديمير بوتين"
    others = response.json()["others"]
    assert others >= 8
    # tag the others in one action; every new span is exactly the name, without clitics
    client.post(reverse("annotation_tag_others", args=[row.pk]))
    mentions = Annotation.objects.filter(entity=row.entity).order_by("start")
    body = body_of(seed_article)
    assert mentions.count() == others + 1
    assert {body[m.start : m.end] for m in mentions} == {"بوتين"}
    # "وقال بوتين" and "لبوتين"-style clitics are not part of the span
    assert all(m.exact == "بوتين" for m in mentions)


def test_create_claim_with_speaker_verdict_and_evidence(client, annotator, seed_article, team):
    quote = "عشرات الصواريخ الباليستية وأكثر من 11 ألف حاوية ذخيرة"
    start, end = span_of(seed_article, quote)
    person = Label.objects.get(team=team, slug="person")
    speaker = Entity.objects.create(
        team=team, name="ماثيو ميللر", type=person, aliases=["Matthew Miller"]
    )
    client.force_login(annotator)
    response = post_create(
        client,
        seed_article,
        kind="claim",
        start=start,
        end=end,
        exact=quote,
        speaker=speaker.pk,
        verdict="unverified",
        check_worthiness="3",
        evidence="https://example.org/a\nhttps://example.org/b",
        note="يحتاج تحققًا",
    )
    assert response.status_code == 201
    row = Annotation.objects.get()
    assert row.claim_text == quote
    assert row.speaker == speaker
    assert row.verdict.slug == "unverified"
    assert row.check_worthiness == 3
    assert row.evidence == ["https://example.org/a", "https://example.org/b"]
    claims = client.get(reverse("claim_list", args=[team.slug]), {"speaker": speaker.pk})
    assert quote in claims.content.decode()
    other_verdict = client.get(reverse("claim_list", args=[team.slug]), {"verdict": "false"})
    assert quote not in other_verdict.content.decode()


BAD_INPUT = [
    ("out_of_range", lambda s, e, ex, n: {"start": n + 5, "end": n + 9, "exact": "x"}),
    ("out_of_range", lambda s, e, ex, n: {"start": -3, "end": e, "exact": ex}),
    ("empty_span", lambda s, e, ex, n: {"start": e, "end": s, "exact": ""}),
    ("empty_span", lambda s, e, ex, n: {"start": s, "end": s, "exact": ""}),
    ("quote_mismatch", lambda s, e, ex, n: {"start": s, "end": e, "exact": "نص آخر تماما"}),
    ("bad_offsets", lambda s, e, ex, n: {"start": "abc", "end": e, "exact": ex}),
]


@pytest.mark.parametrize(("code", "make"), BAD_INPUT)
def test_create_rejects_bad_spans_with_stable_codes(client, annotator, seed_article, code, make):
    start, end = span_of(seed_article, "كيم جونغ أون")
    n = len(body_of(seed_article))
    client.force_login(annotator)
    response = post_create(
        client, seed_article, kind="highlight", **make(start, end, "كيم جونغ أون", n)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert not Annotation.objects.exists()


def test_create_rejects_boundary_inside_grapheme_cluster(client, annotator, team):
    article = import_text(team, "عنوان\n\nالاشتراك مجانًا للقراء.").article
    body = body_of(article)
    tanwin = body.index("\u064b")  # the tanwin belongs to the nun before it
    client.force_login(annotator)
    response = post_create(
        client,
        article,
        kind="highlight",
        start=body.index("مجانًا"),
        end=tanwin,
        exact=body[body.index("مجانًا") : tanwin],
    )
    assert response.json()["error"]["code"] == "grapheme_boundary"
    assert not Annotation.objects.exists()


def test_create_rejects_stale_revision(client, annotator, reviewer, seed_article):
    from reader.services import article_revise
    from reader.text.blocks import Block

    old_revision = seed_article.current_revision.number
    blocks = [
        Block(k, seed_article.current_revision.body[s:e])
        for s, e, k in seed_article.current_revision.blocks
    ]
    article_revise(
        article=seed_article, user=reviewer, blocks=[*blocks, Block("paragraph", "فقرة جديدة.")]
    )
    start, end = span_of(seed_article, "كيم جونغ أون")
    client.force_login(annotator)
    response = client.post(
        reverse("annotation_create", args=[seed_article.pk]),
        {
            "kind": "highlight",
            "start": start,
            "end": end,
            "exact": "كيم جونغ أون",
            "revision": old_revision,
        },
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_revision"
    assert not Annotation.objects.exists()


def test_create_rejects_another_teams_label(client, annotator, seed_article, other_team):
    foreign = Label.objects.get(team=other_team, slug="person")
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    response = post_create(
        client, seed_article, kind="entity", start=start, end=end, exact="بوتين", label=foreign.pk
    )
    assert response.json()["error"]["code"] == "bad_label"
    assert not Annotation.objects.exists()


def test_create_rejects_huge_note_and_strips_bidi_controls(client, annotator, seed_article):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    response = post_create(
        client,
        seed_article,
        kind="highlight",
        start=start,
        end=end,
        exact="بوتين",
        note="ا" * 100_000,
    )
    assert response.json()["error"]["code"] == "too_long"
    assert not Annotation.objects.exists()
    post_create(
        client,
        seed_article,
        kind="highlight",
        start=start,
        end=end,
        exact="بوتين",
        note="\u202eملاحظة\u202c مع \u2066Latin\u2069 \u200fنص",
    )
    assert Annotation.objects.get().note == "ملاحظة مع Latin \u200fنص"


def test_note_is_escaped_and_isolated_on_the_page(client, annotator, seed_article):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    post_create(
        client,
        seed_article,
        kind="highlight",
        start=start,
        end=end,
        exact="بوتين",
        note="<script>alert(1)</script> Miller قال",
    )
    html = client.get(seed_article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert (
        '<bdi dir="auto" class="user-text">&lt;script&gt;alert(1)&lt;/script&gt; Miller قال</bdi>'
        in html
    )


def test_reader_cannot_annotate(client, reader_user, seed_article):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(reader_user)
    response = post_create(
        client, seed_article, kind="highlight", start=start, end=end, exact="بوتين"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    assert not Annotation.objects.exists()
    assert b"data-selection-toolbar" not in client.get(seed_article.get_absolute_url()).content


def test_outsider_cannot_annotate_or_see_annotations(client, annotator, outsider, seed_article):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    post_create(
        client,
        seed_article,
        kind="highlight",
        start=start,
        end=end,
        exact="بوتين",
        note="سر الفريق",
    )
    row = Annotation.objects.get()
    client.force_login(outsider)
    assert (
        post_create(
            client, seed_article, kind="highlight", start=start, end=end, exact="بوتين"
        ).status_code
        == 404
    )
    for url in [
        reverse("annotation_edit", args=[row.pk]),
        reverse("entity_list", args=["checkers"]),
        reverse("claim_list", args=["checkers"]),
        reverse("label_list", args=["checkers"]),
        reverse("entity_search", args=["checkers"]) + "?q=x",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "سر الفريق" not in response.content.decode()
    for url in [
        reverse("annotation_delete", args=[row.pk]),
        reverse("annotation_tag_others", args=[row.pk]),
    ]:
        assert client.post(url).status_code == 404
    assert Annotation.objects.count() == 1


def test_entity_detail_is_404_for_outsider(client, outsider, team):
    person = Label.objects.get(team=team, slug="person")
    entity = Entity.objects.create(team=team, name="سر", type=person)
    client.force_login(outsider)
    response = client.get(entity.get_absolute_url())
    assert response.status_code == 404
    assert "سر" not in response.content.decode().split("<main", 1)[1]


def make_annotation(article, user, needle, **extra):
    start, end = span_of(article, needle)
    membership = Membership.objects.get(user=user, team=article.team)
    return annotation_create(
        article=article,
        membership=membership,
        kind=extra.pop("kind", "highlight"),
        start=start,
        end=end,
        exact=needle,
        revision=None,
        **extra,
    )


def test_visibility_by_role(seed_article, cast):
    mine = make_annotation(seed_article, cast["annotator"], "بوتين")
    private = make_annotation(seed_article, cast["annotator"], "كيم", visibility="private")
    approved = make_annotation(seed_article, cast["reviewer"], "موسكو")
    Annotation.objects.filter(pk=approved.pk).update(status="approved")

    def seen(role):
        membership = Membership.objects.get(user=cast[role])
        return set(visible_annotations(membership, seed_article).values_list("pk", flat=True))

    assert seen("annotator") == {mine.pk, private.pk, approved.pk}
    assert seen("reviewer") == {mine.pk, approved.pk}
    assert seen("owner") == {mine.pk, approved.pk}
    assert seen("reader") == {approved.pk}


def test_independent_annotation_hides_others_pending_work(seed_article, cast, make_user, team):
    other = make_user("second-annotator")
    Membership.objects.create(user=other, team=team, role="annotator")
    theirs = make_annotation(seed_article, other, "بوتين")
    membership = Membership.objects.get(user=cast["annotator"])
    assert theirs in visible_annotations(membership, seed_article)
    team.independent_annotation = True
    team.save()
    membership = Membership.objects.get(user=cast["annotator"])
    assert theirs not in visible_annotations(membership, seed_article)


def test_annotator_cannot_edit_or_delete_others(client, seed_article, cast):
    theirs = make_annotation(seed_article, cast["reviewer"], "بوتين", note="أصل")
    client.force_login(cast["annotator"])
    response = client.post(
        reverse("annotation_edit", args=[theirs.pk]),
        {"version": 1, "note": "تغيير", "visibility": "team"},
    )
    assert response.status_code == 403
    client.post(reverse("annotation_delete", args=[theirs.pk]), {"version": 1})
    theirs.refresh_from_db()
    assert theirs.note == "أصل"


def test_edit_with_stale_version_is_a_conflict(client, seed_article, cast):
    mine = make_annotation(seed_article, cast["annotator"], "بوتين", note="الأولى")
    client.force_login(cast["annotator"])
    url = reverse("annotation_edit", args=[mine.pk])
    ok = client.post(url, {"version": 1, "note": "الثانية", "visibility": "team"})
    assert ok.status_code == 302
    stale = client.post(url, {"version": 1, "note": "الثالثة", "visibility": "team"})
    assert stale.status_code == 200
    assert "Someone changed this annotation" in stale.content.decode()
    mine.refresh_from_db()
    assert (mine.note, mine.version) == ("الثانية", 2)


def test_delete_own_annotation(client, seed_article, cast):
    mine = make_annotation(seed_article, cast["annotator"], "بوتين")
    client.force_login(cast["annotator"])
    client.post(reverse("annotation_delete", args=[mine.pk]), {"version": 1})
    assert not Annotation.objects.exists()


def test_marks_render_flat_segments_for_overlaps(client, seed_article, cast):
    a = make_annotation(seed_article, cast["annotator"], "كيم جونغ أون")
    b = make_annotation(seed_article, cast["annotator"], "جونغ")
    client.force_login(cast["annotator"])
    html = client.get(seed_article.get_absolute_url()).content.decode()
    assert f'<mark data-annotation-ids="{a.pk}" style="--mark-bg: #fef08a">كيم </mark>' in html
    assert (
        f'<mark data-annotation-ids="{a.pk} {b.pk}" class="is-overlap" style="--mark-bg: #fef08a">جونغ</mark>'
        in html
    )
    assert f'<mark data-annotation-ids="{a.pk}" style="--mark-bg: #fef08a"> أون</mark>' in html


@pytest.mark.parametrize("count", [1, 3])
def test_reader_page_query_count_does_not_grow(
    client, seed_article, cast, count, django_assert_num_queries
):
    for needle in ["بوتين", "كيم", "موسكو"][:count]:
        make_annotation(seed_article, cast["annotator"], needle, kind="claim", note="ن")
    client.force_login(cast["annotator"])
    with django_assert_num_queries(8):
        response = client.get(seed_article.get_absolute_url())
    assert len(response.context["annotations"]) == count


def test_edit_reanchors_and_reports(client, seed_article, cast):
    kept = make_annotation(seed_article, cast["annotator"], "كيم جونغ أون")
    moved = make_annotation(seed_article, cast["annotator"], "حرب مقدسة")
    lost = make_annotation(
        seed_article, cast["annotator"], "ونفت موسكو وبيونغ يانغ عمليات نقل الأسلحة"
    )
    client.force_login(cast["reviewer"])
    form = client.get(reverse("article_edit", args=[seed_article.pk])).context["form"]
    body = form.initial["body"].replace("ونفت موسكو وبيونغ يانغ عمليات نقل الأسلحة.", "")
    body = body.replace(
        "وأكدت كوريا الشمالية، الثلاثاء،", "وأكدت كوريا الشمالية يوم الثلاثاء الماضي،"
    )
    response = client.post(
        reverse("article_edit", args=[seed_article.pk]),
        {
            "title": seed_article.title,
            "language": "ar",
            "direction": "rtl",
            "body": body,
            "base_revision": 1,
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Saved as revision 2" in text
    new_body = body_of(seed_article)
    for row in (kept, moved):
        row.refresh_from_db()
        assert row.revision.number == 2
        assert new_body[row.start : row.end] == row.exact
    lost.refresh_from_db()
    assert lost.status == Status.ORPHANED
    event = ReviewEvent.objects.get(annotation=lost)
    assert (event.from_status, event.to_status) == ("pending", "orphaned")
    assert "1 orphaned" in text


def test_entity_search_folds_arabic(client, annotator, team):
    person = Label.objects.get(team=team, slug="person")
    from reader.annotations import entity_create

    membership = Membership.objects.get(user=annotator)
    entity_create(team=team, membership=membership, name="أُسامة", type=person, aliases=["Osama"])
    client.force_login(annotator)
    for query in ["اسامه", "أسامة", "osama", "اُسامة"]:
        html = client.get(reverse("entity_search", args=[team.slug]), {"q": query}).content.decode()
        assert "أُسامة" in html, query
    assert (
        "أُسامة"
        not in client.get(
            reverse("entity_search", args=[team.slug]), {"q": "محمد"}
        ).content.decode()
    )


def test_entity_page_lists_mentions_across_articles(client, annotator, team, seed_article):
    second = import_text(team, "عنوان آخر\n\nالتقى بوتين وفدا رسميا.").article
    person = Label.objects.get(team=team, slug="person")
    entity = Entity.objects.create(team=team, name="بوتين", type=person)
    make_annotation(seed_article, annotator, "بوتين", kind="entity", label=person, entity=entity)
    make_annotation(second, annotator, "بوتين", kind="entity", label=person, entity=entity)
    client.force_login(annotator)
    response = client.get(entity.get_absolute_url())
    assert [m.article_id for m in response.context["mentions"]] == sorted(
        [seed_article.pk, second.pk]
    )


def test_owner_edits_label_and_others_cannot(client, owner, annotator, team):
    label = Label.objects.get(team=team, slug="person")
    url = reverse("label_list", args=[team.slug])
    data = {
        "label_id": label.pk,
        "kind": "entity",
        "slug": "person",
        "name_en": "Person",
        "name_ar": "شخصية",
        "colour": "#123456",
        "key": "p",
        "position": 0,
    }
    client.force_login(annotator)
    assert client.post(url, data).status_code == 403
    client.force_login(owner)
    client.post(url, data)
    label.refresh_from_db()
    assert (label.name_ar, label.colour) == ("شخصية", "#123456")
    bad = client.post(url, {**data, "colour": "red; background:url(x)"})
    assert "colour" in bad.context["form"].errors
    label.refresh_from_db()
    assert label.colour == "#123456"


def test_new_team_gets_default_labels(db):
    from reader.models import Team

    team = Team.objects.create(name="x", slug="x")
    assert sorted(team.labels.filter(kind="entity").values_list("slug", flat=True)) == [
        "date",
        "event",
        "organisation",
        "person",
        "place",
    ]
    assert team.labels.filter(kind="verdict").count() == 6


def test_admin_action_approves_through_the_service(client, seed_article, cast, make_user):
    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    staff = make_user("moderator", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:reader_annotation_changelist"),
        {"action": "mark_approved", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.APPROVED
    event = ReviewEvent.objects.get(annotation=row)
    assert (event.actor, event.from_status, event.to_status) == (staff, "pending", "approved")


def test_search_folds_arabic_and_hides_other_teams(client, cast, seed_article, secret_article):
    client.force_login(cast["reader"])
    html = client.get(reverse("search"), {"q": "بيونغ يانغ"}).content.decode()
    assert seed_article.title in html
    assert "<mark>بيونغ يانغ</mark>" in html
    # harakat and hamza forms in the query are ignored
    assert (
        seed_article.title
        in client.get(reverse("search"), {"q": "اندريه بيلوسوف"}).content.decode()
    )
    assert seed_article.title in client.get(reverse("search"), {"q": "أَنْدريه"}).content.decode()
    hidden = client.get(reverse("search"), {"q": "نص سري"}).content.decode()
    assert "لا يجوز" not in hidden
    assert SECRET_TITLE not in hidden
    assert "0 articles" in hidden
    assert client.get(reverse("search"), {"q": "ا"}).context["too_short"] is True


def test_sidebar_pages_and_items_by_id(client, seed_article, cast, monkeypatch):
    from reader import annotation_views

    monkeypatch.setattr(annotation_views, "SIDEBAR_PAGE", 2)
    rows = [make_annotation(seed_article, cast["annotator"], n) for n in ["بوتين", "كيم", "موسكو"]]
    rows.sort(key=lambda a: a.start)
    client.force_login(cast["annotator"])
    page = client.get(seed_article.get_absolute_url())
    html = page.content.decode()
    assert [a.pk for a in page.context["annotations"]] == [rows[0].pk, rows[1].pk]
    assert html.count('data-annotation-ids="') == 3  # every mark is there
    url = reverse("annotation_items", args=[seed_article.pk])
    assert f"{url}?page=2" in html
    more = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true")
    assert [a.pk for a in more.context["annotations"]] == [rows[2].pk]
    assert "Show more annotations" not in more.content.decode()
    by_id = client.get(url, {"ids": f"{rows[2].pk},{rows[0].pk}"}, HTTP_HX_REQUEST="true")
    assert sorted(a.pk for a in by_id.context["annotations"]) == sorted([rows[0].pk, rows[2].pk])
    plain = client.get(url, {"page": 2})
    assert "<!doctype html>" in plain.content.decode()
    client.force_login(cast["outsider"])
    assert client.get(url, {"ids": str(rows[0].pk)}).status_code == 404


def test_entity_edit_sets_aliases_and_wikidata_and_search_finds_alias(
    client, annotator, reader_user, outsider, team
):
    person = Label.objects.get(team=team, slug="person")
    entity = Entity.objects.create(team=team, name="بوتين", type=person)
    url = reverse("entity_edit", args=[entity.pk])
    data = {
        "name": "فلاديمير بوتين",
        "type": person.pk,
        "wikidata_id": "Q7747",
        "aliases_text": "Vladimir Putin\nبوتين\n\u202eبوتين\u202c",
    }
    client.force_login(reader_user)
    assert client.post(url, data).status_code == 403
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(annotator)
    bad = client.post(url, {**data, "wikidata_id": "42"})
    assert "Q42" in bad.content.decode()
    client.post(url, data)
    entity.refresh_from_db()
    assert (entity.name, entity.wikidata_id, entity.aliases) == (
        "فلاديمير بوتين",
        "Q7747",
        ["Vladimir Putin", "بوتين"],
    )
    html = client.get(
        reverse("entity_search", args=[team.slug]), {"q": "vladimir"}
    ).content.decode()
    assert "فلاديمير بوتين" in html


def test_claim_dialog_can_create_its_speaker(client, annotator, seed_article, team):
    quote = "عشرات الصواريخ الباليستية"
    start, end = span_of(seed_article, quote)
    client.force_login(annotator)
    options = client.get(
        reverse("entity_search", args=[team.slug]), {"q": "ماثيو ميللر", "field": "speaker"}
    ).content.decode()
    assert 'name="speaker" value="new"' in options
    post_create(
        client,
        seed_article,
        kind="claim",
        start=start,
        end=end,
        exact=quote,
        speaker="new",
        speaker_name="ماثيو ميللر",
    )
    row = Annotation.objects.get()
    assert (row.speaker.name, row.speaker.type.slug) == ("ماثيو ميللر", "person")


def test_refused_annotation_leaves_no_new_entity(client, annotator, seed_article):
    client.force_login(annotator)
    response = post_create(
        client,
        seed_article,
        kind="entity",
        start=0,
        end=3,
        exact="خطأ",
        label="person",
        entity="new",
        entity_name="كيان يتيم",
    )
    assert response.json()["error"]["code"] == "quote_mismatch"
    assert not Entity.objects.filter(name="كيان يتيم").exists()


def test_review_fix_non_ascii_digits_are_errors_not_crashes(client, annotator, seed_article, team):
    start, end = span_of(seed_article, "بوتين")
    client.force_login(annotator)
    response = post_create(
        client, seed_article, kind="entity", start=start, end=end, exact="بوتين", label="²"
    )
    assert response.json()["error"]["code"] == "bad_label"
    assert client.get(reverse("claim_list", args=[team.slug]), {"speaker": "²"}).status_code == 200


def test_entity_mention_counts_follow_visibility(
    client, annotator, reader_user, seed_article, team
):
    person = Label.objects.get(team=team, slug="person")
    entity = Entity.objects.create(team=team, name="بوتين", type=person)
    make_annotation(seed_article, annotator, "بوتين", kind="entity", label=person, entity=entity)
    client.force_login(reader_user)
    listed = client.get(reverse("entity_list", args=[team.slug])).context["page"].object_list
    assert [e.mention_count for e in listed] == [0]
    client.force_login(annotator)
    listed = client.get(reverse("entity_list", args=[team.slug])).context["page"].object_list
    assert [e.mention_count for e in listed] == [1]


def test_editing_an_approved_annotation_sends_it_back_to_review(client, seed_article, cast):
    from reader.annotations import status_change

    row = make_annotation(seed_article, cast["annotator"], "بوتين", note="أ")
    status_change(annotation=row, actor=cast["reviewer"], to_status="approved")
    row.refresh_from_db()
    client.force_login(cast["annotator"])
    client.post(
        reverse("annotation_edit", args=[row.pk]),
        {"version": row.version, "note": "ب", "visibility": "team"},
    )
    row.refresh_from_db()
    assert (row.note, row.status) == ("ب", "pending")
    assert list(ReviewEvent.objects.filter(annotation=row).values_list("to_status", flat=True)) == [
        "approved",
        "pending",
    ]


def test_conflicting_edit_can_be_saved_after_comparing(client, seed_article, cast):
    row = make_annotation(seed_article, cast["annotator"], "بوتين", note="أ")
    client.force_login(cast["annotator"])
    url = reverse("annotation_edit", args=[row.pk])
    client.post(url, {"version": 1, "note": "ب", "visibility": "team"})
    conflict = client.post(url, {"version": 1, "note": "ج", "visibility": "team"})
    form = conflict.context["form"]
    assert form["version"].value() == "2" and form["note"].value() == "ج"
    client.post(url, {"version": form["version"].value(), "note": "ج", "visibility": "team"})
    row.refresh_from_db()
    assert (row.note, row.version) == ("ج", 3)


def test_deleting_an_annotation_keeps_its_review_history(seed_article, cast):
    from reader.annotations import annotation_delete, status_change

    row = make_annotation(seed_article, cast["annotator"], "بوتين")
    status_change(annotation=row, actor=cast["reviewer"], to_status="rejected")
    annotation_delete(annotation=row, membership=Membership.objects.get(user=cast["annotator"]))
    event = ReviewEvent.objects.get()
    assert (event.annotation, event.to_status) == (None, "rejected")
