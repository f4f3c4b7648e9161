"""The OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}
LD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def _responses(*codes: int, ok: dict | None = None) -> dict:
    text = {
        200: "OK",
        201: "Created",
        204: "Deleted",
        304: "Not modified (ETag matched)",
        400: "Bad request (stable error code)",
        401: "No or bad credentials",
        403: "Role does not allow this, or CSRF failed for a session request",
        404: "Not found, or another team's object",
        405: "Method not allowed",
        409: "The article changed (stale revision)",
        412: "If-Match does not match the ETag",
        428: "If-Match is required",
    }
    out = {}
    for code in codes:
        entry: dict = {"description": text[code]}
        if code >= 400:
            entry["content"] = {"application/json": {"schema": ERROR}}
        elif ok and code in (200, 201):
            entry["content"] = {LD: {"schema": ok}}
        out[str(code)] = entry
    return out


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "Hamish API",
        "version": "1",
        "description": (
            "A W3C Web Annotation Protocol server. Authenticate with `Authorization: Bearer "
            "<token>` (create one in your profile or with `manage.py create_api_token`) or "
            "the browser session plus CSRF. Offsets are Unicode code points."
        ),
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "Annotation": {
                "type": "object",
                "description": "A W3C Web Annotation (JSON-LD) with Hamish extensions (hamish:*).",
                "required": ["@context", "type", "target"],
                "properties": {
                    "@context": {},
                    "id": {"type": "string", "format": "uri"},
                    "type": {"type": "string", "enum": ["Annotation"]},
                    "motivation": {"type": "string"},
                    "body": {"type": "array", "items": {"type": "object"}},
                    "target": {"type": "object"},
                    "hamish:status": {"type": "string"},
                },
            },
            "AnnotationCollection": {"type": "object"},
            "AnnotationPage": {"type": "object"},
        },
    },
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/": {
            "get": {"summary": "API root", "responses": _responses(200, 401)},
        },
        "/api/openapi.json": {
            "get": {"summary": "This description", "security": [], "responses": _responses(200)},
        },
        "/api/articles/{id}/annotations/": {
            "parameters": [ID],
            "get": {
                "summary": "The article's annotation container (AnnotationCollection)",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "iris", "in": "query", "schema": {"type": "integer", "enum": [1]}},
                    {"name": "Prefer", "in": "header", "schema": {"type": "string"}},
                    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": _responses(
                    200, 304, 401, 404, ok={"$ref": "#/components/schemas/AnnotationCollection"}
                ),
            },
            "head": {"summary": "Headers of GET", "responses": _responses(200, 401, 404)},
            "options": {"summary": "Allowed methods", "responses": _responses(200, 401, 404)},
            "post": {
                "summary": "Create one annotation",
                "requestBody": {
                    "required": True,
                    "content": {LD: {"schema": {"$ref": "#/components/schemas/Annotation"}}},
                },
                "responses": _responses(
                    201, 400, 401, 403, 404, 409, ok={"$ref": "#/components/schemas/Annotation"}
                ),
            },
        },
        "/api/annotations/{id}": {
            "parameters": [ID],
            "get": {
                "summary": "One annotation, with a strong ETag",
                "responses": _responses(
                    200, 304, 401, 404, ok={"$ref": "#/components/schemas/Annotation"}
                ),
            },
            "head": {"summary": "Headers of GET", "responses": _responses(200, 401, 404)},
            "options": {"summary": "Allowed methods", "responses": _responses(200, 401, 404)},
            "put": {
                "summary": "Replace one's own annotation (If-Match required)",
                "parameters": [
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {LD: {"schema": {"$ref": "#/components/schemas/Annotation"}}},
                },
                "responses": _responses(
                    200,
                    400,
                    401,
                    403,
                    404,
                    412,
                    428,
                    ok={"$ref": "#/components/schemas/Annotation"},
                ),
            },
            "delete": {
                "summary": "Delete one's own annotation (If-Match required)",
                "parameters": [
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": _responses(204, 401, 403, 404, 412, 428),
            },
        },
    },
}
