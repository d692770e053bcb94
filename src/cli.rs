//! Command-line interface: the reader by default, and headless commands for scripts.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "blatt",
    version,
    about = "A full-screen terminal reader for news articles kept in a folder with an INDEX.md",
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    /// A library folder, an INDEX.md, or a single article to open. Without it: the library
    /// from the config, else the bundled one (and the article you were reading, if any).
    pub path: Option<PathBuf>,

    /// Start at the library instead of reopening the last article.
    #[arg(long)]
    pub fresh: bool,

    /// Where config.toml and the reading state live (also: BLATT_CONFIG_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Print the default configuration, with comments, and exit.
    #[arg(long)]
    pub print_default_config: bool,

    #[command(subcommand)]
    pub command: Option<Headless>,
}

#[derive(Debug, Subcommand)]
pub enum Headless {
    /// List the entries of a library: title, path and status, one per line.
    List {
        /// A library folder or its INDEX.md; the bundled library if left out.
        library: Option<PathBuf>,
        /// One JSON array of entries, for programs.
        #[arg(long)]
        json: bool,
    },
    /// Print the section headings of an article, in order.
    Toc { document: PathBuf },
    /// Print an article as the reader lays it out, as plain text.
    Render {
        document: PathBuf,
        /// Column width in cells.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(1..))]
        width: u16,
    },
    /// Find text in every article of a library: one line per match, `title › section:
    /// snippet`. Exits as grep does: 0 when something matched, 1 when nothing did, 2 on
    /// trouble (a bad pattern, a library that cannot be read).
    Search {
        /// What to look for: smart case (case matters only if it has an uppercase letter),
        /// diacritics ignored unless it has some.
        query: String,
        /// A library folder or its INDEX.md; the bundled library if left out.
        library: Option<PathBuf>,
        /// One JSON array of matches, for programs.
        #[arg(long)]
        json: bool,
        /// Read the query as a regular expression (Rust `regex` syntax).
        #[arg(long)]
        regex: bool,
        /// Case always matters.
        #[arg(long)]
        case_sensitive: bool,
        /// Read every article instead of asking the search index (kept in the cache
        /// directory, also: BLATT_CACHE_DIR) which may match; the output is the same.
        #[arg(long)]
        no_index: bool,
        /// Say on stderr what the index did (articles read, unchanged, removed) and how many
        /// articles it left to search.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Make DIR/INDEX.md from the articles in DIR (subfolders are groups), or bring the one
    /// there up to date: new articles are added at the end of their group, entries whose
    /// file is gone are struck through, and every hand edit is kept.
    Index {
        /// The library folder.
        dir: PathBuf,
        /// Print what would change, as a unified diff, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print all bookmarks.
    Bookmarks {
        /// As JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// As a Markdown list with one link per bookmark.
        #[arg(long)]
        markdown: bool,
    },
}
