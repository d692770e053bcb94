use std::sync::atomic::AtomicBool;

use proptest::prelude::*;

use super::*;
use crate::document::{Format, parse};
use crate::search::{Options, Query};

/// Writes `text` over the file at `path`, which must keep its size, and sets its
/// modification time a second later (as an edit a clock tick later would).
fn edit_in_place(path: &Path, text: &str) {
    let before = std::fs::metadata(path).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(before.modified().unwrap() + std::time::Duration::from_secs(1))
        .unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), before.len());
}

#[test]
fn words_are_folded_as_far_as_the_matcher_folds() {
    assert_eq!(
        index_words("Straße, CAFÉ und Zusammen\u{ad}arbeit: e-mail ΣΊΣΥΦΟΣ"),
        [
            "strasse",
            "cafe",
            "und",
            "zusammenarbeit",
            "e",
            "mail",
            "σισυφοσ"
        ]
    );
    // Decomposed é is the same word as the precomposed one.
    assert_eq!(index_words("cafe\u{301}"), ["cafe"]);
}

#[test]
fn a_query_word_may_run_on_into_the_text_only_at_the_query_ends() {
    use WordMatch::*;
    let w = |s: &str| s.to_string();
    assert_eq!(query_words("zoom"), Some(vec![Inside(w("zoom"))]));
    assert_eq!(
        query_words("Zoom und TikTok"),
        Some(vec![
            Suffix(w("zoom")),
            Exact(w("und")),
            Prefix(w("tiktok"))
        ])
    );
    assert_eq!(query_words("-mail"), Some(vec![Prefix(w("mail"))]));
    assert_eq!(query_words("e-"), Some(vec![Suffix(w("e"))]));
    assert_eq!(query_words(" (zoom) "), Some(vec![Exact(w("zoom"))]));
    assert_eq!(query_words("--"), None);
}

/// Whether an article with these indexed words is a candidate for `query`, as the index
/// decides it (without tantivy).
fn candidate(text: &str, query: &str) -> bool {
    let terms = distinct_index_words(text);
    match query_words(query) {
        None => true,
        Some(words) => words.iter().all(|w| {
            terms
                .iter()
                .any(|t| (t == LONG_WORD && needs_long_words(w)) || w.accepts(t.as_bytes()))
        }),
    }
}

#[test]
fn the_index_keeps_every_article_the_matcher_finds_something_in() {
    let cases = [
        ("Die Straße ist lang", "strasse"),
        ("STRASSE", "straße"),
        ("ein Café", "cafe"),
        ("ein Café", "café"),
        ("Zoomkonferenz", "zoom"),
        ("Videozoom", "ozo"),
        ("Zusammen\u{ad}arbeit", "Zusammenarbeit"),
        ("Zusammenarbeit", "sammen\u{ad}ar"),
        ("ein\n  Zoom\ttreffen", "ein zoom"),
        ("e-mail", "e-m"),
        ("İstanbul", "istanbul"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
        ("Σ", "ς"),
        // A separator of more than one byte before the query's last word: that word may
        // still run on in the text.
        ("l’Andrews kam", "l’andrew"),
        ("Prince Andréws", "prince\u{a0}andrew"),
        ("a—bcd", "a—bc"),
    ];
    for (text, query) in cases {
        let q = Query::new(query, Options::default()).unwrap();
        assert!(q.is_match(text), "{query:?} in {text:?}");
        assert!(candidate(text, query), "{query:?} in {text:?}");
    }
    assert!(!candidate("Die Straße", "zoom"));
    assert!(!candidate("e-mail", "email"));
}

fn piece() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a", "A", "s", "S", "ß", "ẞ", "ss", "e", "é", "e\u{301}", "É", "i", "I", "İ", "ı", "σ",
        "ς", "Σ", " ", "\n", "  ", "-", ".", "\u{ad}", "\u{200b}", "1", "ﬁ", "fi", "Å", "ö", "中",
        "ー",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the options, an article the matcher finds the query in is a candidate.
    #[test]
    fn candidates_are_a_superset_of_matches(
        text in prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat()),
        start in 0usize..24,
        len in 1usize..8,
        case in prop::option::of(any::<bool>()),
        ignore_diacritics in any::<bool>(),
    ) {
        // Queries taken from the text itself match often; random ones rarely would.
        let chars: Vec<char> = text.chars().collect();
        let from = start.min(chars.len());
        let query: String = chars[from..(from + len).min(chars.len())].iter().collect();
        let options = Options { regex: false, case_sensitive: case, ignore_diacritics };
        if let Ok(q) = Query::new(&query, options)
            && q.is_match(&text)
        {
            prop_assert!(candidate(&text, &query), "{:?} in {:?}", query, text);
        }
    }
}

/// The terms [`article_terms`] hands tantivy, sorted.
fn terms_of(text: &str) -> Vec<String> {
    let (mut out, mut spans) = (String::new(), Vec::new());
    article_terms(text, &mut TermScratch::default(), &mut out, &mut spans);
    let mut terms: Vec<String> = spans.iter().map(|&(s, e)| out[s..e].to_string()).collect();
    terms.sort();
    terms
}

/// What [`terms_of`] must be: every word [`index_words`] finds in the whole folded text
/// (over-long ones as their pieces and [`LONG_WORD`]), each once.
fn distinct_index_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = index_words(text)
        .into_iter()
        .flat_map(|w| {
            if w.len() > MAX_WORD {
                let mut pieces: Vec<String> = long_word_pieces(&w)
                    .into_iter()
                    .map(|p| w[p].to_string())
                    .collect();
                pieces.push(LONG_WORD.to_string());
                pieces
            } else {
                vec![w]
            }
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

#[test]
fn article_terms_are_the_distinct_words_of_the_folded_text() {
    let long = "x".repeat(MAX_WORD + 1);
    for text in [
        "Die Straße, die STRASSE und die strasse: Zusammen\u{ad}arbeit, e-mail.",
        "cafe\u{301} Café CAFÉ -\u{301}x İstanbul ΣΊΣΥΦΟΣ ﬁsh K\u{212a}",
        &format!("{long} kurz {long}é"),
        "",
        " -- ",
    ] {
        assert_eq!(terms_of(text), distinct_index_words(text), "{text:?}");
    }
    assert_eq!(terms_of("Zoom zoom ZOOM zoomen"), ["zoom", "zoomen"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Cutting at ASCII punctuation first and folding only the pieces that need it gives
    /// the words of folding everything.
    #[test]
    fn article_terms_match_the_words_of_the_folded_text(
        text in prop::collection::vec(
            prop_oneof![piece(), "[a-zA-Z0-9 .,;:!?()\\[\\]'\"/_-]{1,6}"],
            0..24,
        ).prop_map(|v| v.concat()),
    ) {
        prop_assert_eq!(terms_of(&text), distinct_index_words(&text));
    }
}

fn library_with(dir: &Path, articles: &[(&str, &str)]) -> Library {
    let mut index = String::from("# Test\n\n");
    for (name, text) in articles {
        std::fs::write(dir.join(name), text).unwrap();
        index.push_str(&format!("- [{name}]({name})\n"));
    }
    std::fs::write(dir.join("INDEX.md"), index).unwrap();
    let mut library = crate::library::load_library(dir).unwrap();
    library.check_all();
    library
}

fn read(path: &Path) -> Result<Document, String> {
    read_titled(path, "t")
}

/// [`read`], with `fallback` as the title of an article that names none.
fn read_titled(path: &Path, fallback: &str) -> Result<Document, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    Ok(parse(&text, Format::Markdown, fallback, None))
}

fn update(index: &LibraryIndex, library: &Library) -> UpdateStats {
    index
        .update(library, &read, &AtomicBool::new(false), &mut |_| {})
        .unwrap()
}

fn matching(index: &LibraryIndex, library: &Library, query: &str) -> Vec<String> {
    let c = index.candidates(query).unwrap().unwrap();
    library
        .entries
        .iter()
        .filter(|e| matches!(&e.target, Target::File(p) if c.may_match(p)))
        .map(|e| e.title.clone())
        .collect()
}

#[test]
fn the_index_is_updated_from_sizes_and_times_and_narrows_the_search() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = library_with(
        lib.path(),
        &[
            ("a.md", "# A\n\nZoom und **Tik**Tok.\n"),
            ("b.md", "# B\n\nDie Straße.\n"),
            ("c.md", "# C\n\nNichts.\n"),
        ],
    );
    let dir = library_index_dir(cache.path(), &library).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged, stats.removed), (3, 0, 0));
    assert_eq!(index.len(), 3);
    // The Markdown is indexed as the reader shows it: TikTok is one word.
    assert_eq!(matching(&index, &library, "tiktok"), ["a.md"]);
    assert_eq!(matching(&index, &library, "STRASSE"), ["b.md"]);
    assert_eq!(matching(&index, &library, "zoom und tik"), ["a.md"]);
    assert!(matching(&index, &library, "quokka").is_empty());

    // Nothing changed: nothing is read.
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged, stats.removed), (0, 3, 0));

    // A changed file is read again, a deleted one dropped.
    std::fs::write(lib.path().join("c.md"), "# C\n\nJetzt mit Quokka.\n").unwrap();
    std::fs::remove_file(lib.path().join("b.md")).unwrap();
    let mut library = crate::library::load_library(lib.path()).unwrap();
    library.check_all();
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged, stats.removed), (1, 1, 2));
    assert_eq!(index.len(), 2);
    assert_eq!(matching(&index, &library, "quokka"), ["c.md"]);

    // Opened again from the disk, it has the same.
    drop(index);
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    assert_eq!(index.len(), 2);
    assert_eq!(update(&index, &library).read, 0);
}

#[test]
fn garbage_in_the_index_folder_is_an_error_and_recreate_clears_it() {
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().join("x");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("meta.json"), "\u{1b}[31mnot json").unwrap();
    assert!(LibraryIndex::open_or_create(&dir).is_err());
    let index = LibraryIndex::recreate(&dir).unwrap();
    assert!(index.is_empty());
}

#[test]
fn a_cancelled_update_keeps_nothing_of_it() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = library_with(lib.path(), &[("a.md", "Zoom\n")]);
    let index = LibraryIndex::open_or_create(&cache.path().join("i")).unwrap();
    let cancel = AtomicBool::new(true);
    let result = index.update(&library, &read, &cancel, &mut |_| {});
    assert!(matches!(result, Err(IndexError::Cancelled)));
    assert!(index.is_empty());
}

#[test]
fn one_folder_per_library() {
    let a = index_dir(Path::new("/c"), Path::new("/x/INDEX.md"));
    let b = index_dir(Path::new("/c"), Path::new("/y/INDEX.md"));
    assert_ne!(a, b);
    assert!(a.starts_with("/c/index"));
}

#[test]
fn paths_of_a_generated_library_do_not_share_a_hash() {
    // The shape scripts/gen_library.py writes: paths that differ in a few digits. A weak
    // hash (an earlier one collided 2,520 times here) turns each lookup into a walk.
    let mut seen = HashSet::new();
    for i in 0..200_000 {
        let path = format!("/home/someone/news/a/{:03}/{i:05}.md", i / 1000);
        assert!(seen.insert(path_hash(&path)), "{path}");
    }
}

#[test]
fn the_list_of_articles_finds_each_path_and_reads_back_what_it_wrote() {
    let mut known = Known::new(7);
    known.push(
        "/x/a.md",
        Stamp {
            size: 1,
            changed: 2,
        },
    );
    known.push(
        "/x/b.md",
        Stamp {
            size: 3,
            changed: 4,
        },
    );
    known.push(
        "/x/ü.md",
        Stamp {
            size: 5,
            changed: 6,
        },
    );
    let known = known.indexed();
    assert_eq!(known.find("/x/b.md"), Some(1));
    assert_eq!(known.find("/x/ü.md"), Some(2));
    assert_eq!(known.find("/x/c.md"), None);
    let bytes = known.encode();
    assert_eq!(Known::decode(&bytes), Some(known));
    // Cut short or with a byte more, it is not a list.
    assert_eq!(Known::decode(&bytes[..bytes.len() - 1]), None);
    let mut more = bytes.clone();
    more.push(0);
    assert_eq!(Known::decode(&more), None);
}

#[test]
fn the_list_of_articles_is_trusted_only_for_the_commit_it_was_made_for() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = library_with(
        lib.path(),
        &[
            ("a.md", "Zoom\n"),
            ("b.md", "Straße\n"),
            ("c.md", "Nichts\n"),
        ],
    );
    let dir = library_index_dir(cache.path(), &library).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    update(&index, &library);
    let list = dir.join(KNOWN_FILE);
    let old = std::fs::read(&list).unwrap();
    std::fs::write(lib.path().join("c.md"), "Jetzt mit Quokka\n").unwrap();
    assert_eq!(update(&index, &library).read, 1);
    drop(index);

    // The list of the commit before: not taken (c.md would look changed again).
    std::fs::write(&list, &old).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged), (0, 3));
    assert_eq!(matching(&index, &library, "quokka"), ["c.md"]);
    // ... and written anew for this commit, in library order.
    let commit = index.index.load_metas().unwrap().opstamp;
    drop(index);
    let known = Known::decode(&std::fs::read(&list).unwrap()).unwrap();
    assert_eq!(known.opstamp, commit);
    let paths: Vec<&str> = known.iter().map(|(p, _)| p).collect();
    let expected: Vec<String> = ["a.md", "b.md", "c.md"]
        .iter()
        .map(|n| {
            std::fs::canonicalize(lib.path().join(n))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(paths, expected);

    // A damaged list: read out of the index instead.
    std::fs::write(&list, b"blatt-articles 1\n\x07garbage").unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged), (0, 3));
    assert_eq!(matching(&index, &library, "zoom"), ["a.md"]);
}

#[test]
fn articles_in_another_order_or_twice_in_the_library_are_compared_by_path() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut library = library_with(
        lib.path(),
        &[
            ("a.md", "Zoom\n"),
            ("b.md", "Straße\n"),
            ("c.md", "Nichts\n"),
        ],
    );
    let index = LibraryIndex::open_or_create(&cache.path().join("i")).unwrap();
    update(&index, &library);
    // Reversed, with a.md listed twice and b.md gone from the list.
    let a = library.entries[0].clone();
    library.entries.remove(1);
    library.entries.reverse();
    library.entries.push(a);
    let stats = update(&index, &library);
    assert_eq!((stats.read, stats.unchanged, stats.removed), (0, 2, 1));
    assert_eq!(index.len(), 2);
    assert_eq!(matching(&index, &library, "zoom"), ["a.md", "a.md"]);
    assert!(matching(&index, &library, "strasse").is_empty());
}

#[test]
fn an_index_without_its_list_of_articles_gets_one_again() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = library_with(lib.path(), &[("a.md", "Zoom\n")]);
    let dir = cache.path().join("i");
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    update(&index, &library);
    drop(index);
    // As an index made before the list existed.
    std::fs::remove_file(dir.join(KNOWN_FILE)).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    assert_eq!(update(&index, &library).unchanged, 1);
    let commit = index.index.load_metas().unwrap().opstamp;
    let known = Known::decode(&std::fs::read(dir.join(KNOWN_FILE)).unwrap()).unwrap();
    assert_eq!((known.opstamp, known.len()), (commit, 1));
}

#[test]
fn numbers_in_the_cache_files_read_back_and_overflow_is_damage() {
    let numbers = [0, 1, 127, 128, 300, 1 << 35, u64::MAX - 1, u64::MAX];
    let mut w = Writer(Vec::new());
    for n in numbers {
        w.u64(n);
    }
    w.str("Straße");
    let bytes = w.0;
    let mut r = Reader(&bytes);
    for n in numbers {
        assert_eq!(r.u64(), Some(n));
    }
    assert_eq!(r.text(), Some("Straße"));
    assert!(r.0.is_empty());
    // Eleven bytes, or ten whose last says more than 64 bits: not a number.
    assert_eq!(Reader(&[0xff; 11]).u64(), None);
    let mut big = vec![0xff; 9];
    big.push(0x02);
    assert_eq!(Reader(&big).u64(), None);
    // Cut short.
    assert_eq!(Reader(&[0x80]).u64(), None);
}

#[test]
fn looking_by_name_in_a_folder_sees_what_lstat_of_the_path_sees() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir(dir.join("ordner")).unwrap();
    std::fs::write(dir.join("a.md"), "Zoom\n").unwrap();
    std::fs::write(dir.join("ordner/b.md"), "Straße\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("a.md"), dir.join("verweis.md")).unwrap();
    let paths = [
        "a.md",
        "ordner/b.md",
        "verweis.md",
        "ordner",
        "fehlt.md",
        "ordner/fehlt.md",
        "a.md",
    ];
    let mut looker = Looker::default();
    for name in paths {
        let path = dir.join(name);
        assert_eq!(looker.look(&path), FileStat::of(&path), "{name}");
    }
    assert!(looker.look(&dir.join("a.md")).is_some());
    assert_eq!(looker.look(&dir.join("verweis.md")), None);
    assert_eq!(looker.look(&dir.join("ordner")), None);
}

/// The words of a term list, as a sorted list of the index's words would be given to it.
fn term_list(words: &[&str]) -> TermList {
    let mut sorted: Vec<&str> = words.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut blob = vec![b'\n'];
    for w in sorted {
        blob.extend_from_slice(w.as_bytes());
        blob.push(b'\n');
    }
    TermList { opstamp: 7, blob }
}

#[test]
fn the_term_list_finds_the_words_a_query_word_accepts() {
    use WordMatch::*;
    let list = term_list(&["ozon", "zoo", "zoom", "zoomen", "videozoom", "a", "aa"]);
    let found = |w: WordMatch| {
        let mut v: Vec<String> = list
            .matching(&w, 100)
            .unwrap()
            .into_iter()
            .map(|t| String::from_utf8(t.to_vec()).unwrap())
            .collect();
        v.sort();
        v
    };
    let s = |w: &str| w.to_string();
    assert_eq!(found(Exact(s("zoom"))), ["zoom"]);
    assert_eq!(found(Prefix(s("zoom"))), ["zoom", "zoomen"]);
    assert_eq!(found(Suffix(s("zoom"))), ["videozoom", "zoom"]);
    assert_eq!(
        found(Inside(s("oo"))),
        ["videozoom", "zoo", "zoom", "zoomen"]
    );
    assert_eq!(found(Inside(s("a"))), ["a", "aa"]);
    assert_eq!(found(Exact(s("a"))), ["a"]);
    assert!(found(Exact(s("zo"))).is_empty());
    // Over the limit: the word narrows nothing.
    assert_eq!(list.matching(&Inside(s("o")), 4), None);
    assert_eq!(list.matching(&Inside(s("o")), 5).map(|v| v.len()), Some(5));
    // Read back as written; damage is no list.
    assert_eq!(TermList::decode(list.encode()), Some(list.clone()));
    let mut cut = list.encode();
    cut.pop();
    assert_eq!(TermList::decode(cut), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The words the list gives for a query word are those of the list it accepts.
    #[test]
    fn the_term_list_gives_what_accepts_accepts(
        words in prop::collection::vec("[abé]{1,5}", 0..30),
        query in "[abé]{1,3}",
        kind in 0u8..4,
    ) {
        let w = match kind {
            0 => WordMatch::Exact(query),
            1 => WordMatch::Prefix(query),
            2 => WordMatch::Suffix(query),
            _ => WordMatch::Inside(query),
        };
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let list = term_list(&refs);
        let mut got: Vec<&[u8]> = list.matching(&w, 1000).unwrap();
        got.sort_unstable();
        let mut want: Vec<&[u8]> = refs.iter().map(|t| t.as_bytes()).filter(|t| w.accepts(t)).collect();
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn candidates_from_the_term_list_are_those_of_walking_the_dictionaries() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let long = "x".repeat(MAX_WORD + 1);
    let texts = [
        "# A\n\nZoom und **Tik**Tok im Videozoom.\n".to_string(),
        "# B\n\nDie Straße, ozonhaltig.\n".to_string(),
        "# C\n\nNichts als e-mail.\n".to_string(),
        format!("# D\n\nEin {long} Wort.\n"),
        "# E\n\nΣΊΣΥΦΟΣ und Café.\n".to_string(),
    ];
    let names = ["a.md", "b.md", "c.md", "d.md", "e.md"];
    let articles: Vec<(&str, &str)> = names
        .iter()
        .copied()
        .zip(texts.iter().map(String::as_str))
        .collect();
    let library = library_with(lib.path(), &articles);
    let dir = library_index_dir(cache.path(), &library).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    update(&index, &library);
    assert!(
        dir.join(TERMS_FILE).exists(),
        "the update writes the list of words"
    );
    let queries = [
        "zoom",
        "oo",
        "o",
        "zoom und",
        "und tik",
        "strasse",
        "ozon",
        "e-mail",
        "mail",
        "e-",
        "-mail",
        "sisyphos",
        "σίσυφος",
        "cafe",
        "nichts als",
        "quokka",
        "a",
        "wort",
        "xxx",
    ];
    let with: Vec<_> = queries
        .iter()
        .map(|q| matching(&index, &library, q))
        .collect();
    // The same index without its list: the dictionaries are walked.
    std::fs::remove_file(dir.join(TERMS_FILE)).unwrap();
    drop(index);
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    assert!(index.term_list(index.known().unwrap().0.opstamp).is_none());
    let without: Vec<_> = queries
        .iter()
        .map(|q| matching(&index, &library, q))
        .collect();
    assert_eq!(with, without);
    // The long word of d.md is found through its pieces, and only where they have it.
    assert_eq!(with[0], ["a.md"]);
    assert!(with[15].is_empty());
    assert_eq!(with[18], ["d.md"]);
    // An update with nothing changed writes the list again.
    update(&index, &library);
    assert!(index.term_list(index.known().unwrap().0.opstamp).is_some());
    assert_eq!(
        queries
            .iter()
            .map(|q| matching(&index, &library, q))
            .collect::<Vec<_>>(),
        with
    );
}

#[test]
fn asked_in_library_order_or_not_the_candidates_answer_the_same() {
    let mut known = Known::new(1);
    let paths = ["/l/a.md", "/l/b.md", "/l/c.md", "/l/d.md", "/l/e.md"];
    for (i, p) in paths.iter().enumerate() {
        known.push(
            p,
            Stamp {
                size: i as u64,
                changed: 0,
            },
        );
    }
    let candidates = Candidates {
        known: Arc::new(known.indexed()),
        matching: [true, false, true, false, false]
            .iter()
            .enumerate()
            .map(|(i, m)| m.then(|| tantivy::DocAddress::new(0, i as u32)))
            .collect(),
        store: Aside::default(),
        by_entry: Aside::default(),
    };
    // In order; with an article left out, one the index lacks, one asked twice, and the
    // list walked backwards (each answer as the hash lookup gives it).
    let orders: [&[&str]; 4] = [
        &paths,
        &["/l/a.md", "/l/c.md", "/l/neu.md", "/l/d.md", "/l/e.md"],
        &["/l/b.md", "/l/b.md", "/l/a.md", "/l/c.md", "/l/c.md"],
        &["/l/e.md", "/l/d.md", "/l/c.md", "/l/b.md", "/l/a.md"],
    ];
    for order in orders {
        let mut in_order = candidates.in_order();
        for path in order {
            assert_eq!(
                in_order.may_match(Path::new(path)),
                candidates.may_match(Path::new(path)),
                "{path} in {order:?}"
            );
        }
    }
    assert!(candidates.may_match(Path::new("/l/neu.md")));
    assert!(!candidates.may_match(Path::new("/l/d.md")));
}

#[test]
fn candidates_asked_before_an_article_changed_are_asked_again() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = library_with(
        lib.path(),
        &[("a.md", "# A\n\nZoom.\n"), ("b.md", "# B\n\nNichts da.\n")],
    );
    let cancel = AtomicBool::new(false);
    let prepare = |library: &Library, early| {
        let files = FileStamps::of(library);
        let (cache, read) = (Some(cache.path()), &read);
        prepare_early(
            library,
            Some(&files),
            early,
            None,
            "quokka",
            false,
            cache,
            read,
            &cancel,
            &mut |_| {},
        )
    };
    // Built; nothing has the word.
    assert_eq!(prepare(&library, None).unwrap().matching(), 0);
    let Origin::Dir {
        index: index_md, ..
    } = &library.origin
    else {
        panic!("a library on disk");
    };
    // Asked early: the index says no article has it, and nothing changed since.
    let early = open_early(cache.path(), index_md, None, "quokka", false).unwrap();
    assert_eq!(early.candidates.as_ref().unwrap().matching(), 0);
    assert_eq!(prepare(&library, Some(early)).unwrap().matching(), 0);
    // Asked early, then b.md edited in place (same size, a later time) before the files
    // are looked at: the early answer is of the index before the update, not taken.
    let early = open_early(cache.path(), index_md, None, "quokka", false).unwrap();
    let path = lib.path().join("b.md");
    edit_in_place(&path, "# B\n\nQuokka da.\n");
    let c = prepare(&library, Some(early)).unwrap();
    assert_eq!(c.matching(), 1);
    assert!(c.may_match(&path));
    // No early answer for a regular expression, nor without an index.
    assert!(open_early(cache.path(), index_md, None, "quokka", true).is_none());
    let elsewhere = tempfile::tempdir().unwrap();
    assert!(open_early(elsewhere.path(), index_md, None, "quokka", false).is_none());
}

#[test]
fn a_long_word_is_found_through_its_pieces_wherever_the_query_is_in_it() {
    // One word of 330 characters in three to one bytes each (as a Thai sentence is).
    let word: String = "สวัสดีครับ中文abcßé".repeat(22);
    assert!(word.len() > 2 * MAX_WORD);
    let text = format!("Vorher {word} nachher.");
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    for from in 0..chars.len() {
        for n in [1, 2, 7, 30, 60, 90, 120] {
            let Some(&(start, _)) = chars.get(from) else {
                continue;
            };
            let end = chars.get(from + n).map_or(word.len(), |&(i, _)| i);
            let piece = &word[start..end];
            // Alone (anywhere inside the word), after a word (ending it) and before one
            // (beginning it).
            for query in [
                piece.to_string(),
                format!("vorher {piece}"),
                format!("{piece} nachher"),
            ] {
                let q = Query::new(&query, Options::default()).unwrap();
                if q.is_match(&text) {
                    assert!(candidate(&text, &query), "{query:?}");
                }
            }
        }
    }
    // A short word that is nowhere in the long one, or not at its start: no candidate.
    assert!(!candidate(&text, "quokka"));
    // (Not where one of the overlapping pieces starts: a piece begins a word too.)
    assert!(!candidate(&text, "vorher ดีครับ"));
    // A query word longer than the pieces answer for takes every article with a long word.
    let long_query = &word[..word.len() - 10];
    assert!(candidate(&text, long_query));
    assert!(candidate(&format!("x {word}"), &"q".repeat(MAX_WORD)));
}

#[test]
fn the_pieces_of_a_long_word_overlap_and_cover_it() {
    for word in [
        "x".repeat(MAX_WORD + 1),
        "中".repeat(300),
        "ab中é".repeat(97),
    ] {
        let pieces = long_word_pieces(&word);
        assert_eq!(pieces.first().unwrap().start, 0);
        assert!(pieces.first().unwrap().len() >= MAX_WORD, "{word}");
        assert_eq!(pieces.last().unwrap().end, word.len());
        assert!(pieces.last().unwrap().len() >= MAX_WORD, "{word}");
        for pair in pieces.windows(2).take(pieces.len().saturating_sub(2)) {
            // Each piece starts at most PIECE_STEP on and ends at least MAX_WORD on.
            assert!(pair[1].start > pair[0].start && pair[1].start <= pair[0].start + PIECE_STEP);
            assert!(pair[0].end >= (pair[0].start + MAX_WORD).min(word.len()));
        }
    }
}

/// Every article's hits as `search_library` reports them.
type Found = Vec<(usize, Vec<crate::search::library::LibraryHit>)>;

#[test]
fn hits_from_the_text_the_index_keeps_are_those_of_reading_the_articles() {
    use crate::search::library::{Listing, search_library};
    use std::sync::atomic::AtomicUsize;
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    // Text before any heading (its section is named by the document's title), headings
    // that repeat (named by their paths), a paragraph cut for length with the phrase
    // across a cut, plain text.
    let sentence = "Prince Andrew rode on, and the night train went on. ";
    let long = sentence.repeat(2 * crate::document::LONGEST_BLOCK / sentence.len() + 7);
    let articles = [
        (
            "a.md",
            "Vorspann mit Prince Andrew.\n\n# Buch\n\n## Teil 1\n\n### Kapitel\n\nPrince\nAndrew hier.\n\n## Teil 2\n\n### Kapitel\n\nUnd **Prince** Andrew dort, ein Café.\n".to_string(),
        ),
        ("b.md", format!("# Lang\n\n{long}\n")),
        ("c.md", "# Nichts\n\nKein Prinz.\n".to_string()),
        ("d.txt", "Plain\n\nprince andrew, klein geschrieben; Cafe.\n".to_string()),
    ];
    let articles: Vec<(&str, &str)> = articles.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let library = library_with(lib.path(), &articles);
    let reads = AtomicUsize::new(0);
    let counting = |path: &Path| {
        reads.fetch_add(1, Ordering::Relaxed);
        read(path)
    };
    let cancel = AtomicBool::new(false);
    // The hits through the index, and how many articles the search read.
    let indexed = |library: &Library, query: &str, reading: Option<&str>| -> (Found, usize) {
        let files = FileStamps::of(library);
        let c = prepare_early(
            library,
            Some(&files),
            None,
            reading,
            query,
            false,
            Some(cache.path()),
            &counting,
            &cancel,
            &mut |_| {},
        );
        assert!(c.is_some(), "{query}");
        reads.store(0, Ordering::Relaxed);
        let q = Query::new(query, Options::default()).unwrap();
        let mut found = Vec::new();
        search_library(
            library,
            &q,
            c.as_ref(),
            Listing::ALL,
            &|i, p| {
                reads.fetch_add(1, Ordering::Relaxed);
                read_titled(p, &library.entries[i].title)
            },
            &cancel,
            &mut |i, hits| found.push((i, hits.unwrap().hits)),
        );
        (found, reads.load(Ordering::Relaxed))
    };
    let scanned = |library: &Library, query: &str| -> Found {
        let q = Query::new(query, Options::default()).unwrap();
        let mut found = Vec::new();
        search_library(
            library,
            &q,
            None,
            Listing::ALL,
            &|i, p| read_titled(p, &library.entries[i].title),
            &cancel,
            &mut |i, hits| found.push((i, hits.unwrap().hits)),
        );
        found.retain(|(_, hits)| !hits.is_empty());
        found
    };
    let queries = [
        "Prince Andrew",
        "prince andrew",
        "kapitel",
        "cafe",
        "night train",
    ];
    for query in queries {
        // Kept by a search that reads as this one: nothing is read.
        let (mut found, read) = indexed(&library, query, Some("test"));
        found.retain(|(_, hits)| !hits.is_empty());
        assert_eq!(found, scanned(&library, query), "{query}");
        assert_eq!(read, 0, "{query}");
    }
    // Only the first hits of each article made ready (as the reader lists them), every one
    // counted, from what the index keeps as from reading.
    let (whole, _) = indexed(&library, "Prince Andrew", Some("test"));
    for c in [
        prepare_early(
            &library,
            Some(&FileStamps::of(&library)),
            None,
            Some("test"),
            "Prince Andrew",
            false,
            Some(cache.path()),
            &read,
            &cancel,
            &mut |_| {},
        ),
        None,
    ] {
        let q = Query::new("Prince Andrew", Options::default()).unwrap();
        let mut listed = Vec::new();
        search_library(
            &library,
            &q,
            c.as_ref(),
            Listing {
                per_article: 1,
                in_all: usize::MAX,
            },
            &|i, p| read_titled(p, &library.entries[i].title),
            &cancel,
            &mut |i, found| listed.push((i, found.unwrap())),
        );
        listed.retain(|(_, found)| found.count > 0);
        let whole: Vec<_> = whole.iter().filter(|(_, hits)| !hits.is_empty()).collect();
        assert_eq!(listed.len(), whole.len());
        for ((i, found), (j, hits)) in listed.iter().zip(whole) {
            assert_eq!((i, found.count), (j, hits.len()));
            assert_eq!(found.hits, hits[..hits.len().min(1)]);
        }
    }
    // The index kept the articles as read with another fallback title ("t", by path): a
    // section named by it is named by the entry's title, as reading the article names it.
    let (found, _) = indexed(&library, "Prince Andrew", Some("test"));
    let sections: Vec<&str> = found
        .iter()
        .flat_map(|(_, hits)| hits.iter().map(|h| h.section.as_str()))
        .collect();
    assert_eq!(
        sections
            .into_iter()
            .filter(|s| *s != "Lang")
            .collect::<Vec<_>>(),
        ["a.md", "Buch › Teil 1 › Kapitel", "Buch › Teil 2 › Kapitel"]
    );
    // The library gives the article another title (its file as it was): the section is
    // named by the new one, as reading the article names it, still without reading it.
    let renamed = std::fs::read_to_string(lib.path().join("INDEX.md"))
        .unwrap()
        .replace("[a.md]", "[Neuer Titel]");
    std::fs::write(lib.path().join("INDEX.md"), renamed).unwrap();
    let mut retitled = crate::library::load_library(lib.path()).unwrap();
    retitled.check_all();
    let (found, read) = indexed(&retitled, "Prince Andrew", Some("test"));
    assert_eq!(read, 0);
    assert_eq!(found[0].1[0].section, "Neuer Titel");
    let mut again = scanned(&retitled, "Prince Andrew");
    again.retain(|(i, _)| *i == 0);
    assert_eq!(found[0].1, again[0].1);
    // The long article is cut into blocks, and the phrase is found across a cut.
    let long: Vec<_> = found
        .iter()
        .filter(|(i, _)| *i == 1)
        .flat_map(|(_, h)| h)
        .collect();
    assert!(long.iter().any(|h| h.block > 1), "{}", long.len());
    assert_eq!(long.len(), long_matches(long_text(&articles)));
    // A search that reads another way reads the articles (and finds the same).
    let (mut found, read) = indexed(&library, "Prince Andrew", Some("anders"));
    found.retain(|(_, hits)| !hits.is_empty());
    assert_eq!(found, scanned(&library, "Prince Andrew"));
    assert_eq!(read, 3);
    // Edited in place (same size, a later time): kept anew, never the old text.
    let path = lib.path().join("d.txt");
    edit_in_place(&path, "Plain\n\nprince edward, klein geschrieben; Cafe.\n");
    for query in ["prince andrew", "prince edward", "cafe"] {
        let (mut found, read) = indexed(&library, query, Some("test"));
        found.retain(|(_, hits)| !hits.is_empty());
        assert_eq!(found, scanned(&library, query), "{query}");
        assert_eq!(read, 0, "{query}");
    }
}

fn long_text<'a>(articles: &[(&str, &'a str)]) -> &'a str {
    articles[1].1
}

/// How often "Prince Andrew" is in `text` with white space of any kind between.
fn long_matches(text: &str) -> usize {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] == "Prince" && w[1].starts_with("Andrew"))
        .count()
}

/// The index a reader keeps open between searches answers as one opened anew: after
/// another blatt brought it up to date on disk, after an article changed in place, after
/// the cache was cleared, and for another library.
#[test]
fn an_index_kept_open_between_searches_answers_as_one_opened_anew() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let library = Arc::new(library_with(
        lib.path(),
        &[
            ("a.md", "# A\n\nZoom z.\n"),
            ("b.md", "# B\n\nNichts da.\n"),
        ],
    ));
    let cancel = AtomicBool::new(false);
    let kept = KeptIndex::default();
    let ask = |library: &Arc<Library>, word: &str| -> Vec<bool> {
        let files = Arc::new(FileStamps::of(library));
        let c = prepare_kept(
            &kept,
            library,
            Some(&files),
            None,
            word,
            false,
            Some(cache.path()),
            &read,
            &cancel,
            &mut |_| {},
        )
        .expect("candidates");
        may_match(&c, library)
    };
    assert_eq!(ask(&library, "zoom"), [true, false]);
    assert!(kept.0.lock().unwrap().is_some(), "kept open");
    // Another blatt (its own index opened on the same folder) sees b.md changed and
    // brings the index up to date: the kept one answers from that.
    edit_in_place(&lib.path().join("b.md"), "# B\n\nQuokka da.\n");
    let dir = library_index_dir(cache.path(), &library).unwrap();
    let other = LibraryIndex::open_or_create(&dir).unwrap();
    assert_eq!(update(&other, &library).read, 1);
    drop(other);
    assert_eq!(ask(&library, "quokka"), [false, true]);
    // Changed in place again, seen by the kept index itself.
    edit_in_place(&lib.path().join("a.md"), "# A\n\nQuokka.\n");
    assert_eq!(ask(&library, "quokka"), [true, true]);
    // The cache cleared: built anew.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(ask(&library, "zoom"), [false, false]);
    assert_eq!(ask(&library, "quokka"), [true, true]);
    // Another library: its own index.
    let lib2 = tempfile::tempdir().unwrap();
    let library2 = Arc::new(library_with(lib2.path(), &[("c.md", "# C\n\nZoom.\n")]));
    assert_eq!(ask(&library2, "zoom"), [true]);
    assert_eq!(ask(&library, "zoom"), [false, false]);
}

/// The articles of `library` that the kept index says may match `word`, asked with the
/// library and the stamps of its files as the reader shares them, and whether the index
/// was brought up to date for it.
fn ask_kept(
    kept: &KeptIndex,
    cache: &Path,
    library: &Arc<Library>,
    files: &Arc<FileStamps>,
    word: &str,
) -> (Vec<bool>, bool) {
    let mut updated = false;
    let c = prepare_kept(
        kept,
        library,
        Some(files),
        None,
        word,
        false,
        Some(cache),
        &read,
        &AtomicBool::new(false),
        &mut |event| updated |= matches!(event, Event::Updated(_)),
    )
    .expect("candidates");
    (may_match(&c, library), updated)
}

/// Whether each entry of `library` may match, as `c` says (an entry without a file: no).
fn may_match(c: &Candidates, library: &Library) -> Vec<bool> {
    library
        .entries
        .iter()
        .map(|e| match &e.target {
            Target::File(path) => c.may_match(path),
            _ => false,
        })
        .collect()
}

/// Five articles, three with `zoom`.
const ZOOMS: [(&str, &str); 5] = [
    ("a.md", "# A\n\nZoom.\n"),
    ("b.md", "# B\n\nNichts.\n"),
    ("c.md", "# C\n\nZoom zoom.\n"),
    ("d.md", "# D\n\nAuch nichts.\n"),
    ("e.md", "# E\n\nZoom auch.\n"),
];

#[test]
fn a_kept_index_left_up_to_date_is_brought_up_to_date_again_only_after_a_change() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();
    let mut library = Arc::new(library_with(
        lib.path(),
        &[
            ("a.md", "# A\n\nZoom z.\n"),
            ("b.md", "# B\n\nNichts da.\n"),
        ],
    ));
    let kept = KeptIndex::default();
    let mut files = Arc::new(FileStamps::of(&library));
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zoom"),
        (vec![true, false], true)
    );
    // The index left up to date with this library and these stamps: asked again as it is.
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zoom"),
        (vec![true, false], false)
    );
    // The same library with its files looked at again and found the same: the same stamps.
    assert_eq!(FileStamps::look_again(&mut files, &library, 0..2), 2);
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zoom"),
        (vec![true, false], false)
    );
    // An edit seen by a look: new stamps, and the index brought up to date.
    edit_in_place(&lib.path().join("b.md"), "# B\n\nQuokka da.\n");
    FileStamps::look_again(&mut files, &library, [1]);
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "quokka"),
        (vec![false, true], true)
    );
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "quokka"),
        (vec![false, true], false)
    );
    // Another blatt brings the index up to date with an edit this one has not looked at:
    // the index is not as it was found up to date, and the update finds b.md's stamp is
    // not the index's.
    edit_in_place(&lib.path().join("b.md"), "# B\n\nZebras da.\n");
    let other = LibraryIndex::open_or_create(&library_index_dir(cache, &library).unwrap()).unwrap();
    assert_eq!(update(&other, &library).read, 1);
    drop(other);
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zebras"),
        (vec![false, true], true)
    );
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zebras"),
        (vec![false, true], false)
    );
    // The reader's library changed while only the kept index remembers it: another library
    // to the kept index, wherever it is kept now.
    Arc::make_mut(&mut library).title = Some("Anders".into());
    assert_eq!(
        ask_kept(&kept, cache, &library, &files, "zebras"),
        (vec![false, true], true)
    );
}

#[test]
fn candidates_for_a_library_look_its_entries_up_by_number_as_by_their_paths() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut library = Arc::new(library_with(lib.path(), &ZOOMS[..4]));
    let index =
        LibraryIndex::open_or_create(&library_index_dir(cache.path(), &library).unwrap()).unwrap();
    update(&index, &library);
    // Not in the index: read.
    std::fs::write(lib.path().join("e.md"), "# E\n\nZoom.\n").unwrap();
    let e = crate::library::Entry {
        target: Target::File(lib.path().join("e.md")),
        ..library.entries[0].clone()
    };
    Arc::make_mut(&mut library).entries.push(e);
    let by_path = |c: &Candidates, library: &Library| -> Vec<Look> {
        let mut in_order = c.in_order();
        library
            .entries
            .iter()
            .map(|e| match &e.target {
                Target::File(path) => in_order.look(path),
                _ => Look::Read,
            })
            .collect()
    };
    let by_number = |c: &Candidates, library: &Library| -> Vec<Look> {
        let mut looks = c.looks(library);
        library
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| looks.look(i, &e.target))
            .collect()
    };
    let asked = index.candidates("zoom").unwrap().expect("words");
    let c = asked.clone().for_library(&index, &library);
    let expected = by_path(&asked, &library);
    assert_eq!(
        expected
            .iter()
            .map(|l| matches!(l, Look::Search(_)))
            .collect::<Vec<_>>(),
        [true, false, true, false, false]
    );
    assert_eq!(expected[4], Look::Read);
    assert_eq!(by_number(&c, &library), expected);

    // Another library (its entries in another order): looked up by path.
    let mut reversed = Library::clone(&library);
    reversed.entries.reverse();
    assert_eq!(by_number(&c, &reversed), by_path(&asked, &reversed));

    // The same library changed in place: its entries are worked out again.
    drop(c);
    Arc::make_mut(&mut library).entries.swap(0, 1);
    let c = asked.clone().for_library(&index, &library);
    assert_eq!(by_number(&c, &library), by_path(&asked, &library));
    assert_eq!(
        by_number(&c, &library)[1..3]
            .iter()
            .map(|l| matches!(l, Look::Search(_)))
            .collect::<Vec<_>>(),
        [true, true]
    );
}

#[test]
fn the_store_read_in_place_is_what_tantivy_reads() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let long = "Ein langer Absatz über Straßen und Plätze. ".repeat(600);
    let articles = [
        ("a.md", "# A\n\nZoom.\n".to_string()),
        ("b.md", "# Grüße\n\nÜber die Straße, café.\n".to_string()),
        ("c.md", format!("# Lang\n\n{long}\n")),
        (
            "d.md",
            "# 人権\n\nすべての人間は、生まれながらにして自由である。\n".to_string(),
        ),
    ];
    let articles: Vec<(&str, &str)> = articles.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let library = library_with(lib.path(), &articles);
    let mut index =
        LibraryIndex::open_or_create(&library_index_dir(cache.path(), &library).unwrap()).unwrap();
    index.set_reading(Some("articles as read here"));
    update(&index, &library);
    let searcher = index.reader.searcher();
    let (mut values, mut long_ones) = (0, 0);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let store = segment.get_store_reader(0).unwrap();
        for doc in 0..segment.max_doc() {
            let raw = store.get_document_bytes(doc).unwrap();
            let Stored(fields) = searcher
                .doc(tantivy::DocAddress::new(ord as u32, doc))
                .unwrap();
            assert_eq!(fields.len(), 3, "path, title and what a search needs");
            for (field, text) in &fields {
                assert_eq!(stored_text(&raw, *field), Some(text.as_str()));
                values += 1;
                long_ones += usize::from(text.len() > 16_384);
            }
        }
    }
    assert_eq!(values, 12);
    assert!(long_ones >= 1, "a length of three bytes is read");
    assert_eq!(stored_text(b"", index.fields.cached), None);
}

proptest! {
    #[test]
    fn the_store_read_in_place_takes_any_bytes(doc in proptest::collection::vec(any::<u8>(), 0..64), field in 0u32..4) {
        if let Some(text) = stored_text(&doc, Field::from_field_id(field)) {
            prop_assert!(doc.len() > text.len());
        }
    }
}

#[test]
fn candidates_asked_again_are_the_same_and_follow_the_index() {
    let lib = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let articles = ZOOMS;
    // Two commits: two segments.
    let library = library_with(lib.path(), &articles[..3]);
    let dir = library_index_dir(cache.path(), &library).unwrap();
    let index = LibraryIndex::open_or_create(&dir).unwrap();
    update(&index, &library);
    let library = library_with(lib.path(), &articles);
    update(&index, &library);
    let fresh = || {
        LibraryIndex::open_or_create(&dir)
            .unwrap()
            .candidates("zoom")
            .unwrap()
            .expect("words")
    };
    // The places of the documents as an index opened anew works them out (asked twice).
    let places = |index: &LibraryIndex| {
        let (known, _) = index.known().unwrap();
        index.doc_order(&index.reader.searcher(), &known)
    };
    let fresh_places = || {
        let index = LibraryIndex::open_or_create(&dir).unwrap();
        assert_eq!(places(&index), None, "not worked out when asked once");
        places(&index).expect("worked out when asked again")
    };
    let may = may_match;
    // Asked once, twice (the documents' places worked out), three times (kept).
    for _ in 0..3 {
        let c = index.candidates("zoom").unwrap().expect("words");
        assert_eq!(c, fresh());
        assert_eq!(may(&c, &library), [true, false, true, false, true]);
    }
    assert_eq!(places(&index), Some(fresh_places()));
    // The first article gone from the library, and another changed: every article after
    // the first has another place in the list.
    let library = library_with(
        lib.path(),
        &[
            articles[1],
            ("c.md", "# C\n\nNichts mehr.\n"),
            articles[3],
            articles[4],
        ],
    );
    update(&index, &library);
    for _ in 0..3 {
        let c = index.candidates("zoom").unwrap().expect("words");
        assert_eq!(c, fresh());
        assert_eq!(may(&c, &library), [false, false, false, true]);
    }
    assert_eq!(places(&index), Some(fresh_places()));
}
