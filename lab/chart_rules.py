"""The curriculum's chart rules, checked on every figure a notebook shows.

Every chart needs a title (its own or the figure's), and every numeric axis a
label with its unit in brackets, e.g. "time (s)" or "proof size [bytes]".
Axes that are switched off (images, drawings) are exempt, and so is a
categorical axis (its tick labels are its words). A colour bar belongs to
the chart it explains: it needs only a label with its unit; so does a twin
axis (`twinx`), whose title and x axis are its sibling's. The notebook tests call
`watch()` first and `report()` last.
"""
from __future__ import annotations

import re

from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.category import UnitData

_UNIT = re.compile(r"\(.+\)|\[.+\]")
VIOLATIONS: list[str] = []


def _is_categorical(axis) -> bool:
    return isinstance(getattr(axis, "units", None), UnitData)


def problems(fig) -> list[str]:
    """What `fig` lacks under the chart rules (empty when it is fine)."""
    found = []
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    for index, ax in enumerate(fig.get_axes()):
        if not ax.axison or not ax.has_data():
            continue  # drawings, images, colour bars without data
        colorbar = getattr(ax, "_colorbar", None)
        if colorbar is not None:
            vertical = colorbar.orientation == "vertical"
            label = colorbar.ax.get_ylabel() if vertical else colorbar.ax.get_xlabel()
            if not _UNIT.search(label):
                found.append(f"a colour bar's label {label!r} gives no unit, e.g. '(p.u.)'")
            continue
        # A twin (ax.twinx()) adds a second y scale to its sibling's chart, whose title and x axis it shares.
        # Only twins: subplots that merely share an x axis still need their own titles.
        twins = ax._twinned_axes.get_siblings(ax) if hasattr(ax, "_twinned_axes") else [ax]
        twin = next((other for other in twins if other is not ax), None)
        title = ax.get_title() or (twin.get_title() if twin is not None else "")
        name = title or suptitle or f"axes {index}"
        if not (title or suptitle):
            found.append(f"a chart has no title ({name})")
        xlabel = ax.get_xlabel() or (twin.get_xlabel() if twin is not None else "")
        for which, axis, label in (("x", ax.xaxis, xlabel), ("y", ax.yaxis, ax.get_ylabel())):
            if _is_categorical(axis):
                continue
            if not label:
                found.append(f"'{name}': the {which} axis has no label")
            elif not _UNIT.search(label):
                found.append(f"'{name}': the {which} label {label!r} gives no unit, e.g. '(s)'")
    return found


def watch() -> None:
    """Check every figure as it is rendered (inline backend or savefig)."""
    original = FigureCanvasBase.print_figure
    if getattr(original, "_chart_rules", False):
        return

    def checked(self, *args, **kwargs):
        VIOLATIONS.extend(p for p in problems(self.figure) if p not in VIOLATIONS)
        return original(self, *args, **kwargs)

    checked._chart_rules = True  # type: ignore[attr-defined]
    FigureCanvasBase.print_figure = checked


def report() -> None:
    """Print each violation as 'CHART RULE: ...', or that all charts passed."""
    for problem in VIOLATIONS:
        print(f"CHART RULE: {problem}")
    if not VIOLATIONS:
        print("chart rules: all charts passed")
