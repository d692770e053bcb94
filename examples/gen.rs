//! Writes the generated benchmark inputs to files, for `scripts/compare.sh` and for trying
//! the reader by hand. The text is the same as the criterion benchmarks use.
//!
//! ```text
//! cargo run --release --example gen -- article 100 /tmp/a100.txt    # 100 MB article
//! cargo run --release --example gen -- mixed 10 /tmp/mixed.txt      # 10 MB mixed text
//! cargo run --release --example gen -- corpus 10 /tmp/corpus.txt    # 10 MB of real text
//! cargo run --release --example gen -- corpus 10 /tmp/corpus.txt ../shared/corpus
//! cargo run --release --example gen -- index 100000 /tmp/lib        # lib/INDEX.md
//! cargo run --release --example gen -- index 100000 /tmp/lib files  # ... and the articles
//! ```
//!
//! `corpus` builds issue 13's mixed text from the shared corpus (`../shared/corpus` unless a
//! folder is given; see `common::corpus_mixed`).

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            eprintln!(
                "usage: gen article|mixed MEGABYTES FILE | gen corpus MEGABYTES FILE [CORPUS] \
                 | gen index ENTRIES DIR [files]"
            );
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [kind, amount, path, rest @ ..] = args else {
        return Err("missing arguments".into());
    };
    let amount: f64 = amount.parse()?;
    match kind.as_str() {
        "article" => std::fs::write(path, common::article((amount * 1048576.0) as usize, 1))?,
        "mixed" => std::fs::write(path, common::mixed((amount * 1048576.0) as usize, 3))?,
        "corpus" => {
            let dir = Path::new(rest.first().map_or("../shared/corpus", String::as_str));
            std::fs::write(
                path,
                common::corpus_mixed(dir, (amount * 1048576.0) as usize)?,
            )?;
        }
        "index" => {
            let entries = amount as usize;
            let dir = Path::new(path);
            std::fs::create_dir_all(dir.join("articles"))?;
            std::fs::write(dir.join("INDEX.md"), common::index(entries, 7))?;
            if rest.first().is_some_and(|r| r == "files") {
                for i in 0..entries {
                    let body = format!("Article {i}\n\nThe {} of article {i}.\n", common::MARKER);
                    std::fs::write(dir.join(format!("articles/{i:06}.txt")), body)?;
                }
            }
        }
        other => return Err(format!("unknown kind {other}").into()),
    }
    Ok(())
}
