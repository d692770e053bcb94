//! Markdown articles, parsed with pulldown-cmark into blocks. Emphasis, strong, code, links
//! and strikethrough become style roles on the block text; raw HTML is dropped. Nesting is
//! tracked with explicit stacks, so deeply nested input cannot overflow the call stack.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use std::sync::Arc;

use super::{Align, Block, BlockKind, Column, Part, Role, Span, Table};

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

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The block being filled, if any.
    current: Option<Block>,
    /// Open inline styles: role and where it started in the current text.
    open_spans: Vec<(Role, usize)>,
    lists: Vec<List>,
    /// Marker for the next block inside a list item; `None` after the item's first block.
    item_marker: Option<String>,
    /// Item nesting, to know whether a paragraph belongs to a list item.
    items: usize,
    /// For each open item (and footnote definition): the column where its text starts.
    indents: Vec<u8>,
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
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]")),
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.open(BlockKind::Paragraph);
                self.after_tight = false;
            }
            Tag::Heading { level, .. } => self.open_heading(heading_level(level)),
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_add(1);
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
                self.open_item(format!("[^{label}]:"));
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
                if let Some(list) = self.lists.pop() {
                    self.align_numbers(&list.runs);
                }
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                // A tight item's text arrives without a paragraph around it.
                self.flush();
                self.items = self.items.saturating_sub(1);
                self.indents.pop();
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
            let joined = self.items > 0 && self.after_tight && !self.new_list;
            self.open(BlockKind::Paragraph);
            if let Some(block) = self.current.as_mut() {
                block.joined = joined;
            }
            self.after_tight = self.items > 0;
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
        let mut block = self.block(BlockKind::Heading { level });
        block.marker = self.item_marker.take().unwrap_or_default();
        self.current = Some(block);
        self.after_tight = false;
    }

    fn block(&self, kind: BlockKind) -> Block {
        let mut block = Block::new(kind, String::new());
        block.quote = self.quote;
        block.indent = self.indents.last().copied().unwrap_or(0);
        block
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
        self.new_list = false;
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
