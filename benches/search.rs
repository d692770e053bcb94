//! Searching inside one article, against the speed targets of issue 14:
//!
//! * `find_3MB`: the first match of an incremental search in War and Peace (3.2 MB, from
//!   the shared corpus; a generated article of that size when the corpus is not there),
//!   from the middle of the book, searched as the reader's worker searches: from the
//!   block at the top of the screen (`find_from`), a chunk of blocks at a time (64 KB,
//!   then twice as much each time, up to 1 MB), to the end and then from the start, until
//!   a chunk has a match. `next` is `n` when the search has not got there yet: the match
//!   after that one, found the same way. A query that is nowhere searches the whole book.
//!   Target: within a frame (16 ms).
//! * `count_100MB`: every match in the generated 100 MB article (the `3/17` of the status
//!   line needs them all), one `find` over all blocks. Target: no slower than 2x
//!   `grep -c` on the same file, which `scripts/compare.sh` (section 5) runs side by side
//!   with this count through `BLATT_COUNT_FILE`:
//!
//!       BLATT_COUNT_FILE=/tmp/a100.txt BLATT_COUNT_QUERY=prince RUNS=5 \
//!           cargo bench --bench search
//!
//!   prints `matches N`, then the median time of the count in ms, and runs nothing else.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};

use blatt::document::{self, Document};
use blatt::search::document::{Hit, Place, find, find_from};
use blatt::search::{Options, Query};

const KB: usize = 1024;
const MB: usize = 1024 * KB;
/// The reader's worker: the first chunk of blocks, and the most a chunk grows to.
const CHUNK_FIRST: usize = 64 * KB;
const CHUNK_MAX: usize = MB;

static BOOK: LazyLock<(String, Document)> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/large/pg2600-war-and-peace.txt");
    match std::fs::read(&path) {
        Ok(bytes) => ("War and Peace".into(), load(&bytes, "war-and-peace.txt")),
        Err(_) => (
            "generated 3 MB".into(),
            load(common::article(3 * MB, 5).as_bytes(), "article.txt"),
        ),
    }
});
static DOC_100MB: LazyLock<Document> =
    LazyLock::new(|| load(common::article(100 * MB, 1).as_bytes(), "article.txt"));

fn load(bytes: &[u8], name: &str) -> Document {
    match document::load(bytes, name, "Article", None) {
        Ok(doc) => doc,
        Err(e) => panic!("{name} does not load: {e}"),
    }
}

fn query(text: &str) -> Query {
    Query::new(text, Options::default()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The first match at or after `from`, searched as the reader's worker searches (see the
/// module documentation).
fn first_match(doc: &Document, query: &Query, from: Place) -> Option<Hit> {
    let count = doc.block_count();
    let mut chunk = CHUNK_FIRST;
    let mut hits = Vec::new();
    for (part, wrapped) in [(from.block..count, false), (0..from.block, true)] {
        let mut start = part.start;
        while start < part.end {
            let mut end = start;
            let mut bytes = 0;
            while end < part.end && bytes < chunk {
                bytes += doc.block(end).text.len() + 1;
                end += 1;
            }
            hits.clear();
            if start == from.block && !wrapped {
                find_from(doc, query, start..end, &mut hits);
            } else {
                find(doc, query, start..end, &mut hits);
            }
            if let Some(hit) = hits.iter().find(|h| wrapped || h.start >= from) {
                return Some(*hit);
            }
            start = end;
            chunk = (chunk * 2).min(CHUNK_MAX);
        }
    }
    None
}

fn find_3mb(c: &mut Criterion) {
    let (name, doc) = &*BOOK;
    let middle = Place {
        block: doc.block_count() / 2,
        offset: 0,
    };
    let mut group = c.benchmark_group("find_3MB");
    group.throughput(Throughput::Bytes(doc.total));
    for text in ["Natasha", "borodino", "quokka"] {
        let q = query(text);
        let first = first_match(doc, &q, middle);
        eprintln!(
            "{name}: {text:?} from block {} of {}: first match {:?}",
            middle.block,
            doc.block_count(),
            first.map(|h| h.start)
        );
        group.bench_with_input(BenchmarkId::new("first", text), &q, |b, q| {
            b.iter(|| first_match(black_box(doc), q, middle));
        });
        if let Some(first) = first {
            group.bench_with_input(BenchmarkId::new("next", text), &q, |b, q| {
                b.iter(|| first_match(black_box(doc), q, first.end));
            });
        }
    }
    group.finish();
}

fn count_100mb(c: &mut Criterion) {
    let doc = &*DOC_100MB;
    let mut group = c.benchmark_group("count_100MB");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(doc.total));
    for text in ["prince", "Prince", "Quokka-Zebrafinch"] {
        let q = query(text);
        group.bench_with_input(BenchmarkId::from_parameter(text), &q, |b, q| {
            b.iter(|| count(black_box(doc), q));
        });
    }
    group.finish();
}

fn count(doc: &Document, query: &Query) -> usize {
    let mut hits = Vec::new();
    find(doc, query, 0..doc.block_count(), &mut hits);
    hits.len()
}

/// `BLATT_COUNT_FILE` (and `BLATT_COUNT_QUERY`, `RUNS`): the count for compare.sh.
fn count_file(path: &str) {
    let text = std::env::var("BLATT_COUNT_QUERY").unwrap_or_else(|_| "prince".into());
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let doc = blatt::headless::read_document(Path::new(path), &blatt::config::Config::default())
        .unwrap_or_else(|e| panic!("{path}: {e:#}"));
    let q = query(&text);
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = count(&doc, &q);
        times.push(t.elapsed());
    }
    times.sort();
    println!("matches {n}");
    println!("{:.1}", times[times.len() / 2].as_secs_f64() * 1000.0);
}

criterion_group!(benches, find_3mb, count_100mb);

fn main() {
    if let Ok(path) = std::env::var("BLATT_COUNT_FILE") {
        count_file(&path);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
