"""Figures: one style, one saving function, a footer built from the data's own sources.

:func:`save_figure` is the only way the project writes a figure.  It adds the
source footer, writes PNG (300 dpi), SVG and PDF under stable names into
``figures/``, strips timestamps and random ids so that a re-render is
byte-identical, and records the caption beside the files so that
``figures/README.md`` can be regenerated (:func:`write_index`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import paths

# Okabe-Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000"]
# Half an A4 page: 16 cm of text width, 11 cm tall.
SIZE_IN = (16 / 2.54, 11 / 2.54)
LANGS = ("en", "vi")

TEXT = {
    "source": {"en": "Source", "vi": "Nguồn"},
    "sources": {"en": "Sources", "vi": "Nguồn"},
    "no_date": {"en": "date not printed", "vi": "không ghi ngày"},
    "no_publisher": {"en": "publisher not printed", "vi": "không ghi nơi đăng"},
    "article": {"en": "article", "vi": "bài"},
    "year": {"en": "Year", "vi": "Năm"},
    "poverty_rate": {"en": "Poverty rate (% of households)", "vi": "Tỷ lệ hộ nghèo (% số hộ)"},
    "fall_pp": {"en": "Fall in poverty rate (percentage points)",
                "vi": "Mức giảm tỷ lệ hộ nghèo (điểm phần trăm)"},
    "bn_vnd": {"en": "Billion dong", "vi": "Tỷ đồng"},
    "pp_per_year": {"en": "Percentage points per year", "vi": "Điểm phần trăm mỗi năm"},
    "reported": {"en": "reported", "vi": "đã báo cáo"},
    "target": {"en": "target", "vi": "mục tiêu"},
    "estimate": {"en": "estimate", "vi": "dự ước"},
    "preliminary": {"en": "preliminary", "vi": "sơ bộ"},
    "projection": {"en": "linear projection (OLS)", "vi": "dự báo tuyến tính (OLS)"},
    "interval": {"en": "95% prediction interval", "vi": "khoảng dự báo 95%"},
}


def t(key: str, lang: str) -> str:
    """A fixed label in ``lang`` (``"en"`` or ``"vi"``)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    return TEXT[key][lang]


def use_style() -> None:
    """Apply the project style: colour-blind-safe palette, fonts with Vietnamese glyphs,
    half-A4 size, and the settings that make SVG and PDF output deterministic."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update({
        "figure.figsize": SIZE_IN,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "svg.hashsalt": "povlib",  # stable element ids in SVG
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "axes.titlesize": 11,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
    })


def footer_text(source_ids, sources: pd.DataFrame, lang: str = "en") -> str:
    """"Sources: ..." naming publisher (or author) and date of each source, in id order."""
    ids = sorted(set(source_ids))
    if not ids:
        raise ValueError("a figure needs at least one source for its footer")
    meta = sources.set_index("source_id")
    unknown = [i for i in ids if i not in meta.index]
    if unknown:
        raise KeyError(f"unknown source ids for the footer: {unknown}")
    parts = []
    for sid in ids:
        m = meta.loc[sid]
        who = m["publisher"] or (f"{m['author']} ({t('no_publisher', lang)})" if m["author"]
                                 else t("no_publisher", lang))
        date = m["date_published"]
        when = pd.Timestamp(date).strftime("%d/%m/%Y") if isinstance(date, str) and date else t(
            "no_date", lang)
        parts.append(f"{who}, {when} [{t('article', lang)} {m['file'][:3]}]")
    label = t("sources" if len(ids) > 1 else "source", lang)
    return f"{label}: " + "; ".join(parts)


def save_figure(fig, name: str, *, source_ids, sources: pd.DataFrame, caption: str,
                notebook: str, lang: str = "en", out_dir: Path | str | None = None) -> list[Path]:
    """Add the source footer and write ``name.png`` (300 dpi), ``.svg`` and ``.pdf``.

    ``source_ids`` are the sources of the data drawn (their publisher and date
    go into the footer).  ``caption`` says what to see; it is stored with the
    notebook's name in ``name.json`` for :func:`write_index`.  Returns the paths.
    """
    import matplotlib.pyplot as plt

    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"figure name {name!r} must be letters, digits, '-' or '_'")
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    out.mkdir(parents=True, exist_ok=True)
    text = footer_text(source_ids, sources, lang)
    fig.text(0.01, 0.01, text, fontsize=6.5, color="#444444", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    written = []
    meta = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }
    for ext in ("png", "svg", "pdf"):
        path = out / f"{name}.{ext}"
        fig.savefig(path, format=ext, metadata=meta[ext])
        written.append(path)
    record = {"name": name, "caption": caption, "notebook": notebook, "lang": lang,
              "sources": sorted(set(source_ids)), "footer": text}
    side = out / f"{name}.json"
    side.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    plt.close(fig)
    return written


def write_index(out_dir: Path | str | None = None) -> Path:
    """Regenerate ``figures/README.md`` from the records :func:`save_figure` left."""
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))]
    lines = ["# Figures", "",
             "Generated by `make figures` from the notebooks; do not edit by hand.",
             "Each figure is written as PNG (300 dpi), SVG and PDF.", "",
             "| figure | caption | sources | notebook |", "|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (r["notebook"], r["name"])):
        cap = r["caption"].replace("|", "\\|")
        lines.append(f"| [{r['name']}]({r['name']}.png) ([PDF]({r['name']}.pdf), "
                     f"[SVG]({r['name']}.svg)) | {cap} | {', '.join(r['sources'])} "
                     f"| `notebooks/{r['notebook']}` |")
    index = out / "README.md"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index
