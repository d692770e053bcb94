//! Command-line interface: the reader by default, and headless commands for scripts.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// One example per command, under `blatt --help`.
const EXAMPLES: &str = "Examples:
  blatt                                  the library you read last (or the bundled one)
  blatt ~/news                           a library: a folder with an INDEX.md
  blatt ~/news/report.md#results         one article, at its section `results`
  blatt ~/news --open report.md --section 3
  blatt list ~/news --json               the entries, for programs
  blatt toc ~/news/report.md             the section headings of an article
  blatt render ~/news/report.md --width 72
  blatt search 'open data' ~/news        every match in every article
  blatt index ~/news --dry-run           what INDEX.md would become, as a diff
  blatt bookmarks --markdown             all bookmarks as a Markdown list
  blatt add https://example.org/story ~/news --group Tech   save a web page as an article
  blatt fetch ~/news                     new items of the configured feeds into the library
  blatt feeds import feeds.opml          add the feeds of an OPML file to config.toml
  blatt feeds export > feeds.opml        the configured feeds as OPML
  blatt completions bash > ~/.local/share/bash-completion/completions/blatt
  blatt man > ~/.local/share/man/man1/blatt.1";

#[derive(Debug, Parser)]
#[command(
    name = "blatt",
    version,
    about = "A full-screen terminal reader for news articles kept in a folder with an INDEX.md",
    subcommand_precedence_over_arg = true,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// A library folder, an INDEX.md, or a single article to open (`ARTICLE#section-slug`
    /// opens it at that section). Without it: the library from the config, else the bundled
    /// one (and the article you were reading, if any).
    pub path: Option<PathBuf>,

    /// Open the article at section N (1 is the first, as the status line counts).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub section: Option<u32>,

    /// Open this entry of the library: its file as INDEX.md links it, its title, or its
    /// number in the list (1 is the first); `ENTRY#section-slug` opens it at that section.
    #[arg(long, value_name = "ENTRY")]
    pub open: Option<String>,

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
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print blatt's manual page (roff; `man -l` shows it).
    Man,
    /// Save a web page (or a local .html file) as a Markdown article of a library:
    /// `LIBRARY/<group>/<date>-<slug>.md`, listed in INDEX.md under the group. A page saved
    /// before (the same address, after canonicalisation) is not saved again.
    Add {
        /// An http or https address, or a local HTML file.
        source: String,
        /// A library folder or its INDEX.md; default: the configured library.
        library: Option<PathBuf>,
        /// The group (INDEX.md heading and folder); default: the site's name.
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
    },
    /// Fetch every feed configured in config.toml ([[feeds]]) and save its new items as
    /// articles of the library. Prints a summary; exits 1 only when every feed failed.
    Fetch {
        /// A library folder or its INDEX.md; default: the configured library.
        library: Option<PathBuf>,
    },
    /// Import or export the configured feeds as OPML.
    Feeds {
        #[command(subcommand)]
        action: FeedsAction,
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

#[derive(Debug, Subcommand)]
pub enum FeedsAction {
    /// Add the feeds of an OPML file to config.toml (feeds already there are skipped).
    Import { file: PathBuf },
    /// Print the configured feeds as OPML.
    Export,
}
