//! HTML inside Markdown, read as a browser reads it and turned into what blatt shows: the
//! text, with block elements as blocks, `<br>` as a line break, `<pre>` as code, simple
//! tables as tables and inline elements as the same style roles as Markdown. Only scripts,
//! styles, comments and what belongs in a page's head are left out.
//!
//! An HTML block is parsed into a tree by html5ever (through dom_query, the tree a
//! Readability port works on too) and walked with an explicit stack, so that however deep
//! the nesting, the call stack stays flat; the walk gives a flat list of [`HtmlEvent`]s that
//! the Markdown builder turns into blocks as it does Markdown's own events. Inline HTML
//! arrives one tag at a time (`<sup>`, then the text, then `</sup>`): [`inline_tag`] reads
//! one with html5ever's tokenizer, and the builder keeps track of what is open.

use std::cell::RefCell;

use dom_query::NodeRef;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::Alignment;

use super::Role;

/// What an element is to blatt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Left out with everything in it: scripts, styles, head elements.
    Hidden,
    /// `<br>`: a line break.
    Break,
    /// `<hr>`: a rule.
    Rule,
    /// `<img>`: its `alt` text, as a Markdown image.
    Image,
    /// An inline element with a style role (`<b>`, `<em>`, `<code>`, `<a href>`, ...).
    Span(Role),
    Sup,
    Sub,
    /// An element whose text is a block of its own (`<p>`, `<div>`, `<li>`'s content...).
    Block,
    Heading(u8),
    Quote,
    /// A list, with the number of its first item when it is ordered.
    List(Option<u64>),
    Item,
    /// A definition list's term (`<dt>`) and definition (`<dd>`).
    Term,
    Definition,
    /// Preformatted text: code.
    Pre,
    Table,
    /// An inline element without a style of its own (`<span>`, `<u>`...), or one unknown.
    Inline,
}

/// What `name` (a lowercase tag name) is.
pub(crate) fn kind(name: &str) -> Kind {
    match name {
        "script" | "style" | "head" | "meta" | "link" | "title" | "base" | "template"
        | "iframe" | "noembed" | "noframes" | "frameset" | "param" | "source" | "track" => {
            Kind::Hidden
        }
        "br" => Kind::Break,
        "hr" => Kind::Rule,
        "img" => Kind::Image,
        "b" | "strong" => Kind::Span(Role::Strong),
        "i" | "em" | "cite" | "dfn" | "var" => Kind::Span(Role::Emphasis),
        "code" | "kbd" | "samp" | "tt" => Kind::Span(Role::Code),
        "s" | "del" | "strike" => Kind::Span(Role::Strike),
        "a" => Kind::Span(Role::Link),
        "sup" => Kind::Sup,
        "sub" => Kind::Sub,
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "h4" => Kind::Heading(4),
        "h5" => Kind::Heading(5),
        "h6" => Kind::Heading(6),
        "blockquote" => Kind::Quote,
        "ul" | "menu" | "dir" => Kind::List(None),
        "ol" => Kind::List(Some(1)),
        "li" => Kind::Item,
        "dt" => Kind::Term,
        "dd" => Kind::Definition,
        "pre" | "listing" | "xmp" | "plaintext" | "textarea" => Kind::Pre,
        "table" => Kind::Table,
        "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "aside" | "nav"
        | "details" | "summary" | "figure" | "figcaption" | "address" | "center" | "dl"
        | "fieldset" | "legend" | "form" | "hgroup" | "caption" | "tr" | "td" | "th" | "thead"
        | "tbody" | "tfoot" | "option" | "search" | "dialog" | "video" | "audio" | "picture"
        | "object" | "canvas" | "map" | "noscript" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// What the walk over an HTML block gives, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HtmlEvent {
    Open(Kind),
    /// `<a href>`: a link to the target (closed by `Close(Kind::Span(Role::Link))`).
    OpenLink(String),
    Close(Kind),
    /// Text, its white space collapsed as a browser does.
    Text(String),
    Break,
    Rule,
    /// An image's `alt` text.
    Image(String),
    /// The text of a `<pre>`, its line breaks kept.
    Code(String),
    /// A simple table: the column alignments, then each row (whether it is a header row, the
    /// plain text of its cells).
    Table(Vec<Alignment>, Vec<(bool, Vec<String>)>),
}

/// A step of the walk: a node to go into, or the end of an element gone into.
enum Step<'a> {
    Enter(NodeRef<'a>),
    Leave(Kind),
}

/// Reads an HTML block into events.
pub(crate) fn block_events(html: &str) -> Vec<HtmlEvent> {
    let tree = dom_query::Document::fragment(html);
    let mut out = Vec::new();
    // At the start of a block or line: white space there is not shown.
    let mut at_start = true;
    let mut stack = vec![Step::Enter(tree.root())];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Leave(kind) => {
                if kind != Kind::Inline && !matches!(kind, Kind::Span(_) | Kind::Sup | Kind::Sub) {
                    at_start = true;
                }
                out.push(HtmlEvent::Close(kind));
                continue;
            }
            Step::Enter(node) => node,
        };
        if node.is_text() {
            let text = collapse(&node.text(), at_start);
            if !text.is_empty() {
                at_start = text.ends_with(' ');
                out.push(HtmlEvent::Text(text));
            }
            continue;
        }
        if !node.is_element() {
            // The fragment itself goes on to its children; comments and doctypes are left out.
            if node.is_fragment() || node.is_document() {
                push_children(&mut stack, &node);
            }
            continue;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase());
        let kind = match name.as_deref() {
            Some("a") if !node.has_attr("href") => Kind::Inline,
            Some("ol") => Kind::List(Some(
                node.attr("start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1),
            )),
            Some(name) => kind(name),
            None => Kind::Inline,
        };
        match kind {
            Kind::Hidden => {}
            Kind::Break => {
                at_start = true;
                out.push(HtmlEvent::Break);
            }
            Kind::Rule => {
                at_start = true;
                out.push(HtmlEvent::Rule);
            }
            Kind::Image => {
                if let Some(alt) = node.attr("alt").map(|a| collapse(&a, true))
                    && !alt.trim().is_empty()
                {
                    at_start = false;
                    out.push(HtmlEvent::Image(alt.trim_end().to_string()));
                }
            }
            Kind::Pre => {
                at_start = true;
                out.push(HtmlEvent::Code(flat_text(&node, true)));
            }
            Kind::Table if simple_table(&node) => {
                at_start = true;
                let (alignments, rows) = table_rows(&node);
                if !rows.is_empty() {
                    out.push(HtmlEvent::Table(alignments, rows));
                }
            }
            kind => {
                let kind = if kind == Kind::Table {
                    Kind::Block
                } else {
                    kind
                };
                if kind != Kind::Inline && !matches!(kind, Kind::Span(_) | Kind::Sup | Kind::Sub) {
                    at_start = true;
                }
                match node.attr("href") {
                    Some(href) if kind == Kind::Span(Role::Link) => {
                        out.push(HtmlEvent::OpenLink(href.trim().to_string()));
                    }
                    _ => out.push(HtmlEvent::Open(kind)),
                }
                stack.push(Step::Leave(kind));
                push_children(&mut stack, &node);
            }
        }
    }
    out
}

/// Puts the children of `node` on the stack so that they come off it in order.
fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: &NodeRef<'a>) {
    stack.extend(node.children_it(true).map(Step::Enter));
}

/// White space collapsed as HTML shows it: each run of it one space, none at the start of a
/// block or line.
fn collapse(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = at_start;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The text of `node` and everything in it, without what is hidden: as written in a `<pre>`
/// (`pre`), else collapsed to one line (a table cell), images as `[image: alt]`.
fn flat_text(node: &NodeRef<'_>, pre: bool) -> String {
    let mut out = String::new();
    let mut stack = vec![*node];
    while let Some(node) = stack.pop() {
        if node.is_text() {
            out.push_str(&node.text());
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase());
        match name.as_deref().map(kind) {
            Some(Kind::Hidden) => {}
            Some(Kind::Break) => out.push(if pre { '\n' } else { ' ' }),
            Some(Kind::Image) => {
                if let Some(alt) = node.attr("alt").filter(|a| !a.trim().is_empty()) {
                    out.push_str(&format!(" [image: {}] ", alt.trim()));
                }
            }
            _ => stack.extend(node.children_it(true)),
        }
    }
    if pre {
        // The line break after the opening tag is the parser's to drop; the one before
        // the closing tag ends the last line.
        while out.ends_with('\n') {
            out.pop();
        }
        out
    } else {
        collapse(&out, true).trim_end().to_string()
    }
}

/// Elements whose presence in a cell makes a table more than a grid of short texts: such a
/// table (one used for a page's layout, say) is read as blocks instead.
fn simple_table(table: &NodeRef<'_>) -> bool {
    let mut stack: Vec<NodeRef<'_>> = table.children_it(true).collect();
    while let Some(node) = stack.pop() {
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase());
        match name.as_deref().map(kind) {
            Some(
                Kind::Table
                | Kind::Pre
                | Kind::List(_)
                | Kind::Quote
                | Kind::Heading(_)
                | Kind::Rule
                | Kind::Term
                | Kind::Definition,
            ) => return false,
            _ => stack.extend(node.children_it(true)),
        }
    }
    true
}

/// The rows of a simple table, in order: a row in `<thead>` or of `<th>` cells only is a
/// header row. Alignments come from the first row's `align` attributes.
fn table_rows(table: &NodeRef<'_>) -> (Vec<Alignment>, Vec<(bool, Vec<String>)>) {
    let mut rows = Vec::new();
    let mut alignments = Vec::new();
    // Rows sit in the table or in its head, bodies and foot; the caption is left out.
    let mut stack: Vec<(NodeRef<'_>, bool)> = table.children_it(true).map(|n| (n, false)).collect();
    while let Some((node, in_head)) = stack.pop() {
        let name = node.node_name().map(|n| n.to_ascii_lowercase());
        match name.as_deref() {
            Some("thead") => stack.extend(node.children_it(true).map(|n| (n, true))),
            Some("tbody" | "tfoot") => stack.extend(node.children_it(true).map(|n| (n, false))),
            Some("tr") => {
                let cells: Vec<NodeRef<'_>> = node
                    .children_it(false)
                    .filter(|c| {
                        c.node_name().is_some_and(|n| {
                            n.eq_ignore_ascii_case("td") || n.eq_ignore_ascii_case("th")
                        })
                    })
                    .collect();
                if cells.is_empty() {
                    continue;
                }
                let all_th = cells
                    .iter()
                    .all(|c| c.node_name().is_some_and(|n| n.eq_ignore_ascii_case("th")));
                if rows.is_empty() {
                    alignments = cells.iter().map(alignment).collect();
                }
                let texts = cells.iter().map(|c| flat_text(c, false)).collect();
                rows.push((in_head || all_th, texts));
            }
            _ => {}
        }
    }
    (alignments, rows)
}

fn alignment(cell: &NodeRef<'_>) -> Alignment {
    let align = cell.attr("align").map(|a| a.trim().to_ascii_lowercase());
    let style = cell
        .attr("style")
        .map(|s| s.to_ascii_lowercase().replace(' ', ""))
        .unwrap_or_default();
    match align.as_deref() {
        Some("left") => Alignment::Left,
        Some("center") => Alignment::Center,
        Some("right") => Alignment::Right,
        _ if style.contains("text-align:center") => Alignment::Center,
        _ if style.contains("text-align:right") => Alignment::Right,
        _ if style.contains("text-align:left") => Alignment::Left,
        _ => Alignment::None,
    }
}

/// One tag of inline HTML, as the builder needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineTag {
    pub name: String,
    pub end: bool,
    pub kind: Kind,
    /// An image's `alt` text.
    pub alt: Option<String>,
    /// A link's target.
    pub href: Option<String>,
}

/// Reads one tag of inline HTML (`<sup>`, `</a>`, `<br/>`, `<img alt="x">`); `None` for
/// comments, processing instructions, declarations and anything that is not a tag.
pub(crate) fn inline_tag(html: &str) -> Option<InlineTag> {
    let tokenizer = Tokenizer::new(FirstTag::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let tag = tokenizer.sink.tag.take()?;
    let name = tag.name.to_string().to_ascii_lowercase();
    let attr = |wanted: &str| {
        tag.attrs
            .iter()
            .find(|a| &*a.name.local == wanted)
            .map(|a| a.value.to_string())
    };
    let kind = match name.as_str() {
        "a" if attr("href").is_none() && tag.kind == TagKind::StartTag => Kind::Inline,
        name => kind(name),
    };
    Some(InlineTag {
        end: tag.kind == TagKind::EndTag,
        kind,
        alt: attr("alt").map(|a| collapse(&a, true).trim_end().to_string()),
        href: attr("href").map(|h| h.trim().to_string()),
        name,
    })
}

/// A token sink that keeps the first tag.
#[derive(Default)]
struct FirstTag {
    tag: RefCell<Option<html5ever::tokenizer::Tag>>,
}

impl TokenSink for FirstTag {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token {
            let mut first = self.tag.borrow_mut();
            if first.is_none() {
                *first = Some(tag);
            }
        }
        TokenSinkResult::Continue
    }
}

/// Text raised (`sup`) or lowered: in Unicode superscript or subscript characters when it
/// has only characters that have one (`mc²`, `H₂O`), else marked `^(…)` or `_(…)`.
pub(crate) fn script(text: &str, sup: bool) -> String {
    const SUP: &[(char, char)] = &[
        ('0', '⁰'),
        ('1', '¹'),
        ('2', '²'),
        ('3', '³'),
        ('4', '⁴'),
        ('5', '⁵'),
        ('6', '⁶'),
        ('7', '⁷'),
        ('8', '⁸'),
        ('9', '⁹'),
        ('+', '⁺'),
        ('-', '⁻'),
        ('−', '⁻'),
        ('=', '⁼'),
        ('(', '⁽'),
        (')', '⁾'),
        ('n', 'ⁿ'),
        ('i', 'ⁱ'),
    ];
    const SUB: &[(char, char)] = &[
        ('0', '₀'),
        ('1', '₁'),
        ('2', '₂'),
        ('3', '₃'),
        ('4', '₄'),
        ('5', '₅'),
        ('6', '₆'),
        ('7', '₇'),
        ('8', '₈'),
        ('9', '₉'),
        ('+', '₊'),
        ('-', '₋'),
        ('−', '₋'),
        ('=', '₌'),
        ('(', '₍'),
        (')', '₎'),
    ];
    let table = if sup { SUP } else { SUB };
    if text.trim().is_empty() {
        return text.to_string();
    }
    let mapped: Option<String> = text
        .chars()
        .map(|c| table.iter().find(|(from, _)| *from == c).map(|(_, to)| *to))
        .collect();
    mapped.unwrap_or_else(|| format!("{}({text})", if sup { '^' } else { '_' }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events, without those of elements that are only containers.
    fn events(html: &str) -> Vec<HtmlEvent> {
        block_events(html)
            .into_iter()
            .filter(|e| {
                !matches!(
                    e,
                    HtmlEvent::Open(Kind::Inline) | HtmlEvent::Close(Kind::Inline)
                )
            })
            .collect()
    }

    fn texts(html: &str) -> String {
        events(html)
            .into_iter()
            .map(|e| match e {
                HtmlEvent::Text(t) => t,
                HtmlEvent::Break => "⏎".into(),
                HtmlEvent::Open(Kind::Block) => "[".into(),
                HtmlEvent::Close(Kind::Block) => "]".into(),
                HtmlEvent::Code(c) => format!("code:{c}"),
                HtmlEvent::Image(alt) => format!("img:{alt}"),
                HtmlEvent::Table(_, rows) => format!("table:{rows:?}"),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn text_is_kept_and_hidden_things_are_not() {
        assert_eq!(
            texts(
                "<div>*Emphasized*\n   text.<script>alert(1)</script><style>p{}</style><!-- c --></div>"
            ),
            "[*Emphasized* text.]"
        );
        assert_eq!(
            texts("<meta charset=x><link rel=x><title>T</title>ok"),
            "ok"
        );
        assert_eq!(texts("First line<br>second line"), "First line⏎second line");
    }

    #[test]
    fn pre_keeps_its_lines_and_images_their_alt() {
        assert_eq!(
            texts("<pre>\nfn x() {\n\n  <b>y</b>\n}\n</pre><img src=a alt=' A  cat '><img src=b>"),
            "code:fn x() {\n\n  y\n}img:A cat"
        );
    }

    #[test]
    fn simple_tables_are_rows_and_layout_tables_are_blocks() {
        let events = events(
            "<table><caption>c</caption><thead><tr><th align=right>a</th><th>b</th></tr></thead>\
             <tbody><tr><td>1<br>2</td><td><b>x</b></td></tr></tbody></table>",
        );
        assert_eq!(
            events,
            [HtmlEvent::Table(
                vec![Alignment::Right, Alignment::None],
                vec![
                    (true, vec!["a".into(), "b".into()]),
                    (false, vec!["1 2".into(), "x".into()])
                ]
            )]
        );
        assert_eq!(
            texts("<table><tr><td><p>one</p><ul><li>two</li></ul></td></tr></table>"),
            "[[[[[one]two]]]]"
        );
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        let html = "<div>".repeat(10_000) + "deep" + &"</div>".repeat(10_000);
        assert!(texts(&html).contains("deep"));
        let html = "<table><tr><td>".repeat(3_000) + "cell";
        assert!(texts(&html).contains("table:[(false, [\"cell\"])]"));
    }

    #[test]
    fn inline_tags() {
        let tag = inline_tag("<SUP>").expect("tag");
        assert_eq!(
            (tag.name.as_str(), tag.end, tag.kind),
            ("sup", false, Kind::Sup)
        );
        let tag = inline_tag("</a>").expect("tag");
        assert_eq!((tag.end, tag.kind), (true, Kind::Span(Role::Link)));
        assert_eq!(inline_tag("<a name=x>").map(|t| t.kind), Some(Kind::Inline));
        assert_eq!(inline_tag("<br/>").map(|t| t.kind), Some(Kind::Break));
        assert_eq!(
            inline_tag("<img src=\"x\" alt=\"a  b\">").and_then(|t| t.alt),
            Some("a b".into())
        );
        assert_eq!(inline_tag("<!-- note -->"), None);
        assert_eq!(inline_tag("<?php x ?>"), None);
    }

    #[test]
    fn scripts_raise_and_lower() {
        assert_eq!(script("2", true), "²");
        assert_eq!(script("10-3", true), "¹⁰⁻³");
        assert_eq!(script("2", false), "₂");
        assert_eq!(script("th", true), "^(th)");
        assert_eq!(script("a b", false), "_(a b)");
    }
}
