"""API v1, mounted at /api/v1."""

from flask_smorest import Blueprint
from marshmallow import RAISE, fields
from webargs.flaskparser import FlaskParser

from portal.web.api import http
from portal.web.api.v1 import schemas, views


class QueryArgs(dict):
    """The query string as each name's first value, with getlist for all of them.

    A name the request lacks is a plain miss here; werkzeug's MultiDict builds an exception
    object for each, and a list's schema asks for every one of its twenty parameters.
    """

    def __init__(self, args):
        self.values = dict(dict.items(args))  # a MultiDict is a dict of each name's values
        super().__init__((name, values[0]) for name, values in self.values.items())

    def getlist(self, name: str) -> list[str]:
        return self.values.get(name, [])


class Parser(FlaskParser):
    """Bad query parameters are a 400, not webargs' default 422."""

    DEFAULT_VALIDATION_STATUS = 400

    def load_querystring(self, req, schema):
        # an internal of webargs: see portal.compat
        return self._makeproxy(QueryArgs(req.args), schema)


class V1Blueprint(Blueprint):
    ARGUMENTS_PARSER = Parser()


blueprint = V1Blueprint(
    "v1",
    __name__,
    url_prefix="/api/v1",
    description="Targets, achievements and programmes of the plans.",
)

http.init_blueprint(blueprint)

IndexSchema = schemas.ma.Schema.from_dict(
    {
        "data": fields.Dict(required=True),
        "meta": fields.Dict(required=True),
        "links": fields.Dict(keys=fields.String(), values=fields.String(), required=True),
    },
    name="Index",
)


@blueprint.route("/", endpoint="index")
@blueprint.arguments(
    schemas.QuerySchema.from_dict(
        {
            "format": fields.String(
                metadata={"description": "json, the only format offered here.", "enum": ["json"]}
            )
        },
        name="IndexQuery",
    ),
    location="query",
    unknown=RAISE,
)
@blueprint.response(200, IndexSchema)
@views.negotiated(blueprint)
def index(args):
    """Links to everything

    Every collection, the URI template of each item, the series, search, progress and the
    documentation."""
    return views.index(args)


views.register(blueprint)
