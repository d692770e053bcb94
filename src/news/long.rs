//! One long article: a page whose text is almost all in one container (a book chapter, a
//! report, a transcript of hundreds of kilobytes). Readability scores and cleans every
//! element of a page, and on such a page that is most of the time spent, to find what is
//! plain from the start; so only the container's beginning goes through it (which gives the
//! metadata, the byline, the excerpt and the cleaning of the headline and what surrounds
//! it, as for any page), and the rest of the container is cleaned here, element by element,
//! by the rules Readability applies to the inside of the article it chose, and put back
//! after the beginning where Readability kept it.
//!
//! The rules, for each element of the rest (nothing inside a table, `pre` or `code` is
//! looked at): embedded objects, frames, asides, footers and form controls go; so does
//! anything hidden or whose `class`, `id` or `role` names a sidebar, menu, banner,
//! comments, related links, … (the names Readability knows as unlikely to be content); a
//! `div` (but for one Readability takes for a paragraph), `ul` or table (but for one of
//! data) goes when it holds neither text nor an image, when its name weighs it down
//! (`widget`, `promo`, `share`, …), or when it has fewer than ten commas and more than a
//! fifth of its text is links (half for a list); an `h1` becomes an `h2` (the title is
//! written above the article). What `clean` took out before is already gone. A test holds
//! the result to Readability's on the whole page.

use dom_query::{Document, NodeId, NodeRef};

/// Text (in bytes) from which a page is long enough for this way.
const LONG_TEXT: usize = 200_000;
/// The share of the page's text a container must hold.
const HOLDS: f64 = 0.9;
/// About how much text of the container goes through Readability.
const HEAD_TEXT: usize = 30_000;

/// A long article's container, split: its children after `last_head` are taken out of the
/// tree (they stay in its arena) until [`put_back`].
#[derive(Debug)]
pub struct Split {
    /// The last child of the container left in the tree.
    pub last_head: NodeId,
    /// The children taken out, in order.
    pub tail: Vec<NodeId>,
}

/// Splits the container of a long article, when the page is one (see the module's
/// documentation); `None` leaves the page as it was.
pub fn split(doc: &Document) -> Option<Split> {
    let body = *doc.select_single("body").nodes().first()?;
    let total = text_len(&body);
    if total < LONG_TEXT {
        return None;
    }
    let least = (HOLDS * total as f64) as usize;
    let mut container = body;
    while let Some(child) = container
        .element_children()
        .into_iter()
        .find(|c| text_len(c) >= least)
    {
        container = child;
    }
    let children = container.children();
    let mut seen = 0;
    let mut last_head = None;
    for (at, child) in children.iter().enumerate() {
        seen += text_len(child);
        if seen >= HEAD_TEXT && is_solid(child) {
            last_head = Some(at);
            break;
        }
    }
    let at = last_head?;
    // The beginning stays small: text in a few large blocks is no long article's.
    if seen > 4 * HEAD_TEXT {
        return None;
    }
    let tail: Vec<NodeRef> = children[at + 1..].to_vec();
    // Worth it only when most of the text is after the beginning.
    if tail.iter().map(text_len).sum::<usize>() < total / 2 {
        return None;
    }
    for node in &tail {
        node.remove_from_parent();
    }
    Some(Split {
        last_head: children[at].id,
        tail: tail.iter().map(|n| n.id).collect(),
    })
}

/// The length of the text of a node in bytes, white space included: a measure of size
/// that looks at nodes, not characters.
fn text_len(node: &NodeRef) -> usize {
    let own = |n: &NodeRef| {
        n.query_or(0, |t| match &t.data {
            dom_query::NodeData::Text { contents } => contents.len(),
            _ => 0,
        })
    };
    own(node) + node.descendants_it().map(|d| own(&d)).sum::<usize>()
}

/// Whether Readability keeps an element in any article that holds its container: a
/// paragraph or a block of paragraphs, long, hardly links, named as nothing unlikely.
fn is_solid(node: &NodeRef) -> bool {
    let Some(name) = node.node_name() else {
        return false;
    };
    if !matches!(&*name, "p" | "div" | "section" | "blockquote") {
        return false;
    }
    // A `div` whose only element is a paragraph is replaced by it; text directly in a
    // `div` is wrapped in new paragraphs: either way the node would leave the tree.
    if name.as_ref() != "p"
        && (node.element_children().len() < 2
            || node
                .children_it(false)
                .any(|c| c.is_text() && !c.text().trim().is_empty()))
    {
        return false;
    }
    let len = node.normalized_char_count();
    len >= 200 && !is_unlikely(node) && link_density(node, len) < 0.1
}

/// Puts the cleaned tail of `split` back after its last head, in `doc` as Readability left
/// it, when that head is in the article Readability found (under `root`). `false` when it
/// is not: the caller then takes the whole page through Readability.
pub fn put_back(doc: &Document, root: &NodeRef, split: &Split) -> bool {
    let tree = &doc.tree;
    let head = NodeRef::new(split.last_head, tree);
    if !head.ancestors_it(None).any(|a| a.id == root.id) {
        return false;
    }
    let mut after = head;
    for id in &split.tail {
        let node = NodeRef::new(*id, tree);
        if node.is_element() && !keep(&node) {
            continue;
        }
        if node.is_element() {
            clean(&node);
        }
        after.insert_after(&node);
        after = node;
    }
    true
}

/// Cleans an element of the tail that is kept, by the rules of the module's documentation.
fn clean(node: &NodeRef) {
    let mut stack: Vec<NodeRef> = node.element_children();
    rename_h1(node);
    while let Some(element) = stack.pop() {
        if !keep(&element) {
            element.remove_from_parent();
            continue;
        }
        rename_h1(&element);
        if !element.has_name("table") && !element.has_name("pre") && !element.has_name("code") {
            stack.extend(element.element_children());
        }
    }
}

fn rename_h1(node: &NodeRef) {
    if node.has_name("h1") {
        node.rename("h2");
    }
}

/// Tags that are never part of an article's text.
const JUNK: &[&str] = &[
    "object", "embed", "footer", "link", "aside", "iframe", "input", "textarea", "select",
    "button", "nav", "form", "fieldset", "dialog",
];

/// Parts of `class` and `id` values of what is unlikely to be content; a value with one of
/// `LIKELY` is kept all the same.
const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
];
/// Parts of `class` and `id` values that weigh an element down (Readability's negative
/// class weight), unless one of `POSITIVE` weighs it up again.
const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "h-entry",
    "main",
    "page",
    "pagination",
    "post",
    "text",
    "blog",
    "story",
];
const LIKELY: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];
const UNLIKELY_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];

fn is_unlikely(node: &NodeRef) -> bool {
    if node.has_name("a") {
        return false;
    }
    if node
        .attr("role")
        .is_some_and(|r| UNLIKELY_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    let names = names(node);
    UNLIKELY.iter().any(|u| names.contains(u)) && !LIKELY.iter().any(|l| names.contains(l))
}

/// The `class` and `id` of an element, lowercase.
fn names(node: &NodeRef) -> String {
    let mut names = String::new();
    for attr in ["class", "id"] {
        if let Some(value) = node.attr(attr) {
            names.push_str(&value.to_ascii_lowercase());
            names.push(' ');
        }
    }
    names
}

/// Whether an element's `class` or `id` weighs it down.
fn is_negative(node: &NodeRef) -> bool {
    let names = names(node);
    NEGATIVE.iter().any(|n| names.contains(n)) && !POSITIVE.iter().any(|p| names.contains(p))
}

/// Tags of blocks: a `div` without any is a paragraph to Readability.
const BLOCKS: &[&str] = &[
    "blockquote",
    "dl",
    "div",
    "img",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "article",
    "header",
    "aside",
    "footer",
];

/// A `div` that Readability takes for a paragraph: with few links, holding only a
/// paragraph, or only text and inline elements (which it puts in one).
fn is_paragraph(node: &NodeRef, len: usize) -> bool {
    if link_density(node, len) >= 0.25 {
        return false;
    }
    let children = node.element_children();
    let text = node
        .children_it(false)
        .any(|c| c.is_text() && !c.text().trim().is_empty());
    (children.len() == 1 && children[0].has_name("p") && !text)
        || children.iter().all(|c| {
            !c.node_name()
                .is_some_and(|name| BLOCKS.contains(&name.as_ref()))
        })
}

/// Whether an element of the tail stays (its inside is looked at separately).
fn keep(node: &NodeRef) -> bool {
    let Some(name) = node.node_name() else {
        return true;
    };
    if JUNK.contains(&&*name) || is_unlikely(node) || node.attr("hidden").is_some() {
        return false;
    }
    // What Readability cleans conditionally: tables, lists and `div`s.
    let list = name.as_ref() == "ul";
    if !(list || matches!(&*name, "div" | "table")) {
        return true;
    }
    if name.as_ref() == "table" && is_data_table(node) {
        return true;
    }
    let len = node.normalized_char_count();
    let images = descendants(node, "img").next().is_some();
    if len == 0 {
        return images;
    }
    if name.as_ref() == "div" && is_paragraph(node, len) {
        return true;
    }
    if is_negative(node) {
        return descendants(node, "pre").next().is_some();
    }
    if node.text().matches(',').count() >= 10 {
        return true;
    }
    link_density(node, len) <= if list { 0.5 } else { 0.2 }
}

/// A table of data (rows and columns with headers or a caption), never cleaned away.
fn is_data_table(node: &NodeRef) -> bool {
    node.attr("summary").is_some()
        || descendants(node, "th").next().is_some()
        || descendants(node, "caption").next().is_some()
}

/// The share of an element's text (`len` characters) that is the text of links.
fn link_density(node: &NodeRef, len: usize) -> f64 {
    if len == 0 {
        return 0.0;
    }
    let links: usize = descendants(node, "a")
        .map(|a| a.normalized_char_count())
        .sum();
    links as f64 / len as f64
}

/// The elements named `name` below `node`.
fn descendants<'a>(node: &NodeRef<'a>, name: &'a str) -> impl Iterator<Item = NodeRef<'a>> {
    node.descendants_it().filter(move |n| n.has_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element<'a>(doc: &'a Document, selector: &str) -> NodeRef<'a> {
        *doc.select_single(selector).nodes().first().unwrap()
    }

    #[test]
    fn only_a_long_page_with_its_text_in_one_container_is_split() {
        let paragraph = "<p>A sentence of the article, with a comma, long enough to count as text in any measure of it.</p>";
        let body = format!("<div class=\"part\">{}</div>", paragraph.repeat(20)).repeat(200);
        let long = Document::from(format!(
            "<body><header>Site</header><article>{body}</article></body>"
        ));
        let split = split(&long).unwrap();
        assert!(long.select("article > div").length() < 200);
        assert!(split.tail.len() > 100);
        // Short: the page as it was.
        let short = format!("<body><article>{}</article></body>", paragraph.repeat(100));
        assert!(split_of(&short).is_none());
        // The text in two halves side by side: no container holds it.
        let halves = format!("<body><div>{body}</div><div>{body}</div></body>");
        assert!(split_of(&halves).is_none());
    }

    #[test]
    fn the_rest_goes_back_only_after_a_beginning_that_was_kept() {
        let paragraph = "<p>A sentence of the article, with a comma, long enough to count as text in any measure of it.</p>";
        let body = format!("<div class=\"part\">{}</div>", paragraph.repeat(20)).repeat(200);
        let html = format!("<body><article>{body}</article></body>");
        let doc = Document::from(html.as_str());
        let parts = split(&doc).unwrap();
        let root = element(&doc, "body");
        assert!(put_back(&doc, &root, &parts));
        assert_eq!(doc.select("article > div").length(), 200);
        // Readability dropped the beginning's last block: nothing is put back.
        let doc = Document::from(html.as_str());
        let parts = split(&doc).unwrap();
        NodeRef::new(parts.last_head, &doc.tree).remove_from_parent();
        assert!(!put_back(&doc, &element(&doc, "body"), &parts));
    }

    fn split_of(html: &str) -> Option<Split> {
        split(&Document::from(html))
    }

    #[test]
    fn what_the_rest_of_a_long_article_keeps() {
        let doc = Document::from(
            r#"<body>
            <div id="links"><a href="/1">One story</a> <a href="/2">Another story</a></div>
            <div id="para" class="widget"><p>A paragraph in a box with a name that weighs it down.</p></div>
            <div id="box" class="widget"><p>One paragraph.</p><p>And another.</p></div>
            <div id="sidebar" class="sidebar"><p>Text, however long.</p></div>
            <div id="content-sidebar" class="content sidebar"><p>Text.</p><p>More.</p></div>
            <ul id="list"><li>A step that is text</li><li><a href="/s">A link</a></li></ul>
            <table id="data"><tr><th>Year</th></tr><tr><td><a href="/y">2026</a></td></tr></table>
            <div id="picture"><img src="/p.jpg" alt="A photo"></div>
            <div id="empty"> </div>
            <aside id="aside"><p>Aside.</p></aside>
            <p id="p"><a href="/only">Only a link, in a paragraph</a></p>
            </body>"#,
        );
        let kept = |selector: &str| keep(&element(&doc, selector));
        assert!(!kept("#links"));
        assert!(kept("#para"));
        assert!(!kept("#box"));
        assert!(!kept("#sidebar"));
        assert!(kept("#content-sidebar"));
        assert!(kept("#list"));
        assert!(kept("#data"));
        assert!(kept("#picture"));
        assert!(!kept("#empty"));
        assert!(!kept("#aside"));
        assert!(kept("#p"));
    }
}
