//! Finding a query in a [`Document`]: in the text of its blocks, not in wrapped lines, so
//! a match is found wherever the layout breaks lines. A block cut for length (or where a
//! large file was read in pieces) is searched together with the blocks it goes on into, so
//! a phrase across the cut is one match.

use std::ops::Range;

use super::{Folded, Query};
use crate::document::Document;

/// The text of a document's blocks as the matcher reads it: a [`Document`], or what the
/// search index keeps of one ([`super::index::text::SearchText`]).
pub trait Blocks {
    fn block_count(&self) -> usize;
    /// The text of block `block` (which is below [`Blocks::block_count`]).
    fn text(&self, block: usize) -> &str;
    /// Whether block `block` goes on from the one before, cut for length.
    fn continued(&self, block: usize) -> bool;
}

impl Blocks for Document {
    fn block_count(&self) -> usize {
        Document::block_count(self)
    }

    fn text(&self, block: usize) -> &str {
        self.block(block).text
    }

    fn continued(&self, block: usize) -> bool {
        self.block(block).continued
    }
}

/// A place in a document: a block and a byte offset in its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub block: usize,
    pub offset: usize,
}

/// A match: from a place to a place (exclusive), in the same block or, across a cut, a
/// later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: Place,
    pub end: Place,
}

impl Hit {
    /// The byte range of `block`'s text the hit covers, if it touches that block.
    pub fn range_in(&self, block: usize, len: usize) -> Option<Range<usize>> {
        if block < self.start.block || block > self.end.block {
            return None;
        }
        let start = if block == self.start.block {
            self.start.offset
        } else {
            0
        };
        let end = if block == self.end.block {
            self.end.offset
        } else {
            len
        };
        (start < end).then_some(start..end)
    }
}

/// Searches the blocks of `blocks` (and the blocks a cut one goes on into, even past the
/// range's end) and appends the hits, in order. Searching consecutive ranges finds every
/// hit once: a run of cut blocks belongs to the range its first block is in.
pub fn find(doc: &Document, query: &Query, blocks: Range<usize>, out: &mut Vec<Hit>) {
    find_inner(doc, query, blocks, true, out);
}

/// [`find`] in any [`Blocks`].
pub fn find_in<D: Blocks + ?Sized>(
    doc: &D,
    query: &Query,
    blocks: Range<usize>,
    out: &mut Vec<Hit>,
) {
    find_inner(doc, query, blocks, true, out);
}

/// [`find`], but the range's first block is searched as if a run of cut blocks began there
/// even when it goes on from the block before: for searching again the end of a run that
/// grew (a large article read in pieces), after dropping the hits found from that block on.
pub fn find_from(doc: &Document, query: &Query, blocks: Range<usize>, out: &mut Vec<Hit>) {
    find_inner(doc, query, blocks, false, out);
}

thread_local! {
    /// What the matcher keeps from one text to the next on this thread: buffers, and what
    /// it learnt of characters and words for the query (a search of the library matches
    /// thousands of articles one after another on a few threads).
    static SCRATCH: std::cell::RefCell<Folded> = std::cell::RefCell::new(Folded::default());
}

fn find_inner<D: Blocks + ?Sized>(
    doc: &D,
    query: &Query,
    blocks: Range<usize>,
    skip_run: bool,
    out: &mut Vec<Hit>,
) {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            find_with(doc, query, blocks, skip_run, &mut scratch, out);
            scratch.trim();
        }
        Err(_) => find_with(doc, query, blocks, skip_run, &mut Folded::default(), out),
    });
}

fn find_with<D: Blocks + ?Sized>(
    doc: &D,
    query: &Query,
    blocks: Range<usize>,
    skip_run: bool,
    scratch: &mut Folded,
    out: &mut Vec<Hit>,
) {
    let mut found = Vec::new();
    let mut joined = String::new();
    // Where each block of a joined run starts in the joined text.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let count = doc.block_count();
    let mut index = blocks.start;
    // A run begun before the range belongs to the range before.
    while skip_run && index < blocks.end.min(count) && doc.continued(index) && index > 0 {
        index += 1;
    }
    while index < blocks.end.min(count) {
        let mut last = index;
        while last + 1 < count && doc.continued(last + 1) {
            last += 1;
        }
        found.clear();
        if last == index {
            query.find_into(doc.text(index), scratch, &mut found);
            out.extend(found.iter().map(|r| Hit {
                start: Place {
                    block: index,
                    offset: r.start,
                },
                end: Place {
                    block: index,
                    offset: r.end,
                },
            }));
        } else {
            // The cut dropped a space or a line break (or nothing, inside a word too long
            // for a block): a space stands for it.
            joined.clear();
            starts.clear();
            for block in index..=last {
                if block > index {
                    joined.push(' ');
                }
                starts.push((block, joined.len()));
                joined.push_str(doc.text(block));
            }
            query.find_into(&joined, scratch, &mut found);
            let place = |at: usize, end: bool| {
                // The block the byte is in; an end at a block's start belongs to the
                // block before.
                let i = starts
                    .partition_point(|&(_, s)| if end { s < at } else { s <= at })
                    .saturating_sub(1);
                let (block, start) = starts[i];
                let len = doc.text(block).len();
                Place {
                    block,
                    offset: at.saturating_sub(start).min(len),
                }
            };
            out.extend(found.iter().map(|r| Hit {
                start: place(r.start, false),
                end: place(r.end, true),
            }));
        }
        index = last + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, LONGEST_BLOCK, parse};
    use crate::search::Options;

    fn hits(doc: &Document, q: &str) -> Vec<Hit> {
        let query = Query::new(q, Options::default()).unwrap();
        let mut out = Vec::new();
        find(doc, &query, 0..doc.block_count(), &mut out);
        out
    }

    fn texts(doc: &Document, hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| {
                (h.start.block..=h.end.block)
                    .filter_map(|b| {
                        let text = doc.block(b).text;
                        h.range_in(b, text.len()).map(|r| text[r].to_string())
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    #[test]
    fn finds_in_block_text_across_line_breaks_and_styles() {
        let d = parse(
            "# Title\n\nThe **night\ntrain** goes *to* [Vienna](x) and\non to Paris.\n\n- a night train list item\n",
            Format::Markdown,
            "t",
            None,
        );
        assert_eq!(
            texts(&d, &hits(&d, "night train")),
            ["night train", "night train"]
        );
        assert_eq!(
            texts(&d, &hits(&d, "goes to vienna and on")),
            ["goes to Vienna and on"]
        );
    }

    #[test]
    fn a_phrase_across_a_cut_block_is_one_hit_on_both_blocks() {
        let sentence = "Ein Wort nach dem anderen, immer weiter. ";
        let long = sentence.repeat(2 * LONGEST_BLOCK / sentence.len() + 10);
        let d = parse(long.trim_end(), Format::Plain, "t", None);
        assert!(d.block_count() >= 2 && d.block(1).continued);
        // Find the words either side of the first cut.
        let first = d.block(0).text;
        let last_word = first.rsplit(' ').next().unwrap();
        let next_word = d.block(1).text.split(' ').next().unwrap();
        let phrase = format!("{last_word} {next_word}");
        let found = hits(&d, &phrase);
        let across: Vec<_> = found
            .iter()
            .filter(|h| h.start.block != h.end.block)
            .collect();
        assert!(!across.is_empty(), "{phrase}");
        let hit = across[0];
        assert_eq!(hit.start.block + 1, hit.end.block);
        assert_eq!(&first[hit.start.offset..], last_word);
        assert_eq!(&d.block(1).text[..hit.end.offset], next_word);
        // Every occurrence of a word is found once, searching the document in two halves.
        let query = Query::new("anderen", Options::default()).unwrap();
        let half = d.block_count() / 2;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        find(&d, &query, 0..half, &mut a);
        find(&d, &query, half..d.block_count(), &mut b);
        a.extend(b);
        assert_eq!(a, hits(&d, "anderen"));
        assert_eq!(a.len(), long.matches("anderen").count());
    }
}
