//! What a live reload costs the loop: the `update` that takes in a library read again (the
//! reading itself happens on a thread) and the one that swaps an article read again into
//! the reader. Both run between two frames, so they are held to a frame (16 ms).
//!
//! `cargo bench --bench reload`

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use blatt::app::reload::ReadAgain;
use blatt::app::{Action, Command, Keymap, Settings, State, update};
use blatt::document::{Document, Format, parse};
use blatt::library::{Entry, Library, Origin, Target};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// A library of `count` entries in groups of 100, checked, without files (taking it in
/// reads none).
fn library(count: usize, skip: Option<usize>, first: Option<&str>) -> Library {
    let root = PathBuf::from("/news");
    let mut entries: Vec<Entry> = first
        .into_iter()
        .map(|name| entry(&root, name, 0))
        .collect();
    entries.extend(
        (0..count)
            .filter(|&i| Some(i) != skip)
            .map(|i| entry(&root, &format!("g{}/a{i}.md", i / 100), i)),
    );
    Library {
        origin: Origin::Dir {
            root: root.clone(),
            index: root.join("INDEX.md"),
        },
        title: Some("News".into()),
        entries,
    }
}

fn entry(root: &std::path::Path, link: &str, i: usize) -> Entry {
    Entry {
        title: format!("Article number {i} about something"),
        description: format!("Source {}, de — the first sentence of article {i}.", i % 7),
        group: vec![format!("Group {}", i / 100)],
        language: Some("de".into()),
        link: link.to_string(),
        line: i + 3,
        target: Target::File(root.join(link)),
    }
}

fn index_reloaded(c: &mut Criterion) {
    let mut group = c.benchmark_group("reload");
    group.sample_size(10);
    let count = 100_000;
    // One entry added at the top, one taken out in the middle: every entry after it moves.
    let new = library(count, Some(count / 2 + 10), Some("neu.md"));
    group.bench_function("index_100k_entries", |b| {
        b.iter_batched(
            || {
                let mut state = State::new(
                    library(count, None, None),
                    Settings::default(),
                    Keymap::default(),
                );
                update(&mut state, Action::Resize(100, 30));
                state.selected = count / 2;
                // Laid out for the list on the thread that read it.
                (state, ReadAgain::new(new.clone()))
            },
            |(mut state, read)| {
                update(&mut state, Action::IndexReloaded { result: Ok(read) });
                black_box(state)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn article_reloaded(c: &mut Criterion) {
    let mut group = c.benchmark_group("reload");
    group.sample_size(20);
    let text = common::article(3 * 1024 * 1024, 7);
    let old: Arc<Document> = Arc::new(parse(&text, Format::Markdown, "a", Some("en")));
    let edited = format!("A new first paragraph.\n\n{text}");
    let new: Arc<Document> = Arc::new(parse(&edited, Format::Markdown, "a", Some("en")));
    let key = "/news/a.md".to_string();
    group.bench_function("article_3MB", |b| {
        b.iter_batched(
            || {
                let mut state = State::new(
                    library(1, None, Some("a.md")),
                    Settings::default(),
                    Keymap::default(),
                );
                update(&mut state, Action::Resize(100, 30));
                update(
                    &mut state,
                    Action::Loaded {
                        entry: 0,
                        result: Ok(Arc::clone(&old)),
                    },
                );
                // Halfway through.
                for _ in 0..(old.block_count() / 2 / 10) {
                    update(&mut state, Action::Command(Command::PageDown));
                }
                state
            },
            |mut state| {
                update(
                    &mut state,
                    Action::Reloaded {
                        entry: 0,
                        key: key.clone(),
                        result: Ok(Arc::clone(&new)),
                    },
                );
                black_box(state)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, index_reloaded, article_reloaded);
criterion_main!(benches);
