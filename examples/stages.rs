//! Cold, one-off timings that criterion cannot take well: each stage of opening a 100 MB
//! article (read, decode, sanitize, parse, reader, first draw), the first keystroke at a
//! fresh place, the first resize to a width not laid out yet, and a 100,000-entry library
//! (eager loading, and what the reader does before its first frame and while the rest of
//! INDEX.md arrives).
//! Prints the median (and min/max) of `BLATT_RUNS` runs (default 5).
//!
//! ```text
//! cargo run --release --example stages            # all
//! cargo run --release --example stages -- open    # only the groups whose name has "open"
//! ```

#[path = "../benches/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use blatt::app::{Action, Command, Keymap, Settings, State, update};
use blatt::config::Config;
use blatt::document::{self, Document, Format};
use blatt::library::{self, bundled_library};
use blatt::ui::{self, Theme};

const MB: usize = 1024 * 1024;
const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn runs() -> usize {
    std::env::var("BLATT_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1)
}

/// CPU time of this thread so far, so that the numbers mean something on a busy machine
/// where wall time includes waiting for a core (Linux: the first field of
/// /proc/thread-self/schedstat, in nanoseconds; elsewhere none).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `f` `runs()` times (each with fresh input from `setup`) and prints the medians of
/// wall time and of CPU time.
fn time<S, T>(name: &str, mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..runs() {
        let input = setup();
        let cpu = cpu_time();
        let t = Instant::now();
        let out = f(input);
        let elapsed = t.elapsed();
        if let (Some(before), Some(after)) = (cpu, cpu_time()) {
            cpus.push(after.saturating_sub(before));
        }
        drop(out);
        walls.push(elapsed);
    }
    walls.sort();
    cpus.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let cpu = cpus
        .get(cpus.len() / 2)
        .map_or_else(|| "-".to_string(), |d| format!("{:.3}", ms(*d)));
    println!(
        "{name:<54} wall median {:>9.3} ms (min {:>9.3})  cpu median {:>9} ms  n={}",
        ms(walls[walls.len() / 2]),
        ms(walls[0]),
        cpu,
        walls.len()
    );
}

fn theme() -> Theme {
    Theme::new(&Config::default().theme, true).0
}

fn terminal(width: u16, height: u16) -> Result<Terminal<TestBackend>> {
    Ok(Terminal::new(TestBackend::new(width, height))?)
}

fn draw(term: &mut Terminal<TestBackend>, state: &State, theme: &Theme) -> Result<()> {
    term.draw(|frame| ui::draw(frame, state, theme))?;
    Ok(())
}

fn reader_state(doc: &Arc<Document>) -> State {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(WIDTH, HEIGHT));
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(Arc::clone(doc)),
        },
    );
    state
}

fn main() -> Result<()> {
    let filter = std::env::args().nth(1).unwrap_or_default();
    let on = |group: &str| group.contains(&filter);
    if on("open") {
        open(100)?;
    }
    if on("keys") {
        keys(100)?;
    }
    if on("resize") {
        resize()?;
    }
    if on("small") {
        small();
    }
    if on("library") {
        library(100_000)?;
    }
    Ok(())
}

fn open(megabytes: usize) -> Result<()> {
    println!("== open a {megabytes} MB plain-text article (cold, stage by stage)");
    let text = common::article(megabytes * MB, 1);
    let path = std::env::temp_dir().join(format!("blatt-stages-{}.txt", std::process::id()));
    std::fs::write(&path, &text)?;
    let cap = library::DEFAULT_READ_CAP;
    time(
        "reader's open: first piece + first screen laid out",
        || (),
        |()| -> Result<_> {
            let (source, size) = library::open_path(&path, cap)?;
            let (doc, loader) =
                document::open(Box::new(source), size, "article.txt", "Article", None, cap)?;
            let mut layout = blatt::layout::Layout::new(&doc, blatt::layout::WrapOptions::new(80));
            layout.window(&doc, blatt::layout::LinePos::default(), usize::from(HEIGHT));
            Ok((doc, loader, layout))
        },
    );
    let size = std::fs::metadata(&path)?.len();
    for (name, jump) in [
        (
            "window for G (end of the file)",
            document::window::Jump::End,
        ),
        (
            "window 90 % in (a percentage)",
            document::window::Jump::Byte(size / 10 * 9),
        ),
        (
            "window 90 % in (a saved place)",
            document::window::Jump::Anchor(Box::new(blatt::anchor::Anchor {
                byte: Some(size / 10 * 9),
                ..Default::default()
            })),
        ),
    ] {
        time(
            name,
            || (),
            |()| -> Result<_> {
                let file = std::fs::File::open(&path)?;
                let at = (
                    document::window::origin(&jump, size),
                    document::window::length(&jump),
                );
                Ok(document::window::read(
                    file,
                    size,
                    at,
                    Format::Plain,
                    "Article",
                    cap,
                )?)
            },
        );
    }
    time(
        "read (read_path, page cache warm)",
        || (),
        |()| library::read_path(&path, cap),
    );
    let bytes = library::read_path(&path, cap)?;
    std::fs::remove_file(&path)?;
    time(
        "decode (UTF-8 check + copy)",
        || (),
        |()| document::decode::decode(&bytes),
    );
    time("sanitize", || (), |()| document::sanitize::sanitize(&text));
    time(
        "parse (plain) incl. sections",
        || (),
        |()| document::parse(&text, Format::Plain, "Article", None),
    );
    time(
        "load = decode + sanitize + parse (+ drops)",
        || (),
        |()| document::load(&bytes, "article.txt", "Article", None),
    );
    let doc = Arc::new(document::load(&bytes, "article.txt", "Article", None)?);
    println!(
        "   ({} blocks, {} sections, language {:?})",
        doc.block_count(),
        doc.sections.len(),
        doc.language
    );
    time(
        "reader: State::new + Resize + Loaded (first screen)",
        || (),
        |()| reader_state(&doc),
    );
    let theme = theme();
    let mut term = terminal(WIDTH, HEIGHT)?;
    time(
        "first draw (Terminal::draw, TestBackend 100x30)",
        || reader_state(&doc),
        |state| draw(&mut term, &state, &theme).map(|()| state),
    );
    time(
        "drop the document",
        || document::load(&bytes, "article.txt", "Article", None),
        drop,
    );
    Ok(())
}

/// The first keystroke at a place where nothing around has been laid out yet.
fn keys(megabytes: usize) -> Result<()> {
    println!("== first keystroke + draw in a {megabytes} MB article (fresh state each run)");
    let doc = Arc::new(document::load(
        common::article(megabytes * MB, 1).as_bytes(),
        "article.txt",
        "Article",
        None,
    )?);
    let theme = theme();
    let mut term = terminal(WIDTH, HEIGHT)?;
    for place in ["start", "middle", "end"] {
        for (_, name, command) in common::KEYS {
            let setup = || {
                let mut state = reader_state(&doc);
                match place {
                    "middle" => {
                        if let Some(reader) = state.reader.as_mut() {
                            let middle = reader.doc.sections.len() / 2;
                            reader.go_to_section(middle);
                            reader.scroll_down(5);
                        }
                    }
                    "end" => {
                        update(&mut state, Action::Command(Command::Bottom));
                    }
                    _ => {}
                }
                state
            };
            time(&format!("{place:>6}: {name}"), setup, |mut state| {
                let effects = update(&mut state, Action::Command(command));
                draw(&mut term, &state, &theme).map(|()| (state, effects))
            });
        }
    }
    Ok(())
}

/// The first resize to a width that is not laid out yet, in the middle of the article.
fn resize() -> Result<()> {
    println!("== first resize to a new width + draw (fresh state each run)");
    let theme = theme();
    for (label, size) in [("35 KB", 35 * 1024), ("1 MB", MB), ("3 MB", 3 * MB)] {
        let doc = Arc::new(document::load(
            common::article(size, 1).as_bytes(),
            "article.txt",
            "Article",
            None,
        )?);
        let setup = || {
            let mut state = reader_state(&doc);
            if let Some(reader) = state.reader.as_mut() {
                let middle = reader.doc.sections.len() / 2;
                reader.go_to_section(middle);
            }
            state
        };
        let mut term = terminal(70, HEIGHT)?;
        time(
            &format!("{label}: 100 -> 70 columns"),
            setup,
            |mut state| {
                update(&mut state, Action::Resize(70, HEIGHT));
                draw(&mut term, &state, &theme).map(|()| state)
            },
        );
    }
    Ok(())
}

/// Small inputs, where fixed per-call costs show: 1,000 calls per run.
fn small() {
    println!("== small inputs (1,000 calls per run, time per call x1000)");
    let article = common::article(1024, 1);
    time(
        "document::load, 1 KB article",
        || (),
        |()| {
            (0..1000)
                .filter(|_| document::load(article.as_bytes(), "a.txt", "A", None).is_ok())
                .count()
        },
    );
    let doc = document::load(article.as_bytes(), "a.txt", "A", None).ok();
    time(
        "Layout::new + window(24), 1 KB article",
        || (),
        |()| {
            (0..1000)
                .filter_map(|_| {
                    let doc = doc.as_ref()?;
                    let mut layout =
                        blatt::layout::Layout::new(doc, blatt::layout::WrapOptions::new(80));
                    Some(
                        layout
                            .window(doc, blatt::layout::LinePos::default(), 24)
                            .len(),
                    )
                })
                .count()
        },
    );
    let index = common::index(100, 7);
    time(
        "parse_index, 100 entries",
        || (),
        |()| {
            (0..1000)
                .map(|_| library::parse_index(&index).entries.len())
                .sum::<usize>()
        },
    );
}

fn library(entries: usize) -> Result<()> {
    println!("== a library of {entries} entries");
    let text = common::index(entries, 7);
    time(
        "parse_index (all of it)",
        || (),
        |()| library::parse_index(&text),
    );
    let dir = std::env::temp_dir().join(format!("blatt-stages-lib-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("articles"))?;
    std::fs::write(dir.join("INDEX.md"), &text)?;
    time(
        "load_library, eager (articles missing: one failed stat each)",
        || (),
        |()| library::load_library(&dir),
    );
    for i in 0..entries {
        std::fs::write(dir.join(format!("articles/{i:06}.txt")), "A\n\nb\n")?;
    }
    time(
        "load_library, eager (articles present: canonicalize + stat)",
        || (),
        |()| library::load_library(&dir),
    );
    let lib = library::load_library(&dir)?;
    let theme = theme();
    let mut term = terminal(WIDTH, HEIGHT)?;

    // What the reader does before its first frame: read INDEX.md, parse and check a first
    // part, make the state, check what is on screen (nothing left to check), draw.
    let index_path = dir.join("INDEX.md");
    time(
        "  read INDEX.md (read_path)",
        || (),
        |()| library::read_path(&index_path, library::INDEX_READ_CAP),
    );
    let index_bytes = library::read_path(&index_path, library::INDEX_READ_CAP)?;
    time(
        "  IndexParts::new (all of INDEX.md) + first part parsed",
        || index_bytes.clone(),
        |bytes| {
            let mut parts = library::IndexParts::new(bytes);
            let mut n = 0;
            while n < library::FIRST_ENTRIES {
                match parts.next_part_within(16 * 1024, 256 * 1024) {
                    Some(entries) => n += entries.len(),
                    None => break,
                }
            }
            (parts, n)
        },
    );
    let root = std::fs::canonicalize(&dir)?;
    let links: Vec<String> = library::parse_index(&text)
        .entries
        .into_iter()
        .take(library::FIRST_ENTRIES)
        .map(|e| e.link)
        .collect();
    time(
        "  resolve the first 64 links (canonicalize + stat)",
        || (),
        |()| {
            links
                .iter()
                .map(|l| library::resolve(l, &root))
                .collect::<Vec<_>>()
        },
    );
    time(
        "open_library (read INDEX.md, first part parsed+checked)",
        || (),
        |()| library::open_library(&dir),
    );
    time(
        "first frame: open_library + State::new + Resize + draw",
        || (),
        |()| -> Result<State> {
            let (first, rest) = library::open_library(&dir)?;
            let mut state = State::new(first, Settings::default(), Keymap::default());
            state.reading_index = rest.is_some();
            let effects = update(&mut state, Action::Resize(WIDTH, HEIGHT));
            assert!(
                effects.is_empty(),
                "the first screen is checked: {effects:?}"
            );
            draw(&mut term, &state, &theme)?;
            Ok(state)
        },
    );

    // What the run loop takes in between keys while the rest arrives.
    let (first, rest) = library::open_library(&dir)?;
    let mut rest = rest.ok_or("a rest")?;
    let part = rest.next_part();
    let part_len = part.entries.len();
    time(
        "LibraryRest::next_part (background thread, one part)",
        || library::open_library(&dir).ok().and_then(|(_, rest)| rest),
        |rest| rest.map(|mut r| r.next_part().entries.len()),
    );
    let loading = || {
        let mut state = State::new(first.clone(), Settings::default(), Keymap::default());
        state.reading_index = true;
        update(&mut state, Action::Resize(WIDTH, HEIGHT));
        state
    };
    time(
        &format!("MoreEntries of {part_len} entries (main thread)"),
        || (loading(), part.entries.clone()),
        |(mut state, entries)| {
            update(
                &mut state,
                Action::MoreEntries {
                    title: None,
                    entries,
                    done: false,
                    error: None,
                },
            );
            state
        },
    );
    let with_all = || {
        let mut state = loading();
        let mut all = lib.clone();
        all.entries.drain(..state.library.entries.len());
        for e in &mut all.entries {
            e.target = library::Target::Unchecked;
        }
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: all.entries,
                done: true,
                error: None,
            },
        );
        state
    };
    let batch: Vec<(usize, library::Target)> = (1000..2024)
        .map(|i| (i, lib.entries[i].target.clone()))
        .collect();
    time(
        "Checked, 1024 links (main thread)",
        || (with_all(), batch.clone()),
        |(mut state, targets)| {
            update(&mut state, Action::Checked { targets });
            state
        },
    );
    time(
        "j + draw while the rest is arriving",
        with_all,
        |mut state| {
            update(&mut state, Action::Command(Command::Down));
            draw(&mut term, &state, &theme).map(|()| state)
        },
    );
    time(
        "G + check the screen + draw while the rest is arriving",
        with_all,
        |mut state| -> Result<State> {
            let effects = update(&mut state, Action::Command(Command::Bottom));
            for effect in effects {
                if let blatt::app::Effect::Check { entries } = effect {
                    let checked = blatt::runtime::check_entries(&state, &entries);
                    update(&mut state, checked);
                }
            }
            draw(&mut term, &state, &theme)?;
            Ok(state)
        },
    );
    std::fs::remove_dir_all(&dir)?;

    time(
        "State::new (eager library of all entries) + Resize",
        || lib.clone(),
        |lib| {
            let mut state = State::new(lib, Settings::default(), Keymap::default());
            update(&mut state, Action::Resize(WIDTH, HEIGHT));
            state
        },
    );
    let fresh = || {
        let mut state = State::new(lib.clone(), Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(WIDTH, HEIGHT));
        state
    };
    time("first draw of the library", fresh, |state| {
        draw(&mut term, &state, &theme).map(|()| state)
    });
    for (name, command, middle) in [
        ("j at the top", Command::Down, false),
        ("j in the middle", Command::Down, true),
        ("PgDn in the middle", Command::PageDown, true),
        ("G (to the last entry)", Command::Bottom, false),
    ] {
        let setup = || {
            let mut state = fresh();
            if middle {
                state.selected = entries / 2;
                update(&mut state, Action::Command(Command::Up));
            }
            state
        };
        time(&format!("{name} + draw"), setup, |mut state| {
            update(&mut state, Action::Command(command));
            draw(&mut term, &state, &theme).map(|()| state)
        });
    }
    Ok(())
}
