//! Markdown articles, parsed with pulldown-cmark into blocks. Emphasis, strong, code, links
//! and strikethrough become style roles on the block text; raw HTML is shown as its text
//! (see [`super::html`]); front matter is hidden and read (see [`super::front_matter`]);
//! GitHub alerts get a label, task list items a box, definition lists a bold term. Nesting
//! is tracked with explicit stacks, so deeply nested input cannot overflow the call stack.

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options,
    Parser, Tag, TagEnd,
};

use std::sync::Arc;

use super::html::{self, HtmlEvent, Kind};
use super::{Align, Block, BlockKind, Column, Metadata, Part, Role, Span, Table, front_matter};

/// Parses a part of a text read in pieces (see [`Part`]): only the first part has a title
/// and front matter; a paragraph or code block at the start of a part cut inside one goes
/// on from the part before.
pub fn parse_piece(text: &str, part: Part) -> (Metadata, Option<String>, Vec<Block>) {
    let (meta, title, mut blocks) = if part.first {
        parse_article(text)
    } else {
        let (title, blocks) = parse(text);
        (Metadata::default(), title, blocks)
    };
    if !part.first {
        for block in &mut blocks {
            if block.kind == BlockKind::Title {
                block.kind = BlockKind::Heading { level: 1 };
            }
        }
    }
    if let Some(first) = super::continuing(&mut blocks, text, part.continues)
        && matches!(first.kind, BlockKind::Paragraph | BlockKind::Code)
    {
        first.continued = true;
    }
    (meta, title.filter(|_| part.first), blocks)
}

/// How far a definition is indented under its term, in cells.
const DEFINITION_INDENT: usize = 4;

/// The pulldown-cmark extensions blatt reads Markdown with. Its metadata blocks are not
/// among them: see [`front_matter`].
pub(crate) const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_GFM)
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_DEFINITION_LIST);

/// A whole article: its front matter, its title (the front matter's, else a level-1
/// heading before any other content) and its blocks.
pub fn parse_article(text: &str) -> (Metadata, Option<String>, Vec<Block>) {
    let (meta, rest) = front_matter::split(text);
    let (title, mut blocks) = parse(&text[rest..]);
    // A top heading other than the front matter's title is the first section's heading
    // (the CommonMark spec: title `CommonMark Spec`, then `# Introduction`).
    if let (Some(named), Some(first)) = (meta.title.as_deref(), blocks.first_mut())
        && first.kind == BlockKind::Title
        && first.text != named
    {
        first.kind = BlockKind::Heading { level: 1 };
    }
    (meta.clone(), meta.title.or(title), blocks)
}

/// Returns the title (a level-1 heading before any other content) and the blocks; front
/// matter is not looked for (see [`parse_article`]).
pub fn parse(text: &str) -> (Option<String>, Vec<Block>) {
    let mut builder = Builder::default();
    for event in Parser::new_ext(text, OPTIONS) {
        builder.event(event);
    }
    builder.finish()
}

/// An open list.
struct List {
    /// The next number, for ordered lists.
    next: Option<u64>,
    /// Ordered lists: runs of items whose markers have the same width, each with the index
    /// of its first block. Numbers only grow, so there are a few runs (`9.` then `10.`);
    /// when the list ends, the narrower runs move right so that all items' text starts in
    /// one column and the numbers are right-aligned.
    runs: Vec<(usize, u8)>,
}

/// Width in terminal cells, measured as the layout measures (by grapheme cluster).
fn width_of(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

fn cells(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// An open `<sup>` or `<sub>`: where its text starts, in the current block (the `block`-th
/// one made) or table cell.
struct Script {
    sup: bool,
    in_cell: bool,
    block: usize,
    start: usize,
}

/// An open style: its role, where it started in the current text, and whether inline HTML
/// opened it (such a style ends with its block, closed or not).
struct OpenSpan {
    role: Role,
    start: usize,
    html: bool,
    /// A link's target.
    target: Option<String>,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The block being filled, if any.
    current: Option<Block>,
    /// Open inline styles.
    open_spans: Vec<OpenSpan>,
    /// A named place for the next block made (the note of a footnote).
    anchor: Option<String>,
    /// Open `<sup>` and `<sub>` elements.
    scripts: Vec<Script>,
    /// Inline `<script>`/`<style>` elements open: their text is not shown.
    hidden: usize,
    /// The lines of the HTML block being read.
    html_block: Option<String>,
    lists: Vec<List>,
    /// Marker for the next block inside a list item; `None` after the item's first block.
    item_marker: Option<String>,
    /// Item nesting, to know whether a paragraph belongs to a list item.
    items: usize,
    /// For each open item (and footnote definition): the column where its text starts.
    indents: Vec<u8>,
    /// The next block goes on right under the one before (an alert's text under its label,
    /// a definition under its term).
    join_next: bool,
    /// The last block made was the text of a tight list item (text without a paragraph
    /// around it), so a tight item's text after it is drawn right under it.
    after_tight: bool,
    /// A list just started at the outermost level: its first item is set apart from what
    /// came before (another list, too).
    new_list: bool,
    quote: u8,
    /// Rows of the table being read: cells per row, and whether it is the header.
    table: Vec<(bool, Vec<String>)>,
    /// The column alignments of the Markdown table being read.
    alignments: Vec<Align>,
    table_header: bool,
    cell: Option<String>,
    title: Option<String>,
    image_depth: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(_) | Event::Code(_) if self.hidden > 0 => {}
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                let start = self.text_len();
                self.text(&code);
                let end = self.text_len();
                self.add_span(Role::Code, start, end);
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush();
                let mut rule = self.block(BlockKind::Rule);
                rule.marker = self.item_marker.take().unwrap_or_default();
                self.push(rule);
                self.after_tight = false;
            }
            Event::TaskListMarker(done) => self.task_box(done),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Html(html) => match self.html_block.as_mut() {
                Some(block) => block.push_str(&html),
                None => self.html_block(&html),
            },
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.open(BlockKind::Paragraph);
                self.after_tight = false;
            }
            Tag::Heading { level, id, .. } => {
                let id = id.map(|id| super::sanitize::sanitize_line(&id));
                self.open_heading(heading_level(level), id.filter(|id| !id.is_empty()));
            }
            Tag::BlockQuote(kind) => {
                self.flush();
                self.quote = self.quote.saturating_add(1);
                if let Some(kind) = kind {
                    self.callout(kind);
                }
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html_block = Some(String::new());
            }
            Tag::DefinitionList => self.flush(),
            Tag::DefinitionListTitle => {
                self.open(BlockKind::Paragraph);
                self.open_span(Role::Strong);
            }
            Tag::DefinitionListDefinition => {
                // Right under its term, indented as a list item's text without a marker.
                self.flush();
                self.items += 1;
                let parent = self.indents.last().copied().unwrap_or(0);
                self.indents
                    .push(cells(usize::from(parent) + DEFINITION_INDENT));
                self.item_marker = Some(String::new());
                self.join_next = true;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                let mut block = self.block(BlockKind::Code);
                block.marker = self.item_marker.take().unwrap_or_default();
                self.current = Some(block);
                self.after_tight = false;
            }
            Tag::List(start) => {
                self.flush();
                // (A list nested first thing in an item is not: `- - x`.)
                if self.lists.is_empty() {
                    self.new_list = true;
                }
                self.lists.push(List {
                    next: start,
                    runs: Vec::new(),
                });
            }
            Tag::Item => {
                self.flush();
                self.items += 1;
                let at = self.blocks.len();
                let marker = match self.lists.last_mut() {
                    Some(List {
                        next: Some(n),
                        runs,
                    }) => {
                        let marker = format!("{n}.");
                        *n = n.saturating_add(1);
                        let width = cells(width_of(&marker));
                        if runs.last().is_none_or(|&(_, w)| w != width) {
                            runs.push((at, width));
                        }
                        marker
                    }
                    _ => "•".to_string(),
                };
                self.open_item(marker);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.items += 1;
                self.anchor = Some(footnote_anchor(&label));
                self.open_item(footnote_mark(&label));
            }
            Tag::Table(alignments) => {
                self.flush();
                self.table.clear();
                self.alignments = alignments
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::Center => Align::Center,
                        pulldown_cmark::Alignment::Right => Align::Right,
                        pulldown_cmark::Alignment::Left | pulldown_cmark::Alignment::None => {
                            Align::Left
                        }
                    })
                    .collect();
            }
            Tag::TableHead => {
                self.table_header = true;
                self.table.push((true, Vec::new()));
            }
            Tag::TableRow => self.table.push((false, Vec::new())),
            Tag::TableCell => self.cell = Some(String::new()),
            Tag::Emphasis => self.open_span(Role::Emphasis),
            Tag::Strong => self.open_span(Role::Strong),
            Tag::Strikethrough => self.open_span(Role::Strike),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.open_span(Role::Link);
                if let Some(open) = self.open_spans.last_mut() {
                    open.target = Some(match link_type {
                        LinkType::Email => format!("mailto:{dest_url}"),
                        _ => dest_url.to_string(),
                    });
                }
            }
            Tag::Image { .. } => {
                self.image_depth += 1;
                self.text("[image: ");
                self.open_span(Role::Link);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.flush(),
            TagEnd::CodeBlock => {
                if let Some(block) = self.current.as_mut() {
                    while block.text.ends_with('\n') {
                        block.text.pop();
                    }
                }
                self.flush();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.flush();
                if let Some(list) = self.lists.pop() {
                    self.align_numbers(&list.runs);
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html_block.take() {
                    self.html_block(&html);
                }
            }
            TagEnd::DefinitionListTitle => {
                self.close_span();
                self.flush();
            }
            TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::DefinitionListDefinition => {
                // A tight item's text arrives without a paragraph around it.
                self.flush();
                self.items = self.items.saturating_sub(1);
                self.indents.pop();
                self.item_marker = None;
            }
            TagEnd::TableHead => self.table_header = false,
            TagEnd::TableCell => {
                self.end_inline_html();
                let cell = self.cell.take().unwrap_or_default();
                if let Some((_, row)) = self.table.last_mut() {
                    row.push(cell);
                }
            }
            TagEnd::Table => self.finish_table(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                self.close_span()
            }
            TagEnd::Image => {
                self.close_span();
                self.text("]");
                self.image_depth = self.image_depth.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(cell) = self.cell.as_mut() {
            cell.push_str(text);
            return;
        }
        if self.current.is_none() {
            // Text outside a paragraph: a tight list item, or loose inline content.
            let joined = self.items > 0 && self.after_tight && !self.new_list;
            self.open(BlockKind::Paragraph);
            if let Some(block) = self.current.as_mut() {
                block.joined = joined;
            }
            self.after_tight = self.items > 0;
        }
        if let Some(block) = self.current.as_mut() {
            // A line broken by HTML starts at its first word, as in a browser.
            let text = if block.text.ends_with('\n') && block.kind != BlockKind::Code {
                text.trim_start_matches(' ')
            } else {
                text
            };
            block.text.push_str(text);
        }
    }

    /// A line break where HTML asks for one (`<br>`, a block element inside a paragraph):
    /// none at the start of a block or after another; a space in a table cell.
    fn line_break(&mut self) {
        if let Some(cell) = self.cell.as_mut() {
            cell.push(' ');
        } else if let Some(block) = self.current.as_mut()
            && !block.text.is_empty()
            && !block.text.ends_with('\n')
        {
            block.text.push('\n');
        }
    }

    /// The box of a task list item, as its marker (after the number of a numbered one).
    fn task_box(&mut self, done: bool) {
        let mark = if done { "☑" } else { "☐" };
        let marker = match (self.item_marker.as_mut(), self.current.as_mut()) {
            (Some(marker), _) => Some(marker),
            (None, Some(block))
                if matches!(block.kind, BlockKind::ListItem { .. }) && block.text.is_empty() =>
            {
                Some(&mut block.marker)
            }
            _ => None,
        };
        match marker {
            Some(marker) if marker == "•" || marker.is_empty() => *marker = mark.to_string(),
            Some(marker) => {
                marker.push(' ');
                marker.push_str(mark);
            }
            None => self.text(&format!("{mark} ")),
        }
    }

    /// The label line of a GitHub alert, at the top of its quote.
    fn callout(&mut self, kind: BlockQuoteKind) {
        let label = match kind {
            BlockQuoteKind::Note => "Note",
            BlockQuoteKind::Tip => "Tip",
            BlockQuoteKind::Important => "Important",
            BlockQuoteKind::Warning => "Warning",
            BlockQuoteKind::Caution => "Caution",
        };
        let mut block = self.block(BlockKind::Paragraph);
        block.text = label.to_string();
        block.spans.push(Span::new(0..label.len(), Role::Callout));
        self.push(block);
        // The alert's text goes on right under its label.
        self.join_next = true;
    }

    /// An HTML block: its text, as blocks.
    fn html_block(&mut self, html: &str) {
        self.flush();
        for event in html::block_events(html) {
            match event {
                HtmlEvent::Text(text) => self.text(&text),
                HtmlEvent::Break => self.line_break(),
                HtmlEvent::Rule => self.event(Event::Rule),
                HtmlEvent::Image(alt) => self.image(&alt),
                HtmlEvent::Code(code) => {
                    self.start(Tag::CodeBlock(CodeBlockKind::Indented));
                    self.text(&code);
                    self.end(TagEnd::CodeBlock);
                }
                HtmlEvent::Table(alignments, rows) => self.html_table(alignments, rows),
                HtmlEvent::Open(kind) => self.open_element(kind),
                HtmlEvent::OpenLink(target) => {
                    self.open_span(Role::Link);
                    if let Some(open) = self.open_spans.last_mut() {
                        open.target = Some(target);
                    }
                }
                HtmlEvent::Close(kind) => self.close_element(kind),
            }
        }
        self.flush();
    }

    /// A table read from HTML, fed in as a Markdown table's events are.
    fn html_table(&mut self, alignments: Vec<Alignment>, rows: Vec<(bool, Vec<String>)>) {
        self.start(Tag::Table(alignments));
        for (header, cells) in rows {
            self.start(if header {
                Tag::TableHead
            } else {
                Tag::TableRow
            });
            for cell in cells {
                self.start(Tag::TableCell);
                self.text(&cell);
                self.end(TagEnd::TableCell);
            }
            self.end(if header {
                TagEnd::TableHead
            } else {
                TagEnd::TableRow
            });
        }
        self.end(TagEnd::Table);
    }

    fn image(&mut self, alt: &str) {
        self.start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url: CowStr::Borrowed(""),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        });
        self.text(alt);
        self.end(TagEnd::Image);
    }

    /// The start of an element of an HTML block.
    fn open_element(&mut self, kind: Kind) {
        match kind {
            Kind::Span(role) => self.open_span(role),
            Kind::Sup | Kind::Sub => self.open_script(kind == Kind::Sup),
            Kind::Heading(level) => self.open_heading(level, None),
            Kind::Quote => self.start(Tag::BlockQuote(None)),
            Kind::List(start) => self.start(Tag::List(start)),
            Kind::Item => self.start(Tag::Item),
            Kind::Term => self.start(Tag::DefinitionListTitle),
            Kind::Definition => self.start(Tag::DefinitionListDefinition),
            Kind::Block | Kind::Pre | Kind::Table => self.flush(),
            Kind::Hidden | Kind::Break | Kind::Rule | Kind::Image | Kind::Inline => {}
        }
    }

    fn close_element(&mut self, kind: Kind) {
        match kind {
            Kind::Span(_) => self.close_span(),
            Kind::Sup | Kind::Sub => self.close_script(kind == Kind::Sup),
            Kind::Quote => self.end(TagEnd::BlockQuote(None)),
            Kind::List(start) => self.end(TagEnd::List(start.is_some())),
            Kind::Item => self.end(TagEnd::Item),
            Kind::Term => self.end(TagEnd::DefinitionListTitle),
            Kind::Definition => self.end(TagEnd::DefinitionListDefinition),
            Kind::Heading(_) | Kind::Block | Kind::Pre | Kind::Table => self.flush(),
            Kind::Hidden | Kind::Break | Kind::Rule | Kind::Image | Kind::Inline => {}
        }
    }

    /// One tag of inline HTML. Styles it opens end with their block if it does not close
    /// them; block elements inside a paragraph break its line.
    fn inline_html(&mut self, html: &str) {
        let Some(tag) = html::inline_tag(html) else {
            return;
        };
        match tag.kind {
            Kind::Hidden if HIDDEN_WITH_TEXT.contains(&tag.name.as_str()) => {
                if tag.end {
                    self.hidden = self.hidden.saturating_sub(1);
                } else {
                    self.hidden += 1;
                }
            }
            _ if self.hidden > 0 => {}
            Kind::Hidden | Kind::Inline => {}
            Kind::Image if !tag.end => {
                if let Some(alt) = tag.alt.filter(|a| !a.is_empty()) {
                    self.image(&alt);
                }
            }
            Kind::Image => {}
            Kind::Span(role) if tag.end => {
                if let Some(i) = self
                    .open_spans
                    .iter()
                    .rposition(|s| s.html && s.role == role)
                {
                    let open = self.open_spans.remove(i);
                    let end = self.text_len();
                    self.close(open, end);
                }
            }
            Kind::Span(role) => {
                let start = self.text_len();
                self.open_spans.push(OpenSpan {
                    role,
                    start,
                    html: true,
                    target: tag.href,
                });
            }
            Kind::Sup | Kind::Sub if tag.end => self.close_script(tag.kind == Kind::Sup),
            Kind::Sup | Kind::Sub => self.open_script(tag.kind == Kind::Sup),
            _ => self.line_break(),
        }
    }

    /// Forgets what inline HTML left open at the end of a block or table cell.
    fn end_inline_html(&mut self) {
        self.hidden = 0;
        self.scripts.clear();
    }

    fn open_script(&mut self, sup: bool) {
        let (in_cell, start) = match self.cell.as_ref() {
            Some(cell) => (true, cell.len()),
            None => (false, self.text_len()),
        };
        self.scripts.push(Script {
            sup,
            in_cell,
            block: self.blocks.len(),
            start,
        });
    }

    /// Ends a `<sup>` or `<sub>`: its text is raised or lowered (see [`html::script`]), and
    /// styles inside it move with their text.
    fn close_script(&mut self, sup: bool) {
        let Some(i) = self.scripts.iter().rposition(|s| s.sup == sup) else {
            return;
        };
        let script = self.scripts.swap_remove(i);
        self.scripts.truncate(i);
        if script.in_cell {
            if let Some(cell) = self.cell.as_mut()
                && cell.is_char_boundary(script.start)
            {
                let raised = html::script(&cell[script.start..], sup);
                cell.truncate(script.start);
                cell.push_str(&raised);
            }
            return;
        }
        let from = script.start;
        let Some(block) = self.current.as_mut() else {
            return;
        };
        if script.block != self.blocks.len() || !block.text.is_char_boundary(from) {
            return;
        }
        let old = block.text[from..].to_string();
        let new = html::script(&old, sup);
        if new == old {
            return;
        }
        // An offset in the old text goes to the same character in the new one: after the
        // `^(` when it is marked, else at the same count of (raised) characters.
        let marked = new.chars().count() != old.chars().count();
        // A style starting where the raised text starts is inside it; one ending there is not.
        let map = |at: usize, start: bool| -> usize {
            if at < from || (at == from && !start) || !old.is_char_boundary(at - from) {
                return at;
            }
            if marked {
                return at + 2;
            }
            let n = old[..at - from].chars().count();
            from + new.char_indices().nth(n).map_or(new.len(), |(i, _)| i)
        };
        block.text.truncate(from);
        block.text.push_str(&new);
        for span in &mut block.spans {
            let range = span.range();
            *span = span.with_range(map(range.start, true)..map(range.end, false));
        }
        for open in &mut self.open_spans {
            open.start = map(open.start, true);
        }
        for open in &mut self.scripts {
            if !open.in_cell {
                open.start = map(open.start, true);
            }
        }
    }

    fn text_len(&self) -> usize {
        self.current.as_ref().map_or(0, |b| b.text.len())
    }

    fn open(&mut self, kind: BlockKind) {
        self.flush();
        let mut marker = String::new();
        let kind = match (kind, self.items > 0) {
            (BlockKind::Paragraph, true) => {
                marker = self.item_marker.take().unwrap_or_default();
                BlockKind::ListItem {
                    depth: u8::try_from(self.lists.len().max(1) - 1).unwrap_or(u8::MAX),
                }
            }
            (kind, _) => kind,
        };
        let mut block = self.block(kind);
        block.marker = marker;
        self.current = Some(block);
    }

    fn open_heading(&mut self, level: u8, id: Option<String>) {
        self.flush();
        let mut block = self.block(BlockKind::Heading { level });
        block.id = id;
        block.marker = self.item_marker.take().unwrap_or_default();
        self.current = Some(block);
        self.after_tight = false;
    }

    fn block(&mut self, kind: BlockKind) -> Block {
        let mut block = Block::new(kind, String::new());
        block.quote = self.quote;
        block.indent = self.indents.last().copied().unwrap_or(0);
        if let Some(name) = self.anchor.take() {
            block.anchors.push((name, 0));
        }
        block
    }

    /// `[^1]`: a raised mark (`¹`, or `[note]` for a label that is not a number) that links
    /// to the footnote and is the place the footnote links back to.
    fn footnote_reference(&mut self, label: &str) {
        let start = self.text_len();
        self.text(&footnote_mark(label));
        let end = self.text_len();
        if self.cell.is_some() {
            return;
        }
        let back = format!("fnref-{}", footnote_name(label));
        if let Some(block) = self.current.as_mut()
            && !block.anchors.iter().any(|(name, _)| *name == back)
        {
            block.anchors.push((back, start));
        }
        self.add_link(start, end, format!("#{}", footnote_anchor(label)));
    }

    /// A list item (or footnote definition) starts: its text goes right of `marker`. An
    /// item whose first block is another item (`- - x`) shows both markers on one line.
    fn open_item(&mut self, marker: String) {
        let parent = self.indents.last().copied().unwrap_or(0);
        let width = width_of(&marker);
        self.indents.push(cells(usize::from(parent) + width + 1));
        self.item_marker = Some(match self.item_marker.take() {
            Some(outer) => format!("{outer} {marker}"),
            None => marker,
        });
    }

    /// Right-aligns the numbers of an ordered list that just ended: the items of narrower
    /// runs (see [`List::runs`]) and everything in them move right to the widest's column.
    fn align_numbers(&mut self, runs: &[(usize, u8)]) {
        let Some(widest) = runs.iter().map(|&(_, w)| w).max() else {
            return;
        };
        for (i, &(start, width)) in runs.iter().enumerate() {
            let end = runs.get(i + 1).map_or(self.blocks.len(), |&(s, _)| s);
            let shift = widest - width;
            if shift == 0 {
                continue;
            }
            for block in self.blocks.get_mut(start..end).unwrap_or_default() {
                block.indent = block.indent.saturating_add(shift);
            }
        }
    }

    fn open_span(&mut self, role: Role) {
        let start = self.text_len();
        self.open_spans.push(OpenSpan {
            role,
            start,
            html: false,
            target: None,
        });
    }

    /// Closes the style opened last by Markdown (or an HTML block, whose elements nest).
    fn close_span(&mut self) {
        if let Some(i) = self.open_spans.iter().rposition(|s| !s.html) {
            let open = self.open_spans.remove(i);
            let end = self.text_len();
            self.close(open, end);
        }
    }

    /// Ends an open style at `end`: a link with a target becomes a link to it.
    fn close(&mut self, open: OpenSpan, end: usize) {
        match open.target {
            Some(target) if open.role == Role::Link => self.add_link(open.start, end, target),
            _ => self.add_span(open.role, open.start, end),
        }
    }

    fn add_span(&mut self, role: Role, start: usize, end: usize) {
        if let Some(block) = self.current.as_mut()
            && start < end
            && end <= block.text.len()
        {
            block.spans.push(Span::new(start..end, role));
        }
    }

    /// A link over `start..end` of the current block to `target` (kept as written, with
    /// control characters taken out: it is shown and may be opened).
    fn add_link(&mut self, start: usize, end: usize, target: String) {
        if let Some(block) = self.current.as_mut() {
            block.add_link(start..end, &target);
        }
    }

    /// Ends the current block: spans still open are closed at its end.
    fn flush(&mut self) {
        let Some(mut block) = self.current.take() else {
            return;
        };
        let len = block.text.len();
        for open in self.open_spans.iter_mut() {
            if open.start < len {
                match &open.target {
                    // A link still open at the end of its block (an HTML link around
                    // blocks) links in this block too.
                    Some(target) if open.role == Role::Link => {
                        block.add_link(open.start..len, target);
                    }
                    _ => block.spans.push(Span::new(open.start..len, open.role)),
                }
            }
            open.start = 0;
        }
        self.open_spans.retain(|s| !s.html);
        self.end_inline_html();
        block.spans.sort_by_key(|s| (s.start, s.end));
        clean_block(&mut block);
        let len = block.text.len();
        let trimmed_end = block.text.trim_end().len();
        if block.kind != BlockKind::Code && trimmed_end < len {
            block.text.truncate(trimmed_end);
            block.spans.retain_mut(|s| {
                *s = s.with_range(s.range().start..s.range().end.min(trimmed_end));
                s.start < s.end
            });
        }
        if block.text.is_empty() && block.kind != BlockKind::Code {
            return;
        }
        if let BlockKind::Heading { level: 1 } = block.kind
            && self.title.is_none()
            && self.blocks.is_empty()
        {
            self.title = Some(block.text.clone());
            block.kind = BlockKind::Title;
        }
        self.push(block);
    }

    fn push(&mut self, mut block: Block) {
        self.new_list = false;
        if std::mem::take(&mut self.join_next) {
            block.joined = true;
        }
        self.blocks.push(block);
    }

    /// Ends a table: one block per row, its cells joined with `" │ "`, all sharing one
    /// [`Table`] with the columns' alignment, natural width and header text, so that the
    /// layout gives every row the same column widths (see `layout::table`), one row at a
    /// time. Rows with fewer cells get empty ones. Alignments default to left; the rows of
    /// an HTML table come in the same way.
    fn finish_table(&mut self) {
        let rows = std::mem::take(&mut self.table);
        let alignments = std::mem::take(&mut self.alignments);
        let columns = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        // The separator is the row's own: a cell's `│` would read as a column break.
        let rows: Vec<(bool, Vec<String>)> = rows
            .into_iter()
            .map(|(header, row)| {
                let row = row.iter().map(|c| c.trim().replace('│', "|")).collect();
                (header, row)
            })
            .collect();
        let mut table = Table {
            columns: (0..columns)
                .map(|i| Column {
                    align: alignments.get(i).copied().unwrap_or_default(),
                    width: 0,
                    header: String::new(),
                })
                .collect(),
        };
        for (header, row) in &rows {
            for (column, cell) in table.columns.iter_mut().zip(row) {
                let width = u32::try_from(width_of(cell)).unwrap_or(u32::MAX);
                column.width = column.width.max(width);
                if *header && column.header.is_empty() {
                    column.header = super::sanitize::sanitize_line(cell);
                }
            }
        }
        let table = Arc::new(table);
        let mut marker = self.item_marker.take().unwrap_or_default();
        for (header, row) in rows {
            let mut text = String::new();
            for i in 0..columns {
                if i > 0 {
                    text.push_str(" │ ");
                }
                text.push_str(row.get(i).map_or("", String::as_str));
            }
            let mut block = self.block(BlockKind::TableRow { header });
            block.text = text;
            block.marker = std::mem::take(&mut marker);
            block.table = Some(Arc::clone(&table));
            clean_block(&mut block);
            if header {
                let len = block.text.len();
                block.spans.push(Span::new(0..len, Role::Strong));
            }
            self.push(block);
        }
        self.after_tight = false;
    }

    fn finish(mut self) -> (Option<String>, Vec<Block>) {
        self.flush();
        if !self.table.is_empty() {
            self.finish_table();
        }
        // Without a level-1 heading at the top there is no title here: a first `##` is the
        // first section, not the article's name (the caller falls back to the file's).
        (self.title, self.blocks)
    }
}

/// Character references (`&#x1b;`) are decoded by the parser after the source was cleaned,
/// and a sequence may be spread over several of its text events; so a block whose text has
/// anything to clean is cleaned again as a whole. Span boundaries are moved to where the
/// cleaned text before them ends.
fn clean_block(block: &mut Block) {
    use super::sanitize::{is_clean, sanitize};
    if is_clean(&block.text) {
        return;
    }
    let clean = sanitize(&block.text);
    let moved = |at: usize| {
        let mut at = sanitize(&block.text[..at]).len().min(clean.len());
        while !clean.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let spans = block
        .spans
        .iter()
        .map(|s| s.with_range(moved(s.range().start)..moved(s.range().end)))
        .filter(|s| s.start < s.end)
        .collect();
    block.spans = spans;
    block.text = clean;
}

/// Inline HTML elements whose text is not shown, up to their end tag.
const HIDDEN_WITH_TEXT: &[&str] = &[
    "script", "style", "title", "template", "iframe", "noembed", "noframes", "head",
];

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// How a footnote's label is named in anchors: as written, spaces as dashes.
fn footnote_name(label: &str) -> String {
    super::slug(label)
}

/// The anchor of a footnote's note: `fn-1`.
fn footnote_anchor(label: &str) -> String {
    format!("fn-{}", footnote_name(label))
}

/// The mark of a footnote in the text and before its note: a number raised (`¹²`), any
/// other label in brackets (`[note]`).
fn footnote_mark(label: &str) -> String {
    const RAISED: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    if !label.is_empty() && label.len() <= 6 && label.bytes().all(|b| b.is_ascii_digit()) {
        label
            .bytes()
            .map(|b| RAISED[usize::from(b - b'0')])
            .collect()
    } else {
        format!("[{label}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Format, parse as parse_doc};

    fn doc(md: &str) -> Document {
        parse_doc(md, Format::Markdown, "fallback", None)
    }

    #[test]
    fn title_and_sections_from_headings() {
        let d = doc("# Title\n\nIntro.\n\n## One\n\nText.\n\n### One.a\n\nMore.\n\n## Two\n");
        assert_eq!(d.title, "Title");
        let titles: Vec<_> = d
            .headings()
            .map(|(_, s)| s.title.clone().unwrap_or_default())
            .collect();
        assert_eq!(titles, ["One", "One.a", "Two"]);
        assert_eq!(d.sections[0].title, None);
        assert_eq!(*d.block(0).kind, BlockKind::Title);
        assert_eq!(d.sections[2].path, ["One", "One.a"]);
        assert_eq!(d.sections[2].level, 3);
    }

    #[test]
    fn h1_after_content_is_a_section_and_the_title_falls_back_to_the_given_one() {
        let d = doc("Intro.\n\n# Big\n\ntext");
        assert_eq!(d.title, "fallback");
        assert_eq!(d.sections.len(), 2);
        let d = doc("plain paragraph only");
        assert_eq!(d.title, "fallback");
    }

    #[test]
    fn without_an_h1_the_first_h2_is_a_section_not_the_title() {
        let d = doc("Intro words.\n\n## First Section\n\nText.\n\n## Second\n");
        assert_eq!(d.title, "fallback");
        let titles: Vec<_> = d.sections.iter().map(|s| s.title.as_deref()).collect();
        assert_eq!(titles, [None, Some("First Section"), Some("Second")]);
        // The opening part is named by the article, not by the section after it.
        assert_eq!(d.section_label(0), "fallback");
        assert_eq!(d.section_label(1), "First Section");
        assert!(d.blocks().all(|b| *b.kind != BlockKind::Title));
    }

    #[test]
    fn inline_roles() {
        let d = doc("a *em* **strong** `code` [link](http://x) ~~gone~~");
        let b = d.block(0);
        assert_eq!(b.text, "a em strong code link gone");
        let roles: Vec<_> = b
            .spans
            .iter()
            .map(|s| (&b.text[s.range()], s.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("em", Role::Emphasis),
                ("strong", Role::Strong),
                ("code", Role::Code),
                ("link", Role::Link),
                ("gone", Role::Strike)
            ]
        );
    }

    #[test]
    fn lists_quotes_code_rules() {
        let d = doc(
            "- a\n- b\n  - c\n\n1. x\n2. y\n\n> quoted\n> > deeper\n\n```\nfn x() {}\n\n  y\n```\n\n---\n",
        );
        let kinds: Vec<_> = d
            .blocks()
            .map(|b| (*b.kind, b.marker, b.text, b.quote))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::ListItem { depth: 0 }, "•", "a", 0),
                (BlockKind::ListItem { depth: 0 }, "•", "b", 0),
                (BlockKind::ListItem { depth: 1 }, "•", "c", 0),
                (BlockKind::ListItem { depth: 0 }, "1.", "x", 0),
                (BlockKind::ListItem { depth: 0 }, "2.", "y", 0),
                (BlockKind::Paragraph, "", "quoted", 1),
                (BlockKind::Paragraph, "", "deeper", 2),
                (BlockKind::Code, "", "fn x() {}\n\n  y", 0),
                (BlockKind::Rule, "", "", 0),
            ]
        );
    }

    #[test]
    fn loose_list_item_second_paragraph_has_no_marker() {
        let d = doc("- first\n\n  second\n- next\n");
        let markers: Vec<_> = d
            .blocks()
            .map(|b| match b.kind {
                BlockKind::ListItem { .. } => b.marker,
                _ => "?",
            })
            .collect();
        assert_eq!(markers, ["•", "", "•"]);
    }

    #[test]
    fn tables_line_up() {
        let d = doc("| a | bbb |\n|---|---|\n| cc | d |\n");
        let rows: Vec<_> = d.blocks().map(|b| b.text).collect();
        assert_eq!(rows, ["a │ bbb", "cc │ d"]);
        assert_eq!(*d.block(0).kind, BlockKind::TableRow { header: true });
        // Both rows share one table: its columns' widths and headers.
        let table = d.block(1).table.expect("a table");
        assert!(d.block(0).same_table(&d.block(1)));
        let columns: Vec<_> = table
            .columns
            .iter()
            .map(|c| (c.align, c.width, c.header.as_str()))
            .collect();
        assert_eq!(columns, [(Align::Left, 2, "a"), (Align::Left, 3, "bbb")]);
    }

    #[test]
    fn blocks_in_items_carry_the_column_of_the_item_text() {
        let d = doc("9. one\n\n   more\n\n   - two\n\n     ```\n     code\n     ```\n10. ten\n");
        let blocks: Vec<_> = d
            .blocks()
            .map(|b| (*b.kind, b.marker, b.text, b.indent))
            .collect();
        // The numbers are right-aligned: `9.` moves one cell right, so `one` and `ten`
        // start in the same column, and everything in item 9 moves with it.
        assert_eq!(
            blocks,
            [
                (BlockKind::ListItem { depth: 0 }, "9.", "one", 4),
                (BlockKind::ListItem { depth: 0 }, "", "more", 4),
                (BlockKind::ListItem { depth: 1 }, "•", "two", 6),
                (BlockKind::Code, "", "code", 6),
                (BlockKind::ListItem { depth: 0 }, "10.", "ten", 4),
            ]
        );
    }

    #[test]
    fn tight_items_join_and_loose_items_and_new_lists_do_not() {
        let d = doc("- a\n- b\n  - c\n\n1. x\n\n2. y\n\n- p\n");
        let joined: Vec<_> = d.blocks().map(|b| (b.text, b.joined)).collect();
        assert_eq!(
            joined,
            [
                ("a", false),
                ("b", true),
                ("c", true),
                ("x", false),
                ("y", false),
                ("p", false),
            ]
        );
    }

    #[test]
    fn an_item_opening_with_a_list_or_code_shows_its_marker_there() {
        let d = doc("- - inner\n\n1. ```\n   code\n   ```\n");
        let blocks: Vec<_> = d.blocks().map(|b| (b.marker, b.text, b.indent)).collect();
        assert_eq!(blocks, [("• •", "inner", 4), ("1.", "code", 3)]);
    }

    #[test]
    fn table_alignments_are_kept() {
        let d = doc("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 |\n");
        let table = d.block(0).table.expect("a table");
        let aligns: Vec<_> = table.columns.iter().map(|c| c.align).collect();
        assert_eq!(
            aligns,
            [Align::Left, Align::Center, Align::Right, Align::Left]
        );
        // A short row gets its missing cells, empty.
        assert_eq!(d.block(1).text, "1 │ 2 │ 3 │ ");
    }

    fn texts(d: &Document) -> Vec<&str> {
        d.blocks().map(|b| b.text).collect()
    }

    fn styled<'a>(b: &crate::document::BlockRef<'a>) -> Vec<(&'a str, Role)> {
        b.spans
            .iter()
            .map(|s| (&b.text[s.range()], s.role))
            .collect()
    }

    #[test]
    fn html_text_is_shown_and_images_named() {
        let d = doc("<div>raw</div>\n\ntext <b>bold</b> ![alt text](i.png)\n\n<!-- hidden -->");
        assert_eq!(texts(&d), ["raw", "text bold [image: alt text]"]);
        assert_eq!(styled(&d.block(1))[0], ("bold", Role::Strong));
    }

    #[test]
    fn html_of_the_commonmark_examples_is_read() {
        let cases: &[(&str, &[&str])] = &[
            ("<div>*Emphasized* text.</div>", &["*Emphasized* text."]),
            ("<p>A paragraph.</p>", &["A paragraph."]),
            (
                "<details>\n<summary>Click to open</summary>\n<p>Hidden text.</p>\n</details>",
                &["Click to open", "Hidden text."],
            ),
            (
                "<figure>\n<img src=\"x.png\" alt=\"A cat\">\n<figcaption>The cat.</figcaption>\n</figure>",
                &["[image: A cat]", "The cat."],
            ),
            ("First line<br>second line", &["First line\nsecond line"]),
            (
                "mc<sup>2</sup> and H<sub>2</sub>O, 5<sup>th</sup>",
                &["mc² and H₂O, 5^(th)"],
            ),
            (
                "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>",
                &["**Hello**,", "world."],
            ),
        ];
        for (md, want) in cases {
            assert_eq!(texts(&doc(md)), *want, "{md}");
        }
    }

    #[test]
    fn scripts_styles_and_comments_are_dropped() {
        let d = doc(
            "<script>\nalert(1)\n\nmore()\n</script>\n\n<style>\np { x: *y* }\n</style>\n\n\
             a <script>evil()</script>b <!-- note --> c <style>*x*</style>d\n\n<!--\n\nhidden\n-->\n\nend",
        );
        assert_eq!(texts(&d), ["a b  c d", "end"]);
    }

    #[test]
    fn pre_is_code_and_inline_tags_take_the_markdown_roles() {
        let d = doc(
            "<pre>\nfn x() {\n\n  <b>y</b> &lt; 1\n}\n</pre>\n\nSee <a href=\"u\">the *site*</a>, <code>x</code>, <kbd>K</kbd>, <del>old</del>, <em>it</em>.",
        );
        assert_eq!(*d.block(0).kind, BlockKind::Code);
        assert_eq!(d.block(0).text, "fn x() {\n\n  y < 1\n}");
        let b = d.block(1);
        assert_eq!(b.text, "See the site, x, K, old, it.");
        let mut roles = styled(&b);
        roles.sort_by_key(|(t, r)| (t.len(), format!("{r:?}")));
        assert_eq!(
            roles,
            [
                ("x", Role::Code),
                ("K", Role::Code),
                ("it", Role::Emphasis),
                ("old", Role::Strike),
                ("site", Role::Emphasis),
                ("the site", Role::Link)
            ]
        );
    }

    #[test]
    fn unclosed_inline_html_ends_with_its_block() {
        let d = doc("a <b>bold <sup>raised\n\nnext <i>x</i>");
        assert_eq!(texts(&d), ["a bold raised", "next x"]);
        assert_eq!(styled(&d.block(0)), [("bold raised", Role::Strong)]);
        assert_eq!(styled(&d.block(1)), [("x", Role::Emphasis)]);
    }

    #[test]
    fn superscripts_move_the_styles_inside_them() {
        let d = doc("E = mc<sup>*2*</sup>, x<sup>**n** a</sup> end");
        let b = d.block(0);
        assert_eq!(b.text, "E = mc², x^(n a) end");
        assert_eq!(styled(&b), [("²", Role::Emphasis), ("n", Role::Strong)]);
        let d = doc("| a | b |\n|---|---|\n| x<sup>2</sup> | H<sub>2</sub>O |\n");
        assert_eq!(d.block(1).text, "x² │ H₂O");
    }

    #[test]
    fn a_top_heading_other_than_the_front_matter_title_is_a_section() {
        let d = doc("---\ntitle: Spec\n---\n\n# Introduction\n\nText.\n\n## More\n\nx\n");
        assert_eq!(d.title, "Spec");
        let headings: Vec<_> = d
            .headings()
            .map(|(_, s)| s.title.clone().unwrap_or_default())
            .collect();
        assert_eq!(headings, ["Introduction", "More"]);
        // The same heading as the title is the title, shown once.
        let d = doc("---\ntitle: Spec\n---\n\n# Spec\n\nText.\n");
        assert_eq!(*d.block(0).kind, BlockKind::Title);
        assert_eq!(d.headings().count(), 0);
    }

    #[test]
    fn html_tables_are_tables() {
        let d = doc(
            "<table>\n<thead><tr><th>a</th><th>bbb</th></tr></thead>\n<tbody>\n<tr><td>cc</td><td>d</td></tr>\n</tbody>\n</table>",
        );
        // Cells joined, as Markdown table rows are; the layout lines the columns up.
        assert_eq!(texts(&d), ["a │ bbb", "cc │ d"]);
        assert!(d.block(0).same_table(&d.block(1)));
        assert_eq!(*d.block(0).kind, BlockKind::TableRow { header: true });
        assert_eq!(*d.block(1).kind, BlockKind::TableRow { header: false });
    }

    #[test]
    fn html_lists_quotes_and_headings_are_blocks() {
        let d = doc(
            "<h2>Part</h2>\n<blockquote><p>said</p></blockquote>\n<ol start=\"3\"><li>three</li><li>four<ul><li>in</li></ul></li></ol>\n<hr>\n<dl><dt>Term</dt><dd>Meaning</dd></dl>",
        );
        let kinds: Vec<_> = d
            .blocks()
            .map(|b| (*b.kind, b.marker, b.text, b.quote))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading { level: 2 }, "", "Part", 0),
                (BlockKind::Paragraph, "", "said", 1),
                (BlockKind::ListItem { depth: 0 }, "3.", "three", 0),
                (BlockKind::ListItem { depth: 0 }, "4.", "four", 0),
                (BlockKind::ListItem { depth: 1 }, "•", "in", 0),
                (BlockKind::Rule, "", "", 0),
                (BlockKind::Paragraph, "", "Term", 0),
                (BlockKind::ListItem { depth: 0 }, "", "Meaning", 0),
            ]
        );
    }

    #[test]
    fn hostile_html_is_read_without_overflow_and_stays_clean() {
        let md = "<div>".repeat(10_000) + "deep &#x1b;[31mred" + &"</div>".repeat(10);
        let d = doc(&md);
        assert_eq!(texts(&d), ["deep red"]);
        let md = "<ul><li>".repeat(5_000) + "item";
        assert!(texts(&doc(&md)).contains(&"item"));
        let md = "x".to_string() + &"<b><i><sup>".repeat(5_000) + "y";
        assert!(!doc(&md).is_empty());
    }

    #[test]
    fn front_matter_is_hidden_and_used() {
        let d = doc(
            "---\ntitle: From the Front\nauthor: Ana\ndate: 2024-03-05\nlang: de\n---\n\nIntro.\n\n## One\n",
        );
        assert_eq!(d.title, "From the Front");
        assert_eq!(texts(&d), ["Intro.", "One"]);
        assert_eq!(d.meta.byline(), "Ana · 2024-03-05");
        assert_eq!(d.language.as_deref(), Some("de"));
        let d = doc("+++\ntitle = 'T'\n+++\n# Heading\n\ntext");
        assert_eq!(d.title, "T");
        assert_eq!(texts(&d), ["Heading", "text"]);
        // Malformed: hidden all the same, and the title comes from the text.
        let d = doc("---\ntitle: [unclosed\n---\n# H1\n\nbody");
        assert_eq!(d.title, "H1");
        assert_eq!(texts(&d), ["H1", "body"]);
        assert_eq!(d.meta, crate::document::Metadata::default());
        // A rule in the text with another later is not front matter.
        let d = doc("Text\n\n---\nmore\n---\n");
        assert!(texts(&d).contains(&"more"));
    }

    #[test]
    fn alerts_are_labelled_callouts() {
        let d = doc("> [!WARNING]\n> Careful now.\n\n> [!NOTE]\n> Noted.");
        let blocks: Vec<_> = d.blocks().map(|b| (b.text, b.quote, styled(&b))).collect();
        assert_eq!(
            blocks,
            [
                ("Warning", 1, vec![("Warning", Role::Callout)]),
                ("Careful now.", 1, vec![]),
                ("Note", 1, vec![("Note", Role::Callout)]),
                ("Noted.", 1, vec![]),
            ]
        );
    }

    #[test]
    fn heading_attributes_are_hidden_and_the_id_is_the_slug() {
        let d = doc("# T\n\n## Custom Title {#custom-id .wide}\n\n## Plain Title\n");
        assert_eq!(texts(&d), ["T", "Custom Title", "Plain Title"]);
        assert_eq!(d.sections[1].id.as_deref(), Some("custom-id"));
        assert_eq!(d.sections[1].slug(), "custom-id");
        assert_eq!(d.sections[2].slug(), "plain-title");
        assert_eq!(d.block(1).id, Some("custom-id"));
    }

    #[test]
    fn task_items_have_boxes() {
        let d = doc("- [ ] open\n- [x] done\n\n1. [ ] first\n\n* [X] loose\n\n  more\n");
        let items: Vec<_> = d.blocks().map(|b| (b.marker, b.text)).collect();
        assert_eq!(
            items,
            [
                ("☐", "open"),
                ("☑", "done"),
                ("1. ☐", "first"),
                ("☑", "loose"),
                ("", "more")
            ]
        );
    }

    #[test]
    fn definition_lists_have_a_bold_term_and_an_indented_definition() {
        let d = doc("Term\n: The definition.\n");
        let blocks: Vec<_> = d.blocks().map(|b| (*b.kind, b.marker, b.text)).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Paragraph, "", "Term"),
                (BlockKind::ListItem { depth: 0 }, "", "The definition."),
            ]
        );
        assert_eq!(styled(&d.block(0)), [("Term", Role::Strong)]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let md = "> ".repeat(5000) + "deep";
        let d = doc(&md);
        assert!(d.blocks().any(|b| b.text == "deep"));
        let md = (0..3000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>();
        let d = doc(&md);
        assert!(!d.is_empty());
    }
}
