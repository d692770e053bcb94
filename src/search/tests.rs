use super::*;

fn found<'t>(query: &str, options: Options, text: &'t str) -> Vec<&'t str> {
    let query = Query::new(query, options).expect("a valid query");
    query.find_all(text).into_iter().map(|r| &text[r]).collect()
}

fn smart(query: &str, text: &str) -> Vec<String> {
    found(query, Options::default(), text)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[test]
fn smart_case() {
    assert_eq!(
        smart("zoom", "Zoom, ZOOM and zoom"),
        ["Zoom", "ZOOM", "zoom"]
    );
    assert_eq!(smart("Zoom", "Zoom, ZOOM and zoom"), ["Zoom"]);
    let always = Options {
        case_sensitive: Some(false),
        ..Options::default()
    };
    assert_eq!(found("Zoom", always, "ZOOM zoom"), ["ZOOM", "zoom"]);
    let never = Options {
        case_sensitive: Some(true),
        ..Options::default()
    };
    assert_eq!(found("zoom", never, "ZOOM zoom"), ["zoom"]);
}

#[test]
fn unicode_case_folding() {
    assert_eq!(smart("über", "ÜBER Über über"), ["ÜBER", "Über", "über"]);
    // Full folding: ß is ss, both ways.
    assert_eq!(
        smart("strasse", "Die Straße, die STRASSE"),
        ["Straße", "STRASSE"]
    );
    assert_eq!(smart("straße", "STRASSE"), ["STRASSE"]);
    // Greek: final sigma, capital sigma and sigma are one letter folded.
    assert_eq!(smart("οδος", "ΟΔΟΣ οδός"), ["ΟΔΟΣ", "οδός"]);
    assert_eq!(smart("σ", "ς Σ σ"), ["ς", "Σ", "σ"]);
    // Turkish dotless ı stays its own letter (Unicode's default folding), İ folds to i
    // with a dot above, which is a diacritic like any other.
    assert_eq!(smart("ı", "ı i I"), ["ı"]);
    assert_eq!(
        smart("istanbul", "İSTANBUL Istanbul"),
        ["İSTANBUL", "Istanbul"]
    );
    // Cyrillic.
    assert_eq!(smart("москва", "МОСКВА Москва"), ["МОСКВА", "Москва"]);
}

#[test]
fn diacritics_are_ignored_unless_the_query_has_them() {
    assert_eq!(smart("cafe", "café, cafe, CAFÉ"), ["café", "cafe", "CAFÉ"]);
    assert_eq!(smart("café", "café, cafe, CAFÉ"), ["café", "CAFÉ"]);
    // Decomposed text (e + combining acute) matches a precomposed query.
    assert_eq!(smart("café", "cafe\u{301}"), ["cafe\u{301}"]);
    let strict = Options {
        ignore_diacritics: false,
        ..Options::default()
    };
    assert_eq!(found("cafe", strict, "café cafe"), ["cafe"]);
}

#[test]
fn white_space_runs_and_invisible_characters() {
    // A phrase broken by a line end or double spaces is found, and the whole run of white
    // space is part of the match.
    assert_eq!(
        smart("night train", "the night\ntrain and night  train"),
        ["night\ntrain", "night  train"]
    );
    // A soft hyphen in the source never breaks a match.
    assert_eq!(
        smart("zusammenarbeit", "Zusammen\u{ad}arbeit"),
        ["Zusammen\u{ad}arbeit"]
    );
}

#[test]
fn ascii_fast_path_and_folding_path_agree() {
    let text = "Zoom zoom ZOOM zOoM";
    // ASCII text: fast path; the same text with one non-ASCII character: folding path.
    let fast = smart("zoom", text);
    let slow = smart("zoom", &format!("{text} ü"));
    assert_eq!(fast, slow);
    assert_eq!(fast.len(), 4);
}

#[test]
fn phrases_are_found_whatever_their_first_word_looks_like_in_the_text() {
    // Found only by folding: the first word's letters folded from other characters, cut
    // by a soft hyphen, or a query whose first word ends at a vertical tab.
    assert_eq!(smart("prinz andrej", "Prìnz Andrej"), ["Prìnz Andrej"]);
    assert_eq!(
        smart("Prinz Andrej", "Pri\u{ad}nz\nAndrej"),
        ["Pri\u{ad}nz\nAndrej"]
    );
    assert_eq!(smart("sfis a", "\u{1e9e}\u{fb01}sfis a"), ["sfis a"]);
    assert_eq!(smart("a\u{b}b c", "a b c"), ["a b c"]);
    // And passed over: no such word, in ASCII text and among quotes.
    assert!(smart("Prinz Andrej", "Prinzessin, \u{201c}Andrej\u{201d}").is_empty());
}

#[test]
fn regular_expressions() {
    let regex = Options {
        regex: true,
        ..Options::default()
    };
    assert_eq!(
        found(r"z[o0]+m\b", regex, "Zoom z00m zoomed"),
        ["Zoom", "z00m"]
    );
    assert_eq!(found(r"Z\w+", regex, "Zoom zoom"), ["Zoom"]);
    // Empty matches are not hits.
    assert_eq!(found(r"x*", regex, "abc"), Vec::<&str>::new());
    match Query::new("(unclosed", regex) {
        Err(QueryError::Regex(message)) => {
            assert!(!message.contains('\n'), "{message}");
            assert!(message.contains("unclosed"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A pattern that would compile huge is refused, not built.
    assert!(matches!(
        Query::new(r"\w{1000}{1000}", regex),
        Err(QueryError::Regex(_))
    ));
}

#[test]
fn empty_queries_are_refused() {
    assert_eq!(
        Query::new("", Options::default()).err(),
        Some(QueryError::Empty)
    );
    assert_eq!(
        Query::new("  \n", Options::default()).err(),
        Some(QueryError::Empty)
    );
    // A query of nothing but a soft hyphen folds to nothing.
    assert_eq!(
        Query::new("\u{ad}", Options::default()).err(),
        Some(QueryError::Empty)
    );
}

#[test]
fn matches_are_character_boundaries_of_the_original() {
    let text = "ﬁne Maße İ ǅ 𝐀 👩‍👩‍👧 ﬀ";
    for q in ["fine", "ss", "i", "dž", "ff", "a", "👩"] {
        let query = Query::new(q, Options::default()).unwrap();
        for r in query.find_all(text) {
            assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{q}: {r:?}"
            );
            assert!(r.start < r.end, "{q}");
        }
    }
    assert_eq!(smart("fine", "ﬁne"), ["ﬁne"]);
}

mod runs {
    use super::super::*;
    use proptest::prelude::*;

    /// Pieces of text that matter to an ASCII query: letters of it in both cases, white
    /// space, characters that fold to ASCII (`é` both ways, `ß`, the Kelvin sign, a soft
    /// hyphen, a no-break space, the Greek question mark that decomposes to `;`), and
    /// characters that never do (quotes, a dash, Cyrillic, a combining mark on its own).
    const PIECES: &[&str] = &[
        "a", "b", "s", "A", "B", "S", ";", " ", "\n", "\u{e9}", "e\u{301}", "\u{301}", "\u{df}",
        "\u{212a}", "k", "\u{ad}", "\u{a0}", "\u{37e}", "\u{201c}", "\u{2014}", "\u{430}",
        "\u{1e9e}", "\u{fb01}", "fi", "e", "'", "\u{2019}", "\"",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
    }

    fn needle() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(&["a", "b", "s", "A", "S", "k", "e", "fi", ";", "'"][..]),
            1..4,
        )
        .prop_map(|p| p.concat())
    }

    /// The pieces of [`PIECES`] that never fold to ASCII (and other white space): text a
    /// query with white space is matched in without folding it ([`FirstWord::find_phrase`]).
    /// With characters that fold to letters (`ó`, `á`, `é`, the Kelvin sign, `ß`, `ﬁ`),
    /// which a query without those letters passes over unfolded.
    const PLAIN: &[&str] = &[
        "a", "b", "s", "A", "B", "S", ";", " ", "\n", "\r\n", "\t", "\u{a0}", "\u{2003}",
        "\u{201c}", "\u{2014}", "\u{430}", "k", "K", "fi", "e", "E", "\u{1}", "\u{f3}", "\u{e1}",
        "\u{e9}", "\u{212a}", "\u{df}", "\u{fb01}", "o\u{301}", "\u{ad}",
    ];

    fn plain_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PLAIN), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// In text with no character that folds to ASCII, a query with white space is
        /// compared with the text as it is, and finds what folding the whole text finds.
        #[test]
        fn a_phrase_in_text_that_never_folds_to_ascii_is_found_unfolded(
            (before, after) in (plain_text(), plain_text()),
            words in prop::collection::vec(needle(), 2..4),
            gap in prop::sample::select(&[" ", "  ", "\n", " \t", "\u{b}"][..]),
            text_gap in prop::sample::select(&[" ", "\n\n", "\u{a0}", "\u{2003} ", "x", ""][..]),
            (in_text, upper, twice) in (any::<bool>(), any::<bool>(), any::<bool>()),
            case_sensitive in prop::option::of(any::<bool>()),
            ignore_diacritics in any::<bool>(),
        ) {
            let needle = words.join(gap);
            let mut text = before;
            if in_text {
                let words = words.join(text_gap);
                let words = if upper { words.to_uppercase() } else { words };
                text.push_str(&words);
                if twice {
                    // Overlapping and touching occurrences.
                    text.push_str(&words);
                    text.push_str(&words[1..]);
                }
            }
            text.push_str(&after);
            let options = Options { case_sensitive, ignore_diacritics, ..Options::default() };
            let query = Query::new(&needle, options).unwrap();
            let Matcher::Literal { fold, finder, ascii: None, first_word: Some(word) } =
                &query.matcher
            else {
                panic!("an ASCII query with white space has its first word");
            };
            let mut scratch = Folded::default();
            if word.folds_into(&text, *fold, query.id, &mut scratch) {
                // A character that may be part of a match folds: the text is folded.
                return Ok(());
            }
            let mut whole = Vec::new();
            find_folded(&text, 0, *fold, finder, &mut Folded::default(), &mut whole);
            let mut unfolded = Vec::new();
            prop_assert!(word.find_phrase(&text, *fold, &mut unfolded));
            prop_assert_eq!(&unfolded, &whole);
            prop_assert_eq!(query.find_all(&text), whole);
        }

        /// Cutting the text into runs finds exactly what folding the whole text finds.
        #[test]
        fn runs_find_what_folding_everything_finds(
            text in text(),
            needle in needle(),
            case_sensitive in prop::option::of(any::<bool>()),
            ignore_diacritics in any::<bool>(),
        ) {
            let options = Options { case_sensitive, ignore_diacritics, ..Options::default() };
            let query = Query::new(&needle, options).unwrap();
            let Matcher::Literal { fold, finder, ascii: Some(ascii), .. } = &query.matcher else {
                panic!("an ASCII query without white space has the ASCII finder");
            };
            let mut whole = Vec::new();
            find_folded(&text, 0, *fold, finder, &mut Folded::default(), &mut whole);
            let mut cut = Vec::new();
            let mut scratch = Folded::default();
            find_in_words(&text, *fold, ascii, finder, query.id, &mut scratch, &mut cut);
            prop_assert_eq!(&cut, &whole);
            // Again with the words remembered: the same.
            let mut again = Vec::new();
            find_in_words(&text, *fold, ascii, finder, query.id, &mut scratch, &mut again);
            prop_assert_eq!(again, whole);
        }

        /// Text folded only around the characters that may fold into a match finds
        /// exactly what folding the whole text finds: long texts of many runs, the query's
        /// words among them with those characters in, next to and between them.
        #[test]
        fn folding_around_the_characters_that_may_fold_finds_what_folding_everything_finds(
            pieces in prop::collection::vec(
                prop_oneof![
                    3 => prop::sample::select(PIECES).prop_map(str::to_string),
                    1 => prop::collection::vec(needle(), 1..3).prop_map(|w| w.join(" ")),
                ],
                0..60,
            ),
            words in prop::collection::vec(needle(), 2..5),
            gap in prop::sample::select(&[" ", "\n", " \t"][..]),
            case_sensitive in prop::option::of(any::<bool>()),
            ignore_diacritics in any::<bool>(),
        ) {
            let text = pieces.concat();
            let needle = words.join(gap);
            let options = Options { case_sensitive, ignore_diacritics, ..Options::default() };
            let query = Query::new(&needle, options).unwrap();
            let Matcher::Literal { fold, finder, ascii: None, first_word: Some(word) } =
                &query.matcher
            else {
                panic!("an ASCII query with white space has its first word");
            };
            let mut whole = Vec::new();
            find_folded(&text, 0, *fold, finder, &mut Folded::default(), &mut whole);
            // After the matches of an earlier text, which stay as they are.
            let earlier: Range<usize> = 7..9;
            let mut around = vec![earlier.clone()];
            let mut scratch = Folded::default();
            if word.find_around(&text, *fold, finder, query.id, &mut scratch, &mut around) {
                prop_assert_eq!(around[0].clone(), earlier);
                prop_assert_eq!(&around[1..], &whole[..]);
            } else {
                prop_assert!(word.reach.is_none());
            }
            prop_assert_eq!(query.find_all(&text), whole);
        }

        /// A query with white space finds, with its first word looked for first, exactly
        /// what folding the whole text finds.
        #[test]
        fn the_first_word_passes_over_only_texts_without_a_match(
            (before, after) in (text(), text()),
            words in prop::collection::vec(needle(), 2..4),
            gap in prop::sample::select(&[" ", "  ", "\n", " \t", "\u{b}"][..]),
            text_gap in prop::sample::select(&[" ", "\n\n", "\u{a0}", "\u{2003}", "x", ""][..]),
            around in prop::sample::select(&["", " "][..]),
            (in_text, upper) in (any::<bool>(), any::<bool>()),
            case_sensitive in prop::option::of(any::<bool>()),
            ignore_diacritics in any::<bool>(),
        ) {
            let needle = format!("{around}{}{around}", words.join(gap));
            // Often the words are in the text too, joined by other white space (or not),
            // in the same case or in upper case.
            let mut text = before;
            if in_text {
                let words = words.join(text_gap);
                text.push_str(&if upper { words.to_uppercase() } else { words });
            }
            text.push_str(&after);
            let options = Options { case_sensitive, ignore_diacritics, ..Options::default() };
            let query = Query::new(&needle, options).unwrap();
            let Matcher::Literal { fold, finder, ascii: None, first_word: Some(_) } = &query.matcher
            else {
                panic!("an ASCII query with white space has its first word");
            };
            let mut whole = Vec::new();
            find_folded(&text, 0, *fold, finder, &mut Folded::default(), &mut whole);
            let mut scratch = Folded::default();
            prop_assert_eq!(&query.find_all(&text), &whole);
            let mut again = Vec::new();
            query.find_into(&text, &mut scratch, &mut again);
            query.find_into(&text, &mut scratch, &mut Vec::new());
            let mut twice = Vec::new();
            query.find_into(&text, &mut scratch, &mut twice);
            prop_assert_eq!(&again, &whole);
            prop_assert_eq!(twice, whole);
        }
    }
}

#[test]
fn the_first_byte_that_is_not_ascii() {
    for len in 0..40 {
        let mut bytes = vec![b'a'; len];
        assert_eq!(first_non_ascii(&bytes), None);
        for at in 0..len {
            bytes[at] = 0xc3;
            assert_eq!(first_non_ascii(&bytes), Some(at), "{len} {at}");
            bytes[at] = b'a';
        }
    }
}

#[test]
fn words_remembered_for_one_query_are_not_used_for_another() {
    let text = "Bolkónski sah Bolkónski, dann Kutúzov und Bolko\u{301}nski.";
    let mut scratch = Folded::default();
    let options = Options::default();
    let mut find = |q: &str| {
        let mut out = Vec::new();
        Query::new(q, options)
            .unwrap()
            .find_into(text, &mut scratch, &mut out);
        out.into_iter().map(|r| &text[r]).collect::<Vec<_>>()
    };
    assert_eq!(find("bolkon"), ["Bolkón", "Bolkón", "Bolko\u{301}n"]);
    assert_eq!(find("kutuz"), ["Kutúz"]);
    assert_eq!(find("onski"), ["ónski", "ónski", "o\u{301}nski"]);
    assert_eq!(find("bolkon"), ["Bolkón", "Bolkón", "Bolko\u{301}n"]);
    // The same words, diacritics counting this time.
    let strict = Options {
        ignore_diacritics: false,
        ..options
    };
    let mut out = Vec::new();
    Query::new("bolkon", strict)
        .unwrap()
        .find_into(text, &mut scratch, &mut out);
    assert!(out.is_empty(), "{out:?}");
}

/// Folding takes runs of ASCII at a time: the same text and origins as a character at a
/// time (the loop before, kept here as the oracle).
mod fold_runs {
    use super::super::*;
    use proptest::prelude::*;

    fn fold_char_by_char(text: &str, fold: Fold, out: &mut String, from: &mut Vec<(u32, u32)>) {
        let case = CaseMapper::new();
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut space: Option<usize> = None;
        let mut decomposed = String::new();
        out.reserve(text.len());
        from.reserve(text.len());
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            // Most characters: ASCII and not white space, one byte folded to one.
            if c.is_ascii_graphic() {
                space = None;
                out.push(if fold.case { c.to_ascii_lowercase() } else { c });
                from.push((offset(at), offset(end)));
                continue;
            }
            if c.is_whitespace() {
                match space {
                    // A run of white space is one space, made from all of it.
                    Some(i) => from[i].1 = offset(end),
                    None => {
                        space = Some(from.len());
                        out.push(' ');
                        from.push((offset(at), offset(end)));
                    }
                }
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            space = None;
            let before = out.len();
            if c.is_ascii() {
                out.push(if fold.case { c.to_ascii_lowercase() } else { c });
            } else if fold.quotes
                && let Some(quote) = straight_quote(c)
            {
                out.push(quote);
            } else {
                decomposed.clear();
                decompose_canonical(c, |d| {
                    if !(fold.marks && is_combining_mark(d)) {
                        decomposed.push(d);
                    }
                });
                if fold.case {
                    let folded = case.fold_string(&decomposed);
                    // Folding can bring marks back (İ folds to i and a dot above) and
                    // make characters that decompose further.
                    for f in folded.chars() {
                        decompose_canonical(f, |d| {
                            if !(fold.marks && is_combining_mark(d)) {
                                out.push(d);
                            }
                        });
                    }
                } else {
                    out.push_str(&decomposed);
                }
            }
            for _ in before..out.len() {
                from.push((offset(at), offset(end)));
            }
        }
    }

    const PIECES: &[&str] = &[
        "a",
        "Zoom",
        "Hello, World!",
        " ",
        "  ",
        "\n",
        "\t",
        "\u{b}",
        "\u{1}",
        "\u{7f}",
        "\u{e9}",
        "e\u{301}",
        "\u{df}",
        "\u{130}",
        "\u{212a}",
        "\u{ad}",
        "\u{a0}",
        "\u{3a3}",
        "\u{201c}",
        "\u{430}",
        "\u{fb01}",
        "\u{4e2d}",
        "~",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn folding_a_run_at_a_time_is_folding_a_character_at_a_time(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..30),
            case in any::<bool>(),
            marks in any::<bool>(),
            quotes in any::<bool>(),
        ) {
            let text = pieces.concat();
            let fold = Fold { case, marks, quotes };
            let (mut fast, mut fast_from) = (String::from("x"), vec![(9, 9)]);
            let (mut slow, mut slow_from) = (String::from("x"), vec![(9, 9)]);
            fold_into(&text, fold, &mut fast, &mut fast_from);
            fold_char_by_char(&text, fold, &mut slow, &mut slow_from);
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(fast_from, slow_from);
        }
    }
}

/// A typewriter quote in the query finds the typographic ones (`don't` found none of the
/// 528 `don’t` of War and Peace); a typographic one finds only itself, as an accent does.
#[test]
fn a_typewriter_quote_finds_the_typographic_ones() {
    let found = |query: &str, text: &str| -> Vec<String> {
        Query::new(query, Options::default())
            .unwrap()
            .find_all(text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    };
    let text = "I don’t know. I don't. Don‘t! donʼt “Well,” said “he”.";
    assert_eq!(found("don't", text), ["don’t", "don't", "Don‘t", "donʼt"]);
    assert_eq!(found("don’t", text), ["don’t"]);
    assert_eq!(found("\"Well", text), ["“Well"]);
    assert_eq!(found("\"he\"", text), ["“he”"]);
    // In a phrase, and in text with accents that fold.
    let text = "Prince Andrew’s wife, and Prince Andrew's, Natásha’s";
    assert_eq!(found("Andrew's wife", text), ["Andrew’s wife"]);
    assert_eq!(found("natasha's", text), ["Natásha’s"]);
    // Without a quote in the query, quotes stay as they are.
    assert_eq!(found("don", "don’t"), ["don"]);
}

/// Diacritics are ignored, the vowel signs of Hindi and Thai and Japanese voicing marks
/// are letters: `/अधिकार` finds it in `अधिकारों` too (it found 32 of 55 in the Hindi
/// UDHR), `मन` does not find `मान`, nor `สทธ` `สิทธ`, nor `か` `が`; Arabic vowel marks and
/// Hebrew points are ignored as accents are.
#[test]
fn vowel_signs_are_letters_and_diacritics_are_ignored() {
    let count = |query: &str, text: &str| {
        Query::new(query, Options::default())
            .unwrap()
            .find_all(text)
            .len()
    };
    assert_eq!(count("अधिकार", "अधिकार अधिकारों अधिकारी"), 3);
    assert_eq!(count("मन", "मान मन"), 1);
    assert_eq!(count("สทธ", "สิทธิ"), 0);
    assert_eq!(count("สิทธ", "สิทธิ สิทธ"), 2);
    assert_eq!(count("か", "が か"), 1);
    assert_eq!(count("か", "か\u{3099} か"), 1);
    assert_eq!(count("محمد", "مُحَمَّد"), 1);
    assert_eq!(count("שלום", "שָׁלוֹם"), 1);
    assert_eq!(count("cafe", "Café cafe\u{301}"), 2);
    // Diacritics counting (the query has one): the bare letter is not the accented one.
    assert_eq!(count("café", "cafe cafe\u{301} café"), 2);
    assert_eq!(count("cafe", "cafe"), 1);
}
