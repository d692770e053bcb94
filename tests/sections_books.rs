//! Sections of real plain-text books and declarations (issue 10, items 5 and 6): headings
//! in Chinese, Japanese, Hindi and the other UDHR scripts, headings with their paragraph
//! right below them, and BOOK / PART / CHAPTER nesting, the same whether a book is read
//! whole or in pieces.
//!
//! The texts come from `../shared/corpus` (beside the checkout, as in CI), copied into a
//! temporary directory; a checkout without it skips those tests with a note.

mod common;

use common::corpus_copy;

use std::path::Path;

use blatt::config::Config;
use blatt::document::{self, Document};

fn read(path: &Path) -> Document {
    blatt::headless::read_document(path, &Config::default()).expect("read the article")
}

/// What the contents of a UDHR file must list: the declaration's title, the preamble's
/// heading where the text has one, and thirty articles, each starting and ending so.
struct Udhr {
    file: &'static str,
    title: &'static str,
    preamble: Option<&'static str>,
    article: (&'static str, &'static str),
}

const UDHR: [Udhr; 9] = [
    Udhr {
        file: "udhr_cmn_hans.txt",
        title: "世界人权宣言",
        preamble: Some("序言"),
        article: ("第", "条"),
    },
    Udhr {
        file: "udhr_jpn.txt",
        title: "『世界人権宣言』",
        preamble: Some("〈前文〉"),
        // The text has `弟23条` for `第23条`.
        article: ("", "条"),
    },
    Udhr {
        file: "udhr_hin.txt",
        title: "मानव अधिकारों की सार्वभौम घोषणा",
        preamble: Some("प्रस्तावना"),
        article: ("अनुच्छेद ", "."),
    },
    Udhr {
        file: "udhr_kor.txt",
        title: "세 계 인 권 선 언",
        preamble: Some("전 문"),
        article: ("제 ", " 조"),
    },
    Udhr {
        file: "udhr_rus.txt",
        title: "Всеобщая декларация прав человека",
        preamble: Some("ПРЕАМБУЛА"),
        article: ("Статья ", ""),
    },
    Udhr {
        file: "udhr_arb.txt",
        title: "الإعلان العالمي لحقوق الإنسان",
        preamble: Some("الديباجة"),
        article: ("المادة ", ""),
    },
    Udhr {
        file: "udhr_pes_1.txt",
        title: "اعلامیه جهانی حقوق بشر",
        preamble: Some("مقدمه"),
        article: ("مادهٔ ", ""),
    },
    Udhr {
        file: "udhr_heb.txt",
        title: "הכרזה לכל באי עולם בדבר זכויות האדם",
        preamble: None,
        article: ("סעיף ", "."),
    },
    Udhr {
        file: "udhr_tha.txt",
        title: "ปฏิญญาสากลว่าด้วยสิทธิมนุษยชน",
        preamble: Some("คำปรารภ"),
        article: ("ข้อ ", ""),
    },
];

#[test]
fn udhr_contents_list_the_preamble_and_the_articles_and_no_sentences() {
    for udhr in &UDHR {
        let Some((_dir, path)) = corpus_copy(&format!("nonlatin/{}", udhr.file)) else {
            return;
        };
        let doc = read(&path);
        let toc = blatt::headless::toc(&doc);
        let entries: Vec<&str> = toc.lines().map(str::trim).collect();
        let mut expected = vec![udhr.title];
        expected.extend(udhr.preamble);
        let articles: Vec<&str> = entries
            .iter()
            .copied()
            .filter(|e| !expected.contains(e))
            .collect();
        let (prefix, suffix) = udhr.article;
        assert!(
            articles.len() == 30
                && articles.iter().all(|a| a.starts_with(prefix)
                    && a.ends_with(suffix)
                    && a.chars().count() < 24),
            "{}: {} entries besides the title and preamble, not the 30 articles:\n{toc}",
            udhr.file,
            articles.len()
        );
        assert_eq!(
            &entries[..expected.len()],
            &expected[..],
            "{}: the title and the preamble come first:\n{toc}",
            udhr.file
        );
    }
}

#[test]
fn cjk_and_devanagari_sentence_ends_are_not_headings() {
    let text = "标题\n\n人人有权离开任何国家。\n\n这是问题吗？\n\n好！\n\nすべて人は、自国その他いずれの国をも立ち去る。\n\nप्रत्येक व्यक्ति को अपने देश वापस आने का अधिकार है ।\n\nयह दोहा है ॥\n\n第十四条\n\n人人有权在其他国家寻求和享受庇护以避免迫害。\n";
    let doc = document::parse(text, document::Format::Plain, "t", None);
    let headings: Vec<_> = doc
        .headings()
        .filter_map(|(_, s)| s.title.clone())
        .collect();
    assert_eq!(headings, ["第十四条"]);
}

#[test]
fn a_heading_right_above_its_paragraph_is_found() {
    let text = "Title\n\n      Article 1\n      All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience.\n   \n      Статья 2\n      Каждый человек должен обладать всеми правами и всеми свободами, провозглашенными настоящей Декларацией.\n      Кроме того, не должно проводиться никакого различия.\n   \n      अनुच्छेद ३.\n      प्रत्येक व्यक्ति को जीवन, स्वाधीनता और वैयक्तिक सुरक्षा का अधिकार है ।\n";
    let doc = document::parse(text, document::Format::Plain, "t", None);
    let headings: Vec<_> = doc
        .headings()
        .filter_map(|(_, s)| s.title.clone())
        .collect();
    assert_eq!(headings, ["Article 1", "Статья 2", "अनुच्छेद ३."]);
    // The body lines stay paragraphs of their own, not one run-on paragraph.
    let second = doc.sections[2].blocks.clone();
    let body = doc.block(second.start + 1);
    assert_eq!(body.text.lines().count(), 2, "{:?}", body.text);
}

fn paths(doc: &Document) -> Vec<String> {
    doc.sections
        .iter()
        .filter(|s| s.title.is_some())
        .map(|s| s.path.join(" › "))
        .collect()
}

#[test]
fn book_and_part_headings_enclose_their_chapters() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "large/pg2600-war-and-peace.txt",
            &[
                "BOOK TWO: 1805 › CHAPTER XII",
                "BOOK FIFTEEN: 1812 - 13 › CHAPTER XX",
                "FIRST EPILOGUE: 1813 - 20 › CHAPTER I",
                "SECOND EPILOGUE › CHAPTER XII",
            ],
        ),
        (
            "large/pg2554-crime-and-punishment.txt",
            &[
                "PART II › CHAPTER I",
                "PART VI › CHAPTER VIII",
                "EPILOGUE › II",
            ],
        ),
        (
            "large/pg1399-anna-karenina.txt",
            &["PART TWO › Chapter 1", "PART EIGHT › Chapter 19"],
        ),
    ];
    for (name, expected) in cases {
        let Some((_dir, path)) = corpus_copy(name) else {
            return;
        };
        let doc = read(&path);
        let paths = paths(&doc);
        for path in expected {
            assert!(
                paths.iter().any(|p| p == path),
                "{name}: no section {path:?} in {:?}",
                &paths[..paths.len().min(40)]
            );
        }
        // No chapter stands outside its book or part once one has begun.
        let first_outer = doc
            .sections
            .iter()
            .position(|s| s.level > 0 && s.level < document::plain::CHAPTER)
            .expect("a book or part");
        for section in &doc.sections[first_outer..] {
            let title = section.title.as_deref().unwrap_or_default();
            if title.to_lowercase().starts_with("chapter") {
                assert_eq!(section.path.len(), 2, "{name}: {:?}", section.path);
            }
        }
        // The contents indent chapters under their book or part.
        let toc = blatt::headless::toc(&doc);
        let chapter = toc
            .lines()
            .find(|l| l.trim_start().to_lowercase().starts_with("chapter") && l.starts_with(' '));
        assert!(
            chapter.is_some(),
            "{name}: chapters are indented:\n{}",
            &toc[..400]
        );
    }
}

#[test]
fn war_and_peace_read_in_pieces_has_the_sections_it_has_whole() {
    let Some((_dir, path)) = corpus_copy("large/pg2600-war-and-peace.txt") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    assert!(
        bytes.len() as u64 > document::stream::PIECES_ABOVE,
        "read in pieces"
    );
    let streamed = read(&path);
    let whole = document::load(&bytes, "pg2600-war-and-peace.txt", "t", None).expect("load");
    assert_eq!(streamed.sections, whole.sections);
    assert!(streamed.sections.iter().any(|s| s.path.len() == 2));
}

#[test]
fn repeated_chapter_titles_are_labelled_with_their_book() {
    let text = "Title\n\nBOOK ONE\n\nCHAPTER I\n\nText one.\n\nCHAPTER II\n\nText two.\n\nBOOK TWO\n\nCHAPTER I\n\nMore text.\n\nAn Afterword\n\nLast words.\n";
    let doc = document::parse(text, document::Format::Plain, "t", None);
    let labels: Vec<String> = (0..doc.sections.len())
        .map(|i| doc.section_label(i))
        .collect();
    assert_eq!(
        labels,
        [
            "Title",
            "BOOK ONE",
            "BOOK ONE › CHAPTER I",
            "CHAPTER II",
            "BOOK TWO",
            "BOOK TWO › CHAPTER I",
            "An Afterword",
        ]
    );
}
