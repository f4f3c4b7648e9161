"""Django messages reach htmx responses as an HX-Trigger event (``messages``)."""

from __future__ import annotations

import json

from django.contrib.messages import get_messages


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or 300 <= response.status_code < 400:
            return response
        if "HX-Redirect" in response or "HX-Location" in response:
            return response
        stored = [{"level": m.level_tag, "text": str(m)} for m in get_messages(request)]
        if not stored:
            return response
        triggers = {}
        if response.get("HX-Trigger"):
            raw = response["HX-Trigger"]
            try:
                triggers = json.loads(raw)
            except ValueError:
                triggers = {name.strip(): None for name in raw.split(",")}
        triggers["messages"] = stored
        response["HX-Trigger"] = json.dumps(triggers)
        return response
