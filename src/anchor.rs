//! Content anchors: a place in a document named by its text, not by a screen line, so that it
//! survives a different terminal width and an edited article.

use serde::{Deserialize, Serialize};

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
}
