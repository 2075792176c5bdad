"""Front-end packages installed from npm at set-up, and the API's docs page that uses one.

The portal's own static files are the Flask app's (portal/web/static, at /static).
"""

from flask import Blueprint, abort, render_template, send_from_directory

from portal import paths

assets = Blueprint("assets", __name__)

# Only these files of the installed packages are served.
VENDOR = {
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


@assets.route("/static/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR:
        abort(404)
    return send_from_directory(paths.NODE_MODULES, VENDOR[name], max_age=86400)


@assets.route("/api/v1/docs")
def api_docs():
    """The OpenAPI document, readable, with no request leaving the portal."""
    return render_template("api_docs.html")
