"""Building blocks of the PDF rendition: headings, label/value rows, grids.

``display_flowables`` lays out an adapter's ``DisplaySection``s;
``data_tree_flowables`` lays out a ``CertificateData`` tree for adapters that
gave no display sections: each element becomes a heading with its attributes
as rows, and a run of sibling elements with the same tag and no children (a
marksheet's subjects, a licence's classes of vehicle) becomes one grid. Every
cell is a ``Paragraph``, so long values wrap instead of running off the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from adapters.sdk.document import DataNode, DisplaySection

Flowable = Any  # reportlab ships no type information

MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
_LABEL_WIDTH = 48 * mm
_GRID_LINE = colors.HexColor("#9aa5b8")
_HEADER_FILL = colors.HexColor("#e4e9f2")
_CAMEL_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_HEADING = ParagraphStyle(
    "Heading",
    fontName="Helvetica-Bold",
    fontSize=11.5,
    leading=15,
    spaceBefore=9,
    spaceAfter=3,
    textColor=colors.HexColor("#1f3b73"),
    keepWithNext=1,
)
_SUBHEADING = ParagraphStyle(
    "Subheading",
    parent=_HEADING,
    fontSize=10,
    leading=13,
    spaceBefore=5,
)
_LABEL = ParagraphStyle(
    "Label", fontName="Helvetica", fontSize=9, leading=11.5, textColor=colors.grey
)
_VALUE = ParagraphStyle("Value", fontName="Helvetica", fontSize=9.5, leading=12)
_HEADER_CELL = ParagraphStyle(
    "HeaderCell", fontName="Helvetica-Bold", fontSize=8.5, leading=10.5
)
_CELL = ParagraphStyle("Cell", fontName="Helvetica", fontSize=8.5, leading=10.5)


def section_heading(title: str, *, level: int = 0) -> Flowable:
    """A section's title; ``level`` above 0 gives a smaller, nested heading."""
    return Paragraph(escape(title), _HEADING if level == 0 else _SUBHEADING)


def rows_table(
    rows: Sequence[tuple[str, str]], *, width: float = CONTENT_WIDTH
) -> Flowable:
    """Label/value pairs, one per row, the value wrapping when long."""
    data = [
        [Paragraph(escape(label), _LABEL), Paragraph(escape(value), _VALUE)]
        for label, value in rows
    ] or [["", ""]]
    table = Table(data, colWidths=[_LABEL_WIDTH, width - _LABEL_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )

    return table


def grid_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Flowable:
    """A grid with a header row repeated on every page it spans."""
    width = max([len(columns), *(len(row) for row in rows)], default=1)
    header = [Paragraph(escape(title), _HEADER_CELL) for title in columns]
    body = [
        [Paragraph(escape(cell), _CELL) for cell in _padded(row, width)] for row in rows
    ]
    data = ([_padded(header, width)] if columns else []) + body

    table = Table(
        data or [[""] * width],
        colWidths=_column_widths(columns, rows, width),
        repeatRows=1 if columns else 0,
    )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID_LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if columns:
        style.append(("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL))
    table.setStyle(TableStyle(style))

    return table


def display_flowables(sections: Iterable[DisplaySection]) -> list[Flowable]:
    """An adapter's display sections, each a heading with rows and/or a grid."""
    flowables: list[Flowable] = []
    for section in sections:
        flowables.append(section_heading(section.title))
        if section.rows:
            flowables.append(rows_table(section.rows))
        if section.table:
            if section.rows:
                flowables.append(Spacer(1, 2 * mm))
            flowables.append(grid_table(section.columns, section.table))

    return flowables


def data_tree_flowables(nodes: Sequence[DataNode]) -> list[Flowable]:
    """A ``CertificateData`` tree laid out without any knowledge of its shape."""
    if not nodes:
        return []
    return [section_heading("Details"), *_children(nodes, level=1)]


def humanize(name: str) -> str:
    """``marksMaxTheory`` -> ``Marks max theory``; acronyms stay upper case."""
    words = _CAMEL_BREAK.sub(" ", name.replace("_", " ")).split()
    shown = [word if word.isupper() else word.lower() for word in words]
    text = " ".join(shown)

    return text[:1].upper() + text[1:]


def _children(nodes: Sequence[DataNode], *, level: int) -> list[Flowable]:
    flowables: list[Flowable] = []
    for tag, run in groupby(nodes, key=lambda data_node: data_node.tag):
        siblings = list(run)
        if len(siblings) > 1 and not any(sibling.children for sibling in siblings):
            flowables.append(section_heading(humanize(tag), level=level))
            flowables.append(_siblings_grid(siblings))
            continue
        for sibling in siblings:
            flowables += _node(sibling, level=level)

    return flowables


def _node(data_node: DataNode, *, level: int) -> list[Flowable]:
    flowables = [section_heading(humanize(data_node.tag), level=level)]
    if data_node.attributes:
        rows = [(humanize(name), value) for name, value in data_node.attributes.items()]
        flowables.append(rows_table(rows))
    flowables += _children(data_node.children, level=level + 1)

    return flowables


def _siblings_grid(siblings: Sequence[DataNode]) -> Flowable:
    names: list[str] = []
    for sibling in siblings:
        names += [name for name in sibling.attributes if name not in names]
    rows = [
        [sibling.attributes.get(name, "") for name in names] for sibling in siblings
    ]

    return grid_table([humanize(name) for name in names], rows)


def _padded(row: Sequence[Any], width: int) -> list[Any]:
    return [*row[:width], *([""] * (width - len(row)))]


def _column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[float]:
    # Share the page by how long each column's texts are, within bounds, so a
    # subject name gets more room than a two-letter grade.
    weights = []
    for index in range(width):
        texts = [row[index] for row in rows if index < len(row)]
        if index < len(columns):
            texts.append(columns[index])
        longest = max((len(text) for text in texts), default=1)
        weights.append(min(max(longest, 4), 32))
    total = sum(weights)

    return [CONTENT_WIDTH * weight / total for weight in weights]
