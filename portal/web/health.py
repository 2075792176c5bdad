"""Health checks for load balancers: is the process alive, is the data ready."""

from flask import Blueprint, jsonify

from portal.web.database import data_version

health = Blueprint("health", __name__)


@health.route("/healthz")
def healthz():
    """The process answers."""
    return jsonify(status="ok")


@health.route("/readyz")
def readyz():
    """The database opens and names its data release; 503 until it does."""
    try:
        version = data_version()
    except Exception as error:  # any failure to read the data means: not ready
        return jsonify(status="unavailable", detail=type(error).__name__), 503
    return jsonify(status="ready", data_version=version)
