#!/usr/bin/env python3
"""Generates a library of news articles for measuring library-wide search at scale.

    scripts/gen_library.py OUT [--articles N] [--seed S] [--corpus DIR]

Writes OUT/INDEX.md and N Markdown articles (default 100,000, about 4.3 KB each: about
430 MB) in folders of 1,000 (OUT/a/000/00000.md ...), made from the texts in the shared
corpus (../shared/corpus by default): the German Wikinews articles, the three books cut
into article-sized pieces, and the non-Latin texts cut the same way. Each article is a
headline, a dateline, paragraphs drawn from one source in order, and a subheading every few
paragraphs; the same seed gives the same library byte for byte.

Words to search for, so that runs can be compared:
  * `Quokka-Zebrafinch` in one article in 1,000 (a rare word);
  * `Kennung K<number>` in every article (`K00042` is in exactly one);
  * the corpus's own common words (`Regierung`, `Prince Andrew`, ...).

Never needed by `cargo test`: the tests make their own small libraries.
"""

import argparse
import os
import random
import sys


def paragraphs(text):
    out = []
    for p in text.replace("\r\n", "\n").split("\n\n"):
        p = " ".join(p.split())
        if p:
            out.append(p)
    return out


def cut(paras, size):
    """Consecutive paragraphs grouped into pieces of about `size` bytes."""
    pieces, cur, n = [], [], 0
    for p in paras:
        cur.append(p)
        n += len(p.encode())
        if n >= size:
            pieces.append(cur)
            cur, n = [], 0
    if cur:
        pieces.append(cur)
    return pieces


def load(corpus):
    sources = []  # (headline or None, [paragraphs])
    wiki = os.path.join(corpus, "de-wikinews")
    for name in sorted(os.listdir(wiki)):
        with open(os.path.join(wiki, name), encoding="utf-8") as f:
            paras = paragraphs(f.read())
        if len(paras) >= 2:
            sources.append((paras[0], paras[1:]))
    for sub in ("large", "nonlatin"):
        folder = os.path.join(corpus, sub)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                paras = paragraphs(f.read())
            for piece in cut(paras, 4000):
                sources.append((None, piece))
    return sources


def headline(rng, paras):
    words = " ".join(paras).split()
    if not words:
        return "Meldung"
    start = rng.randrange(max(1, len(words) - 8))
    title = " ".join(words[start : start + rng.randint(4, 9)]).strip(",.;:!?\"'»«„“”")
    return title[:1].upper() + title[1:] if title else "Meldung"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=14)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        sys.exit(f"no corpus at {args.corpus} (give --corpus DIR)")
    rng = random.Random(args.seed)
    sources = load(args.corpus)
    groups = ["Politik", "Wirtschaft", "Kultur", "Sport", "Wissenschaft", "Welt", "Bücher"]
    os.makedirs(args.out, exist_ok=True)
    index = ["# Generierte Zeitung\n"]
    group = None
    total = 0
    for n in range(args.articles):
        title_src, paras = sources[rng.randrange(len(sources))]
        if len(paras) > 3 and rng.random() < 0.5:
            # Start part-way in, so that articles from one source differ.
            paras = paras[rng.randrange(len(paras) // 2) :]
        title = title_src if title_src and rng.random() < 0.3 else headline(rng, paras)
        title = title.replace("[", "(").replace("]", ")")
        body = [f"# {title}\n", f"*Kennung K{n:05}, Ausgabe {rng.randint(1, 365)}*\n"]
        rare = rng.randrange(1000) == 0
        for i, p in enumerate(paras):
            if i and i % 4 == 0:
                body.append(f"## {headline(rng, [p])}\n")
            if rare and i == len(paras) // 2:
                p += " Ein Quokka-Zebrafinch wurde gesichtet."
            body.append(p + "\n")
        rel = f"a/{n // 1000:03}/{n:05}.md"
        path = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = "\n".join(body)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
        g = groups[(n // 1000) % len(groups)]
        if g != group:
            index.append(f"\n## {g} {n // 1000}\n")
            group = g
        index.append(f"- [{title}]({rel}) — Generiert, de")
    with open(os.path.join(args.out, "INDEX.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(index) + "\n")
    print(f"{args.articles} articles, {total / 1e6:.0f} MB in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
