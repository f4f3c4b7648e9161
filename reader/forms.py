from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import (
    Annotation,
    AnnotationKind,
    Article,
    CheckWorthiness,
    DebrisRule,
    DebrisRuleKind,
    Entity,
    Label,
    LabelKind,
    Role,
    Team,
    Visibility,
)
from .text.extract import ExtractionError, extract_document
from .text.normalize import clean_user_text

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
LANGUAGE_CHOICES = [
    ("", _("Detect from the text")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("ur", _("Urdu")),
    ("he", _("Hebrew")),
    ("en", _("English")),
]


def validate_language_tag(value: str) -> str:
    value = (value or "").strip()
    if value and not LANGUAGE_TAG.match(value):
        raise ValidationError(
            _("“%(tag)s” is not a language tag such as ar, fa, he or ur."),
            code="bad_language",
            params={"tag": value},
        )
    return value


class ImportForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A .txt, .md or .html file of at most %(mb)s MB.")
        % {"mb": settings.HAMISH_MAX_IMPORT_BYTES // (1024 * 1024)},
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        help_text=_("The first line becomes the title unless you give one below."),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=35,
        widget=forms.Select(choices=LANGUAGE_CHOICES),
    )
    source_url = forms.URLField(
        label=_("Source URL"),
        required=False,
        max_length=1000,
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def __init__(self, *args, teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        if len(teams) == 1:
            self.fields["team"].initial = teams[0].pk

    def clean_language(self) -> str:
        return validate_language_tag(self.cleaned_data.get("language", ""))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        text = data.get("text") or ""
        if upload and text.strip():
            raise ValidationError(_("Upload a file or paste text, not both."), code="both")
        if not upload and not text.strip():
            raise ValidationError(_("Upload a file or paste the article's text."), code="empty")
        try:
            if upload:
                if upload.size > settings.HAMISH_MAX_IMPORT_BYTES:
                    raise ExtractionError(
                        _("The file is %(size).1f MB; the limit is %(limit)s MB.")
                        % {
                            "size": upload.size / (1024 * 1024),
                            "limit": settings.HAMISH_MAX_IMPORT_BYTES // (1024 * 1024),
                        },
                        "too_large",
                    )
                raw = upload.read()
                document = extract_document(
                    raw,
                    filename=upload.name,
                    max_bytes=settings.HAMISH_MAX_IMPORT_BYTES,
                    title=data.get("title", ""),
                )
            else:
                document = extract_document(
                    text, max_bytes=settings.HAMISH_MAX_IMPORT_BYTES, title=data.get("title", "")
                )
        except ExtractionError as error:
            field = "file" if upload else "text"
            self.add_error(field, ValidationError(str(error), code=error.code))
            return data
        if data.get("source_url"):
            document.source_url = data["source_url"]
        data["document"] = document
        return data


class ArticleEditForm(forms.ModelForm):
    body = forms.CharField(
        label=_("Body"),
        error_messages={"required": _("The article body cannot be empty.")},
        widget=forms.Textarea(attrs={"rows": 24, "dir": "auto", "data-body-editor": ""}),
        help_text=_(
            "Blocks are separated by a blank line. Start a block with “## ” for a heading or "
            "“> ” for a quote. Saving a changed body creates a new revision."
        ),
    )
    summary = forms.CharField(label=_("What changed"), required=False, max_length=300)
    base_revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = [
            "title",
            "byline",
            "source_name",
            "source_url",
            "published",
            "language",
            "direction",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "byline": forms.TextInput(attrs={"dir": "auto"}),
            "source_name": forms.TextInput(attrs={"dir": "auto"}),
            "published": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_language(self) -> str:
        return validate_language_tag(self.cleaned_data.get("language", ""))

    def clean_title(self) -> str:
        title = clean_user_text(self.cleaned_data["title"], multiline=False)
        if not title:
            raise ValidationError(_("An article needs a title."), code="required")
        return title

    def clean_source_url(self) -> str:
        url = self.cleaned_data.get("source_url", "")
        taken = Article.objects.filter(team_id=self.instance.team_id, source_url=url).exclude(
            pk=self.instance.pk
        )
        if url and taken.exists():
            raise ValidationError(
                _("Another article of this team already has this source URL."), code="taken"
            )
        return url

    def clean_byline(self) -> str:
        return clean_user_text(self.cleaned_data["byline"], multiline=False)

    def clean_source_name(self) -> str:
        return clean_user_text(self.cleaned_data["source_name"], multiline=False)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body.encode("utf-8")) > settings.HAMISH_MAX_IMPORT_BYTES:
            raise ValidationError(_("The body is too long."), code="too_large")
        if not body.strip():
            raise ValidationError(_("The article body cannot be empty."), code="empty")
        return body


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ANNOTATOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DebrisRuleForm(forms.ModelForm):
    class Meta:
        model = DebrisRule
        fields = ["name", "kind", "pattern", "description"]

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["kind"].choices = [
            c for c in DebrisRuleKind.choices if c[0] != DebrisRuleKind.REPEATED_TITLE
        ]

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data["pattern"].strip()
        if not pattern:
            raise ValidationError(_("Give the text or pattern to remove."), code="required")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValidationError(
                _("This is not a valid pattern: %(error)s"),
                code="bad_pattern",
                params={"error": error},
            ) from None
        return pattern

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if DebrisRule.objects.filter(team=self.team, name=name).exists():
            raise ValidationError(_("This team already has a rule with that name."), code="taken")
        return name


class AnnotationEditForm(forms.Form):
    """Edit one's own annotation; ``version`` guards against overwriting someone's change."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices)

    def __init__(self, *args, annotation: Annotation, team: Team, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": annotation.version,
                "note": annotation.note,
                "visibility": annotation.visibility,
                "label": annotation.label_id,
                "entity": annotation.entity_id,
                "claim_text": annotation.claim_text,
                "speaker": annotation.speaker_id,
                "check_worthiness": annotation.check_worthiness,
                "verdict": annotation.verdict_id,
                "evidence": "\n".join(annotation.evidence),
            },
        )
        super().__init__(*args, **kwargs)
        self.annotation = annotation
        entities = Entity.objects.filter(team=team).order_by("name")
        if annotation.kind == AnnotationKind.ENTITY:
            self.fields["label"] = forms.ModelChoiceField(
                label=_("Entity type"),
                queryset=Label.objects.filter(team=team, kind=LabelKind.ENTITY),
                empty_label=None,
            )
            self.fields["entity"] = forms.ModelChoiceField(
                label=_("Linked entity"), queryset=entities, required=False
            )
        if annotation.kind == AnnotationKind.CLAIM:
            self.fields["claim_text"] = forms.CharField(
                label=_("Claim"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
            )
            self.fields["speaker"] = forms.ModelChoiceField(
                label=_("Speaker"), queryset=entities, required=False
            )
            self.fields["check_worthiness"] = forms.TypedChoiceField(
                label=_("Check-worthiness"),
                choices=[("", "—"), *CheckWorthiness.choices],
                required=False,
                coerce=int,
                empty_value=None,
            )
            self.fields["verdict"] = forms.ModelChoiceField(
                label=_("Verdict"),
                queryset=Label.objects.filter(team=team, kind=LabelKind.VERDICT),
                required=False,
            )
            self.fields["evidence"] = forms.CharField(
                label=_("Evidence links"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
                help_text=_("One web address per line."),
            )

    def changes(self) -> dict:
        data = self.cleaned_data
        names = [
            "note",
            "visibility",
            "label",
            "entity",
            "claim_text",
            "speaker",
            "check_worthiness",
            "verdict",
            "evidence",
        ]
        return {name: data[name] for name in names if name in self.fields}


class LabelForm(forms.ModelForm):
    class Meta:
        model = Label
        fields = ["kind", "slug", "name_en", "name_ar", "colour", "key", "position"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        if self.instance.pk:  # an entity type in use must not turn into a verdict
            self.fields["kind"].disabled = True

    def clean(self):
        data = super().clean()
        others = Label.objects.filter(team=self.team, kind=data.get("kind"))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if data.get("slug") and others.filter(slug=data["slug"]).exists():
            self.add_error("slug", ValidationError(_("This code is already used."), code="taken"))
        if data.get("key") and others.filter(key=data["key"]).exists():
            self.add_error(
                "key",
                ValidationError(_("This key is already used by another label."), code="taken"),
            )
        for name in ("name_en", "name_ar"):
            if data.get(name):
                data[name] = clean_user_text(data[name], multiline=False)
        return data


class EntityForm(forms.ModelForm):
    aliases_text = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("One per line, in any script (e.g. Vladimir Putin, بوتين)."),
    )

    class Meta:
        model = Entity
        fields = ["name", "type", "wikidata_id"]
        widgets = {
            "name": forms.TextInput(attrs={"dir": "auto"}),
            "wikidata_id": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["type"].queryset = Label.objects.filter(team=team, kind=LabelKind.ENTITY)
        self.fields["type"].empty_label = None
        if self.instance.pk:
            self.fields["aliases_text"].initial = "\n".join(self.instance.aliases)

    def clean_name(self) -> str:
        name = clean_user_text(self.cleaned_data["name"], multiline=False)
        if not name:
            raise ValidationError(_("Give the entity a name."), code="required")
        taken = Entity.objects.filter(team=self.team, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("The team already has an entity with this name."), code="taken")
        return name

    def clean_aliases_text(self) -> list[str]:
        lines = self.cleaned_data.get("aliases_text", "").splitlines()
        aliases = []
        for line in lines:
            alias = clean_user_text(line, multiline=False)
            if alias and alias not in aliases:
                aliases.append(alias[:200])
        return aliases[:50]

    def save(self, commit: bool = True):
        from .annotations import entity_search_key

        entity = super().save(commit=False)
        entity.aliases = self.cleaned_data["aliases_text"]
        entity.search_key = entity_search_key(entity)
        if commit:
            entity.save()
        return entity
