# ruff: noqa: E501  (one figure per line reads best as a table)
"""A small synthetic three-province dataset whose every derived value is computed by hand.

- Tỉnh An (``pa``): rates under both standards (10,0% 2019 and 8,0% 2020 under
  2016-2020; 12,0% 2021 and 9,0% 2022 under 2022-2025), then merged on 1 July
  2025 into ``pa2`` (5,0% in 2025).  No change may be computed across 2020/2021
  or into ``pa2``.
- Tỉnh Bình (``pb``): 20,00% in 2022; for 2023 an estimate (15,00%) and an
  approved figure (16,00%) conflict; counts that agree (2.000 of 10.000
  households, a fall of 400 households and 4 points); a pace target 2-3 points
  a year, a 2025 level target of 8% and an achieved pace of 3,5 points a year;
  a credit growth with no balance at all (a missing companion); a district.
- Tỉnh Cát (``pc``): 1.500 poor households at 15,00% (10.000 households implied),
  credit 110 bn at end-2023 up 10% (100 bn implied for 2022) and 121 bn at end
  of June 2024 (a month-dated stock); 40 bn disbursed at 80% (a 50 bn plan implied).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from povlib import paths

GEOGRAPHY = """\
geo_id,name_vi,alias,label_en,label_vi,level,parent,province,gso_code,valid_from,valid_to,successor,order,fate_2025
pa,Tỉnh An,Tinh An,Tỉnh An,Tỉnh An,province,,pa,91,,2025-06-30,pa2,1,Merged on 1 July 2025.
pa2,Tỉnh An,Tinh An,Tỉnh An (merged),Tỉnh An (sau sáp nhập),province,,pa2,,2025-07-01,,,2,Formed on 1 July 2025.
pb,Tỉnh Bình,Tinh Binh,Tỉnh Bình,Tỉnh Bình,province,,pb,92,,,,3,Unchanged.
pc,Tỉnh Cát,Tinh Cat,Tỉnh Cát,Tỉnh Cát,province,,pc,93,,,,4,Unchanged.
pb-dong,Huyện Đông,Huyen Dong,Huyện Đông,Huyện Đông,district,pb,pb,921,,2025-06-30,,10,Abolished.
"""

SOURCES = """\
source_id,kind,file,sha256,url,publisher,title,author,date_published,date_accessed,document,language,description
s1,press,,,https://example.org/s1,Báo Một,Bài một,,2024-01-10,2026-11-22,,vi,A synthetic press page.
s2,decision,,,https://example.org/s2,UBND tỉnh,Quyết định phê duyệt,,2024-02-01,2026-11-22,Quyết định 1/QĐ-UBND,vi,A synthetic decision.
s3,government,,,https://example.org/s3,Cổng thông tin,Trang ba,,2026-01-10,2026-11-22,,vi,A synthetic portal page.
"""

STANDARDS = """\
standard,label_en,label_vi,legal_basis,first_review,last_review,source_id,note
2016-2020,Old standard,Chuẩn cũ,Quyết định 1,2015,2020,s2,
2022-2025,New standard,Chuẩn mới,Nghị định 2,2021,2025,s2,
"""

_OBS = [
    # obs_id, source, raw, province, geo, indicator, period, standard, value, unit, qualifier, status
    (
        "pa.r2019",
        "s1",
        "10,0%",
        "pa",
        "pa",
        "poverty_rate",
        "2019",
        "2016-2020",
        "10",
        "%",
        "exact",
        "reported",
    ),
    (
        "pa.r2020",
        "s1",
        "8,0%",
        "pa",
        "pa",
        "poverty_rate",
        "2020",
        "2016-2020",
        "8",
        "%",
        "exact",
        "reported",
    ),
    (
        "pa.r2021",
        "s1",
        "12,0%",
        "pa",
        "pa",
        "poverty_rate",
        "2021",
        "2022-2025",
        "12",
        "%",
        "exact",
        "reported",
    ),
    (
        "pa.r2022",
        "s1",
        "9,0%",
        "pa",
        "pa",
        "poverty_rate",
        "2022",
        "2022-2025",
        "9",
        "%",
        "exact",
        "reported",
    ),
    (
        "pa2.r2025",
        "s3",
        "5,0%",
        "pa2",
        "pa2",
        "poverty_rate",
        "2025",
        "2022-2025",
        "5",
        "%",
        "exact",
        "reported",
    ),
    (
        "pb.r2022",
        "s1",
        "20,00%",
        "pb",
        "pb",
        "poverty_rate",
        "2022",
        "2022-2025",
        "20",
        "%",
        "exact",
        "reported",
    ),
    (
        "pb.r2023e",
        "s1",
        "15,00%",
        "pb",
        "pb",
        "poverty_rate",
        "2023",
        "2022-2025",
        "15",
        "%",
        "exact",
        "estimate",
    ),
    (
        "pb.r2023",
        "s2",
        "16,00%",
        "pb",
        "pb",
        "poverty_rate",
        "2023",
        "2022-2025",
        "16",
        "%",
        "exact",
        "approved",
    ),
    (
        "pb.poor2022",
        "s1",
        "2.000 hộ",
        "pb",
        "pb",
        "poor_households",
        "2022",
        "2022-2025",
        "2000",
        "households",
        "exact",
        "reported",
    ),
    (
        "pb.hh2022",
        "s1",
        "10.000 hộ",
        "pb",
        "pb",
        "households",
        "2022",
        "",
        "10000",
        "households",
        "exact",
        "reported",
    ),
    (
        "pb.poorfall",
        "s2",
        "400 hộ",
        "pb",
        "pb",
        "poor_households_fall",
        "2022-2023",
        "2022-2025",
        "400",
        "households",
        "exact",
        "approved",
    ),
    (
        "pb.fall",
        "s2",
        "4%",
        "pb",
        "pb",
        "poverty_rate_fall_pp",
        "2022-2023",
        "2022-2025",
        "4",
        "pp",
        "exact",
        "approved",
    ),
    (
        "pb.pace.low",
        "s1",
        "2-3%/năm",
        "pb",
        "pb",
        "poverty_rate_fall_pp_per_year",
        "2021-2025",
        "2022-2025",
        "2",
        "pp/year",
        "range low",
        "target",
    ),
    (
        "pb.pace.high",
        "s1",
        "2-3%/năm",
        "pb",
        "pb",
        "poverty_rate_fall_pp_per_year",
        "2021-2025",
        "2022-2025",
        "3",
        "pp/year",
        "range high",
        "target",
    ),
    ("pb.t2025", "s1", "8%", "pb", "pb", "poverty_rate", "2025", "2022-2025", "8", "%", "exact", "target"),
    (
        "pb.achieved",
        "s2",
        "3,5%/năm",
        "pb",
        "pb",
        "poverty_rate_fall_pp_per_year",
        "2021-2023",
        "2022-2025",
        "3.5",
        "pp/year",
        "exact",
        "approved",
    ),
    ("pb.growth", "s1", "5%", "pb", "pb", "credit_growth", "2022-2023", "", "5", "%", "exact", "reported"),
    (
        "pb-dong.r2022",
        "s1",
        "30,00%",
        "pb",
        "pb-dong",
        "poverty_rate",
        "2022",
        "2022-2025",
        "30",
        "%",
        "exact",
        "reported",
    ),
    (
        "pc.poor2023",
        "s2",
        "1.500 hộ",
        "pc",
        "pc",
        "poor_households",
        "2023",
        "2022-2025",
        "1500",
        "households",
        "exact",
        "approved",
    ),
    (
        "pc.r2023",
        "s2",
        "15,00%",
        "pc",
        "pc",
        "poverty_rate",
        "2023",
        "2022-2025",
        "15",
        "%",
        "exact",
        "approved",
    ),
    (
        "pc.credit2023",
        "s1",
        "110 tỷ đồng",
        "pc",
        "pc",
        "credit_balance",
        "2023",
        "",
        "110",
        "bn VND",
        "exact",
        "reported",
    ),
    ("pc.growth", "s1", "10%", "pc", "pc", "credit_growth", "2022-2023", "", "10", "%", "exact", "reported"),
    (
        "pc.credit2406",
        "s3",
        "121 tỷ đồng",
        "pc",
        "pc",
        "credit_balance",
        "2024-06",
        "",
        "121",
        "bn VND",
        "exact",
        "reported",
    ),
    (
        "pc.disbursed",
        "s1",
        "40 tỷ đồng",
        "pc",
        "pc",
        "disbursed",
        "2023",
        "",
        "40",
        "bn VND",
        "exact",
        "reported",
    ),
    ("pc.ratio", "s1", "80%", "pc", "pc", "disbursement_ratio", "2023", "", "80", "%", "exact", "reported"),
]
HEADER = (
    "obs_id,source_id,paragraph,raw,province,geo,indicator,period,standard,value,unit,qualifier,status,"
    "plan_period,note"
)


def _csv_field(v: str) -> str:
    return f'"{v}"' if "," in v else v


def observations_csv(rows=_OBS) -> str:
    lines = [HEADER]
    for r in rows:
        obs_id, src, raw, prov, geo, ind, per, std, val, unit, q, status = r[:12]
        plan = r[12] if len(r) > 12 else ""
        lines.append(
            ",".join(
                _csv_field(v)
                for v in (obs_id, src, "", raw, prov, geo, ind, per, std, val, unit, q, status, plan, "")
            )
        )
    return "\n".join(lines) + "\n"


def write(folder: Path) -> Path:
    """Write the synthetic data folder (the project's descriptor and indicators)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("datapackage.json", "indicators.csv", "indicator_cues.csv"):
        shutil.copy(paths.DATA / name, folder / name)
    (folder / "geography.csv").write_text(GEOGRAPHY, encoding="utf-8")
    (folder / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (folder / "standards.csv").write_text(STANDARDS, encoding="utf-8")
    (folder / "observations.csv").write_text(observations_csv(), encoding="utf-8")
    return folder
