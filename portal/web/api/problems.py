"""One error shape for the whole API: application/problem+json (RFC 9457)."""

import json
import logging

import marshmallow as ma
from apispec import BasePlugin
from flask import Response, make_response, request
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON, headers=headers
    )


def flatten_errors(messages: dict) -> dict:
    """webargs' {location: {field: messages}} as {field: [message, ...]}.

    A comma list's messages come per item ({"2": [...]}); they become "item 3: ...".
    """
    errors = {}
    for location_errors in messages.values():
        if not isinstance(location_errors, dict):
            continue
        for field, field_messages in location_errors.items():
            if isinstance(field_messages, dict):
                field_messages = [
                    f"item {int(index) + 1}: {message}"
                    for index, item_messages in field_messages.items()
                    for message in item_messages
                ]
            errors[field] = list(field_messages)
    return errors


class ProblemSchema(ma.Schema):
    """An error, as application/problem+json (RFC 9457)."""

    type = ma.fields.String(required=True, metadata={"description": "URI of the problem type."})
    title = ma.fields.String(
        required=True, metadata={"description": "Short summary of the problem type."}
    )
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status code."})
    detail = ma.fields.String(metadata={"description": "What went wrong with this request."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages for each bad query parameter."},
    )


class CsvAlternative(BasePlugin):
    """Document that every JSON 200 of the API can be had as CSV too (format=csv)."""

    def __init__(self, json_only: tuple[str, ...] = ()):
        self.json_only = json_only

    def operation_helper(self, path=None, operations=None, **kwargs):
        if path in self.json_only:
            return
        for operation in (operations or {}).values():
            responses = operation.get("responses", {})
            ok = responses.get(200) or responses.get("200") or {}
            if "application/json" in ok.get("content", {}):
                ok["content"]["text/csv"] = {"schema": {"type": "string"}}


class ServerLimits(BasePlugin):
    """Document on every operation the refusals the server makes before routing
    (portal.web.security): as every error of the API, they are application/problem+json."""

    LIMITS = {
        "414": "URI Too Long: the path and query hold more than 8,190 bytes.",
        "431": "Request Header Fields Too Large: more than 100 headers, or 16 KiB of them.",
        "503": "Service Unavailable: the worker is answering as many requests as it takes at "
        "once; try again after Retry-After seconds.",
    }

    def operation_helper(self, path=None, operations=None, **kwargs):
        problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status, description in self.LIMITS.items():
                responses.setdefault(
                    status, {"description": description, "content": {PROBLEM_JSON: problem}}
                )


class Api(SmorestApi):
    """flask-smorest's Api, answering every error as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):  # an internal of flask-smorest: see portal.compat
        """Document every error response as application/problem+json, as it is sent."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error: HTTPException):
        response = self.error_response(error)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110 15.5.6
        return response

    def error_response(self, error: HTTPException) -> Response:
        if not request.path.startswith("/api/"):
            from portal.web.pages import error_page

            return make_response(error_page(error))
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or flatten_errors(data.get("messages", {}))
        detail = data.get("message") or error.description
        if errors and error.code == 400:
            fields = ", ".join(sorted(errors))
            detail = f"Invalid query parameter(s): {fields}."
        if isinstance(error, InternalServerError):
            log.exception("unhandled error", exc_info=getattr(error, "original_exception", None))
            detail = "The server failed to answer this request; it has been logged."
        return problem_response(error.code or 500, error.name, detail, errors, data.get("headers"))
