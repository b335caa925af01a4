"""The sources as reference-manager records: BibTeX and CSL-JSON.

Each record carries what ``data/sources.csv`` prints (outlet, title, author, date, address,
the date it was read, the document it cites); nothing is filled in where a source prints
nothing. An article kept with the project is cited by outlet, title and date, never by path.
"""

from __future__ import annotations

import json

import pandas as pd

_KIND = {"press": "article-newspaper", "decision": "legislation", "government": "webpage", "bank": "webpage"}
_BIB = {"press": "article", "decision": "misc", "government": "misc", "bank": "misc"}


def _date_parts(text) -> list[list[int]] | None:
    if not isinstance(text, str) or not text:
        return None
    d = pd.Timestamp(text)
    return [[d.year, d.month, d.day]]


def csl_json(sources: pd.DataFrame) -> str:
    """Every source as a CSL-JSON item (Zotero, Mendeley and pandoc read it), id = source_id."""
    items = []
    for _, s in sources.iterrows():
        item: dict = {"id": s["source_id"], "type": _KIND.get(s["kind"], "webpage")}
        if s["title"]:
            item["title"] = s["title"]
        if s["publisher"]:
            item["container-title" if s["kind"] == "press" else "publisher"] = s["publisher"]
        if s.get("author"):
            item["author"] = [{"literal": a.strip()} for a in str(s["author"]).split(";") if a.strip()]
        for key, col in (("issued", "date_published"), ("accessed", "date_accessed")):
            parts = _date_parts(s.get(col))
            if parts:
                item[key] = {"date-parts": parts}
        if s["url"]:
            item["URL"] = s["url"]
        if s.get("document"):
            item["note"] = f"cites {s['document']}"
        if s.get("language"):
            item["language"] = s["language"]
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def _bib_escape(text: str) -> str:
    # Braces keep capitals and Vietnamese letters as printed; the specials are escaped.
    for ch in ("\\", "{", "}"):
        text = text.replace(ch, "\\" + ch)
    for ch in ("&", "%", "$", "#", "_"):
        text = text.replace(ch, "\\" + ch)
    return text


def bibtex(sources: pd.DataFrame) -> str:
    """Every source as a BibTeX entry (UTF-8, for biber or a reference manager), key = source_id."""
    out = []
    for _, s in sources.iterrows():
        fields = []
        if s["title"]:
            fields.append(("title", "{" + _bib_escape(s["title"]) + "}"))
        if s.get("author"):
            fields.append(
                (
                    "author",
                    " and ".join("{" + _bib_escape(a.strip()) + "}" for a in str(s["author"]).split(";")),
                )
            )
        if s["publisher"]:
            fields.append(("journal" if s["kind"] == "press" else "publisher", _bib_escape(s["publisher"])))
        if isinstance(s["date_published"], str) and s["date_published"]:
            d = pd.Timestamp(s["date_published"])
            fields += [("year", str(d.year)), ("date", d.strftime("%Y-%m-%d"))]
        if s["url"]:
            fields.append(("url", s["url"]))
        if isinstance(s.get("date_accessed"), str) and s["date_accessed"]:
            fields.append(("urldate", s["date_accessed"]))
        if s.get("document"):
            fields.append(("note", "cites " + _bib_escape(s["document"])))
        if s.get("language"):
            fields.append(("langid", {"vi": "vietnamese", "en": "english"}.get(s["language"], s["language"])))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        out.append(f"@{_BIB.get(s['kind'], 'misc')}{{{s['source_id']},\n{body}\n}}\n")
    return "\n".join(out)
