//! Breaking one block's text into lines of at most a given number of terminal cells.
//!
//! Words and break opportunities come from textwrap (Unicode line breaking, so Chinese,
//! Japanese and Thai break between characters or words without spaces); widths are measured
//! here, in cells over grapheme clusters with unicode-width, the way the terminal draws them.
//! Hyphenation points come from the hyphenation crate's embedded dictionaries. Lines are
//! chosen by textwrap's optimal-fit algorithm. Every line refers back to a byte range of the
//! block text, so a line always maps to a content position.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use hyphenation::{Hyphenator, Language, Load, Standard};
use textwrap::WordSeparator;
use textwrap::core::Fragment;
use textwrap::wrap_algorithms::{Penalties, wrap_first_fit, wrap_optimal_fit};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Width of text in terminal cells, summed over grapheme clusters.
pub fn text_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// One wrapped line: a byte range of the block text, and whether a hyphen must be drawn
/// after it because a word was split there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub hyphen: bool,
}

/// A word (or part of one) with the spaces that follow it.
#[derive(Debug, Clone, Copy)]
struct Frag {
    start: usize,
    end: usize,
    width: usize,
    space: usize,
    hyphen: bool,
}

impl Fragment for Frag {
    fn width(&self) -> f64 {
        self.width as f64
    }
    fn whitespace_width(&self) -> f64 {
        self.space as f64
    }
    fn penalty_width(&self) -> f64 {
        if self.hyphen { 1.0 } else { 0.0 }
    }
}

/// The hyphenation dictionary for an ISO 639 code, loaded once per process.
pub fn dictionary(language: &str) -> Option<&'static Standard> {
    static DICTS: OnceLock<Mutex<HashMap<Language, Option<&'static Standard>>>> = OnceLock::new();
    let code = language.to_ascii_lowercase();
    let lang = match code.as_str() {
        "de" | "de-de" | "de-at" => Language::German1996,
        "de-ch" => Language::GermanSwiss,
        "en" | "en-us" => Language::EnglishUS,
        "en-gb" => Language::EnglishGB,
        other => Language::try_from_code(other)?,
    };
    let mut dicts = DICTS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .ok()?;
    *dicts.entry(lang).or_insert_with(|| {
        Standard::from_embedded(lang)
            .ok()
            .map(|d| &*Box::leak(Box::new(d)))
    })
}

/// Wraps flowing text (paragraphs, headings, list items) to `width` cells. Explicit `\n`s are
/// kept as line breaks. `width` is at least 1.
pub fn wrap_flow(text: &str, width: usize, dict: Option<&Standard>, out: &mut Vec<Piece>) {
    let width = width.max(1);
    let mut base = 0;
    for hard in text.split('\n') {
        wrap_hard_line(hard, base, width, dict, out);
        base += hard.len() + 1;
    }
}

/// Breaks preformatted text: each of its lines is kept, and a line wider than `width` is
/// broken between grapheme clusters.
pub fn wrap_preformatted(text: &str, width: usize, out: &mut Vec<Piece>) {
    let width = width.max(1);
    let mut base = 0;
    for hard in text.split('\n') {
        let before = out.len();
        for (start, end) in chunks(hard, width) {
            out.push(Piece {
                start: base + start,
                end: base + end,
                hyphen: false,
            });
        }
        if out.len() == before {
            out.push(Piece {
                start: base,
                end: base,
                hyphen: false,
            });
        }
        base += hard.len() + 1;
    }
}

fn wrap_hard_line(
    line: &str,
    base: usize,
    width: usize,
    dict: Option<&Standard>,
    out: &mut Vec<Piece>,
) {
    let frags = fragments(line, width, dict);
    if frags.is_empty() {
        out.push(Piece {
            start: base,
            end: base,
            hyphen: false,
        });
        return;
    }
    let widths = [width as f64];
    let fits = |line: &&[Frag]| {
        let spaces: usize = line.iter().rev().skip(1).map(|f| f.space).sum();
        let words: usize = line.iter().map(|f| f.width).sum();
        let hyphen = line.last().is_some_and(|f| f.hyphen);
        words + spaces + usize::from(hyphen) <= width
    };
    // Optimal fit may, in rare cases, prefer a line that overflows; first fit never does
    // when every fragment fits on its own, as they do here.
    let lines = match wrap_optimal_fit(&frags, &widths, &Penalties::default()) {
        Ok(lines) if lines.iter().all(fits) => lines,
        _ => wrap_first_fit(&frags, &widths),
    };
    for line in lines {
        if let (Some(first), Some(last)) = (line.first(), line.last()) {
            out.push(Piece {
                start: base + first.start,
                end: base + last.end,
                hyphen: last.hyphen,
            });
        }
    }
}

/// Words of one line, split at hyphenation points and, when still wider than `width`,
/// between grapheme clusters. Leading spaces are kept as part of the first word.
fn fragments(line: &str, width: usize, dict: Option<&Standard>) -> Vec<Frag> {
    let mut frags = Vec::new();
    let origin = line.as_ptr() as usize;
    for word in WordSeparator::UnicodeBreakProperties.find_words(line) {
        let start = word.word.as_ptr() as usize - origin;
        let end = start + word.word.len();
        let space = word.whitespace.len();
        let mut pieces = split_points(word.word, dict);
        pieces.push(word.word.len());
        let mut from = 0;
        let last = pieces.len() - 1;
        for (i, to) in pieces.into_iter().enumerate() {
            if to <= from {
                continue;
            }
            let part = &word.word[from..to];
            let is_last = i == last;
            let hyphen = !is_last && !part.ends_with('-');
            let trailing = if is_last { space } else { 0 };
            let part_width = text_width(part);
            if part_width + usize::from(hyphen) <= width {
                frags.push(Frag {
                    start: start + from,
                    end: start + to,
                    width: part_width,
                    space: trailing,
                    hyphen,
                });
            } else {
                let pieces: Vec<_> = chunks(part, width).collect();
                let n = pieces.len();
                for (j, (a, b)) in pieces.into_iter().enumerate() {
                    frags.push(Frag {
                        start: start + from + a,
                        end: start + from + b,
                        width: text_width(&part[a..b]),
                        space: if j + 1 == n { trailing } else { 0 },
                        hyphen: false,
                    });
                }
            }
            from = to;
        }
        debug_assert!(from <= end - start);
    }
    frags
}

/// Places inside `word` where it may be split: after a hyphen between letters, and at the
/// dictionary's hyphenation points of its alphabetic core.
fn split_points(word: &str, dict: Option<&Standard>) -> Vec<usize> {
    let mut points = Vec::new();
    for (i, _) in word.match_indices('-') {
        let before = word[..i].chars().next_back();
        let after = word[i + 1..].chars().next();
        if before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric) {
            points.push(i + 1);
        }
    }
    if let Some(dict) = dict {
        let mut offset = 0;
        for part in word.split('-') {
            let core_start = part
                .char_indices()
                .find(|(_, c)| c.is_alphabetic())
                .map(|(i, _)| i);
            let core_end = part
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_alphabetic())
                .map(|(i, c)| i + c.len_utf8());
            if let (Some(a), Some(b)) = (core_start, core_end) {
                let core = &part[a..b];
                if core.chars().count() >= 5 && core.chars().all(char::is_alphabetic) {
                    for p in dict.hyphenate(core).breaks {
                        points.push(offset + a + p);
                    }
                }
            }
            offset += part.len() + 1;
        }
        points.sort_unstable();
        points.dedup();
    }
    points
}

/// Byte ranges of `text` of at most `width` cells each, cut between grapheme clusters. A
/// cluster wider than `width` on its own (a wide character in a 1-cell column) stands alone.
fn chunks(text: &str, width: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut graphemes = text.grapheme_indices(true).peekable();
    std::iter::from_fn(move || {
        let (start, first) = graphemes.next()?;
        let mut end = start + first.len();
        let mut used = first.width();
        while let Some(&(i, g)) = graphemes.peek() {
            let w = g.width();
            if used + w > width {
                break;
            }
            used += w;
            end = i + g.len();
            graphemes.next();
        }
        Some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width: usize, lang: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        wrap_flow(text, width, lang.and_then(dictionary), &mut out);
        out.iter()
            .map(|p| {
                format!(
                    "{}{}",
                    &text[p.start..p.end],
                    if p.hyphen { "-" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn wraps_at_spaces_within_width() {
        let out = lines("the quick brown fox jumps over the lazy dog", 10, None);
        assert!(out.iter().all(|l| text_width(l) <= 10), "{out:?}");
        assert_eq!(out.join(" "), "the quick brown fox jumps over the lazy dog");
    }

    #[test]
    fn cjk_and_thai_break_without_spaces() {
        let zh = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。";
        let out = lines(zh, 11, None);
        assert!(out.len() > 5);
        assert!(out.iter().all(|l| text_width(l) <= 11), "{out:?}");
        assert_eq!(out.concat(), zh);
        let th = "เมื่อการยอมรับนับถือเกียรติศักดิ์ประจำตัว และสิทธิเท่าเทียมกันและโอนมิได้ของบรรดาสมาชิก";
        let out = lines(th, 12, None);
        assert!(out.iter().all(|l| text_width(l) <= 12), "{out:?}");
        assert_eq!(out.concat().replace(' ', ""), th.replace(' ', ""));
    }

    #[test]
    fn long_word_is_broken() {
        let out = lines("a Donaudampfschifffahrtsgesellschaftskapitän b", 8, None);
        assert!(out.iter().all(|l| text_width(l) <= 8), "{out:?}");
        assert_eq!(
            out.concat().replace(' ', ""),
            "aDonaudampfschifffahrtsgesellschaftskapitänb"
        );
    }

    #[test]
    fn german_hyphenation_splits_long_words_with_hyphen() {
        let text = "Die Datenschutzprotokolle des Unternehmens wurden geprüft.";
        let out = lines(text, 20, Some("de"));
        assert!(out.iter().all(|l| text_width(l) <= 20), "{out:?}");
        assert!(out.iter().any(|l| l.ends_with('-')), "{out:?}");
        let plain = lines(text, 20, None);
        assert!(plain.iter().all(|l| !l.ends_with('-')), "{plain:?}");
    }

    #[test]
    fn existing_hyphens_are_break_points_without_extra_hyphen() {
        let out = lines("Video-App Video-App Video-App", 10, None);
        assert!(out.iter().all(|l| text_width(l) <= 10), "{out:?}");
        assert!(out.iter().all(|l| !l.ends_with("--")), "{out:?}");
    }

    #[test]
    fn emoji_and_flags_measure_two_cells() {
        assert_eq!(text_width("👨‍👩‍👧"), 2);
        assert_eq!(text_width("🇩🇪"), 2);
        assert_eq!(text_width("e\u{301}"), 1);
        let out = lines("👨‍👩‍👧🇩🇪👍🏽🇫🇷", 3, None);
        assert!(out.iter().all(|l| text_width(l) <= 3), "{out:?}");
    }

    #[test]
    fn wide_char_in_one_cell_column_stands_alone() {
        let mut out = Vec::new();
        wrap_flow("你好", 1, None, &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn preformatted_keeps_lines_and_breaks_long_ones() {
        let mut out = Vec::new();
        let text = "  ab\n\nabcdef";
        wrap_preformatted(text, 4, &mut out);
        let got: Vec<_> = out.iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(got, ["  ab", "", "abcd", "ef"]);
    }

    #[test]
    fn hard_breaks_and_empty_text() {
        assert_eq!(lines("a\nb", 10, None), ["a", "b"]);
        assert_eq!(lines("", 10, None), [""]);
    }
}
