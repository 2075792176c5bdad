"""The data a chart of one indicator draws: a series per region, figures and goals apart."""

from portal.web import i18n

# Colour-blind-safe palette (Okabe-Ito), one colour a region.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def series_chart(indicator: dict, points: list[dict]) -> dict:
    """Datasets for Chart.js: per region, achievements as a line, targets as marked goals."""
    regions: dict[str, dict] = {}
    for point in points:
        if point["value"] is None:
            continue
        region = regions.setdefault(
            point["region_code"],
            {"name": i18n.pick(point, "region"), "achievements": [], "targets": []},
        )
        region["achievements" if point["kind"] == "achievement" else "targets"].append(
            {"x": point["year"], "y": point["value"], "label": point["value_text"] or ""}
        )
    datasets = []
    for index, region in enumerate(regions.values()):
        colour = PALETTE[index % len(PALETTE)]
        if region["achievements"]:
            datasets.append(
                {
                    "label": f"{region['name']} · {i18n.t('achievements')}",
                    "data": region["achievements"],
                    "kind": "achievement",
                    "color": colour,
                }
            )
        if region["targets"]:
            datasets.append(
                {
                    "label": f"{region['name']} · {i18n.t('targets')}",
                    "data": region["targets"],
                    "kind": "target",
                    "color": colour,
                }
            )
    unit = indicator["unit"] if i18n.language() == "zh" else indicator["unit_en"]
    return {
        "datasets": datasets,
        "unit": unit,
        "title": i18n.pick(indicator, "name"),
        "logLabel": i18n.t("log_scale"),
    }
