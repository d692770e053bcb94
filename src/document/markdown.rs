//! Markdown articles, parsed with pulldown-cmark into blocks. Emphasis, strong, code, links
//! and strikethrough become style roles on the block text; raw HTML is dropped. Nesting is
//! tracked with explicit stacks, so deeply nested input cannot overflow the call stack.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, Part, Role, Span};

/// Parses a part of a text read in pieces (see [`Part`]): only the first part has a title;
/// a paragraph or code block at the start of a part cut inside one goes on from the part
/// before.
pub fn parse_piece(text: &str, part: Part) -> (Option<String>, Vec<Block>) {
    let (title, mut blocks) = parse(text);
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
    (title.filter(|_| part.first), blocks)
}

/// The pulldown-cmark extensions blatt reads Markdown with.
pub(crate) const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES);

/// Returns the title (a level-1 heading before any other content) and the blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<Block>) {
    let mut builder = Builder::default();
    for event in Parser::new_ext(text, OPTIONS) {
        builder.event(event);
    }
    builder.finish()
}

/// An open list: the next number for ordered lists.
struct List {
    next: Option<u64>,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The block being filled, if any.
    current: Option<Block>,
    /// Open inline styles: role and where it started in the current text.
    open_spans: Vec<(Role, usize)>,
    lists: Vec<List>,
    /// Marker for the next paragraph inside a list item; `None` after the first paragraph.
    item_marker: Option<String>,
    /// Item nesting, to know whether a paragraph belongs to a list item.
    items: usize,
    quote: u8,
    /// Rows of the table being read: cells per row, and whether it is the header.
    table: Vec<(bool, Vec<String>)>,
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
                self.push(Block::new(BlockKind::Rule, String::new()));
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]")),
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open(BlockKind::Paragraph),
            Tag::Heading { level, .. } => self.open_heading(heading_level(level)),
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_add(1);
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.current = Some(self.block(BlockKind::Code));
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(List { next: start });
            }
            Tag::Item => {
                self.flush();
                self.items += 1;
                let marker = match self.lists.last_mut() {
                    Some(List { next: Some(n) }) => {
                        let marker = format!("{n}.");
                        *n = n.saturating_add(1);
                        marker
                    }
                    _ => "•".to_string(),
                };
                self.item_marker = Some(marker);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.item_marker = Some(format!("[^{label}]:"));
                self.items += 1;
            }
            Tag::Table(_) => {
                self.flush();
                self.table.clear();
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
            Tag::Link { .. } => self.open_span(Role::Link),
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
                self.lists.pop();
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                // A tight item's text arrives without a paragraph around it.
                self.flush();
                self.items = self.items.saturating_sub(1);
                self.item_marker = None;
            }
            TagEnd::TableHead => self.table_header = false,
            TagEnd::TableCell => {
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
            self.open(BlockKind::Paragraph);
        }
        if let Some(block) = self.current.as_mut() {
            block.text.push_str(text);
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

    fn open_heading(&mut self, level: u8) {
        self.flush();
        self.current = Some(self.block(BlockKind::Heading { level }));
    }

    fn block(&self, kind: BlockKind) -> Block {
        let mut block = Block::new(kind, String::new());
        block.quote = self.quote;
        block
    }

    fn open_span(&mut self, role: Role) {
        let start = self.text_len();
        self.open_spans.push((role, start));
    }

    fn close_span(&mut self) {
        if let Some((role, start)) = self.open_spans.pop() {
            let end = self.text_len();
            self.add_span(role, start, end);
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

    /// Ends the current block: spans still open are closed at its end.
    fn flush(&mut self) {
        let Some(mut block) = self.current.take() else {
            return;
        };
        let len = block.text.len();
        for (role, start) in self.open_spans.iter_mut() {
            if *start < len {
                block.spans.push(Span::new(*start..len, *role));
            }
            *start = 0;
        }
        block.spans.sort_by_key(|s| (s.start, s.end));
        clean_block(&mut block);
        let len = block.text.len();
        let trimmed_end = block.text.trim_end().len();
        if block.kind != BlockKind::Code && trimmed_end < len {
            block.text.truncate(trimmed_end);
            block.spans.retain_mut(|s| {
                *s = Span::new(s.range().start..s.range().end.min(trimmed_end), s.role);
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

    fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Pads the cells of each column (the last one too) to the column's width, so rows line
    /// up and every row tells the layout the width of every column: the layout wraps a row
    /// too wide for the screen cell by cell (see `layout::table`), one row at a time.
    fn finish_table(&mut self) {
        use unicode_segmentation::UnicodeSegmentation;
        use unicode_width::UnicodeWidthStr;
        // Measured as the layout measures: by grapheme cluster.
        let width_of = |cell: &str| cell.graphemes(true).map(UnicodeWidthStr::width).sum();
        let rows = std::mem::take(&mut self.table);
        let columns = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        // The separator is the row's own: a cell's `│` would read as a column break.
        let rows: Vec<(bool, Vec<String>)> = rows
            .into_iter()
            .map(|(header, row)| {
                let row = row.iter().map(|c| c.trim().replace('│', "|")).collect();
                (header, row)
            })
            .collect();
        let mut widths = vec![0usize; columns];
        for (_, row) in &rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(width_of(cell));
            }
        }
        for (header, row) in rows {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                if i > 0 {
                    text.push_str(" │ ");
                }
                text.push_str(cell);
                text.extend(std::iter::repeat_n(
                    ' ',
                    width.saturating_sub(width_of(cell)),
                ));
            }
            let mut block = self.block(BlockKind::TableRow { header });
            block.text = text;
            clean_block(&mut block);
            if header {
                let len = block.text.len();
                block.spans.push(Span::new(0..len, Role::Strong));
            }
            self.push(block);
        }
    }

    fn finish(mut self) -> (Option<String>, Vec<Block>) {
        self.flush();
        if !self.table.is_empty() {
            self.finish_table();
        }
        if self.title.is_none() {
            self.title = self
                .blocks
                .iter()
                .find(|b| b.is_heading())
                .map(|b| b.text.clone());
        }
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
        .map(|s| Span::new(moved(s.range().start)..moved(s.range().end), s.role))
        .filter(|s| s.start < s.end)
        .collect();
    block.spans = spans;
    block.text = clean;
}

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
    fn h1_after_content_is_a_section_and_title_falls_back_to_first_heading() {
        let d = doc("Intro.\n\n# Big\n\ntext");
        assert_eq!(d.title, "Big");
        assert_eq!(d.sections.len(), 2);
        let d = doc("plain paragraph only");
        assert_eq!(d.title, "fallback");
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
        assert_eq!(rows, ["a  │ bbb", "cc │ d  "]);
        assert_eq!(*d.block(0).kind, BlockKind::TableRow { header: true });
    }

    #[test]
    fn html_is_dropped_and_images_named() {
        let d = doc("<div>raw</div>\n\ntext <b>bold</b> ![alt text](i.png)\n\n<!-- hidden -->");
        let texts: Vec<_> = d.blocks().map(|b| b.text).collect();
        assert_eq!(texts, ["text bold [image: alt text]"]);
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
