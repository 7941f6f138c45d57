"""The pages a person reads a submission in: nothing a student wrote runs in the reader's browser.

`nbgrader generate_feedback` (the student's feedback page) and formgrader's view of a submission
(the instructor's browser, on the Jupyter server's origin) both render the notebook with nbconvert's
HTMLExporter and nbgrader's templates. nbgrader_config.py configures that exporter, in both, with:

- `clean_html`: bleach (nbconvert's own sanitizer) with the allow-list below: text, headings, lists,
  tables, code, links to http(s)/mailto/#, images from data: URLs; no script, iframe, form, SVG,
  style element or attribute, event handler, id, or class other than code highlighting's. What is
  not allowed is shown escaped, as text, so the reader sees what the student wrote.
- `SafeMarkdown`: nbconvert's markdown rendering (attachments included), then `clean_html`. nbgrader's
  templates render markdown cells and the instructor's comments without nbconvert's `sanitize_html`
  switch, so the filter itself sanitizes.
- `SafeOutputs`, a preprocessor: each output keeps its standard fields and the mimetypes that
  render as text or images (text/html and text/markdown go through `clean_html` as well); its metadata
  keeps numeric width and height only (nbconvert writes them unquoted into the img tag). A test cell's
  first output keeps its result record as well, checked (autograder/grading/cell_result.py): no
  template renders that mimetype, and the feedback page's summary reads its messages.

The feedback page gets a Content-Security-Policy as well (`FeedbackPage`): scripts only from
MathJax's folder on the CDN the template loads it from, no inline script or handler, images only
from data: URLs, no connections, frames, forms or plugins. Formgrader's page has inline scripts of
its own, so there the sanitizing is the protection (docs/threat-model.md).
"""
from __future__ import annotations

import os
import unicodedata
from urllib.parse import unquote, urlsplit

import bleach
import nbgrader
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters import markdown2html as plain_markdown2html
from nbconvert.preprocessors import Preprocessor
from pygments.token import STANDARD_TYPES
from traitlets.config import LoggingConfigurable

from autograder.grading.cell_result import RECORD_TYPE, RecordError, record_in
from autograder.grading.cells import is_test_cell

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}
# Classes that code highlighting and heading anchors use; any other could borrow the page's own
# styles (bootstrap's navbar-fixed-top is position: fixed).
CLASSES = {"highlight", "hll", "anchor-link", *(name for name in STANDARD_TYPES.values() if name)}
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}  # an img runs no script


def _url(value: str) -> str:
    """`value` as a browser reads a URL: without the whitespace and control characters it ignores."""
    return "".join(ch for ch in value if unicodedata.category(ch)[0] not in "CZ").lower()


# What could end a quoted string or a script where a server writes a URL's path into its page unescaped
# (formgrader's templates write `/formgrader/manage_students/<id>` into a script): a link holding
# any of them, percent-encoded or not, is not a link.
BREAKOUT = set("\"'<>\\`")


def _breaks_out(url: str) -> bool:
    for _ in range(3):  # %2522 decodes to %22, then to "
        if BREAKOUT & set(url):
            return True
        url = unquote(url)
    return bool(BREAKOUT & set(url))


def _allowed(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(token in CLASSES or token.startswith("hl-") for token in value.split())
    if name == "title" or (tag == "img" and name == "alt"):
        return True
    if tag in ("td", "th") and name in ("colspan", "rowspan"):
        return value.isdigit()
    if tag == "ol" and name == "start":
        return value.isdigit()
    if tag == "a" and name == "href":
        url = _url(value)
        return (url.startswith("#") or urlsplit(url).scheme in LINK_SCHEMES) and not _breaks_out(url)
    if tag == "img" and name == "src":
        url = _url(value)
        return url.startswith("data:") and url[len("data:"):].split(";")[0].split(",")[0] in IMAGE_TYPES
    return False


# bleach checks the protocol of href and src after _allowed: data: passes it, and _allowed keeps
# data: to img.
_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_allowed, protocols=LINK_SCHEMES | {"data"},
                          strip=False, strip_comments=True)


def clean_html(html) -> str:
    """`html` (str or bytes) with only the allow-listed markup; the rest escaped, as text."""
    return _CLEANER.clean(html.decode() if isinstance(html, bytes) else str(html))


class SafeMarkdown(LoggingConfigurable):
    """The `markdown2html` filter: the exporter's own rendering (attachments, math, highlighting), sanitized.

    Registered through `HTMLExporter.filters`, so nbconvert makes it with the exporter as parent.
    """

    jinja_pass_arg = pass_context(lambda: None).jinja_pass_arg  # jinja hands the filter its context

    def __call__(self, context, source) -> str:
        render = getattr(self.parent, "markdown2html", None)
        html = render(context, source) if render else plain_markdown2html(source)
        return clean_html(html)


OUTPUT_FIELDS = {
    "stream": {"output_type", "name", "text"},
    "error": {"output_type", "ename", "evalue", "traceback"},
    "display_data": {"output_type", "data", "metadata"},
    "execute_result": {"output_type", "data", "metadata", "execution_count"},
}
SHOWN_TYPES = {"text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/svg+xml"}
CLEANED_TYPES = {"text/html"}  # text/markdown is cleaned after rendering (SafeMarkdown)


class SafeOutputs(Preprocessor):
    """Outputs as data the templates render safely: standard fields, shown mimetypes, numeric sizes.

    Drops application/javascript, widget views and any other mimetype; cleans text/html with
    `clean_html`; keeps of the metadata only numeric width and height per image type (no file
    names, no isolated iframes, nothing written unquoted into the page).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        record = None
        if is_test_cell(cell):
            try:
                record = record_in(cell.get("outputs"))
            except RecordError:
                pass  # the summary's reader says why
        outputs = []
        for output in cell.get("outputs", []):
            fields = OUTPUT_FIELDS.get(output.get("output_type"))
            if fields is None:
                continue
            for key in set(output) - fields:
                del output[key]
            if "data" in output:
                output["data"] = {kind: (clean_html(value) if kind in CLEANED_TYPES else value)
                                  for kind, value in output["data"].items() if kind in SHOWN_TYPES}
                output["metadata"] = _sizes(output.get("metadata", {}))
            outputs.append(output)
        if record is not None and outputs:
            outputs[0]["data"][RECORD_TYPE] = record
        cell.outputs = outputs
        return cell, resources


def _sizes(metadata) -> dict:
    kept = {}
    for kind in IMAGE_TYPES:
        entry = metadata.get(kind)
        if isinstance(entry, dict):
            sizes = {name: entry[name] for name in ("width", "height")
                     if isinstance(entry.get(name), (int, float)) and not isinstance(entry.get(name), bool)}
            if sizes:
                kept[kind] = sizes
    return kept


MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"  # where nbconvert's mathjax() macro loads it from
POLICY = "; ".join([
    "default-src 'none'",
    # MathJax 2 evaluates its configuration block (text/x-mathjax-config) itself: 'unsafe-eval'
    # lets a running script eval, and runs no inline script or handler
    f"script-src {MATHJAX} 'unsafe-eval'",
    f"style-src 'unsafe-inline' {MATHJAX}",  # the page's own <style> blocks; the student's are escaped
    f"font-src 'self' {MATHJAX} data:",  # 'self': bootstrap's glyphicons, beside the page where present
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
])
HEAD = "<head>"
# The feedback page's template (nbgrader_config.py sets it on FeedbackPage): kit_feedback/summary.html.j2
# extends nbgrader's feedback template (its base_template, index.html.j2) with a summary of the exercises
# (autograder/results/feedback.py).
FEEDBACK_TEMPLATE, FEEDBACK_TEMPLATE_FILE = "kit_feedback", "summary.html.j2"
FEEDBACK_TEMPLATE_FOLDERS = [
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates"),
    os.path.join(os.path.dirname(os.path.abspath(nbgrader.__file__)), "server_extensions", "formgrader", "templates"),
]


class FeedbackPage(HTMLExporter):
    """nbgrader's feedback page (`c.GenerateFeedback.exporter_class`) with a Content-Security-Policy."""

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        # the template's own head, before anything of the notebook's: the policy must come first
        at = html.find(HEAD)
        if at < 0 or at > 200:
            raise ValueError("the feedback template has no <head> at its start: no place for the page's policy")
        at += len(HEAD)
        meta = f'\n<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        return html[:at] + meta + html[at:], resources
