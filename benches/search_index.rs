//! The phases of a library-wide search on a generated library, timed one by one (medians of
//! RUNS runs, default 5): loading and checking the library, bringing a fresh index up to
//! date (only stats), and the query itself with the index ready (candidates, then the
//! matcher on each candidate article) and without it. The query phase is what the reader
//! pays per search once its library is loaded and the index updated in the background.
//!
//!     python3 scripts/gen_library.py /tmp/lib100k
//!     BLATT_CACHE_DIR=/tmp/cache blatt search x /tmp/lib100k   # builds the index
//!     BLATT_CACHE_DIR=/tmp/cache BLATT_BENCH_LIBRARY=/tmp/lib100k \
//!         cargo bench --bench search_index
//!
//! Without BLATT_BENCH_LIBRARY it says so and does nothing.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use blatt::search::index::{self, LibraryIndex};
use blatt::search::library::search_library;
use blatt::search::{Options, Query};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn main() {
    let Some(lib) = std::env::var_os("BLATT_BENCH_LIBRARY") else {
        eprintln!("BLATT_BENCH_LIBRARY is not set: nothing to measure");
        return;
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let config = blatt::config::Config::default();
    let (load, library) = time(runs, || {
        let mut l = blatt::library::load_library(Path::new(&lib)).expect("library");
        l.check_all();
        l
    });
    println!(
        "load and check {} entries: {load:.2?}",
        library.entries.len()
    );
    let cache = index::cache_root().expect("cache dir");
    let dir = index::library_index_dir(&cache, &library).expect("a library on disk");
    let idx = LibraryIndex::open_or_create(&dir).expect("index");
    let read = |p: &Path| blatt::headless::read_document(p, &config).map_err(|e| e.to_string());
    let cancel = AtomicBool::new(false);
    let (update, stats) = time(runs, || {
        idx.update(&library, &read, &cancel, &mut |_| {})
            .expect("update")
    });
    println!("update, nothing changed: {update:.2?} ({stats:?})");
    for q in ["Quokka-Zebrafinch", "K00042", "Prince Andrew", "Regierung"] {
        let query = Query::new(q, Options::default()).expect("query");
        let search = |candidates: Option<&index::Candidates>| {
            let mut hits = 0usize;
            let mut first = None;
            let t = Instant::now();
            search_library(&library, &query, candidates, &read, &cancel, &mut |_, h| {
                let n = h.map_or(0, |h| h.len());
                if n > 0 && first.is_none() {
                    first = Some(t.elapsed());
                }
                hits += n;
            });
            (hits, first)
        };
        let (with, (hits, first)) = time(runs, || {
            let c = idx.candidates(q).expect("candidates");
            search(c.as_ref())
        });
        let (cands, c) = time(runs, || idx.candidates(q).expect("candidates"));
        let (without, (hits2, _)) = time(runs.min(3), || search(None));
        assert_eq!(hits, hits2, "the index lost hits for {q}");
        println!(
            "{q:?}: {hits} hits in {} articles; index: candidates {cands:.2?}, first hit {first:.2?}, all {with:.2?}; scan: all {without:.2?}",
            c.map_or(0, |c| c.matching())
        );
    }
}
