//! What a search needs of an article, kept in the index beside its words so that the
//! articles a common phrase may be in need not be read and parsed again: the text of each
//! block (as the matcher reads it: [`Blocks`]), which blocks go on from a cut, where each
//! section starts and its label. The hits, sections and snippets made from it are those
//! made from the article read again ([`crate::search::library::hits_in_text`]).
//!
//! Kept only for an article read whole (a large one read in pieces has places in its file
//! that its hits carry, and is read again), and marked with how it was read (`reading`: a
//! configuration can change what is read at all): a search that reads another way reads the
//! article. A section labelled with the fallback title its reader gave an article that
//! names none is kept as such, and labelled with the fallback of the search that asks (the
//! title its library gives the entry now). The index is brought up to date by size and
//! change time before it is asked, so the text kept is the text of the file as it is.

use std::borrow::Cow;

use crate::document::Document;
use crate::search::document::Blocks;

/// The record starts with this. It is text, so that tantivy's store keeps and gives it
/// back as a string (a bytes value is read back a byte at a time, which took a tenth of a
/// search of a common phrase): numbers in decimal, each ended by one mark; strings as their
/// length, `:`, and the string; then the blocks' text. A section's label is `,` and the
/// string, or `!` alone for the fallback title.
const VERSION: &str = "blatt-text 2;";

/// An article as kept ([`encode`]), borrowed from the text it is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText<'a> {
    /// How the article was read.
    pub reading: &'a str,
    /// Each section's first block and label (`None`: the fallback title), in order.
    sections: Vec<(usize, Option<&'a str>)>,
    /// The text of every block, one after another.
    text: &'a str,
    /// Where each block ends in `text`, and whether it goes on from the block before.
    blocks: Vec<(usize, bool)>,
}

/// The article `doc`, read as `reading` says, as the index keeps it; `None` for an article
/// not read whole.
pub fn encode(doc: &Document, reading: &str) -> Option<String> {
    use std::fmt::Write as _;
    if !doc.complete || !doc.sources.is_empty() {
        return None;
    }
    let count = doc.block_count();
    let mut w = String::with_capacity(64 + doc.total as usize + 6 * count);
    let string = |w: &mut String, s: &str| {
        let _ = write!(w, "{}:{s}", s.len());
    };
    w.push_str(VERSION);
    string(&mut w, reading);
    let label = doc.section_labeler();
    let _ = write!(w, "{};", doc.sections.len());
    for (i, section) in doc.sections.iter().enumerate() {
        if section.title.is_none() && !doc.titled {
            let _ = write!(w, "{}!", section.blocks.start);
        } else {
            let _ = write!(w, "{},", section.blocks.start);
            string(&mut w, &label(i));
        }
    }
    let _ = write!(w, "{};", count);
    let mut end = 0;
    for i in 0..count {
        let block = doc.block(i);
        end += block.text.len();
        let _ = write!(w, "{end}{}", if block.continued { '+' } else { ',' });
    }
    for i in 0..count {
        w.push_str(doc.block(i).text);
    }
    Some(w)
}

/// Reads a record of [`encode`].
struct Fields<'a>(&'a str);

impl<'a> Fields<'a> {
    /// A number and the mark that ends it.
    fn number(&mut self) -> Option<(usize, u8)> {
        let bytes = self.0.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let mark = *bytes.get(digits)?;
        if digits == 0 || digits > 19 {
            return None;
        }
        let n = self.0[..digits].parse().ok()?;
        self.0 = &self.0[digits + 1..];
        Some((n, mark))
    }

    fn count(&mut self, mark: u8) -> Option<usize> {
        // Each item takes at least two bytes: more than that is damage.
        let (n, m) = self.number()?;
        (m == mark && n <= self.0.len()).then_some(n)
    }

    fn string(&mut self) -> Option<&'a str> {
        let (len, mark) = self.number()?;
        if mark != b':' {
            return None;
        }
        let s = self.0.get(..len)?;
        self.0 = &self.0[len..];
        Some(s)
    }
}

impl<'a> SearchText<'a> {
    /// `None` for anything but a whole, well-formed article.
    pub fn decode(record: &'a str) -> Option<SearchText<'a>> {
        let mut r = Fields(record.strip_prefix(VERSION)?);
        let reading = r.string()?;
        let count = r.count(b';')?;
        let mut sections = Vec::with_capacity(count);
        for _ in 0..count {
            let label = match r.number()? {
                (start, b',') => (start, Some(r.string()?)),
                (start, b'!') => (start, None),
                _ => return None,
            };
            sections.push(label);
        }
        let count = r.count(b';')?;
        let mut blocks = Vec::with_capacity(count);
        for _ in 0..count {
            let (end, mark) = r.number()?;
            let continued = match mark {
                b',' => false,
                b'+' => true,
                _ => return None,
            };
            blocks.push((end, continued));
        }
        let text = r.0;
        let mut last = 0;
        for &(end, _) in &blocks {
            if end < last || !text.is_char_boundary(end) {
                return None;
            }
            last = end;
        }
        let ordered = sections.windows(2).all(|w| w[0].0 <= w[1].0);
        (last == text.len() && ordered).then_some(SearchText {
            reading,
            sections,
            text,
            blocks,
        })
    }

    /// The section block `block` is in, as [`Document::section_of`] says.
    pub fn section_of(&self, block: usize) -> usize {
        self.sections
            .partition_point(|&(start, _)| start <= block)
            .saturating_sub(1)
    }

    /// The label of section `index`, as [`Document::section_labeler`] gives it for the
    /// article read with `fallback` as its fallback title (empty past the end).
    pub fn label(&self, index: usize, fallback: &str) -> Cow<'a, str> {
        match self.sections.get(index) {
            Some((_, Some(label))) => Cow::Borrowed(label),
            Some((_, None)) => Cow::Owned(crate::document::sanitize::sanitize_line(fallback)),
            None => Cow::Borrowed(""),
        }
    }
}

impl Blocks for SearchText<'_> {
    fn block_count(&self) -> usize {
        self.blocks.len()
    }

    fn text(&self, block: usize) -> &str {
        let start = block.checked_sub(1).map_or(0, |b| self.blocks[b].0);
        &self.text[start..self.blocks[block].0]
    }

    fn continued(&self, block: usize) -> bool {
        self.blocks[block].1
    }
}
