"""The Flask application: the REST API, the reading pages and their static files."""

from flask import Flask

from portal import paths
from portal.web.api import init_api
from portal.web.assets import assets
from portal.web.health import health
from portal.web.pages import pages


def create_app(test_config: dict | None = None) -> Flask:
    """The portal's Flask app, reading the database named by PORTAL_DB (or build/portal.db)."""
    app = Flask(__name__)
    app.config.from_mapping(PORTAL_DB=str(paths.database_path()))
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    init_api(app)
    app.register_blueprint(assets)
    app.register_blueprint(pages)
    app.register_blueprint(health)
    return app
