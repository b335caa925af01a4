"""A browsable report: ``site/`` built from the executed notebooks, readable offline.

:func:`build_site` writes an index in English (``index.html``) and Vietnamese
(``vi/index.html``), one page per notebook in each language (``notebooks/NAME.html``
from the notebook as executed in English, ``vi/notebooks/NAME.html`` from its copy
executed in Vietnamese, ``notebooks/vi/NAME.ipynb``; nothing is executed here) and a
copy of every figure (``figures/``).  Each page shows only its language's prose (the
Markdown cells tagged ``en`` or ``vi``).  Pages load nothing from outside the folder:
the stylesheets are inlined, there is no script, no MathJax and no web font, and
images are referenced by relative paths.  Every page carries the project title, the
first and last year of the observations and the sources' citations.  The fixed texts
(title, introduction, labels) are data, in ``data/site.toml``.  Nothing depends on the
clock or on the order of a directory listing, so two builds give byte-identical files.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .. import paths
from .figures import LANGS

GENERATOR = "povlib site"
SITE = paths.ROOT / "site"
FORMATS = ("png", "svg", "pdf")
TEXTS = paths.DATA / "site.toml"
GALLERY_WIDTH = 240  # thumbnail width in CSS pixels: four across the index's 960

CSS = """
.povlib-page{max-width:960px;margin:0 auto;padding:1rem 1.25rem 3rem;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
 line-height:1.5;color:#1b1b1b}
.povlib-header{max-width:1100px;margin:0 auto;padding:.75rem 1.25rem;border-bottom:1px solid #ddd;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
.povlib-header .povlib-title{font-size:1.15rem;font-weight:600;margin:0}
.povlib-header a{color:#0b5394;text-decoration:none}
.povlib-meta{color:#555;font-size:.9rem;margin:.25rem 0 0}
.povlib-nav{font-size:.9rem;margin:.25rem 0 0}
.povlib-page h1{font-size:1.6rem;line-height:1.25}
.povlib-gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:1rem;
 list-style:none;padding:0;margin:1rem 0 2rem}
.povlib-gallery a{display:block;color:#0b5394;text-decoration:none;font-size:.9rem;line-height:1.3}
.povlib-gallery img{width:100%;height:auto;border:1px solid #ddd;display:block;margin:0 0 .3rem}
.povlib-figure{margin:1.5rem 0;padding:0 0 1rem;border-bottom:1px solid #eee}
.povlib-figure img{max-width:100%;height:auto;border:1px solid #eee}
.povlib-figure figcaption p{margin:.3rem 0}
.povlib-figure .povlib-other{color:#444;font-style:italic}
body.jp-Notebook>main{max-width:1100px;margin:0 auto}
.povlib-downloads{font-size:.85rem;color:#555}
.povlib-notebooks li{margin:0 0 .8rem}
.povlib-sources li,.povlib-footer li{margin:0 0 .35rem;font-size:.9rem;overflow-wrap:anywhere}
.povlib-footer{max-width:1100px;margin:2rem auto 0;padding:1rem 1.25rem 3rem;border-top:1px solid #ddd;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
.povlib-footer h2{font-size:1.2rem}
.povlib-small{color:#555;font-size:.85rem}
"""

# The notebook pages: JupyterLab's look, with every block that would load a script
# (require.js, widgets, MathJax, Mermaid) emptied, and the project's header and footer.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
{{ resources.povlib.csp }}
<meta name="generator" content="{{ resources.povlib.generator }}">
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.povlib.css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.povlib.header }}
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.povlib.footer }}
{{ super() }}
{% endblock body_footer %}
"""


class SiteError(RuntimeError):
    """The site cannot be written (for example, the output folder holds other files)."""


@functools.cache
def texts(path: Path = TEXTS) -> dict[str, dict[str, str]]:
    """The site's fixed texts, ``{key: {lang: text}}``, from ``data/site.toml``; a key that
    lacks a language, or holds anything but text, is refused with its name."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SiteError(f"{path.name}: {exc}") from None
    for key, value in data.items():
        if not isinstance(value, dict) or set(value) != set(LANGS):
            raise SiteError(f"{path.name}: [{key}] must give exactly {', '.join(LANGS)}")
        bad = [lang for lang, text in value.items() if not isinstance(text, str) or not text.strip()]
        if bad:
            raise SiteError(f"{path.name}: [{key}] {', '.join(bad)} must be a non-empty text")
    return data


def _t(key: str, lang: str, **fmt) -> str:
    return texts()[key][lang].format(**fmt)


def _page(name: str, lang: str) -> str:
    """Path of a page inside the site: English at the root, another language in its folder."""
    return name if lang == "en" else f"{lang}/{name}"


def _root(page: str) -> str:
    """The relative path from ``page`` back to the site's root."""
    return "../" * page.count("/")


@dataclass
class Notebook:
    path: Path
    titles: dict[str, str]  # lang -> the first heading in that language, without its number
    summaries: dict[str, str]  # lang -> the first paragraph after the title, Markdown

    @property
    def name(self) -> str:
        return self.path.name

    def page(self, lang: str) -> str:
        return _page(f"notebooks/{self.path.stem}.html", lang)

    def source(self, lang: str) -> Path:
        """The executed notebook the page in ``lang`` is rendered from."""
        from .build import vi_copy

        return self.path if lang == "en" else vi_copy(self.path)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["en"]

    def summary(self, lang: str) -> str:
        return self.summaries.get(lang, "")

    @property
    def number(self) -> str:
        return self.path.name.split("_", 1)[0].lstrip("0") or "0"


@dataclass
class Context:
    """What every page shares: the data's span and sizes, sources, figures, notebooks."""

    first: int
    last: int
    n_obs: int
    sources: list[dict]
    figures: dict[str, dict[str, dict]]  # base name -> lang -> sidecar record
    notebooks: list[Notebook] = field(default_factory=list)
    by_hash: dict[str, str] = field(default_factory=dict)  # sha256 of a PNG -> base name

    _cited: dict = field(default_factory=dict)

    def cite(self, src: dict, lang: str) -> str:
        """:func:`citation_html`, computed once per source and language."""
        key = (src["source_id"], lang)
        if key not in self._cited:
            self._cited[key] = citation_html(src, lang)
        return self._cited[key]

    def title(self, lang: str) -> str:
        """The collection's title, with the years the header names."""
        return _t("title", lang, first=self.first, last=self.last)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _lang_of(cell) -> str | None:
    """The language a cell is tagged with (``en``, ``vi``), or None."""
    return next((t for t in cell.metadata.get("tags", []) if t in LANGS), None)


def shown_in(cell, lang: str) -> bool:
    """Whether the page in ``lang`` shows ``cell``: every cell but another language's prose."""
    return _lang_of(cell) in (None, lang)


def read_notebook(path: Path) -> Notebook:
    """Title (the first heading, without its number) and summary of one notebook, in each
    language: from its first Markdown cell tagged with that language (for English, an
    untagged one if none is tagged). A language with no such cell is left out."""
    import nbformat

    md = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    titles, summaries = {}, {}
    for lang in LANGS:
        first = next((c.source for c in md if _lang_of(c) == lang), None)
        if first is None and lang == "en":
            first = next((c.source for c in md if _lang_of(c) is None), None)
        lines = (first or "").strip().splitlines()
        if not lines:
            continue
        titles[lang] = re.sub(r"^#+\s*(\d+\.\s*)?", "", lines[0]).strip()
        summaries[lang] = "\n".join(lines[1:]).strip().split("\n\n")[0].strip()
    titles.setdefault("en", path.stem)
    return Notebook(path, titles, summaries)


def figure_records(folder: Path) -> dict[str, dict[str, dict]]:
    """The figures' JSON sidecars, as {base name: {lang: record}} (base name: no ``_en``)."""
    out: dict[str, dict[str, dict]] = {}
    for side in sorted(folder.glob("*.json")):
        rec = json.loads(side.read_text(encoding="utf-8"))
        base = rec["name"].removesuffix(f"_{rec['lang']}")
        out.setdefault(base, {})[rec["lang"]] = rec
    return dict(sorted(out.items()))


def _png_hashes(figures: dict[str, dict[str, dict]], folder: Path) -> dict[str, str]:
    out = {}
    for base, recs in figures.items():
        for rec in recs.values():
            png = folder / f"{rec['name']}.png"
            if png.exists():
                out[hashlib.sha256(png.read_bytes()).hexdigest()] = base
    return out


def coverage_years(ds) -> tuple[int, int]:
    """First and last year with an observation (an outcome, not a target), from
    :func:`povlib.query.coverage`."""
    from ..analysis.query import coverage

    cov = coverage(ds)
    years = [int(y) for y in cov.columns if cov[y].sum() > 0]
    return min(years), max(years)


def context(figures_dir: Path = paths.FIGURES, notebooks_dir: Path = paths.NOTEBOOKS) -> Context:
    from ..reading.tables import load_dataset
    from .build import notebooks

    ds = load_dataset()
    first, last = coverage_years(ds)
    src = ds.sources.sort_values("source_id")
    sources = [{k: _str(v) for k, v in row.items()} for row in src.to_dict("records")]
    figures = figure_records(figures_dir)
    return Context(
        first,
        last,
        len(ds.observations),
        sources,
        figures,
        [read_notebook(p) for p in notebooks(notebooks_dir)],
        _png_hashes(figures, figures_dir),
    )


# ---------------------------------------------------------------- pieces of HTML


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def citation_html(src: dict, lang: str) -> str:
    """One source: outlet, title, date (as :func:`povlib.figures.citation` writes them),
    then its address (a link to the web page, or the article file the project keeps),
    the document it cites and the date it was read."""
    import pandas as pd

    from .figures import citation

    parts = [escape(citation(pd.Series(src, dtype=object), lang, full=True).removesuffix("."))]
    if src.get("url"):
        url = escape(src["url"], quote=True)
        parts.append(f'<a href="{url}" rel="noreferrer">{escape(src["url"])}</a>')
    extra = [
        _t("cites", lang, doc=escape(src["document"])) if src.get("document") else "",
        _t("accessed", lang, date=escape(src["date_accessed"])) if src.get("date_accessed") else "",
    ]
    extra = [x for x in extra if x]
    text = ". ".join(parts) + (f" ({'; '.join(extra)})" if extra else "")
    return f"<code>{escape(src['source_id'])}</code>: {text}"


def _downloads(base: str, root: str) -> str:
    out = []
    for lang in LANGS:
        links = " ".join(f'<a href="{root}figures/{base}_{lang}.{ext}">{ext.upper()}</a>' for ext in FORMATS)
        out.append(f"{_t('lang_name', lang)}: {links}")
    return f'<p class="povlib-downloads">{" · ".join(out)}</p>'


def _shown(recs: dict[str, dict], lang: str) -> dict:
    return recs.get(lang) or next(iter(recs.values()))


def figure_html(base: str, recs: dict[str, dict], lang: str, root: str, both: bool = True) -> str:
    """A figure in ``lang`` with its caption (in both languages unless ``both`` is false:
    a notebook page keeps to its own) and links to every file."""
    shown = _shown(recs, lang)
    caps = []
    for lg in [lang, *[x for x in LANGS if x != lang and both]]:
        if lg in recs:
            cls = "" if lg == lang else ' class="povlib-other"'
            caps.append(f'<p lang="{lg}"{cls}>{escape(recs[lg]["caption"])}</p>')
    return (
        f'<figure class="povlib-figure" id="fig-{base}">'
        f'<img src="{root}figures/{shown["name"]}.png" alt="{escape(shown["caption"])}" '
        f'width="720">'
        f"<figcaption>{''.join(caps)}{_downloads(base, root)}</figcaption></figure>"
    )


def header_html(ctx: Context, lang: str, page: str, nav: str = "", title: bool = True) -> str:
    """The band atop every page: title, the data's years and sizes, and a link to the same
    page in the other language(s). ``page`` is this page's path in the site."""
    root = _root(page)
    base = page if lang == "en" else page.removeprefix(f"{lang}/")
    switch = " · ".join(
        f'<a href="{root}{_page(base, x)}" hreflang="{x}" lang="{x}">{_t("lang_name", x)}</a>'
        for x in LANGS
        if x != lang
    )
    meta = _t("coverage", lang, first=ctx.first, last=ctx.last, n_obs=ctx.n_obs, n_src=len(ctx.sources))
    home = root + _page("index.html", lang)
    head = f'<p class="povlib-title"><a href="{home}">{escape(ctx.title(lang))}</a></p>' if title else ""
    return (
        f'<header class="povlib-header">{head}<p class="povlib-meta">{escape(meta)} · '
        f"{switch}</p>{nav}</header>"
    )


def sources_list(ctx: Context, lang: str, ids=None, root: str = "", anchors: bool = False) -> str:
    items = []
    for src in ctx.sources:
        if ids is not None and src["source_id"] not in ids:
            continue
        anchor = f' id="src-{escape(src["source_id"], quote=True)}"' if anchors else ""
        items.append(f"<li{anchor}>{ctx.cite(src, lang)}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def figure_heading(recs: dict[str, dict], lang: str) -> str:
    """What the figure shows: the title drawn on it, else its caption's first sentence."""
    rec = _shown(recs, lang)
    return rec.get("title") or rec["caption"].split(". ")[0]


def gallery_html(ctx: Context, lang: str, root: str) -> str:
    """Every figure as a thumbnail with its title, each a jump to the figure below."""
    items = []
    for base, recs in ctx.figures.items():
        rec, heading = _shown(recs, lang), escape(figure_heading(recs, lang))
        items.append(
            f'<li><a href="#figure-{base}"><img src="{root}figures/{rec["name"]}.png" alt="" '
            f'width="{GALLERY_WIDTH}">{heading}</a></li>'
        )
    return f'<ol class="povlib-gallery">{"".join(items)}</ol>'


def index_html(ctx: Context, lang: str) -> str:
    """The index in ``lang``: a gallery of every figure (both languages, three formats,
    its sources), what the collection shows, every notebook page and every source."""
    page = _page("index.html", lang)
    root = _root(page)
    nbs = []
    for nb in ctx.notebooks:
        summary = _markdown(nb.summary(lang)) if nb.summary(lang) else ""
        nbs.append(f'<li><a href="{root}{nb.page(lang)}">{escape(nb.title(lang))}</a>{summary}</li>')
    figs: list[str] = []
    for base, recs in ctx.figures.items():
        rec = _shown(recs, lang)
        owner = next((n for n in ctx.notebooks if n.name == rec["notebook"]), None)
        where = ""
        if owner is not None:
            where = (
                f'<p class="povlib-small"><a href="{root}{owner.page(lang)}#fig-{base}">'
                f"{escape(_t('figure_from', lang, n=owner.number))}: {escape(owner.title(lang))}</a> · "
                f"<code>{escape(base)}</code></p>"
            )
        own = sources_list(ctx, lang, ids=set(rec.get("sources", [])))
        figs.append(
            f'<h3 id="figure-{base}">{escape(figure_heading(recs, lang))}</h3>{where}'
            f"{figure_html(base, recs, lang, root)}"
            f'<details class="povlib-small"><summary>{_t("figure_sources", lang)}</summary>{own}</details>'
        )
    title = escape(ctx.title(lang))
    body = (
        f"{header_html(ctx, lang, page, title=False)}"
        f'<main class="povlib-page">'
        f"<h1>{title}</h1>"
        # The figures first, for the reader who came to take one into a report.
        f'<section id="figures"><h2>{_t("figures", lang)}</h2>'
        f"<p>{escape(_t('gallery_intro', lang))}</p>"
        f"{gallery_html(ctx, lang, root)}{''.join(figs)}</section>"
        f'<section id="about"><h2>{_t("about", lang)}</h2>'
        f"<p>{escape(_t('intro', lang, n_nb=len(ctx.notebooks)))}</p>"
        f"<p>{escape(_t('pages_note', lang))}</p></section>"
        f'<section id="notebooks"><h2>{_t("notebooks", lang)}</h2>'
        f'<ol class="povlib-notebooks">{"".join(nbs)}</ol></section>'
        f'<section id="sources" class="povlib-sources"><h2>{_t("sources", lang)}</h2>'
        f"<p>{escape(_t('sources_intro', lang))}</p>"
        f"{sources_list(ctx, lang, anchors=True)}</section>"
        f'<p class="povlib-small">{_t("built", lang)}</p>'
        f"</main>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{CSP_META}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="{GENERATOR}">\n<link rel="icon" href="data:,">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------- what reaches HTML from data

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
"""The pages' Content-Security-Policy: no script, no frame, no font, no request anywhere but
the site's own images; inlined style sheets only."""
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

# What a pandas table needs, and nothing that can run or load: no script, no event
# attribute, no link, no image, no form.
_SAFE_TAGS = {
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "div", "span", "p", "br", "b", "i", "em", "strong", "code", "pre", "ul", "ol", "li", "style",
    "sup", "sub", "small", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote",
}  # fmt: skip
_SAFE_ATTRS = {
    "class",
    "id",
    "colspan",
    "rowspan",
    "border",
    "halign",
    "valign",
    "align",
    "scope",
    "title",
    "lang",
}
_VOID = {"br", "col", "hr"}


class _Sanitizer:
    """Re-writes HTML keeping only :data:`_SAFE_TAGS` with :data:`_SAFE_ATTRS`; every other
    tag is dropped (its text kept, escaped) and every text and attribute value is escaped."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self
        self.out: list[str] = []
        self.in_style = False

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.start(tag, attrs)

            def handle_startendtag(self, tag, attrs):
                outer.start(tag, attrs)

            def handle_endtag(self, tag):
                if tag in _SAFE_TAGS and tag not in _VOID:
                    outer.out.append(f"</{tag}>")
                if tag == "style":
                    outer.in_style = False

            def handle_data(self, data):
                if outer.in_style:  # CSS: no markup can close it early, "<" is dropped
                    outer.out.append(data.replace("<", ""))
                else:
                    outer.out.append(escape(data, quote=False))

            def handle_entityref(self, name):
                outer.out.append(f"&amp;{name};")

            def handle_charref(self, name):
                outer.out.append(f"&amp;#{name};")

        self.parser = P(convert_charrefs=True)

    def start(self, tag: str, attrs) -> None:
        if tag not in _SAFE_TAGS:
            return
        kept = "".join(
            f' {k}="{escape(v or "", quote=True)}"'
            for k, v in attrs
            if k in _SAFE_ATTRS and not k.startswith("on")
        )
        self.out.append(f"<{tag}{kept}>")
        self.in_style = tag == "style"

    def run(self, html: str) -> str:
        self.parser.feed(html)
        self.parser.close()
        return "".join(self.out)


def sanitize_html(html: str) -> str:
    """HTML from a notebook's output, with nothing that can run or load: only the tags and
    attributes a table needs, every text escaped."""
    return _Sanitizer().run(html)


def _safe_outputs(nb) -> None:
    """Outputs come from data (a place label may hold ``<img onerror=...>``): Markdown
    outputs are escaped before they are rendered, HTML outputs sanitised, in place."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in list(data):
                value = data[mime]
                text = "".join(value) if isinstance(value, list) else str(value)
                if mime == "text/markdown":
                    data[mime] = escape(text, quote=False)
                elif mime == "text/html":
                    data[mime] = sanitize_html(text)
                elif mime in ("image/svg+xml", "application/javascript", "text/latex") or mime.startswith(
                    "application/vnd"
                ):
                    del data[mime]  # may carry script; the site shows PNG, tables and text


# ---------------------------------------------------------------- notebook pages


def _source_ids_named(nb, ids: list[str]) -> set[str]:
    """Source ids that a notebook's cells or outputs name (tables list them)."""
    text = []
    for cell in nb.cells:
        text.append(cell.source)
        for out in cell.get("outputs", []):
            for mime in ("text/plain", "text/html", "text/markdown"):
                value = out.get("data", {}).get(mime, "")
                text.append("".join(value) if isinstance(value, list) else str(value))
            text.append(str(out.get("text", "")))
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return set(re.findall(r"(?<![\w-])(" + names + r")(?![\w-])", "\n".join(text)))


def _link_figures(nb, name: str, ctx: Context, lang: str, root: str) -> set[str]:
    """Replace each embedded PNG that is a file of ``figures/`` by that file, with its
    caption in ``lang`` and links to both languages' files; returns the figures' source ids."""
    used: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            digest = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()
            saved = ctx.by_hash.get(digest)
            if saved is None:
                continue  # not a saved figure: stays embedded in the page
            out["data"] = {"text/html": figure_html(saved, ctx.figures[saved], lang, root, both=False)}
            out["metadata"] = {}
            for rec in ctx.figures[saved].values():
                used |= set(rec["sources"])
    for recs in ctx.figures.values():  # figures this notebook saved but does not display
        for rec in recs.values():
            if rec["notebook"] == name:
                used |= set(rec["sources"])
    return used


def _nav(ctx: Context, nb_info: Notebook, lang: str, root: str) -> str:
    i = ctx.notebooks.index(nb_info)
    links = []
    if i > 0:
        prev = ctx.notebooks[i - 1]
        links.append(
            f'<a href="{root}{prev.page(lang)}" rel="prev">← {_t("previous", lang)}: '
            f"{prev.number}. {escape(prev.title(lang))}</a>"
        )
    links.append(f'<a href="{root}{_page("index.html", lang)}#notebooks">{_t("index", lang)}</a>')
    if i + 1 < len(ctx.notebooks):
        nxt = ctx.notebooks[i + 1]
        links.append(
            f'<a href="{root}{nxt.page(lang)}" rel="next">{_t("next", lang)}: {nxt.number}. '
            f"{escape(nxt.title(lang))} →</a>"
        )
    return f'<p class="povlib-nav">{" · ".join(links)}</p>'


def notebook_html(nb_info: Notebook, ctx: Context, exporter, lang: str = "en") -> str:
    """The page of one notebook in ``lang``: rendered from the notebook executed in that
    language, showing that language's prose only (and every untagged cell)."""
    import nbformat

    page = nb_info.page(lang)
    root = _root(page)
    source = nb_info.source(lang)
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if shown_in(c, lang)]
    _safe_outputs(nb)
    ids = [s["source_id"] for s in ctx.sources]
    used = _link_figures(nb, nb_info.name, ctx, lang, root) | _source_ids_named(nb, ids)
    nb.metadata["title"] = f"{nb_info.number}. {nb_info.title(lang)} · {ctx.title(lang)}"
    own = sorted(used)
    shown_file = source.relative_to(paths.ROOT) if source.is_relative_to(paths.ROOT) else Path(source.name)
    footer = (
        f'<footer class="povlib-footer" id="sources"><h2>{_t("sources", lang)}</h2>'
        + (f"<p>{_t('page_sources', lang)}:</p>{sources_list(ctx, lang, set(own), root)}" if own else "")
        + f"<details><summary>{_t('all_sources', lang, n=len(ctx.sources))}</summary>"
        f"{sources_list(ctx, lang, None, root)}</details>"
        f'<p class="povlib-small">{_t("built", lang)} {_t("notebook_file", lang)}: '
        f"<code>{escape(shown_file.as_posix())}</code>.</p></footer>"
    )
    resources = {
        "povlib": {
            "generator": GENERATOR,
            "csp": CSP_META,
            "css": CSS,
            "footer": footer,
            "header": header_html(ctx, lang, page, _nav(ctx, nb_info, lang, root)),
        },
        "metadata": {"name": nb_info.path.stem},
    }
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    html = _accessible(html, lang)
    return html if html.endswith("\n") else html + "\n"


def make_exporter(lang: str = "en", *, stock: bool = False):
    """nbconvert's JupyterLab exporter with the site's template; ``lang`` goes into
    ``<html lang>``. It renders the template alone (see :func:`_exporter_class`);
    ``stock`` gives nbconvert's own exporter, which a test compares it with."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return (HTMLExporter if stock else _exporter_class())(
        template_name="lab",
        template_file="povlib_site.html.j2",
        extra_loaders=[DictLoader({"povlib_site.html.j2": TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        theme="light",
        language_code=lang,
    )


@functools.cache
def _exporter_class():
    """nbconvert's HTML exporter without its last step. After rendering a page, that
    exporter parses the whole page again with BeautifulSoup, only to make each Markdown cell
    and output focusable (``tabindex``) and to give an image without alt text an English
    placeholder, then writes the page out again: two thirds of a site build. This one keeps
    the rendering as it is (the same filters, registered as nbconvert registers them) and
    :func:`_accessible` adds both to the rendered text."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class SiteExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_types = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_types)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return SiteExporter


# A cell's input wrapper or output, and an image without alt text, as the template writes
# their start tags (no '>' inside an attribute of them).
_FOCUSABLE = re.compile(
    r"<div(\s)(?!(?:[^>]*\s)?tabindex=)"
    r'(?=(?:[^>]*\s)?class="(?:[^"]*\s)?(?:jp-OutputArea-output|jp-Cell-inputWrapper)[\s"])',
    re.IGNORECASE,
)
_NO_ALT = re.compile(r"<img(\s)(?!(?:[^>]*\s)?alt=)", re.IGNORECASE)


def _accessible(html: str, lang: str) -> str:
    """What nbconvert's exporter adds to a rendered page: every Markdown cell and output
    focusable from the keyboard, and alt text on an image that has none (in ``lang``: the
    figures carry their captions; an image without one is shown by a notebook
    otherwise)."""
    html = _FOCUSABLE.sub(r'<div\1tabindex="0" ', html)
    return _NO_ALT.sub(lambda m: f'<img{m[1]}alt="{escape(_t("no_alt", lang))}" ', html)


# ---------------------------------------------------------------- the whole site


def _check_out(out: Path) -> None:
    """``out`` may be replaced only if it is missing, empty or a site this module wrote."""
    if not out.exists():
        return
    if not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder")
    if any(out.iterdir()):
        index = out / "index.html"
        if not index.exists() or f'content="{GENERATOR}"' not in index.read_text(
            encoding="utf-8", errors="replace"
        ):
            raise SiteError(
                f"{out} holds files that povlib site did not write; choose another --out or empty it"
            )


def _check_notebooks(ctx: Context) -> None:
    """Every page has an executed notebook to render, in its language and up to date."""
    from .build import copy_is_current

    missing = [nb.name for nb in ctx.notebooks if not any(c.get("outputs") for c in _cells(nb.path))]
    if missing:
        raise SiteError(f"notebooks without outputs (run `make figures` first): {missing}")
    stale = [nb.path.stem for nb in ctx.notebooks if not copy_is_current(nb.path)]
    if stale:
        raise SiteError(
            "the Vietnamese copies in notebooks/vi/ are missing or older than their notebook: "
            f"run `povlib build {' '.join(stale)}`"
        )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def build_site(out: Path | str | None = None, figures_dir: Path | str | None = None) -> list[Path]:
    """Write the site into ``out`` (default ``site/``); returns the files written, sorted.

    The site is built in a new folder beside ``out`` that then replaces it, so a failed
    build leaves the previous site as it was."""
    import tempfile

    out = Path(out) if out is not None else SITE
    figures_dir = Path(figures_dir) if figures_dir is not None else paths.FIGURES
    _check_out(out)
    ctx = context(figures_dir)
    _check_notebooks(ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the site is meant to be read
    try:
        names = _write_site(tmp, ctx, figures_dir)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return [out / n for n in names]


def _write_site(out: Path, ctx: Context, figures_dir: Path) -> list[str]:
    written = []
    for recs in ctx.figures.values():
        for rec in recs.values():
            for ext in FORMATS:
                src = figures_dir / f"{rec['name']}.{ext}"
                if not src.exists():
                    raise SiteError(f"figure file missing: {src} (run `make figures`)")
                dst = out / "figures" / src.name
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
                written.append(f"figures/{src.name}")
    for lang in LANGS:
        exporter = make_exporter(lang)
        name = _page("index.html", lang)
        _write(out / name, index_html(ctx, lang))
        written.append(name)
        for nb in ctx.notebooks:
            _write(out / nb.page(lang), notebook_html(nb, ctx, exporter, lang))
            written.append(nb.page(lang))
    return sorted(written)


def _cells(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4).cells


def main(out: Path | str | None = None) -> int:
    """``povlib site``: build and say what was written."""
    start = time.perf_counter()
    try:
        files = build_site(out)
    except SiteError as exc:
        import sys

        print(f"povlib site: {exc}", file=sys.stderr)
        return 1
    root = (Path(out) if out is not None else SITE).resolve()
    pages = [f for f in files if f.suffix == ".html"]
    shown = root.relative_to(paths.ROOT) if root.is_relative_to(paths.ROOT) else root
    print(
        f"{shown}/: {len(pages)} pages and {len(files) - len(pages)} figure files in "
        f"{time.perf_counter() - start:.1f} s; open {shown}/index.html "
        f"(Vietnamese: {shown}/vi/index.html)"
    )
    return 0
