"""Charts readable on a 360 px phone: text of at least 12 CSS px, whole kecamatan names.

The SVGs scale to the width of the page's content (328 px on a 360 px phone), so a
font-size in user units shows at font-size * 328 / viewBox width CSS px.
"""

from __future__ import annotations

import itertools
import re

from jembatan.dashboard.charts import Point, bar_chart, tile_map

PHONE_CONTENT_WIDTH = 328  # 360 px less the page's 16 px side margins


def _shown_font_sizes(svg: str) -> list[float]:
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    scale = min(1.0, PHONE_CONTENT_WIDTH / width)
    return [float(size) * scale for size in re.findall(r'font-size="([\d.]+)"', svg)]


def test_bar_chart_text_is_at_least_12px_on_a_phone():
    points = [Point(f"{m:02d}/26", m * 130, None) for m in range(1, 13)]
    svg = bar_chart(points, title="t", desc="d", line=[1] * 12)
    sizes = _shown_font_sizes(svg)
    assert sizes and min(sizes) >= 12, sizes


def test_bar_chart_month_labels_thin_out_instead_of_overlapping():
    points = [Point(f"{m:02d}/26", 1, None) for m in range(1, 13)]
    svg = bar_chart(points, title="t", desc="d")
    labels = re.findall(r'text-anchor="middle" fill="[^"]+">(\d\d/26)</text>', svg)
    assert "12/26" in labels  # the latest month is always named
    assert 3 <= len(labels) < 12, labels
    xs = [
        float(x)
        for x in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" font-size="13" text-anchor="middle"', svg
        )
    ]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert min(gaps) >= 13 * 0.6 * 5, gaps  # five characters of 13 px fit between labels


def test_tile_map_shows_whole_names_in_readable_text():
    tiles = [
        {"code": str(i), "name": name, "coverage_percent": 20.0, "url": None}
        for i, name in enumerate(
            ["Sungai Raya Kepulauan", "Lembah Bawang", "Ledo", "Sanggau Ledo", "Tujuh Belas"]
        )
    ]
    svg = tile_map(tiles, title="Peta", desc="d")
    sizes = _shown_font_sizes(svg)
    assert min(sizes) >= 12, sizes
    shown = re.sub(r"<title>.*?</title>", "", svg)
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", shown)
    assert "Sungai Raya" in spans and "Kepulauan" in spans
    assert "Lembah Bawang" in spans
    assert "…" not in shown
