//! Turning the raw bytes of an article into text: this module owns charset detection.
//!
//! A byte-order mark wins; then anything with NUL bytes near the start is refused as binary;
//! valid UTF-8 is taken as is (also when only its last character was cut off, as happens
//! with bounded reads); everything else goes to `chardetng` and is decoded with
//! `encoding_rs`, malformed sequences becoming U+FFFD. The result is not yet safe to show:
//! it still has to go through [`super::sanitize`].

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, ISO_2022_JP, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How far into the text we look for NUL bytes.
const BINARY_SNIFF_LEN: usize = 8 * 1024;
/// How many bytes chardetng gets to see; it settles long before this and a 100 MB file
/// should not cost a full second pass just for the guess.
const DETECT_LEN: usize = 64 * 1024;
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
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_8 {
            // The BOM is a declaration; trust it rather than guessing, but still refuse
            // binary junk that happens to start with EF BB BF.
            reject_binary(body)?;
            return Ok(Decoded {
                text: String::from_utf8_lossy(body).into_owned(),
                encoding: UTF_8.name(),
            });
        }
        // UTF-16: NUL bytes are expected here (every ASCII character has one).
        return Ok(decode_with(encoding, body));
    }

    reject_binary(bytes)?;

    match std::str::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text: text.to_owned(),
                encoding: UTF_8.name(),
            });
        }
        Err(err) if is_truncated_utf8(bytes, &err) => {
            let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
            let mut text = String::with_capacity(valid.len() + 3);
            text.push_str(&String::from_utf8_lossy(valid));
            text.push(char::REPLACEMENT_CHARACTER);
            return Ok(Decoded {
                text,
                encoding: UTF_8.name(),
            });
        }
        Err(_) => {}
    }

    Ok(decode_with(guess_legacy(bytes), bytes))
}

pub(crate) fn reject_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if head.contains(&0) {
        Err(DecodeError::Binary)
    } else {
        Ok(())
    }
}

/// True when the bytes are valid UTF-8 except for an incomplete character at the very end
/// (a file cut off mid-character).
///
/// One exception: if everything before the cut is plain ASCII and the cut-off part is a
/// single byte, that byte is far more likely a legacy character (`Caf\xE9`, `Gru\xDF`)
/// than a UTF-8 file truncated exactly at its first non-ASCII character, so the bytes go
/// to detection instead.
fn is_truncated_utf8(bytes: &[u8], err: &std::str::Utf8Error) -> bool {
    if err.error_len().is_some() {
        return false;
    }
    let valid_up_to = err.valid_up_to();
    let tail_len = bytes.len() - valid_up_to;
    let prefix_is_ascii = bytes.get(..valid_up_to).is_some_and(<[u8]>::is_ascii);
    !(prefix_is_ascii && tail_len == 1)
}

/// Asks chardetng for a legacy encoding, looking at a window that starts a little before
/// the first non-ASCII byte (pure ASCII teaches the detector nothing).
pub(crate) fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let first_non_ascii = bytes
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len());
    // Everything before the first non-ASCII byte is genuine ASCII (a multi-byte lead
    // always comes first), so any offset in there is a clean place to start.
    let start = first_non_ascii.saturating_sub(DETECT_CONTEXT);
    let end = bytes.len().min(start + DETECT_LEN);
    let window = bytes.get(start..end).unwrap_or_default();

    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(window, end == bytes.len());
    let guess = detector.guess(None, Utf8Detection::Deny);
    // ISO-2022-JP is denied above and chardetng never guesses UTF-16, but keep the
    // promise explicit: neither may come out of a guess.
    if guess == ISO_2022_JP || guess == UTF_16LE || guess == UTF_16BE {
        WINDOWS_1252
    } else {
        guess
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
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
