"""The cast: one team with an owner, a reviewer, an annotator and a reader, and an outsider
who belongs to another team with its own article (so there is something that could leak)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PATH = FIXTURES / "seed_article.txt"
CORPUS = FIXTURES / "corpus"
SECRET_TITLE = "مقال سري للفريق الآخر"

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# a thread with a running loop unless told it is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, **extra):
        return django_user_model.objects.create_user(
            username=username, password="correct horse battery staple", **extra
        )

    return make


@pytest.fixture
def team(db):
    from reader.models import Team

    return Team.objects.create(name="فريق التحقق", slug="checkers")


@pytest.fixture
def other_team(db):
    from reader.models import Team

    return Team.objects.create(name="Other team", slug="other")


def _member(make_user, team, username, role):
    from reader.models import Membership

    user = make_user(username)
    Membership.objects.create(user=user, team=team, role=role)
    return user


@pytest.fixture
def owner(make_user, team):
    return _member(make_user, team, "owner", "owner")


@pytest.fixture
def reviewer(make_user, team):
    return _member(make_user, team, "reviewer", "reviewer")


@pytest.fixture
def annotator(make_user, team):
    return _member(make_user, team, "annotator", "annotator")


@pytest.fixture
def reader_user(make_user, team):
    return _member(make_user, team, "reader", "reader")


@pytest.fixture
def outsider(make_user, other_team):
    return _member(make_user, other_team, "outsider", "owner")


@pytest.fixture
def cast(owner, reviewer, annotator, reader_user, outsider):
    return {
        "owner": owner,
        "reviewer": reviewer,
        "annotator": annotator,
        "reader": reader_user,
        "outsider": outsider,
    }


def import_text(team, text: str | bytes, *, filename: str = "a.txt", user=None, **kwargs):
    from django.conf import settings

    from reader.services import article_import
    from reader.text.extract import extract_document

    document = extract_document(text, filename=filename, max_bytes=settings.HAMISH_MAX_IMPORT_BYTES)
    return article_import(team=team, user=user, document=document, **kwargs)


@pytest.fixture
def seed_article(team, owner):
    return import_text(team, SEED_PATH.read_bytes(), filename="seed.txt", user=owner).article


@pytest.fixture
def secret_article(other_team, outsider):
    """An article of the other team: nothing of it may reach the main team's members."""
    body = f"{SECRET_TITLE}\n\nنص سري لا يجوز أن يراه أحد من خارج الفريق."
    return import_text(other_team, body, user=outsider).article
