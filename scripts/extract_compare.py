#!/usr/bin/env python3
"""Article extraction, scored: Readability ports side by side, and blatt's saved Markdown.

Builds fixture pages with the article each holds as reference, into
tests/fixtures/news/compare/, in two sets:

- short: about 250 words each, all with the same furniture (sidebars, comments, cookie
  banner, teaser lists, share bar) around tables, code, quotes, and text in German
  (Latin-1), Russian (windows-1251), Japanese (Shift_JIS) and Arabic;
- news: as long and furnished as real news pages (400 to 1000 words, or 400 to 600
  characters in Japanese and Chinese), each with its canonical address: a long article with
  a figure, caption and two authors under a consent banner; a live blog; a Japanese page
  with a Japanese cookie banner; an AMP page; a Chinese page in GB18030.

Then, for every page:

- each port in scripts/readability-compare (dom_smoothie, legible, readabilityrs) extracts
  title and text;
- `blatt add PAGE LIB` saves the article and `blatt render` shows it as read (title and
  source line included);

and each result is scored against the reference by words: recall is the share of the
reference's words that the result keeps, precision the share of the result's words that are
the article's (multisets; CJK characters count one each). The reference is the article as a
reader sees it: headline, byline and text (images as their alt text). OLD_REFERENCE=1 leaves
the byline out, as the first version of this script did; BLATT=PATH scores another build.

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
BLATT = os.environ.get("BLATT", os.path.join(ROOT, "target", "release", "blatt"))
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

BYLINE = "By Sam Writer · 20 November 2026"

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
<{wrap} class="post article-body"><h1>{title}</h1><p class="byline">{BYLINE}</p>
{SHARE}<div class="entry-content">{body}</div></{wrap}>{after}</main>{SIDEBAR}{FOOTER.format(site=site)}</body></html>"""


def html_text(fragment):
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", fragment, flags=re.S)
    # An image is part of the article: its alt text is what stands for it in text.
    text = re.sub(r"<(?:amp-)?img[^>]*\balt=\"([^\"]*)\"[^>]*>", r" \1 ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    for a, b in [("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", '"')]:
        text = text.replace(a, b)
    return text


def short_fixtures():
    """The first set: about 250 words each, every page with the same furniture."""
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
    return [(name, html, title, BYLINE, body, charset) for name, html, title, body, charset in out]


# Pages as long and as furnished as real news pages (400 to 1000 words), each with a
# canonical address (so blatt's source line carries the address, as it does for a page
# fetched from the web).

LONG_P = [
    "The city's oldest public swimming pool will close for at least two years from March, the council confirmed on Wednesday, after engineers found that the concrete of the main basin had cracked in several places and could no longer be repaired in small steps.",
    "The pool, opened in 1931 and listed as a monument since the 1980s, is used by about 180,000 swimmers a year, among them eleven schools that have no other place to hold their lessons within a reasonable bus ride.",
    "Engineers first noticed water seeping into the plant room below the basin last winter. A survey commissioned in the spring found that the steel inside the concrete had rusted through in places, and that the tiles were hiding far more damage than anyone had expected.",
    "The renovation is expected to cost 24 million euros, almost twice the figure that was discussed two years ago. The council wants to pay for about half of it from its own budget and hopes that the region and a federal programme for sports buildings will cover the rest.",
    "For the schools, the closure comes at a difficult time. Swimming lessons were already cut during the pandemic, and teachers say that a growing number of children reach secondary school without being able to swim a single length.",
    "The council has promised buses to two pools in neighbouring towns, but head teachers doubt that the timetable will work. A return trip of more than an hour leaves little time for the lesson itself, one of them said at a meeting on Tuesday evening.",
    "Swimming clubs are worried too. The largest of them trains about 400 children and young people every week, and its chair said that the club could lose half of its members if training moves to the far end of the region for two years.",
    "Campaigners who fought against an earlier plan to close the pool for good welcomed the decision to renovate rather than to demolish it. They have collected more than 12,000 signatures over the years and say the building belongs to the identity of the whole district.",
    "The architects chosen for the work plan to keep the historic hall with its glass roof and tiled walls, while the technical plant will be replaced completely. The new plant should use about a third less energy, mainly through heat recovery from the water that is drained every night.",
    "A smaller teaching pool will be added in the former changing rooms, which should allow schools and clubs to share the building more easily once it reopens. The changing rooms themselves will move to a new wing on the side of the car park.",
    "Opposition councillors criticised the rising costs and asked why the damage had not been found earlier. The building had been inspected every year, they said, and the council should explain why the reports never mentioned the state of the concrete.",
    "The head of the building department said that the damage was hidden under the tiles and could only be seen once parts of the basin had been opened. She added that the council would publish the full engineering report on its website next week.",
    "If the work goes to plan, the pool will reopen in the spring of 2029. Until then, the council says it will look for a temporary pool that could be set up on the grounds of the sports park, although no decision on that has been taken yet.",
]

FIGURE = """<figure class="article-image"><img src="/img/pool-hall.jpg" alt="The hall of the old pool with its glass roof">
<figcaption>The hall of the pool, opened in 1931, will keep its glass roof and tiled walls. <span class="credit">Photo: Lena Fischer</span></figcaption></figure>"""


def long_news():
    title = "Historic swimming pool to close for two years of repairs"
    byline = "By Lena Fischer and Tom Berg · 20 November 2026, 18:04"
    paras = [f"<p>{p}</p>\n" for p in LONG_P]
    body = "".join(paras[:2]) + FIGURE + "".join(paras[2:6]) + "<h2>Worries for schools and clubs</h2>\n" + "".join(paras[6:9]) + "<h2>What the renovation brings</h2>\n" + "".join(paras[9:])
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example"><meta name="author" content="Lena Fischer, Tom Berg">
<meta property="article:published_time" content="2026-11-20T18:04:00Z">
<link rel="canonical" href="https://daily.example/city/2026/11/20/historic-pool-to-close">
<script>var analytics = {{ id: "UA-000" }};</script><style>.sidebar {{ float: right; }}</style>
</head><body><div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookie banner"><div class="ot-sdk-container">
<p id="onetrust-policy-text">We and our partners store and access information on a device, such as cookies, and process personal data such as unique identifiers and standard information sent by a device for personalised ads and content, ad and content measurement, and audience insights, as well as to develop and improve products.</p>
<button id="onetrust-accept-btn-handler">I accept</button><button>Show purposes</button></div></div>
{NAV.format(site="The Daily Example")}<main class="content"><div class="breadcrumbs"><a href="/">Home</a> › <a href="/city">City</a></div>
<article class="story"><header class="story-header"><h1>{title}</h1><p class="byline">{byline}</p></header>
{SHARE}<div class="story-body">{body}</div>
<div class="newsletter-box"><h3>The city in your inbox</h3><p>Every evening the stories of the day from your district, free of charge.</p><form><input type="email"><button>Subscribe</button></form></div>
<p class="tags">Topics: <a href="/t/city">City</a> <a href="/t/sport">Sport</a> <a href="/t/schools">Schools</a></p>
</article>{TEASERS}{COMMENTS}</main>{SIDEBAR}{FOOTER.format(site="The Daily Example")}</body></html>"""
    return "long-news", html, title, byline, body, "utf-8"


LIVE = [
    ("18:42", "Polls have closed", "Polling stations across the region closed at six. Turnout at four o'clock stood at 48 percent, three points higher than at the same time in the last election, according to the regional returning officer."),
    ("18:55", "First exit poll", "The first exit poll puts the governing party at 31 percent, down four points, with the Greens at 22 and the conservatives at 27. The poll, based on about 20,000 interviews, has a margin of error of two points either way."),
    ("19:10", "Reaction at the party offices", "At the Greens' election party in the old market hall, the first figures were met with loud cheers. At the offices of the governing party, the mood is quiet, and no senior figure has spoken to reporters yet."),
    ("19:24", "Premier speaks", "The regional premier has conceded that the result is a disappointment. We will look carefully at what voters told us tonight, she said in a short statement, adding that it was too early to talk about coalitions."),
    ("19:48", "Counting in the cities", "In the three largest cities the count is progressing quickly. In the capital, the Greens lead in eleven of fifteen districts, while the conservatives are ahead in the suburbs and in most rural constituencies."),
    ("20:15", "Smaller parties", "The liberals look set to miss the five percent threshold for the second time in a row. Their leader said the party would stay in the fight and thanked the volunteers who had campaigned for weeks in the cold and rain."),
    ("20:40", "Projection updated", "The latest projection, based on counted votes, sees the Greens at 23 percent and the governing party at 30. That would be enough for the two of them to continue governing together, with a narrow majority of four seats."),
    ("21:05", "Coalition talks", "Leaders of both parties have signalled that they are willing to talk. The Greens' lead candidate said her party would enter talks with clear demands on transport and housing, and would not sign a deal at any price."),
    ("21:30", "Turnout record", "Final turnout figures show that 67 percent of voters took part, the highest share since 1996. Election researchers attribute the rise to a close race and to the large number of first-time voters after the age limit was lowered."),
    ("22:00", "What happens next", "The official result is expected at about two in the morning. The new parliament will meet for the first time within thirty days, and will then elect the premier. We are ending our live coverage here; thank you for following."),
]


def live_blog():
    title = "Regional election: results as they come in"
    byline = "Live: Sam Writer, Anna Kowalski and Jonas Meyer"
    share = '<div class="share-post"><a href="/s/{i}">Share this post</a></div>'
    entry = '<div class="live-post" id="post-{i}"><time datetime="2026-11-20T{t}:00Z">{t}</time><h3>{h}</h3><p>{p}</p>{share}</div>\n'
    summary = "<p class=\"summary\"><strong>Summary:</strong> The Greens gain strongly, the governing party loses but the coalition keeps a narrow majority; turnout is the highest since 1996.</p>\n"
    body = summary + "".join(entry.format(i=i, t=t, h=h, p=p, share=share.format(i=i)) for i, (t, h, p) in enumerate(reversed(LIVE)))
    reference = summary + "".join(entry.format(i=i, t=t, h=h, p=p, share="") for i, (t, h, p) in enumerate(reversed(LIVE)))
    key = "".join(f'<li><a href="#post-{i}">{h}</a></li>' for i, (_, h, _) in enumerate(reversed(LIVE)) if i % 3 == 0)
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example"><meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2026-11-20T18:40:00Z">
<link rel="canonical" href="https://daily.example/politics/live/2026/11/20/regional-election-live">
<script>setInterval(function () {{ fetch("/live/updates.json"); }}, 30000);</script>
</head><body>{COOKIE}{NAV.format(site="The Daily Example")}<main>
<div class="live-blog"><h1>{title}</h1><p class="byline">{byline}</p>
<aside class="key-events"><h2>Key events</h2><ul>{key}</ul></aside>
<div class="live-feed">{body}</div>
<button class="load-more">Show older posts</button></div></main>{SIDEBAR}{FOOTER.format(site="The Daily Example")}</body></html>"""
    return "live-blog", html, title, byline, reference, "utf-8"


JA_LONG = [
    "市議会は30日、市の予算の全データを来年1月からオープンデータとして公開することを全会一致で決めた。道路の補修から図書館の本まで、すべての支出が機械で読める形式でダウンロードできるようになる。",
    "公開を求めてきた市民団体は、2年にわたり署名活動や勉強会を続けてきた。代表の佐藤さんは「税金の使い道を知るのは市民の権利だ。今日は、ここに住むすべての人にとって良い日になった」と話した。",
    "最初の公開では、部局ごとの支出、外部業者との契約、クラブや学校への補助金が対象となり、その後は毎月更新される。500ユーロを超える請求書は一件ずつ公開される予定だ。",
    "市の担当者によると、データは表計算ソフトで開ける形式で提供され、各項目の意味を説明する手引きも用意する。初心者向けの講習会も来年2月に開く予定だという。",
    "一方、野党からは、小さな業者の名前が明らかになるおそれがあるとして、半年後の見直しを求める声も上がった。市は夏に議会へ報告するとしている。",
    "専門家は、同様の取り組みを進める他の自治体と比べても公開の範囲は広いと評価する一方、データが古くならないよう更新を続けられるかが課題だと指摘している。",
]


def japanese_banner():
    title = "市、予算を全面公開へ　来年１月から"
    byline = "山田花子　2026年11月20日"
    body = "".join(f"<p>{p}</p>\n" for p in JA_LONG)
    html = f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title} | 例示新聞</title>
<meta property="og:site_name" content="例示新聞"><meta name="author" content="山田花子">
<meta property="article:published_time" content="2026-11-20T09:00:00+09:00">
<link rel="canonical" href="https://shimbun.example/news/2026/11/20/budget-open-data">
</head><body><div id="CybotCookiebotDialog" class="CybotCookiebotDialog--active" aria-label="クッキーの設定">
<h2>クッキーの使用について</h2><p>当サイトでは、サービスの向上、広告の配信、アクセス解析のためにクッキーを使用しています。「すべて許可」を押すと、クッキーの使用に同意したことになります。詳しくはプライバシーポリシーをご覧ください。</p>
<div class="buttons"><a href="/privacy">設定</a> <a href="#accept">すべて許可</a></div></div>
<header class="site-header"><a class="logo" href="/">例示新聞</a><ul class="menu"><li><a href="/national">社会</a></li><li><a href="/politics">政治</a></li><li><a href="/business">経済</a></li></ul></header>
<main><article class="news-article"><h1>{title}</h1><p class="byline">{byline}</p>
<div class="article-body">{body}</div></article>
<section class="related-news"><h2>関連記事</h2><ul><li><a href="/news/a">市長、来年度予算案を発表　子育て支援に重点</a></li><li><a href="/news/b">図書館の開館時間、来月から延長</a></li></ul></section>
<section id="comments"><h2>コメント（2件）</h2><div class="comment"><p>やっと公開されるのですね。ずっと待っていました。</p></div><div class="comment"><p>警察の予算はどうなっているのでしょうか。</p></div></section>
</main><footer class="site-footer"><p>© 2026 例示新聞　無断転載を禁じます</p></footer></body></html>"""
    return "japanese-banner", html, title, byline, body, "utf-8"


def amp_like():
    title = "Pool repairs: what swimmers need to know"
    byline = "By Tom Berg"
    paras = [f"<p>{p}</p>\n" for p in LONG_P[:9]]
    figure = '<figure class="amp-wp-inline"><amp-img src="/img/pool.jpg" width="1200" height="800" layout="responsive" alt="Lanes of the old pool"></amp-img><figcaption>Lanes of the old pool, which will be empty until 2029.</figcaption></figure>\n'
    ad = '<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/news"><div fallback>Advertisement</div></amp-ad>\n'
    body = "".join(paras[:3]) + figure + "".join(paras[3:6]) + ad + "".join(paras[6:])
    reference = body.replace(ad, "")
    html = f"""<!doctype html>
<html amp lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://daily.example/city/2026/11/20/pool-what-swimmers-need-to-know">
<meta name="viewport" content="width=device-width"><script async src="https://cdn.ampproject.org/v0.js"></script>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}", "datePublished": "2026-11-20T10:00:00Z", "author": {{"@type": "Person", "name": "Tom Berg"}}, "publisher": {{"@type": "Organization", "name": "The Daily Example"}}}}</script>
<style amp-custom>body {{ font-family: sans-serif; }} .amp-wp-header {{ background: #005; }}</style>
</head><body><amp-consent id="consent" layout="nodisplay"><div class="consent-ui" id="consent-ui"><p>We use cookies to measure our audience and show you relevant ads.</p><button on="tap:consent.accept">Accept</button></div></amp-consent>
<header class="amp-wp-header"><div><a href="/">The Daily Example</a></div><amp-sidebar id="menu" layout="nodisplay"><ul><li><a href="/city">City</a></li><li><a href="/sport">Sport</a></li></ul></amp-sidebar></header>
<article class="amp-wp-article"><header class="amp-wp-article-header"><h1 class="amp-wp-title">{title}</h1>
<div class="amp-wp-meta amp-wp-byline"><span class="amp-wp-author author vcard">{byline}</span></div></header>
<div class="amp-wp-article-content">{body}</div>
<footer class="amp-wp-article-footer"><amp-social-share type="facebook"></amp-social-share><amp-social-share type="email"></amp-social-share>
<div class="amp-wp-comments-link"><a href="/city/pool#comments">Leave a comment</a></div></footer></article>
<footer class="amp-wp-footer"><p>© 2026 The Daily Example</p><a href="#top" class="back-to-top">Back to top</a></footer></body></html>"""
    return "amp-like", html, title, byline, reference, "utf-8"


ZH = [
    "市议会周一投票决定，从明年一月起将全部预算作为开放数据公布。从道路维修到图书馆藏书，每一笔支出都将以机器可读的格式提供下载。",
    "这一决定是当地团体两年来持续呼吁的结果。他们认为，居民有权了解税款的去向。领导这项运动的李女士说：“对于住在这里的每一个人来说，今天都是好日子。”",
    "首批公开的内容包括各部门的支出、与外部供应商签订的合同以及对俱乐部、学校和文化团体的补助，此后每月更新一次。",
    "反对派警告说，公布单张发票可能会暴露小型供应商的名称，并要求在六个月后进行审查。市议会同意在夏季向议会报告。",
    "专家认为，与其他城市相比，此次公开的范围相当广泛，但能否保持数据及时更新将是今后的关键。",
]


def chinese_gb18030():
    title = "市议会决定全面公开预算数据"
    byline = "记者 王明　2026年11月20日"
    body = "".join(f"<p>{p}</p>\n" for p in ZH)
    html = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="gb18030"><title>{title}_新闻_示例日报</title>
<meta property="og:site_name" content="示例日报"><link rel="canonical" href="https://ribao.example/news/2026-11-20/budget.html">
</head><body><div class="cookie-notice" id="cookieNotice"><p>本网站使用Cookie来改善您的浏览体验、分析网站流量并提供个性化内容。继续浏览即表示您同意我们使用Cookie。</p><a href="#ok">同意</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻</a></li><li><a href="/finance">财经</a></li><li><a href="/sports">体育</a></li></ul></div>
<div class="main"><div class="left"><h1>{title}</h1><div class="info">{byline}</div>
<div class="content" id="articleText">{body}</div>
<div class="share"><a href="/s/weibo">分享到微博</a> <a href="/s/wechat">分享到微信</a></div></div>
<div class="right"><h3>热点新闻</h3><ul><li><a href="/n/1">本市地铁三号线年底通车</a></li><li><a href="/n/2">冬季供暖明日开始</a></li><li><a href="/n/3">图书馆延长开放时间</a></li></ul></div></div>
<div class="footer">版权所有 © 2026 示例日报</div></body></html>"""
    return "chinese-gb18030", html, title, byline, body, "gb18030"


def news_fixtures():
    return [long_news(), live_blog(), japanese_banner(), amp_like(), chinese_gb18030()]


def fixtures():
    return [("short",) + f for f in short_fixtures()] + [("news",) + f for f in news_fixtures()]


def tokens(text):
    # A word is a run of letters and digits; a CJK character is a word of its own, and the
    # digits and Latin letters between them stay one word (2026年11月: 2026, 年, 11, 月).
    words = re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]|[^\W\u3040-\u30ff\u4e00-\u9fff]+", text.lower())
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
        for group, name, html, title, byline, body, charset in fixtures():
            path = os.path.join(OUT, name + ".html")
            with open(path, "wb") as f:
                f.write(html.encode(charset, errors="xmlcharrefreplace"))
            # The article as a reader sees it: headline, byline, text. OLD_REFERENCE=1 scores
            # against headline and text only, as this script first did.
            shown_byline = "" if os.environ.get("OLD_REFERENCE") else byline + "\n"
            reference = title + "\n" + shown_byline + html_text(body)
            with open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(reference)
            utf8 = os.path.join(work, name + ".html")
            with open(utf8, "w", encoding="utf-8") as f:
                f.write(html.replace(f'charset="{charset}"', 'charset="utf-8"'))
            row = [name, group]
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
    print("| page | " + " | ".join(PORTS) + " | blatt add (saved Markdown as rendered) |")
    print("|---|" + "---|" * (len(PORTS) + 1))
    for row in rows:
        print(f"| {row[0]} | " + " | ".join(cell(r) for r in row[2:]) + " |")

    def mean_row(label, chosen):
        means = []
        for col in zip(*[r[2:] for r in chosen]):
            if any(c is None for c in col):
                means.append("—")
            else:
                means.append(f"{statistics.mean(c[0] for c in col):.3f} / {statistics.mean(c[1] for c in col):.3f}")
        print(f"| **{label}** | " + " | ".join(means) + " |")

    for group in ("short", "news"):
        chosen = [r for r in rows if r[1] == group]
        if chosen:
            mean_row(f"mean, {group} pages", chosen)
    mean_row("mean, all pages", rows)


if __name__ == "__main__":
    sys.exit(main())
