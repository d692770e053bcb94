//! Documents: turning an article's bytes into a [`Document`], a title and a sequence of
//! [`Block`]s grouped into [`Section`]s by heading.
//!
//! The flow is one way: [`decode`] bytes into text, [`sanitize`] it once so that nothing later
//! can reach the terminal as a control sequence, then parse it as plain text ([`plain`]) or
//! Markdown ([`markdown`]). The model knows style *roles* (emphasis, code, link), never colours.

pub(crate) mod cuts;
pub mod decode;
pub mod front_matter;
pub(crate) mod html;
pub mod markdown;
pub mod plain;
pub mod sanitize;
pub mod seek;
pub mod stream;
pub mod window;

use std::ops::Range;
use std::sync::Arc;

/// How the text of a span is meant to look; the UI maps roles to a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Emphasis,
    Strong,
    Code,
    Link,
    Strike,
    /// The label of a callout (a GitHub alert such as `> [!NOTE]`).
    Callout,
    /// Text a search found (never in a document: the reader adds it to what it draws).
    Match,
    /// The match the search is at (`n`/`N` move it).
    CurrentMatch,
}

impl Role {
    /// Every role, in the order the theme lays their styles over one another: a colour
    /// from a later role wins, modifiers add up (a bold link is bold, underlined and in
    /// the link colour).
    pub const ALL: [Role; 8] = [
        Role::Emphasis,
        Role::Strong,
        Role::Strike,
        Role::Code,
        Role::Link,
        Role::Callout,
        // Last: a match stands out whatever it is in.
        Role::Match,
        Role::CurrentMatch,
    ];

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The roles of one piece of text: nested styles (`***both***`, a bold link, code in
/// emphasis) combine, so a piece can have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u8);

impl Roles {
    pub const NONE: Roles = Roles(0);

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles of both.
    pub fn union(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    /// The roles held, in [`Role::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// The roles of the spans that cover byte `at`.
    pub fn at<'a>(spans: impl IntoIterator<Item = &'a Span>, at: usize) -> Roles {
        spans
            .into_iter()
            .filter(|s| s.range().contains(&at))
            .fold(Roles::NONE, |roles, s| roles.with(s.role))
    }
}

impl From<Role> for Roles {
    fn from(role: Role) -> Roles {
        Roles::NONE.with(role)
    }
}

/// A styled byte range of a block's text. Kept in 12 bytes (a Markdown article can have
/// millions): offsets are `u32`, as a block is at most [`LONGEST_BLOCK`] long once in a
/// document, and parsed a piece at a time before. A link's span also names its target: an
/// index (24 bits, in the bytes the role leaves) into the targets of its block while it is
/// parsed ([`Block::links`]), of its document once it is in one ([`Document::link_target`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
    pub role: Role,
    /// The link's target index plus one, little-endian; zero for none.
    link: [u8; 3],
}

/// Links a document can name (24 bits): past that, link text is still styled, but has no
/// target to follow.
const MAX_LINKS: usize = (1 << 24) - 1;

impl Span {
    /// A span of `range` (offsets past 4 GiB are clamped; no block is that long).
    pub fn new(range: Range<usize>, role: Role) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(range.start),
            end: clamp(range.end),
            role,
            link: [0; 3],
        }
    }

    /// The same span (role and link) over another range of the text.
    pub fn with_range(&self, range: Range<usize>) -> Span {
        Span {
            link: self.link,
            ..Span::new(range, self.role)
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The index of the link's target, if the span is a link with one.
    pub fn link(&self) -> Option<usize> {
        let [a, b, c] = self.link;
        (u32::from_le_bytes([a, b, c, 0]) as usize).checked_sub(1)
    }

    /// Names the link's target (none past [`MAX_LINKS`]).
    pub(crate) fn set_link(&mut self, index: Option<usize>) {
        let n = match index {
            Some(i) if i < MAX_LINKS => (i + 1) as u32,
            _ => 0,
        };
        let [a, b, c, _] = n.to_le_bytes();
        self.link = [a, b, c];
    }
}

/// How the cells of a table column are aligned (`:--`, `:-:`, `--:` in Markdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A column of a table, as every row of the table lays it out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    pub align: Align,
    /// The widest cell of the column, in terminal cells.
    pub width: u32,
    /// The header cell's text (empty for a table without a header row).
    pub header: String,
}

/// What the rows of one table share, so that each row, laid out on its own (lazily), gets
/// the same column widths as the others. Kept once per table, not per row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
}

impl Table {
    /// Widens this table's columns to hold `other`'s (the same table read in two pieces).
    fn widen(&mut self, other: &Table) {
        for (i, column) in other.columns.iter().enumerate() {
            match self.columns.get_mut(i) {
                Some(mine) => mine.width = mine.width.max(column.width),
                None => self.columns.push(column.clone()),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The document's title, shown at the top of the opening part.
    Title,
    Heading {
        level: u8,
    },
    Paragraph,
    /// A list item (its marker is the block's `marker`).
    ListItem {
        depth: u8,
    },
    /// Preformatted text: its line breaks are kept, long lines are broken, never re-flowed.
    Code,
    /// A table row: its cells' text joined with `" │ "` (a cell never holds a `│`); the
    /// block's [`Table`] says how its columns are aligned and how wide they are.
    TableRow {
        header: bool,
    },
    Rule,
}

/// A block as a parser makes it, owning its text. A [`Document`] keeps its blocks more
/// compactly (all text in one buffer) and hands them out as [`BlockRef`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Clean text; `\n` only where a line break is meant (code, verse, hard breaks).
    pub text: String,
    pub spans: Vec<Span>,
    /// Block-quote nesting depth.
    pub quote: u8,
    /// A list item's marker: `"•"`, `"3."`, or empty for a continuation paragraph.
    pub marker: String,
    /// The block goes on from the one before: a block too long to be one, cut for layout
    /// (see [`LONGEST_BLOCK`]), or cut where a large article was read in pieces (see
    /// [`stream`]). Drawn without a gap before it.
    pub continued: bool,
    /// A heading's explicit id (`## Title {#id}`), which its section's slug then is.
    pub id: Option<String>,
    /// Inside list items: the column (in cells, after any quote bars) where the item's
    /// text starts; the block is drawn there, and its `marker` just before it.
    pub indent: u8,
    /// Drawn right under the block before, without a blank line: the next item of a tight
    /// list, or a list nested in a tight item.
    pub joined: bool,
    /// The table a `TableRow` belongs to (rows of one table share it).
    pub table: Option<Arc<Table>>,
    /// The targets of the block's links, as written (a URL, `other.md#slug`, `#slug`):
    /// a link span names one by its index here.
    pub links: Vec<String>,
    /// Places in the block a link can point at (`#fn-1`, the note of footnote 1): name and
    /// byte offset.
    pub anchors: Vec<(String, usize)>,
}

/// The most text a document holds: offsets are `u32`. Articles are capped below (see
/// `Config::max_article_bytes`: 1 GiB, at most 3 GiB once decoded unless it is mostly tabs,
/// which are expanded); what comes past it is left out.
pub const MAX_TEXT: usize = u32::MAX as usize;

/// Blocks longer than this many bytes are kept as several blocks, each one `continued`
/// from the one before, so that laying out (or re-wrapping after a resize) one block never
/// takes more than a moment, however long a paragraph without breaks is.
pub const LONGEST_BLOCK: usize = 64 * 1024;

impl Block {
    pub fn new(kind: BlockKind, text: String) -> Self {
        Block {
            kind,
            text,
            spans: Vec::new(),
            quote: 0,
            marker: String::new(),
            continued: false,
            id: None,
            indent: 0,
            joined: false,
            table: None,
            links: Vec::new(),
            anchors: Vec::new(),
        }
    }

    /// Cuts a block longer than [`LONGEST_BLOCK`] into blocks of at most that length, at
    /// line breaks where it has them, else (not in code or tables, whose spaces are kept)
    /// at spaces, else between grapheme clusters; the line break or space where it is cut is
    /// dropped (the next block starts a new line anyway). Spans are cut with the text.
    fn split_long(self) -> Vec<Block> {
        use unicode_segmentation::UnicodeSegmentation;
        let text = self.text.as_str();
        let spaces = !matches!(self.kind, BlockKind::Code | BlockKind::TableRow { .. });
        let mut parts = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let (end, next) = if text.len() - start <= LONGEST_BLOCK {
                (text.len(), text.len())
            } else {
                let mut limit = start + LONGEST_BLOCK;
                while !text.is_char_boundary(limit) {
                    limit -= 1;
                }
                let window = &text[start..limit];
                let at_space = || window.rfind(' ').filter(|_| spaces);
                match window.rfind('\n').or_else(at_space) {
                    Some(at) if at > 0 => (start + at, start + at + 1),
                    _ => {
                        // The last cluster boundary in the window (one cluster longer
                        // than the window is cut between characters).
                        let cluster = text[start..]
                            .grapheme_indices(true)
                            .map(|(i, _)| i)
                            .take_while(|&i| i <= window.len())
                            .last()
                            .filter(|&i| i > 0)
                            .unwrap_or(window.len());
                        (start + cluster, start + cluster)
                    }
                }
            };
            let spans = self
                .spans
                .iter()
                .filter(|s| s.range().start < end && s.range().end > start)
                .map(|s| {
                    let range = s.range();
                    s.with_range(range.start.max(start) - start..range.end.min(end) - start)
                })
                .collect();
            let last = next >= text.len();
            let anchors = self
                .anchors
                .iter()
                .filter(|(_, at)| *at >= start && (*at < next || last))
                .map(|(name, at)| (name.clone(), at.min(&end) - start))
                .collect();
            parts.push(Block {
                kind: self.kind,
                text: text[start..end].to_string(),
                spans,
                quote: self.quote,
                marker: if start == 0 {
                    self.marker.clone()
                } else {
                    String::new()
                },
                continued: self.continued || start > 0,
                id: if start == 0 { self.id.clone() } else { None },
                indent: self.indent,
                joined: self.joined && start == 0,
                table: self.table.clone(),
                links: self.links.clone(),
                anchors,
            });
            start = next;
        }
        parts
    }

    /// Makes `range` of the text a link to `target`, kept as written with control
    /// characters taken out (it is shown, and may be opened). Spans stay sorted by start.
    pub(crate) fn add_link(&mut self, range: Range<usize>, target: &str) {
        if range.start >= range.end || range.end > self.text.len() {
            return;
        }
        let target = sanitize::sanitize_line(target);
        let index = match self.links.iter().position(|t| *t == target) {
            Some(i) => i,
            None => {
                self.links.push(target);
                self.links.len() - 1
            }
        };
        let mut span = Span::new(range, Role::Link);
        span.set_link(Some(index));
        let at = self
            .spans
            .partition_point(|s| s.range().start <= span.range().start);
        self.spans.insert(at, span);
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }
}

/// A block of a [`Document`], borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef<'a> {
    pub kind: &'a BlockKind,
    /// Clean text; `\n` only where a line break is meant (code, verse, hard breaks).
    pub text: &'a str,
    /// Styled ranges of `text`, sorted by start.
    pub spans: &'a [Span],
    /// Block-quote nesting depth.
    pub quote: u8,
    /// A list item's marker: `"•"`, `"3."`, or empty for a continuation paragraph.
    pub marker: &'a str,
    /// The block goes on from the one before (see [`Block::continued`]).
    pub continued: bool,
    /// A heading's explicit id (see [`Block::id`]).
    pub id: Option<&'a str>,
    /// List indentation (see [`Block::indent`]).
    pub indent: u8,
    /// Drawn without a gap before it (see [`Block::joined`]).
    pub joined: bool,
    /// The table of a `TableRow`.
    pub table: Option<&'a Arc<Table>>,
    /// Where the block starts, counted in bytes of block text (plus one per block) before
    /// it: the basis for "percent through the document" without laying out every line.
    pub pos: u64,
    /// The document's link targets, which the spans' links index.
    links: &'a [Box<str>],
}

impl BlockRef<'_> {
    /// The target of a link span of this block.
    pub fn link_target(&self, span: &Span) -> Option<&str> {
        span.link().and_then(|i| self.links.get(i)).map(|t| &**t)
    }

    /// An owned copy, as a parser would have made it (its links' targets its own).
    pub fn to_block(&self) -> Block {
        let mut links = Vec::new();
        let spans = self
            .spans
            .iter()
            .map(|span| {
                let mut span = span.clone();
                if let Some(target) = self.link_target(&span) {
                    links.push(target.to_string());
                    span.set_link(Some(links.len() - 1));
                }
                span
            })
            .collect();
        Block {
            kind: *self.kind,
            text: self.text.to_string(),
            spans,
            links,
            anchors: Vec::new(),
            quote: self.quote,
            marker: self.marker.to_string(),
            continued: self.continued,
            id: self.id.map(str::to_string),
            indent: self.indent,
            joined: self.joined,
            table: self.table.cloned(),
        }
    }

    /// Whether `other` is a row of the same table as this one.
    pub fn same_table(&self, other: &BlockRef) -> bool {
        match (self.table, other.table) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }

    /// A short, stable fingerprint of the block's text, used to find the block again after
    /// the article was edited (FNV-1a, 64 bits, as hex).
    pub fn fingerprint(&self) -> String {
        let mut hash = crate::hash::Fnv1a::new();
        hash.write(self.text.as_bytes());
        format!("{:016x}", hash.finish())
    }
}

/// How a document keeps a block: its text and spans are ranges of the document's shared
/// buffers, each starting where the previous block's ended. One allocation for all the text
/// instead of one per block keeps a 100 MB article near 100 MB in memory; 16 bytes a block
/// keep the rest small.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    /// End of the block's text in `Document::text` (which stays below [`MAX_TEXT`]).
    end: u32,
    /// End of the block's spans in `Document::spans`.
    spans_end: u32,
    /// End of the block's list marker in `Document::markers`.
    marker_end: u32,
    kind: BlockKind,
    /// Quote depth (up to [`MAX_QUOTE`]) in the low bits, then [`CONTINUED`] and [`JOINED`].
    quote_flags: u8,
    indent: u8,
}

/// Quote depth kept per block: deeper quotes are drawn as this deep (their bars would not
/// fit a screen anyway).
const MAX_QUOTE: u8 = 63;
const CONTINUED: u8 = 64;
const JOINED: u8 = 128;

/// A run of blocks under one heading (or the untitled opening part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading text; `None` for the opening part before the first heading.
    pub title: Option<String>,
    /// Heading level (1..=6); 0 for the opening part.
    pub level: u8,
    /// Headings from the outermost to this one.
    pub path: Vec<String>,
    /// Blocks of this section, the heading block first.
    pub blocks: Range<usize>,
    pub words: usize,
    /// The heading's explicit id (`## Title {#id}`), if it has one.
    pub id: Option<String>,
}

impl Section {
    /// The anchor of the section in a link (`file.md#slug`): its explicit id, else the slug
    /// of its title; empty for the untitled opening part.
    pub fn slug(&self) -> String {
        match (&self.id, &self.title) {
            (Some(id), _) => id.clone(),
            (None, Some(title)) => slug(title),
            (None, None) => String::new(),
        }
    }
}

/// A GitHub-style heading slug: lowercase, spaces to dashes, punctuation dropped.
pub fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// What an article says about itself in its front matter (see [`front_matter`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// As written (`2024-03-05`, `March 2024`).
    pub date: Option<String>,
    /// A language tag (`de`, `en-GB`).
    pub language: Option<String>,
}

impl Metadata {
    /// Author(s) and date for a header line: `Ana, Ben · 2024-03-05`; empty when neither is
    /// known.
    pub fn byline(&self) -> String {
        let authors = self.authors.join(", ");
        [authors.as_str(), self.date.as_deref().unwrap_or_default()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// The article names itself (a heading, its front matter, a plain text's title line):
    /// `title` is not the fallback its reader gave (an untitled section is labelled with
    /// `title`, see [`Document::section_label`]).
    pub titled: bool,
    /// The text of all blocks, one after another.
    text: String,
    /// Spans of all blocks, one block's after another's; ranges relative to their block.
    spans: Vec<Span>,
    /// List markers of all blocks, one after another.
    markers: String,
    blocks: Vec<Stored>,
    /// The tables, each with the index of its first row, in order.
    tables: Vec<(usize, Arc<Table>)>,
    /// The targets of all links, in order; link spans name them by index.
    links: Vec<Box<str>>,
    /// Places links can point at: name, block, byte offset in the block.
    anchors: Vec<(Box<str>, u32, u32)>,
    pub sections: Vec<Section>,
    /// What the article's front matter says (nothing for plain text).
    pub meta: Metadata,
    /// Sum of the block text lengths plus one per block: the denominator of "percent read".
    pub total: u64,
    /// ISO 639 language code, from the library entry or guessed from the text.
    pub language: Option<String>,
    /// False while a large article is still being read in the background.
    pub complete: bool,
    /// The expected final `total` while loading (from the file size), for progress.
    pub expected: u64,
    /// Headings enclosing the end of the document, for appending sections.
    open_headings: Vec<(u8, String)>,
    /// A table with rows before was widened by appended rows (see [`Document::take_widened`]).
    widened: bool,
    /// Where the blocks of a large article are in its file: (blocks so far, bytes of the
    /// file behind them) after each piece, the first entry where the text starts. Empty for
    /// an article read at once.
    pub(crate) sources: Vec<(usize, u64)>,
    /// The words of each section are counted as blocks are added (false for a document
    /// made only to be laid out, see [`Document::for_layout`]).
    counts_words: bool,
}

/// Where a part of a text read in pieces (see [`stream`]) sits in the whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Part {
    /// The first part: its first line may be the title.
    pub first: bool,
    /// The part before was cut inside a block, which goes on at the start of this one.
    pub continues: bool,
    /// This part is cut inside a block: its last block is only the beginning of one.
    pub ends_inside: bool,
    /// The part before ends with a paragraph of plain text that stops inside a sentence
    /// (see [`plain::leaves_sentence_open`]).
    pub after_open: bool,
}

/// The first block of a later part of a text read in pieces, if it goes on from the block
/// at the end of the part before: that part was cut inside a block (`continues`), and this
/// one does not start with a blank line.
fn continuing<'b>(blocks: &'b mut [Block], text: &str, continues: bool) -> Option<&'b mut Block> {
    blocks
        .first_mut()
        .filter(|_| continues && starts_inside(text))
}

/// Whether a later part's text starts inside a block: not with a blank line.
fn starts_inside(text: &str) -> bool {
    text.split('\n')
        .next()
        .is_some_and(|l| !l.trim().is_empty())
}

/// Which parser a document needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Markdown,
}

impl Format {
    /// `.md`, `.markdown` and `.mdown` files are Markdown; everything else is plain text.
    pub fn from_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if [".md", ".markdown", ".mdown", ".mkd"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            Format::Markdown
        } else {
            Format::Plain
        }
    }
}

/// The whole way in: bytes to a document. `name` (a file name) picks the format;
/// `fallback_title` is used when the text names none; `language` comes from the library
/// entry when it names one.
pub fn load(
    bytes: &[u8],
    name: &str,
    fallback_title: &str,
    language: Option<&str>,
) -> Result<Document, decode::DecodeError> {
    let decoded = decode::decode(bytes)?;
    let clean = sanitize::sanitize(&decoded.text);
    drop(decoded);
    let title = sanitize::sanitize_line(fallback_title);
    Ok(parse(&clean, Format::from_name(name), &title, language))
}

/// Opens an article from a reader of its bytes (see `library::open_target`, which limits it
/// to `cap + 1` bytes). A small article is read at once; a large one (more than
/// [`stream::PIECES_ABOVE`]) only as far as its first piece, and the returned loader reads
/// the rest ([`Document::append`] each piece, then set `complete`).
pub fn open(
    mut source: Box<dyn std::io::Read + Send>,
    size: u64,
    name: &str,
    fallback_title: &str,
    language: Option<&str>,
    cap: u64,
) -> Result<(Document, Option<stream::Loader>), stream::LoadError> {
    if size <= stream::PIECES_ABOVE {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        source.read_to_end(&mut bytes)?;
        if bytes.len() as u64 > cap {
            return Err(stream::LoadError::TooLarge { cap });
        }
        return Ok((load(&bytes, name, fallback_title, language)?, None));
    }
    let mut loader = stream::Loader::new(source, Format::from_name(name), cap);
    // Read on until there is something to show: the title, the language and the first
    // screen come from the first blocks (text without a blank line in its first piece is
    // cut inside a block only once a whole piece of it is in).
    let mut piece = loader.next(stream::FIRST_PIECE)?;
    while piece.blocks.is_empty() && !piece.done {
        let more = loader.next(stream::FIRST_PIECE)?;
        piece.title = piece.title.or(more.title);
        if piece.meta == Metadata::default() {
            piece.meta = more.meta;
        }
        piece.blocks = more.blocks;
        piece.done = more.done;
    }
    let titled = piece.title.is_some();
    let title = piece
        .title
        .unwrap_or_else(|| sanitize::sanitize_line(fallback_title));
    let language = language
        .map(str::to_string)
        .or_else(|| piece.meta.language.clone())
        .or_else(|| {
            let sample: String = piece
                .blocks
                .iter()
                .take(200)
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            guess_language(&sample).map(str::to_string)
        });
    let mut doc = Document::from_blocks(title, piece.blocks, language);
    doc.titled = titled;
    doc.meta = piece.meta;
    doc.expected = size;
    doc.sources = vec![(0, 0), (doc.block_count(), piece.end)];
    if piece.done {
        return Ok((doc, None));
    }
    // Size the buffers once from the first piece, rather than doubling them (and briefly
    // holding both copies) again and again while the rest arrives. Reserved pages that are
    // never written are never resident, so a generous guess costs nothing.
    doc.reserve_for(size, loader.bytes_read());
    doc.complete = false;
    Ok((doc, Some(loader)))
}

/// Parses clean (already sanitized) text.
pub fn parse(
    clean: &str,
    format: Format,
    fallback_title: &str,
    language: Option<&str>,
) -> Document {
    let (meta, title, blocks) = match format {
        Format::Plain => {
            let (title, blocks) = plain::parse(clean);
            (Metadata::default(), title, blocks)
        }
        Format::Markdown => markdown::parse_article(clean),
    };
    let titled = title.is_some();
    let title = title.unwrap_or_else(|| fallback_title.to_string());
    let language = language
        .map(str::to_string)
        .or_else(|| meta.language.clone())
        .or_else(|| guess_language(clean).map(str::to_string));
    let mut doc = Document::from_blocks(title, blocks, language);
    doc.titled = titled;
    doc.meta = meta;
    doc
}

impl Document {
    /// Builds sections and positions from the blocks.
    pub fn from_blocks(title: String, blocks: Vec<Block>, language: Option<String>) -> Self {
        let mut doc = Document {
            title,
            titled: false,
            text: String::new(),
            spans: Vec::new(),
            markers: String::new(),
            blocks: Vec::new(),
            meta: Metadata::default(),
            tables: Vec::new(),
            links: Vec::new(),
            anchors: Vec::new(),
            sections: vec![Section {
                title: None,
                level: 0,
                path: Vec::new(),
                blocks: 0..0,
                words: 0,
                id: None,
            }],
            total: 0,
            language,
            complete: true,
            expected: 0,
            open_headings: Vec::new(),
            widened: false,
            sources: Vec::new(),
            counts_words: true,
        };
        doc.append(blocks);
        doc
    }

    /// A document of `blocks` made only to be laid out (`blatt render` makes one of each
    /// piece of a large article): as [`Document::from_blocks`], untitled, but the sections'
    /// word counts are left at 0 (reading progress and the contents' sizes need them, layout
    /// does not).
    pub fn for_layout(blocks: Vec<Block>, language: Option<String>) -> Self {
        let mut doc = Document::from_blocks(String::new(), Vec::new(), language);
        doc.counts_words = false;
        doc.append(blocks);
        doc
    }

    /// Adds blocks at the end (a large article arrives in pieces): positions and sections
    /// continue from what is there.
    pub fn append(&mut self, blocks: Vec<Block>) {
        let first = self.blocks.len();
        // An empty opening part was dropped when the document started with a heading.
        if first == 0
            && self.sections.len() == 1
            && self.sections[0].title.is_none()
            && blocks.first().is_some_and(Block::is_heading)
        {
            self.sections.clear();
        }
        self.blocks.reserve(blocks.len());
        self.text.reserve(blocks.iter().map(|b| b.text.len()).sum());
        for block in blocks {
            let kept = if block.text.len() > LONGEST_BLOCK {
                block.split_long().into_iter().all(|part| self.push(part))
            } else {
                self.push(block)
            };
            if !kept {
                break;
            }
        }
        if self.sections.is_empty() {
            self.sections.push(Section {
                title: None,
                level: 0,
                path: Vec::new(),
                blocks: 0..0,
                words: 0,
                id: None,
            });
        }
    }

    /// Reserves room for the rest of an article of `size` bytes, of which `read` bytes gave
    /// the blocks so far.
    fn reserve_for(&mut self, size: u64, read: u64) {
        let scale = size as f64 / read.max(1) as f64 * 1.05;
        let estimate = |have: usize| ((have as f64 * scale) as usize).min(u32::MAX as usize);
        self.blocks
            .reserve(estimate(self.blocks.len()).saturating_sub(self.blocks.len()));
        self.spans
            .reserve(estimate(self.spans.len()).saturating_sub(self.spans.len()));
        let text = usize::try_from(size).unwrap_or(usize::MAX);
        self.text.reserve(text.saturating_sub(self.text.len()));
    }

    /// Adds one block at the end; false (and nothing added) once the text would pass
    /// [`MAX_TEXT`].
    fn push(&mut self, mut block: Block) -> bool {
        if self.text.len() + block.text.len() > MAX_TEXT {
            return false;
        }
        let i = self.blocks.len();
        if !block.links.is_empty() {
            // The block's link indexes become the document's.
            let base = self.links.len();
            for span in &mut block.spans {
                if let Some(link) = span.link() {
                    span.set_link(Some(base + link));
                }
            }
            self.links
                .extend(std::mem::take(&mut block.links).into_iter().map(Into::into));
        }
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        for (name, at) in std::mem::take(&mut block.anchors) {
            let at = u32::try_from(at.min(block.text.len())).unwrap_or(u32::MAX);
            self.anchors.push((name.into(), index, at));
        }
        self.total += block.text.len() as u64 + 1;
        if let BlockKind::Heading { level } = block.kind
            && !block.continued
        {
            while self.open_headings.last().is_some_and(|(l, _)| *l >= level) {
                self.open_headings.pop();
            }
            self.open_headings.push((level, block.text.clone()));
            self.sections.push(Section {
                title: Some(block.text.clone()),
                level,
                path: self.open_headings.iter().map(|(_, t)| t.clone()).collect(),
                blocks: i..i,
                words: 0,
                id: block.id.clone(),
            });
        }
        let words = if self.counts_words {
            count_words(&block.text)
        } else {
            0
        };
        if let Some(last) = self.sections.last_mut() {
            last.words += words;
            last.blocks.end = i + 1;
        }
        if matches!(block.kind, BlockKind::TableRow { .. }) {
            self.push_row(i, &block);
        }
        self.text.push_str(&block.text);
        // Styling only: past 4 billion spans (far beyond any article) the rest are dropped.
        let room = (u32::MAX as usize).saturating_sub(self.spans.len());
        self.spans.extend(block.spans.into_iter().take(room));
        // Markers are a few bytes each; past 4 GiB of them the rest are left out.
        if self.markers.len() + block.marker.len() <= u32::MAX as usize {
            self.markers.push_str(&block.marker);
        }
        self.blocks.push(Stored {
            end: u32::try_from(self.text.len()).unwrap_or(u32::MAX),
            spans_end: u32::try_from(self.spans.len()).unwrap_or(u32::MAX),
            marker_end: u32::try_from(self.markers.len()).unwrap_or(u32::MAX),
            kind: block.kind,
            quote_flags: block.quote.min(MAX_QUOTE)
                | if block.continued { CONTINUED } else { 0 }
                | if block.joined { JOINED } else { 0 },
            indent: block.indent,
        });
        true
    }

    /// Files table row `i` under its table: the table of the row before when it shares it,
    /// or when it goes on from it (a table read in two pieces, each with its own column
    /// widths: the columns take the wider), else a new one.
    fn push_row(&mut self, i: usize, block: &Block) {
        let after_row = i
            .checked_sub(1)
            .and_then(|prev| self.blocks.get(prev))
            .is_some_and(|prev| matches!(prev.kind, BlockKind::TableRow { .. }));
        if let Some((_, last)) = self.tables.last_mut()
            && after_row
        {
            match &block.table {
                Some(table) if Arc::ptr_eq(table, last) => return,
                Some(table) if block.continued => {
                    let wider = table.columns.len() > last.columns.len()
                        || table
                            .columns
                            .iter()
                            .zip(&last.columns)
                            .any(|(new, old)| new.width > old.width);
                    if wider {
                        Arc::make_mut(last).widen(table);
                        self.widened = true;
                    }
                    return;
                }
                None if block.continued => return,
                _ => {}
            }
        }
        let table = block.table.clone().unwrap_or_default();
        self.tables.push((i, table));
    }

    /// Number of blocks.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Block `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<BlockRef<'_>> {
        let stored = self.blocks.get(index)?;
        let (start, spans_start, marker_start) = match index.checked_sub(1) {
            Some(prev) => {
                let prev = &self.blocks[prev];
                (prev.end as usize, prev.spans_end, prev.marker_end)
            }
            None => (0, 0, 0),
        };
        Some(BlockRef {
            kind: &stored.kind,
            text: &self.text[start..stored.end as usize],
            spans: &self.spans[spans_start as usize..stored.spans_end as usize],
            quote: stored.quote_flags & MAX_QUOTE,
            marker: &self.markers[marker_start as usize..stored.marker_end as usize],
            continued: stored.quote_flags & CONTINUED != 0,
            indent: stored.indent,
            joined: stored.quote_flags & JOINED != 0,
            table: match stored.kind {
                BlockKind::TableRow { .. } => self.table_of(index),
                _ => None,
            },
            id: self.heading_id(index, stored),
            pos: (start + index) as u64,
            links: &self.links,
        })
    }

    /// The explicit id of the heading at block `index`: kept with its section.
    fn heading_id(&self, index: usize, stored: &Stored) -> Option<&str> {
        if !matches!(stored.kind, BlockKind::Heading { .. }) || stored.quote_flags & CONTINUED != 0
        {
            return None;
        }
        let section = self.sections.get(self.section_of(index))?;
        (section.blocks.start == index)
            .then_some(section.id.as_deref())
            .flatten()
    }

    /// The table that row `index` belongs to.
    fn table_of(&self, index: usize) -> Option<&Arc<Table>> {
        let at = self.tables.partition_point(|(first, _)| *first <= index);
        self.tables.get(at.checked_sub(1)?).map(|(_, table)| table)
    }

    /// Whether appending widened a table that had rows before (a table read in two
    /// pieces): lines laid out before may be narrower than the table now is. Reading it
    /// clears it.
    pub fn take_widened(&mut self) -> bool {
        std::mem::take(&mut self.widened)
    }

    /// Block `index`.
    ///
    /// # Panics
    /// If there is no such block, like indexing a slice.
    pub fn block(&self, index: usize) -> BlockRef<'_> {
        match self.get(index) {
            Some(block) => block,
            None => panic!(
                "block {index} of a document with {} blocks",
                self.blocks.len()
            ),
        }
    }

    /// The target of link `index` (see [`Span::link`]), as written in the article.
    pub fn link_target(&self, index: usize) -> Option<&str> {
        self.links.get(index).map(|t| &**t)
    }

    /// The place a fragment (`#slug`, without the `#`) names: a named place (a footnote,
    /// `fn-1`, and the reference to it, `fnref-1`), else the first section whose slug it is
    /// (see [`Section::slug`]), else, as GitHub numbers repeated headings, `slug-2` the third
    /// section of that slug. Block and byte offset.
    pub fn fragment(&self, fragment: &str) -> Option<(usize, usize)> {
        if let Some((_, block, at)) = self.anchors.iter().find(|(n, _, _)| &**n == fragment) {
            return Some((*block as usize, *at as usize));
        }
        let start = |s: &Section| (s.blocks.start, 0);
        if let Some(section) = self.sections.iter().find(|s| s.slug() == fragment) {
            return Some(start(section));
        }
        let (base, n) = fragment.rsplit_once('-')?;
        let n: usize = n.parse().ok()?;
        self.sections
            .iter()
            .filter(|s| s.slug() == base)
            .nth(n)
            .map(start)
    }

    /// The anchor of section `index` in a link, unique in the document as GitHub makes it:
    /// the second section whose slug is `chapter-viii` is `chapter-viii-1`, the third
    /// `chapter-viii-2` ([`Document::fragment`] reads them back). An explicit id is kept.
    pub fn section_slug(&self, index: usize) -> String {
        let Some(section) = self.sections.get(index) else {
            return String::new();
        };
        let slug = section.slug();
        if section.id.is_some() || slug.is_empty() {
            return slug;
        }
        match self.sections[..index]
            .iter()
            .filter(|s| s.slug() == slug)
            .count()
        {
            0 => slug,
            n => format!("{slug}-{n}"),
        }
    }

    /// All blocks in order.
    pub fn blocks(&self) -> impl DoubleEndedIterator<Item = BlockRef<'_>> + '_ {
        (0..self.blocks.len()).map(|i| self.block(i))
    }

    /// Reads the rest of an article opened in pieces, here and now.
    pub fn read_rest(&mut self, loader: &mut stream::Loader) -> Result<(), stream::LoadError> {
        loop {
            let piece = loader.next(stream::PIECE)?;
            self.append(piece.blocks);
            self.mark_source(piece.end);
            if piece.done {
                self.complete = true;
                return Ok(());
            }
        }
    }

    /// Notes that the blocks so far end at byte `end` of the file (after a piece).
    pub fn mark_source(&mut self, end: u64) {
        let count = self.blocks.len();
        let pieces = self.sources.len();
        match self.sources.last_mut() {
            Some(last) if last.0 == count && pieces > 1 => last.1 = end,
            Some(_) => self.sources.push((count, end)),
            None => self.sources.extend([(0, 0), (count, end)]),
        }
    }

    /// Bytes of the file read into blocks so far (0 for an article read at once).
    pub fn source_end(&self) -> u64 {
        self.sources.last().map_or(0, |s| s.1)
    }

    /// Where in the file the text read into blocks starts (0 but for a window, see
    /// [`window`]).
    pub fn source_start(&self) -> u64 {
        self.sources.first().map_or(0, |s| s.1)
    }

    /// Where the text of a position (`offset` bytes into `block`) is in the file of a large
    /// article: exact at the ends of pieces, spread evenly over the text of a piece between.
    pub fn byte_at(&self, block: usize, offset: usize) -> Option<u64> {
        let b = self.get(block)?;
        let at = self.sources.partition_point(|s| s.0 <= block);
        let (first, start) = *self.sources.get(at.checked_sub(1)?)?;
        let (last, end) = *self.sources.get(at)?;
        let from = self.pos_of(first);
        let span = self.pos_of(last).saturating_sub(from).max(1);
        let into = (b.pos + offset.min(b.text.len()) as u64).saturating_sub(from);
        let bytes = end.saturating_sub(start);
        Some(start + (u128::from(into) * u128::from(bytes) / u128::from(span)) as u64)
    }

    /// The block whose text holds byte `byte` of the file (see [`Document::byte_at`]); none
    /// if that part of the file is not read into blocks.
    pub fn block_at_byte(&self, byte: u64) -> Option<usize> {
        let at = self.sources.partition_point(|s| s.1 <= byte);
        let (first, start) = *self.sources.get(at.checked_sub(1)?)?;
        let (last, end) = *self.sources.get(at)?;
        let from = self.pos_of(first);
        let span = self.pos_of(last).saturating_sub(from);
        let bytes = end.saturating_sub(start).max(1);
        let pos = from + (u128::from(byte - start) * u128::from(span) / u128::from(bytes)) as u64;
        let block = self.blocks_before(first..last, pos);
        Some(
            block
                .saturating_sub(1)
                .max(first)
                .min(last.saturating_sub(1)),
        )
    }

    /// The position (see [`BlockRef::pos`]) where block `index` starts; the total past the end.
    fn pos_of(&self, index: usize) -> u64 {
        self.get(index).map_or(self.total, |b| b.pos)
    }

    /// The block where `fraction` (0.0..=1.0) of the text is behind.
    pub fn block_at_fraction(&self, fraction: f64) -> usize {
        let at = (self.total as f64 * fraction.clamp(0.0, 1.0)) as u64;
        self.blocks_before(0..self.blocks.len(), at)
            .saturating_sub(1)
    }

    /// The first block in `range` that starts after position `pos` (the end of the range
    /// if none does).
    fn blocks_before(&self, range: Range<usize>, pos: u64) -> usize {
        let (mut low, mut high) = (range.start, range.end.min(self.blocks.len()));
        while low < high {
            let mid = low + (high - low) / 2;
            if self.block(mid).pos <= pos {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// The denominator for progress: the text so far, or what is expected while loading.
    fn progress_total(&self) -> u64 {
        if self.complete {
            self.total
        } else {
            self.total.max(self.expected)
        }
    }

    /// The section that holds `block`.
    pub fn section_of(&self, block: usize) -> usize {
        self.sections
            .partition_point(|s| s.blocks.start <= block)
            .saturating_sub(1)
    }

    /// The headings, for a table of contents: sections that have a title.
    pub fn headings(&self) -> impl Iterator<Item = (usize, &Section)> {
        self.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.title.is_some())
    }

    /// A short name for section `index`: its title, or its heading path joined with ` › `
    /// (`BOOK TWO › CHAPTER XII`) when another section has the same title; the document's
    /// title for the untitled opening part; empty past the end.
    pub fn section_label(&self, index: usize) -> String {
        let repeated = |title: &str| {
            self.sections
                .iter()
                .enumerate()
                .any(|(i, s)| i != index && s.title.as_deref() == Some(title))
        };
        self.label_with(index, repeated)
    }

    /// [`Document::section_label`] for many sections at once: titles are counted once, so
    /// labelling every section of a book of thousands is not quadratic.
    pub fn section_labeler(&self) -> impl Fn(usize) -> String + '_ {
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for title in self.sections.iter().filter_map(|s| s.title.as_deref()) {
            *counts.entry(title).or_default() += 1;
        }
        move |index| self.label_with(index, |title| counts.get(title).is_some_and(|&n| n > 1))
    }

    fn label_with(&self, index: usize, repeated: impl Fn(&str) -> bool) -> String {
        let Some(section) = self.sections.get(index) else {
            return String::new();
        };
        let Some(title) = section.title.as_deref() else {
            return self.title.clone();
        };
        if repeated(title) && section.path.len() > 1 {
            section.path.join(" › ")
        } else {
            title.to_string()
        }
    }

    /// Fraction of the document before byte `offset` of `block`, 0.0..=1.0.
    pub fn fraction_at(&self, block: usize, offset: usize) -> f64 {
        match self.get(block) {
            Some(b) if self.progress_total() > 0 => {
                let at = b.pos + offset.min(b.text.len()) as u64;
                (at as f64 / self.progress_total() as f64).clamp(0.0, 1.0)
            }
            _ => 0.0,
        }
    }
}

/// A cheap guess between German and English from common function words in the first few
/// kilobytes; `None` when neither is clear. Used for hyphenation only.
pub fn guess_language(text: &str) -> Option<&'static str> {
    let mut end = text.len().min(16 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut de, mut en) = (0usize, 0usize);
    // Letters of the Latin script and of others: a text mostly in another script (a Hindi
    // text under an English header) is neither German nor English.
    let (mut latin, mut other) = (0usize, 0usize);
    // Each word is folded into a few bytes on the stack and matched against both lists at
    // once: this runs on the start of every article `blatt index` reads.
    let mut buf = [0u8; 8];
    for word in text[..end].split(|c: char| !c.is_alphabetic()) {
        if word.is_ascii() {
            latin += word.len();
        } else {
            for c in word.chars() {
                if c < '\u{250}' {
                    latin += 1;
                } else {
                    other += 1;
                }
            }
        }
        if word.is_empty() || word.len() > 6 {
            continue;
        }
        let mut len = 0;
        for c in word.chars().flat_map(char::to_lowercase) {
            if len + c.len_utf8() > buf.len() {
                len = 0;
                break;
            }
            len += c.encode_utf8(&mut buf[len..]).len();
        }
        match std::str::from_utf8(&buf[..len]).unwrap_or("") {
            "der" | "die" | "und" | "das" | "nicht" | "ist" | "mit" | "sich" | "auf" | "für"
            | "dem" | "den" | "ein" | "eine" | "auch" | "von" | "zu" => de += 1,
            "the" | "and" | "of" | "to" | "is" | "that" | "with" | "for" | "was" | "on" | "it"
            | "as" | "his" | "her" | "he" | "she" | "be" => en += 1,
            _ => {}
        }
    }
    if latin < other {
        None
    } else if de >= 5 && de > en * 2 {
        Some("de")
    } else if en >= 5 && en > de * 2 {
        Some("en")
    } else {
        None
    }
}

/// The number of words of `text`, as `split_whitespace` counts them. A whole article's
/// words are counted as it is read, so the common case is made fast: without whitespace
/// outside ASCII, a word starts at each byte that is not ASCII whitespace after one that is
/// (the bytes of a character after its first are never whitespace), and both that count and
/// the look for other whitespace are simple loops over byte pairs and triples that the
/// compiler turns into vector instructions.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let next = bytes.get(1..).unwrap_or_default();
    let after = bytes.get(2..).unwrap_or_default();
    // The triples miss only the last pair, which can be a two-byte one.
    let wide_space = bytes
        .iter()
        .zip(next)
        .zip(after)
        .fold(false, |found, ((&a, &b), &c)| {
            found | non_ascii_space(a, b, c)
        })
        || text.ends_with(['\u{85}', '\u{A0}']);
    if wide_space {
        return text.split_whitespace().count();
    }
    let space = |b: u8| b == b' ' || b.wrapping_sub(b'\t') < 5;
    usize::from(bytes.first().is_some_and(|&b| !space(b)))
        + bytes
            .iter()
            .zip(next)
            .map(|(&a, &b)| usize::from(space(a) & !space(b)))
            .sum::<usize>()
}

/// Whether the bytes `a b c` start whitespace outside ASCII: U+0085, U+00A0, U+1680,
/// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
fn non_ascii_space(a: u8, b: u8, c: u8) -> bool {
    (a == 0xC2) & ((b == 0x85) | (b == 0xA0))
        | (a == 0xE1) & (b == 0x9A) & (c == 0x80)
        | (a == 0xE2)
            & ((b == 0x80) & ((c <= 0x8A) | (c == 0xA8) | (c == 0xA9) | (c == 0xAF))
                | (b == 0x81) & (c == 0x9F))
        | (a == 0xE3) & (b == 0x80) & (c == 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod word_count {
        use super::super::count_words;
        use proptest::prelude::*;

        proptest! {
        /// Words are counted as `split_whitespace` counts them, whatever the whitespace.
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(
            pieces in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(vec![
                        " ", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{85}", "\u{A0}",
                        "\u{1680}", "\u{2000}", "\u{200A}", "\u{200B}", "\u{2028}",
                        "\u{202F}", "\u{205F}", "\u{3000}", "\u{E000}", "word", "слово",
                        "كلمة", "词", "\u{1F600}", "\u{C2}",
                    ])
                    .prop_map(String::from),
                    any::<char>().prop_map(String::from),
                ],
                0..24,
            ),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
        }
    }

    fn heading(level: u8, text: &str) -> Block {
        Block::new(BlockKind::Heading { level }, text.to_string())
    }
    fn para(text: &str) -> Block {
        Block::new(BlockKind::Paragraph, text.to_string())
    }

    #[test]
    fn sections_follow_headings_with_paths() {
        let doc = Document::from_blocks(
            "T".into(),
            vec![
                para("intro words here"),
                heading(2, "A"),
                para("a"),
                heading(3, "A1"),
                para("a1"),
                heading(2, "B"),
            ],
            None,
        );
        let titles: Vec<_> = doc.sections.iter().map(|s| s.title.clone()).collect();
        assert_eq!(
            titles,
            [None, Some("A".into()), Some("A1".into()), Some("B".into())]
        );
        assert_eq!(doc.sections[2].path, ["A", "A1"]);
        assert_eq!(doc.sections[3].path, ["B"]);
        assert_eq!(doc.sections[0].blocks, 0..1);
        assert_eq!(doc.sections[3].blocks, 5..6);
        assert_eq!(doc.sections[0].words, 3);
        assert_eq!(doc.section_of(0), 0);
        assert_eq!(doc.section_of(4), 2);
        assert_eq!(doc.section_of(5), 3);
    }

    #[test]
    fn document_starting_with_heading_has_no_empty_opening() {
        let doc = Document::from_blocks("T".into(), vec![heading(1, "A"), para("x")], None);
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(doc.section_of(1), 0);
    }

    #[test]
    fn empty_document_has_one_section_and_zero_fraction() {
        let doc = Document::from_blocks("T".into(), Vec::new(), None);
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(doc.fraction_at(0, 0), 0.0);
    }

    #[test]
    fn fingerprint_is_stable_and_text_dependent() {
        let doc = Document::from_blocks(
            "T".into(),
            vec![para("abc"), para("abc"), para("abd"), para("")],
            None,
        );
        assert_eq!(doc.block(0).fingerprint(), doc.block(1).fingerprint());
        assert_ne!(doc.block(0).fingerprint(), doc.block(2).fingerprint());
        assert_eq!(doc.block(3).fingerprint(), "cbf29ce484222325");
    }

    #[test]
    fn a_span_stays_small() {
        assert!(std::mem::size_of::<Span>() <= 12);
    }

    #[test]
    fn a_stored_block_stays_small() {
        // 150,000 paragraphs of a 100 MB article cost 2.4 MB at this size; memory targets
        // (document size + 20 MiB) depend on it.
        assert!(std::mem::size_of::<Stored>() <= 16);
    }

    #[test]
    fn blocks_read_back_as_they_were_appended() {
        let mut item = Block::new(BlockKind::ListItem { depth: 1 }, "item".into());
        item.marker = "3.".into();
        item.quote = 2;
        item.indent = 5;
        item.joined = true;
        item.spans.push(Span::new(0..2, Role::Strong));
        let blocks = vec![heading(2, "A"), item, para(""), para("tail")];
        let mut doc = Document::from_blocks("T".into(), blocks[..2].to_vec(), None);
        doc.append(blocks[2..].to_vec());
        let back: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        assert_eq!(back, blocks);
        assert_eq!(doc.block(3).pos, ("A".len() + "item".len() + 3) as u64);
        assert_eq!(
            doc.total,
            ("A".len() + "item".len() + "tail".len() + 4) as u64
        );
        assert!(doc.get(4).is_none());
    }

    #[test]
    fn rows_share_their_table_and_a_table_read_on_is_widened() {
        let table = |widths: &[u32]| {
            Arc::new(Table {
                columns: widths
                    .iter()
                    .map(|&width| Column {
                        width,
                        ..Column::default()
                    })
                    .collect(),
            })
        };
        let row = |table: &Arc<Table>, continued: bool| {
            let mut block = Block::new(BlockKind::TableRow { header: false }, "x │ y".into());
            block.table = Some(Arc::clone(table));
            block.continued = continued;
            block
        };
        let (one, two) = (table(&[1, 1]), table(&[1, 1]));
        let mut doc = Document::from_blocks(
            "T".into(),
            vec![row(&one, false), row(&one, false), row(&two, false)],
            None,
        );
        // Two tables one after the other stay two; rows of one share it.
        assert!(doc.block(0).same_table(&doc.block(1)));
        assert!(!doc.block(1).same_table(&doc.block(2)));
        assert!(!doc.take_widened());
        // A piece that goes on with the last table (its header was read again) joins it,
        // and the wider columns widen it.
        doc.append(vec![row(&table(&[5, 1]), true), row(&table(&[5, 1]), true)]);
        assert!(doc.block(2).same_table(&doc.block(4)));
        assert_eq!(
            doc.block(2).table.map(|t| t.columns[0].width),
            Some(5),
            "widened"
        );
        assert!(doc.take_widened() && !doc.take_widened());
    }

    #[test]
    fn quote_depth_and_flags_share_a_byte() {
        let mut deep = para("deep");
        deep.quote = 200;
        deep.continued = true;
        deep.joined = true;
        deep.indent = 17;
        let doc = Document::from_blocks("T".into(), vec![deep], None);
        let b = doc.block(0);
        assert_eq!(
            (b.quote, b.continued, b.joined, b.indent),
            (MAX_QUOTE, true, true, 17)
        );
    }

    #[test]
    fn a_long_block_is_cut_with_its_spans() {
        let mut long = Block::new(BlockKind::Heading { level: 2 }, "wort ".repeat(30_000));
        long.spans
            .push(Span::new(5..LONGEST_BLOCK + 10, Role::Emphasis));
        let doc = Document::from_blocks("T".into(), vec![long.clone(), para("danach")], None);
        let parts: Vec<BlockRef> = doc.blocks().collect();
        assert_eq!(
            parts.len(),
            4,
            "150,000 bytes in blocks of at most 64 KiB, then one"
        );
        assert!(parts.iter().all(|b| b.text.len() <= LONGEST_BLOCK));
        assert!(!parts[0].continued && parts[1].continued && parts[2].continued);
        assert!(!parts[3].continued);
        // Cut at spaces, which are dropped: the words are all there.
        let joined: Vec<&str> = parts[..3].iter().map(|b| b.text).collect();
        assert!(
            joined.join(" ") == long.text,
            "the parts joined are the block"
        );
        // The emphasis runs on into the second part, shifted.
        assert_eq!(parts[0].spans[0].range(), 5..parts[0].text.len());
        let second = parts[0].text.len() + 1;
        assert_eq!(parts[1].spans[0].range(), 0..LONGEST_BLOCK + 10 - second);
        assert!(parts[2].spans.is_empty());
        // One heading, one section.
        assert_eq!(doc.sections.len(), 1);
    }

    #[test]
    fn repeated_section_titles_get_numbered_slugs_that_resolve() {
        let md = "# T\n\n## Kapitel\n\na\n\n## Anders\n\nb\n\n## Kapitel\n\nc\n\n## Kapitel {#eigen}\n\nd\n\n## Kapitel\n\ne\n";
        let doc = parse(md, Format::Markdown, "t", None);
        let slugs: Vec<String> = (0..doc.sections.len())
            .map(|i| doc.section_slug(i))
            .collect();
        let titled = &slugs[slugs.len() - 5..];
        assert_eq!(
            titled,
            ["kapitel", "anders", "kapitel-1", "eigen", "kapitel-2"]
        );
        for (i, slug) in slugs.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
            assert_eq!(
                doc.fragment(slug),
                Some((doc.sections[i].blocks.start, 0)),
                "{slug}"
            );
        }
    }

    #[test]
    fn format_from_name() {
        assert_eq!(Format::from_name("a/B.MD"), Format::Markdown);
        assert_eq!(Format::from_name("x.txt"), Format::Plain);
        assert_eq!(Format::from_name("md"), Format::Plain);
    }

    #[test]
    fn language_guess() {
        assert_eq!(
            guess_language(
                "Die Kommission und der Rat haben sich auf eine Linie für die Zukunft geeinigt, das ist nicht neu."
            ),
            Some("de")
        );
        assert_eq!(
            guess_language(
                "The commission and the council agreed on a line for the future; it is not new, and that was his view."
            ),
            Some("en")
        );
        assert_eq!(guess_language("你好世界"), None);
        // Case does not matter, also outside ASCII: five German words only with `FÜR`.
        assert_eq!(guess_language("DER DIE UND DAS FÜR Haus Zeit"), Some("de"));
        assert_eq!(guess_language("DER DIE UND DAS FUR Haus Zeit"), None);
        // An English header over a text in another script (the UDHR texts of the corpus).
        let hindi = "Universal Declaration of Human Rights - Hindi. The Office of the High \
            Commissioner for Human Rights. This text was prepared by the project and is his.\n\n\
            मानव अधिकारों की सार्वभौम घोषणा १० दिसम्बर १९४८ को यूनाइटेड नेशन्स की जनरल असेम्बली ने \
            मानव अधिकारों की सार्वभौम घोषणा को स्वीकृत और घोषित किया । इसका पूर्ण पाठ आगे के पृष्ठों में";
        assert_eq!(
            guess_language(&hindi[..hindi.find("\n\n").unwrap()]),
            Some("en")
        );
        assert_eq!(guess_language(hindi), None);
    }
}

#[cfg(test)]
mod link_tests;
