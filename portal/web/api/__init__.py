"""The REST API: flask-smorest with one blueprint per version."""

from flask import Flask

from portal.web.api.problems import Api, CsvAlternative, ServerLimits


def init_api(app: Flask) -> Api:
    """Mount the versioned API, its OpenAPI document and its docs page on the app."""
    app.config.setdefault("API_TITLE", "Science and Technology Plans Open Data API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    plugins = [CsvAlternative(json_only=("/api/v1/",)), ServerLimits()]
    api = Api(app, spec_kwargs={"extra_plugins": plugins})
    from portal.web.api.v1 import blueprint as v1

    api.register_blueprint(v1)
    # The document describes the file being served, not the curated schemas (openapi.py); the
    # endpoint's name is flask-smorest's (portal.compat).
    from portal.web.api.openapi import openapi_json

    app.extensions["portal.api"] = api
    app.view_functions["api-docs.openapi_json"] = openapi_json
    return api
