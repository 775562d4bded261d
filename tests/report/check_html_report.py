#!/usr/bin/python3
"""The corpus's HTML refactoring report, opened in headless Chromium.

usage: check_html_report.py DEVMEM_SCAN CORPUS WORKDIR

Checks that the file is self-contained (no script, no external URL), that the DOM Chromium builds
holds one finding element per finding of the JSON report (by file:line and rule, with the
location in its visible text), and that the screenshot shows one severity marker per finding in
the severity's colour, plus the end-of-report marker (so the window held the whole page).

Runs under Debian's python3 (the shebang), whose python3-pil reads the screenshot. Exits 77 when
Chromium is not installed.
"""

import collections
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

from PIL import Image

# report_html.cpp's marker colours, used nowhere else on the page.
SEVERITY_COLOURS = {
    "error": (0xB9, 0x1C, 0x1C),
    "warning": (0xB4, 0x53, 0x09),
    "note": (0x1D, 0x4E, 0xD8),
}
END_COLOUR = (0x7C, 0x3A, 0xED)
# CSS pixels; the screenshot is taken at half scale, which keeps it fast for a page this long.
WINDOW = (1900, 48000)
SCALE = 0.5
# A 12 px marker at half scale keeps a solid core of about 5x5 pixels.
MIN_MARKER_PIXELS = 9


def fail(message):
    print(f"check_html_report: FAIL: {message}")
    sys.exit(1)


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)


class FindingCollector(html.parser.HTMLParser):
    """Each <article class="finding">: its data attributes and its text."""

    def __init__(self):
        super().__init__()
        self.findings = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article" and "finding" in attributes.get("class", "").split():
            self.findings.append({"attributes": attributes, "text": ""})
            self.depth = 1
        elif tag == "article" and self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.findings[-1]["text"] += data


def expected_findings(scan, corpus):
    result = run([scan, "--format", "json", "--root", corpus, corpus])
    if result.returncode not in (0, 1):
        fail(f"devmem-scan --format json exited {result.returncode}: {result.stderr.strip()}")
    findings = []
    for finding in json.loads(result.stdout)["findings"]:
        location = finding["location"]
        path = os.path.relpath(os.path.abspath(location["file"]), corpus)
        findings.append(
            {
                "key": (f"{path}:{location['line']}", finding["rule"]),
                "where": f"{path}:{location['line']}:{location['column']}",
                "severity": finding["severity"],
            }
        )
    return findings


def check_self_contained(text):
    if re.search(r"<script|<link|<iframe|<img|@import|url\(", text, re.IGNORECASE):
        fail("the report loads or runs something: it must be one self-contained file")
    for reference in re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', text):
        if not reference.startswith("#"):
            fail(f"the report refers outside itself: {reference}")
    urls = set(re.findall(r"[a-z]+://[^\"' <]*", text)) - {"http://www.w3.org/2000/svg"}
    if urls:
        fail(f"the report names external URLs: {sorted(urls)}")


def check_dom(dom, expected):
    collector = FindingCollector()
    collector.feed(dom)
    shown = collections.Counter(
        (item["attributes"].get("data-location"), item["attributes"].get("data-rule"))
        for item in collector.findings
    )
    wanted = collections.Counter(finding["key"] for finding in expected)
    if shown != wanted:
        fail(
            f"findings in the DOM differ from the JSON report: missing {sorted(wanted - shown)}, "
            f"unexpected {sorted(shown - wanted)}"
        )
    texts = collections.Counter()
    for item in collector.findings:
        texts[item["text"]] += 1
    for finding in expected:
        if not any(finding["where"] in text and finding["key"][1] in text for text in texts):
            fail(f"no finding element shows {finding['where']} {finding['key'][1]} as text")
    print(f"DOM: {len(collector.findings)} finding elements match the JSON report")


def components(image, colour):
    """Sizes of the 4-connected regions of exactly `colour`."""
    width, height = image.size
    data = image.tobytes()
    pattern = bytes(colour)
    pixels = set()
    stride = width * 3
    for y in range(height):
        row = data[y * stride : (y + 1) * stride]
        start = row.find(pattern)
        while start != -1:
            if start % 3 == 0:
                pixels.add((start // 3, y))
            start = row.find(pattern, start + 1)
    sizes = []
    while pixels:
        stack = [pixels.pop()]
        size = 0
        while stack:
            x, y = stack.pop()
            size += 1
            for neighbour in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if neighbour in pixels:
                    pixels.remove(neighbour)
                    stack.append(neighbour)
        sizes.append(size)
    return sizes


def check_screenshot(chromium, report, screenshot, expected):
    result = run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--force-device-scale-factor={SCALE}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--screenshot={screenshot}",
            f"file://{report}",
        ]
    )
    if result.returncode != 0 or not os.path.exists(screenshot):
        fail(f"chromium could not take the screenshot: {result.stderr.strip()[-500:]}")
    image = Image.open(screenshot).convert("RGB")
    ends = [size for size in components(image, END_COLOUR) if size >= MIN_MARKER_PIXELS]
    if len(ends) != 1:
        fail(f"the end-of-report marker is not in the {WINDOW[1]} px window; raise WINDOW")
    wanted = collections.Counter(finding["severity"] for finding in expected)
    for severity, colour in SEVERITY_COLOURS.items():
        markers = [size for size in components(image, colour) if size >= MIN_MARKER_PIXELS]
        if len(markers) != wanted[severity]:
            fail(
                f"the screenshot shows {len(markers)} {severity} markers, the report has "
                f"{wanted[severity]} {severity} findings"
            )
        print(f"screenshot: {len(markers)} {severity} markers rendered")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    scan, corpus, workdir = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    chromium = shutil.which("chromium")
    if chromium is None:
        print("check_html_report: SKIP: chromium is not installed (scripts/install-deps)")
        return 77
    os.makedirs(workdir, exist_ok=True)
    report = os.path.abspath(os.path.join(workdir, "corpus-report.html"))
    result = run([scan, "--format", "html", "--root", corpus, "-o", report, corpus])
    if result.returncode not in (0, 1):
        fail(f"devmem-scan --format html exited {result.returncode}: {result.stderr.strip()}")
    expected = expected_findings(scan, corpus)
    if not expected:
        fail("the corpus report has no findings to look for")
    with open(report, encoding="utf-8") as stream:
        check_self_contained(stream.read())
    dom = run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
               f"file://{report}"])
    if dom.returncode != 0:
        fail(f"chromium --dump-dom exited {dom.returncode}: {dom.stderr.strip()[-500:]}")
    check_dom(dom.stdout, expected)
    check_screenshot(chromium, report, os.path.join(workdir, "corpus-report.png"), expected)
    print(f"check_html_report: PASS ({len(expected)} findings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
