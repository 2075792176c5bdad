"""How catalogues and search engines find the data: schema.org and DCAT descriptions (JSON-LD).

schema.org `Dataset` and `DataCatalog` go into the pages (home, downloads, each plan) for
search engines; the DCAT catalogue (a `dcat:Catalog` of the whole compilation and one
dataset per plan) is a document of its own for data catalogues (CKAN, data.europa.eu ...).
Every URL is absolute, built from the portal's configured address, never from a request.
"""

import sqlite3

from portal.build import figures
from portal.exports.citation import cite_compilation, cite_plan, description, licence, title
from portal.exports.datapackage import KEYWORDS, LATEST
from portal.exports.names import download_name
from portal.release import Release

MEDIA_TYPES = {
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "db": "application/vnd.sqlite3",
    "csv": "text/csv",
    "json": "application/json",
}


def coverage(conn: sqlite3.Connection, plan_id: str | None = None) -> dict:
    """The years and regions the figures cover: one plan's, or the whole compilation's as the
    build stored it (it reads every figure)."""
    return figures.coverage(conn, plan_id) if plan_id else figures.stored_coverage(conn)


def distributions(base: str, release: Release, plan_id: str | None = None) -> list[dict]:
    """(name, URL, format) of each download: the whole release's files, or one plan's tables."""
    if plan_id:
        filters = {"plan_id": plan_id}
        return [
            {
                "name": download_name(table, filters, release.version, extension),
                "url": f"{base}/downloads/{table}.{extension}?plan_id={plan_id}",
                "format": extension,
            }
            for table in ("figures", "targets", "achievements", "programs")
            for extension in ("csv", "xlsx")
        ]
    return [
        {"name": LATEST, "url": f"{base}/downloads/{LATEST}", "format": "zip"},
        {
            "name": "portal-data-latest.xlsx",
            "url": f"{base}/downloads/portal-data-latest.xlsx",
            "format": "xlsx",
        },
        {"name": "portal-latest.db", "url": f"{base}/downloads/portal-latest.db", "format": "db"},
        {
            "name": download_name("figures", {}, release.version, "csv"),
            "url": f"{base}/downloads/figures.csv",
            "format": "csv",
        },
        {"name": "API v1", "url": f"{base}/api/v1/", "format": "json"},
    ]


def _places(regions) -> list[dict]:
    return [
        {"@type": "Place", "identifier": code, "name": f"{name_zh} · {name_en}"}
        for code, name_zh, name_en in regions
    ]


def schema_org_dataset(
    conn: sqlite3.Connection, base: str, release: Release, plan: dict | None = None
) -> dict:
    """A schema.org Dataset: the whole compilation, or the figures and programmes of one plan."""
    span = coverage(conn, plan["plan_id"] if plan else None)
    terms = licence()
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{base}/plans/{plan['plan_id']}#dataset" if plan else f"{base}/#dataset",
        "name": f"{plan['title_zh']} · {plan['title_en']}" if plan else title(),
        "description": (
            f"{plan['title_en']}: its targets, achievements and programmes, each with its "
            f"verbatim source passage. {description()}"
            if plan
            else description()
        ),
        "url": f"{base}/plans/{plan['plan_id']}" if plan else f"{base}/",
        "version": release.version,
        "dateModified": release.date,
        "license": terms["path"],
        "isAccessibleForFree": True,
        "inLanguage": ["zh-Hans", "en"],
        "keywords": KEYWORDS,
        "creator": {"@type": "Organization", "name": title(), "url": f"{base}/"},
        "citation": cite_plan(plan) if plan else cite_compilation(release),
        "temporalCoverage": f"{span['start']}/{span['end']}",
        "spatialCoverage": _places(span["regions"]),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d["name"],
                "contentUrl": d["url"],
                "encodingFormat": MEDIA_TYPES[d["format"]],
            }
            for d in distributions(base, release, plan["plan_id"] if plan else None)
        ],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": title(), "url": f"{base}/"},
    }
    if plan:
        dataset["isPartOf"] = {"@id": f"{base}/#dataset"}
        dataset["isBasedOn"] = {
            "@type": "CreativeWork",
            "name": plan["title_zh"],
            "alternateName": plan["title_en"],
            "datePublished": plan["published_on"],
            "author": {"@type": "Organization", "name": plan["issuer_zh"]},
        }
    return dataset


def schema_org_catalog(conn: sqlite3.Connection, base: str, release: Release) -> dict:
    """A schema.org DataCatalog holding the compilation's Dataset."""
    dataset = schema_org_dataset(conn, base, release)
    del dataset["@context"], dataset["includedInDataCatalog"]
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": f"{base}/#catalog",
        "name": title(),
        "description": description(),
        "url": f"{base}/",
        "license": licence()["path"],
        "inLanguage": ["zh-Hans", "en"],
        "dataset": [dataset],
    }


DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dct:issued": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:date"},
    "dcat:startDate": {"@type": "xsd:gYear"},
    "dcat:endDate": {"@type": "xsd:gYear"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
}


def _dcat_dataset(
    conn: sqlite3.Connection, base: str, release: Release, plan: dict | None = None
) -> dict:
    span = coverage(conn, plan["plan_id"] if plan else None)
    page = f"{base}/plans/{plan['plan_id']}" if plan else f"{base}/downloads/"
    titles = (plan["title_zh"], plan["title_en"]) if plan else title().split(" · ", 1)
    return {
        "@id": f"{page}#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": plan["plan_id"] if plan else "portal-data",
        "dct:title": [
            {"@value": titles[0], "@language": "zh-Hans"},
            {"@value": titles[-1], "@language": "en"},
        ],
        "dct:description": description(),
        "dcat:keyword": KEYWORDS,
        "dct:license": licence()["path"],
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": title()},
        "dct:modified": release.date,
        "dcat:version": release.version,
        "dcat:landingPage": page,
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": str(span["start"]),
            "dcat:endDate": str(span["end"]),
        },
        "dct:spatial": [
            {"@type": "dct:Location", "dct:identifier": code, "rdfs:label": f"{zh} · {en}"}
            for code, zh, en in span["regions"]
        ],
        "dct:source": {"dct:title": plan["title_zh"], "dct:issued": plan["published_on"]}
        if plan
        else None,
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": d["name"],
                "dcat:downloadURL" if d["format"] != "json" else "dcat:accessURL": d["url"],
                "dcat:mediaType": MEDIA_TYPES[d["format"]],
                "dct:format": d["format"].upper(),
                "dct:license": licence()["path"],
            }
            for d in distributions(base, release, plan["plan_id"] if plan else None)
        ],
    }


def dcat_catalogue(
    conn: sqlite3.Connection,
    base: str,
    release: Release,
    plans: list[dict],
    page: tuple[int, int] | None = None,
):
    """The DCAT catalogue: the whole compilation, then one dataset per source plan. A large
    catalogue comes in pages, `page` = (this page, the last): the compilation on the first, and
    a Hydra PartialCollectionView linking the first, previous, next and last pages."""
    number, last = page or (1, 1)
    datasets = [_dcat_dataset(conn, base, release)] if number == 1 else []
    datasets += [_dcat_dataset(conn, base, release, plan) for plan in plans]
    for dataset in datasets:
        if dataset["dct:source"] is None:
            del dataset["dct:source"]
    catalogue = {
        "@context": DCAT_CONTEXT | {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        "@id": f"{base}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": title(),
        "dct:description": description(),
        "dct:license": licence()["path"],
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": title()},
        "dct:modified": release.date,
        "foaf:homepage": {"@id": f"{base}/"},
        "dcat:dataset": datasets,
    }
    if page:
        at = f"{base}/catalog.jsonld?page="
        catalogue["@context"] |= {"hydra": "http://www.w3.org/ns/hydra/core#"}
        catalogue["hydra:view"] = (
            {
                "@id": f"{at}{number}",
                "@type": "hydra:PartialCollectionView",
                "hydra:first": {"@id": f"{at}1"},
                "hydra:last": {"@id": f"{at}{last}"},
            }
            | ({"hydra:previous": {"@id": f"{at}{number - 1}"}} if number > 1 else {})
            | ({"hydra:next": {"@id": f"{at}{number + 1}"}} if number < last else {})
        )
    return catalogue
