"""Tables pasted from Seller Central, read back as 'Label: value' lines.

A table copied from a browser arrives as cells split by tabs, pipes or runs of spaces. Turning
each row into 'ASIN: …', 'Title: …', 'Complaint ID: …' lines lets the labelled-field rules read a
cell exactly as they read a labelled line, so no extractor needs to know about tables.
"""

from __future__ import annotations

from appealagent.catalog import patterns
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.labels import extraction

_CELL_SPLIT_RX = patterns.compile(r"\t+| {2,}|\s*\|\s*")
_ROW_RX = patterns.compile(r"\t| {2,}\S|\S\s*\|\s*\S")
_ASIN_CELL_RX = patterns.compile(r"ASINs?", _I)


def cells(line: str) -> list[str]:
    """A table row's cells, split at tabs, pipes or runs of spaces; [] for an ordinary line."""
    if not _ROW_RX.search(line.strip()):
        return []
    found = [c.strip() for c in _CELL_SPLIT_RX.split(line.strip().strip("|"))]
    return found if len(found) >= 2 else []


def table_records(lines: list[str]) -> list[str]:
    """Tables pasted from Seller Central ('ASIN<tab>Title<tab>Complaint ID') as 'Label: value'
    lines, so the labelled-field rules read a table cell like a 'Complaint ID: …' line.

    A header row is one whose cells are known labels (at least two, 'ASIN' counts); the rows
    under it with as many cells are read until a row that does not fit."""
    x = extraction()
    label_rx, title_rx = x.cell_label, x.cell_title
    records: list[str] = []
    header: list[str] = []
    for line in lines:
        row_cells = cells(line)
        if row_cells and sum(1 for c in row_cells if label_rx.fullmatch(c)) >= 2:
            header = row_cells
            continue
        if header and len(row_cells) == len(header):
            row = [(h, c) for h, c in zip(header, row_cells, strict=False) if c]
            # The ASIN first and its title right after, as in the 'ASIN: …' / 'Title: …' layout.
            row.sort(key=lambda hc: 0 if _ASIN_CELL_RX.fullmatch(hc[0]) else 1 if title_rx.fullmatch(hc[0]) else 2)
            records.extend(f"{h}: {c}" for h, c in row)
            continue
        if header and line.strip():
            header = []
    return records
