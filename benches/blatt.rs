//! Benchmarks for the targets of the performance issue: INDEX.md parsing, a 100,000-entry
//! library to its first screen, opening an article to its first screen, keystroke-to-frame
//! in a 100 MB article, resizing, and `blatt render` throughput. Every input is generated (see `common`), so runs are comparable across
//! machines. Groups can be run alone: `cargo bench --bench blatt -- keys/`.
//!
//! Keystroke and resize benchmarks time `update` plus a full `Terminal::draw` into a 100×30
//! `TestBackend`, which is what the run loop does for one key. They are warm: the state is
//! put back at the same place before every timed keystroke (untimed), so blocks laid out by
//! an earlier iteration stay laid out. Cold first-time costs (the first `G`, the first
//! resize to a new width) are printed by `cargo run --release --example stages`.

mod common;

use std::hint::black_box;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use blatt::app::{Action, Command, Effect, Keymap, Settings, State, update};
use blatt::config::Config;
use blatt::document::{self, Document, Format};
use blatt::layout::{Layout, LinePos, WrapOptions, render_parallel, render_plain};
use blatt::library::{bundled_library, load_library, open_library, parse_index};
use blatt::ui::{self, Theme};

const KB: usize = 1024;
const MB: usize = 1024 * 1024;
const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

// The big inputs are made on first use, inside the benchmark closures, so that a filtered
// run (`cargo bench -- resize`) does not generate and parse 100 MB it does not need, and
// the groups that need them share one copy.
static ARTICLE_100MB: LazyLock<String> = LazyLock::new(|| common::article(100 * MB, 1));
static DOC_100MB: LazyLock<Arc<Document>> = LazyLock::new(|| Arc::new(load(&ARTICLE_100MB)));
static MIXED_10MB: LazyLock<String> = LazyLock::new(|| common::mixed(10 * MB, 3));
static MIXED_10MB_DOC: LazyLock<Document> = LazyLock::new(|| load(&MIXED_10MB));

fn label(size: usize) -> String {
    if size >= MB {
        format!("{}MB", size / MB)
    } else {
        format!("{}KB", size / KB)
    }
}

fn theme() -> Theme {
    Theme::new(&Config::default().theme, true).0
}

/// A state with `doc` open in the reader at 100×30, as the run loop leaves it after loading.
fn reader_state(doc: Arc<Document>) -> State {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(WIDTH, HEIGHT));
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(doc),
        },
    );
    state
}

fn terminal() -> Terminal<TestBackend> {
    match Terminal::new(TestBackend::new(WIDTH, HEIGHT)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    }
}

fn draw(term: &mut Terminal<TestBackend>, state: &State, theme: &Theme) {
    if let Err(e) = term.draw(|frame| ui::draw(frame, state, theme)) {
        panic!("draw: {e}");
    }
}

fn load(text: &str) -> Document {
    match document::load(text.as_bytes(), "article.txt", "Article", None) {
        Ok(doc) => doc,
        Err(e) => panic!("generated article does not load: {e}"),
    }
}

fn index_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("index_parse");
    for entries in [100usize, 10_000, 100_000] {
        let text = common::index(entries, 7);
        group.throughput(Throughput::Elements(entries as u64));
        if entries >= 100_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(entries), &text, |b, text| {
            b.iter(|| parse_index(black_box(text)));
        });
    }
    group.finish();
}

/// What the reader does before the first frame of a library with an article file for every
/// entry: read INDEX.md, parse and check a first part (`open_library`), make the state and
/// draw. The rest of the index is parsed and checked on a background thread afterwards.
fn library_first_screen(c: &mut Criterion) {
    let mut group = c.benchmark_group("library_first_screen");
    group.sample_size(20);
    let theme = theme();
    for entries in [1_000usize, 100_000] {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("temp dir: {e}"),
        };
        let written = std::fs::create_dir(dir.path().join("articles"))
            .and_then(|()| std::fs::write(dir.path().join("INDEX.md"), common::index(entries, 7)))
            .and_then(|()| {
                (0..entries).try_for_each(|i| {
                    std::fs::write(dir.path().join(format!("articles/{i:06}.txt")), "A\n")
                })
            });
        if let Err(e) = written {
            panic!("library: {e}");
        }
        let mut term = terminal();
        group.bench_function(BenchmarkId::from_parameter(entries), |b| {
            b.iter(|| {
                let (first, rest) = match open_library(dir.path()) {
                    Ok(opened) => opened,
                    Err(e) => panic!("library: {e}"),
                };
                let mut state = State::new(first, Settings::default(), Keymap::default());
                state.reading_index = rest.is_some();
                update(&mut state, Action::Resize(WIDTH, HEIGHT));
                draw(&mut term, &state, &theme);
                (state, rest)
            });
        });
    }
    group.finish();
}

fn press(state: &mut State, code: crossterm::event::KeyCode, ctrl: bool) -> Vec<Effect> {
    let modifiers = if ctrl {
        crossterm::event::KeyModifiers::CONTROL
    } else {
        crossterm::event::KeyModifiers::NONE
    };
    let key = crossterm::event::KeyEvent::new_with_kind(
        code,
        modifiers,
        crossterm::event::KeyEventKind::Press,
    );
    update(state, Action::Key(key))
}

/// Does the library filter's work as the runtime does (here on this thread, there on a
/// worker), with `update` taking each result in, until none is left.
fn settle_filter(state: &mut State, effects: Vec<Effect>) {
    let mut queue = std::collections::VecDeque::from(effects);
    while let Some(effect) = queue.pop_front() {
        if let Effect::Filter(work) = effect
            && let Some(done) = work.run()
        {
            drop(work);
            queue.extend(update(state, Action::Filtered(done)));
        }
    }
}

/// The library filter (`/`) at 100,000 entries. In a library this large the ranking and the
/// making of the entries' fields are done on workers, so each key is measured twice: `…/key`
/// is what the run loop does before the frame that answers the key (`update` and a frame:
/// the prompt shows the key), `…/list` adds the worker's work and the frame that shows the
/// list it ranked (done here on one thread, one after the other: the time until the list
/// follows on an idle second core, or the processor time a key costs).
///
/// `open`: the first `/` (the entries' text copied a slice at a time for the worker to make
/// their fields; `/list` until all are made); `first_key`: one character into an empty
/// query, which looks at every entry (then Ctrl-U empties the query again, which only brings
/// the whole list back); `word_12_keys`: `Article 4711`, typed key by key, each key
/// narrowing the last result (`/list`: waiting for each key's list before the next key;
/// divide by 12 for one key).
fn library_filter(c: &mut Criterion) {
    use crossterm::event::KeyCode;
    let mut group = c.benchmark_group("library_filter");
    group.sample_size(20);
    let entries = 100_000;
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    };
    if let Err(e) = std::fs::write(dir.path().join("INDEX.md"), common::index(entries, 7)) {
        panic!("library: {e}");
    }
    let library = match load_library(dir.path()) {
        Ok(library) => library,
        Err(e) => panic!("library: {e}"),
    };
    let theme = theme();
    let mut term = terminal();
    let fresh = || {
        let mut state = State::new(library.clone(), Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(WIDTH, HEIGHT));
        state
    };
    group.bench_function(BenchmarkId::new("open/key", entries), |b| {
        b.iter_batched_ref(
            fresh,
            |state| {
                let effects = press(state, KeyCode::Char('/'), false);
                draw(&mut term, state, &theme);
                effects
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function(BenchmarkId::new("open/list", entries), |b| {
        b.iter_batched_ref(
            fresh,
            |state| {
                let effects = press(state, KeyCode::Char('/'), false);
                draw(&mut term, state, &theme);
                settle_filter(state, effects);
            },
            criterion::BatchSize::LargeInput,
        );
    });
    let mut state = fresh();
    let effects = press(&mut state, KeyCode::Char('/'), false);
    settle_filter(&mut state, effects);
    group.bench_function(BenchmarkId::new("first_key/key", entries), |b| {
        b.iter(|| {
            let effects = press(&mut state, KeyCode::Char('e'), false);
            draw(&mut term, &state, &theme);
            press(&mut state, KeyCode::Char('u'), true);
            effects
        });
    });
    group.bench_function(BenchmarkId::new("first_key/list", entries), |b| {
        b.iter(|| {
            let effects = press(&mut state, KeyCode::Char('e'), false);
            draw(&mut term, &state, &theme);
            settle_filter(&mut state, effects);
            draw(&mut term, &state, &theme);
            press(&mut state, KeyCode::Char('u'), true);
        });
    });
    // The other side of `first_key/list` in the run loop: `update` taking the order in
    // (100,000 entries match `e`) and the frame that shows it.
    group.bench_function(BenchmarkId::new("first_key/result", entries), |b| {
        b.iter_custom(|iters| {
            let mut time = Duration::ZERO;
            for _ in 0..iters {
                let effects = press(&mut state, KeyCode::Char('e'), false);
                let done: Vec<_> = effects
                    .iter()
                    .filter_map(|e| match e {
                        Effect::Filter(work) => work.run(),
                        _ => None,
                    })
                    .collect();
                drop(effects);
                let start = Instant::now();
                for done in done {
                    black_box(update(&mut state, Action::Filtered(done)));
                }
                draw(&mut term, &state, &theme);
                time += start.elapsed();
                press(&mut state, KeyCode::Char('u'), true);
            }
            time
        });
    });
    group.bench_function(BenchmarkId::new("word_12_keys/key", entries), |b| {
        b.iter(|| {
            let mut works = Vec::new();
            for c in "Article 4711".chars() {
                works.push(press(&mut state, KeyCode::Char(c), false));
                draw(&mut term, &state, &theme);
            }
            press(&mut state, KeyCode::Char('u'), true);
            works
        });
    });
    group.bench_function(BenchmarkId::new("word_12_keys/list", entries), |b| {
        b.iter(|| {
            for c in "Article 4711".chars() {
                let effects = press(&mut state, KeyCode::Char(c), false);
                draw(&mut term, &state, &theme);
                settle_filter(&mut state, effects);
                draw(&mut term, &state, &theme);
            }
            press(&mut state, KeyCode::Char('u'), true);
        });
    });
    group.finish();
}

/// Bytes to the first screen: `document::load` (decode, sanitize, parse), then a fresh
/// layout and the 24 lines of a first screen.
fn open(c: &mut Criterion) {
    let mut group = c.benchmark_group("open");
    group.warm_up_time(Duration::from_secs(1));
    for size in [KB, 35 * KB, 3 * MB, 100 * MB] {
        let text = common::article(size, 1);
        group.throughput(Throughput::Bytes(text.len() as u64));
        if size >= MB {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if size >= 100 * MB { 20 } else { 5 }));
        }
        // As the reader opens an article: all of a small one, the first piece of a large
        // one (the rest is read on a background thread), then the first screen laid out.
        let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
        group.bench_with_input(
            BenchmarkId::from_parameter(label(size)),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let source = Box::new(std::io::Cursor::new(Arc::clone(bytes)));
                    let (doc, loader) = document::open(
                        source,
                        bytes.len() as u64,
                        "article.txt",
                        "Article",
                        None,
                        u64::MAX / 2,
                    )
                    .expect("open");
                    let mut layout = Layout::new(&doc, WrapOptions::new(80));
                    let first = layout.window(&doc, LinePos::default(), 24);
                    black_box(first.len());
                    (doc, loader)
                });
            },
        );
        if size >= MB {
            group.bench_with_input(BenchmarkId::new("whole", label(size)), &text, |b, text| {
                b.iter(|| load(black_box(text)))
            });
        }
    }
    group.finish();
}

/// The stages of `open` at 100 MB, each alone, to show where the time goes.
fn open_stages(c: &mut Criterion) {
    let mut group = c.benchmark_group("open_stages_100MB");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(100 * MB as u64));
    group.bench_function("decode", |b| {
        let bytes = ARTICLE_100MB.as_bytes();
        b.iter(|| document::decode::decode(bytes))
    });
    group.bench_function("sanitize", |b| {
        let text = ARTICLE_100MB.as_str();
        b.iter(|| document::sanitize::sanitize(black_box(text)))
    });
    group.bench_function("parse_plain", |b| {
        let text = ARTICLE_100MB.as_str();
        b.iter(|| document::parse(black_box(text), Format::Plain, "Article", None))
    });
    group.bench_function("first_screen_layout", |b| {
        let doc = &**DOC_100MB;
        b.iter(|| {
            let mut layout = Layout::new(doc, WrapOptions::new(80));
            layout.window(doc, LinePos::default(), 24).len()
        })
    });
    let theme = theme();
    group.bench_function("reader_new_and_first_draw", |b| {
        let mut term = terminal();
        let doc = &*DOC_100MB;
        b.iter_with_large_drop(|| {
            let state = reader_state(Arc::clone(doc));
            draw(&mut term, &state, &theme);
            state
        })
    });
    group.bench_function("drop_document", |b| {
        b.iter_batched(
            || load(&ARTICLE_100MB),
            drop,
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Where a keystroke benchmark starts.
#[derive(Clone, Copy)]
enum Place {
    Start,
    Middle,
    End,
}

fn place(state: &mut State, at: Place) -> LinePos {
    match at {
        Place::Start => {}
        Place::Middle => {
            if let Some(reader) = state.reader.as_mut() {
                let middle = reader.doc.sections.len() / 2;
                reader.go_to_section(middle);
                // Into the section's text, so that `[` has somewhere to go back to.
                reader.scroll_down(5);
            }
        }
        Place::End => {
            update(state, Action::Command(Command::Bottom));
        }
    }
    state
        .reader
        .as_ref()
        .map_or_else(LinePos::default, |r| r.top)
}

/// Keystroke to frame at the start, middle and end of a 100 MB article.
fn keys(c: &mut Criterion) {
    let theme = theme();
    let mut group = c.benchmark_group("keys_100MB");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (at, name) in [
        (Place::Start, "start"),
        (Place::Middle, "middle"),
        (Place::End, "end"),
    ] {
        // (state, place, terminal), made when the first benchmark of this place runs.
        let mut setup: Option<(State, LinePos, Terminal<TestBackend>)> = None;
        for (command_name, _, command) in common::KEYS {
            group.bench_function(BenchmarkId::new(command_name, name), |b| {
                let (state, home, term) = setup.get_or_insert_with(|| {
                    let mut state = reader_state(Arc::clone(&DOC_100MB));
                    let home = place(&mut state, at);
                    let mut term = terminal();
                    draw(&mut term, &state, &theme);
                    (state, home, term)
                });
                let home = *home;
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        if let Some(reader) = state.reader.as_mut() {
                            reader.top = home;
                        }
                        let t = Instant::now();
                        let effects = update(state, Action::Command(command));
                        draw(term, state, &theme);
                        total += t.elapsed();
                        black_box(effects);
                    }
                    total
                })
            });
        }
    }
    // Just the draw, without any change of state: the floor under every keystroke.
    group.bench_function("draw_only", |b| {
        let state = reader_state(Arc::clone(&DOC_100MB));
        let mut term = terminal();
        b.iter(|| draw(&mut term, &state, &theme))
    });
    group.finish();
}

/// `update(Resize)` plus a draw, at 35 KB and 3 MB. `two_widths` alternates 100 and 70
/// columns (both layouts stay in the cache after the first round); `many_widths` cycles
/// through 12 text widths, more than the cache keeps, so every resize lays out anew.
fn resize(c: &mut Criterion) {
    let theme = theme();
    let mut group = c.benchmark_group("resize");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for size in [35 * KB, 3 * MB] {
        let doc = Arc::new(load(&common::article(size, 1)));
        for (name, widths) in [
            ("two_widths", vec![100u16, 70]),
            ("many_widths", (0..12).map(|i| 40 + 3 * i).collect()),
        ] {
            let mut state = reader_state(Arc::clone(&doc));
            // Somewhere in the middle, where a re-layout has to find its place again.
            place(&mut state, Place::Middle);
            let mut term = terminal();
            let mut i = 0usize;
            group.bench_function(BenchmarkId::new(name, label(size)), |b| {
                b.iter(|| {
                    let w = widths[i % widths.len()];
                    i += 1;
                    update(&mut state, Action::Resize(w, HEIGHT));
                    // The backend must match the terminal size, as after a real resize.
                    term.backend_mut().resize(w, HEIGHT);
                    if let Err(e) = term.resize(ratatui::layout::Rect::new(0, 0, w, HEIGHT)) {
                        panic!("resize: {e}");
                    }
                    draw(&mut term, &state, &theme);
                })
            });
        }
    }
    group.finish();
}

/// `blatt render --width 80` on 10 MB of mixed-language text (German, English, Chinese,
/// Japanese, Thai, ...) as the command does it: read from a file (in the page cache) a
/// piece at a time, each piece laid out on all cores while the next is read, written into
/// a sink instead of stdout. Also the layout alone, on both cores and on one.
fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_mixed");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(10 * MB as u64));
    let config = Config::default();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mixed.txt");
    std::fs::write(&path, &*MIXED_10MB).expect("write the input");
    group.bench_function("10MB/headless_render_w80", |b| {
        b.iter(|| blatt::headless::render(&path, 80, &config, &mut std::io::sink()))
    });
    group.bench_function("10MB/render_parallel_w80", |b| {
        let doc = &*MIXED_10MB_DOC;
        b.iter(|| render_parallel(doc, WrapOptions::new(80), &mut std::io::sink()))
    });
    group.bench_function("10MB/one_core_render_plain_w80", |b| {
        let doc = &*MIXED_10MB_DOC;
        b.iter(|| render_plain(doc, WrapOptions::new(80)))
    });
    let small = common::mixed(MB, 3);
    let small_path = dir.path().join("small.txt");
    std::fs::write(&small_path, &small).expect("write the input");
    group.throughput(Throughput::Bytes(small.len() as u64));
    group.bench_function("1MB/headless_render_w80", |b| {
        b.iter(|| blatt::headless::render(&small_path, 80, &config, &mut std::io::sink()))
    });
    let no_hyphenation = Config {
        hyphenation: false,
        ..Config::default()
    };
    group.bench_function("1MB/headless_render_w80_no_hyphenation", |b| {
        b.iter(|| blatt::headless::render(&small_path, 80, &no_hyphenation, &mut std::io::sink()))
    });
    group.finish();
    // Issue 13's text (German, English, Russian, Arabic, Hindi, Chinese, Japanese, Thai and
    // emoji from the shared corpus, as `scripts/compare.sh` section 1 builds it), when the
    // corpus is there (BLATT_CORPUS, default ../shared/corpus).
    let corpus = std::env::var("BLATT_CORPUS").unwrap_or_else(|_| "../shared/corpus".into());
    let Ok(text) = common::corpus_mixed(std::path::Path::new(&corpus), 10 * MB) else {
        eprintln!("render_corpus: no corpus at {corpus}: skipped");
        return;
    };
    let mut group = c.benchmark_group("render_corpus");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(text.len() as u64));
    let path = dir.path().join("corpus.txt");
    std::fs::write(&path, &text).expect("write the input");
    group.bench_function("10MB/headless_render_w80", |b| {
        b.iter(|| blatt::headless::render(&path, 80, &config, &mut std::io::sink()))
    });
    group.finish();
}

/// Keys in the library list at 100,000 entries (groups of 50, every tenth article
/// finished), each as the run loop does it: `update` and a frame. `down_up`: `j` then `k`
/// (two keys) in the middle of the whole list; `down_up_compact_hidden`: the same in the
/// compact view with finished articles hidden (moves go through the entries shown);
/// `toggle_read`: `x` twice (the entries of that article found by their key, the counts
/// kept); `hide`: `h` twice (the list made anew each time); `view`: `v` twice. No file is
/// read: the entries' targets are paths that `update` never opens.
fn library_browse(c: &mut Criterion) {
    use blatt::config::LibraryView;
    use blatt::library::Target;
    let mut group = c.benchmark_group("library_browse");
    group.sample_size(20);
    let entries = 100_000;
    let parsed = parse_index(&common::index(entries, 7));
    let library = blatt::library::Library {
        origin: blatt::library::Origin::Bundled,
        title: parsed.title,
        entries: parsed
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, raw)| blatt::library::Entry {
                title: raw.title,
                description: raw.description,
                group: raw.group,
                language: raw.language,
                link: raw.link,
                line: raw.line,
                target: Target::File(format!("/library/articles/{i:06}.txt").into()),
            })
            .collect(),
    };
    let docs: std::collections::HashMap<String, blatt::store::DocState> = (0..entries)
        .step_by(10)
        .map(|i| {
            let doc = blatt::store::DocState {
                finished: true,
                percent: 100.0,
                ..Default::default()
            };
            (format!("/library/articles/{i:06}.txt"), doc)
        })
        .collect();
    let theme = theme();
    let mut term = terminal();
    let fresh = |view: LibraryView, hide_finished: bool| {
        let settings = Settings {
            library_view: view,
            hide_finished,
            ..Settings::default()
        };
        let mut state = State::new(library.clone(), settings, Keymap::default());
        state.saved_docs = docs.clone();
        update(&mut state, Action::Resize(WIDTH, HEIGHT));
        state.selected = entries / 2 + 1;
        update(&mut state, Action::Command(Command::ScrollCenter));
        state
    };
    let mut key = |state: &mut State, command: Command| {
        update(state, Action::Command(command));
        draw(&mut term, state, &theme);
    };
    let mut state = fresh(LibraryView::Full, false);
    group.bench_function(BenchmarkId::new("down_up", entries), |b| {
        b.iter(|| {
            key(&mut state, Command::Down);
            key(&mut state, Command::Up);
        });
    });
    group.bench_function(BenchmarkId::new("toggle_read", entries), |b| {
        b.iter(|| {
            key(&mut state, Command::ToggleRead);
            key(&mut state, Command::ToggleRead);
        });
    });
    group.bench_function(BenchmarkId::new("hide", entries), |b| {
        b.iter(|| {
            key(&mut state, Command::HideFinished);
            key(&mut state, Command::HideFinished);
        });
    });
    group.bench_function(BenchmarkId::new("view", entries), |b| {
        b.iter(|| {
            key(&mut state, Command::ToggleView);
            key(&mut state, Command::ToggleView);
        });
    });
    let mut state = fresh(LibraryView::Compact, true);
    group.bench_function(BenchmarkId::new("down_up_compact_hidden", entries), |b| {
        b.iter(|| {
            key(&mut state, Command::Down);
            key(&mut state, Command::Up);
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    index_parse,
    library_first_screen,
    library_filter,
    open,
    open_stages,
    keys,
    resize,
    render,
    library_browse
);
criterion_main!(benches);
