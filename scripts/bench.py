"""Benchmark: parsing and indicator math on a synthetic national-scale panel.

A panel of 1,000,000 rows (about 10,000 communes x 50 indicator-years) with
figures printed the Vietnamese way.  Reports rows per second for povlib beside
a plain pandas baseline doing the same work.  Run with ``make bench``; the
numbers depend on the machine, so tests never assert them.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from povlib import indicators as ind
from povlib.reading.extract import extract_text
from povlib.reading.numbers import format_number, parse_many

N = 1_000_000


RESULTS: dict = {}
"""What the run measured, by name, for the summary, the JSON and the plot at the end."""


def timed(label: str, func, n: int = N, repeat: int = 3, key: str | None = None):
    """Median of ``repeat`` runs (this machine's speed drifts; the median is the honest one)."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        runs.append(time.perf_counter() - t0)
    took = float(np.median(runs))
    print(f"  {label:<46} {took:8.3f} s  {n / took:>14,.0f} rows/s")
    if key:
        RESULTS[key] = n / took
    return out


def panel(n: int = N, seed: int = 20240227) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rate_2022 = np.round(rng.uniform(1, 80, n), 2)
    rate_2023 = np.round(rate_2022 - rng.uniform(0, 5, n).clip(0, rate_2022), 2)
    poor = rng.integers(10, 5000, n)
    # Printed forms: a few thousand distinct strings, as in real reports.
    rate_txt = pd.Series([f"{format_number(v, 2)}%" for v in np.round(rng.uniform(0, 100, 5000), 2)])
    count_txt = pd.Series([f"{format_number(v)} hộ" for v in rng.integers(10, 200_000, 5000)])
    pick = rng.integers(0, 5000, n)
    raw = np.where(rng.random(n) < 0.5, rate_txt.to_numpy()[pick], count_txt.to_numpy()[pick])
    return pd.DataFrame(
        {"raw": raw, "rate_2022": rate_2022, "rate_2023": rate_2023, "poor": poor, "target": 5.0}
    )


def baseline_parse(raw: pd.Series) -> pd.Series:
    """The usual one-liner: strip units, swap separators, cast (no validation, no qualifiers)."""
    s = raw.str.replace(r"\s*(%|hộ)$", "", regex=True).str.replace(".", "", regex=False)
    return s.str.replace(",", ".", regex=False).astype(float)


def dedup(func, raw: pd.Series):
    """Apply ``func`` to the distinct strings only, then spread back: the same
    de-duplication povlib does, so both sides do equal work."""
    codes, uniques = pd.factorize(raw)
    return np.asarray(func(pd.Series(uniques, dtype="str")))[codes]


def stages(rows: int) -> dict:
    """Load + check, the descriptor's second pass (what ``povlib check`` runs after
    loading), panel, audit and export on a synthetic folder of ``rows`` observations;
    seconds and peak resident memory after each stage."""
    import resource
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import synth_panel

    import povlib
    from povlib.analysis.query import series
    from povlib.reading.tables import load_dataset, second_opinion

    folder = synth_panel.write(Path(tempfile.mkdtemp()) / "data", rows)
    out = {"rows": rows}

    def peak_mb():
        # VmHWM starts afresh in a new process image; ru_maxrss would carry the parent's
        # peak across fork and exec.
        status = Path("/proc/self/status")
        if status.exists():
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
            return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def stage(name, func):
        # Wall seconds, peak memory, and CPU seconds of this process: on a shared machine
        # the wall time also counts the time spent waiting for a core; CPU time does not.
        t0, c0 = time.perf_counter(), time.process_time()
        value = func()
        out[name] = (time.perf_counter() - t0, peak_mb(), time.process_time() - c0)
        return value

    ds = stage("load_check", lambda: load_dataset(folder, sources_dir=False))  # no source texts
    extra = stage("package", lambda: second_opinion(folder))
    assert not extra, extra[:3]
    p = stage("panel", lambda: povlib.panel(ds))
    checks = stage("audit", lambda: povlib.audit(p))
    text = stage("export", lambda: series(p, "poverty_rate").to_csv(index=False))
    out["checks"], out["export_bytes"] = len(checks), len(text)
    return out


SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(","))


def panel_sizes(sizes=SIZES) -> None:
    """Each size in its own process, so that peak memory is that size's alone; ``check``
    is load + package (what ``povlib check`` does), ``audit`` is panel + audit."""
    import json
    import subprocess
    import sys

    print("pipeline on synthetic panels (scripts/synth_panel.py, seed 7), one process per size")
    print(f"  {'rows':>10} {'stage':<11} {'seconds':>8} {'CPU s':>7} {'rows/s':>12} {'peak MB':>8}")
    for n in sizes:
        res = subprocess.run(
            [sys.executable, __file__, "--stages", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(res.stdout.strip().splitlines()[-1])
        total = cpu_total = 0.0
        for stage in ("load_check", "package", "panel", "audit", "export"):
            secs, mb, cpu = r[stage]
            total, cpu_total = total + secs, cpu_total + cpu
            print(f"  {n:>10,} {stage:<11} {secs:8.2f} {cpu:7.2f} {n / secs:>12,.0f} {mb:8.0f}")
        print(
            f"  {n:>10,} {'total':<11} {total:8.2f} {cpu_total:7.2f} {n / total:>12,.0f}"
            f"   ({r['checks']:,} audit checks)"
        )
        RESULTS.setdefault("sizes", {})[n] = {
            "check": r["load_check"][0] + r["package"][0],
            "audit": r["panel"][0] + r["audit"][0],
            "check_cpu": r["load_check"][2] + r["package"][2],
            "audit_cpu": r["panel"][2] + r["audit"][2],
            "peak_mb": max(v[1] for v in r.values() if isinstance(v, list)),
        }


def _children_cpu() -> float:
    """CPU seconds (user and system) of every finished child process, and theirs: kernels
    and a build's kernels alike. Unlike the wall clock, it barely moves when other work
    shares the cores."""
    import resource

    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def build_against_floor(rounds: int = 2) -> None:
    """`make figures` (povlib build) against its floor. The floor: for every notebook, a
    kernel started as the build starts it (:func:`povlib.build.execute`), running the
    notebook's first two code cells (its parameters, then its imports and the loading of
    the panel) and stopped; summed over notebooks. The build runs its kernels side by
    side, as `make figures` does. Both in wall-clock seconds and in CPU seconds."""
    import subprocess
    import tempfile
    from pathlib import Path

    import nbformat

    from povlib import build, paths

    def floor_once() -> tuple[float, float]:
        work = Path(tempfile.mkdtemp())
        wall = 0.0
        cpu0 = _children_cpu()
        for path in build.notebooks():
            nb = nbformat.read(path, as_version=4)
            nb.cells = [c for c in nb.cells if c.cell_type == "code"][:2]  # parameters, imports
            short = work / path.name  # notebooks find the data by absolute paths
            nbformat.write(nb, short)
            # The build runs each notebook twice, in English and then in Vietnamese for the
            # site: so does its floor.
            for parameters in (None, {"lang": "vi"}):
                t0 = time.perf_counter()
                build.execute(short, parameters=parameters, out=work / f"run-{path.name}")
                wall += time.perf_counter() - t0
        return wall, _children_cpu() - cpu0

    def build_once(cache: str) -> tuple[float, float]:
        env = dict(os.environ, POVLIB_FIGURE_CACHE=cache)
        cpu0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(
            [str(paths.ROOT / ".venv/bin/povlib"), "build"], check=True, capture_output=True, env=env
        )
        return time.perf_counter() - t0, _children_cpu() - cpu0

    # This machine's speed drifts from minute to minute: the three are alternated and the
    # best of each is compared. A cold build renders every format of every figure; a warm
    # one (what `make figures` does after a first build) renders again only the figures
    # whose SVG changed.
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "cold": [], "warm": []}
    for _ in range(rounds):
        runs["floor"].append(floor_once())
        runs["cold"].append(build_once("0"))
        runs["warm"].append(build_once("1"))
    best = {k: (min(r[0] for r in v), min(r[1] for r in v)) for k, v in runs.items()}
    RESULTS["build"] = best
    floor, floor_cpu = best["floor"]
    print("make figures against its floor (kernel start + imports, summed over the notebooks' runs)")
    print(f"  {'':<12} {'wall s':>7} {'ratio':>6} {'CPU s':>7} {'ratio':>6}")
    for k, (wall, cpu) in best.items():
        label = {"floor": "floor", "cold": "build, cold", "warm": "build, warm"}[k]
        print(f"  {label:<12} {wall:7.1f} {wall / floor:6.2f} {cpu:7.1f} {cpu / floor_cpu:6.2f}")


def setup_against_uv() -> None:
    """`make env` against a bare `uv sync --locked` of the same lock, each into a new
    environment with the same (warm) package cache."""
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from povlib import paths

    uv = paths.ROOT / ".tools/bin/uv"
    work = Path(tempfile.mkdtemp())
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(paths.ROOT / name, work / name)
    shutil.copytree(paths.ROOT / "povlib", work / "povlib")
    timings = {"bare uv sync --locked": [], "make env": []}
    system_python = shutil.which("python3.11") or shutil.which("python3") or sys.executable
    commands = {"bare uv sync --locked": [], "make env": ["--python", system_python]}
    # Alternate the two, three times each, into new environments; the best of each is
    # reported, so that neither pays the cache's first warm-up alone.
    for k in range(3):
        for label, extra in commands.items():
            target = work / f".venv-{k}-{len(timings[label])}-{label[:4].strip()}"
            env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(target))
            t0 = time.perf_counter()
            subprocess.run(
                [str(uv), "sync", "--locked", "--extra", "test", "--quiet", *extra],
                cwd=work,
                env=env,
                check=True,
            )
            timings[label].append(time.perf_counter() - t0)
    shutil.rmtree(work)
    bare, ours = (min(v) for v in timings.values())
    RESULTS["setup"] = (bare, ours)
    print("environment setup, warm package cache")
    print(f"  bare uv {bare:6.2f} s   make env {ours:6.2f} s   ratio {ours / bare:4.2f}")


def alternated(runs: list[tuple[str, object, str]], n: int, repeat: int = 5) -> list:
    """Each of ``runs`` (label, function, key) in turn, ``repeat`` rounds, medians reported:
    alternating puts both sides of a comparison through the same drift of this machine's
    speed, where one side's runs after the other's would not."""
    times: dict[str, list[float]] = {key: [] for _, _, key in runs}
    outs = []
    for _ in range(repeat):
        outs = []
        for _, func, key in runs:
            t0 = time.perf_counter()
            outs.append(func())
            times[key].append(time.perf_counter() - t0)
    for label, _, key in runs:
        took = float(np.median(times[key]))
        print(f"  {label:<46} {took:8.3f} s  {n / took:>14,.0f} rows/s")
        RESULTS[key] = n / took
    return outs


def parsing(df: pd.DataFrame) -> None:
    """parse_many against the pandas baseline, on repeated and on all-distinct strings."""
    print("parsing, repeated strings (both sides parse each distinct string once)")
    parsed, base = alternated(
        [
            ("povlib.parse_many (validated, units, qualifiers)", lambda: parse_many(df["raw"]), "parse_rep"),
            ("pandas baseline (str.replace + astype)", lambda: dedup(baseline_parse, df["raw"]), "base_rep"),
        ],
        len(df),
    )
    assert np.allclose(parsed["value"].to_numpy(), base)
    rng = np.random.default_rng(1)
    many = pd.Series(
        [f"{format_number(v, 2)}%" for v in np.round(rng.uniform(0, 100, 200_000), 2)]
        + [f"{format_number(int(v))} hộ" for v in rng.integers(1, 10**7, 200_000)],
        dtype="str",
    ).drop_duplicates()
    print(f"parsing, all-distinct strings ({len(many):,}; the baseline de-duplicates nothing,")
    print("  povlib still hashes every string to find repeats, and finds none)")
    parsed, base = alternated(
        [
            ("povlib.parse_many", lambda: parse_many(many), "parse_dist"),
            ("pandas baseline", lambda: baseline_parse(many), "base_dist"),
        ],
        len(many),
    )
    assert np.allclose(parsed["value"].to_numpy(), base.to_numpy())


def main() -> None:
    df = panel()
    print(f"synthetic panel: {len(df):,} rows, {df['raw'].nunique():,} distinct printed figures")
    parsing(df)
    print("indicator math (vectorised; each column computed once on both sides)")
    r22, r23, poor, tgt = df["rate_2022"], df["rate_2023"], df["poor"], df["target"]

    def povlib_math():
        fall = ind.fall_pp(r22, r23)
        req = ind.required_pace_pp(r23, tgt, 2)
        return (
            fall,
            ind.relative_change_pct(r22, r23),
            ind.implied_total(poor, r23),
            req,
            ind.years_to_target(r23, tgt, fall),
            ind.on_track(fall, req),
        )

    def pandas_math():
        fall = r22 - r23
        req = (r23 - tgt) / 2
        years = ((r23 - tgt) / fall).where(fall > 0, np.inf).where(r23 > tgt, 0.0)
        verdict = np.where(req <= 0, "target reached", np.where(fall >= req, "on track", "off track"))
        return fall, (r23 / r22 - 1) * 100, poor / (r23 / 100), req, years, verdict

    ours = timed("povlib.reading.indicators (6 indicators)", povlib_math)
    theirs = timed("plain pandas, same formulas", pandas_math)
    assert np.allclose(np.asarray(ours[0]), np.asarray(theirs[0]))
    timed(
        "povlib.reading.indicators.propagate (interval of implied total)",
        lambda: ind.propagate(ind.implied_total, (poor - 0.5, poor + 0.5), (r23 - 0.005, r23 + 0.005)),
    )
    print("extraction")
    para = (
        "Năm 2023, huyện Chợ Đồn có 1.234 hộ nghèo, chiếm 15,5%, giảm 2,1% so với năm 2022; "
        "giải ngân 12,3 tỷ đồng, bằng 80,5% kế hoạch giao. Trong 3 năm qua, xã đã xóa 63 nhà "
        "tạm và đào tạo nghề cho hơn 1.200 người."
    )
    words = len(para.split())
    article = "\n".join([para] * (10_000 // words + 1))
    t0 = time.perf_counter()
    rows, _ = extract_text(article, "bench")
    took = time.perf_counter() - t0
    print(
        f"  povlib extract on a {len(article.split()):,}-word article: {took:.3f} s,"
        f" {len(rows):,} candidate rows"
    )
    # One 5 MB paragraph, the shape that was quadratic (it did not finish in 300 s).
    big = " ".join([para] * (5_000_000 // len(para.encode("utf-8")) + 1))
    t0 = time.perf_counter()
    rows, _ = extract_text(big, "bench")
    took = time.perf_counter() - t0
    print(
        f"  povlib extract on a {len(big.encode('utf-8')) / 1e6:.1f} MB one-paragraph article:"
        f" {took:.3f} s, {len(rows):,} candidate rows"
    )


def summary(out_dir) -> None:
    """Every measure side by side, as JSON, and time against size on log-log axes (a
    straight line of slope 1 is linear growth), into ``out_dir``."""
    import json
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    print("summary (medians of parsing runs; best of the alternated build and setup runs)")
    for n, r in RESULTS.get("sizes", {}).items():
        print(
            f"  {n:>10,} rows: check {r['check']:7.2f} s, audit {r['audit']:7.2f} s,"
            f" together {r['check'] + r['audit']:7.2f} s (CPU {r['check_cpu'] + r['audit_cpu']:6.2f} s),"
            f" peak {r['peak_mb']:6.0f} MB"
        )
    for kind, a, b in (("repeated", "parse_rep", "base_rep"), ("all-distinct", "parse_dist", "base_dist")):
        if a in RESULTS:
            print(
                f"  parsing, {kind} strings: povlib {RESULTS[a]:,.0f} rows/s, baseline"
                f" {RESULTS[b]:,.0f} rows/s: {RESULTS[b] / RESULTS[a]:.1f}x slower"
            )
    if "build" in RESULTS:
        (floor, floor_cpu), b = RESULTS["build"]["floor"], RESULTS["build"]
        for k in ("cold", "warm"):
            wall, cpu = b[k]
            print(
                f"  povlib build, {k}: {wall:.1f} s against a floor of {floor:.1f} s: {wall / floor:.2f}x"
                f" ({cpu:.1f} against {floor_cpu:.1f} s of CPU: {cpu / floor_cpu:.2f}x)"
            )
    if "setup" in RESULTS:
        bare, ours = RESULTS["setup"]
        print(f"  make env {ours:.2f} s against a bare uv sync {bare:.2f} s: {ours / bare:.2f}x")
    (out_dir / "bench.json").write_text(json.dumps(RESULTS, indent=1, default=str) + "\n")
    sizes = RESULTS.get("sizes", {})
    if sizes:
        ns = sorted(sizes)
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for what in ("check", "audit"):
            line = ax.plot(ns, [sizes[n][what] for n in ns], marker="o", label=f"{what} (s)")
            ax.plot(
                ns,
                [sizes[n][f"{what}_cpu"] for n in ns],
                marker="x",
                ls="--",
                c=line[0].get_color(),
                label=f"{what}, CPU (s)",
            )
        ax.plot(ns, [sizes[ns[0]]["check"] * n / ns[0] for n in ns], ls=":", c="grey", label="linear")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("observations")
        ax.set_ylabel("seconds")
        ax.set_title("povlib check and audit against size (log-log)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out_dir / "scaling.png", dpi=100)
        print(f"  written: {out_dir / 'bench.json'}, {out_dir / 'scaling.png'}")


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--stages":
        print(json.dumps(stages(int(sys.argv[2]))))
    elif sys.argv[1:] == ["--build"]:  # the build against its floor alone
        from povlib import paths

        build_against_floor()
        summary(os.environ.get("BENCH_OUT", paths.ROOT / "build" / "bench"))
    else:
        from povlib import paths

        main()
        panel_sizes()
        if os.environ.get("BENCH_BUILD", "1") == "1":
            build_against_floor()
            setup_against_uv()
        summary(os.environ.get("BENCH_OUT", paths.ROOT / "build" / "bench"))
