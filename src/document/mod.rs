//! Documents: turning an article's bytes into a [`Document`], a title and a sequence of
//! [`Block`]s grouped into [`Section`]s by heading.
//!
//! The flow is one way: [`decode`] bytes into text, [`sanitize`] it once so that nothing later
//! can reach the terminal as a control sequence, then parse it as plain text ([`plain`]) or
//! Markdown ([`markdown`]). The model knows style *roles* (emphasis, code, link), never colours.

pub mod decode;
pub mod markdown;
pub mod plain;
pub mod sanitize;

use std::ops::Range;

/// How the text of a span is meant to look; the UI maps roles to a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Emphasis,
    Strong,
    Code,
    Link,
    Strike,
}

/// A styled byte range of a block's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// The document's title, shown at the top of the opening part.
    Title,
    Heading {
        level: u8,
    },
    Paragraph,
    /// A list item; `marker` is `"•"`, `"3."` or empty for a continuation paragraph.
    ListItem {
        depth: u8,
        marker: String,
    },
    /// Preformatted text: its line breaks are kept, long lines are broken, never re-flowed.
    Code,
    /// A table row with cells already padded into columns.
    TableRow {
        header: bool,
    },
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Clean text; `\n` only where a line break is meant (code, verse, hard breaks).
    pub text: String,
    pub spans: Vec<Span>,
    /// Block-quote nesting depth.
    pub quote: u8,
    /// Where the block starts, counted in bytes of block text before it: the basis for
    /// "percent through the document" without laying out every line.
    pub pos: u64,
}

impl Block {
    pub fn new(kind: BlockKind, text: String) -> Self {
        Block {
            kind,
            text,
            spans: Vec::new(),
            quote: 0,
            pos: 0,
        }
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }

    /// A short, stable fingerprint of the block's text, used to find the block again after
    /// the article was edited (FNV-1a, 64 bits, as hex).
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", fnv1a(self.text.as_bytes()))
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
    /// Sum of the block text lengths: the denominator of "percent read".
    pub total: u64,
    /// ISO 639 language code, from the library entry or guessed from the text.
    pub language: Option<String>,
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

/// Parses clean (already sanitized) text.
pub fn parse(
    clean: &str,
    format: Format,
    fallback_title: &str,
    language: Option<&str>,
) -> Document {
    let (title, blocks) = match format {
        Format::Plain => plain::parse(clean),
        Format::Markdown => markdown::parse(clean),
    };
    let title = title.unwrap_or_else(|| fallback_title.to_string());
    let language = language
        .map(str::to_string)
        .or_else(|| guess_language(clean).map(str::to_string));
    Document::from_blocks(title, blocks, language)
}

impl Document {
    /// Builds sections and positions from the blocks.
    pub fn from_blocks(title: String, mut blocks: Vec<Block>, language: Option<String>) -> Self {
        let mut total = 0u64;
        for block in &mut blocks {
            block.pos = total;
            total += block.text.len() as u64 + 1;
        }
        let sections = build_sections(&blocks);
        Document {
            title,
            blocks,
            sections,
            total,
            language,
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

    /// Fraction of the document before byte `offset` of `block`, 0.0..=1.0.
    pub fn fraction_at(&self, block: usize, offset: usize) -> f64 {
        match self.blocks.get(block) {
            Some(b) if self.total > 0 => {
                let at = b.pos + offset.min(b.text.len()) as u64;
                (at as f64 / self.total as f64).clamp(0.0, 1.0)
            }
            _ => 0.0,
        }
    }
}

fn build_sections(blocks: &[Block]) -> Vec<Section> {
    let mut sections = vec![Section {
        title: None,
        level: 0,
        path: Vec::new(),
        blocks: 0..0,
        words: 0,
    }];
    // (level, title) of the headings enclosing the current one.
    let mut stack: Vec<(u8, String)> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if let BlockKind::Heading { level } = block.kind {
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            stack.push((level, block.text.clone()));
            if let Some(last) = sections.last_mut() {
                last.blocks.end = i;
            }
            sections.push(Section {
                title: Some(block.text.clone()),
                level,
                path: stack.iter().map(|(_, t)| t.clone()).collect(),
                blocks: i..i,
                words: 0,
            });
        }
        if let Some(last) = sections.last_mut() {
            last.words += block.text.split_whitespace().count();
        }
    }
    if let Some(last) = sections.last_mut() {
        last.blocks.end = blocks.len();
    }
    // An empty opening part (the document starts with a heading) is not a section.
    if sections.len() > 1 && sections[0].blocks.is_empty() {
        sections.remove(0);
    }
    sections
}

/// A cheap guess between German and English from common function words in the first few
/// kilobytes; `None` when neither is clear. Used for hyphenation only.
pub fn guess_language(text: &str) -> Option<&'static str> {
    const DE: &[&str] = &[
        "der", "die", "und", "das", "nicht", "ist", "mit", "sich", "auf", "für", "dem", "den",
        "ein", "eine", "auch", "von", "zu",
    ];
    const EN: &[&str] = &[
        "the", "and", "of", "to", "is", "that", "with", "for", "was", "on", "it", "as", "his",
        "her", "he", "she", "be",
    ];
    let mut end = text.len().min(16 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut de, mut en) = (0usize, 0usize);
    for word in text[..end].split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() || word.len() > 6 {
            continue;
        }
        let lower = word.to_lowercase();
        de += usize::from(DE.contains(&lower.as_str()));
        en += usize::from(EN.contains(&lower.as_str()));
    }
    if de >= 5 && de > en * 2 {
        Some("de")
    } else if en >= 5 && en > de * 2 {
        Some("en")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(para("abc").fingerprint(), para("abc").fingerprint());
        assert_ne!(para("abc").fingerprint(), para("abd").fingerprint());
        assert_eq!(para("").fingerprint(), "cbf29ce484222325");
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
    }
}
