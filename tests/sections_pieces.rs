//! A plain-text book read in pieces has the sections it has read whole: the same headings
//! with the same levels and paths (BOOK › CHAPTER), whatever the size of the pieces and
//! wherever they are cut (issue 10, item 6).

use blatt::document::stream::Loader;
use blatt::document::{self, Document, Format};
use proptest::prelude::*;

/// Paragraphs of a book: divisions at every level, headings right above their text, plain
/// and indented prose, verse, and paragraphs longer than a piece.
fn paragraph() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "Wort", "zwei", "drei", "Kapitel", "Book", "der", "Satz", "und", "ende.",
    ]);
    let words = prop::collection::vec(word, 3..14).prop_map(|w| w.join(" "));
    let numeral = prop::sample::select(vec!["ONE", "TWO", "I", "II", "XII", "3", "FIRST"]);
    prop_oneof![
        8 => prop::collection::vec(words.clone(), 1..5).prop_map(|l| l.join("\n")),
        2 => (prop::sample::select(vec!["BOOK", "PART", "CHAPTER", "VOLUME", "Kapitel", "Teil"]), numeral.clone())
            .prop_map(|(k, n)| format!("{k} {n}")),
        1 => numeral.clone().prop_map(|n| format!("{n} EPILOGUE")),
        1 => Just("EPILOGUE".to_string()),
        1 => (numeral, words.clone()).prop_map(|(n, w)| format!("CHAPTER {n}.\n{w}")),
        2 => (0u32..40, words.clone())
            .prop_map(|(n, w)| format!("      Article {n}\n      {w} {w} {w} {w}.")),
        1 => prop::collection::vec(words.clone(), 2..6)
            .prop_map(|l| l.iter().map(|l| format!("    {l} and more words")).collect::<Vec<_>>().join("\n")),
        1 => words.clone().prop_map(|w| format!("A Heading\n{w}")),
        1 => (500usize..3000).prop_map(|n| "lang ".repeat(n)),
        1 => (50usize..400).prop_map(|n| "Eine Zeile ohne Ende\n".repeat(n)),
    ]
}

fn in_pieces(text: &str, budget: usize) -> Document {
    let mut loader = Loader::new(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        Format::Plain,
        u64::MAX - 1,
    );
    let first = loader.next(budget).expect("piece");
    let mut done = first.done;
    let mut doc = Document::from_blocks(first.title.unwrap_or_default(), first.blocks, None);
    while !done {
        let piece = loader.next(budget).expect("piece");
        done = piece.done;
        doc.append(piece.blocks);
    }
    doc
}

fn outline(doc: &Document) -> Vec<(Option<String>, u8, Vec<String>)> {
    doc.sections
        .iter()
        .map(|s| (s.title.clone(), s.level, s.path.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn pieces_give_the_sections_of_the_whole(
        paragraphs in prop::collection::vec(paragraph(), 20..160),
        budget in 4096usize..16_000,
    ) {
        let text = format!("Title of the Book\n\n{}\n", paragraphs.join("\n\n"));
        let whole = document::load(text.as_bytes(), "book.txt", "t", None).expect("load");
        let pieces = in_pieces(&text, budget);
        prop_assert_eq!(outline(&pieces), outline(&whole));
    }
}

#[test]
fn divisions_nest_the_same_in_pieces() {
    let mut text = String::from("Title\n\n");
    for book in ["ONE", "TWO", "THREE"] {
        text.push_str(&format!("BOOK {book}\n\n"));
        for chapter in ["I", "II", "III"] {
            text.push_str(&format!("CHAPTER {chapter}\n\n"));
            for _ in 0..40 {
                text.push_str("Some words of a paragraph that goes on for a while, and on.\n\n");
            }
        }
    }
    text.push_str("EPILOGUE\n\nI\n\nThe end.\n");
    let whole = document::load(text.as_bytes(), "book.txt", "t", None).expect("load");
    let paths: Vec<String> = whole.sections.iter().map(|s| s.path.join(" › ")).collect();
    assert!(
        paths.contains(&"BOOK TWO › CHAPTER III".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"EPILOGUE › I".to_string()), "{paths:?}");
    for budget in [4096, 5000, 9999] {
        assert_eq!(outline(&in_pieces(&text, budget)), outline(&whole));
    }
}

fn markdown_in_pieces(text: &str, budget: usize) -> Document {
    let mut loader = Loader::new(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        Format::Markdown,
        u64::MAX - 1,
    );
    let first = loader.next(budget).expect("piece");
    let mut done = first.done;
    let mut doc = Document::from_blocks(first.title.unwrap_or_default(), first.blocks, None);
    while !done {
        let piece = loader.next(budget).expect("piece");
        done = piece.done;
        doc.append(piece.blocks);
    }
    doc
}

/// HTML blocks that blank lines do not end (`<pre>`, comments, scripts, styles) are never
/// cut inside: read in pieces, a Markdown article shows the blocks it shows read whole, and
/// no script or comment text.
#[test]
fn html_blocks_with_blank_lines_are_read_whole_in_pieces() {
    let mut text = String::from("# HTML\n\n");
    for i in 0..300 {
        text.push_str(&format!(
            "## Part {i}\n\nSome words {i}.\n\n<pre>\ncode line {i}\n\n    indented {i}\n</pre>\n\n\
             <!--\ncomment {i}\n\nstill comment\n-->\n\n<script>\nlet x = {i};\n\nsecret();\n</script>\n\n\
             <style>\n.a {{}}\n\n.b {{}}\n</style>\n\n<div>after {i}</div>\n\n"
        ));
    }
    let whole = document::load(text.as_bytes(), "page.md", "t", None).expect("load");
    let blocks = |doc: &Document| {
        doc.blocks()
            .map(|b| (*b.kind, b.text.to_string()))
            .collect::<Vec<_>>()
    };
    let shown: String = whole
        .blocks()
        .map(|b| b.text)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(shown.contains("code line 7\n\n    indented 7"));
    assert!(!shown.contains("comment") && !shown.contains("secret") && !shown.contains(".b"));
    for budget in [4096, 5000, 9999] {
        assert_eq!(
            blocks(&markdown_in_pieces(&text, budget)),
            blocks(&whole),
            "budget {budget}"
        );
    }
}
