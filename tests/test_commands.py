from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reader.models import Article, Membership, Revision
from tests.conftest import CORPUS, SEED_PATH

ROOT = Path(__file__).resolve().parent.parent


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_import_article_prints_id_tab_path(team):
    out, err = run("import_article", str(SEED_PATH), "--team", team.slug)
    article = Article.objects.get(team=team)
    assert out == f"{article.pk}\t/articles/{article.pk}/\n"
    assert "[ad_1]" in err


def test_import_article_many_files_and_language_flag(team):
    paths = [str(CORPUS / "he_wiki_dialysis.txt"), str(CORPUS / "fa_news_seraji.txt")]
    out, _ = run("import_article", *paths, "--team", team.slug)
    lines = out.splitlines()
    assert len(lines) == 2
    languages = [Article.objects.get(pk=int(line.split("\t")[0])).language for line in lines]
    assert languages == ["he", "fa"]


def test_import_article_title_option(team):
    run(
        "import_article",
        str(CORPUS / "ar_wiki_damascus.txt"),
        "--team",
        team.slug,
        "--title",
        "دمشق",
        "--language",
        "ar",
    )
    article = Article.objects.get(team=team)
    assert article.title == "دمشق"
    assert article.current_revision.body.startswith("دمشق هي العاصمة السورية")


def test_import_article_twice_creates_nothing(team):
    run("import_article", str(SEED_PATH), "--team", team.slug)
    out, err = run("import_article", str(SEED_PATH), "--team", team.slug)
    assert Article.objects.count() == 1
    assert "already imported" in err


def test_import_article_bad_input_fails_clearly(team, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa not utf-8")
    with pytest.raises(CommandError, match="could not be imported"):
        run("import_article", str(bad), "--team", team.slug)
    with pytest.raises(CommandError, match="no team with the slug"):
        run("import_article", str(SEED_PATH), "--team", "nope")
    assert not Article.objects.exists()


def test_import_article_cli_exit_code_and_streams(tmp_path, team):
    # Through a real process: exit status and the two streams (no database needed to fail).
    missing = tmp_path / "missing.txt"
    result = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(missing), "--team", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        },
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "no team with the slug" in result.stderr or "no such table" in result.stderr


def test_seed_demo_is_idempotent(db, settings):
    settings.HAMISH_DEMO_PASSWORD = ""
    out1, _ = run("seed_demo")
    out2, _ = run("seed_demo")
    assert "shown once" in out1
    assert "shown once" not in out2
    assert Article.objects.filter(team__slug="demo").count() == 1
    assert Revision.objects.count() == 1
    roles = dict(Membership.objects.filter(team__slug="demo").values_list("user__username", "role"))
    assert roles == {
        "demo-owner": "owner",
        "demo-reviewer": "reviewer",
        "demo-annotator": "annotator",
    }


def test_seed_demo_uses_password_from_environment(db, settings, client):
    settings.HAMISH_DEMO_PASSWORD = "sesame-open-123"
    run("seed_demo")
    assert client.login(username="demo-reviewer", password="sesame-open-123")
