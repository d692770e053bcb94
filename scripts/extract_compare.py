#!/usr/bin/env python3
"""Article extraction, scored: Readability ports side by side, and blatt's saved Markdown.

Builds varied fixture pages (sidebars, comments, cookie banners, teaser lists, tables, code,
non-Latin scripts, legacy charsets) with the article text each holds as reference, into
tests/fixtures/news/compare/. Then, for every page:

- each port in scripts/readability-compare (dom_smoothie, legible, readabilityrs) extracts
  title and text;
- `blatt add PAGE LIB` saves the article and `blatt render` shows it as read (title and
  source line included);

and each result is scored against the reference by words: recall is the share of the
reference's words that the result keeps, precision the share of the result's words that are
the article's (multisets; CJK characters count one each).

    cargo build --release
    cargo build --release --manifest-path scripts/readability-compare/Cargo.toml \
        --target-dir target/compare
    python3 scripts/extract_compare.py
"""

import collections
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "news", "compare")
BLATT = os.path.join(ROOT, "target", "release", "blatt")
PORTS_BIN = os.path.join(ROOT, "target", "compare", "release", "readability-compare")
PORTS = ["dom_smoothie", "legible", "readabilityrs"]

NAV = """<header class="site-header"><a class="logo" href="/">{site}</a><nav class="main-nav"><ul>
<li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li>
<li><a href="/science">Science</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>"""
COOKIE = """<div id="cookie-consent" class="cookie-banner modal"><p>We and our 842 partners use cookies
to store and access information on your device for personalised advertising and content,
audience measurement and product development.</p><button>Accept all</button><button>Reject
all</button><a href="/privacy">Manage preferences</a></div>"""
SIDEBAR = """<aside class="sidebar widget-area"><section class="widget most-read"><h3>Most read</h3><ol>
<li><a href="/a1">Local football club signs new striker after long search</a></li>
<li><a href="/a2">Bakery on the market square closes after ninety years</a></li>
<li><a href="/a3">Weather: a week of rain and wind is on its way</a></li>
<li><a href="/a4">Ten recipes for autumn evenings at home</a></li></ol></section>
<section class="widget newsletter"><h3>Our newsletter</h3><p>The best stories of the day in
your inbox every morning, free of charge.</p><form><input type="email"><button>Sign up</button>
</form></section><div class="ad advertisement">Advertisement: cheap flights to everywhere</div></aside>"""
COMMENTS = """<section id="comments" class="comments-area"><h3>42 comments</h3>
<div class="comment"><p class="comment-author">reader123</p><p>This is exactly what I have been
saying for years, but nobody listens to ordinary people like me.</p></div>
<div class="comment"><p class="comment-author">skeptic</p><p>I do not believe a word of it. Show
me the data first and then we can talk about it again.</p></div>
<div class="comment"><p class="comment-author">anna_k</p><p>Great article, thank you for the
careful reporting, please do more of these.</p></div></section>"""
FOOTER = """<footer class="site-footer"><p>© 2026 {site}. All rights reserved.</p><ul>
<li><a href="/imprint">Imprint</a></li><li><a href="/privacy">Privacy</a></li>
<li><a href="/terms">Terms of use</a></li><li><a href="/jobs">Jobs</a></li></ul></footer>"""
SHARE = """<div class="share-tools social-share"><a href="/s/fb">Share on Facebook</a>
<a href="/s/x">Share on X</a><a href="/s/mail">Send by e-mail</a></div>"""
TEASERS = """<section class="related-articles teaser-list"><h2>More on this topic</h2>
<article class="teaser"><h3><a href="/t1">Parliament debates the budget for next year</a></h3>
<p>A short teaser of another story, cut off after a few words…</p></article>
<article class="teaser"><h3><a href="/t2">What the new rules mean for tenants</a></h3>
<p>Another teaser, also cut off…</p></article>
<article class="teaser"><h3><a href="/t3">Interview: the mayor on housing</a></h3>
<p>And a third teaser that leads elsewhere…</p></article></section>"""

EN_P = [
    "The regional government announced on Tuesday that it will invest heavily in the railway network over the next ten years, with most of the money going to lines that have been neglected for decades.",
    "Commuters have long complained about delays, cancelled trains and crowded carriages. A survey last spring found that only six in ten trains arrived on time during the morning rush.",
    "The transport minister said the plan would be financed partly by the federal budget and partly by a new levy on motorway freight, which business groups have already criticised.",
    "Engineers warn that the work itself will cause years of disruption. Several lines will have to close completely for months while tracks, signals and bridges are replaced.",
    "Environmental groups welcomed the plan but said it came too late and did too little for rural areas, where buses remain the only public transport for many villages.",
    "The opposition accused the government of announcing projects it had promised twice before, and demanded a binding timetable with yearly reports to the regional parliament.",
]


def en_article(title, extra_blocks=""):
    body = "".join(f"<p>{p}</p>\n" for p in EN_P[:3])
    body += extra_blocks
    body += "".join(f"<p>{p}</p>\n" for p in EN_P[3:])
    return title, body


def page(title, body, site="The Daily Example", lang="en", charset="utf-8", before="", after="", wrap="article"):
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2026-11-20T09:00:00Z">
<script>var analytics = {{ id: "UA-000", track: function () {{ return "tracking pixel"; }} }};</script>
<style>.sidebar {{ float: right; width: 30%; }} .cookie-banner {{ position: fixed; }}</style>
</head><body>{COOKIE}{NAV.format(site=site)}<main class="content">{before}
<{wrap} class="post article-body"><h1>{title}</h1><p class="byline">By Sam Writer · 20 November 2026</p>
{SHARE}<div class="entry-content">{body}</div></{wrap}>{after}</main>{SIDEBAR}{FOOTER.format(site=site)}</body></html>"""


def html_text(fragment):
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", fragment, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    for a, b in [("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", '"')]:
        text = text.replace(a, b)
    return text


def fixtures():
    out = []
    title, body = en_article("Rail network to get ten-year investment plan")
    out.append(("sidebar-comments", page(title, body, after=COMMENTS), title, body, "utf-8"))

    table = """<h2>Where the money goes</h2><p>The plan splits the budget as follows:</p>
<table><thead><tr><th>Area</th><th>Share</th><th>Years</th></tr></thead><tbody>
<tr><td>Track renewal</td><td>45 percent</td><td>2027 to 2033</td></tr>
<tr><td>Signalling</td><td>30 percent</td><td>2028 to 2035</td></tr>
<tr><td>Stations</td><td>25 percent</td><td>2027 to 2036</td></tr></tbody></table>"""
    title, body = en_article("How the rail billions will be spent", table)
    out.append(("table", page(title, body, after=TEASERS), title, body, "utf-8"))

    code = """<h2>Reproducing the analysis</h2><p>The delay figures can be recomputed from the open timetable data with a short script:</p>
<pre><code>import csv
late = [row for row in csv.DictReader(open("trains.csv")) if int(row["delay"]) &gt; 5]
print(len(late), "late trains")</code></pre><p>The script counts every train that arrived more than five minutes late.</p>"""
    title, body = en_article("What the timetable data really shows", code)
    out.append(("code", page(title, body, site="Data Desk"), title, body, "utf-8"))

    lists = """<h2>The main points</h2><ul><li>Ten-year plan for the whole network</li>
<li>New levy on motorway freight</li><li>Yearly reports to parliament</li></ul>
<blockquote><p>We cannot run a modern economy on a railway from the last century, the minister said.</p></blockquote>"""
    title, body = en_article("Minister defends rail plan against critics", lists)
    out.append(("teasers-quote", page(title, body, before=TEASERS, after=COMMENTS, wrap="div"), title, body, "utf-8"))

    de = [
        "Die Landesregierung will in den kommenden zehn Jahren massiv in das Schienennetz investieren. Der größte Teil des Geldes soll in Strecken fließen, die jahrzehntelang vernachlässigt wurden.",
        "Pendler klagen seit Langem über Verspätungen, Zugausfälle und überfüllte Wagen. Laut einer Umfrage kam im Frühjahr nur jeder sechste von zehn Zügen pünktlich an.",
        "Der Verkehrsminister sagte, der Plan werde teils aus dem Bundeshaushalt und teils über eine neue Abgabe auf den Güterverkehr finanziert. Wirtschaftsverbände üben bereits Kritik.",
        "Umweltverbände begrüßten die Pläne grundsätzlich, bemängelten aber, dass ländliche Regionen kaum profitieren würden, wo Busse für viele Dörfer das einzige Angebot bleiben.",
    ]
    title = "Milliarden für die Schiene: Was der Zehnjahresplan bringt"
    body = "".join(f"<p>{p}</p>\n" for p in de)
    out.append(("german-latin1", page(title, body, site="Tageblatt Beispiel", lang="de", charset="iso-8859-1", after=COMMENTS), title, body, "iso-8859-1"))

    ru = [
        "Региональное правительство объявило во вторник, что в ближайшие десять лет вложит крупные средства в железнодорожную сеть.",
        "Пассажиры давно жалуются на задержки, отмены поездов и переполненные вагоны. Весной только шесть из десяти поездов прибывали вовремя.",
        "Министр транспорта заявил, что план будет частично финансироваться из федерального бюджета и частично за счёт нового сбора с грузового транспорта.",
        "Экологические организации приветствовали план, но отметили, что сельские районы получат слишком мало, а автобусы там остаются единственным транспортом.",
    ]
    title = "Железные дороги получат десятилетний план инвестиций"
    body = "".join(f"<p>{p}</p>\n" for p in ru)
    out.append(("russian-1251", page(title, body, site="Пример Новости", lang="ru", charset="windows-1251"), title, body, "windows-1251"))

    ja = [
        "地方政府は火曜日、今後十年間で鉄道網に大規模な投資を行うと発表した。資金の大部分は、数十年にわたり放置されてきた路線に充てられる。",
        "通勤客は長年、遅延や運休、混雑した車両に不満を訴えてきた。春の調査では、朝のラッシュ時に定刻どおり到着した列車は十本中六本にとどまった。",
        "交通大臣は、計画の財源は連邦予算と高速道路の貨物輸送に対する新たな課徴金で賄うと述べた。経済団体はすでに批判している。",
        "環境団体は計画を歓迎したものの、地方への配慮が足りないと指摘した。多くの村では今もバスが唯一の公共交通機関である。",
    ]
    title = "鉄道網に十年間の投資計画"
    body = "".join(f"<p>{p}</p>\n" for p in ja)
    out.append(("japanese-sjis", page(title, body, site="例示新聞", lang="ja", charset="shift_jis", after=COMMENTS), title, body, "shift_jis"))

    ar = [
        "أعلنت الحكومة الإقليمية يوم الثلاثاء أنها ستستثمر بكثافة في شبكة السكك الحديدية خلال السنوات العشر المقبلة.",
        "يشكو الركاب منذ فترة طويلة من التأخير وإلغاء القطارات والعربات المزدحمة، ولم يصل في الربيع إلا ستة من كل عشرة قطارات في موعدها.",
        "وقال وزير النقل إن الخطة ستمول جزئيا من الميزانية الاتحادية وجزئيا من رسم جديد على نقل البضائع.",
        "ورحبت المنظمات البيئية بالخطة لكنها قالت إن المناطق الريفية لن تستفيد منها كثيرا.",
    ]
    title = "خطة استثمار لعشر سنوات في السكك الحديدية"
    body = "".join(f"<p>{p}</p>\n" for p in ar)
    out.append(("arabic", page(title, body, site="أخبار المثال", lang="ar", after=SIDEBAR), title, body, "utf-8"))
    return out


def tokens(text):
    words = []
    for w in re.findall(r"\w+", text.lower()):
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", w):
            words.extend(ch for ch in w)
        else:
            words.append(w)
    return collections.Counter(words)


def score(reference, got):
    ref, out = tokens(reference), tokens(got)
    common = sum((ref & out).values())
    recall = common / max(1, sum(ref.values()))
    precision = common / max(1, sum(out.values()))
    return recall, precision


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    work = tempfile.mkdtemp(prefix="extract-compare")
    try:
        for name, html, title, body, charset in fixtures():
            path = os.path.join(OUT, name + ".html")
            with open(path, "wb") as f:
                f.write(html.encode(charset, errors="xmlcharrefreplace"))
            reference = title + "\n" + html_text(body)
            with open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(reference)
            utf8 = os.path.join(work, name + ".html")
            with open(utf8, "w", encoding="utf-8") as f:
                f.write(html.replace(f'charset="{charset}"', 'charset="utf-8"'))
            row = [name]
            for port in PORTS:
                if not os.path.exists(PORTS_BIN):
                    row.append(None)
                    continue
                run = subprocess.run([PORTS_BIN, port, utf8, "https://example.org/" + name],
                                     capture_output=True, text=True)
                ms = float(run.stderr.split()[0]) if run.stderr.split() else float("nan")
                row.append(score(reference, run.stdout) + (ms,) if run.returncode == 0 else (0.0, 0.0, ms))
            library = os.path.join(work, "lib-" + name)
            os.makedirs(library)
            env = dict(os.environ, BLATT_CONFIG_DIR=os.path.join(work, "cfg-" + name))
            add = subprocess.run([BLATT, "add", path, library], capture_output=True, text=True, env=env)
            saved = [os.path.join(d, f) for d, _, fs in os.walk(library) for f in fs if f.endswith(".md") and f != "INDEX.md"]
            if add.returncode != 0 or not saved:
                row.append((0.0, 0.0))
            else:
                shown = subprocess.run([BLATT, "render", saved[0], "--width", "2000"], capture_output=True, text=True, env=env).stdout
                row.append(score(reference, shown))
            rows.append(row)
    finally:
        shutil.rmtree(work)
    cell = lambda r: "—" if r is None else f"{r[0]:.3f} / {r[1]:.3f}" + (f" ({r[2]:.1f} ms)" if len(r) > 2 else "")
    print("| page | " + " | ".join(PORTS) + " | blatt add (saved Markdown) |")
    print("|---|" + "---|" * (len(PORTS) + 1))
    for row in rows:
        print(f"| {row[0]} | " + " | ".join(cell(r) for r in row[1:]) + " |")
    cols = list(zip(*[r[1:] for r in rows]))
    means = []
    for col in cols:
        if any(c is None for c in col):
            means.append("—")
        else:
            means.append(f"{statistics.mean(c[0] for c in col):.3f} / {statistics.mean(c[1] for c in col):.3f}")
    print("| **mean** | " + " | ".join(means) + " |")


if __name__ == "__main__":
    sys.exit(main())
