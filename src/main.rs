//! The `blatt` binary: parses the command line and runs the reader or a headless command.
//! Errors go to stderr with exit code 1; usage errors exit with 2 (clap).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use blatt::app::links::Deep;
use blatt::app::{Keymap, Settings, State};
use blatt::cli::{Cli, Headless};
use blatt::config::{self, Config};
use blatt::library::{self, Library};
use blatt::store::{self, Op, Store};
use blatt::ui::Theme;
use blatt::ui::theme::ColorDepth;
use blatt::{headless, terminal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `blatt search` exits as grep does: 1 when nothing matched, 2 on trouble.
    let searching = matches!(cli.command, Some(Headless::Search { .. }));
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<headless::NoMatch>() => ExitCode::from(1),
        Err(e) => {
            terminal::restore_if_needed();
            // Paths in messages may name hostile files: never print their controls raw.
            let message = blatt::document::sanitize::escape_controls(&format!("{e:#}"));
            let _ = writeln!(std::io::stderr(), "blatt: {message}");
            ExitCode::from(if searching { 2 } else { 1 })
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if cli.print_default_config {
        print(config::DEFAULT_TOML)?;
        return Ok(());
    }
    let config_dir = store::resolve_config_dir(cli.config_dir.as_deref());
    let (config, mut warnings) = config::load(config_dir.as_ref().ok().map(PathBuf::as_path));
    if cli.command.is_some() {
        // No screen to show them on: config problems go to stderr, and the command runs on
        // with the defaults in their place.
        for warning in headless_config_warnings(&config, &warnings) {
            let warning = blatt::document::sanitize::escape_controls(&warning);
            eprintln!("blatt: config: {warning}");
        }
    }
    match cli.command {
        Some(Headless::List { library, json }) => {
            let library = headless::open_library(library.as_deref())?;
            print(&headless::list(&library, json)?)
        }
        Some(Headless::Toc { document }) => {
            let doc = headless::read_document(&document, &config)?;
            print(&headless::toc(&doc))
        }
        Some(Headless::Render { document, width }) => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            closed_pipe_is_done(
                headless::render(&document, width, &config, &mut out)
                    .and_then(|()| Ok(out.flush()?)),
            )
        }
        Some(Headless::Search {
            query: text,
            library,
            json,
            regex,
            case_sensitive,
            no_index,
            verbose,
        }) => {
            let options = blatt::search::Options {
                regex,
                case_sensitive: case_sensitive.then_some(true),
                ..blatt::search::Options::default()
            };
            let query = blatt::search::Query::new(&text, options)?;
            let cache = if no_index {
                None
            } else {
                blatt::search::index::cache_root()
            };
            let setup = headless::SearchSetup {
                query,
                text,
                regex,
                cache,
                json,
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut problems = |problem: String| {
                let problem = blatt::document::sanitize::escape_controls(&problem);
                eprintln!("blatt: search: {problem}");
            };
            let mut events = index_events(verbose);
            closed_pipe_is_done(
                headless::search_at(
                    library.as_deref(),
                    &setup,
                    &config,
                    &mut out,
                    &mut problems,
                    &mut events,
                )
                .and_then(|()| Ok(out.flush()?)),
            )
        }
        Some(Headless::Index { dir, dry_run }) => {
            let (out, problems) = headless::index(&dir, dry_run, &today())?;
            for problem in problems {
                let problem = blatt::document::sanitize::escape_controls(&problem);
                eprintln!("blatt: index: {problem}");
            }
            print(&out)
        }
        Some(Headless::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "blatt", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Some(Headless::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(command).render(&mut out)?;
            print(&String::from_utf8_lossy(&out))
        }
        Some(Headless::Add {
            source,
            library,
            group,
        }) => {
            let dir = config_dir.as_ref().ok().map(PathBuf::as_path);
            let out = blatt::news::commands::add(
                &source,
                library.as_deref(),
                group.as_deref(),
                &config,
                dir,
                &today(),
            )?;
            print(&out)
        }
        Some(Headless::Fetch { library }) => {
            let dir = config_dir.as_ref().ok().map(PathBuf::as_path);
            let terminal = std::io::stderr().is_terminal();
            let mut progress = |p: blatt::news::feeds::Progress| {
                if terminal {
                    eprint!(
                        "\r\x1b[Kblatt: fetching feeds {}/{}, {} new",
                        p.done, p.total, p.added
                    );
                }
            };
            let summary = blatt::news::commands::fetch(
                library.as_deref(),
                &config,
                dir,
                &today(),
                &mut progress,
            );
            if terminal {
                eprint!("\r\x1b[K");
            }
            let summary = summary?;
            print(&blatt::news::commands::report(&summary))?;
            if summary.all_failed() {
                anyhow::bail!("every feed failed");
            }
            Ok(())
        }
        Some(Headless::Feeds { action }) => match action {
            blatt::cli::FeedsAction::Import { file } => {
                let dir = config_dir.as_ref().ok().map(PathBuf::as_path);
                print(&blatt::news::commands::import(&file, &config, dir)?)
            }
            blatt::cli::FeedsAction::Export => print(&blatt::news::commands::export(&config)),
        },
        Some(Headless::Bookmarks { json, markdown }) => {
            let dir = config_dir.context("no config directory, so no bookmarks")?;
            let (store, notices) = Store::open(Some(dir));
            for notice in notices {
                eprintln!("blatt: {notice}");
            }
            print(&headless::bookmarks(store.state(), json, markdown)?)
        }
        None => {
            // Refused before anything is drawn: a terminal that cannot place the cursor
            // would show the full screen as a heap of escape sequences.
            let env = terminal::TermEnv::probe();
            let stdin = std::io::stdin().is_terminal();
            if let Some(problem) =
                terminal::full_screen_problem(&env, stdin, std::io::stdout().is_terminal())
            {
                anyhow::bail!(problem);
            }
            let depth = terminal::color_depth(&env, config.colors);
            let (store, notices) = Store::open_resolved(config_dir);
            warnings.extend(notices.iter().map(ToString::to_string));
            // `ARTICLE#slug`: the part after `#` names a section, unless a file has that name.
            let (path, fragment) = match cli.path.as_deref() {
                Some(path) if !path.exists() => {
                    match path.to_str().and_then(|p| p.rsplit_once('#')) {
                        Some((file, fragment)) if !file.is_empty() => {
                            (Some(PathBuf::from(file)), Some(fragment.to_string()))
                        }
                        _ => (Some(path.to_path_buf()), None),
                    }
                }
                other => (other.map(Path::to_path_buf), None),
            };
            let deep = DeepLink {
                entry: cli.open,
                fragment,
                section: cli.section,
            };
            reader(
                path.as_deref(),
                cli.fresh,
                deep,
                config,
                depth,
                store,
                warnings,
            )
        }
    }
}

/// What `blatt search` says on stderr about the index: problems always; progress of a build
/// or update as a line redrawn in place on a terminal, else one line when it starts and one
/// when it ends; with `verbose`, what an update did.
fn index_events(verbose: bool) -> impl FnMut(blatt::search::index::Event) {
    use blatt::search::index::Event;
    let terminal = std::io::stderr().is_terminal();
    let mut drawn = false;
    move |event| {
        let mut err = std::io::stderr().lock();
        match event {
            Event::Notice(message) => {
                let message = blatt::document::sanitize::escape_controls(&message);
                let _ = writeln!(err, "blatt: search: {message}");
            }
            Event::Progress(p) if terminal => {
                let _ = write!(err, "\rblatt: indexing {}/{} articles", p.done, p.total);
                drawn = true;
            }
            Event::Progress(p) => {
                if p.done == 0 {
                    let _ = writeln!(err, "blatt: indexing {}", articles(p.total));
                }
            }
            Event::Candidates(n) => {
                if verbose {
                    let _ = writeln!(err, "blatt: index: {} may match", articles(n));
                }
            }
            Event::Updated(stats) => {
                if drawn {
                    let _ = write!(err, "\r\x1b[K");
                    drawn = false;
                }
                if verbose {
                    let _ = writeln!(
                        err,
                        "blatt: index: {} read, {} unchanged, {} removed, {} unreadable",
                        stats.read, stats.unchanged, stats.removed, stats.failed
                    );
                }
            }
        }
    }
}

/// Every problem with the configuration a headless command would otherwise not notice: those
/// found reading config.toml, and bad keys and colours, which the reader finds when it builds
/// its keymap and theme.
fn headless_config_warnings(config: &Config, loaded: &[String]) -> Vec<String> {
    let mut warnings = loaded.to_vec();
    warnings.extend(Keymap::from_config(&config.keys).1);
    warnings.extend(Theme::new(&config.theme, true).1);
    warnings
}

/// The reader of the output went away (`blatt render … | head`): done, not an error.
fn closed_pipe_is_done(result: anyhow::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Today's date, `yyyy-mm-dd` (UTC).
fn today() -> String {
    blatt::ui::date(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    )
}

/// Writes to stdout; a closed pipe (`blatt list | head`) is not an error.
fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Where the command line asks the reader to open: an entry of the library (`--open`), a
/// section by slug (`ARTICLE#slug`, `--open ENTRY#slug`) or by number (`--section N`).
struct DeepLink {
    entry: Option<String>,
    fragment: Option<String>,
    section: Option<u32>,
}

/// The entry `wanted` names (its link as INDEX.md writes it, its title, or its number from
/// 1), reading the rest of a large INDEX.md if it is not among the entries read so far.
fn find_entry(
    library: &mut Library,
    rest: &mut Option<library::LibraryRest>,
    wanted: &str,
) -> Option<usize> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .trim_start_matches("./")
            .to_string()
    };
    let matches = |e: &library::Entry| {
        let link = e.link.split('#').next().unwrap_or_default();
        decode(link) == decode(wanted) || e.title.eq_ignore_ascii_case(wanted)
    };
    loop {
        if let Ok(n) = wanted.parse::<usize>() {
            if let Some(i) = n.checked_sub(1).filter(|&i| i < library.entries.len()) {
                return Some(i);
            }
        } else if let Some(i) = library.entries.iter().position(matches) {
            return Some(i);
        }
        match rest.as_mut() {
            Some(more) if !more.is_done() => {
                let part = more.next_part();
                if part.replace {
                    library.entries.clear();
                }
                library.entries.extend(part.entries);
            }
            _ => return None,
        }
    }
}

/// The rows of the terminal, as many entries as the first screen of a library can show
/// ([`library::FIRST_ENTRIES`] when the size cannot be told).
fn screen_rows() -> usize {
    crossterm::terminal::size().map_or(library::FIRST_ENTRIES, |(_, rows)| usize::from(rows))
}

fn reader(
    path: Option<&Path>,
    fresh: bool,
    deep: DeepLink,
    config: Config,
    depth: ColorDepth,
    store: Store,
    mut warnings: Vec<String>,
) -> anyhow::Result<()> {
    let (keymap, key_warnings) = Keymap::from_config(&config.keys);
    warnings.extend(key_warnings);
    let (theme, theme_warnings) = Theme::new(&config.theme, depth);
    warnings.extend(theme_warnings);

    // A large INDEX.md is parsed and checked only as far as the first screen needs; the
    // rest follows in the background once the first frame is drawn. Without a path, the
    // configured library opens, else the one given last on the command line, else the
    // bundled one.
    let mut store = store;
    // What `blatt list` prints for a bundled article.
    let bundled = path.and_then(bundled_article);
    let ((library, rest), single) = match path {
        Some(path) if path.is_file() && !library::is_index_file(path) => {
            refuse_binary(path)?;
            (
                (
                    library::single_article(path)
                        .with_context(|| format!("cannot open {}", path.display()))?,
                    None,
                ),
                true,
            )
        }
        Some(_) if bundled.is_some() => {
            let library = bundled.unwrap_or_else(library::bundled_library);
            ((library, None), true)
        }
        Some(path) => {
            let opened = library::open_library_first(path, screen_rows())?;
            store.apply(Op::SetLastLibrary(opened.0.origin.key()));
            (opened, false)
        }
        None => match config.library_path() {
            Some(configured) => match library::open_library_first(&configured, screen_rows()) {
                Ok(opened) => (opened, false),
                Err(e) => {
                    warnings.push(format!(
                        "the configured library cannot be opened: {e}; showing the bundled one"
                    ));
                    ((library::bundled_library(), None), false)
                }
            },
            None => {
                let remembered = store
                    .state()
                    .last_library
                    .as_ref()
                    .and_then(|key| library::open_key(key).ok());
                match remembered {
                    Some(opened) => (opened, false),
                    None => ((library::bundled_library(), None), false),
                }
            }
        },
    };
    let (mut library, mut rest) = (library, rest);
    // The entry the command line names, and where in it.
    let opened = match (&deep.entry, single) {
        (Some(wanted), false) => {
            let (wanted, fragment) = match wanted.rsplit_once('#') {
                Some((entry, fragment)) if !entry.is_empty() => (entry, Some(fragment)),
                _ => (wanted.as_str(), None),
            };
            let entry = find_entry(&mut library, &mut rest, wanted).with_context(|| {
                format!(
                    "the library has no entry {wanted:?} (`blatt list` shows its entries; --open takes a file as INDEX.md links it, a title or a number)"
                )
            })?;
            Some((
                entry,
                fragment.map(str::to_string).or(deep.fragment.clone()),
            ))
        }
        (Some(_), true) => {
            anyhow::bail!("--open names an entry of a library, not of a single article")
        }
        (None, true) => Some((0, deep.fragment.clone())),
        (None, false) if deep.section.is_some() || deep.fragment.is_some() => {
            anyhow::bail!(
                "--section and #slug need an article: blatt ARTICLE#slug, or blatt LIBRARY --open ENTRY --section N"
            )
        }
        (None, false) => None,
    };
    let place = match (opened.as_ref().and_then(|(_, f)| f.clone()), deep.section) {
        (Some(_), Some(_)) => anyhow::bail!("give either #slug or --section, not both"),
        (Some(fragment), None) => Some(Deep::Fragment(fragment)),
        (None, Some(n)) => Some(Deep::Section(n as usize)),
        (None, None) => None,
    };
    let settings = Settings {
        max_width: config.max_width.max(10),
        hyphenate: config.hyphenation,
        justify: config.justify,
        ignore_diacritics: config.search.ignore_diacritics,
        osc52: config.links.osc52,
        osc8: config.links.osc8,
        library_view: config.library_view,
        hide_finished: config.hide_finished,
    };
    let mut state = State::new(library, settings, keymap);
    state.single = single;
    state.reading_index = rest.as_ref().is_some_and(|r| !r.is_done());
    state.saved_docs = store.state().docs.clone().into_iter().collect();
    state.bookmarks = store.state().bookmarks.clone();
    if let Some(reason) = store.saving_disabled() {
        warnings.push(format!("reading state will not be saved: {reason}"));
    }
    let mut initial = Vec::new();
    // The article read last in this library (schema 1 kept one for all libraries).
    let key = state.library.origin.key();
    let last = store.state().libraries.get(&key).cloned().or_else(|| {
        store
            .state()
            .last_open
            .clone()
            .filter(|last| last.library.is_empty() || last.library == key)
    });
    if let Some((entry, _)) = opened {
        initial.extend(state.open_deep(entry, place));
    } else if let Some(last) = last {
        if fresh {
            initial.extend(state.select_last(last.doc));
        } else {
            initial.extend(state.reopen(last.doc));
        }
    }
    if !warnings.is_empty() {
        state.show_message("Please note", warnings);
    }
    let news = blatt::news::feeds::Setup::from_config(&config, store.dir());
    let runtime = blatt::runtime::Runtime {
        store: std::sync::Arc::new(std::sync::Mutex::new(store)),
        theme,
        mouse: config.mouse,
        read_cap: config.max_article_bytes(),
        library_rest: rest,
        watch: config.watch,
        news,
    };
    blatt::runtime::run(state, runtime, initial)
}

/// Refuses a file that is not text (a program, an image) before the terminal is taken: it
/// would only open as a library of one entry that cannot be read.
fn refuse_binary(path: &Path) -> anyhow::Result<()> {
    let (file, _) = library::open_path(path, u64::MAX)?;
    let mut head = Vec::new();
    file.take(SNIFF_LEN)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    blatt::document::decode::decode(&head).with_context(|| path.display().to_string())?;
    Ok(())
}

/// As much as the article decoder looks at to tell binary data from text.
const SNIFF_LEN: u64 = 8 * 1024;

/// The bundled library with only the article `bundled:NAME` (as `blatt list` prints it),
/// when `path` names one and no file of that name exists.
fn bundled_article(path: &Path) -> Option<Library> {
    if path.exists() {
        return None;
    }
    let key = path.to_str()?;
    let mut library = library::bundled_library();
    let origin = library.origin.clone();
    library
        .entries
        .retain(|e| e.key(&origin).as_deref() == Some(key));
    (library.entries.len() == 1).then_some(library)
}

/// `n article(s)`.
fn articles(n: usize) -> String {
    match n {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    }
}
