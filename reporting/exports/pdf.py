"""The report as a tagged (PDF/UA-1) A4 PDF, drawn by WeasyPrint from the HTML partial."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML

from reporting.document import Document

TEMPLATE = "reporting/report_pdf.html"


def render(doc: Document, chart_svgs: dict[str, str]) -> bytes:
    """The document as PDF bytes, its charts inlined as vector SVG."""
    svgs = {
        # Drawn by reporting.charts from the edition's figures, never from user input.
        key: mark_safe(markup)  # noqa: S308
        for key, markup in chart_svgs.items()
    }
    # The cover carries the colophon, so the last page is not left holding it alone.
    html = render_to_string(TEMPLATE, {"doc": doc, "chart_svgs": svgs, "colophon_on_cover": True})
    # PDF/UA-1 tags the structure (headings, tables, figures) for screen readers and needs
    # the title and language the template gives it.
    pdf = HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    return bytes(pdf)
