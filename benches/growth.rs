//! Does any stage of the way in take more than linear time on hostile input?
//!
//! In the manner of pulldown-cmark's dos-fuzzer: each pattern is repeated `n` and `2n` times,
//! every stage (decode, sanitize, parsing as plain text and as Markdown, laying out both
//! documents, parsing as INDEX.md) runs on both sizes, and the ratio of the times is printed.
//! Linear work doubles (ratio about 2), quadratic work quadruples. Each sample repeats the
//! stage until it has run long enough to be measured, and each time is the fastest of
//! several samples, so the ratios hold on a busy machine too.
//!
//! Run with `cargo bench --bench growth`; it exits non-zero when a ratio exceeds
//! [`LIMIT`]. `cargo bench --bench growth -- <filter>` runs only the patterns whose name
//! contains the filter. Not a test: tests must not depend on timing.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use blatt::document::{self, Document, Format, decode, sanitize};
use blatt::layout::{WrapOptions, render_plain};
use blatt::library::parse_index;

/// A ratio above this fails the run. Linear is 2.0 and quadratic 4.0; the slack is for
/// caches (the 2n input may no longer fit where the n input did) and noise.
const LIMIT: f64 = 3.0;
/// About how many bytes the `n` input of every pattern has.
const TARGET_BYTES: usize = 128 * 1024;
/// Samples per measurement; the fastest is taken.
const SAMPLES: usize = 7;
/// A sample repeats its stage until at least this much time has passed.
const MIN_SAMPLE: Duration = Duration::from_millis(4);
/// A single run longer than this is measured once, not sampled: it is already news.
const SLOW: Duration = Duration::from_secs(2);

/// A name and the text for `n` repetitions.
struct Pattern(&'static str, fn(usize) -> String);

fn rep(unit: &str, n: usize) -> String {
    unit.repeat(n)
}

const PATTERNS: &[Pattern] = &[
    Pattern("> nested quotes", |n| rep("> ", n) + "a\n"),
    Pattern("- nested lists", |n| rep("- ", n) + "a\n"),
    Pattern("nested list lines", |n| rep("- a\n  ", n) + "b\n"),
    Pattern("[a]( open links", |n| rep("[a](", n)),
    Pattern("[ then ]", |n| rep("[", n) + &rep("]", n)),
    Pattern("![a]( images", |n| rep("![a](", n)),
    Pattern("*a emphasis", |n| rep("*a", n)),
    Pattern("_a** mixed", |n| rep("_a**", n)),
    Pattern("` backtick ladder", backtick_ladder),
    Pattern("<a html/autolinks", |n| rep("<a", n)),
    Pattern("&#x1b; entities", |n| rep("&#x1b;", n)),
    Pattern("\\t runs", |n| rep("\t", n) + "x\n"),
    Pattern("a\\t a line of tabs", |n| rep("a\t", n)),
    Pattern("\\r only", |n| rep("word\r", n)),
    Pattern("combining marks", |n| "e".to_string() + &rep("\u{301}", n)),
    Pattern("e+mark words", |n| rep("e\u{301}\u{302} ", n)),
    Pattern("long word", |n| rep("a", n)),
    Pattern("long hyphenable word", |n| rep("Datenschutz", n)),
    Pattern("one long paragraph", |n| rep("word ", n)),
    Pattern("ESC ] repeated", |n| rep("\u{1b}]", n)),
    Pattern("ESC [ repeated", |n| rep("\u{1b}[", n)),
    Pattern("C1 OSC repeated", |n| rep("\u{9d}x", n)),
    Pattern("many headings", |n| rep("# h\n## i\n### j\n", n)),
    Pattern("heading ladder", heading_ladder),
    Pattern("CJK run", |n| rep("人人生而自由", n)),
    Pattern("CJK lines", |n| {
        rep("人人生而自由，在尊严和权利上一律平等。\n", n)
    }),
    Pattern("emoji ZWJ", |n| rep("👨\u{200d}👩\u{200d}👧", n)),
    Pattern("wide table", wide_table),
    Pattern("long table", |n| {
        "|a|b|\n|-|-|\n".to_string() + &rep("|x|y|\n", n)
    }),
    Pattern("index entries", |n| rep("- [a](b.txt) — src, de — d\n", n)),
    Pattern("links in one item", |n| {
        "- ".to_string() + &rep("[a](b.txt) ", n)
    }),
    Pattern("code fence lines", |n| {
        "```\n".to_string() + &rep("\tx = 1;\n", n)
    }),
];

/// "`a``a```a ..." with ever longer runs: no run closes an earlier one.
fn backtick_ladder(n: usize) -> String {
    let mut s = String::new();
    let mut k = 1;
    while s.len() < n {
        s.push_str(&"`".repeat(k));
        s.push('a');
        k += 1;
    }
    s
}

/// Headings going 1..6 deep and back, so the section path changes at every one.
fn heading_ladder(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let level = [1, 2, 3, 4, 5, 6, 5, 4, 3, 2][i % 10];
        s.push_str(&"#".repeat(level));
        s.push_str(" h\ntext\n");
    }
    s
}

fn wide_table(n: usize) -> String {
    format!("{}|\n{}|\n{}|\n", rep("|a", n), rep("|-", n), rep("|b", n))
}

#[derive(Clone, Copy)]
enum Stage {
    Decode,
    Sanitize,
    ParsePlain,
    ParseMarkdown,
    LayoutPlain,
    LayoutMarkdown,
    Index,
}

const STAGES: &[(Stage, &str)] = &[
    (Stage::Decode, "decode"),
    (Stage::Sanitize, "sanitize"),
    (Stage::ParsePlain, "parse-txt"),
    (Stage::ParseMarkdown, "parse-md"),
    (Stage::LayoutPlain, "layout-txt"),
    (Stage::LayoutMarkdown, "layout-md"),
    (Stage::Index, "index"),
];

/// One input prepared up to each stage, so a stage is timed on its own.
struct Prepared {
    bytes: Vec<u8>,
    text: String,
    clean: String,
    plain: Document,
    markdown: Document,
}

const OPTIONS: WrapOptions = WrapOptions {
    width: 40,
    hyphenate: true,
    justify: true,
};

impl Prepared {
    fn new(text: String) -> Self {
        let clean = sanitize::sanitize(&text);
        Prepared {
            bytes: text.clone().into_bytes(),
            plain: document::parse(&clean, Format::Plain, "t", Some("de")),
            markdown: document::parse(&clean, Format::Markdown, "t", Some("de")),
            text,
            clean,
        }
    }

    fn run(&self, stage: Stage) {
        match stage {
            Stage::Decode => {
                black_box(decode::decode(black_box(&self.bytes)).ok());
            }
            Stage::Sanitize => {
                black_box(sanitize::sanitize(black_box(&self.text)));
            }
            Stage::ParsePlain => {
                black_box(document::parse(&self.clean, Format::Plain, "t", Some("de")));
            }
            Stage::ParseMarkdown => {
                black_box(document::parse(
                    &self.clean,
                    Format::Markdown,
                    "t",
                    Some("de"),
                ));
            }
            Stage::LayoutPlain => {
                black_box(render_plain(&self.plain, OPTIONS));
            }
            Stage::LayoutMarkdown => {
                black_box(render_plain(&self.markdown, OPTIONS));
            }
            Stage::Index => {
                black_box(parse_index(black_box(&self.text)));
            }
        }
    }

    /// How many runs of `stage` make one sample of at least [`MIN_SAMPLE`], or `None` when a
    /// single run is already slower than [`SLOW`].
    fn reps(&self, stage: Stage) -> Option<u32> {
        let start = Instant::now();
        self.run(stage);
        let once = start.elapsed();
        (once < SLOW)
            .then(|| (MIN_SAMPLE.as_nanos() / once.as_nanos().max(1)).clamp(1, 100_000) as u32)
    }

    /// Time per run of `stage`, over one sample of `reps` runs.
    fn sample(&self, stage: Stage, reps: u32) -> Duration {
        let start = Instant::now();
        for _ in 0..reps {
            self.run(stage);
        }
        start.elapsed() / reps
    }
}

/// The fastest of [`SAMPLES`] samples each of `small` and `large`, taken alternately so that
/// a busy spell on the machine hits both alike. The minimum, not the median: other load
/// only ever adds time.
fn time_pair(small: &Prepared, large: &Prepared, stage: Stage) -> (Duration, Duration) {
    let (Some(rs), Some(rl)) = (small.reps(stage), large.reps(stage)) else {
        return (small.sample(stage, 1), large.sample(stage, 1));
    };
    let (mut a, mut b) = (Duration::MAX, Duration::MAX);
    for _ in 0..SAMPLES {
        a = a.min(small.sample(stage, rs));
        b = b.min(large.sample(stage, rl));
    }
    (a, b)
}

/// The repetition count that makes the pattern about [`TARGET_BYTES`] long.
fn size_for(pattern: &Pattern) -> usize {
    let mut n = 16;
    while pattern.1(n).len() < TARGET_BYTES && n < 1 << 24 {
        n *= 2;
    }
    n
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; anything else is a filter on pattern names.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    // Load the hyphenation dictionary before timing anything.
    render_plain(
        &Prepared::new("Datenschutzprotokolle".into()).plain,
        OPTIONS,
    );

    print!("{:<22} {:>8}", "pattern", "n bytes");
    for (_, name) in STAGES {
        print!(" {name:>10}");
    }
    println!();

    let mut failures = Vec::new();
    for pattern in PATTERNS {
        if !filter.is_empty() && !filter.iter().any(|f| pattern.0.contains(f.as_str())) {
            continue;
        }
        let n = size_for(pattern);
        let small = Prepared::new(pattern.1(n));
        let large = Prepared::new(pattern.1(2 * n));
        print!("{:<22} {:>8}", pattern.0, small.bytes.len());
        for &(stage, stage_name) in STAGES {
            // A ratio over the limit is measured again, up to twice, and the lowest counts:
            // quadratic work stays over it every time, a busy spell or the allocator
            // switching to mmap for the larger buffer does not.
            let mut ratio = f64::INFINITY;
            let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
            for _ in 0..3 {
                let (ta, tb) = time_pair(&small, &large, stage);
                let r = tb.as_secs_f64() / ta.as_secs_f64().max(1e-9);
                if r < ratio {
                    (ratio, a, b) = (r, ta, tb);
                }
                if ratio <= LIMIT || ta >= SLOW {
                    break;
                }
            }
            let mark = if ratio > LIMIT { "!" } else { " " };
            print!(" {ratio:>9.2}{mark}");
            if ratio > LIMIT {
                failures.push(format!(
                    "{}: {stage_name} took {a:?} at n={n} and {b:?} at 2n (x{ratio:.2})",
                    pattern.0
                ));
            }
        }
        println!();
    }
    println!("\nratio = time(2n) / time(n); linear is 2, quadratic 4; limit {LIMIT}");
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("\nsuperlinear:");
        for f in &failures {
            println!("  {f}");
        }
        ExitCode::FAILURE
    }
}
