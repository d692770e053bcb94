//! Turning the raw bytes of an article into text: this module owns charset detection, for
//! the whole file at once ([`decode`]) and a piece at a time ([`Decoder`]) alike; the first
//! is the second fed everything in one go, so both read the same bytes as the same text
//! wherever the pieces end.
//!
//! A byte-order mark wins; then anything with NUL bytes near the start is refused as binary.
//! ASCII reads the same in every candidate encoding, so the choice is made at the first
//! non-ASCII byte, from a fixed window starting a little before it: valid UTF-8 there (also
//! when only a character at the very end of the file is cut off) is taken as UTF-8,
//! everything else goes to `chardetng`. The text is decoded with `encoding_rs`, malformed
//! sequences becoming U+FFFD. The result is not yet safe to show: it still has to go
//! through [`super::sanitize`].

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{CoderResult, Encoding, ISO_2022_JP, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How far into the text we look for NUL bytes.
const BINARY_SNIFF_LEN: usize = 8 * 1024;
/// Bytes looked at before anything is decoded: a byte-order mark and the NUL check.
const SNIFF_LEN: usize = BINARY_SNIFF_LEN + 3;
/// How many bytes chardetng gets to see (the context included). It settles long before a
/// 100 MB file ends, which should not cost a second pass just for the guess; and half the
/// first piece that `document::open` reads means that piece alone decides when the first
/// non-ASCII byte is in its first half. More is not better: 64 KiB of Crime and Punishment
/// in cp1252 (`Svidrigaïlov`) tip chardetng to windows-1257, 32 KiB and the whole book do not.
const DETECT_LEN: usize = 32 * 1024;
/// ASCII context handed to chardetng in front of the first non-ASCII byte.
const DETECT_CONTEXT: usize = 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// NUL bytes in the first 8 KiB (except for UTF-16 with a BOM, where NULs are normal).
    #[error("this looks like a binary file (NUL bytes near the start), not text")]
    Binary,
}

/// Decoded text and the name of the encoding it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The WHATWG name from `encoding_rs`, e.g. "UTF-8", "UTF-16LE", "windows-1252".
    pub encoding: &'static str,
}

/// Decodes bytes of unknown encoding into text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut decoder = Decoder::new();
    let mut text = String::new();
    decoder.feed(bytes, true, &mut text)?;
    Ok(Decoded {
        text,
        encoding: decoder.encoding().name(),
    })
}

/// Where an incremental decode stands.
enum State {
    /// Fewer than [`SNIFF_LEN`] bytes seen (kept in `pending`): BOM and NUL check to come.
    Start,
    /// No BOM, no NUL, and nothing but ASCII so far (decoded as it comes).
    Ascii,
    /// A non-ASCII byte came: `pending` keeps the bytes from it on until the window to
    /// choose the encoding from is complete.
    Choosing,
    /// UTF-8 is chosen: `pending` keeps a character cut off at the end of the last bytes.
    /// Decoded with the standard library, which validates several times faster than
    /// `encoding_rs` without its nightly-only SIMD (and replaces malformed sequences alike).
    Utf8,
    /// Another encoding is chosen.
    Decoding(encoding_rs::Decoder),
}

/// Decodes a file fed in pieces of any size, choosing the encoding as [`decode`] does.
///
/// Text comes out as soon as it is certain: while waiting for the bytes to choose from (at
/// most [`DETECT_LEN`] of them), [`waiting`](Self::waiting) is true and a reader should
/// read on before expecting more text.
pub struct Decoder {
    state: State,
    /// Bytes held back (see [`State`]).
    pending: Vec<u8>,
    /// The last ASCII bytes before the first non-ASCII one, for the detector.
    context: Vec<u8>,
    encoding: &'static Encoding,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            state: State::Start,
            pending: Vec::new(),
            context: Vec::new(),
            encoding: UTF_8,
        }
    }

    /// The encoding chosen (UTF-8 while nothing but ASCII came).
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// How many bytes are held back (see [`State`]).
    pub fn held(&self) -> usize {
        self.pending.len()
    }

    /// Bytes are held back until there are enough to choose the encoding (or the last ones
    /// came). A character cut off at the end of the bytes fed does not count.
    pub fn waiting(&self) -> bool {
        matches!(self.state, State::Start | State::Choosing) && !self.pending.is_empty()
    }

    /// Decodes the next `bytes` of the file onto `out`; `last` when they end it.
    pub fn feed(&mut self, bytes: &[u8], last: bool, out: &mut String) -> Result<(), DecodeError> {
        if self.pending.is_empty() {
            self.step(bytes, last, out)
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(bytes);
            self.step(&joined, last, out)
        }
    }

    fn step(&mut self, mut input: &[u8], last: bool, out: &mut String) -> Result<(), DecodeError> {
        loop {
            match &mut self.state {
                State::Start => {
                    if input.len() < SNIFF_LEN && !last {
                        self.pending.extend_from_slice(input);
                        return Ok(());
                    }
                    if let Some((encoding, bom)) = Encoding::for_bom(input) {
                        input = input.get(bom..).unwrap_or_default();
                        // The BOM is a declaration; trust it rather than guessing, but still
                        // refuse binary junk that happens to start with EF BB BF. In UTF-16
                        // NUL bytes are expected (every ASCII character has one).
                        if encoding == UTF_8 {
                            reject_binary(input)?;
                        }
                        self.choose(encoding);
                    } else {
                        reject_binary(input)?;
                        self.state = State::Ascii;
                    }
                }
                State::Ascii => {
                    let ascii = Encoding::ascii_valid_up_to(input);
                    let (head, rest) = input.split_at(ascii);
                    if let Ok(head) = std::str::from_utf8(head) {
                        out.push_str(head);
                    }
                    let keep = DETECT_CONTEXT.min(head.len());
                    if keep == DETECT_CONTEXT {
                        self.context.clear();
                    } else {
                        let excess = (self.context.len() + keep).saturating_sub(DETECT_CONTEXT);
                        self.context.drain(..excess);
                    }
                    self.context.extend_from_slice(&head[head.len() - keep..]);
                    if rest.is_empty() {
                        if last {
                            self.choose(UTF_8);
                        }
                        return Ok(());
                    }
                    input = rest;
                    self.state = State::Choosing;
                }
                State::Choosing => {
                    let wanted = DETECT_LEN - self.context.len();
                    if input.len() < wanted && !last {
                        self.pending.extend_from_slice(input);
                        return Ok(());
                    }
                    let window = &input[..input.len().min(wanted)];
                    let at_end = last && window.len() == input.len();
                    let encoding = choose(&self.context, window, at_end);
                    self.context = Vec::new();
                    self.choose(encoding);
                }
                State::Utf8 => {
                    self.pending = utf8_into(input, last, out).to_vec();
                    return Ok(());
                }
                State::Decoding(decoder) => {
                    decode_into(decoder, input, last, out);
                    return Ok(());
                }
            }
        }
    }

    fn choose(&mut self, encoding: &'static Encoding) {
        self.encoding = encoding;
        self.state = if encoding == UTF_8 {
            State::Utf8
        } else {
            State::Decoding(encoding.new_decoder_without_bom_handling())
        };
    }
}

/// Appends the text of UTF-8 `bytes` to `out`, each malformed sequence (its longest
/// valid-looking prefix) replaced by one U+FFFD; returns the start of a character cut off at
/// the end, which is kept for the next bytes unless they were the `last`.
fn utf8_into<'a>(bytes: &'a [u8], last: bool, out: &mut String) -> &'a [u8] {
    out.reserve(bytes.len());
    // The valid start at once (simdutf8 checks it many times faster than walking chunks);
    // the rest, if any, from a malformed or cut-off sequence on, chunk by chunk.
    let valid = match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => {
            out.push_str(text);
            return &[];
        }
        Err(e) => e.valid_up_to(),
    };
    let (head, bytes) = bytes.split_at(valid);
    // Valid, as just found: checked again the quick way (a piece cut inside a character
    // comes here whole).
    out.push_str(simdutf8::basic::from_utf8(head).unwrap_or_default());
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        out.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        let cut_off = chunks.peek().is_none()
            && std::str::from_utf8(invalid).is_err_and(|e| e.error_len().is_none());
        if cut_off && !last {
            return invalid;
        }
        out.push(char::REPLACEMENT_CHARACTER);
    }
    &[]
}

/// Appends the text of `bytes` to `out`.
fn decode_into(decoder: &mut encoding_rs::Decoder, mut bytes: &[u8], last: bool, out: &mut String) {
    loop {
        let needed = decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(3));
        out.reserve(needed);
        let (result, read, _) = decoder.decode_to_string(bytes, out, last);
        match result {
            CoderResult::InputEmpty => return,
            CoderResult::OutputFull => bytes = bytes.get(read..).unwrap_or_default(),
        }
    }
}

fn reject_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if head.contains(&0) {
        Err(DecodeError::Binary)
    } else {
        Ok(())
    }
}

/// The encoding of a file whose first non-ASCII byte starts `window`, after the ASCII
/// `context`. `at_end`: the window runs to the end of the file.
fn choose(context: &[u8], window: &[u8], at_end: bool) -> &'static Encoding {
    match std::str::from_utf8(window) {
        Ok(_) => UTF_8,
        // Cut off inside a character: where the window ends, that says nothing; at the end
        // of the file it is a file cut off mid-character. Unless the cut-off part is the
        // one non-ASCII byte: that is far more likely a legacy character (`Caf\xE9`,
        // `Gru\xDF`) than a UTF-8 file truncated exactly at its first non-ASCII character.
        Err(err) if err.error_len().is_none() && !(at_end && window.len() == 1) => UTF_8,
        Err(_) => guess_legacy(context, window, at_end),
    }
}

/// Asks chardetng for a legacy encoding (pure ASCII teaches the detector nothing, so it
/// sees only a little of it).
fn guess_legacy(context: &[u8], window: &[u8], at_end: bool) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(context, false);
    detector.feed(window, at_end);
    let guess = detector.guess(None, Utf8Detection::Deny);
    // ISO-2022-JP is denied above and chardetng never guesses UTF-16, but keep the
    // promise explicit: neither may come out of a guess.
    if guess == ISO_2022_JP || guess == UTF_16LE || guess == UTF_16BE {
        WINDOWS_1252
    } else {
        guess
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> Decoded {
        match decode(bytes) {
            Ok(d) => d,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        let d = ok(b"");
        assert_eq!(d.text, "");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf8_passes_through() {
        let s = "Grüße aus Köln, „Zitat“ — 東京 👨‍👩‍👧‍👦\n";
        let d = ok(s.as_bytes());
        assert_eq!(d.text, s);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = ok(b"\xEF\xBB\xBFHallo \xC3\xBC");
        assert_eq!(d.text, "Hallo ü");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf8_bom_with_nul_is_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBFab\0cd"), Err(DecodeError::Binary));
    }

    #[test]
    fn utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Grüße 東京".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = ok(&bytes);
        assert_eq!(d.text, "Grüße 東京");
        assert_eq!(d.encoding, "UTF-16LE");
    }

    #[test]
    fn utf16be_with_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in "Grüße 😀".encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        let d = ok(&bytes);
        assert_eq!(d.text, "Grüße 😀");
        assert_eq!(d.encoding, "UTF-16BE");
    }

    #[test]
    fn utf16_odd_trailing_byte_becomes_replacement() {
        let d = ok(b"\xFF\xFEa\0b");
        assert_eq!(d.text, "a\u{FFFD}");
    }

    #[test]
    fn latin1_german() {
        let d = ok(b"Gr\xfc\xdfe aus K\xf6ln, sch\xf6ne Gr\xfc\xdfe an \xc4nne und \xd6tzi.");
        assert_eq!(d.text, "Grüße aus Köln, schöne Grüße an Änne und Ötzi.");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn cp1252_german_with_quotes() {
        let d = ok(b"Gr\xfc\xdfe aus K\xf6ln, \x84Zitat\x93");
        assert_eq!(d.text, "Grüße aus Köln, „Zitat“");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn legacy_text_after_long_ascii_prefix() {
        let mut bytes = b"plain ascii line\n".repeat(10_000);
        bytes.extend_from_slice(b"Gr\xfc\xdfe aus K\xf6ln, \x84Zitat\x93\n");
        let d = ok(&bytes);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.ends_with("Grüße aus Köln, „Zitat“\n"));
    }

    #[test]
    fn truncated_utf8_keeps_utf8() {
        // "Grüße …" with the ellipsis (E2 80 A6) cut after two bytes.
        let d = ok(b"Gr\xC3\xBC\xC3\x9Fe \xE2\x80");
        assert_eq!(d.text, "Grüße \u{FFFD}");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn truncated_utf8_after_ascii_with_two_byte_tail() {
        let d = ok(b"Preis: 5 \xE2\x82");
        assert_eq!(d.text, "Preis: 5 \u{FFFD}");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn single_trailing_legacy_byte_after_ascii_is_legacy() {
        let d = ok(b"Caf\xE9");
        assert_eq!(d.text, "Café");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn invalid_utf8_in_the_middle_goes_to_detection() {
        let d = ok(b"K\xf6ln \xe2\x80\xa6 ist sch\xf6n");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.starts_with("Köln"));
    }

    #[test]
    fn nul_near_start_is_binary() {
        assert_eq!(
            decode(b"\x7FELF\x02\x01\x01\0\0\0"),
            Err(DecodeError::Binary)
        );
        assert_eq!(decode(b"PK\x03\x04\x14\0\x06\0"), Err(DecodeError::Binary));
    }

    #[test]
    fn nul_after_first_8k_is_not_binary() {
        let mut bytes = vec![b'a'; BINARY_SNIFF_LEN];
        bytes.push(0);
        let d = ok(&bytes);
        assert_eq!(d.text.len(), BINARY_SNIFF_LEN + 1);
    }

    #[test]
    fn binary_error_message_is_readable() {
        assert_eq!(
            DecodeError::Binary.to_string(),
            "this looks like a binary file (NUL bytes near the start), not text"
        );
    }

    /// `bytes` fed in pieces of `size`.
    fn in_pieces(bytes: &[u8], size: usize) -> String {
        let mut decoder = Decoder::new();
        let mut text = String::new();
        let mut pieces = bytes.chunks(size).peekable();
        while let Some(piece) = pieces.next() {
            decoder
                .feed(piece, pieces.peek().is_none(), &mut text)
                .expect("decode");
        }
        if bytes.is_empty() {
            decoder.feed(b"", true, &mut text).expect("decode");
        }
        text
    }

    #[test]
    fn pieces_of_any_size_decode_as_the_whole() {
        let mut cases: Vec<Vec<u8>> = vec![
            "Grüße „Zitat“ — 東京 👨‍👩‍👧‍👦\n".repeat(3000).into_bytes(),
            b"Gr\xfc\xdfe aus K\xf6ln, \x84Zitat\x93\n".repeat(3000),
            b"Preis: 5 \xE2\x82".to_vec(),
            b"Caf\xE9".to_vec(),
            b"\xEF\xBB\xBFHallo \xC3\xBC \xff \xE2\x28\xA1 \xF0\x9F\x98".to_vec(),
            b"\xFF\xFEa\0b".to_vec(),
            Vec::new(),
        ];
        let mut late = b"plain ascii line\n".repeat(5000);
        late.extend("Grüße \u{1F600}".as_bytes());
        late.extend(b" \xff\xc3 und \xe2\x82\xac".repeat(100));
        cases.push(late);
        for bytes in &cases {
            let whole = ok(bytes).text;
            for size in [1, 2, 3, 7, 4096, 9000, 40_000] {
                assert_eq!(in_pieces(bytes, size), whole, "pieces of {size}");
            }
        }
    }

    #[test]
    fn malformed_utf8_is_replaced_as_encoding_rs_does() {
        let mut bytes = "ü".repeat(DETECT_LEN).into_bytes();
        for bad in [
            &b"\xff"[..],
            b"\xE2\x28\xA1",
            b"\xF0\x9F\x98 ",
            b"\xC0\xAF",
            b"\xED\xA0\x80",
        ] {
            bytes.extend_from_slice(bad);
        }
        bytes.extend(b"\xF0\x9F");
        let d = ok(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        let (expected, _) = UTF_8.decode_without_bom_handling(&bytes);
        assert_eq!(d.text, expected);
    }

    #[test]
    fn only_choosing_holds_bytes_back() {
        let mut decoder = Decoder::new();
        let mut text = String::new();
        decoder.feed(b"Titel\n", false, &mut text).expect("decode");
        assert!(decoder.waiting() && text.is_empty(), "BOM and NUL check");
        decoder
            .feed(&[b'a'; BINARY_SNIFF_LEN], false, &mut text)
            .expect("decode");
        assert!(!decoder.waiting() && text.len() == BINARY_SNIFF_LEN + 6);
        decoder
            .feed("Grüße".as_bytes(), false, &mut text)
            .expect("decode");
        assert!(decoder.waiting(), "choosing");
        decoder
            .feed(&[b'b'; DETECT_LEN], false, &mut text)
            .expect("decode");
        assert!(!decoder.waiting() && text.contains("Grüße"));
        decoder.feed(b"\xE2\x82", false, &mut text).expect("decode");
        assert!(!decoder.waiting(), "a cut character is not waited for");
        decoder.feed(b"\xAC", true, &mut text).expect("decode");
        assert!(text.ends_with("b€"));
    }

    #[test]
    fn nul_after_the_first_piece_but_in_the_first_8k_is_binary() {
        let mut decoder = Decoder::new();
        let mut text = String::new();
        assert_eq!(decoder.feed(&[b'a'; 4096], false, &mut text), Ok(()));
        assert_eq!(decoder.feed(b"a\0", false, &mut text), Ok(()));
        assert_eq!(
            decoder.feed(&[b'a'; BINARY_SNIFF_LEN], false, &mut text),
            Err(DecodeError::Binary)
        );
        assert!(text.is_empty());
    }

    #[test]
    fn shift_jis_is_detected() {
        // "日本語のテキストです。" in Shift_JIS, repeated so the detector is sure.
        let sjis: &[u8] = b"\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x65\x83\x4c\x83\x58\x83\x67\x82\xc5\x82\xb7\x81\x42";
        let bytes = sjis.repeat(20);
        let d = ok(&bytes);
        assert_eq!(d.encoding, "Shift_JIS");
        assert!(d.text.starts_with("日本語のテキストです。"));
    }
}
