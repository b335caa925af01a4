"""Write a synthetic national-scale data folder of N observations (seed-fixed).

Shape: 63 provinces, 10 districts each, communes under them; years 2016-2025 with
the poverty standard 2016-2020 up to 2020 and 2022-2025 from 2021 (2021 printed
under both for some places); per place and year a poverty rate, poor households,
households, a near-poor rate, the fall in the rate and in the count; outstanding
credit at year ends and at month ends; about 3% of keys printed twice (an
estimate beside the approved figure, or a rounded restatement).  Every ``raw``
is printed the Vietnamese way and ``value`` is its parse, so ``povlib check``
passes on the folder.

    python scripts/synth_panel.py OUT_DIR --rows 100000 [--seed 7]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from povlib import paths

YEARS = np.arange(2016, 2026)
INDICATORS = [
    "poverty_rate",
    "poor_households",
    "households",
    "near_poor_rate",
    "poverty_rate_fall_pp",
    "poor_households_fall",
    "credit_balance",
]


def _vn(values, decimals: int) -> np.ndarray:
    """Vietnamese notation: '.' groups thousands, ',' marks decimals."""
    s = pd.Series(values).map(lambda v: f"{v:,.{decimals}f}")
    return s.str.replace(",", "\x00").str.replace(".", ",").str.replace("\x00", ".").to_numpy()


def geography(n_places: int) -> pd.DataFrame:
    provinces = [f"p{i:02d}" for i in range(1, 64)]
    rows = [
        dict(
            geo_id=p,
            name_vi=f"Tỉnh {p.upper()}",
            alias=f"Tinh {p.upper()}",
            label_en=p,
            label_vi=p,
            level="province",
            parent="",
            province=p,
            gso_code=f"{i + 1:02d}",
            valid_from="",
            valid_to="",
            successor="",
            order=i,
            fate_2025="synthetic",
        )
        for i, p in enumerate(provinces)
    ]
    districts = [(p, f"{p}-d{j}") for p in provinces for j in range(10)]
    rows += [
        dict(
            geo_id=d,
            name_vi=f"Huyện {d}",
            alias=d,
            label_en=d,
            label_vi=d,
            level="district",
            parent=p,
            province=p,
            gso_code="",
            valid_from="",
            valid_to="2025-06-30",
            successor="",
            order=100,
            fate_2025="synthetic",
        )
        for p, d in districts
    ]
    k = 0
    while len(rows) < n_places:
        p, d = districts[k % len(districts)]
        c = f"{d}-c{k // len(districts)}"
        rows.append(
            dict(
                geo_id=c,
                name_vi=f"Xã {c}",
                alias=c,
                label_en=c,
                label_vi=c,
                level="commune",
                parent=d,
                province=p,
                gso_code="",
                valid_from="",
                valid_to="",
                successor="",
                order=1000,
                fate_2025="synthetic",
            )
        )
        k += 1
    return pd.DataFrame(rows)


def observations(n_total: int, geo: pd.DataFrame, rng) -> pd.DataFrame:
    n_dup = n_total // 30
    n = n_total - n_dup
    per_place = len(YEARS) * len(INDICATORS)
    places = geo.iloc[: int(np.ceil(n / per_place))]
    grid = pd.MultiIndex.from_product(
        [places["geo_id"], YEARS, INDICATORS], names=["geo", "year", "indicator"]
    ).to_frame(index=False)
    grid = grid.iloc[:n].copy()
    m = len(grid)
    grid["province"] = grid["geo"].map(places.set_index("geo_id")["province"])
    rate = np.round(rng.uniform(1, 60, m), 2)
    hh = rng.integers(200, 250_000, m)
    # One household count per place and year, so that no poor count exceeds all households.
    hh = (
        pd.Series(hh).groupby([grid["geo"].to_numpy(), grid["year"].to_numpy()]).transform("first").to_numpy()
    )
    count = np.maximum(np.round(hh * rate / 100).astype(int), 1)
    fall = np.round(rng.uniform(0.1, 5, m), 2)
    credit = np.round(rng.uniform(10, 5000, m), 1)
    ind = grid["indicator"].to_numpy()
    value = np.select(
        [
            ind == "poverty_rate",
            ind == "poor_households",
            ind == "households",
            ind == "near_poor_rate",
            ind == "poverty_rate_fall_pp",
            ind == "poor_households_fall",
            ind == "credit_balance",
        ],
        [rate, count, hh, np.round(rate / 2, 2), fall, np.round(count * fall / 100).astype(int), credit],
    )
    raw = np.select(
        [
            np.isin(ind, ["poverty_rate", "near_poor_rate", "poverty_rate_fall_pp"]),
            np.isin(ind, ["poor_households", "households", "poor_households_fall"]),
            ind == "credit_balance",
        ],
        [
            pd.Series(_vn(value, 2)) + "%",
            pd.Series(_vn(value, 0)) + " hộ",
            pd.Series(_vn(value, 1)) + " tỷ đồng",
        ],
    )
    year = grid["year"].to_numpy()
    change = np.isin(ind, ["poverty_rate_fall_pp", "poor_households_fall"])
    month = rng.random(m) < 0.3
    period = np.where(
        change,
        (year - 1).astype(str) + "-" + year.astype(str),
        np.where(
            (ind == "credit_balance") & month,
            year.astype(str) + "-" + pd.Series(rng.integers(1, 12, m)).map("{:02d}".format).to_numpy(),
            year.astype(str),
        ),
    )
    std = np.where(
        ind == "credit_balance",
        "",
        np.where(ind == "households", "", np.where(year <= 2020, "2016-2020", "2022-2025")),
    )
    unit = np.select(
        [
            np.isin(ind, ["poverty_rate", "near_poor_rate"]),
            ind == "poverty_rate_fall_pp",
            ind == "credit_balance",
        ],
        ["%", "pp", "bn VND"],
        "households",
    )
    status = np.where(
        rng.random(m) < 0.1, "preliminary", np.where(rng.random(m) < 0.2, "approved", "reported")
    )
    out = pd.DataFrame(
        {
            "obs_id": [f"o{i}" for i in range(m)],
            "source_id": [f"s{i % 50}" for i in range(m)],
            "paragraph": "",
            "raw": raw,
            "province": grid["province"],
            "geo": grid["geo"],
            "indicator": ind,
            "period": period,
            "standard": std,
            "value": value,
            "unit": unit,
            "qualifier": "exact",
            "status": status,
            "plan_period": "",
            "note": "",
        }
    )
    # Conflicts: an estimate of a few keys, printed beside the settled figure.
    dup = out[(out["indicator"] == "poverty_rate")].sample(n=n_dup, random_state=1, replace=False)
    est = np.round(dup["value"].to_numpy() + rng.normal(0, 0.5, len(dup)).round(2), 2).clip(0.01)
    dup = dup.assign(
        obs_id=[f"e{i}" for i in range(len(dup))],
        value=est,
        raw=pd.Series(_vn(est, 2)).to_numpy() + "%",
        status="estimate",
        source_id="s50",
    )
    return pd.concat([out, dup], ignore_index=True)


def sources(k: int = 51) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": [f"s{i}" for i in range(k)],
            "kind": "press",
            "file": "",
            "sha256": "",
            "url": [f"https://example.org/{i}" for i in range(k)],
            "publisher": "Báo",
            "title": "Bài",
            "author": "",
            "date_published": "2026-01-01",
            "date_accessed": "2026-11-22",
            "document": "",
            "language": "vi",
            "description": "A synthetic page.",
        }
    )


def write(out: Path, rows: int, seed: int = 7) -> Path:
    """Write the folder; returns it."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("datapackage.json", "indicators.csv", "indicator_cues.csv"):
        shutil.copy(paths.DATA / name, out / name)
    # The project's standards, cited to a synthetic source.
    std = pd.read_csv(paths.DATA / "standards.csv", dtype=str, keep_default_na=False)
    std.assign(source_id="s0").to_csv(out / "standards.csv", index=False, lineterminator="\n")
    n_places = int(np.ceil(rows / (len(YEARS) * len(INDICATORS))))
    geo = geography(max(n_places, 63 * 11))
    for name, frame in (
        ("geography", geo),
        ("sources", sources()),
        ("observations", observations(rows, geo, rng)),
    ):
        frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    # The descriptor's two small tables, so that the whole descriptor is checked: the poor
    # districts of one decision (each province's first district) and a tile per province.
    provinces = geo.loc[geo["level"] == "province", "geo_id"]
    districts = geo.loc[geo["level"] == "district"].drop_duplicates("province")
    pd.DataFrame(
        {"decision": "QĐ 1", "period": "2018-2020", "geo": districts["geo_id"], "source_id": "s0"}
    ).to_csv(out / "poor_districts.csv", index=False, lineterminator="\n")
    k = np.arange(len(provinces))
    tiles = pd.DataFrame({"geo": provinces, "tile_row": k // 8, "tile_col": k % 8})
    tiles.to_csv(out / "tiles.csv", index=False, lineterminator="\n")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(write(a.out, a.rows, a.seed))
