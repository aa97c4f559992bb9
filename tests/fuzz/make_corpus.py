#!/usr/bin/env python3
"""Seed corpora for the import fuzz targets, made from the strategy document.

usage: make_corpus.py STRATEGY_MD OUT_DIR
Writes OUT_DIR/markdown/* (the document, and each table with the text above
it) and OUT_DIR/csv/* (each table as Excel-style CSV: with and without BOM,
CRLF and LF, ',' and ';', a title row).
"""
import csv
import io
import os
import re
import sys

SEP = re.compile(r"^\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$")


def split_row(line):
    t = line.strip()
    if t.startswith("|"):
        t = t[1:]
    if t.endswith("|") and not t.endswith("\\|"):
        t = t[:-1]
    cells = re.split(r"(?<!\\)\|", t)
    return [c.strip().replace("\\|", "|") for c in cells]


def main():
    src, out = sys.argv[1], sys.argv[2]
    text = open(src, encoding="utf-8").read()
    lines = text.split("\n")
    os.makedirs(os.path.join(out, "markdown"), exist_ok=True)
    os.makedirs(os.path.join(out, "csv"), exist_ok=True)
    with open(os.path.join(out, "markdown", "strategy.md"), "w", encoding="utf-8") as f:
        f.write(text)

    blocks, cur, start = [], None, 0
    for i, line in enumerate(lines):
        if line.strip().startswith("|"):
            if cur is None:
                cur, start = [], i
                blocks.append((start, cur))
            cur.append(line)
        else:
            cur = None
    for n, (start, block) in enumerate(blocks):
        context = "\n".join(lines[max(0, start - 12):start] + block) + "\n"
        with open(os.path.join(out, "markdown", f"table{n:02d}.md"), "w", encoding="utf-8") as f:
            f.write(context)
        rows = [split_row(l) for l in block if not SEP.match(l.strip())]
        for variant, (delim, bom, eol, title) in enumerate(
                [(",", True, "\r\n", False), (";", False, "\n", True), (",", False, "\n", True)]):
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=delim, lineterminator=eol)
            if title:
                w.writerow([f"Work Programme {n}"])
            for r in rows:
                w.writerow(r)
            data = ("\ufeff" if bom else "") + buf.getvalue()
            name = f"table{n:02d}-{variant}.csv"
            with open(os.path.join(out, "csv", name), "w", encoding="utf-8", newline="") as f:
                f.write(data)


if __name__ == "__main__":
    main()
