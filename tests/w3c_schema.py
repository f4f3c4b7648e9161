"""Validate exported documents against the W3C Web Annotation test suite's JSON Schemas.

The schemas are vendored, unchanged, under ``tests/fixtures/w3c/`` (see the README there for the
source repository, paths, blob commits and licence). They are JSON Schema draft-04 files that
``$ref`` each other by bare file name (``"annotations.json#/definitions/..."``); every
``definitions/*.json`` file is put in a :class:`referencing.Registry` under its own ``id``, and
the registry has no ``retrieve`` hook, so an unknown reference raises instead of reaching the
network.

The suite has no single "an Annotation" schema. A valid annotation is one that passes every
MUST assertion of the suite's "Musts" tests, so :func:`validate_annotation` reads the assertion
lists of these four ``.test`` files (paths relative to ``annotation-model/``) and applies every
listed schema (duplicates once) to the whole annotation, in this order:

``annotations/annotationMusts.test``
    annotations/3.1-annotationContextValidated.json, annotations/3.1-annotationIdValidated.json,
    annotations/3.1-annotationTypeValidated.json, annotations/3.1-targetKeyFound.json,
    annotations/3.2-targetObjectsRecognized.json, annotations/3.2.5-notBodyBodyValue.json,
    annotations/3.2-bodyObjectsRecognized.json, annotations/3.2.5-bodyValueValidated.json,
    annotations/3.3.1-annotationCreatedValidated.json,
    annotations/3.3.1-annotationModifiedValidated.json,
    annotations/3.3.1-annotationGeneratedValidated.json,
    annotations/3.3.6-annotationRightsValidated.json,
    annotations/3.3.7-annotationCanonicalValidated.json,
    annotations/3.3.7-annotationViaValidated.json
``bodiesTargets/bodyMusts.test``
    (annotations/3.2-bodyObjectsRecognized.json, already listed),
    bodiesTargets/3.2.1-bodyTextDirectionValidated.json,
    bodiesTargets/3.3.1-bodyCreatedValidated.json, bodiesTargets/3.3.1-bodyModifiedValidated.json,
    bodiesTargets/3.3.6-bodyRightsValidated.json, bodiesTargets/3.3.7-bodyCanonicalValidated.json,
    bodiesTargets/3.3.7-bodyViaValidated.json, bodiesTargets/3.2.7-bodyEWRNoItems.json,
    bodiesTargets/3.3.5-bodyEWRNoPurpose.json, bodiesTargets/3.2.4-bodyChoiceSetNoValue.json,
    bodiesTargets/4-bodyChoiceSetNoSource.json, bodiesTargets/3.3.5-bodyChoiceSetNoPurpose.json,
    bodiesTargets/3.2.7-bodyEmbeddedTextualNoItems.json,
    bodiesTargets/4-bodyEmbeddedTextualNoSource.json,
    bodiesTargets/3.2.7-bodySpecificResourceNoItems.json,
    bodiesTargets/4-bodySpecificResourceNoValue.json
``bodiesTargets/targetMusts.test``
    (annotations/3.2-targetObjectsRecognized.json, already listed),
    bodiesTargets/3.2.1-targTextDirectionValidated.json,
    bodiesTargets/3.3.1-targCreatedValidated.json, bodiesTargets/3.3.1-targModifiedValidated.json,
    bodiesTargets/3.3.6-targRightsValidated.json, bodiesTargets/3.3.7-targCanonicalValidated.json,
    bodiesTargets/3.3.7-targViaValidated.json, bodiesTargets/3.2.7-targEWRNoItems.json,
    bodiesTargets/3.3.5-targEWRNoPurpose.json, bodiesTargets/3.2.4-targChoiceSetNoValue.json,
    bodiesTargets/4-targChoiceSetNoSource.json, bodiesTargets/3.3.5-targChoiceSetNoPurpose.json,
    bodiesTargets/3.2.7-targSpecificResourceNoItems.json,
    bodiesTargets/4-targSpecificResourceNoValue.json,
    bodiesTargets/3.2.4-targNoTypeTextualBody.json
``specificResource/specificResourceMusts.test``
    specificResource/4.2-selectorValidIfPresent.json,
    specificResource/4.3-stateValidIfPresent.json, specificResource/4.3.3-refinedByValidated.json,
    specificResource/4.4-styleClassValidIfPresent.json,
    specificResource/4.2-fragmentCssXPathSelectorValid.json,
    specificResource/4.2.4-textQuoteSelectorValid.json,
    specificResource/4.2-TextDataPositionSelectorValid.json,
    specificResource/4.2.7-svgSelectorValid.json, specificResource/4.2.8-rangeSelectorValid.json,
    specificResource/4.3.1-timeStateValid.json, specificResource/4.3.2-httpRequestStateValid.json

They reference these definitions files: definitions/annotations.json, definitions/id.json,
definitions/bodyTarget.json, definitions/choiceSet.json, definitions/specificResource.json,
definitions/otherProperties.json (and definitions/collections.json for pages).

:func:`validate_page` applies the assertions ``collections/pages/pageMusts.test`` lists, all
under ``collections/pages/``: 5.2-pageIdValidated.json, 5.2-pageTypeValidated.json,
5.2-pageItemsValidated.json, 5.2-pageStartIndexValidated.json, 5.2-pagePartOfValidated.json,
5.2-pageNextValidated.json, 5.2-pagePrevValidated.json, 5.2-pageTotalValidated.json,
5.2-pageLabelValidated.json, 5.2-pageFirstValidated.json, 5.2-pageLastValidated.json,
3.3.1-pageCreatedValidated.json, 3.3.1-pageModifiedValidated.json, 3.3.6-pageRightsValidated.json
(not 5.2-pageContextValidated.json, which no stored copy of the suite has: see
``PAGE_ASSERTIONS_MISSING``); each annotation object in ``items`` is also checked as by
:func:`validate_annotation`. There is no
``validate_collection``: of the ten assertions ``collections/collectionMusts.test`` lists, only
two were obtainable, which would be a misleadingly weak check.

The MUST tests do not look at ``motivation``, body ``purpose``, ``language``, ``format`` or
``creator``/``generator``: the suite checks those only in its optional "...Implemented"
tests (assertionType may/should), which require the feature to be present and so cannot be
applied to every annotation. ``validate_annotation(doc, recommended=True)`` additionally
applies the suite's own "valid if present" definitions for them (``RECOMMENDED_CHECKS``: each
is a ``$ref`` to a vendored definition, applied to the annotation or to every body/target
object); a failure there is a SHOULD-level deviation from the model, not invalidity.

Formats: the suite uses ``"format": "uri"`` and ``"format": "date-time"``; JSON Schema leaves
formats unchecked unless asked, and jsonschema's own checkers for these two need optional
packages, so both are checked here (an absolute RFC 3986 URI; an RFC 3339 date-time with a
time-zone offset that is a real calendar instant). As in any draft-04 validator, keywords
written next to a ``$ref`` are ignored; that is how the suite's schemas behave.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FIXTURES = Path(__file__).parent / "fixtures" / "w3c"

DEFINITIONS = (
    "annotations.json",
    "bodyTarget.json",
    "choiceSet.json",
    "collections.json",
    "id.json",
    "otherProperties.json",
    "specificResource.json",
)

ANNOTATION_TESTS = (
    "annotations/annotationMusts.test",
    "bodiesTargets/bodyMusts.test",
    "bodiesTargets/targetMusts.test",
    "specificResource/specificResourceMusts.test",
)

PAGE_TESTS = ("collections/pages/pageMusts.test",)

# Listed by pageMusts.test but absent from every stored copy of the suite we could read.
PAGE_ASSERTIONS_MISSING = ("collections/pages/5.2-pageContextValidated.json",)

# RFC 3986 (section 3 and appendix B): a scheme, then only unreserved, reserved and
# percent-encoded characters.
_URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.\-]*:"
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$"
)
# RFC 3339 section 5.6 date-time (the offset is mandatory).
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    @checker.checks("date-time")
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        match = _DATE_TIME.match(value)
        if not match:
            return False
        text = value.upper()
        if match.group(1) == "60":  # a leap second is valid RFC 3339; datetime cannot hold it
            text = text[:17] + "59" + text[19:]
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True

    return checker


FORMAT_CHECKER = _format_checker()


def _load(relative: str) -> dict:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """Every definitions file, registered under its own ``id`` (a bare file name)."""
    resources = []
    for name in DEFINITIONS:
        contents = _load(f"definitions/{name}")
        assert contents["id"] == name, (name, contents["id"])
        resources.append((name, Resource.from_contents(contents, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def assertion_paths(tests: Iterable[str]) -> tuple[str, ...]:
    """The assertion files the given ``.test`` files list, in order, each once."""
    paths: list[str] = []
    for test in tests:
        for entry in _load(test)["assertions"]:
            if not isinstance(entry, str):
                raise TypeError(f"{test}: inline or nested assertions are not supported")
            if entry not in paths:
                paths.append(entry)
    return tuple(paths)


ANNOTATION_ASSERTIONS = assertion_paths(ANNOTATION_TESTS)


@cache
def _validators(paths: tuple[str, ...]) -> tuple[tuple[str, dict, Draft4Validator], ...]:
    out = []
    for path in paths:
        schema = _load(path)
        if schema.get("expectedResult", "valid") != "valid":
            raise ValueError(f"{path}: only expectedResult 'valid' assertions are supported")
        validator = Draft4Validator(schema, registry=registry(), format_checker=FORMAT_CHECKER)
        out.append((path, schema, validator))
    return tuple(out)


def _where(error: ValidationError) -> str:
    return "".join(f"[{part!r}]" for part in error.absolute_path) or "(document)"


def _leaves(error: ValidationError) -> Iterable[ValidationError]:
    if not error.context:
        yield error
    for child in error.context:
        yield from _leaves(child)


def _deepest(error: ValidationError, limit: int = 4) -> list[ValidationError]:
    """The concrete failures under a oneOf/anyOf/allOf that reach furthest into the document
    (type mismatches last: they are usually just the branches that did not apply)."""
    leaves = [leaf for leaf in _leaves(error) if leaf is not error]
    if not leaves:
        return []
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    seen: dict[tuple[str, str], ValidationError] = {}
    for leaf in leaves:
        if len(leaf.absolute_path) == depth:
            seen.setdefault((_where(leaf), leaf.message), leaf)
    return sorted(seen.values(), key=lambda e: e.validator == "type")[:limit]


def _describe(path: str, schema: dict, errors: list[ValidationError]) -> str:
    lines = [f"- {path}: {schema.get('errorMessage', schema.get('title', 'assertion failed'))}"]
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        lines.append(f"    at {_where(error)}: {_short(error.message)}")
        lines += [f"      because at {_where(e)}: {_short(e.message)}" for e in _deepest(error)]
    return "\n".join(lines)


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def violations(doc: object, paths: tuple[str, ...] = ANNOTATION_ASSERTIONS) -> list[str]:
    """One readable entry per failed assertion (empty when the document passes them all)."""
    found = []
    for path, schema, validator in _validators(paths):
        errors = list(validator.iter_errors(doc))
        if errors:
            found.append(_describe(path, schema, errors))
    return found


def _each_object(schema: dict) -> dict:
    """Apply ``schema`` to a value that is one object, or to every object in an array;
    strings (IRIs) are left alone."""
    one = {"anyOf": [{"not": {"type": "object"}}, schema]}
    return {
        "anyOf": [{"type": "array", "items": one}, {"allOf": [{"not": {"type": "array"}}, one]}]
    }


def _ref(definition: str) -> dict:
    return {"$ref": definition}


def _on(keys: tuple[str, ...], definition: str) -> dict:
    return {"type": "object", "properties": {k: _each_object(_ref(definition)) for k in keys}}


BOTH = ("body", "target")

# (what is checked, schema): the suite's "valid if present" definitions, SHOULD level.
RECOMMENDED_CHECKS: tuple[tuple[str, dict], ...] = (
    (
        "motivation: each value one of the model's 13 motivations",
        _ref("annotations.json#/definitions/motivationRecognizedIfPresent"),
    ),
    (
        "body purpose: each value one of the model's 13 motivations",
        _on(("body",), "otherProperties.json#/definitions/purposeRecognizedIfPresent"),
    ),
    (
        "creator (annotation, body, target): IRI(s) or object(s)",
        {
            "allOf": [
                _ref("otherProperties.json#/definitions/creatorValidIfPresent"),
                _on(BOTH, "otherProperties.json#/definitions/creatorValidIfPresent"),
            ]
        },
    ),
    (
        "generator (annotation, body, target): IRI(s) or object(s)",
        {
            "allOf": [
                _ref("otherProperties.json#/definitions/generatorValidIfPresent"),
                _on(BOTH, "otherProperties.json#/definitions/generatorValidIfPresent"),
            ]
        },
    ),
    (
        "audience (annotation, body, target): IRI(s) or schema.org audience object(s)",
        {
            "allOf": [
                _ref("otherProperties.json#/definitions/audienceValidIfPresent"),
                _on(BOTH, "otherProperties.json#/definitions/audienceValidIfPresent"),
            ]
        },
    ),
    (
        "body/target language: BCP 47-like tag(s) (2-3 lower-case letters, optional subtags)",
        _on(BOTH, "bodyTarget.json#/definitions/languageValidIfPresent"),
    ),
    (
        "body/target processingLanguage: one such tag",
        _on(BOTH, "bodyTarget.json#/definitions/processingLanguageValidIfPresent"),
    ),
    (
        "body/target format: media type(s) with a registered top-level type",
        _on(BOTH, "bodyTarget.json#/definitions/formatValidIfPresent"),
    ),
    (
        "body/target accessibility: string(s)",
        _on(BOTH, "otherProperties.json#/definitions/accessibilityValidIfPresent"),
    ),
)


@cache
def _recommended_validators() -> tuple[tuple[str, dict, Draft4Validator], ...]:
    return tuple(
        (
            "(recommended)",
            {"errorMessage": label},
            Draft4Validator(schema, registry=registry(), format_checker=FORMAT_CHECKER),
        )
        for label, schema in RECOMMENDED_CHECKS
    )


def validate_annotation(doc: dict, *, recommended: bool = False) -> None:
    """Raise AssertionError listing every W3C MUST assertion ``doc`` fails (and, with
    ``recommended=True``, every SHOULD-level ``RECOMMENDED_CHECKS`` entry it fails)."""
    found = violations(doc)
    if recommended:
        for path, schema, validator in _recommended_validators():
            errors = list(validator.iter_errors(doc))
            if errors:
                found.append(_describe(path, schema, errors))
    if found:
        raise AssertionError(
            f"not a valid W3C Web Annotation ({len(found)} failed checks; "
            f"{len(ANNOTATION_ASSERTIONS)} MUST assertions applied"
            f"{' plus recommended checks' if recommended else ''}):\n" + "\n".join(found)
        )


def validate_page(doc: dict) -> None:
    """Raise AssertionError listing every pageMusts assertion ``doc`` fails (and, for each
    embedded annotation in ``items``, every annotation assertion it fails)."""
    paths = tuple(p for p in assertion_paths(PAGE_TESTS) if p not in PAGE_ASSERTIONS_MISSING)
    found = violations(doc, paths)
    items = doc.get("items") if isinstance(doc, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            found += [f"items[{index}] {entry[2:]}" for entry in violations(item)]
    if found:
        raise AssertionError(
            f"not a valid W3C AnnotationPage ({len(found)} failures):\n" + "\n".join(found)
        )
