"""A browsable report: ``site/`` built from the executed notebooks, readable offline.

:func:`build_site` writes an index in English (``index.html``) and Vietnamese
(``vi/index.html``), one page per notebook (``notebooks/NAME.html``, from the
outputs already stored in the notebook: nothing is executed) and a copy of every
figure (``figures/``).  Pages load nothing from outside the folder: the
stylesheets are inlined, there is no script, no MathJax and no web font, and
images are referenced by relative paths.  Every page carries the project title,
the first and last year of the observations and the sources' citations.  Nothing
depends on the clock or on the order of a directory listing, so two builds give
byte-identical files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from . import paths
from .figures import LANGS

GENERATOR = "povlib site"
SITE = paths.ROOT / "site"
FORMATS = ("png", "svg", "pdf")

TITLE = {
    "en": "Poverty reduction in Lào Cai, Lạng Sơn and Bắc Kạn: every figure traced to its source",
    "vi": "Giảm nghèo ở Lào Cai, Lạng Sơn và Bắc Kạn: mọi số liệu đều dẫn nguồn",
}

# The notebooks' own titles are English; these are their Vietnamese titles, keyed by
# file name (a test fails when a notebook has none).
NOTEBOOK_TITLES_VI = {
    "01_data_and_coverage.ipynb": "Bằng chứng: những gì được công bố, và chỗ còn thiếu số liệu",
    "02_poverty_rates.ipynb": "Tỷ lệ hộ nghèo ở ba tỉnh, đặt cạnh nhau",
    "03_policy_credit.ipynb": "Tín dụng chính sách: dư nợ của Ngân hàng Chính sách xã hội",
    "04_disbursement.ipynb": "Giải ngân vốn các chương trình mục tiêu quốc gia",
    "05_targets.ipynb": "Mục tiêu: mỗi tỉnh đã cam kết gì và đạt được gì",
    "06_forecasts.ipynb": "Dự báo, được kiểm chứng với những gì đã xảy ra",
    "07_agreement_between_sources.ipynb": "Các nguồn có khớp nhau không?",
    "08_case_study_laocai_communes.ipynb": "Nghiên cứu điển hình: các xã nghèo nhất của Lào Cai, "
    "theo năm bài báo",
    "09_provinces_in_their_region.ipynb": "Ba tỉnh trong vùng của mình",
}

TEXT = {
    "lang_name": {"en": "English", "vi": "Tiếng Việt"},
    "coverage": {
        "en": "Observations from {first} to {last}: {n_obs} printed figures from {n_src} sources",
        "vi": "Số liệu từ năm {first} đến năm {last}: {n_obs} số liệu đã công bố, từ {n_src} nguồn",
    },
    "about": {"en": "What the collection shows", "vi": "Bộ tài liệu cho thấy gì"},
    "intro": {
        "en": "This collection gathers what is published about poverty reduction in three northern "
        "mountain provinces of Vietnam, Lào Cai, Lạng Sơn and Bắc Kạn: poverty and "
        "near-poverty rates and counts from the annual reviews, the social-policy bank's "
        "outstanding credit, disbursement of the national target programmes' capital, and "
        "the provinces' targets. Every figure is kept exactly as printed, with its source, "
        "its status (approved, reported, preliminary, estimate, target) and the poverty "
        "standard it was measured under. {n_nb} short notebooks tell what the figures show: "
        "trends side by side, credit and disbursement, progress against targets, forecasts "
        "tested against what happened, and how far the sources agree.",
        "vi": "Bộ tài liệu này tập hợp những gì đã được công bố về giảm nghèo ở ba tỉnh miền núi "
        "phía Bắc Việt Nam, Lào Cai, Lạng Sơn và Bắc Kạn: tỷ lệ và số hộ nghèo, hộ cận nghèo "
        "theo kết quả rà soát hằng năm, dư nợ tín dụng của Ngân hàng Chính sách xã hội, giải "
        "ngân vốn các chương trình mục tiêu quốc gia, và các mục tiêu của tỉnh. Mỗi số liệu "
        "được giữ đúng như khi công bố, kèm nguồn, tình trạng (đã phê duyệt, đã báo cáo, sơ "
        "bộ, ước tính, mục tiêu) và chuẩn nghèo được áp dụng. {n_nb} notebook ngắn trình bày "
        "những gì số liệu cho thấy: xu hướng của các tỉnh đặt cạnh nhau, tín dụng và giải "
        "ngân, tiến độ so với mục tiêu, các dự báo được kiểm chứng với thực tế, và mức độ "
        "khớp nhau giữa các nguồn.",
    },
    "pages_note": {
        "en": "The notebook pages show the text, tables and figures of the executed notebooks. "
        "Every figure exists in English and Vietnamese, as PNG, SVG (text kept as text) "
        "and PDF.",
        "vi": "Các trang notebook được viết bằng tiếng Anh và trình bày văn bản, bảng và hình của "
        "các notebook đã chạy. Mỗi hình đều có bản tiếng Anh và tiếng Việt, dạng PNG, SVG "
        "(giữ chữ dạng văn bản) và PDF.",
    },
    "notebooks": {"en": "Notebooks", "vi": "Các notebook"},
    "in_english": {"en": "", "vi": " (tiếng Anh)"},
    "figures": {"en": "Figures", "vi": "Các hình"},
    "figure_from": {"en": "from notebook {n}", "vi": "từ notebook {n}"},
    "figure": {"en": "Figure {k}", "vi": "Hình {k}"},
    "gallery_intro": {
        "en": "Every figure, ready to take into a report: each in English and Vietnamese, as PNG, "
        "SVG (editable text) and PDF, with the sources it draws on.",
        "vi": "Mọi hình, sẵn sàng đưa vào báo cáo: mỗi hình có bản tiếng Anh và tiếng Việt, dạng PNG, "
        "SVG (chữ sửa được) và PDF, kèm các nguồn của hình.",
    },
    "figure_sources": {"en": "Sources of this figure", "vi": "Nguồn của hình này"},
    "sources": {"en": "Sources", "vi": "Nguồn"},
    "sources_intro": {
        "en": "Every source the collection draws on, with its outlet, title, date and address.",
        "vi": "Mọi nguồn mà bộ tài liệu sử dụng, với cơ quan đăng, tiêu đề, ngày và địa chỉ.",
    },
    "page_sources": {
        "en": "Sources of this page's figures and tables",
        "vi": "Nguồn của các hình và bảng trong trang này",
    },
    "all_sources": {"en": "All {n} sources of the collection", "vi": "Toàn bộ {n} nguồn của bộ tài liệu"},
    "cites": {"en": "cites {doc}", "vi": "dẫn {doc}"},
    "accessed": {"en": "accessed {date}", "vi": "truy cập {date}"},
    "built": {
        "en": "Built by <code>povlib site</code> from the executed notebooks in "
        "<code>notebooks/</code> and the figures in <code>figures/</code>; "
        "it loads nothing from outside this folder.",
        "vi": "Tạo bởi <code>povlib site</code> từ các notebook đã chạy trong "
        "<code>notebooks/</code> và các hình trong <code>figures/</code>; trang không "
        "tải gì từ bên ngoài thư mục này.",
    },
    "notebook_file": {"en": "notebook file", "vi": "tệp notebook"},
    "previous": {"en": "previous", "vi": "trước"},
    "next": {"en": "next", "vi": "tiếp"},
    "index": {"en": "index", "vi": "mục lục"},
}

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


@dataclass
class Notebook:
    path: Path
    title: str
    summary: str  # the first paragraph after the title, Markdown

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def page(self) -> str:
        return f"notebooks/{self.path.stem}.html"

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

    _cited: dict = field(default_factory=dict)

    def cite(self, src: dict, lang: str) -> str:
        """:func:`citation_html`, computed once per source and language."""
        key = (src["source_id"], lang)
        if key not in self._cited:
            self._cited[key] = citation_html(src, lang)
        return self._cited[key]


def _t(key: str, lang: str, **fmt) -> str:
    return TEXT[key][lang].format(**fmt)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def read_notebook(path: Path) -> Notebook:
    """Title (the first heading, without its number) and summary of one notebook."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    lines = first.strip().splitlines()
    title = re.sub(r"^#+\s*(\d+\.\s*)?", "", lines[0]).strip() if lines else path.stem
    paras = "\n".join(lines[1:]).strip().split("\n\n")
    return Notebook(path, title, paras[0].strip() if paras and paras[0].strip() else "")


def figure_records(folder: Path) -> dict[str, dict[str, dict]]:
    """The figures' JSON sidecars, as {base name: {lang: record}} (base name: no ``_en``)."""
    out: dict[str, dict[str, dict]] = {}
    for side in sorted(folder.glob("*.json")):
        rec = json.loads(side.read_text(encoding="utf-8"))
        base = rec["name"].removesuffix(f"_{rec['lang']}")
        out.setdefault(base, {})[rec["lang"]] = rec
    return dict(sorted(out.items()))


def coverage_years(ds) -> tuple[int, int]:
    """First and last year with an observation (an outcome, not a target), from
    :func:`povlib.query.coverage`."""
    from .query import coverage

    cov = coverage(ds)
    years = [int(y) for y in cov.columns if cov[y].sum() > 0]
    return min(years), max(years)


def context(figures_dir: Path = paths.FIGURES, notebooks_dir: Path = paths.NOTEBOOKS) -> Context:
    from .build import notebooks
    from .tables import load_dataset

    ds = load_dataset()
    first, last = coverage_years(ds)
    src = ds.sources.sort_values("source_id")
    sources = [{k: _str(v) for k, v in row.items()} for row in src.to_dict("records")]
    return Context(
        first,
        last,
        len(ds.observations),
        sources,
        figure_records(figures_dir),
        [read_notebook(p) for p in notebooks(notebooks_dir)],
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


def figure_html(base: str, recs: dict[str, dict], lang: str, root: str) -> str:
    """A figure in ``lang`` with its caption in both languages and links to every file."""
    shown = recs.get(lang) or next(iter(recs.values()))
    caps = []
    for lg in [lang, *[x for x in LANGS if x != lang]]:
        if lg in recs:
            cls = "" if lg == lang else ' class="povlib-other"'
            caps.append(f'<p lang="{lg}"{cls}>{escape(recs[lg]["caption"])}</p>')
    return (
        f'<figure class="povlib-figure" id="fig-{base}">'
        f'<img src="{root}figures/{shown["name"]}.png" alt="{escape(shown["caption"])}" '
        f'width="720">'
        f"<figcaption>{''.join(caps)}{_downloads(base, root)}</figcaption></figure>"
    )


def header_html(ctx: Context, lang: str, root: str, nav: str = "", title: bool = True) -> str:
    other = [x for x in LANGS if x != lang]
    switch = " · ".join(
        f'<a href="{root}{"index.html" if x == "en" else x + "/index.html"}" hreflang="{x}" '
        f'lang="{x}">{_t("lang_name", x)}</a>'
        for x in other
    )
    meta = _t("coverage", lang, first=ctx.first, last=ctx.last, n_obs=ctx.n_obs, n_src=len(ctx.sources))
    home = root + ("index.html" if lang == "en" else f"{lang}/index.html")
    head = f'<p class="povlib-title"><a href="{home}">{escape(TITLE[lang])}</a></p>' if title else ""
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


def index_html(ctx: Context, lang: str) -> str:
    """The index in ``lang``: what the collection shows, every notebook page, every figure
    (both languages, three formats) and every source."""
    root = "" if lang == "en" else "../"
    n_nb = len(ctx.notebooks)
    nbs = []
    for nb in ctx.notebooks:
        title = nb.title if lang == "en" else NOTEBOOK_TITLES_VI.get(nb.name, nb.title)
        summary = _markdown(nb.summary) if lang == "en" and nb.summary else ""
        if lang != "en":  # the English title too, since the page itself is in English
            summary = f'<p lang="en" class="povlib-small">{escape(nb.title)}</p>'
        nbs.append(
            f'<li><a href="{root}{nb.page}">{escape(title)}</a>{escape(_t("in_english", lang))}{summary}</li>'
        )
    figs: list[str] = []
    jump: list[str] = []
    for k, (base, recs) in enumerate(ctx.figures.items(), start=1):
        rec = recs.get(lang) or next(iter(recs.values()))
        owner = next((n for n in ctx.notebooks if n.name == rec["notebook"]), None)
        where = ""
        if owner is not None:
            title = owner.title if lang == "en" else NOTEBOOK_TITLES_VI.get(owner.name, owner.title)
            where = (
                f'<p class="povlib-small"><a href="{root}{owner.page}#fig-{base}">'
                f"{escape(_t('figure_from', lang, n=owner.number))}: {escape(title)}</a> · "
                f"<code>{escape(base)}</code></p>"
            )
        heading = rec.get("title") or _t("figure", lang, k=k)
        jump.append(f'<li><a href="#figure-{k}">{escape(heading)}</a></li>')
        own = sources_list(ctx, lang, ids=set(rec.get("sources", [])))
        figs.append(
            f'<h3 id="figure-{k}">{escape(heading)}</h3>{where}'
            f"{figure_html(base, recs, lang, root)}"
            f'<details class="povlib-small"><summary>{_t("figure_sources", lang)}</summary>{own}</details>'
        )
    body = (
        f"{header_html(ctx, lang, root, title=False)}"
        f'<main class="povlib-page">'
        f"<h1>{escape(TITLE[lang])}</h1>"
        # The figures first, for the reader who came to take one into a report.
        f'<section id="figures"><h2>{_t("figures", lang)}</h2>'
        f"<p>{escape(_t('gallery_intro', lang))}</p>"
        f'<ol class="povlib-jump">{"".join(jump)}</ol>{"".join(figs)}</section>'
        f'<section id="about"><h2>{_t("about", lang)}</h2>'
        f"<p>{escape(_t('intro', lang, n_nb=n_nb))}</p><p>{escape(_t('pages_note', lang))}</p>"
        f"</section>"
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
        f"<title>{escape(TITLE[lang])}</title>\n<style>{CSS}</style>\n</head>\n"
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


def _link_figures(nb, name: str, ctx: Context, figures_dir: Path) -> set[str]:
    """Replace each embedded PNG that is a file of ``figures/`` by that file, with its
    captions in both languages; returns the figures' source ids."""
    by_hash: dict[str, str] = {}
    for base, recs in ctx.figures.items():
        for rec in recs.values():
            png = figures_dir / f"{rec['name']}.png"
            if png.exists():
                by_hash[hashlib.sha256(png.read_bytes()).hexdigest()] = base
    used: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            digest = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()
            saved = by_hash.get(digest)
            if saved is None:
                continue  # not a saved figure: stays embedded in the page
            out["data"] = {"text/html": figure_html(saved, ctx.figures[saved], "en", "../")}
            out["metadata"] = {}
            for rec in ctx.figures[saved].values():
                used |= set(rec["sources"])
    for recs in ctx.figures.values():  # figures this notebook saved but does not display
        for rec in recs.values():
            if rec["notebook"] == name:
                used |= set(rec["sources"])
    return used


def notebook_html(nb_info: Notebook, ctx: Context, exporter, figures_dir: Path) -> str:
    import nbformat

    nb = nbformat.read(nb_info.path, as_version=4)
    # The prose of the other language (a markdown cell tagged "vi" beside its English) is
    # left out of the English page.
    nb.cells = [c for c in nb.cells if "vi" not in c.metadata.get("tags", [])]
    _safe_outputs(nb)
    ids = [s["source_id"] for s in ctx.sources]
    used = _link_figures(nb, nb_info.name, ctx, figures_dir) | _source_ids_named(nb, ids)
    nb.metadata["title"] = f"{nb_info.number}. {nb_info.title} · {TITLE['en']}"
    i = ctx.notebooks.index(nb_info)
    links = []
    if i > 0:
        prev = ctx.notebooks[i - 1]
        links.append(
            f'<a href="../{prev.page}" rel="prev">← {_t("previous", "en")}: '
            f"{prev.number}. {escape(prev.title)}</a>"
        )
    links.append(f'<a href="../index.html#notebooks">{_t("index", "en")}</a>')
    if i + 1 < len(ctx.notebooks):
        nxt = ctx.notebooks[i + 1]
        links.append(
            f'<a href="../{nxt.page}" rel="next">{_t("next", "en")}: {nxt.number}. {escape(nxt.title)} →</a>'
        )
    nav = f'<p class="povlib-nav">{" · ".join(links)}</p>'
    own = sorted(used)
    footer = (
        f'<footer class="povlib-footer" id="sources"><h2>{_t("sources", "en")}</h2>'
        + (f"<p>{_t('page_sources', 'en')}:</p>{sources_list(ctx, 'en', set(own), '../')}" if own else "")
        + f"<details><summary>{_t('all_sources', 'en', n=len(ctx.sources))}</summary>"
        f"{sources_list(ctx, 'en', None, '../')}</details>"
        f'<p class="povlib-small">{_t("built", "en")} {_t("notebook_file", "en")}: '
        f"<code>notebooks/{escape(nb_info.name)}</code>.</p></footer>"
    )
    resources = {
        "povlib": {
            "generator": GENERATOR,
            "csp": CSP_META,
            "css": CSS,
            "footer": footer,
            "header": header_html(ctx, "en", "../", nav),
        },
        "metadata": {"name": nb_info.path.stem},
    }
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    return html if html.endswith("\n") else html + "\n"


def make_exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="povlib_site.html.j2",
        extra_loaders=[DictLoader({"povlib_site.html.j2": TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        theme="light",
    )


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
    missing = [nb.name for nb in ctx.notebooks if not any(c.get("outputs") for c in _cells(nb.path))]
    if missing:
        raise SiteError(f"notebooks without outputs (run `make figures` first): {missing}")
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
        name = "index.html" if lang == "en" else f"{lang}/index.html"
        _write(out / name, index_html(ctx, lang))
        written.append(name)
    exporter = make_exporter()
    for nb in ctx.notebooks:
        _write(out / nb.page, notebook_html(nb, ctx, exporter, figures_dir))
        written.append(nb.page)
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
