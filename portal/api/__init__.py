"""The REST API: a Flask application with one blueprint per version."""

from flask import Flask

from .. import paths
from . import database
from .problems import Api


def create_app(test_config: dict | None = None) -> Flask:
    """The API application, reading the database named by PORTAL_DB (or build/portal.db)."""
    app = Flask(__name__)
    app.config.from_mapping(
        PORTAL_DB=str(paths.database_path()),
        API_TITLE="Science and Technology Plans Open Data API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    database.init_app(app)
    api = Api(app)
    from .v1 import blueprint as v1

    api.register_blueprint(v1)
    return app
