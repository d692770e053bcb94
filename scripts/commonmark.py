#!/usr/bin/env python3
"""How much of each CommonMark specification example blatt shows.

Runs every example of the specification (spec.txt: Markdown input and the HTML a conforming
implementation produces) through `blatt render` and compares words: the words a browser
shows for the expected HTML (text, and the alt text of images; never the content of
<script> or <style>, which no reader shows) against the words blatt prints.

For each example it reports
  lost  = share of the expected words that blatt does not show,
  extra = share of the words blatt shows that are not in the expected HTML
          (markers such as "[image: …]" count here).
Words are runs of letters and digits, compared as multisets, case kept.

Usage: scripts/commonmark.py [--blatt PATH] [--spec PATH] [--list]
  --list  print every example that loses words, with what it lost, and every one that
          shows words the HTML has not, with those words.
The summary goes to stdout; exit code 0. It is a measurement, not a test.
"""

import argparse
import collections
import html.parser
import os
import re
import subprocess
import sys
import tempfile

FENCE = "`" * 32
WORD = re.compile(r"\w+", re.UNICODE)


def examples(spec_text):
    """Yields (number, section, markdown, html) for each example of the spec."""
    number = 0
    section = ""
    lines = spec_text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith(FENCE + " example"):
            number += 1
            markdown, expected = [], []
            i += 1
            while lines[i] != ".":
                markdown.append(lines[i])
                i += 1
            i += 1
            while lines[i] != FENCE:
                expected.append(lines[i])
                i += 1
            tab = lambda s: s.replace("\u2192", "\t")
            yield (
                number,
                section,
                tab("\n".join(markdown) + "\n" if markdown else ""),
                tab("\n".join(expected)),
            )
        i += 1


class Shown(html.parser.HTMLParser):
    """The text a browser shows for a piece of HTML: inline tags join their text to the
    words around them (`foo<em>bar</em>` is one word), block tags and <br> separate."""

    HIDDEN = {"script", "style"}
    INLINE = {"a", "abbr", "b", "cite", "code", "del", "em", "i", "kbd", "mark", "q",
              "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "u", "var"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "img":
            self.text.append(" " + (dict(attrs).get("alt") or "") + " ")
        elif tag not in self.INLINE:
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag not in self.INLINE:
            self.text.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


def expected_words(expected_html):
    parser = Shown()
    parser.feed(expected_html)
    # No close(): a tag left open at the end (`<div id="foo"` and more) is dropped, as a
    # browser drops it, instead of being read as text.
    return WORD.findall("".join(parser.text))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--blatt", default=os.path.join(root, "target/release/blatt"))
    args.add_argument(
        "--spec", default=os.path.join(root, "..", "shared", "commonmark", "spec.txt")
    )
    args.add_argument("--list", action="store_true")
    opts = args.parse_args()
    if not os.path.exists(opts.spec):
        sys.exit(f"no CommonMark specification at {opts.spec} (use --spec PATH)")
    with open(opts.spec, encoding="utf-8") as f:
        spec = f.read()

    losing, extras, extra_examples, total = [], [], 0, 0
    lost_words = expected_total = extra_words = shown_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "blattexample.md")
        for number, section, markdown, expected in examples(spec):
            total += 1
            with open(path, "w", encoding="utf-8") as f:
                f.write(markdown)
            run = subprocess.run(
                [opts.blatt, "render", "--width", "80", path],
                capture_output=True,
                env=dict(os.environ, BLATT_CONFIG_DIR=tmp, NO_COLOR="1"),
            )
            shown = WORD.findall(run.stdout.decode("utf-8", "replace"))
            want = expected_words(expected)
            # The file name is the title of a Markdown file without one; it is not text
            # of the example.
            if "blattexample" in shown:
                shown.remove("blattexample")
            missing = collections.Counter(want) - collections.Counter(shown)
            extra = collections.Counter(shown) - collections.Counter(want)
            lost_words += sum(missing.values())
            expected_total += len(want)
            extra_words += sum(extra.values())
            shown_total += len(shown)
            if extra:
                extra_examples += 1
                extras.append((number, section, extra))
            if missing or run.returncode != 0:
                losing.append((number, section, sum(missing.values()), len(want), missing, run.returncode))

    print(f"CommonMark {total} examples through `blatt render --width 80`")
    print(f"  examples that lose words: {len(losing)}")
    print(
        f"  words lost: {lost_words} of {expected_total} "
        f"({100 * lost_words / max(expected_total, 1):.2f} %)"
    )
    print(f"  examples showing words not in the HTML: {extra_examples}")
    print(
        f"  words shown that are not in the HTML: {extra_words} of {shown_total} "
        f"({100 * extra_words / max(shown_total, 1):.2f} %)"
    )
    if opts.list:
        for number, section, lost, want, missing, code in losing:
            words = " ".join(sorted(missing.elements()))
            status = f" exit {code}" if code else ""
            print(f"  example {number} ({section}): lost {lost}/{want}{status}: {words}")
        for number, section, extra in extras:
            words = " ".join(sorted(extra.elements()))
            print(f"  example {number} ({section}): shows {words}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
