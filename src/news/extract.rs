//! A web page becomes an article: its bytes are decoded (the charset of the HTTP header, else
//! of its `<meta>`, else detected, through `encoding_rs`), its main text is found by
//! `dom_smoothie` (a port of Mozilla's Readability, chosen by measuring: see the README) and
//! written as Markdown by `dom_query`'s serializer, which keeps headings, paragraphs, lists,
//! quotes, code, tables, links with their targets and images with their alt text.
//!
//! Before extraction the page's furniture is removed ([`clean`]: cookie banners, newsletter
//! and share boxes, comments, related teasers, dialogs), every link is made absolute and
//! every one that is not http, https or mailto loses its target (its text stays); images
//! keep their alt text and an http(s) source only. Everything that comes out (the Markdown and each field) goes through the
//! sanitizer, so no control character of the page reaches a file or the terminal.

use dom_query::Document;
use dom_smoothie::ParsePolicy;
use url::Url;

use super::{NewsError, address, clean, long};
use crate::document::sanitize::{sanitize, sanitize_line};

/// An extracted article, every field clean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub byline: Option<String>,
    pub site: Option<String>,
    /// `yyyy-mm-dd`, when the page gives a date.
    pub published: Option<String>,
    pub language: Option<String>,
    pub excerpt: Option<String>,
    /// The `<link rel=canonical>` of the page, absolute, if it is http or https.
    pub canonical: Option<String>,
    /// The body as Markdown (without the title).
    pub markdown: String,
}

/// The most elements a page may have; a larger one is refused rather than scored for
/// seconds (a 20 MB page of real news has far fewer).
const MAX_ELEMENTS: usize = 400_000;
/// The shortest article text, in characters, in a script written without spaces (the
/// length of about 500 characters of English; Readability's default is 500).
const DENSE_CHAR_THRESHOLD: usize = 200;
/// How deep elements may nest before the page is flattened: the extraction walks the tree
/// recursively, and a hostile page nests a hundred thousand `<div>`s.
const MAX_DEPTH: usize = 512;
/// How deep tags may nest in the text before the deeper ones are dropped (their text
/// stays): html5ever's tree builder looks through the open elements for each new one, so a
/// page nesting 20,000 `<div>`s takes a minute to parse; browsers cap nesting the same way.
const MAX_TAG_DEPTH: usize = 256;

/// Decodes an HTML page: the charset of the HTTP header (`header`), else the one its
/// `<meta>` names in the first KiB, else a byte-order mark or detection. A page labelled
/// UTF-8 that is not valid UTF-8 is detected instead (mislabelled pages are common).
pub fn decode_html(bytes: &[u8], header: Option<&str>) -> Result<String, NewsError> {
    use encoding_rs::{Encoding, UTF_8};
    let labelled = header
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| meta_charset(bytes));
    if let Some((bom, _)) = Encoding::for_bom(bytes) {
        return Ok(bom.decode_with_bom_removal(bytes).0.into_owned());
    }
    match labelled {
        Some(encoding) if encoding == UTF_8 && std::str::from_utf8(bytes).is_err() => {}
        // A page cannot be UTF-16 without a BOM (HTML reads such a label as UTF-8).
        Some(encoding) if encoding.output_encoding() == encoding => {
            return Ok(encoding.decode_without_bom_handling(bytes).0.into_owned());
        }
        _ => {}
    }
    crate::document::decode::decode(bytes)
        .map(|d| d.text)
        .map_err(|e| NewsError::NotArticle(e.to_string()))
}

/// The encoding a `<meta charset>` or `<meta http-equiv content="…; charset=…">` in the
/// first 1024 bytes names.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    use std::sync::LazyLock;
    static META: LazyLock<Option<regex::bytes::Regex>> = LazyLock::new(|| {
        regex::bytes::Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).ok()
    });
    let head = &bytes[..bytes.len().min(1024)];
    let found = META.as_ref()?.captures(head)?;
    encoding_rs::Encoding::for_label(found.get(1)?.as_bytes())
}

/// Extracts the article from a decoded page. `url` is where it came from (links are made
/// absolute against it); `None` for a local file.
pub fn extract(html: &str, url: Option<&Url>) -> Result<Article, NewsError> {
    extract_with(html, url, true).map(|(article, _)| article)
}

/// [`extract`]; `shortcut` takes a long article's container the short way (`long`), and
/// the answer says whether it was.
fn extract_with(
    html: &str,
    url: Option<&Url>,
    shortcut: bool,
) -> Result<(Article, bool), NewsError> {
    let pruned = prune_html(html);
    let (doc, base, canonical, page) = prepare(&pruned, url);
    let headline = doc
        .select_single("h1")
        .text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Readability takes a text shorter than this for a failed attempt and tries again with
    // fewer cleaning steps; in Chinese or Japanese a whole article is that short.
    let char_threshold = if page.dense_script {
        DENSE_CHAR_THRESHOLD
    } else {
        dom_smoothie::Config::default().char_threshold
    };
    let config = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Markdown,
        max_elements_to_parse: MAX_ELEMENTS,
        char_threshold,
        ..dom_smoothie::Config::default()
    };
    let doc_url = base.as_ref().map(Url::as_str);
    let long_enough =
        |found: &dom_smoothie::Article| found.text_content.chars().count() >= char_threshold;
    // A page that is one long article: Readability reads the beginning of its container,
    // the rest is cleaned and put back after it (see `long`). When Readability does not
    // keep that beginning, the whole page is read as any other.
    let mut doc = Some(doc);
    let mut found = None;
    if let Some(split) = doc.as_ref().filter(|_| shortcut).and_then(long::split) {
        found = doc
            .take()
            .and_then(|doc| {
                readability(doc, doc_url, config.clone(), Some(ParsePolicy::Strict)).ok()
            })
            .and_then(|(found, doc)| with_tail(found, &doc, &split))
            .filter(long_enough);
    }
    // One attempt with every cleaning step, on the tree itself. Only when its text is short
    // (or none is found) Readability's own series of attempts with fewer steps, which works
    // on a copy of the tree for each, on a tree built again.
    let short_way = found.is_some();
    let found = match found {
        Some(found) => found,
        None => {
            let doc = doc.unwrap_or_else(|| prepare(&pruned, url).0);
            match readability(doc, doc_url, config.clone(), Some(ParsePolicy::Strict)) {
                Ok((found, _)) if long_enough(&found) => found,
                _ => {
                    let (doc, ..) = prepare(&pruned, url);
                    readability(doc, doc_url, config, None)?.0
                }
            }
        }
    };
    let field = |text: Option<String>| {
        text.map(|t| sanitize_line(&t))
            .filter(|t| !t.trim().is_empty())
    };
    let site = field(found.site_name);
    let title = headline_of(
        &strip_site(&sanitize_line(&found.title), site.as_deref()),
        &sanitize_line(&headline),
    );
    let markdown = tidy(&sanitize(&found.text_content), &title);
    let article = Article {
        title,
        byline: field(found.byline),
        site,
        published: found.published_time.as_deref().and_then(iso_date),
        language: field(found.lang).map(|l| l.chars().take(20).collect()),
        excerpt: field(found.excerpt),
        canonical,
        markdown,
    };
    Ok((article, short_way))
}

/// The tree of a pruned page ready for Readability: flattened, its furniture removed, its
/// links cleaned; with the base address, the canonical address and what the cleaning found.
fn prepare(
    html: &str,
    url: Option<&Url>,
) -> (Document, Option<Url>, Option<String>, clean::PageText) {
    let doc = Document::from(html);
    flatten_deep(&doc);
    // Looked for in the head only: a selector would look at every element of the page.
    let head = doc.select_single("head");
    let base = head
        .select_single("base[href]")
        .attr("href")
        .and_then(|href| match url {
            Some(url) => url.join(&href).ok(),
            None => Url::parse(&href).ok(),
        })
        .filter(|b| matches!(b.scheme(), "http" | "https"))
        .or_else(|| url.cloned());
    let canonical = head
        .select_single("link[rel~=canonical][href]")
        .attr("href")
        .and_then(|href| address::resolve_link(base.as_ref(), &href))
        .filter(|c| c.starts_with("http"));
    // A saved page (a local file) resolves its links against the address it names.
    let base = base.or_else(|| canonical.as_deref().and_then(|c| Url::parse(c).ok()));
    let page = clean::strip_furniture(&doc, &mut |node, name| {
        clean_link(node, name, base.as_ref())
    });
    (doc, base, canonical, page)
}

/// Readability's article of `doc`: with one `policy`, else with its series of attempts;
/// with the tree as Readability left it (the article under `#readability-page-1`).
fn readability(
    doc: Document,
    url: Option<&str>,
    config: dom_smoothie::Config,
    policy: Option<ParsePolicy>,
) -> Result<(dom_smoothie::Article, Document), NewsError> {
    let mut readability = dom_smoothie::Readability::with_document(doc, url, Some(config))
        .map_err(|e| NewsError::NotArticle(e.to_string()))?;
    let found = match policy {
        Some(policy) => readability.parse_with_policy(policy),
        None => readability.parse(),
    }
    .map_err(|e| match e {
        dom_smoothie::ReadabilityError::GrabFailed => {
            NewsError::NotArticle("no article text found on the page".to_string())
        }
        other => NewsError::NotArticle(other.to_string()),
    })?;
    Ok((found, readability.doc))
}

/// The article Readability found in the beginning of a long article (`found`, in `doc`)
/// with the rest of the article put back after it: its Markdown made again. `None` when
/// Readability did not keep the beginning.
fn with_tail(
    mut found: dom_smoothie::Article,
    doc: &Document,
    split: &long::Split,
) -> Option<dom_smoothie::Article> {
    let root = *doc.select_single("#readability-page-1").nodes().first()?;
    if !long::put_back(doc, &root, split) {
        return None;
    }
    found.text_content = root.md(None);
    Some(found)
}

/// The Markdown of an HTML fragment (a feed item's content), links made absolute against
/// `base` and cleaned as in [`extract`], sanitized.
pub fn fragment(html: &str, base: Option<&Url>) -> String {
    let doc = Document::fragment(prune_html(html).as_ref());
    flatten_deep(&doc);
    clean_links(&doc, base);
    let markdown = doc.root().md(None);
    tidy(&sanitize(&markdown), "")
}

/// A title without the site's name the page appended (`Story | The Gazette`); the
/// extraction leaves it on some titles in non-Latin scripts.
fn strip_site(title: &str, site: Option<&str>) -> String {
    let Some(site) = site.filter(|s| !s.is_empty()) else {
        return title.to_string();
    };
    for separator in [" | ", " - ", " – ", " — ", " · ", " :: "] {
        if let Some(rest) = title
            .strip_suffix(site)
            .and_then(|t| t.strip_suffix(separator))
            && !rest.trim().is_empty()
        {
            return rest.trim().to_string();
        }
    }
    title.to_string()
}

/// The page's `<h1>` when the title is that headline with more after a separator
/// (`标题_新闻_示例日报`: `_` is a separator Readability does not know).
fn headline_of(title: &str, headline: &str) -> String {
    let separated = title
        .strip_prefix(headline)
        .and_then(|rest| rest.trim_start().chars().next())
        .is_some_and(|c| "_|-–—·•/\\»>~".contains(c));
    if !headline.is_empty() && separated {
        headline.to_string()
    } else {
        title.to_string()
    }
}

/// The `yyyy-mm-dd` at the start of an ISO 8601 date or timestamp.
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let date = text.get(..10)?;
    let bytes = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && bytes[4] == b'-' && digits(5..7) && bytes[7] == b'-' && digits(8..10))
        .then(|| date.to_string())
}

/// Absolute link targets; a target that is not http, https or mailto goes (the text stays).
/// Images keep their alt text: with an http(s) source as Markdown images, else as text.
fn clean_links(doc: &Document, base: Option<&Url>) {
    for link in doc.select("a[href], img").nodes() {
        let name = link.node_name().unwrap_or_default();
        clean_link(link, &name, base);
    }
}

/// [`clean_links`] for one element (`name` is its tag).
fn clean_link(node: &dom_query::NodeRef, name: &str, base: Option<&Url>) {
    match name {
        "a" => {
            if let Some(href) = node.attr("href") {
                match address::resolve_link(base, &href) {
                    Some(target) => node.set_attr("href", &target),
                    None => node.remove_attr("href"),
                }
            }
        }
        "img" => {
            let alt = node
                .attr("alt")
                .map(|a| a.trim().to_string())
                .unwrap_or_default();
            let src = node
                .attr("src")
                .and_then(|src| address::resolve_link(base, &src))
                .filter(|s| s.starts_with("http"));
            match (alt.is_empty(), src) {
                (true, _) => node.remove_from_parent(),
                (false, Some(src)) => {
                    node.set_attr("src", &src);
                    node.remove_attr("srcset");
                }
                (false, None) => {
                    node.remove_attr("srcset");
                    node.remove_attr("data-src");
                    node.set_attr("src", "");
                    node.replace_with_html(escape_html(&alt));
                }
            }
        }
        _ => {}
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page without what never becomes article text, cut before the tree is built (a
/// large page is mostly scripts, styles and icons, and the parser and every walk over the
/// tree would pay for them): comments, `<script>`s (but for JSON-LD, which names title,
/// author and date), `<style>`s and `<svg>`s. And every start tag nested deeper than
/// [`MAX_TAG_DEPTH`] is left out, with its end tag. The page itself (not copied) when
/// nothing is cut. A linear scan over the tags, not a parser: doctypes and the text of
/// `<textarea>`, `<title>` are stepped over, void elements and those whose end tag may be
/// left out (`<p>`, `<li>`, `<td>`, …) do not count.
pub fn prune_html(html: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
        "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "html", "head", "body",
    ];
    const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];
    let bytes = html.as_bytes();
    // (start, end) of each tag to leave out, found in one pass.
    let mut cut: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut excess = 0usize;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            cut.push((start, at));
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // `<!doctype`, `<?xml`, a lone `<`.
            at = if matches!(bytes.get(start + 1), Some(b'!' | b'?')) {
                memchr::memchr(b'>', &bytes[start..]).map_or(bytes.len(), |e| start + e + 1)
            } else {
                start + 1
            };
            continue;
        }
        // Lowercased on the stack: no allocation per tag. A longer name is none of those
        // looked for.
        let mut lower = [0u8; 16];
        let name = match bytes.get(name_start..name_start + name_len) {
            Some(raw) if raw.len() <= lower.len() => {
                lower[..raw.len()].copy_from_slice(raw);
                lower[..raw.len()].make_ascii_lowercase();
                std::str::from_utf8(&lower[..raw.len()]).unwrap_or("")
            }
            _ => "",
        };
        let end =
            memchr::memchr(b'>', &bytes[name_start..]).map_or(bytes.len(), |e| name_start + e + 1);
        at = end;
        if VOID.contains(&name) {
            continue;
        }
        if closing {
            if excess > 0 {
                excess -= 1;
                cut.push((start, end));
            } else {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if html[..end].ends_with("/>") {
            continue;
        }
        let unwanted = match name {
            "script" => !contains_ignore_case(&html[start..end], "ld+json"),
            "style" | "svg" => true,
            _ => false,
        };
        if unwanted || RAW.contains(&name) {
            // Its text holds no tags (an `<svg>` is taken to hold no other `<svg>`): on to
            // its end tag.
            let mut look = end;
            at = bytes.len();
            while let Some(e) = memchr::memmem::find(&bytes[look..], b"</") {
                let tag = look + e + 2;
                if bytes
                    .get(tag..tag + name.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()))
                {
                    at = look + e;
                    break;
                }
                look = tag;
            }
            if unwanted {
                // Cut with its end tag.
                at = memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |e| at + e + 1);
                cut.push((start, at));
            } else {
                depth += 1;
            }
            continue;
        }
        if depth >= MAX_TAG_DEPTH {
            excess += 1;
            cut.push((start, end));
        } else {
            depth += 1;
        }
    }
    if cut.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (start, end) in cut {
        out.push_str(&html[from..start]);
        from = end;
    }
    out.push_str(&html[from..]);
    Cow::Owned(out)
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Elements nested deeper than [`MAX_DEPTH`] are moved up to that depth, in order, so that
/// no recursive walk over the tree can run out of stack; text stays where it reads.
fn flatten_deep(doc: &Document) {
    let body = match doc.select_single("body").nodes().first() {
        Some(body) => *body,
        None => doc.root(),
    };
    // An iterative walk: (node, depth).
    let mut stack = vec![(body, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let children = node.children();
        if depth >= MAX_DEPTH {
            // Everything below this node becomes its direct children, in document order.
            let mut deep = Vec::new();
            let mut pending: Vec<_> = children.into_iter().rev().collect();
            while let Some(child) = pending.pop() {
                let grand = child.children();
                deep.push(child);
                pending.extend(grand.into_iter().rev());
            }
            for child in deep {
                child.remove_from_parent();
                node.append_child(&child);
            }
            continue;
        }
        for child in children.into_iter().rev() {
            if child.is_element() {
                stack.push((child, depth + 1));
            }
        }
    }
}

/// The Markdown as written: without a first heading that repeats the title, blank lines
/// collapsed, ending in one newline.
fn tidy(markdown: &str, title: &str) -> String {
    let mut text = markdown.trim_start();
    if let Some(first) = text.lines().next() {
        let heading = first.trim_start_matches('#').trim();
        if first.starts_with('#') && sanitize_line(heading) == title {
            text = text[first.len()..].trim_start();
        }
    }
    let mut out = String::with_capacity(text.len() + 1);
    let mut blanks = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blanks += 1;
            continue;
        }
        if blanks > 0 && !out.is_empty() {
            out.push('\n');
        }
        blanks = 0;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_from_header_then_meta_then_detection() {
        let latin =
            b"<html><head><title>K\xe4se</title></head><body><p>Gr\xfc\xdfe</p></body></html>";
        assert!(
            decode_html(latin, Some("windows-1252"))
                .unwrap()
                .contains("Käse")
        );
        let meta = b"<html><head><meta charset=\"iso-8859-1\"><title>K\xe4se</title></head></html>";
        assert!(decode_html(meta, None).unwrap().contains("Käse"));
        // Labelled UTF-8 by the server, but Latin-1 in fact.
        let wrong = b"<html><body><p>Gr\xfc\xdfe aus M\xfcnchen und K\xf6ln, sch\xf6ne Gr\xfc\xdfe</p></body></html>";
        assert!(decode_html(wrong, Some("utf-8")).unwrap().contains("Grüße"));
        // The header wins over the meta tag.
        let both = "<meta charset=\"windows-1251\"><p>Grüße</p>".as_bytes();
        assert!(decode_html(both, Some("utf-8")).unwrap().contains("Grüße"));
    }

    #[test]
    fn a_title_with_the_site_after_an_unknown_separator_is_the_headline() {
        let page = "<html><head><title>市议会决定全面公开预算数据_新闻_示例日报</title></head><body>\
            <h1>市议会决定全面公开预算数据</h1><p>市议会周一投票决定，从明年一月起将全部预算作为开放数据公布。\
            从道路维修到图书馆藏书，每一笔支出都将以机器可读的格式提供下载。</p></body></html>";
        assert_eq!(
            extract(page, None).unwrap().title,
            "市议会决定全面公开预算数据"
        );
        assert_eq!(headline_of("Budget | The Gazette", "Budget"), "Budget");
        assert_eq!(
            headline_of("Budget: the details", "Budget"),
            "Budget: the details"
        );
        assert_eq!(headline_of("Budgets rise", "Budget"), "Budgets rise");
        assert_eq!(headline_of("Budget", ""), "Budget");
    }

    #[test]
    fn an_amp_image_and_its_caption_are_kept_apart() {
        let html = r#"<html><head><title>Pool</title></head><body><article>
            <p>The city's oldest public swimming pool will close for at least two years from
            March, the council confirmed on Wednesday, after engineers found cracks.</p>
            <figure><amp-img src="/p.jpg" alt="Lanes of the pool" layout="responsive"></amp-img><figcaption>The pool, empty until 2029.</figcaption></figure>
            <p>The pool, opened in 1931, is used by about 180,000 swimmers a year, among them
            eleven schools that have no other place to hold their lessons.</p></article></body></html>"#;
        let url = Url::parse("https://example.org/pool").unwrap();
        let md = extract(html, Some(&url)).unwrap().markdown;
        assert!(
            md.contains(
                "![Lanes of the pool](https://example.org/p.jpg)\n\nThe pool, empty until 2029."
            ),
            "{md}"
        );
    }

    /// The fixture article's body repeated to about 1 MB, with a box of links between the
    /// copies, as `benches/news.rs` makes it; `extra` goes after each copy too.
    fn long_page(extra: &str) -> String {
        let page = include_str!("../../tests/fixtures/news/article.html");
        let start = page.find("<div class=\"article-body\">").unwrap();
        let end = page[start..].find("</div>").unwrap() + start;
        let body = &page[start..end];
        let mut big = String::from(&page[..start]);
        while big.len() < 1 << 20 {
            big.push_str(body);
            big.push_str("</div>\n<aside class=\"sidebar\"><ul><li><a href=\"/x\">Most read</a></li></ul></aside>\n");
            big.push_str(extra);
        }
        big.push_str(&page[end..]);
        big
    }

    #[test]
    fn a_long_article_the_short_way_is_the_article_the_whole_way() {
        let url = Url::parse("https://gazette.example/2026/11/council-open-data").unwrap();
        // Boxes Readability would clean out of the article, and text it keeps.
        let extra = r#"<div class="link-list"><a href="/1">One story</a> <a href="/2">Another story</a> <a href="/3">A third one</a></div>
            <div class="widget-box"><p>Follow us, it is free and you can stop any time you like.</p></div>
            <div><h1>A new chapter</h1><p>Text of a chapter that goes on, and on, with commas, for a while.</p>
            <p>Links inside a paragraph, like <a href="/more">this one</a>, stay.</p></div>
            <ol><li>First step of a list that is text</li><li>Second step</li></ol>
            <iframe src="https://ads.example/frame"></iframe>
            <table><tr><th>Year</th><th>Euros</th></tr><tr><td>2026</td><td>12</td></tr></table>
            <div class="related-links"><ul><li><a href="/r">Related</a></li></ul></div>
            <div><img src="/photo.jpg" alt="A photo of the chamber"></div>
"#;
        for page in [long_page(""), long_page(extra)] {
            let (short, short_way) = extract_with(&page, Some(&url), true).unwrap();
            assert!(short_way, "the page is not taken the short way");
            let (whole, _) = extract_with(&page, Some(&url), false).unwrap();
            assert!(short.markdown.len() > 600_000, "{}", short.markdown.len());
            if short != whole {
                let diff = similar::TextDiff::from_lines(&whole.markdown, &short.markdown);
                let changes: Vec<String> = diff
                    .iter_all_changes()
                    .filter(|c| c.tag() != similar::ChangeTag::Equal)
                    .take(20)
                    .map(|c| format!("{}{}", c.tag(), c.value()))
                    .collect();
                panic!(
                    "{:?}\n{:?}\n{}",
                    Article {
                        markdown: String::new(),
                        ..short
                    },
                    Article {
                        markdown: String::new(),
                        ..whole
                    },
                    changes.join("")
                );
            }
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            iso_date("2026-11-30T08:00:00Z").as_deref(),
            Some("2026-11-30")
        );
        assert_eq!(iso_date("30.11.2026"), None);
        assert_eq!(iso_date("2026"), None);
    }

    #[test]
    fn deep_nesting_is_flattened_not_a_crash() {
        let depth = 100_000;
        let mut html = String::from("<html><head><title>Deep</title></head><body>");
        html.push_str(&"<div>".repeat(depth));
        html.push_str(&"<p>Words that matter in a paragraph long enough to count as an article, with commas, and more words.</p>".repeat(5));
        html.push_str(&"</div>".repeat(depth));
        html.push_str("</body></html>");
        // A thread with a small stack, as a fetch worker has.
        let article = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || extract(&html, None))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(article.markdown.contains("Words that matter"));
    }

    #[test]
    fn nesting_is_capped_and_text_kept() {
        let deep = format!(
            "<div>{}x{}</div>",
            "<span>".repeat(1000),
            "</span>".repeat(1000)
        );
        let limited = prune_html(&deep);
        assert_eq!(limited.matches("<span>").count(), MAX_TAG_DEPTH - 1);
        assert_eq!(limited.matches("</span>").count(), MAX_TAG_DEPTH - 1);
        assert!(limited.contains('x'));
        // Ordinary pages are not copied; unclosed paragraphs do not count.
        let page = format!("<!doctype html><title>T</title>{}", "<p>a".repeat(1000));
        assert!(matches!(prune_html(&page), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn scripts_styles_icons_and_comments_are_cut_before_parsing() {
        let page = format!(
            "<!doctype html><head><script>{}</script><SCRIPT type=\"application/ld+json\">{{\"headline\": \"H\"}}</SCRIPT>\
             <style>p {{ color: red }}</style></head><body><!-- {} --><p>Kept\
             <svg viewBox=\"0 0 1 1\"><title>icon</title><path d=\"M0\"/></svg> text</p>\
             <script src=\"/x.js\"></script><p>{}</p></body>",
            "<div>".repeat(1000),
            "<div>".repeat(1000),
            "<b>".repeat(100),
        );
        let pruned = prune_html(&page);
        assert!(!pruned.contains("<div>"), "{pruned}");
        assert!(!pruned.contains("color"), "{pruned}");
        assert!(
            !pruned.contains("icon") && !pruned.contains("<svg"),
            "{pruned}"
        );
        assert!(!pruned.contains("x.js"), "{pruned}");
        assert!(
            pruned.contains("{\"headline\": \"H\"}</SCRIPT>"),
            "{pruned}"
        );
        assert!(pruned.contains("<p>Kept text</p>"), "{pruned}");
        assert_eq!(pruned.matches("<b>").count(), 100);
    }

    #[test]
    fn hostile_links_lose_their_target() {
        let html = r#"<html><head><title>T</title></head><body><article>
            <p>A paragraph with a <a href="javascript:alert(1)">script link</a>, a
            <a href="/rel/page.html">relative link</a> and a <a href="data:text/html,x">data
            link</a>, long enough, with commas, to be taken as the article text by any
            reasonable extraction of the main content of this page.</p>
            <p><img src="data:image/png;base64,AAAA" alt="A chart"> and
            <img src="/i.png" alt="A photo"> and <img src="/spacer.gif"></p></article></body></html>"#;
        let url = Url::parse("https://example.org/news/x.html").unwrap();
        let article = extract(html, Some(&url)).unwrap();
        assert!(
            !article.markdown.contains("javascript"),
            "{}",
            article.markdown
        );
        assert!(!article.markdown.contains("data:"), "{}", article.markdown);
        assert!(
            article
                .markdown
                .contains("(https://example.org/rel/page.html)"),
            "{}",
            article.markdown
        );
        assert!(article.markdown.contains("A chart"));
        assert!(
            article
                .markdown
                .contains("![A photo](https://example.org/i.png)")
        );
        assert!(!article.markdown.contains("spacer"));
    }
}
