"""The forecast figures quoted in README.md are the ones notebook 6 prints.

The README's block between ``<!-- forecasts -->`` markers is recomputed here through the library
with the notebook's own parameters (its ``parameters`` cell), and each number in it is looked
for in the summary the executed notebook printed.
"""

import json
import re

from povlib import paths
from povlib import projections as pj
from povlib.analysis.panel import panel

NOTEBOOK = paths.NOTEBOOKS / "06_forecasts.ipynb"
BLOCK = re.compile(r"<!-- forecasts: notebooks/06_forecasts.ipynb -->\n(.*?)<!-- /forecasts -->", re.S)


def _notebook():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    params: dict = {}
    exec("".join(code[0]["source"]), params)  # the notebook's choices, as it runs them
    outputs = [o.get("data", {}) for o in code[2]["outputs"]]
    summary = "".join("".join(d["text/markdown"]) for d in outputs if "text/markdown" in d)
    return params, summary


def _numbers(ds, params):
    p = panel(ds)
    series = pj.settled_series(
        p.points(derived=False), params["INDICATOR"], params["PROVINCES"] + params["MERGED"]
    )
    series = series[series["year"].between(*params["YEARS"])]
    bt = pj.backtest(series, params["METHODS"], min_points=params["MIN_POINTS"])
    fc = pj.forecast(series, params["YEARS"][1], p.places["valid_to"].dropna().to_dict(), params["METHODS"])
    done = fc.dropna(subset=["value"]).astype({"horizon": int})
    return p, pj.compare(bt, params["METHODS"]), pj.intervals(done, bt)


def forecast_block(ds, params) -> str:
    """The README's forecast block, as the library computes it."""
    p, cmp_, iv = _numbers(ds, params)
    label = pj.METHOD_LABELS["en"]
    lines = [
        "| ahead | method | tests | mean absolute error, points | bias, points | projected too high "
        "| paired wins | losses | ties |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in cmp_.itertuples():
        ahead = "1 year" if r.ahead == "one" else f"{r.h_min}-{r.h_max} years"
        lines.append(
            f"| {ahead} | {label[r.method]} | {r.tests} | {r.mae:.2f} | {r.bias:+.2f} | {r.too_high} "
            f"| {r.wins} | {r.losses} | {r.ties} |"
        )
    lines += [
        "",
        "| place | method | year | projected, % | interval, % | width, points | tests behind it |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in iv.dropna(subset=["low"]).itertuples():
        lines.append(
            f"| {p.name(r.geo)} | {label[r.method]} | {r.year} | {r.value:.2f} | {r.low:.2f} to {r.high:.2f} "
            f"| {r.high - r.low:.2f} | {r.n_tests} |"
        )
    return "\n".join(lines) + "\n"


def _readme_block():
    found = BLOCK.search((paths.ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no forecast block"
    return found.group(1)


def test_readme_forecasts_are_computed_by_the_library(ds):
    params, _ = _notebook()
    assert _readme_block() == forecast_block(ds, params)


def test_readme_forecasts_are_what_the_notebook_prints(ds):
    params, summary = _notebook()
    p, cmp_, iv = _numbers(ds, params)
    label = pj.METHOD_LABELS["en"]
    block = _readme_block()
    for r in cmp_[cmp_["ahead"] == "one"].itertuples():
        quoted = f"| 1 year | {label[r.method]} | {r.tests} | {r.mae:.2f} | {r.bias:+.2f} | {r.too_high} "
        assert quoted in block
        printed = (
            f"- {label[r.method]}: {r.tests} tests, mean absolute error {r.mae:.2f} points, "
            f"bias {r.bias:+.2f} points (too high in {r.too_high} of {r.tests}); head to head against "
            f"the other methods {r.wins} wins, {r.losses} losses, {r.ties} ties"
        )
        assert printed in summary
    for r in cmp_[cmp_["ahead"] == "longer"].itertuples():
        assert f"{label[r.method]} {r.mae:.2f} points over {r.tests} tests" in summary
    for r in iv.dropna(subset=["low"]).itertuples():
        assert (
            f"{r.value:.2f}% in {r.year} ({r.low:.2f} to {r.high:.2f}, {r.high - r.low:.2f} points wide, "
            f"resting on {r.n_tests} tests" in summary
        )


def test_the_summary_quotes_one_year_ahead_apart():
    # The one-year-ahead lines come before, and apart from, the longer horizons.
    _, summary = _notebook()
    assert summary.index("One year ahead:") < summary.index("years ahead, reported apart")
