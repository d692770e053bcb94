//! One insta snapshot per screen (library, reader, contents, help, bookmarks, too small) at
//! 80x24, 40x12 and 120x40, drawn with ratatui's TestBackend from the bundled library and
//! the fixture library in tests/fixtures.

use std::path::Path;

use blatt::app::{Action, Command, Effect, Keymap, Settings, State, update};
use blatt::library::{Entry, Library, Target, bundled_library, load_library};
use blatt::runtime::{check_entries, load};
use blatt::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 3] = [(80, 24), (40, 12), (120, 40)];

fn fixtures() -> Library {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    load_library(&path).expect("fixture library")
}

fn state(library: Library, size: (u16, u16)) -> State {
    let mut state = State::new(library, Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(size.0, size.1));
    state
}

fn open(state: &mut State, entry: usize) {
    state.selected = entry;
    let effects = update(state, Action::Command(Command::Open));
    assert_eq!(effects, [Effect::Load { entry }]);
    let result = load(state, entry, 1 << 30);
    update(state, Action::Loaded { entry, result });
    assert!(state.reader.is_some(), "article {entry} opened");
}

fn screen(state: &State, size: (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::new(&blatt::config::Config::default().theme, false).0;
    terminal
        .draw(|frame| ui::draw(frame, state, &theme))
        .expect("draw");
    format!("{}", terminal.backend())
}

fn buffer(state: &State, size: (u16, u16)) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::new(&blatt::config::Config::default().theme, true).0;
    terminal
        .draw(|frame| ui::draw(frame, state, &theme))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Applies an action and carries out the link checks it asks for, as the run loop does
/// before drawing.
fn settle(state: &mut State, action: Action) {
    let mut queue = std::collections::VecDeque::from(update(state, action));
    while let Some(effect) = queue.pop_front() {
        if let Effect::Check { entries } = effect {
            let checked = check_entries(state, &entries);
            queue.extend(update(state, checked));
        }
    }
}

fn unchecked(entries: &[Entry]) -> Vec<Entry> {
    let mut entries = entries.to_vec();
    for e in &mut entries {
        e.target = Target::Unchecked;
    }
    entries
}

fn name(screen: &str, size: (u16, u16)) -> String {
    format!("{screen}_{}x{}", size.0, size.1)
}

#[test]
fn library_screens() {
    for size in SIZES {
        insta::assert_snapshot!(
            name("library_bundled", size),
            screen(&state(bundled_library(), size), size)
        );
        insta::assert_snapshot!(
            name("library_fixtures", size),
            screen(&state(fixtures(), size), size)
        );
    }
}

/// A library whose INDEX.md arrives in parts and whose links are checked only when on
/// screen draws, colours and marks included, exactly as the same library loaded at once.
#[test]
fn library_read_in_parts_draws_as_loaded_at_once() {
    for size in SIZES {
        let eager = state(fixtures(), size);
        let mut first = fixtures();
        let rest = first.entries.split_off(1);
        first.entries = unchecked(&first.entries);
        let mut lazy = State::new(first, Settings::default(), Keymap::default());
        lazy.reading_index = true;
        settle(&mut lazy, Action::Resize(size.0, size.1));
        insta::assert_snapshot!(name("library_reading_index", size), screen(&lazy, size));
        settle(
            &mut lazy,
            Action::MoreEntries {
                title: None,
                entries: unchecked(&rest),
                done: true,
                error: None,
            },
        );
        assert_eq!(buffer(&lazy, size), buffer(&eager, size), "at {size:?}");
    }
}

#[test]
fn reader_screens() {
    for size in SIZES {
        let mut s = state(bundled_library(), size);
        open(&mut s, 0);
        insta::assert_snapshot!(name("reader_seed_top", size), screen(&s, size));
        for _ in 0..3 {
            update(&mut s, Action::Command(Command::NextSection));
        }
        update(&mut s, Action::Command(Command::Bookmark));
        insta::assert_snapshot!(name("reader_seed_third_section", size), screen(&s, size));

        let mut s = state(fixtures(), size);
        open(&mut s, 0);
        insta::assert_snapshot!(name("reader_styles", size), screen(&s, size));
    }
}

#[test]
fn overlay_screens() {
    for size in SIZES {
        let mut s = state(bundled_library(), size);
        open(&mut s, 0);
        // A fixed clock, so the bookmark's date does not change with the day it runs.
        update(&mut s, Action::Tick(1_594_684_800_000));
        update(&mut s, Action::Command(Command::NextSection));
        update(&mut s, Action::Command(Command::Bookmark));
        update(&mut s, Action::Command(Command::Contents));
        insta::assert_snapshot!(name("contents", size), screen(&s, size));
        update(&mut s, Action::Command(Command::Back));
        update(&mut s, Action::Command(Command::Help));
        insta::assert_snapshot!(name("help", size), screen(&s, size));
        update(&mut s, Action::Command(Command::Back));
        update(&mut s, Action::Command(Command::Bookmarks));
        insta::assert_snapshot!(name("bookmarks", size), screen(&s, size));
    }
    // An entry with a problem shows its reason instead of failing (a problem on disk, a
    // file missing, once its link is checked again: the file may be there by now).
    let size = (80, 24);
    let mut s = state(fixtures(), size);
    s.selected = 1;
    let effects = update(&mut s, Action::Command(Command::Open));
    assert_eq!(effects, [Effect::Check { entries: vec![1] }]);
    let checked = check_entries(&s, &[1]);
    let effects = update(&mut s, checked);
    assert!(effects.is_empty(), "{effects:?}");
    insta::assert_snapshot!("problem_entry_80x24", screen(&s, size));
}

#[test]
fn too_small_screens() {
    for size in [(19, 10), (60, 4), (10, 2), (1, 1)] {
        let mut s = state(bundled_library(), size);
        open(&mut s, 0);
        insta::assert_snapshot!(name("too_small", size), screen(&s, size));
    }
    // 0x0 draws without a panic, and the reader opened at that size comes back whole when
    // the terminal grows again.
    let mut s = state(bundled_library(), (0, 0));
    open(&mut s, 0);
    let mut terminal = Terminal::new(TestBackend::new(0, 0)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|frame| ui::draw(frame, &s, &theme))
        .expect("draw");
    update(&mut s, Action::Resize(80, 24));
    let grown = screen(&s, (80, 24));
    assert_eq!(
        grown,
        screen(&opened(bundled_library(), (80, 24)), (80, 24))
    );
    assert!(grown.contains("1/"), "{grown}");
}

/// A state with entry 0 opened at `size`.
fn opened(library: blatt::library::Library, size: (u16, u16)) -> State {
    let mut s = state(library, size);
    open(&mut s, 0);
    s
}

#[test]
fn no_color_still_marks_roles() {
    // With colour off, headings are bold+underlined and code reversed in the buffer.
    let size = (80, 24);
    let mut s = state(fixtures(), size);
    open(&mut s, 0);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::new(&blatt::config::Config::default().theme, false).0;
    terminal
        .draw(|frame| ui::draw(frame, &s, &theme))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut modifiers = std::collections::HashSet::new();
    for cell in buffer.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colour with NO_COLOR"
        );
        modifiers.insert(cell.modifier.bits());
    }
    use ratatui::style::Modifier;
    for wanted in [
        Modifier::BOLD | Modifier::UNDERLINED,
        Modifier::REVERSED,
        Modifier::ITALIC,
    ] {
        assert!(
            modifiers.iter().any(|m| m & wanted.bits() == wanted.bits()),
            "{wanted:?} in use"
        );
    }
}

#[test]
fn a_long_note_scrolls_sideways_and_keeps_the_cursor_in_view() {
    let size = (60, 20);
    let mut s = state(bundled_library(), size);
    open(&mut s, 0);
    update(&mut s, Action::Command(Command::Note));
    let note = "Ein sehr langer Gedanke über die Kommission, Zoom und den Datenschutz, der weit über die Breite des Kastens hinausgeht: Ende";
    for c in note.chars() {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        update(&mut s, Action::Key(key));
    }
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|frame| ui::draw(frame, &s, &theme))
        .expect("draw");
    let shown = screen(&s, size);
    assert!(shown.contains("hinausgeht: Ende"), "{shown}");
    assert!(!shown.contains("Ein sehr langer"), "{shown}");
    // The cursor stands right after what was typed, inside the screen.
    let cursor = terminal.get_cursor_position().expect("cursor");
    let row: String = shown
        .lines()
        .nth(usize::from(cursor.y))
        .unwrap_or_default()
        .into();
    assert!(row.contains("Ende"), "cursor row {}: {row}", cursor.y);
    assert!(cursor.x < size.0);
}

#[test]
fn a_long_message_wraps_instead_of_being_cut() {
    let size = (40, 12);
    let mut s = state(bundled_library(), size);
    s.show_message(
        "Please note",
        vec!["not saved: cannot create /some/very/long/path/that/goes/on/and/on".into()],
    );
    let shown = screen(&s, size);
    assert!(
        shown.contains("and/on"),
        "the end of the message is cut:\n{shown}"
    );
}

#[test]
fn a_box_over_chinese_text_keeps_its_border_whole() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    let size = (41, 12);
    let mut s = state(bundled_library(), size);
    // A line of wide characters whose halves fall on the box's left edge.
    let mut doc_text = String::from("标题\n\n");
    for _ in 0..20 {
        doc_text.push_str(
            "人人生而自由在尊严和权利上一律平等他们赋有理性和良心并应以兄弟关系的精神相对待\n\n",
        );
    }
    let doc = blatt::document::parse(&doc_text, blatt::document::Format::Plain, "t", Some("zh"));
    update(
        &mut s,
        Action::Loaded {
            entry: 0,
            result: Ok(std::sync::Arc::new(doc)),
        },
    );
    update(&mut s, Action::Command(Command::Contents));
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|frame| ui::draw(frame, &s, &theme))
        .expect("draw");
    let buffer: &Buffer = terminal.backend().buffer();
    let rect = blatt::app::overlay_box(&s, s.overlay.as_ref().expect("contents"));
    let area: Rect = buffer.area;
    for y in rect.top()..rect.bottom() {
        if rect.x == 0 {
            break;
        }
        let before = buffer[(rect.x - 1, y)].symbol();
        assert!(
            blatt::layout::text_width(before) <= 1,
            "row {y}: a wide character {before:?} runs into the border at x {} of {}",
            rect.x,
            area.width
        );
    }
}

/// The modifiers of the cells where `word` is drawn on screen (the first occurrence).
fn modifiers_of(buffer: &ratatui::buffer::Buffer, word: &str) -> ratatui::style::Modifier {
    let width = usize::from(buffer.area.width);
    let rows: Vec<String> = buffer
        .content()
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect();
    let (y, x) = rows
        .iter()
        .enumerate()
        .find_map(|(y, row)| row.find(word).map(|x| (y, row[..x].chars().count())))
        .unwrap_or_else(|| panic!("{word} on screen:\n{}", rows.join("\n")));
    let cells = &buffer.content()[y * width + x..y * width + x + word.chars().count()];
    cells
        .iter()
        .map(|c| c.modifier)
        .reduce(|a, b| a & b)
        .unwrap_or_default()
}

#[test]
fn nested_styles_combine_on_screen_with_and_without_colour() {
    use ratatui::style::Modifier;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("INDEX.md"),
        "# Nested\n\n- [Styles](styles.md) — x\n",
    )
    .expect("index");
    std::fs::write(
        dir.path().join("styles.md"),
        "# Styles\n\nOne ***both*** two **bold *nested* inside** three *`codeinem`* \
         four **~~gone~~** five [**boldlink**](https://example.org) six.\n",
    )
    .expect("article");
    let size = (100, 20);
    let mut s = state(load_library(dir.path()).expect("library"), size);
    open(&mut s, 0);
    for colour in [false, true] {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
        let theme = Theme::new(&blatt::config::Config::default().theme, colour).0;
        terminal
            .draw(|frame| ui::draw(frame, &s, &theme))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        for (word, wanted) in [
            ("both", Modifier::BOLD | Modifier::ITALIC),
            ("bold", Modifier::BOLD),
            ("nested", Modifier::BOLD | Modifier::ITALIC),
            ("inside", Modifier::BOLD),
            ("codeinem", Modifier::ITALIC),
            ("gone", Modifier::BOLD | Modifier::CROSSED_OUT),
            ("boldlink", Modifier::BOLD | Modifier::UNDERLINED),
        ] {
            let has = modifiers_of(buffer, word);
            assert!(
                has.contains(wanted),
                "{word}: {has:?} lacks {wanted:?} (colour {colour})"
            );
        }
        // Code inside emphasis keeps the code look: reversed without colour, the code
        // colour with it.
        if !colour {
            assert!(modifiers_of(buffer, "codeinem").contains(Modifier::REVERSED));
        }
    }
}

/// A screen as text, then its styles: one line per run of cells of the same style, as
/// `row x..x: fg bg modifiers` (runs in the default style left out), so a snapshot shows
/// what is drawn how, in colour or not.
fn styled_screen(state: &State, size: (u16, u16), colour: bool) -> String {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let theme = Theme::new(&blatt::config::Config::default().theme, colour).0;
    terminal
        .draw(|frame| ui::draw(frame, state, &theme))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let width = usize::from(size.0);
    let mut out = format!("{}\n", terminal.backend());
    for (y, row) in buffer.content().chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            let style = (row[x].fg, row[x].bg, row[x].modifier);
            let end = x + row[x..]
                .iter()
                .take_while(|c| (c.fg, c.bg, c.modifier) == style)
                .count();
            if style != Default::default() {
                let text: String = row[x..end].iter().map(|c| c.symbol()).collect();
                out.push_str(&format!(
                    "{y:>2} {x:>3}..{end:<3} {:?} {:?} {:?} {:?}\n",
                    style.0,
                    style.1,
                    style.2,
                    text.trim_end()
                ));
            }
            x = end;
        }
    }
    out
}

/// A realistic article clipped from the web: front matter, an HTML paragraph and figure, a
/// table with aligned columns, nested lists with code, an alert, details, a script.
#[test]
fn clipped_web_article_screens() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clipped");
    for size in [(80, 24), (40, 12)] {
        let mut s = state(load_library(&path).expect("clipped library"), size);
        open(&mut s, 0);
        let mut pages = Vec::new();
        // Every page of the article, so the whole of it is in the snapshot.
        for _ in 0..12 {
            pages.push(screen(&s, size));
            update(&mut s, Action::Command(Command::PageDown));
        }
        pages.dedup();
        insta::assert_snapshot!(name("clipped_pages", size), pages.join("\n"));
        let mut s = state(load_library(&path).expect("clipped library"), size);
        open(&mut s, 0);
        for colour in [true, false] {
            let which = if colour { "colour" } else { "no_color" };
            insta::assert_snapshot!(
                name(&format!("clipped_top_{which}"), size),
                styled_screen(&s, size, colour)
            );
        }
    }
}

/// An article without an H1 but with front matter: the header line names it with its author
/// and date, the status line names the article (not its first section) in the opening part,
/// and the contents list that section once.
#[test]
fn front_matter_and_opening_part_in_the_reader() {
    let size = (80, 24);
    let mut s = state(bundled_library(), size);
    let text = "---\ntitle: From the Front\nauthor: Ana Autor\ndate: 2024-03-05\n---\n\n\
                Opening words of the article.\n\n## First Section\n\nSection text.\n";
    let doc = blatt::document::parse(text, blatt::document::Format::Markdown, "file", None);
    update(
        &mut s,
        Action::Loaded {
            entry: 0,
            result: Ok(std::sync::Arc::new(doc)),
        },
    );
    let shown = screen(&s, size);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines[0].contains("From the Front · Ana Autor · 2024-03-05"),
        "{shown}"
    );
    assert!(!shown.contains("title:"), "{shown}");
    let status = lines.last().copied().unwrap_or_default();
    assert!(
        status.contains("From the Front") && !status.contains("First Section"),
        "{shown}"
    );
    update(&mut s, Action::Command(Command::Contents));
    let contents = screen(&s, size);
    assert!(contents.contains("From the Front (opening)"), "{contents}");
    let listed = contents
        .lines()
        .filter(|l| l.contains('│') && l.contains("First Section"))
        .count();
    assert_eq!(listed, 1, "{contents}");
}

/// Lists, code and tables as the layout draws them (issue 12): blocks in items under the
/// item's text at three depths, tight and loose lists, code with its gutter and continuation
/// marks, a table aligned, wrapped in its columns, and shown as records when too narrow.
#[test]
fn lists_code_and_tables_laid_out() {
    use blatt::document::{Format, parse};
    use blatt::layout::{WrapOptions, render_plain};
    let md = "\
# Layout

1. First step, a paragraph long enough to wrap at narrow widths.

   A second paragraph of the first step.

   1. A nested step
      - a third-level note

        ```python
        result = compute(first_argument, second_argument, third_argument)
        ```
2. Second step

- tight
- list

* another
* list

| Tool | Purpose | Cost |
|:-----|:-------:|-----:|
| grep | finds lines that match a pattern in files | 0 € |
| awk | processes columns | 0 € |
";
    let doc = parse(md, Format::Markdown, "t", Some("en"));
    for width in [72, 38, 20] {
        let lines = render_plain(&doc, WrapOptions::new(width)).join("\n");
        insta::assert_snapshot!(format!("layout_lists_code_tables_{width}"), lines);
    }
}

fn key(c: char) -> Action {
    Action::Key(crossterm::event::KeyEvent::new_with_kind(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
        crossterm::event::KeyEventKind::Press,
    ))
}

fn enter() -> Action {
    Action::Key(crossterm::event::KeyEvent::new_with_kind(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
        crossterm::event::KeyEventKind::Press,
    ))
}

/// The search prompt while typing, and the matches after Enter: the current match is drawn
/// apart from the others, with colour and without.
#[test]
fn search_screens() {
    for size in [(80, 24), (40, 12)] {
        let mut s = state(bundled_library(), size);
        open(&mut s, 0);
        update(&mut s, key('/'));
        for c in "Zoom".chars() {
            update(&mut s, key(c));
        }
        insta::assert_snapshot!(name("search_prompt", size), screen(&s, size));
        update(&mut s, enter());
        update(&mut s, key('n'));
        insta::assert_snapshot!(name("search_matches", size), screen(&s, size));
        // The styles: every cell of a match is marked, the current one differently.
        let theme_names = blatt::config::Config::default().theme;
        for color in [false, true] {
            let theme = Theme::new(&theme_names, color).0;
            let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
            terminal
                .draw(|frame| ui::draw(frame, &s, &theme))
                .expect("draw");
            let buf = terminal.backend().buffer().clone();
            let current = theme.role(blatt::document::Role::CurrentMatch);
            let other = theme.role(blatt::document::Role::Match);
            assert_ne!(current, other);
            let mut styles = Vec::new();
            for y in 0..size.1 {
                let row: String = (0..size.0)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect();
                let mut from = 0;
                while let Some(at) = row[from..].find("Zoom") {
                    let x = row[..from + at].chars().count() as u16;
                    let cell = &buf[(x, y)];
                    styles.push((cell.modifier, cell.bg));
                    from += at + 4;
                }
            }
            let has = |style: ratatui::style::Style| {
                styles.iter().any(|(m, bg)| {
                    m.contains(style.add_modifier) && (style.bg.is_none() || Some(*bg) == style.bg)
                })
            };
            assert!(
                has(current),
                "the current match at {size:?} colour {color}: {styles:?}"
            );
        }
    }
}
/// A small library of news entries in groups, for the filter.
fn news_library() -> Library {
    let entries: [(&str, &str, &[&str]); 7] = [
        (
            "Wahlen in Berlin",
            "tagesschau, de — Ergebnisse der Wahl",
            &["Politik", "Inland"],
        ),
        (
            "Wetter am Wochenende",
            "dwd, de — Regen über Berlin und Brandenburg",
            &["Panorama"],
        ),
        (
            "Börse schließt höher",
            "boerse.de, de — Kurse steigen",
            &["Wirtschaft"],
        ),
        (
            "Berlinale eröffnet mit einem Film über die Mauer",
            "rbb, de — Filme aus aller Welt",
            &["Kultur"],
        ),
        ("Bahnstreik", "", &["Wirtschaft"]),
        ("Theater", "Premiere in Hamburg", &[]),
        (
            "Zoom und die Kommission",
            "EURACTIV, de — Datenschutz",
            &["Europa und Digitales"],
        ),
    ];
    Library {
        origin: blatt::library::Origin::Bundled,
        title: Some("Nachrichten".into()),
        entries: entries
            .iter()
            .enumerate()
            .map(|(i, (title, description, group))| Entry {
                title: (*title).into(),
                description: (*description).into(),
                group: group.iter().map(|g| g.to_string()).collect(),
                language: Some("de".into()),
                link: format!("{i}.txt"),
                line: i + 3,
                target: Target::Bundled("000_886ae8deff7ee228.txt"),
            })
            .collect(),
    }
}

fn type_keys(state: &mut State, text: &str) {
    for c in text.chars() {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        update(state, Action::Key(key));
    }
}

/// `/berlin` in the library: the matches ranked, without headings, the group in front of
/// the description, the matched characters marked (shown as styled runs below the screen),
/// the prompt at the bottom with the count; and a query nothing matches.
#[test]
fn filtered_library_screens() {
    for size in [(80, 24), (40, 12)] {
        let mut s = state(news_library(), size);
        type_keys(&mut s, "/berlin");
        insta::assert_snapshot!(
            name("library_filtered", size),
            styled_screen(&s, size, true)
        );
        type_keys(&mut s, "xq");
        insta::assert_snapshot!(name("library_filtered_none", size), screen(&s, size));
    }
}

/// The matched characters stand out with and without colour, also on the selected row.
#[test]
fn filter_matches_are_marked_with_and_without_colour() {
    use ratatui::style::{Color, Modifier};
    let size = (80, 24);
    let mut s = state(news_library(), size);
    type_keys(&mut s, "/kommis");
    let buffer = buffer(&s, size);
    // `Zoom und die Kommission`: the selected (only) match.
    let marked = modifiers_of(&buffer, "Kommis");
    assert!(
        marked.contains(Modifier::UNDERLINED | Modifier::BOLD),
        "{marked:?}"
    );
    let rest = modifiers_of(&buffer, "sion");
    assert!(!rest.contains(Modifier::UNDERLINED), "{rest:?}");
    let cell = buffer
        .content()
        .iter()
        .find(|c| c.symbol() == "K")
        .expect("K on screen");
    assert_eq!(cell.fg, Color::LightYellow);
    let theme = Theme::new(&blatt::config::Config::default().theme, false).0;
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, &s, &theme))
        .expect("draw");
    let plain = terminal.backend().buffer().clone();
    let marked = modifiers_of(&plain, "Kommis");
    assert!(marked.contains(Modifier::UNDERLINED), "{marked:?}");
    assert!(!modifiers_of(&plain, "sion").contains(Modifier::UNDERLINED));
}

/// The status line names the section of the current match once: the match is in the
/// section at the top, and `Section  match 1/2 · Section` said it twice.
#[test]
fn the_search_status_names_the_section_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("INDEX.md"), "# L\n\n- [A](a.md) — x\n").expect("index");
    std::fs::write(
        dir.path().join("a.md"),
        format!(
            "# Titel\n\n{}## Kurz\n\nEin Satz mit Zoom darin.\n\n{}",
            "Vorwort.\n\n".repeat(30),
            "Nachwort.\n\n".repeat(30)
        ),
    )
    .expect("article");
    let size = (100, 20);
    let mut s = state(load_library(dir.path()).expect("library"), size);
    open(&mut s, 0);
    update(&mut s, key('/'));
    for c in "zoom".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, enter());
    let shown = screen(&s, size);
    let status = shown.lines().last().unwrap_or_default().to_string();
    assert!(status.contains("match 1/1"), "{status}");
    assert_eq!(status.matches("Kurz").count(), 1, "{status:?}");
}

/// A search without a match says so once in the status line, not as a notice and again as
/// the search's status.
#[test]
fn no_match_is_said_once() {
    let size = (100, 20);
    let mut s = state(bundled_library(), size);
    open(&mut s, 0);
    update(&mut s, key('/'));
    for c in "xyzzyq".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, enter());
    let shown = screen(&s, size);
    let status = shown.lines().last().unwrap_or_default().to_string();
    assert_eq!(status.matches("no match for").count(), 1, "{status:?}");
}

/// Runs the library-wide search of the job `update` asked for over the whole library, as
/// the worker does (without the index), and feeds its reports: `upto` articles, then, when
/// `finish`, the end.
fn search_all(state: &mut State, effects: &[Effect], upto: usize, finish: bool) {
    use blatt::app::results::SearchEvent;
    use std::sync::atomic::AtomicBool;
    let job = effects
        .iter()
        .find_map(|e| match e {
            Effect::SearchLibrary(job) => Some(job.clone()),
            _ => None,
        })
        .expect("a library search");
    let mut library = job.library.clone();
    blatt::library::Library::check_all_shared(&mut library);
    let read = |path: &Path| {
        let entry = library
            .entries
            .iter()
            .find(|e| blatt::search::library::entry_path(&e.target).as_deref() == Some(path))
            .expect("an entry");
        blatt::runtime::read_entry(entry, 1 << 30)
    };
    let mut events = Vec::new();
    blatt::search::library::search_library(
        &library,
        &job.query,
        None,
        blatt::search::library::Listing::ALL,
        &|_, path| read(path),
        &AtomicBool::new(false),
        &mut |entry, found| {
            if entry >= upto {
                return;
            }
            match found {
                Ok(found) if found.count > 0 => events.push(SearchEvent::Article {
                    entry,
                    count: found.count,
                    hits: found.hits,
                }),
                Ok(_) => {}
                Err(text) => events.push(SearchEvent::Problem { entry, text }),
            }
            events.push(SearchEvent::Searching {
                done: entry + 1,
                total: library.entries.len(),
            });
        },
    );
    if finish {
        events.push(SearchEvent::Done);
    }
    for event in events {
        update(
            state,
            Action::SearchedAll {
                search: job.id,
                event,
            },
        );
    }
}

fn search_fixtures() -> Library {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
    load_library(&path).expect("search fixture library")
}

#[test]
fn search_results_screens() {
    for size in [(80, 24), (40, 12)] {
        let mut s = state(search_fixtures(), size);
        update(&mut s, key('S'));
        for c in "river".chars() {
            update(&mut s, key(c));
        }
        insta::assert_snapshot!(name("search_all_prompt", size), screen(&s, size));
        let effects = update(&mut s, enter());
        // Two articles in: the search is still running.
        search_all(&mut s, &effects, 2, false);
        insta::assert_snapshot!(name("search_all_running", size), screen(&s, size));
        let mut s = state(search_fixtures(), size);
        update(&mut s, key('S'));
        for c in "river".chars() {
            update(&mut s, key(c));
        }
        let effects = update(&mut s, enter());
        search_all(&mut s, &effects, usize::MAX, true);
        insta::assert_snapshot!(name("search_all_results", size), screen(&s, size));
        // The fifth hit, in the Danube's "Delta".
        for _ in 0..5 {
            update(&mut s, key('j'));
        }
        let effects = update(&mut s, enter());
        let [Effect::Load { entry }] = effects[..] else {
            panic!("{effects:?}");
        };
        let result = load(&s, entry, 1 << 30);
        update(&mut s, Action::Loaded { entry, result });
        insta::assert_snapshot!(name("search_all_opened", size), screen(&s, size));
    }
}

#[test]
fn a_hit_in_the_part_under_an_articles_title_is_not_named_by_it_again() {
    // "Deserts without water" has text under its title and no other heading.
    let size = (80, 24);
    let mut s = state(search_fixtures(), size);
    update(&mut s, key('S'));
    for c in "wind".chars() {
        update(&mut s, key(c));
    }
    let effects = update(&mut s, enter());
    search_all(&mut s, &effects, usize::MAX, true);
    let shown = screen(&s, size);
    assert!(
        shown.contains("│Deserts without water · 1 match"),
        "{shown}"
    );
    assert!(shown.contains("│  Sand, stone and wind."), "{shown}");
    assert!(!shown.contains("  Deserts without water: "), "{shown}");
}

fn links_fixtures() -> Library {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links");
    load_library(&path).expect("links fixture library")
}

#[test]
fn link_screens() {
    for size in [(80, 24), (40, 12)] {
        let mut s = state(links_fixtures(), size);
        settle(&mut s, Action::Command(Command::Open));
        let entry = s.selected;
        let result = load(&s, entry, 1 << 30);
        update(&mut s, Action::Loaded { entry, result });
        update(&mut s, key('f'));
        insta::assert_snapshot!(name("link_hints", size), screen(&s, size));
        // The web link's letters: the third hint.
        update(&mut s, key('d'));
        insta::assert_snapshot!(name("link_confirm", size), screen(&s, size));
        update(&mut s, key('n'));
        update(&mut s, key('F'));
        insta::assert_snapshot!(name("link_list", size), screen(&s, size));
    }
}

/// A library that is partly read: finished articles, one in progress, new ones, and entries
/// that cannot be opened, in groups with a subgroup; long enough to scroll at 40x12.
fn reading_library() -> (Library, Vec<(String, blatt::store::DocState)>) {
    use blatt::library::EntryProblem;
    const NAMES: [&str; 12] = [
        "a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "g.md", "h.md", "i.md", "j.md", "k.md",
        "l.md",
    ];
    let entries: [(&str, &str, &[&str]); 12] = [
        (
            "Kommission kritisiert Zoom",
            "EURACTIV, de — Die Kommission verlangt Zusagen",
            &["Europa"],
        ),
        ("Deep dive into the budget", "The Guardian, en", &["Europa"]),
        ("A missing article", "this file does not exist", &["Europa"]),
        (
            "Wahlen in Berlin",
            "tagesschau, de — Ergebnisse der Wahl",
            &["Europa", "Inland"],
        ),
        ("Bahnstreik", "", &["Europa", "Inland"]),
        (
            "Börse schließt höher",
            "boerse.de, de — Kurse steigen",
            &["Wirtschaft"],
        ),
        (
            "Zinsen",
            "FAZ, de — Die Notenbank wartet ab",
            &["Wirtschaft"],
        ),
        ("Handel", "Reuters, en — Exports fall", &["Wirtschaft"]),
        ("Outside", "", &["Wirtschaft"]),
        (
            "Berlinale eröffnet",
            "rbb, de — Filme aus aller Welt",
            &["Kultur"],
        ),
        ("Theater", "Premiere in Hamburg", &["Kultur"]),
        ("Oper", "NZZ, de — Eine neue Tosca", &["Kultur"]),
    ];
    let library = Library {
        origin: blatt::library::Origin::Bundled,
        title: Some("Zeitung".into()),
        entries: entries
            .iter()
            .enumerate()
            .map(|(i, (title, description, group))| Entry {
                title: (*title).into(),
                description: (*description).into(),
                group: group.iter().map(|g| g.to_string()).collect(),
                language: None,
                link: NAMES[i].into(),
                line: i + 3,
                target: match i {
                    2 => Target::Problem(EntryProblem::Missing("c.md".into())),
                    8 => Target::Problem(EntryProblem::OutsideLibrary("../i.md".into())),
                    _ => Target::Bundled(NAMES[i]),
                },
            })
            .collect(),
    };
    let doc = |finished: bool, percent: f32| blatt::store::DocState {
        finished,
        percent,
        ..Default::default()
    };
    let docs = vec![
        ("bundled:a.md".to_string(), doc(true, 100.0)),
        ("bundled:b.md".to_string(), doc(false, 42.0)),
        ("bundled:d.md".to_string(), doc(true, 100.0)),
        ("bundled:e.md".to_string(), doc(true, 100.0)),
        ("bundled:g.md".to_string(), doc(true, 100.0)),
        ("bundled:l.md".to_string(), doc(false, 7.0)),
    ];
    (library, docs)
}

/// The state as blatt starts on the reading library: what is saved is there before the
/// first action.
fn reading_state(size: (u16, u16), view: blatt::config::LibraryView) -> State {
    let (library, docs) = reading_library();
    let settings = Settings {
        library_view: view,
        ..Settings::default()
    };
    let mut state = State::new(library, settings, Keymap::default());
    state.saved_docs = docs.into_iter().collect();
    update(&mut state, Action::Resize(size.0, size.1));
    state
}

/// Group headings count the articles not finished (a subgroup's count in its group's; an
/// entry that cannot be opened counts for nothing, and neither does it in the title); the
/// compact view has one row per entry; scrolled, the group of the top entries stays on
/// top; finished articles can be hidden.
#[test]
fn library_views_and_read_counts() {
    use blatt::config::LibraryView;
    for size in [(80, 24), (40, 12)] {
        let s = reading_state(size, LibraryView::Full);
        insta::assert_snapshot!(name("library_read_counts", size), screen(&s, size));

        let mut s = reading_state(size, LibraryView::Compact);
        insta::assert_snapshot!(name("library_compact", size), screen(&s, size));
        // The ninth entry: at 40x12 the list scrolls and the heading of the entries at
        // the top stays over them.
        for _ in 0..8 {
            update(&mut s, Action::Command(Command::Down));
        }
        insta::assert_snapshot!(name("library_compact_scrolled", size), screen(&s, size));

        let mut s = reading_state(size, LibraryView::Full);
        update(&mut s, Action::Command(Command::HideFinished));
        insta::assert_snapshot!(name("library_finished_hidden", size), screen(&s, size));
        // Further down, at 40x12 the heading of the entries at the top stays over them.
        for _ in 0..3 {
            update(&mut s, Action::Command(Command::Down));
        }
        insta::assert_snapshot!(name("library_finished_hidden_down", size), screen(&s, size));
    }
}

/// Past the hits the list keeps in all, an article comes with its matches counted and none
/// listed: its row says how many it has and that Enter opens at its first, not at "the
/// last one listed" (there is none).
#[test]
fn an_article_with_no_hit_listed_says_enter_opens_at_its_first() {
    use blatt::app::results::SearchEvent;
    let size = (100, 24);
    let mut s = state(search_fixtures(), size);
    update(&mut s, key('S'));
    for c in "river".chars() {
        update(&mut s, key(c));
    }
    let effects = update(&mut s, enter());
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::SearchLibrary(job) => Some(job.id),
            _ => None,
        })
        .expect("a library search");
    for event in [
        SearchEvent::Article {
            entry: 0,
            count: 3,
            hits: Vec::new(),
        },
        SearchEvent::Done,
    ] {
        update(&mut s, Action::SearchedAll { search: id, event });
    }
    let shown = screen(&s, size);
    assert!(shown.contains("3 matches"), "{shown}");
    assert!(!shown.contains("last one listed"), "{shown}");
    assert!(
        shown.contains("… 3 in this article, none listed (Enter opens at the first"),
        "{shown}"
    );
}
