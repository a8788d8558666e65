"""Every palette keeps white header text at WCAG AAA (7:1), and the stylesheet has each
palette's class with the same colours as PALETTE_HEX (the CSP allows no inline style, so
the header colour comes from a ``tenant-<palette>`` class)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jembatan.tenants.models import PALETTE_HEX, Palette

CSS = Path(__file__).resolve().parents[2] / "core" / "static" / "css" / "jembatan.css"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_is_wcags():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#ffffff", "#767676") == pytest.approx(4.54, abs=0.01)


def test_every_palette_has_colours():
    assert set(PALETTE_HEX) == set(Palette.values)


@pytest.mark.parametrize("palette", sorted(PALETTE_HEX))
def test_white_on_each_palette_colour_is_at_least_7_to_1(palette):
    main, dark = PALETTE_HEX[palette]
    assert contrast("#ffffff", main) >= 7.0, (palette, main, contrast("#ffffff", main))
    assert contrast("#ffffff", dark) >= 7.0, (palette, dark, contrast("#ffffff", dark))


@pytest.mark.parametrize("palette", sorted(PALETTE_HEX))
def test_the_stylesheet_has_the_palettes_class_with_its_colours(palette):
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(rf"\.tenant-{palette}\s*\{{([^}}]*)\}}", css)
    assert rule is not None, f".tenant-{palette} missing from jembatan.css"
    main, dark = PALETTE_HEX[palette]
    assert f"--tenant-main: {main};" in rule.group(1)
    assert f"--tenant-dark: {dark};" in rule.group(1)


def test_the_header_takes_the_tenants_colour():
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r"\.site-header\s*\{[^}]*var\(--tenant-main", css)
