"""Draw the app icons (PNG) from the favicon's design, for the web app manifest.

The favicon (jembatan/core/static/img/favicon.svg) is a white bridge on a green rounded
square, drawn on a 32-unit grid. Pillow cannot read SVG, so the same shapes are drawn here
at 8x and scaled down (anti-aliasing). Run after changing the favicon, then commit the PNGs:

    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (0x0B, 0x6E, 0x4F, 255)  # --brand in jembatan.css, the favicon's fill
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "jembatan" / "core" / "static" / "img"
SUPERSAMPLE = 8
GRID = 32  # the favicon's viewBox


def _bezier(p0, p1, p2, p3, steps: int = 48) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u**2 * t * p1[0] + 3 * u * t**2 * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u**2 * t * p1[1] + 3 * u * t**2 * p2[1] + t**3 * p3[1]
        points.append((x, y))
    return points


# The favicon's path, in grid units: the deck, two pillars and the arch.
STROKES = [
    [(4, 22), (28, 22)],
    [(7, 22), (7, 15)],
    [(25, 22), (25, 15)],
    _bezier((4, 15), (10, 7), (22, 7), (28, 15)),
]
STROKE_WIDTH = 2.5
CORNER = 6


def draw_icon(size: int, *, rounded: bool, glyph_scale: float = 1.0) -> Image.Image:
    """The icon at `size` px. rounded=False fills the whole square (maskable, Apple);
    glyph_scale < 1 shrinks the bridge into the maskable icon's safe zone."""
    big = size * SUPERSAMPLE
    unit = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=BRAND)
    else:
        draw.rectangle((0, 0, big, big), fill=BRAND)
    centre = GRID / 2

    def place(point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        return (
            (centre + (x - centre) * glyph_scale) * unit,
            (centre + (y - centre) * glyph_scale) * unit,
        )

    width = STROKE_WIDTH * glyph_scale * unit
    for stroke in STROKES:
        points = [place(p) for p in stroke]
        draw.line(points, fill=WHITE, width=round(width), joint="curve")
        for x, y in (points[0], points[-1]):  # stroke-linecap="round"
            r = width / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    # name: (size, rounded, glyph scale)
    "icon-192.png": (192, True, 1.0),
    "icon-512.png": (512, True, 1.0),
    # Maskable: the launcher cuts its own shape; keep the bridge in the central safe circle.
    "icon-maskable-512.png": (512, False, 0.7),
    # iOS rounds the corners itself and shows transparency as black.
    "apple-touch-icon.png": (180, False, 0.85),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, rounded, scale) in ICONS.items():
        draw_icon(size, rounded=rounded, glyph_scale=scale).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
