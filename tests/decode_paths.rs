//! The whole-file path (`document::load`) and the piece-by-piece path (`stream::Loader`, as
//! `document::open` uses it for large articles) must read the same bytes as the same text,
//! wherever the pieces happen to end.

use std::io::Cursor;

use blatt::document::stream::{FIRST_PIECE, Loader, PIECE};
use blatt::document::{Format, load};

/// The text of the blocks of `bytes` read at once.
fn whole(bytes: &[u8]) -> Vec<String> {
    let doc = load(bytes, "a.txt", "t", None).expect("load");
    doc.blocks().map(|b| b.text.to_string()).collect()
}

/// The text of the blocks of `bytes` read in pieces: the first of `first` bytes, then
/// `budget` bytes each.
fn pieces(bytes: &[u8], first: usize, budget: usize) -> Vec<String> {
    let mut loader = Loader::new(
        Box::new(Cursor::new(bytes.to_vec())),
        Format::Plain,
        u64::MAX - 1,
    );
    let mut texts = Vec::new();
    let mut want = first;
    loop {
        let piece = loader.next(want).expect("piece");
        texts.extend(piece.blocks.into_iter().map(|b| b.text));
        if piece.done {
            return texts;
        }
        want = budget;
    }
}

/// `prefix` ASCII paragraphs (more than the sniffing windows), then `middle`, then more
/// ASCII paragraphs.
fn sample(prefix: usize, middle: &[u8]) -> Vec<u8> {
    let mut bytes = b"Titel\n\n".to_vec();
    bytes.extend(b"plain ascii words in a paragraph.\n\n".repeat(prefix));
    bytes.extend_from_slice(middle);
    bytes.extend(b"\n\nmore ascii words after it.\n\n".repeat(200));
    bytes
}

/// The words of the blocks: pieces may cut a paragraph longer than themselves into blocks
/// where the whole has one, but never change a character.
fn words(blocks: &[String]) -> Vec<&str> {
    blocks.iter().flat_map(|b| b.split_whitespace()).collect()
}

fn assert_same(bytes: &[u8], what: &str) {
    let at_once = whole(bytes);
    for (first, budget) in [(FIRST_PIECE, PIECE), (4096, 4096), (5000, 7001)] {
        let streamed = pieces(bytes, first, budget);
        let (a, b) = (words(&at_once), words(&streamed));
        let differ: Vec<_> = a.iter().zip(&b).filter(|(a, b)| a != b).take(3).collect();
        assert!(
            a.len() == b.len() && differ.is_empty(),
            "{what}, pieces of {first}/{budget}: the paths differ: {differ:?} ({} vs {} words)",
            a.len(),
            b.len()
        );
    }
}

#[test]
fn a_stray_byte_after_a_long_ascii_prefix() {
    assert_same(&sample(4000, b"ein \xff in der Mitte"), "0xff");
}

#[test]
fn a_lone_cp1252_letter_after_a_long_ascii_prefix() {
    assert_same(&sample(4000, b"Caf\xe9 au lait"), "0xe9");
}

#[test]
fn a_lone_cp1252_letter_at_the_end_of_a_piece() {
    // The letter is the last byte of the first piece: alone, it looks like a UTF-8
    // character cut in two.
    let mut bytes = b"Titel\n\n".to_vec();
    while bytes.len() < FIRST_PIECE - 64 {
        bytes.extend(b"plain ascii words in a paragraph.\n\n");
    }
    bytes.resize(FIRST_PIECE - 4, b'x');
    bytes.extend(b"Caf\xe9");
    bytes.extend(b" au lait\n\n".repeat(100));
    assert_same(&bytes, "0xe9 at a piece end");
}

#[test]
fn utf8_then_a_stray_byte_much_later() {
    let mut middle = "Grüße aus Köln.\n\n".as_bytes().to_vec();
    middle.extend(b"ascii in between.\n\n".repeat(10_000));
    middle.extend(b"und ein \xff dazu");
    assert_same(&sample(4000, &middle), "UTF-8, then 0xff");
}

/// The real books in cp1252, from the shared corpus beside the repository (as CI lays it
/// out; `BLATT_CORPUS` names another place); skipped with a note where there is none.
#[test]
fn real_cp1252_books() {
    let corpus = std::env::var_os("BLATT_CORPUS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        std::path::PathBuf::from,
    );
    let dir = corpus.join("large/raw-cp1252");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is not there", dir.display());
        return;
    };
    let mut books = 0;
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("read");
        books += 1;
        assert_same(&bytes, &entry.path().display().to_string());
        // Read as the UTF-8 original reads: the encoding was guessed right.
        let name = entry.file_name().to_string_lossy().replace(".cp1252", "");
        if let Ok(original) = std::fs::read(dir.join("..").join(&name)) {
            assert!(words(&whole(&bytes)) == words(&whole(&original)), "{name}");
        }
    }
    assert!(books >= 3, "only {books} books in {}", dir.display());
}
