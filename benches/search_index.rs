//! The phases of a library-wide search on a generated library, timed one by one (medians of
//! RUNS runs, default 5), with the index built and nothing changed: what a warm `blatt
//! search` does, in order. Opening the library from the listing kept in the cache (and, for
//! comparison, loading it from INDEX.md as the reader does); looking at every article's
//! file (one `lstat` each, on a few threads); opening the index (its list of articles);
//! comparing the two; the reader's kept stamps (its folder watched, nothing changed); and
//! per query the candidates, then the matcher on each candidate
//! article, against reading every article without the index. Last, the reader's whole
//! library-wide search per query (its worker, from the job to its last result, in a reader
//! that got its first search ready), beside `grep -rl` of the same folder in the same run.
//! QUERIES=a,b sets the queries.
//!
//!     python3 scripts/gen_library.py /tmp/lib100000 --articles 100000
//!     BLATT_CACHE_DIR=/tmp/cache blatt search x /tmp/lib100000   # builds the index
//!     BLATT_CACHE_DIR=/tmp/cache BLATT_BENCH_LIBRARY=/tmp/lib100000 \
//!         cargo bench --bench search_index
//!
//! Without BLATT_BENCH_LIBRARY it says so and does nothing. SCAN=0 leaves out the searches
//! without the index (seconds each at 100,000 articles).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use blatt::search::index::{self, FileStamps, LibraryIndex, listing};
use blatt::search::library::search_library;
use blatt::search::{Options, Query};

/// The queries: `QUERIES` (separated by commas), or four of the generated library's.
fn queries() -> Vec<String> {
    std::env::var("QUERIES")
        .map(|q| q.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| {
            ["Quokka-Zebrafinch", "K00042", "Prince Andrew", "Regierung"]
                .map(str::to_string)
                .to_vec()
        })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The median time of `f`, and its last result; the results are dropped after the timing
/// (freeing 100,000 entries is not part of what is measured).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut results = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        results.push(f());
        times.push(t.elapsed());
    }
    (median(times), results.pop().expect("at least one run"))
}

fn main() {
    let Some(lib) = std::env::var_os("BLATT_BENCH_LIBRARY") else {
        eprintln!("BLATT_BENCH_LIBRARY is not set: nothing to measure");
        return;
    };
    let lib = Path::new(&lib);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let scan = std::env::var("SCAN").map_or(true, |s| s != "0");
    let config = blatt::config::Config::default();
    let cache = index::cache_root().expect("cache dir");
    println!(
        "load average {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    let (load, loaded) = time(runs.min(3), || {
        let mut l = blatt::library::load_library(lib).expect("library");
        l.check_all();
        l
    });
    println!(
        "load_library and check {} entries (the reader's way): {load:.2?}",
        loaded.entries.len()
    );
    let (open, opened) = time(runs, || listing::open(lib, &cache).expect("library"));
    assert!(
        opened.cached,
        "run once before: the listing is written then"
    );
    assert_eq!(opened.library, loaded, "the listing is not the library");
    println!("listing::open (from the cache, every file looked at): {open:.2?}");
    let (open, opened) = time(runs, || {
        listing::open_with(lib, &cache, listing::Fields::Search).expect("library")
    });
    println!("listing::open_with Fields::Search (as blatt search opens it): {open:.2?}");
    let library = std::sync::Arc::new(opened.library);
    let (copy, _) = time(runs, || blatt::library::Library::clone(&library));
    println!(
        "Library::clone (what a copy would cost: the reader shares its library with its search worker): {copy:.2?}"
    );
    let (look, files) = time(runs, || FileStamps::of(&library));
    println!("FileStamps::of (one lstat per article): {look:.2?}");
    // The reader watches the library's folder and keeps the stamps between its searches:
    // a later search looks only at the files that had an event since.
    let mut kept = blatt::runtime::stamps::KeptStamps::default();
    let (watch, setting_up) = time(1, || {
        kept.watch(&library).expect("watch the library's folder")
    });
    let t = Instant::now();
    setting_up
        .expect("a new watch")
        .join()
        .expect("the watch is set up");
    println!(
        "KeptStamps::watch: {watch:.2?} on the reader's thread, then {:.2?} setting the watch up on its own",
        t.elapsed()
    );
    let stamps = kept.handle();
    let (first_look, _) = time(1, || stamps.look(&library));
    let (kept_look, looked) = time(runs, || stamps.look(&library));
    assert!(
        !looked.all && *looked.stamps == files,
        "the kept stamps are the files'"
    );
    println!(
        "kept stamps (the reader, its folder watched): first look {first_look:.2?}, then with nothing changed {kept_look:.2?} ({} files looked at)",
        looked.looked
    );

    let dir = index::library_index_dir(&cache, &library).expect("a library on disk");
    let (open_index, idx) = time(runs, || LibraryIndex::open_or_create(&dir).expect("index"));
    println!("LibraryIndex::open_or_create (its list of articles): {open_index:.2?}");
    let read = |p: &Path| blatt::headless::read_for_search(p, &config).map_err(|e| e.to_string());
    let cancel = AtomicBool::new(false);
    let (update, stats) = time(runs, || {
        idx.update_with(&library, &files, &read, &cancel, &mut |_| {})
            .expect("update")
    });
    println!("update_with, nothing changed: {update:.2?} ({stats:?})");
    for q in queries() {
        let query = Query::new(&q, Options::default()).expect("query");
        let search = |candidates: Option<&index::Candidates>| {
            let mut hits = 0usize;
            let mut first = None;
            let t = Instant::now();
            search_library(
                &library,
                &query,
                candidates,
                blatt::search::library::Listing::ALL,
                &|_, p| read(p),
                &cancel,
                &mut |_, h| {
                    let n = h.map_or(0, |h| h.count);
                    if n > 0 && first.is_none() {
                        first = Some(t.elapsed());
                    }
                    hits += n;
                },
            );
            (hits, first)
        };
        let (cands, c) = time(runs, || idx.candidates(&q).expect("candidates"));
        let (with, (hits, first)) = time(runs, || search(c.as_ref()));
        let scanned = if scan {
            let (without, (hits2, _)) = time(runs.min(3), || search(None));
            assert_eq!(hits, hits2, "the index lost hits for {q}");
            format!("; scan: all {without:.2?}")
        } else {
            String::new()
        };
        println!(
            "{q:?}: {hits} hits in {} articles; candidates {cands:.2?}, then first hit {first:.2?}, all {with:.2?}{scanned}",
            c.map_or(0, |c| c.matching())
        );
    }
    reader_search(lib, &loaded, &cache, &config, runs);
}

/// The reader's library-wide search from `S` Enter to its last result, as its worker does
/// it (`workers::search_library`, results through the channel), in a reader that got the
/// search ready when the library came in (`KeptStamps::prepare`: the folder watched and
/// every file looked at before): the library shared with the job, the look at what
/// changed, the index opened and brought up to date, its candidates, and the matcher on
/// each of them.
fn reader_search(
    lib: &Path,
    library: &blatt::library::Library,
    cache: &Path,
    config: &blatt::config::Config,
    runs: usize,
) {
    use blatt::app::Action;
    use blatt::app::results::{LibrarySearch, SearchEvent};
    use blatt::runtime::workers::{self, Outbox, Source};
    use std::sync::Arc;

    // The reader shares its library with its search worker.
    let library = Arc::new(library.clone());
    let mut kept = blatt::runtime::stamps::KeptStamps::default();
    let cache_dir = cache.to_path_buf();
    let (ready, thread) = time(1, || kept.prepare(&library, || Some(cache_dir.clone())));
    let thread = thread.expect("the library has an index: its first search is got ready");
    let t = Instant::now();
    thread.join().expect("the look");
    println!(
        "KeptStamps::prepare: {ready:.2?} on the reader's thread, then the look at every file {:.2?} on its own",
        t.elapsed()
    );
    // The reader keeps the index open from one search to the next.
    let index = blatt::search::index::KeptIndex::default();
    for q in queries() {
        let query = Arc::new(Query::new(&q, Options::default()).expect("query"));
        let (tx, rx) = std::sync::mpsc::channel();
        let (mut firsts, mut alls, mut found) = (Vec::new(), Vec::new(), (0, 0));
        for _ in 0..runs {
            // The searches a person makes are further apart than this (and the worker's
            // threads are gone by then).
            std::thread::sleep(Duration::from_millis(300));
            let t = Instant::now();
            let job = LibrarySearch {
                id: 1,
                text: q.to_string(),
                regex: false,
                query: Arc::clone(&query),
                library: Arc::clone(&library),
            };
            workers::search_library(
                job,
                index.clone(),
                Some(cache.to_path_buf()),
                Some(kept.handle()),
                config.max_article_bytes(),
                Arc::new(AtomicBool::new(false)),
                Outbox::new(tx.clone(), Source::Search, None),
                Outbox::new(tx.clone(), Source::Search, None),
            )
            .expect("the worker starts");
            let (mut hits, mut articles, mut first) = (0, 0, None);
            loop {
                let sent = rx.recv().expect("the worker sends until it is done");
                let Action::SearchedAll { event, .. } = sent.action else {
                    continue;
                };
                let events = match event {
                    SearchEvent::Several(events) => events,
                    SearchEvent::Done => break,
                    event => vec![event],
                };
                for event in events {
                    if let SearchEvent::Article { count, .. } = event {
                        first.get_or_insert_with(|| t.elapsed());
                        hits += count;
                        articles += 1;
                    }
                }
            }
            alls.push(t.elapsed());
            firsts.extend(first);
            found = (hits, articles);
        }
        let (all, (hits, articles)) = (median(alls), found);
        // `grep -rl` of the same folder, in the same run.
        let grep = (0..runs.min(5))
            .map(|_| {
                let t = Instant::now();
                let ran = std::process::Command::new("grep")
                    .args(["-rlF", "--", q.as_str()])
                    .arg(lib)
                    .stdout(std::process::Stdio::null())
                    .status();
                ran.is_ok().then(|| t.elapsed())
            })
            .collect::<Option<Vec<_>>>()
            .map(median);
        let first = if firsts.is_empty() {
            None
        } else {
            Some(median(firsts))
        };
        println!(
            "the reader, {q:?}: {hits} hits in {articles} articles; first on its way {first:.2?}, all {all:.2?}{}",
            grep.map_or(String::new(), |g| format!(
                "; grep -rl {g:.2?} ({:.3}x)",
                all.as_secs_f64() / g.as_secs_f64()
            ))
        );
    }
}
