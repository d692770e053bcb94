use std::time::{Duration, SystemTime};

use super::*;
use crate::library::index::parse_index;

fn found(path: &str, title: &str, age_days: u64) -> Found {
    let group = path.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    Found {
        path: path.to_string(),
        group,
        title: title.to_string(),
        language: Some("de".to_string()),
        description: format!("Über {title}."),
        details: None,
        modified: SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000 - age_days * 86_400),
    }
}

#[test]
fn titles_and_first_sentences() {
    let (t, d) = describe(
        "---\ntitle: From the Front\n---\n\n# Other\n\nFirst one. Second one.\n",
        Format::Markdown,
        "a.md",
    );
    assert_eq!((t.as_str(), d.as_str()), ("From the Front", "First one."));
    let (t, d) = describe("# Heading\n\nText here! More.", Format::Markdown, "a.md");
    assert_eq!((t.as_str(), d.as_str()), ("Heading", "Text here!"));
    let (t, d) = describe(
        "Titel der Meldung\n\nDer erste Satz, mit Komma. Der zweite.\n",
        Format::Plain,
        "a.txt",
    );
    assert_eq!(
        (t.as_str(), d.as_str()),
        ("Titel der Meldung", "Der erste Satz, mit Komma.")
    );
    // No title: the first line; nothing at all: the file name.
    // Numbers and abbreviations do not end a sentence.
    let (_, d) = describe(
        "T\n\nAm 16. März kam z. B. Dr. Weber an. Dann nicht.",
        Format::Plain,
        "a.txt",
    );
    assert_eq!(d, "Am 16. März kam z. B. Dr. Weber an.");
    let (t, _) = describe("## Only a section\n\ntext\n", Format::Markdown, "x.md");
    assert_eq!(t, "Only a section");
    let (t, d) = describe("", Format::Plain, "dir/empty-file.txt");
    assert_eq!((t.as_str(), d.as_str()), ("empty-file", ""));
    // A long sentence is cut at a word.
    let long = "wort ".repeat(100);
    let (_, d) = describe(&format!("T\n\n{long}"), Format::Plain, "a.txt");
    assert!(
        d.ends_with('…') && d.chars().count() <= LONGEST_DESCRIPTION + 1,
        "{d}"
    );
}

#[test]
fn a_book_that_starts_with_its_text_is_titled_by_its_first_sentence_not_a_cut_line() {
    // As the books of the shared corpus begin.
    let text = "Happy families are all alike; every unhappy family is unhappy in its own\n\
                way.\n\n\
                Everything was in confusion in the Oblonskys’ house. The wife had\n\
                discovered that the husband was carrying on an intrigue.\n";
    let (t, d) = describe(text, Format::Plain, "pg1399-anna-karenina.txt");
    assert_eq!(
        t,
        "Happy families are all alike; every unhappy family is unhappy in its own way."
    );
    assert_eq!(d, "Everything was in confusion in the Oblonskys’ house.");
    // A long first sentence is cut at a word, and said to be.
    let text = "On an exceptionally hot evening early in July a young man came out of\n\
                the garret in which he lodged in S. Place and walked slowly, with\n\
                hesitation, towards K. bridge.\n\n\
                He had successfully avoided meeting his landlady on the staircase.\n";
    let (t, d) = describe(text, Format::Plain, "pg2554-crime-and-punishment.txt");
    assert!(
        t.ends_with('…') && t.chars().count() <= LONGEST_TITLE + 1,
        "{t}"
    );
    assert!(
        t.starts_with("On an exceptionally hot evening early in July a young man came out of the"),
        "{t}"
    );
    assert_eq!(
        d,
        "He had successfully avoided meeting his landlady on the staircase."
    );
    // A long title over its byline, a long heading over a paragraph: still the titles.
    let (t, _) = describe(
        "The Project Gutenberg EBook of The Adventures of Sherlock Holmes\n\
         by Sir Arthur Conan Doyle\n\nTo Sherlock Holmes she is always the woman.\n",
        Format::Plain,
        "a.txt",
    );
    assert_eq!(
        t,
        "The Project Gutenberg EBook of The Adventures of Sherlock Holmes"
    );
    let (t, d) = describe(
        "## Notes on the migration of the storage layer to the new cluster\n\n\
         We moved the data in three steps. Then more.\n",
        Format::Markdown,
        "a.md",
    );
    assert_eq!(
        (t.as_str(), d.as_str()),
        (
            "Notes on the migration of the storage layer to the new cluster",
            "We moved the data in three steps."
        )
    );
    // A short first line that the text runs on from is still the title.
    let (t, _) = describe(
        "A short title line\nrunning on\n\nText.\n",
        Format::Plain,
        "a.txt",
    );
    assert_eq!(t, "A short title line");
}

#[test]
fn a_description_is_not_the_title_run_on_nor_a_copyright_notice() {
    // As the UDHR texts of the shared corpus begin.
    let text = "Universal Declaration of Human Rights - Russian\n\
                © 1996 – 2009 The Office of the High Commissioner for Human Rights\n\
                This plain text version prepared by the project.\n\
                ---\n\n\
                Всеобщая декларация прав человека\n\
                \x20     Принята резолюцией 217 А (III) от 10 декабря 1948 года.\n\
                \x20  \n\
                \x20     ПРЕАМБУЛА\n";
    let (t, d) = describe(text, Format::Plain, "udhr_rus.txt");
    assert_eq!(t, "Universal Declaration of Human Rights - Russian");
    assert_eq!(d, "Принята резолюцией 217 А (III) от 10 декабря 1948 года.");
    let (_, d) = describe(
        "Titel\n\n© 2024 Verlag. Alle Rechte.\n\nDer Text beginnt hier. Weiter.\n",
        Format::Plain,
        "a.txt",
    );
    assert_eq!(d, "Der Text beginnt hier.");
    // Only a notice: better than nothing.
    let (_, d) = describe("Titel\n\nCopyright 2024 by X.\n", Format::Plain, "a.txt");
    assert_eq!(d, "Copyright 2024 by X.");
}

#[test]
fn a_new_index_lists_every_article_by_group_newest_first_and_reads_back() {
    let text = create(
        "news",
        vec![
            found("old.md", "Old", 10),
            found("new.md", "New", 1),
            found("politik/eu.txt", "EU [Gipfel] *heute*", 2),
            found("politik/with space (1).md", "Spaces", 3),
        ],
    );
    let parsed = parse_index(&text);
    assert_eq!(parsed.title.as_deref(), Some("news"));
    let entries: Vec<_> = parsed
        .entries
        .iter()
        .map(|e| {
            (
                e.title.as_str(),
                e.link.as_str(),
                e.group.join("/"),
                e.language.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("New", "new.md", String::new(), Some("de")),
            ("Old", "old.md", String::new(), Some("de")),
            (
                "EU [Gipfel] *heute*",
                "politik/eu.txt",
                "politik".to_string(),
                Some("de")
            ),
            (
                "Spaces",
                "politik/with space (1).md",
                "politik".to_string(),
                Some("de")
            ),
        ]
    );
    assert_eq!(parsed.entries[0].description, "de — Über New.");
}

#[test]
fn hostile_names_and_titles_are_written_safely() {
    let mut evil = found("a\u{1b}]0;pwned\u{7}b\u{202e}.md", "x\u{1b}[2Jy", 0);
    evil.title = crate::document::sanitize::sanitize_line(&evil.title);
    let text = create("lib\u{1b}[31m", vec![evil.clone()]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    let parsed = parse_index(&text);
    // The link still names the file, byte for byte.
    assert_eq!(parsed.entries[0].link, evil.path);
}

const HAND_WRITTEN: &str = "\
# Meine Nachrichten

Eine Einleitung, von Hand geschrieben.

- [Zuerst](first.md) — meine eigene Beschreibung
- [Gelöscht](gone.md) — war einmal da

Ein Absatz zwischen den Einträgen.

## politik

- [EU](politik/eu.txt) — handgeschrieben, de
  mit einer zweiten Zeile

## Leer

<!-- Notiz: nicht anfassen -->
";

#[test]
fn an_update_keeps_every_hand_edit_and_only_adds_and_marks() {
    let articles = vec![
        found("first.md", "Zuerst", 5),
        found("politik/eu.txt", "EU", 5),
        found("second.md", "Neu im Ordner", 1),
        found("politik/bund.md", "Bund", 2),
        found("Leer/eins.md", "Eins", 1),
        found("kultur/film.md", "Film", 1),
    ];
    let paths: Vec<String> = articles.iter().map(|a| a.path.clone()).collect();
    let exists = |p: &str| paths.iter().any(|a| a == p);
    let (text, changes) = update(HAND_WRITTEN, articles.clone(), &exists, "2026-12-01");
    let mut added = changes.added.clone();
    added.sort();
    assert_eq!(
        added,
        [
            "Leer/eins.md",
            "kultur/film.md",
            "politik/bund.md",
            "second.md"
        ]
    );
    assert_eq!(changes.missing, ["gone.md"]);
    let expected = "\
# Meine Nachrichten

Eine Einleitung, von Hand geschrieben.

- [Zuerst](first.md) — meine eigene Beschreibung
- ~~[Gelöscht](gone.md)~~ (missing since 2026-12-01) — war einmal da
- [Neu im Ordner](second.md) — de — Über Neu im Ordner.

Ein Absatz zwischen den Einträgen.

## politik

- [EU](politik/eu.txt) — handgeschrieben, de
  mit einer zweiten Zeile
- [Bund](politik/bund.md) — de — Über Bund.

## Leer

- [Eins](Leer/eins.md) — de — Über Eins.

<!-- Notiz: nicht anfassen -->

## kultur

- [Film](kultur/film.md) — de — Über Film.
";
    assert_eq!(text, expected);
    // Run again: nothing changes.
    let (again, changes) = update(&text, articles.clone(), &exists, "2026-12-05");
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(again, text);
    // The file is back: the mark goes, and only the mark.
    let mut back = articles;
    back.push(found("gone.md", "Gelöscht", 9));
    let paths: Vec<String> = back.iter().map(|a| a.path.clone()).collect();
    let exists = |p: &str| paths.iter().any(|a| a == p);
    let (restored, changes) = update(&text, back, &exists, "2026-12-06");
    assert_eq!(changes.back, ["gone.md"]);
    assert!(
        restored.contains("\n- [Gelöscht](gone.md) — war einmal da\n"),
        "{restored}"
    );
}

#[test]
fn an_update_keeps_crlf_and_a_bom() {
    let existing = "\u{feff}# N\r\n\r\n- [A](a.md) — x\r\n";
    let articles = vec![found("a.md", "A", 2), found("b.md", "B", 1)];
    let paths: Vec<String> = articles.iter().map(|a| a.path.clone()).collect();
    let exists = |p: &str| paths.iter().any(|a| a == p);
    let (text, _) = update(existing, articles, &exists, "2026-12-01");
    assert_eq!(
        text,
        "\u{feff}# N\r\n\r\n- [A](a.md) — x\r\n- [B](b.md) — de — Über B.\r\n"
    );
}

#[test]
fn an_update_of_an_index_without_entries_puts_them_under_the_title() {
    let existing = "# Leer\n\nNoch nichts.\n";
    let articles = vec![found("a.md", "A", 1)];
    let exists = |p: &str| p == "a.md";
    let (text, _) = update(existing, articles, &exists, "2026-12-01");
    assert_eq!(
        text,
        "# Leer\n\nNoch nichts.\n\n- [A](a.md) — de — Über A.\n"
    );
}

#[test]
fn the_index_files_of_subfolders_are_not_articles() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    for name in [
        "INDEX.md",
        "b.md",
        "sub/INDEX.md",
        "sub/a.md",
        "sub/deeper/index.md",
        "sub/deeper/c.txt",
    ] {
        std::fs::write(root.join(name), "# T\n\nText.\n").unwrap();
    }
    let (mut candidates, problems) = list(root).unwrap();
    assert!(problems.is_empty());
    candidates.sort_by(|a, b| a.path.cmp(&b.path));
    let paths: Vec<&str> = candidates.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["b.md", "sub/a.md", "sub/deeper/c.txt"]);
}
