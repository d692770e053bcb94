//! Cleaning untrusted text once, on the way in: this module owns the rule for what may
//! reach the terminal.
//!
//! After [`sanitize`] the text holds nothing a terminal would act on instead of print: no
//! escape sequences (CSI, OSC, DCS, SOS, PM, APC, in 7-bit and 8-bit form, whole), no C0 or
//! C1 controls except `'\n'`, no bidi controls, no tabs (expanded to spaces) and no carriage
//! returns (CR and CRLF become `'\n'`). Runs of zero-width marks are capped so "zalgo" text
//! cannot pile up. Later layers rely on this and do not check again.
//!
//! Rules where a choice had to be made:
//! - An unterminated string sequence (OSC, DCS, SOS, PM, APC) ends at the next line break
//!   (kept) or at the end of the text. Their payloads (titles, hyperlink targets, clipboard
//!   data, sixels) never legitimately span lines in an article, and this way a stray
//!   `ESC ]` costs at most the rest of one line, not the rest of the file. An ESC inside a
//!   string that is not the start of ST also ends the string and starts a new sequence, and
//!   CAN/SUB cancel it, as in terminals.
//! - A CSI ends at its final byte (0x40..=0x7E); any other character aborts it and is then
//!   treated as ordinary text.
//! - BEL terminates OSC only; the other string sequences end only at ST.
//! - FF, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR become `'\n'`; VT is dropped
//!   like the other C0 controls.
//! - Zero-width characters are all counted towards [`MAX_COMBINING`], including ZWJ,
//!   variation selectors and emoji tag characters: real emoji sequences alternate them
//!   with visible characters (runs of one to three), while not counting them would let a
//!   run of 100,000 ZWJs through. ZWSP, ZWNJ and WORD JOINER are kept (they are invisible,
//!   zero-width in terminals, and carry meaning for line breaking and Persian script).
//! - Dropped outright: soft hyphen (terminals disagree on its width), BOM/ZWNBSP in the
//!   middle of text, the deprecated format controls U+206A..=U+206F and the interlinear
//!   annotation controls U+FFF9..=U+FFFB.

use std::sync::OnceLock;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Most zero-width characters (combining marks and the like) kept after one base character.
pub const MAX_COMBINING: usize = 8;
/// Tab stops are every this many display columns.
pub const TAB_WIDTH: usize = 8;

const ESC: u8 = 0x1B;

/// Cleans untrusted text once on the way in. Output contains only '\n' as control char.
pub fn sanitize(text: &str) -> String {
    let first = scan_clean(text, 0, 0);
    if first.end == text.len() {
        return text.to_owned();
    }

    let mut s = Sanitizer {
        out: String::with_capacity(text.len()),
        seg_start: 0,
        seg_col: 0,
        run: 0,
    };
    let mut pos = 0;
    let mut scan = first;
    loop {
        s.push_clean(
            text.get(pos..scan.end).unwrap_or_default(),
            scan.last_newline.map(|nl| nl - pos),
        );
        s.run = scan.run;
        pos = scan.end;
        if pos >= text.len() {
            break;
        }
        pos = s.handle(text, pos);
        scan = scan_clean(text, pos, s.run);
    }
    s.out
}

/// [`sanitize`], appending to `out`: text that is already clean is copied once, not twice.
pub fn sanitize_into(text: &str, out: &mut String) {
    if is_clean(text) {
        out.push_str(text);
    } else {
        out.push_str(&sanitize(text));
    }
}

/// Whether [`sanitize`] would leave `text` as it is (its fast path, without copying).
pub fn is_clean(text: &str) -> bool {
    scan_clean(text, 0, 0).end == text.len()
}

/// For one-line fields (titles, descriptions from INDEX.md): like sanitize, then every run of
/// whitespace incl. newlines becomes one space, trimmed.
///
/// No-break spaces (U+00A0, U+2007, U+202F) are not collapsed: they are put there on purpose
/// ("10 %", "S. 5") and are not line structure.
pub fn sanitize_line(text: &str) -> String {
    let clean = sanitize(text);
    if is_one_line(&clean) {
        return clean;
    }
    collapse_whitespace(&clean)
}

/// `clean` with every run of whitespace but the no-break spaces as one space, trimmed.
fn collapse_whitespace(clean: &str) -> String {
    let mut out = String::with_capacity(clean.len());
    let mut pending_space = false;
    for c in clean.chars() {
        if c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}') {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether [`sanitize_line`] leaves `text` as it is: spaces are single, and neither lead nor
/// trail, and there is no other whitespace than they and the no-break spaces (most titles
/// and descriptions, checked without building a copy).
fn is_one_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let spaces_single = bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.windows(2).any(|pair| pair == b"  ");
    spaces_single
        && !text.chars().any(|c| {
            c != ' ' && c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
        })
}

/// Letters of Latin, Cyrillic, Arabic, Devanagari, Thai, kana and CJK that unicode-width
/// gives one or two columns (a macro, so that it is a pattern).
macro_rules! common_letters {
    () => {
        '\u{C0}'..='\u{2FF}'
            | '\u{400}'..='\u{482}'
            | '\u{48A}'..='\u{52F}'
            | '\u{621}'..='\u{64A}'
            | '\u{905}'..='\u{939}'
            | '\u{E01}'..='\u{E30}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30A1}'..='\u{30FA}'
            | '\u{4E00}'..='\u{9FFF}'
    };
}

/// [`char::is_alphabetic`], with the letters of the scripts most text is in (Latin, Cyrillic,
/// Arabic, Devanagari, Thai, CJK) found by one range test before the standard library's
/// table search, which takes hundreds of instructions for a letter outside ASCII
/// (`is_letter_is_is_alphabetic` checks every character).
pub(crate) fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7F}' => false,
        '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{24F}'
        | '\u{400}'..='\u{481}'
        | '\u{48A}'..='\u{52F}'
        | '\u{620}'..='\u{64A}'
        | '\u{904}'..='\u{939}'
        | '\u{E01}'..='\u{E30}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}' => true,
        _ => c.is_alphabetic(),
    }
}

/// What sanitizing does with one character outside of escape sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Printed, takes at least one column.
    Visible,
    /// Printed, takes no column of its own (combining marks, ZWJ, variation selectors).
    ZeroWidth,
    /// Becomes `'\n'` (which itself is `LineBreak` too).
    LineBreak,
    Tab,
    /// Removed.
    Drop,
    /// Starts something that needs more than one character to decide: ESC, CR, C1
    /// sequence introducers.
    Sequence,
}

fn classify(c: char) -> Class {
    classify_in(below_1000(), c)
}

/// The characters below U+1000 (Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai and
/// more) are looked up in a table made once, of 4 KiB, from the rules ([`classify_by_rules`]).
fn below_1000() -> &'static [Class; 0x1000] {
    static BELOW_1000: OnceLock<[Class; 0x1000]> = OnceLock::new();
    BELOW_1000.get_or_init(|| {
        std::array::from_fn(|n| {
            u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .map_or(Class::Drop, classify_by_rules)
        })
    })
}

/// [`classify`], with the table at hand.
#[inline]
fn classify_in(table: &[Class; 0x1000], c: char) -> Class {
    match table.get(c as usize) {
        Some(&class) => class,
        None => classify_by_rules(c),
    }
}

/// [`classify`] without the table.
fn classify_by_rules(c: char) -> Class {
    match c {
        // The letters of the scripts most text is in: visible, without unicode-width's
        // table lookup (`common_letters_are_visible` checks them against it).
        common_letters!() => Class::Visible,
        '\n' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Class::LineBreak,
        '\t' => Class::Tab,
        '\u{1B}' | '\r' | '\u{90}' | '\u{98}' | '\u{9B}' | '\u{9D}' | '\u{9E}' | '\u{9F}' => {
            Class::Sequence
        }
        // Remaining C0, DEL, C1.
        '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' => Class::Drop,
        // Bidi embeddings, overrides, isolates and marks.
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Class::Drop,
        // Soft hyphen, deprecated format controls, interlinear annotation, BOM/ZWNBSP.
        '\u{AD}' | '\u{206A}'..='\u{206F}' | '\u{FFF9}'..='\u{FFFB}' | '\u{FEFF}' => Class::Drop,
        _ => match c.width() {
            Some(0) => Class::ZeroWidth,
            Some(_) => Class::Visible,
            // unicode-width says None only for controls, all handled above.
            None => Class::Drop,
        },
    }
}

/// How far the text from some position on can be copied unchanged.
struct Scan {
    /// Byte index of the first character that needs work (or the text length).
    end: usize,
    /// Zero-width characters seen since the last visible one, at `end`.
    run: usize,
    /// Byte index of the last `'\n'` in the clean stretch, if any.
    last_newline: Option<usize>,
}

/// Finds the longest stretch from `from` that sanitizing leaves as it is. This is the fast
/// path: plain text is copied in slices, not character by character.
fn scan_clean(text: &str, from: usize, mut run: usize) -> Scan {
    let bytes = text.as_bytes();
    let table = below_1000();
    let mut last_newline = None;
    let mut i = from;
    'scan: while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            // Eight printable ASCII bytes at a time: the bulk of most text, which one byte
            // at a time took a sixth of reading an article.
            if let Some(chunk) = bytes.get(i..i + 8) {
                let mut word = [0; 8];
                word.copy_from_slice(chunk);
                let printable = ascii_prefix_from(u64::from_le_bytes(word), 0x20);
                if printable > 0 {
                    run = 0;
                    i += printable;
                    continue;
                }
            }
            if (0x20..0x7F).contains(&b) {
                run = 0;
            } else if b == b'\n' {
                run = 0;
                last_newline = Some(i);
            } else {
                break;
            }
            i += 1;
            continue;
        }
        // A run of characters outside ASCII, up to the next ASCII one.
        for c in text.get(i..).unwrap_or_default().chars() {
            if c.is_ascii() {
                continue 'scan;
            }
            match classify_in(table, c) {
                Class::Visible => run = 0,
                Class::ZeroWidth if run < MAX_COMBINING => run += 1,
                _ => break 'scan,
            }
            i += c.len_utf8();
        }
        break;
    }
    Scan {
        end: i,
        run,
        last_newline,
    }
}

/// How many of the first bytes of `word` (read little-endian) are ASCII from `low` (at most
/// 0x80) to 0x7E: 8 when all are.
pub(crate) fn ascii_prefix_from(word: u64, low: u8) -> usize {
    // The lowest lane flagged is the first byte outside: borrows and carries only run
    // upwards, from a lane that is itself outside.
    (outside_ascii_from(word, low).trailing_zeros() / 8) as usize
}

/// The high bit of each lane of `word` whose byte is not ASCII from `low` to 0x7E, and
/// maybe of lanes above such a one; none of the lanes below the first such byte. A byte
/// below `low` makes its lane borrow when `low` is taken from each (and only such a byte
/// starts a borrow); a byte above 0x7E has or gets its high bit when 1 is added to each (and
/// only a byte with its high bit set carries on).
fn outside_ascii_from(word: u64, low: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = word.wrapping_sub(ONES * u64::from(low)) & !word;
    let above = word.wrapping_add(ONES) | word;
    (below | above) & HIGH
}

struct Sanitizer {
    out: String,
    /// Start in `out` of the text since the last line break or tab stop, and the display
    /// column it starts at. A tab measures only this segment, so each byte is measured at
    /// most once however many tabs a line has.
    seg_start: usize,
    seg_col: usize,
    /// Zero-width characters written since the last visible one.
    run: usize,
}

impl Sanitizer {
    /// Appends a stretch the fast path found clean; `last_newline` is the byte index of its
    /// last `'\n'` within `chunk`.
    fn push_clean(&mut self, chunk: &str, last_newline: Option<usize>) {
        let base = self.out.len();
        self.out.push_str(chunk);
        if let Some(nl) = last_newline {
            self.seg_start = base + nl + 1;
            self.seg_col = 0;
        }
    }

    /// Handles the character at `pos`, which the fast path stopped at, together with any
    /// sequence it starts. Returns the position after what was consumed.
    fn handle(&mut self, text: &str, pos: usize) -> usize {
        let bytes = text.as_bytes();
        let Some(c) = text.get(pos..).and_then(|rest| rest.chars().next()) else {
            return text.len();
        };
        let next = pos + c.len_utf8();
        match c {
            '\u{1B}' => skip_escape(bytes, next),
            '\r' => {
                self.newline();
                if bytes.get(next) == Some(&b'\n') {
                    next + 1
                } else {
                    next
                }
            }
            '\u{9B}' => skip_csi(bytes, next),
            '\u{9D}' => skip_string(bytes, next, true),
            '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => skip_string(bytes, next, false),
            _ => {
                self.emit(c);
                next
            }
        }
    }

    fn emit(&mut self, c: char) {
        match classify(c) {
            Class::Visible => {
                self.run = 0;
                self.out.push(c);
            }
            Class::ZeroWidth => {
                if self.run < MAX_COMBINING {
                    self.run += 1;
                    self.out.push(c);
                }
            }
            Class::LineBreak => self.newline(),
            Class::Tab => self.tab(),
            // Sequence starters never get here (`handle` takes them); drop them if they do.
            Class::Drop | Class::Sequence => {}
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.run = 0;
        self.seg_start = self.out.len();
        self.seg_col = 0;
    }

    fn tab(&mut self) {
        let segment = self.out.get(self.seg_start..).unwrap_or_default();
        let col = self.seg_col + segment.width();
        let spaces = TAB_WIDTH - col % TAB_WIDTH;
        self.out.extend(std::iter::repeat_n(' ', spaces));
        self.run = 0;
        self.seg_start = self.out.len();
        self.seg_col = col + spaces;
    }
}

/// Skips what follows an ESC at `pos`; returns where ordinary text resumes.
fn skip_escape(bytes: &[u8], pos: usize) -> usize {
    match bytes.get(pos) {
        // Lone ESC at the end.
        None => pos,
        Some(b'[') => skip_csi(bytes, pos + 1),
        Some(b']') => skip_string(bytes, pos + 1, true),
        Some(b'P' | b'X' | b'^' | b'_') => skip_string(bytes, pos + 1, false),
        // nF: intermediates, then a final byte (ESC ( B, ESC # 8, ESC % G).
        Some(0x20..=0x2F) => {
            let mut i = pos;
            while bytes.get(i).is_some_and(|b| (0x20..=0x2F).contains(b)) {
                i += 1;
            }
            if bytes.get(i).is_some_and(|b| (0x30..=0x7E).contains(b)) {
                i + 1
            } else {
                i
            }
        }
        // Two-character escapes: ESC c, ESC 7, ESC M, ESC =, ...
        Some(0x30..=0x7E) => pos + 1,
        // ESC before a control or non-ASCII: drop the ESC alone, keep what follows.
        Some(_) => pos,
    }
}

/// Skips a CSI body starting at `pos` (after `ESC [` or U+009B).
fn skip_csi(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while bytes.get(i).is_some_and(|b| (0x20..=0x3F).contains(b)) {
        i += 1;
    }
    if bytes.get(i).is_some_and(|b| (0x40..=0x7E).contains(b)) {
        i + 1
    } else {
        i
    }
}

/// Skips the body of a string sequence starting at `pos` (see the module doc for where it
/// ends). Works on bytes: every byte it stops at is ASCII or a lead byte, so the returned
/// position is a char boundary.
fn skip_string(bytes: &[u8], pos: usize, bel_ends: bool) -> usize {
    let mut i = pos;
    while let Some(&b) = bytes.get(i) {
        match b {
            // A line break ends an unterminated string and is kept.
            b'\n' | b'\r' | 0x0C => return i,
            0x07 if bel_ends => return i + 1,
            // CAN, SUB cancel the sequence.
            0x18 | 0x1A => return i + 1,
            ESC => {
                return if bytes.get(i + 1) == Some(&b'\\') {
                    i + 2
                } else {
                    // ESC starts a new sequence; let the caller see it.
                    i
                };
            }
            // U+0085 NEL (C2 85) is a line break; U+009C ST (C2 9C) terminates.
            0xC2 => match bytes.get(i + 1) {
                Some(0x85) => return i,
                Some(0x9C) => return i + 2,
                _ => i += 1,
            },
            // U+2028, U+2029 (E2 80 A8/A9) are line breaks.
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                return i;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Shows control, bidi and other format characters of a raw string (a file name, a path in
/// an error message) as `\u{..}` escapes, so that it can be printed without any effect on
/// the terminal while still naming the real file.
pub fn escape_controls(text: &str) -> String {
    let risky = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            )
    };
    if !text.chars().any(risky) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if risky(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn is_forbidden(c: char) -> bool {
        (c.is_control() && c != '\n')
            || matches!(c,
                '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
                | '\u{AD}')
    }

    // --- plain text passes unchanged ---

    #[test]
    fn ascii_prefix_says_what_a_byte_at_a_time_says() {
        // Each byte value in each lane, among printable neighbours and among the edges;
        // from the space (sanitizing) and from the first character after it (words).
        for low in [0x20, 0x21] {
            let wanted = |b: u8| (low..0x7F).contains(&b);
            for fill in [b'a', 0x20, 0x21, 0x7E, 0x1F, 0x7F, 0x80, 0xFF, 0x00] {
                for lane in 0..8 {
                    for b in 0..=255u8 {
                        let mut bytes = [fill; 8];
                        bytes[lane] = b;
                        let word = u64::from_le_bytes(bytes);
                        assert_eq!(
                            ascii_prefix_from(word, low),
                            bytes.iter().take_while(|&&b| wanted(b)).count(),
                            "{low:02x}: {bytes:02x?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn is_letter_is_is_alphabetic() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn common_letters_are_visible() {
        let common = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| matches!(c, common_letters!()));
        for c in common {
            assert!(
                c.width().is_some_and(|w| w > 0),
                "U+{:04X} is not visible",
                u32::from(c)
            );
        }
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for s in [
            "",
            "Hello, world!\n",
            "Grüße aus Köln: „Zitat“ – ‚halb‘ — Straße, Äpfel, Öl, Übel.\n",
            "東京都の天気は晴れです。한국어 텍스트. 中文文本。\n",
            "Family 👨‍👩‍👧‍👦, flags 🇩🇪🇯🇵🇺🇦, England 🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
            "Skin 👩🏽‍💻, keycap 1\u{FE0F}\u{20E3}, eye 👁\u{FE0F}\u{200D}🗨\u{FE0F}, ❤\u{FE0F}",
            "Decomposed: e\u{301}, a\u{308}, Vietnamese Tiê\u{301}ng Viê\u{323}t",
            "Devanagari: क्षत्रिय हिन्दी, Arabic: مرحبا بالعالم, Hebrew: שלום",
            "Persian ZWNJ: می\u{200C}خواهم, ZWSP: a\u{200B}b, NBSP: 10\u{A0}%",
            "\n\n  indented\n",
        ] {
            assert_eq!(sanitize(s), s, "{s:?}");
        }
    }

    // --- escape sequences ---

    #[test]
    fn csi_7bit() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("\x1b[2J\x1b[Hclear"), "clear");
        assert_eq!(sanitize("x\x1b[?1049hy"), "xy");
        assert_eq!(sanitize("x\x1b[38;2;255;0;0mz"), "xz");
        assert_eq!(sanitize("x\x1b[1 qz"), "xz"); // intermediate byte
    }

    #[test]
    fn csi_8bit() {
        assert_eq!(sanitize("a\u{9b}31mred\u{9b}0m b"), "ared b");
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
    }

    #[test]
    fn csi_aborted_or_unterminated() {
        assert_eq!(sanitize("a\x1b[12"), "a");
        assert_eq!(sanitize("a\x1b[12\nb"), "a\nb");
        assert_eq!(sanitize("a\x1b[1ü"), "aü");
    }

    #[test]
    fn osc_titles_with_bel_and_st() {
        assert_eq!(sanitize("a\x1b]0;evil title\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]2;evil title\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b]2;evil title\u{9c}b"), "ab");
    }

    #[test]
    fn osc_hyperlink() {
        assert_eq!(
            sanitize("see \x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\ now"),
            "see here now"
        );
        assert_eq!(
            sanitize("see \x1b]8;;https://evil.example/\x07here\x1b]8;;\x07 now"),
            "see here now"
        );
    }

    #[test]
    fn osc_clipboard() {
        assert_eq!(sanitize("a\x1b]52;c;cm0gLXJmIH4=\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b"), "ab");
    }

    #[test]
    fn osc_8bit() {
        assert_eq!(sanitize("a\u{9d}0;title\x07b"), "ab");
        assert_eq!(sanitize("a\u{9d}0;title\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{9d}8;;http://x\x1b\\b"), "ab");
    }

    #[test]
    fn unterminated_string_ends_at_line_break() {
        assert_eq!(sanitize("a\x1b]0;title\nnext line"), "a\nnext line");
        assert_eq!(sanitize("a\x1b]0;title\r\nnext"), "a\nnext");
        assert_eq!(sanitize("a\x1bPdata\rnext"), "a\nnext");
        assert_eq!(sanitize("a\u{9d}0;title\u{2028}next"), "a\nnext");
        assert_eq!(sanitize("a\x1b]0;title"), "a");
        assert_eq!(sanitize("a\x1b_apc"), "a");
    }

    #[test]
    fn esc_inside_string_starts_new_sequence() {
        assert_eq!(sanitize("a\x1b]0;t\x1b[31mb"), "ab");
        assert_eq!(sanitize("a\x1b]0;t\x1bcb"), "ab");
        // CAN cancels.
        assert_eq!(sanitize("a\x1b]0;t\x18b"), "ab");
    }

    #[test]
    fn bel_does_not_end_dcs() {
        assert_eq!(sanitize("a\x1bPq#0\x07still dcs\x1b\\b"), "ab");
    }

    #[test]
    fn dcs_sos_pm_apc() {
        assert_eq!(sanitize("a\x1bP1$r0m\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1bXsos\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b^pm\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
    }

    #[test]
    fn dcs_sos_pm_apc_8bit() {
        assert_eq!(sanitize("a\u{90}1$r0m\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{98}sos\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{9e}pm\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{9f}apc\x1b\\b"), "ab");
        assert_eq!(sanitize("a\u{9f}apc"), "a");
    }

    #[test]
    fn short_escapes() {
        assert_eq!(sanitize("a\x1bcb"), "ab"); // RIS
        assert_eq!(sanitize("a\x1b7b\x1b8c"), "abc"); // save/restore cursor
        assert_eq!(sanitize("a\x1b(Bb"), "ab"); // designate G0
        assert_eq!(sanitize("a\x1b#8b"), "ab"); // DECALN
        assert_eq!(sanitize("a\x1b%Gb"), "ab");
        assert_eq!(sanitize("a\x1bMb"), "ab"); // reverse index
    }

    #[test]
    fn esc_at_end_and_odd_followers() {
        assert_eq!(sanitize("abc\x1b"), "abc");
        assert_eq!(sanitize("\x1b"), "");
        assert_eq!(sanitize("a\x1b("), "a");
        assert_eq!(sanitize("a\x1b\x1b[31mb"), "ab");
        assert_eq!(sanitize("a\x1büb"), "aüb");
        assert_eq!(sanitize("a\x1b\nb"), "a\nb");
    }

    #[test]
    fn lone_st_and_other_c1_dropped() {
        assert_eq!(sanitize("a\u{9c}b\u{80}c\u{8d}d\u{9a}e"), "abcde");
    }

    // --- line ends ---

    #[test]
    fn crlf_and_cr() {
        assert_eq!(sanitize("a\r\nb\r\n"), "a\nb\n");
        assert_eq!(sanitize("a\rb\r"), "a\nb\n");
        assert_eq!(sanitize("a\r\rb"), "a\n\nb");
        assert_eq!(sanitize("a\r\n\r\nb"), "a\n\nb");
    }

    #[test]
    fn mixed_line_ends() {
        assert_eq!(sanitize("a\nb\r\nc\rd\n\re"), "a\nb\nc\nd\n\ne");
        assert_eq!(
            sanitize("a\u{c}b\u{2028}c\u{2029}d\u{85}e"),
            "a\nb\nc\nd\ne"
        );
    }

    // --- tabs ---

    #[test]
    fn tab_at_line_start() {
        assert_eq!(sanitize("\tx"), "        x");
        assert_eq!(sanitize("a\n\tx"), "a\n        x");
        assert_eq!(sanitize("\t\tx"), " ".repeat(16) + "x");
    }

    #[test]
    fn tab_mid_line() {
        assert_eq!(sanitize("ab\tc"), "ab      c");
        assert_eq!(sanitize("abcdefg\th"), "abcdefg h");
        assert_eq!(sanitize("abcdefgh\ti"), "abcdefgh        i");
        assert_eq!(sanitize("a\tb\tc"), "a       b       c");
        assert_eq!(sanitize("Köln\tx"), "Köln    x");
    }

    #[test]
    fn tab_after_wide_and_zero_width() {
        // Each CJK character takes two columns.
        assert_eq!(sanitize("東京\tx"), "東京    x");
        assert_eq!(sanitize("東京都市\tx"), "東京都市        x");
        assert_eq!(sanitize("👨‍👩‍👧\tx"), "👨‍👩‍👧      x");
        assert_eq!(sanitize("e\u{301}\tx"), "e\u{301}       x");
    }

    #[test]
    fn tab_column_resets_after_cr_and_escape() {
        assert_eq!(sanitize("abc\r\tx"), "abc\n        x");
        // Removed escapes take no columns.
        assert_eq!(sanitize("\x1b[31mab\tc"), "ab      c");
    }

    // --- other controls ---

    #[test]
    fn c0_del_dropped() {
        assert_eq!(sanitize("a\0b\x07c\x08d\x0be\x7ff"), "abcdef");
        assert_eq!(sanitize("overstrike x\x08_"), "overstrike x_");
    }

    #[test]
    fn bidi_overrides_and_isolates_dropped() {
        assert_eq!(
            sanitize("access\u{202E}txt.exe\u{202C} ok"),
            "accesstxt.exe ok"
        );
        assert_eq!(
            sanitize("a\u{202A}b\u{202B}c\u{202D}d\u{2066}e\u{2067}f\u{2068}g\u{2069}h"),
            "abcdefgh"
        );
        assert_eq!(sanitize("a\u{200E}b\u{200F}c\u{61C}d"), "abcd");
    }

    #[test]
    fn invisible_format_chars() {
        assert_eq!(sanitize("Zeitungs\u{AD}artikel"), "Zeitungsartikel");
        assert_eq!(sanitize("a\u{FEFF}b"), "ab");
        assert_eq!(sanitize("\u{FEFF}start"), "start");
        assert_eq!(sanitize("a\u{206A}b\u{FFF9}c\u{FFFB}d"), "abcd");
        // Kept: ZWSP, ZWNJ, ZWJ, word joiner, variation selectors.
        let kept = "a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FE0E}";
        assert_eq!(sanitize(kept), kept);
    }

    // --- combining marks ---

    #[test]
    fn combining_run_is_capped() {
        let marks = "\u{301}".repeat(20);
        let expected = format!("a{}b", "\u{301}".repeat(MAX_COMBINING));
        assert_eq!(sanitize(&format!("a{marks}b")), expected);
    }

    #[test]
    fn combining_run_at_cap_is_kept() {
        let s = format!("a{}b", "\u{308}".repeat(MAX_COMBINING));
        assert_eq!(sanitize(&s), s);
    }

    #[test]
    fn zalgo_of_100000_marks_comes_out_short() {
        let s = format!("Z{}algo", "\u{336}".repeat(100_000));
        let out = sanitize(&s);
        assert_eq!(out, format!("Z{}algo", "\u{336}".repeat(MAX_COMBINING)));
    }

    #[test]
    fn zwj_runs_are_capped_too() {
        let s = format!("a{}b", "\u{200D}".repeat(1000));
        assert_eq!(sanitize(&s).chars().count(), 2 + MAX_COMBINING);
    }

    #[test]
    fn removed_controls_do_not_reset_the_run() {
        let s = format!("a{}\x07{}b", "\u{301}".repeat(6), "\u{301}".repeat(6));
        let expected = format!("a{}b", "\u{301}".repeat(MAX_COMBINING));
        assert_eq!(sanitize(&s), expected);
    }

    #[test]
    fn combining_run_resets_at_line_break() {
        let line = format!("a{}", "\u{301}".repeat(MAX_COMBINING));
        let s = format!("{line}\r\n{line}");
        assert_eq!(sanitize(&s), format!("{line}\n{line}"));
    }

    // --- sanitize_line ---

    #[test]
    fn sanitize_line_collapses_whitespace() {
        assert_eq!(
            sanitize_line("  Ein\ttitel\r\n  über\n\nzwei Zeilen  "),
            "Ein titel über zwei Zeilen"
        );
        assert_eq!(
            sanitize_line("\x1b]0;x\x07 Titel \x1b[1m fett\x1b[0m"),
            "Titel fett"
        );
        assert_eq!(sanitize_line(""), "");
        assert_eq!(sanitize_line(" \t\r\n "), "");
        assert_eq!(sanitize_line("10\u{A0}% mehr"), "10\u{A0}% mehr");
        assert_eq!(sanitize_line("a\u{2028}b\u{3000}c"), "a b c");
    }

    // --- properties ---

    proptest! {
        #[test]
        fn output_has_no_forbidden_chars(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_forbidden), "{out:?}");
            prop_assert!(!out.contains('\x1b'));
            prop_assert!(!out.contains('\t') && !out.contains('\r'));
        }

        #[test]
        fn output_has_no_forbidden_chars_control_heavy(
            s in "[\\x00-\\x1f\\x7f-\\u{9f}a-z\\[\\]\\\\;0-9\u{202e}\u{2066}\u{301}\u{200d}\t\r\n東]{0,64}"
        ) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_forbidden), "{out:?}");
        }

        #[test]
        fn sanitize_is_idempotent(s in any::<String>()) {
            let once = sanitize(&s);
            prop_assert_eq!(sanitize(&once), once);
        }

        #[test]
        fn sanitize_is_idempotent_control_heavy(
            s in "[\\x00-\\x1f\\x7f-\\u{9f}a-z\\[\\]\\\\;0-9\u{202e}\u{301}\u{200d}\t\r\n東]{0,64}"
        ) {
            let once = sanitize(&s);
            prop_assert_eq!(sanitize(&once), once);
        }

        #[test]
        fn ascii_prefix_is_the_bytes_before_the_first_outside(
            bytes in prop::array::uniform8(prop_oneof![3 => 0x20u8..0x7F, 1 => any::<u8>()]),
            low in prop::sample::select(vec![0x20u8, 0x21]),
        ) {
            let wanted = bytes.iter().take_while(|&&b| (low..0x7F).contains(&b)).count();
            prop_assert_eq!(ascii_prefix_from(u64::from_le_bytes(bytes), low), wanted);
        }

        #[test]
        fn printable_ascii_is_unchanged(s in "[ -~\n]*") {
            prop_assert_eq!(sanitize(&s), s);
        }

        #[test]
        fn sanitize_line_leaves_as_it_is_only_what_collapsing_would(s in prop_oneof!["[ a\\t\u{A0}\u{3000}\n]{0,12}", any::<String>()]) {
            prop_assert_eq!(sanitize_line(&s), collapse_whitespace(&sanitize(&s)));
        }

        #[test]
        fn sanitize_line_is_one_clean_line(s in any::<String>()) {
            let out = sanitize_line(&s);
            prop_assert!(!out.contains('\n'));
            prop_assert!(!out.chars().any(is_forbidden));
            prop_assert!(!out.starts_with(' ') && !out.ends_with(' '));
            prop_assert!(!out.contains("  "));
            prop_assert_eq!(sanitize_line(&out), out);
        }

        #[test]
        fn tabs_land_on_tab_stops(prefix in "[a-zé東]{0,20}", rest in "[a-z]{0,5}") {
            let out = sanitize(&format!("{prefix}\t{rest}"));
            let before_rest = &out[..out.len() - rest.len()];
            prop_assert_eq!(before_rest.width() % TAB_WIDTH, 0);
        }
    }

    #[test]
    fn escape_controls_names_every_risky_char() {
        assert_eq!(escape_controls("plain näme.txt"), "plain näme.txt");
        assert_eq!(
            escape_controls("a\u{1b}]0;x\u{7}\u{9b}\u{202e}b"),
            "a\\u{1b}]0;x\\u{7}\\u{9b}\\u{202e}b"
        );
    }
}
