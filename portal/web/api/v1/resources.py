"""The collections of API v1: which table each lists, and by what it filters and sorts."""

from portal.web.query import Filter, Listing

_THEME = ("indicator_id", "SELECT indicator_id FROM indicators WHERE theme_id IN ({marks})")
# Whose figure or goal it is: the filters targets, achievements and progress share.
_WHOSE = (
    Filter("plan_id", "plan_id"),
    Filter("region_code", "region_code"),
    Filter("indicator_id", "indicator_id"),
    Filter("theme_id", _THEME[0], subquery=_THEME[1]),
)

LISTINGS = {
    "regions": Listing(
        table="regions",
        key="region_code",
        filters=(
            Filter("region_code", "region_code"),
            Filter("level", "level"),
            Filter("parent_code", "parent_code"),
        ),
        sortable=("region_code", "name_en"),
        default_sort=("region_code",),
        text_columns=("name_zh", "name_en"),
    ),
    "plans": Listing(
        table="plans",
        key="plan_id",
        filters=(
            Filter("plan_id", "plan_id"),
            Filter("region_code", "region_code"),
            Filter("doc_type", "doc_type"),
            # A plan is in a range of years if its period overlaps it.
            Filter("year_from", "period_end", int, ">="),
            Filter("year_to", "period_start", int, "<="),
        ),
        sortable=("plan_id", "published_on", "period_end"),
        default_sort=("published_on",),
        text_columns=("title_zh", "title_en", "issuer_zh", "issuer_en"),
    ),
    "themes": Listing(
        table="themes",
        key="theme_id",
        filters=(Filter("theme_id", "theme_id"),),
        sortable=("theme_id", "name_en"),
        default_sort=("theme_id",),
        text_columns=("name_zh", "name_en", "description_zh", "description_en"),
    ),
    "indicators": Listing(
        table="indicators",
        key="indicator_id",
        filters=(
            Filter("indicator_id", "indicator_id"),
            Filter("theme_id", "theme_id"),
            Filter("unit", "unit"),
        ),
        sortable=("indicator_id", "theme_id", "name_en"),
        default_sort=("indicator_id",),
        text_columns=("name_zh", "name_en", "definition_zh", "definition_en"),
    ),
    "targets": Listing(
        table="targets",
        key="target_id",
        filters=(
            Filter("target_id", "target_id"),
            *_WHOSE,
            Filter("target_year", "target_year", int),
            Filter("year_from", "target_year", int, ">="),
            Filter("year_to", "target_year", int, "<="),
            Filter("comparator", "comparator"),
            Filter("basis", "basis"),
        ),
        sortable=("target_id", "target_year", "plan_id", "indicator_id", "region_code"),
        default_sort=("target_id",),
        text_columns=("value_text", "qualifier_zh", "source_quote", "note_zh", "note_en"),
    ),
    "achievements": Listing(
        table="achievements",
        key="achievement_id",
        filters=(
            Filter("achievement_id", "achievement_id"),
            *_WHOSE,
            Filter("period_end", "period_end", int),
            # A figure is in a range of years if its period overlaps it.
            Filter("year_from", "period_end", int, ">="),
            Filter("year_to", "period_start", int, "<="),
            Filter("comparator", "comparator"),
            Filter("basis", "basis"),
        ),
        sortable=(
            "achievement_id",
            "period_end",
            "period_start",
            "plan_id",
            "indicator_id",
            "region_code",
            "value",
        ),
        default_sort=("achievement_id",),
        text_columns=("value_text", "qualifier_zh", "source_quote", "note_zh", "note_en"),
    ),
    "programs": Listing(
        table="programs",
        key="program_id",
        filters=(
            Filter("program_id", "program_id"),
            Filter("plan_id", "plan_id"),
            Filter("parent_id", "parent_id"),
            Filter("level", "level"),
        ),
        sortable=("program_id", "plan_id", "ordinal"),
        default_sort=("program_id",),
        text_columns=("title_zh", "title_en", "summary_zh", "summary_en", "source_quote"),
    ),
}

PROGRESS = Listing(
    table="progress",
    key="target_id",
    filters=(
        *_WHOSE,
        Filter("status", "status"),
        Filter("target_year", "target_year", int),
        Filter("year_from", "target_year", int, ">="),
        Filter("year_to", "target_year", int, "<="),
    ),
    sortable=("target_id", "target_year", "status", "plan_id", "indicator_id"),
    default_sort=("target_id",),
)

# Every target and achievement of one indicator (the `series` view), for /indicators/{id}/series.
SERIES = Listing(
    table="series",
    key="point_id",
    filters=(
        Filter("indicator_id", "indicator_id"),
        Filter("plan_id", "plan_id"),
        Filter("region_code", "region_code"),
        Filter("kind", "kind"),
        Filter("basis", "basis"),
        Filter("year_from", "year", int, ">="),
        Filter("year_to", "year", int, "<="),
    ),
    sortable=("year", "point_id", "region_code", "plan_id"),
    default_sort=("year",),
    text_columns=("value_text", "qualifier_zh", "source_quote"),
)

# The singular used in OpenAPI names and messages.
SINGULAR = {
    "regions": "Region",
    "plans": "Plan",
    "themes": "Theme",
    "indicators": "Indicator",
    "targets": "Target",
    "achievements": "Achievement",
    "programs": "Program",
    "series": "Series",
    "progress": "Progress",
}
