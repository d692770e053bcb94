//! Content anchors: a place in a document named by its text, not by a screen line, so that it
//! survives a different terminal width and an edited article.

use serde::{Deserialize, Serialize};

use crate::document::Document;

/// A position in a document, anchored to the content.
///
/// `section_path` is the chain of headings from the outermost to the section that holds the
/// place (empty for the untitled opening part); `block` is the block index in the whole
/// document, `fingerprint` a short hash of that block's text, `offset` a byte offset into the
/// block's text. Re-anchoring after an edit looks for the fingerprint first, then the section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    #[serde(default)]
    pub section_path: Vec<String>,
    #[serde(default)]
    pub block: usize,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default)]
    pub offset: usize,
    /// Where the place is in the file of a large article (an estimate within a piece, see
    /// [`Document::byte_at`]): a jump there reads the text around it before the article is
    /// read that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
}

impl Anchor {
    /// The anchor of byte `offset` in `block` of `doc`.
    pub fn at(doc: &Document, block: usize, offset: usize) -> Anchor {
        let Some(b) = doc.get(block) else {
            return Anchor::default();
        };
        let section = &doc.sections[doc.section_of(block)];
        Anchor {
            section_path: section.path.clone(),
            block,
            fingerprint: b.fingerprint(),
            offset: offset.min(b.text.len()),
            byte: doc.byte_at(block, offset),
        }
    }

    /// Finds the anchored place in a document that may still be loading: the exact block
    /// if it is in and its text is unchanged; else, while more is to come, nothing yet (the
    /// place, or the same text at the same index, may be further on — a book repeats
    /// paragraphs and headings); once the document is complete, as [`Anchor::resolve`] does.
    pub fn resolve_loading(&self, doc: &Document) -> Option<(usize, usize)> {
        if doc.complete {
            return self.resolve(doc);
        }
        let count = doc.block_count();
        if self.block < count {
            let block = doc.block(self.block);
            if block.fingerprint() == self.fingerprint || self.fingerprint.is_empty() {
                let mut offset = self.offset.min(block.text.len());
                while !block.text.is_char_boundary(offset) {
                    offset -= 1;
                }
                return Some((self.block, offset));
            }
        }
        None
    }

    /// Finds the anchored place in `doc`, which may have been edited since: the same block
    /// if its text is unchanged; else the nearest block with the same text; else the start
    /// of the section with the same heading path (or the deepest surviving part of it); else
    /// the same block index, clamped. Returns the block and a byte offset inside it.
    pub fn resolve(&self, doc: &Document) -> Option<(usize, usize)> {
        let last = doc.block_count().checked_sub(1)?;
        let offset_in = |block: usize| {
            let text = doc.block(block).text;
            let mut offset = self.offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        };
        if self.block <= last && doc.block(self.block).fingerprint() == self.fingerprint {
            return Some((self.block, offset_in(self.block)));
        }
        if !self.fingerprint.is_empty() {
            let nearest = doc
                .blocks()
                .enumerate()
                .filter(|(_, b)| b.fingerprint() == self.fingerprint)
                .min_by_key(|(i, _)| i.abs_diff(self.block))
                .map(|(i, _)| i);
            if let Some(block) = nearest {
                return Some((block, offset_in(block)));
            }
        }
        for depth in (1..=self.section_path.len()).rev() {
            let path = &self.section_path[..depth];
            if let Some(section) = doc.sections.iter().find(|s| s.path == path) {
                return Some((section.blocks.start.min(last), 0));
            }
        }
        Some((self.block.min(last), 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, parse};

    fn doc(text: &str) -> Document {
        parse(text, Format::Markdown, "t", None)
    }

    #[test]
    fn unchanged_document_resolves_exactly() {
        let d = doc("# T\n\nintro\n\n## A\n\nalpha text\n\n## B\n\nbeta text");
        let a = Anchor::at(&d, 3, 3);
        assert_eq!(a.section_path, ["A"]);
        assert_eq!(a.resolve(&d), Some((3, 3)));
    }

    #[test]
    fn moved_block_is_found_by_its_text() {
        let before = doc("# T\n\n## A\n\nalpha\n\n## B\n\nbeta text");
        let anchor = Anchor::at(&before, 4, 2);
        let after = doc("# T\n\nnew intro\n\n## New\n\nmore\n\n## B\n\nbeta text\n\n## A\n\nalpha");
        let (block, offset) = anchor.resolve(&after).unwrap();
        assert_eq!(after.block(block).text, "beta text");
        assert_eq!(offset, 2);
    }

    #[test]
    fn edited_block_falls_back_to_its_section() {
        let before = doc("# T\n\n## A\n\nalpha\n\n## B\n\nbeta text");
        let anchor = Anchor::at(&before, 4, 2);
        let after = doc("# T\n\n## B\n\nbeta text, rewritten\n\n## A\n\nalpha");
        let (block, offset) = anchor.resolve(&after).unwrap();
        assert_eq!(after.block(block).text, "B");
        assert_eq!(offset, 0);
    }

    #[test]
    fn vanished_section_clamps_and_empty_document_has_no_place() {
        let before = doc("# T\n\n## A\n\nalpha\n\n## B\n\nbeta text");
        let anchor = Anchor::at(&before, 4, 2);
        let after = doc("# T\n\nonly this");
        assert_eq!(anchor.resolve(&after), Some((1, 0)));
        assert_eq!(anchor.resolve(&doc("")), None);
    }

    #[test]
    fn a_loading_document_waits_for_the_block_instead_of_taking_equal_text_early() {
        let text = "# T\n\n## Chapter\n\nsame\n\n## Chapter\n\nsame\n\n## Chapter\n\nsame";
        let whole = doc(text);
        let anchor = Anchor::at(&whole, 6, 2);
        assert_eq!(anchor.resolve(&whole), Some((6, 2)));
        // The first four blocks are in: equal text at block 2 and 4 is not the place.
        let mut part = doc("# T\n\n## Chapter\n\nsame\n\n## Chapter\n\nsame");
        part.complete = false;
        assert_eq!(anchor.resolve_loading(&part), None);
        part.complete = true;
        assert_eq!(anchor.resolve_loading(&whole), Some((6, 2)));
    }

    #[test]
    fn offset_is_kept_on_a_char_boundary() {
        let d = doc("ä ö ü");
        let a = Anchor {
            block: 0,
            fingerprint: d.block(0).fingerprint(),
            offset: 1,
            ..Anchor::default()
        };
        assert_eq!(a.resolve(&d), Some((0, 0)));
    }
}
