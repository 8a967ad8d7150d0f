"""What the grading cycle writes for people to read: the grading report and the feedback pages.

Both carry text that a student wrote or that student code produced (ids, messages,
flags, markdown, outputs), so both treat it as data: the report escapes it
(``md_text``, ``csv_text``), and the feedback page is sanitised twice, the notebook
before nbconvert renders it (``SanitizeFeedback``, nbconvert's ``SanitizeHTML``) and the
rendered page's body after (``FeedbackHTMLExporter``, bleach), so that nothing in a
submission runs script in the browser of whoever opens the page. nbgrader_config.py
plugs both into ``nbgrader generate_feedback``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Bool, default

if TYPE_CHECKING:
    from course_grader.runner import NotebookResult

__all__ = ["write_report", "md_text", "csv_text", "SanitizeFeedback", "FeedbackHTMLExporter",
           "sanitize_feedback_body", "MAX_ITEM_CHARS"]

MAX_ITEM_CHARS = 300  # one id, message or flag in the report
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def one_line(value: object, limit: int = MAX_ITEM_CHARS) -> str:
    """``value`` as one line: every run of whitespace (newlines too) one space, no control or
    direction-changing characters, at most ``limit`` characters."""
    text = " ".join(_CONTROL.sub("", str(value)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def md_text(value: object, limit: int = MAX_ITEM_CHARS) -> str:
    """``value`` as inert Markdown text on one line: no emphasis, code, links, table cells or HTML."""
    text = one_line(value, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def csv_text(value: object, limit: int = MAX_ITEM_CHARS) -> str:
    """``value`` for a CSV cell: one line, bounded, and never read as a formula by a spreadsheet."""
    text = one_line(value, limit)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_report(results: list[NotebookResult], directory: Path) -> tuple[Path, Path]:
    """grading-report.csv (one row per exercise) and grading-report.md (totals, suspicious submissions).

    Everything that comes from a submission (the student id, the check's messages, the
    flags) is escaped: one line each, bounded, no Markdown or HTML of its own.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = directory / "grading-report.csv", directory / "grading-report.md"
    with open(csv_path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "notebook", "exercise", "points", "max_points", "passed",
                         "message", "flags"])
        for r in results:
            for e in r.exercises:
                writer.writerow([csv_text(r.student), csv_text(r.assignment), csv_text(r.notebook),
                                 csv_text(e.name), e.points, e.max_points, e.passed, csv_text(e.message),
                                 csv_text("; ".join(one_line(flag) for flag in e.flags), 4 * MAX_ITEM_CHARS)])
    lines = ["# Grading report", "", "| student | notebook | score | max | seconds | suspicious |",
             "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (str(r.assignment), str(r.student))):
        lines.append(f"| {md_text(r.student)} | {md_text(r.notebook)} | {r.score:g} | {r.max_score:g} | "
                     f"{r.seconds:g} | {'yes' if r.suspicious else ''} |")
    flagged = [r for r in results if r.suspicious]
    lines += ["", f"## Suspicious submissions ({len(flagged)})", ""]
    for r in flagged:
        lines.append(f"- **{md_text(r.student)}** ({md_text(r.notebook)}):")
        lines += [f"  - {md_text(reason)}" for reason in r.suspicious]
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path


# ---------------------------------------------------------------------------
# Feedback pages
# ---------------------------------------------------------------------------

# What a feedback page's body may hold: nbgrader's feedback template, rendered Markdown,
# highlighted code, tables (pandas) and images; no script, no event handlers, no frames,
# no forms, no SVG or MathML (they carry their own script and links).
FEEDBACK_TAGS = frozenset({
    *bleach.ALLOWED_TAGS, "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div", "span", "main",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "img", "sup", "sub",
    "del", "ins", "s", "u", "dl", "dt", "dd", "kbd", "samp", "var", "cite", "q", "small", "mark", "details",
    "summary", "figure", "figcaption",
})
_FEEDBACK_ATTRIBUTES = {
    "*": {"class", "id", "title", "tabindex"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "align", "style"},
    "td": {"colspan", "rowspan", "align", "style"},
    "table": {"border"},
    "col": {"span"},
    "ol": {"start"},
}
_DATA_IMAGE = re.compile(r"data:image/(png|jpe?g|gif|webp);base64,[a-z0-9+/=]*$")


def _normalised_url(value: str) -> str:
    """A URL as a browser reads its scheme (as bleach normalises it): no blanks, controls or non-ASCII."""
    return re.sub(r"[^\x00-\x7f]", "", re.sub(r"[`\x00-\x20\x7f-\xa0\s]+", "", value)).lower()


def feedback_attribute_allowed(tag: str, name: str, value: str) -> bool:
    """Attributes a feedback page may keep (bleach checks the URL schemes of href and src besides)."""
    if name not in _FEEDBACK_ATTRIBUTES["*"] | _FEEDBACK_ATTRIBUTES.get(tag, set()):
        return False
    if name in ("width", "height", "span", "start", "colspan", "rowspan", "border", "tabindex"):
        return re.fullmatch(r"-?\d{1,6}(%|px)?", value.strip()) is not None
    if name in ("href", "src") and _normalised_url(value).startswith("data:"):
        return tag == "img" and name == "src" and _DATA_IMAGE.match(_normalised_url(value)) is not None
    return True


def _cleaner() -> bleach.Cleaner:
    """bleach for a feedback page's body: what is not allowed is dropped (its text stays, as text)."""
    return bleach.Cleaner(tags=FEEDBACK_TAGS, attributes=feedback_attribute_allowed,
                          protocols={"http", "https", "mailto", "data"}, strip=True, strip_comments=True,
                          css_sanitizer=CSSSanitizer(allowed_css_properties=["text-align", "vertical-align",
                                                                             "width", "min-width", "max-width"]))


def sanitize_feedback_body(page: str) -> str:
    """``page`` (a whole HTML page) with everything inside ``<body>`` passed through bleach.

    The head is the template's (nbgrader's feedback template puts the notebook's file name
    there and nothing else of the submission): its MathJax, with MathJax's Safe extension,
    stays. A page without a body is cleaned whole.
    """
    start = re.search(r"<body\b[^>]*>", page, re.I)
    end = page.lower().rfind("</body>")
    if start is None or end < start.end():
        return _cleaner().clean(page)
    return page[:start.end()] + _cleaner().clean(page[start.end():end]) + "</body>\n</html>\n"


class SanitizeFeedback(SanitizeHTML):
    """nbconvert's SanitizeHTML, on by default, with the tags a feedback page needs (tables,
    headings, images): raw cells and HTML outputs are cleaned before rendering; JavaScript,
    SVG, widget and other active outputs are dropped, and so are image sizes that are not
    numbers, output file names and the notebook's widget state.

    Markdown (cells and outputs) is left to ``FeedbackHTMLExporter``, which cleans it once
    rendered: escaping it before rendering, as SanitizeHTML does, shows ``&lt;`` for every
    ``<`` in code and math, and leaves the links Markdown itself makes (``[x](javascript:...)``).
    Use the two together.
    """

    enabled = Bool(True).tag(config=True)

    @default("safe_output_keys")
    def _feedback_safe_output_keys(self):
        return {"metadata", "text/plain", "text/latex", "application/json", "image/png", "image/jpeg",
                "text/markdown"}

    @default("sanitized_output_types")
    def _feedback_sanitized_output_types(self):
        return {"text/html"}

    @default("tags")
    def _feedback_tags(self):
        return sorted(FEEDBACK_TAGS)

    @default("attributes")
    def _feedback_attributes(self):
        return feedback_attribute_allowed

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def sanitize_code_outputs(self, outputs):
        outputs = super().sanitize_code_outputs(outputs)
        for output in outputs:
            for meta in output.get("metadata", {}).values():
                if isinstance(meta, dict):
                    for key in [k for k in ("width", "height") if k in meta]:
                        if not re.fullmatch(r"\d{1,6}", str(meta[key]).strip()):
                            del meta[key]
                    meta.pop("isolated", None)
            output.get("metadata", {}).pop("filenames", None)
        return outputs


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter whose page body is sanitised after rendering
    (``sanitize_feedback_body``): what the templates render without escaping (links in
    Markdown, nbgrader's cell ids and comments, image metadata) cannot carry script either."""

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return sanitize_feedback_body(html), resources
