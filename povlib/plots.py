"""The project's charts. Each function draws from an :class:`~povlib.views.Analysis`,
saves through :func:`povlib.figures.save_figure` and returns an image to display."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import PALETTE, save_figure, t, use_style
from .views import Analysis

TITLES = {
    "coverage": {"en": "What the five articles report: figures by place and theme",
                 "vi": "Năm bài báo cho biết gì: số liệu theo địa bàn và chủ đề"},
    "rates": {"en": "Poverty rates as printed, 2021-2025",
              "vi": "Tỷ lệ hộ nghèo theo số liệu đã đăng, 2021-2025"},
    "falls": {"en": "Yearly fall in the poverty rate: points and per cent",
              "vi": "Mức giảm tỷ lệ hộ nghèo hằng năm: điểm phần trăm và phần trăm"},
    "credit": {"en": "Outstanding credit, 10 poorest communes of Lào Cai",
               "vi": "Dư nợ cho vay, 10 xã nghèo nhất tỉnh Lào Cai"},
    "disbursement": {"en": "Disbursement against the implied plan, 10 poorest communes, 2021-2023",
                     "vi": "Giải ngân so với kế hoạch suy ra, 10 xã nghèo nhất, 2021-2023"},
    "projection": {"en": "Lạng Sơn poverty rate: linear trend with 95% prediction interval",
                   "vi": "Tỷ lệ hộ nghèo Lạng Sơn: xu hướng tuyến tính, khoảng dự báo 95%"},
    "target_path": {"en": "10 poorest communes of Lào Cai: the pace the 2025 target requires",
                    "vi": "10 xã nghèo nhất Lào Cai: tốc độ cần để đạt mục tiêu 2025"},
    "audit": {"en": "Do the sources agree? Audit verdicts by check",
              "vi": "Các nguồn có khớp nhau? Kết quả kiểm tra theo loại"},
}


def _png(paths):
    from IPython.display import Image

    return Image(filename=str(paths[0]), width=720)


def _new():
    import matplotlib.pyplot as plt

    use_style()
    return plt.subplots()


def coverage(a: Analysis, lang: str, notebook: str):
    """Heat map of the number of figures per place and theme."""
    import seaborn as sns

    fig, ax = _new()
    counts = a.coverage_counts()
    sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(TITLES["coverage"][lang])
    ax.tick_params(axis="x", rotation=30)
    for label in ax.get_xticklabels():
        label.set_ha("right")
    return _png(save_figure(
        fig, f"01_coverage_{lang}", source_ids=a.obs["source_id"], sources=a.ds.sources,
        caption="Number of figures each place has in each theme; Lào Cai appears only through "
                "its 10 poorest communes, and credit and disbursement only there.",
        notebook=notebook, lang=lang))


def rates(a: Analysis, lang: str, notebook: str):
    """Poverty-rate levels by place and year; targets and estimates hollow."""
    fig, ax = _new()
    lv = a.rates()
    for i, (geo, g) in enumerate(lv.groupby("geo", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        out = g[g["role"] == "outcome"]
        ax.plot(out["year"], out["value"], marker="o", color=colour, label=a.name(geo, lang))
        tgt = g[(g["role"] == "target") | (g["status"] == "estimate")]
        ax.scatter(tgt["year"], tgt["value"], facecolors="none", edgecolors=colour, s=60, zorder=3)
        for _, r in tgt.iterrows():
            ax.annotate(t("target" if r["role"] == "target" else "estimate", lang),
                        (r["year"], r["value"]), textcoords="offset points", xytext=(6, -3),
                        fontsize=7, color=colour)
    ax.set_xticks(range(2021, 2026))
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("poverty_rate", lang))
    ax.set_ylim(0, None)
    ax.set_title(TITLES["rates"][lang])
    ax.legend(loc="upper right")
    ids = lv["source_id"]
    return _png(save_figure(
        fig, f"02_poverty_rates_{lang}", source_ids=ids, sources=a.ds.sources,
        caption="Printed poverty rates: Lạng Sơn falls from 12.2% (2021) to 6.02% (2023); Bắc Kạn "
                "stands at 22.25% and Na Rì at 32.81% (preliminary, 2023); Lào Cai's 10 poorest "
                "communes at 50.54%, with a 2025 target of 17.26%. Hollow markers are targets and "
                "estimates.", notebook=notebook, lang=lang))


def falls(a: Analysis, lang: str, notebook: str):
    """Yearly falls in points beside the relative fall in per cent."""
    import matplotlib.pyplot as plt

    use_style()
    fig, (left, right) = plt.subplots(1, 2, sharey=True)
    ch = a.rate_changes().dropna(subset=["relative_fall_pct"])
    est = " (" + t("estimate", lang) + ")"
    labels = [f"{a.name(g, lang)}\n{y}-{z}{est if 'estimate' in b else ''}"
              for g, y, z, b in zip(ch["geo"], ch["year"], ch["to_year"], ch["basis"], strict=True)]
    y = np.arange(len(ch))
    left.barh(y, ch["fall_pp"], color=PALETTE[0])
    right.barh(y, ch["relative_fall_pct"], color=PALETTE[1])
    left.set_yticks(y, labels)
    left.invert_yaxis()
    left.set_xlabel("pp" if lang == "en" else "điểm %")
    right.set_xlabel("%")
    left.set_title("points" if lang == "en" else "điểm phần trăm", fontsize=9)
    right.set_title("per cent of the earlier rate" if lang == "en" else "% so với tỷ lệ năm trước",
                    fontsize=9)
    fig.suptitle(TITLES["falls"][lang], fontsize=11)
    return _png(save_figure(
        fig, f"02_poverty_falls_{lang}",
        source_ids=a.obs[a.obs["geo"].isin(ch["geo"])
                         & a.obs["indicator"].str.startswith("poverty_rate")]["source_id"],
        sources=a.ds.sources,
        caption="The same fall in points is a much larger relative fall where poverty is low: "
                "Lạng Sơn's 2.9-point fall in 2023 removed a third of its poverty, Bắc Kạn's "
                "2.46 points a tenth. Lạng Sơn's 2024 bar rests on the province's estimate.",
        notebook=notebook, lang=lang))


def credit(a: Analysis, lang: str, notebook: str):
    """The printed 2023 balance beside the 2022 balance its growth implies."""
    fig, ax = _new()
    c = a.credit().iloc[0]
    years = [c["year"] - 1, c["year"]]
    values = [c["earlier_balance_bn"], c["balance_bn"]]
    bars = ax.bar([str(y) for y in years], values, color=[PALETTE[5], PALETTE[0]], width=0.5)
    ax.errorbar(["2022"], [c["earlier_balance_bn"]],
                yerr=[[c["earlier_balance_bn"] - c["earlier_balance_low_bn"]],
                      [c["earlier_balance_high_bn"] - c["earlier_balance_bn"]]],
                color="black", capsize=4)
    notes = ["implied by +9.8%" if lang == "en" else "suy ra từ +9,8%",
             "printed" if lang == "en" else "số đã đăng"]
    for bar, v, n in zip(bars, values, notes, strict=True):
        ax.annotate(f"{v:.1f}\n({n})", (bar.get_x() + bar.get_width() / 2, v),
                    textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)
    ax.set_ylabel(t("bn_vnd", lang))
    ax.set_ylim(0, max(values) * 1.2)
    ax.set_title(TITLES["credit"][lang])
    ids = a.obs[a.obs["indicator"].isin(["credit_balance", "credit_growth"])]["source_id"]
    return _png(save_figure(
        fig, f"03_credit_{lang}", source_ids=ids, sources=a.ds.sources,
        caption="The only credit figure in the sources: 304.8 bn dong outstanding at the end of "
                "2023, up 9.8%, which implies 277.6 bn dong a year earlier.",
        notebook=notebook, lang=lang))


def disbursement(a: Analysis, lang: str, notebook: str):
    """Disbursed against the plan the ratio implies."""
    fig, ax = _new()
    d = a.disbursement().iloc[0]
    labels = (["Implied plan", "Disbursed"] if lang == "en" else ["Kế hoạch suy ra", "Đã giải ngân"])
    ax.barh(labels, [d["plan_implied_bn"], d["disbursed_bn"]], color=[PALETTE[5], PALETTE[0]])
    for i, v in enumerate([d["plan_implied_bn"], d["disbursed_bn"]]):
        ax.annotate(f"{v:.1f}", (v, i), textcoords="offset points", xytext=(4, -3), fontsize=8)
    ax.set_xlabel(t("bn_vnd", lang))
    ax.set_xlim(0, d["plan_implied_bn"] * 1.15)
    ax.set_title(TITLES["disbursement"][lang])
    ids = a.obs[a.obs["indicator"].isin(["disbursed", "disbursement_ratio"])]["source_id"]
    return _png(save_figure(
        fig, f"04_disbursement_{lang}", source_ids=ids, sources=a.ds.sources,
        caption="357.7 bn dong disbursed at 87.4% of plan implies a plan of about 409.3 bn dong, "
                "leaving about 51.6 bn dong undisbursed at the end of 2023.",
        notebook=notebook, lang=lang))


def projection(a: Analysis, proj: pd.DataFrame, lang: str, notebook: str):
    """Observed rates, the OLS line and its 95% prediction interval."""
    fig, ax = _new()
    obs = proj[proj["kind"] == "observed"]
    fut = proj[proj["kind"] == "projected"]
    ax.plot(obs["year"], obs["value"], "o", color=PALETTE[0], label=t("reported", lang))
    ax.plot(proj["year"], proj["fitted"], "-", color=PALETTE[0], label=t("projection", lang))
    ax.fill_between(fut["year"], fut["pi_low"], fut["pi_high"], color=PALETTE[5], alpha=0.3,
                    label=t("interval", lang))
    est = a.rates()
    est = est[(est["geo"] == "langson") & (est["status"] == "estimate")]
    ax.scatter(est["year"], est["value"], facecolors="none", edgecolors=PALETTE[3], s=60,
               label=t("estimate", lang), zorder=3)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(proj["year"])
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("poverty_rate", lang))
    ax.set_title(TITLES["projection"][lang])
    ax.legend(loc="lower left")
    ids = a.obs[(a.obs["geo"] == "langson") & (a.obs["indicator"] == "poverty_rate")]["source_id"]
    last = proj.iloc[-1]
    return _png(save_figure(
        fig, f"05_projection_langson_{lang}", source_ids=ids, sources=a.ds.sources,
        caption=(f"Three points fit a line, but the 95% prediction interval for {last['year']} runs "
                 f"from {last['pi_low']:.2f}% to {last['pi_high']:.2f}%: the trend says the rate "
                 "keeps falling, not where it will land."),
        notebook=notebook, lang=lang))


def target_path(a: Analysis, lang: str, notebook: str):
    """Where the 10 poorest communes stand, the target, and paths at achieved paces."""
    fig, ax = _new()
    tg = a.targets()
    first = tg.iloc[0]
    y0, v0 = first["latest_year"], first["latest_pct"]
    years = np.arange(y0, first["target_year"] + 1)
    for i, (_, r) in enumerate(tg.drop_duplicates("pace_basis").iterrows()):
        ax.plot(years, np.maximum(v0 - r["achieved_pp_per_year"] * (years - y0), 0), "--",
                color=PALETTE[1 + i],
                label=f"{r['achieved_pp_per_year']:.2f} pp/yr ({r['pace_basis']})")
    ax.plot(years, v0 - first["required_pp_per_year"] * (years - y0), "-", color=PALETTE[0],
            label=f"{first['required_pp_per_year']:.2f} pp/yr (required)")
    for _, r in tg.drop_duplicates("target_pct").iterrows():
        ax.scatter([r["target_year"]], [r["target_pct"]], marker="*", s=120, color=PALETTE[3],
                   zorder=3)
        ax.annotate(r["target_wording"], (r["target_year"], r["target_pct"]),
                    textcoords="offset points", xytext=(-10, 8), ha="right", fontsize=8)
    ax.set_xticks(years)
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("poverty_rate", lang))
    ax.set_ylim(0, 60)
    ax.set_title(TITLES["target_path"][lang])
    ax.legend(loc="upper right")
    ids = a.obs[(a.obs["geo"] == "laocai-10xa")
                & a.obs["indicator"].str.startswith(("poverty_rate", "poor_households"))]["source_id"]
    return _png(save_figure(
        fig, f"05_target_path_laocai_{lang}", source_ids=ids, sources=a.ds.sources,
        caption="From 50.54% in 2023, the 17.26% target for 2025 needs 16.64 points a year; the "
                "pace reported (more than 10) or implied by counts (7.04) gets nowhere near it.",
        notebook=notebook, lang=lang))


def audit_verdicts(a: Analysis, table: pd.DataFrame, lang: str, notebook: str):
    """Stacked bars of verdicts per check."""
    fig, ax = _new()
    order = ["consistent", "within rounding", "inconsistent", "not checkable"]
    ct = pd.crosstab(table["check"], table["verdict"]).reindex(columns=order, fill_value=0)
    ct.plot.barh(stacked=True, ax=ax, color=[PALETTE[2], PALETTE[6], PALETTE[3], "#BBBBBB"],
                 width=0.7)
    ax.set_xlabel("checks" if lang == "en" else "số phép kiểm tra")
    ax.set_ylabel("")
    ax.set_title(TITLES["audit"][lang])
    ax.legend(loc="lower right")
    ids = a.obs[a.obs["obs_id"].isin(set(";".join(table["obs_ids"]).split(";")))]["source_id"]
    return _png(save_figure(
        fig, f"06_audit_{lang}", source_ids=ids, sources=a.ds.sources,
        caption="Most relations the sources allow to test hold; the inconsistencies sit in "
                "Lạng Sơn's ethnic-minority shares and household counts and in the Lào Cai "
                "10-commune pace.", notebook=notebook, lang=lang))
