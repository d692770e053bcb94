//! Key bindings: per context, a table from key sequences to [`Command`]s, built from the
//! configuration (`[keys]` for every context, `[keys.library]`, `[keys.reader]`,
//! `[keys.bookmarks]`, `[keys.contents]`, `[keys.help]` to override one). The help screen is
//! generated from the same tables, so it always shows the keys that work where it was opened.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::KeysConfig;

/// What a key asks for, named by intent. Each command means the natural thing on every
/// screen: `Down` moves the selection in a list and scrolls the text in the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Down,
    Up,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    ScreenTop,
    ScreenMiddle,
    ScreenBottom,
    ScrollCenter,
    ScrollTop,
    NextSection,
    PreviousSection,
    Contents,
    Search,
    NextMatch,
    PreviousMatch,
    SearchWord,
    Open,
    Back,
    Help,
    Quit,
    Suspend,
    Redraw,
    Bookmark,
    Note,
    Bookmarks,
    DeleteBookmark,
    Undo,
    /// Filter the library list as you type (`/`).
    Filter,
    CommandLine,
    /// Search every article of the library (`S`).
    SearchAll,
    /// Hints over the links on screen (`f`).
    FollowLink,
    /// The list of every link of the article (`F`).
    ListLinks,
    /// Bring INDEX.md up to date with the folder, as `blatt index` does (`R`).
    UpdateIndex,
    /// The next article of the library, from the reader (`}`).
    NextArticle,
    /// The previous article of the library, from the reader (`{`).
    PreviousArticle,
    /// Mark an article finished, or not finished again (`x`).
    ToggleRead,
    /// Hide finished articles from the library list, or show them again (`h`).
    HideFinished,
    /// The library list with one row per entry, or three (`v`).
    ToggleView,
    /// Go to the count as a percentage of the article (`50%`).
    Percent,
    /// Fetch the configured feeds into the library in the background (`F`).
    FetchFeeds,
}

/// Each command with its name in the `[keys]` tables and its line in the help screen, in
/// the order of the enum (a test checks it), so that a command indexes its own row.
const COMMANDS: [(Command, &str, &str); 44] = [
    (Command::Down, "down", "line down / next item"),
    (Command::Up, "up", "line up / previous item"),
    (Command::PageDown, "page_down", "page down"),
    (Command::PageUp, "page_up", "page up"),
    (Command::HalfPageDown, "half_page_down", "half a page down"),
    (Command::HalfPageUp, "half_page_up", "half a page up"),
    (Command::Top, "top", "to the start"),
    (Command::Bottom, "bottom", "to the end"),
    (Command::ScreenTop, "screen_top", "first item on screen"),
    (
        Command::ScreenMiddle,
        "screen_middle",
        "middle line / item on screen",
    ),
    (
        Command::ScreenBottom,
        "screen_bottom",
        "last line / item on screen",
    ),
    (
        Command::ScrollCenter,
        "scroll_center",
        "scroll the selection to the middle",
    ),
    (
        Command::ScrollTop,
        "scroll_top",
        "scroll the selection to the top",
    ),
    (Command::NextSection, "next_section", "next section"),
    (
        Command::PreviousSection,
        "previous_section",
        "previous section",
    ),
    (Command::Contents, "contents", "table of contents"),
    (
        Command::Search,
        "search",
        "search in the article (\\v: a regular expression)",
    ),
    (Command::NextMatch, "next_match", "next match of the search"),
    (
        Command::PreviousMatch,
        "previous_match",
        "previous match of the search",
    ),
    (
        Command::SearchWord,
        "search_word",
        "search for the word at the top of the screen",
    ),
    (Command::Open, "open", "open the selected item"),
    (Command::Back, "back", "back (quits from the library)"),
    (Command::Help, "help", "this help"),
    (Command::Quit, "quit", "quit from anywhere"),
    (
        Command::Suspend,
        "suspend",
        "suspend to the shell (fg returns)",
    ),
    (
        Command::Redraw,
        "redraw",
        "draw the whole screen again (after another program wrote on it)",
    ),
    (
        Command::Bookmark,
        "bookmark",
        "bookmark this place (again: remove)",
    ),
    (
        Command::Note,
        "note",
        "add or edit the note of the bookmark here",
    ),
    (Command::Bookmarks, "list_bookmarks", "all bookmarks"),
    (
        Command::DeleteBookmark,
        "delete_bookmark",
        "delete the selected bookmark",
    ),
    (
        Command::Undo,
        "undo",
        "bring back the bookmark removed last (again: the one before)",
    ),
    (
        Command::Filter,
        "filter",
        "filter the list as you type (Esc: all again)",
    ),
    (
        Command::CommandLine,
        "command_line",
        "command line (:q quits)",
    ),
    (
        Command::SearchAll,
        "search_all",
        "search every article of the library (Tab in a / prompt too)",
    ),
    (
        Command::FollowLink,
        "follow_link",
        "follow a link on screen: type the letters shown on it",
    ),
    (
        Command::ListLinks,
        "list_links",
        "every link of the article, to follow one",
    ),
    (
        Command::UpdateIndex,
        "update_index",
        "update INDEX.md from the folder (as blatt index does)",
    ),
    (
        Command::NextArticle,
        "next_article",
        "next article of the library, where you stopped in it",
    ),
    (
        Command::PreviousArticle,
        "previous_article",
        "previous article of the library, where you stopped in it",
    ),
    (
        Command::ToggleRead,
        "toggle_read",
        "mark the article finished (again: not finished)",
    ),
    (
        Command::HideFinished,
        "hide_finished",
        "hide finished articles (again: show them)",
    ),
    (
        Command::ToggleView,
        "toggle_view",
        "one row per entry (again: three)",
    ),
    (
        Command::Percent,
        "percent",
        "N%: that far into the article (50%: half way)",
    ),
    (
        Command::FetchFeeds,
        "fetch_feeds",
        "fetch the feeds of config.toml into the library (as blatt fetch does)",
    ),
];

impl Command {
    /// Every command, in help order.
    pub fn all() -> impl Iterator<Item = Command> {
        COMMANDS.iter().map(|(command, _, _)| *command)
    }

    /// The name used in the `[keys]` tables of the configuration.
    pub fn name(self) -> &'static str {
        COMMANDS[self as usize].1
    }

    /// One line for the help screen.
    pub fn describe(self) -> &'static str {
        COMMANDS[self as usize].2
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::all().find(|c| c.name() == name)
    }

    /// Names that earlier versions used in `[keys]`, still read: `bookmarks` became
    /// `list_bookmarks` when `[keys.bookmarks]` became the bookmarks list's own table.
    pub const RENAMED: [(&'static str, &'static str); 1] = [("bookmarks", "list_bookmarks")];

    /// Whether a count typed before the command repeats it (`5j`, `3]`).
    pub fn takes_count(self) -> bool {
        matches!(
            self,
            Command::Down
                | Command::Up
                | Command::PageDown
                | Command::PageUp
                | Command::HalfPageDown
                | Command::HalfPageUp
                | Command::NextSection
                | Command::PreviousSection
                | Command::NextMatch
                | Command::PreviousMatch
                | Command::Percent
        )
    }
}

/// Where a key is pressed: each context has its own bindings on top of the shared ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Library,
    Reader,
    Contents,
    Help,
    Bookmarks,
    /// The results of a library-wide search.
    Results,
    /// The links of the article.
    Links,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Library,
        Context::Reader,
        Context::Contents,
        Context::Help,
        Context::Bookmarks,
        Context::Results,
        Context::Links,
    ];

    /// The name of the context's table in the configuration (`[keys.reader]`). The help
    /// screen has none: it only scrolls and closes.
    pub fn name(self) -> &'static str {
        match self {
            Context::Library => "library",
            Context::Reader => "reader",
            Context::Contents => "toc",
            Context::Help => "help screen",
            Context::Bookmarks => "bookmarks",
            Context::Results => "results",
            Context::Links => "links",
        }
    }

    /// The commands that do something in this context, in help order.
    pub fn commands(self) -> &'static [Command] {
        use Command::*;
        match self {
            Context::Library => &[
                Down,
                Up,
                PageDown,
                PageUp,
                HalfPageDown,
                HalfPageUp,
                Top,
                Bottom,
                ScreenTop,
                ScreenMiddle,
                ScreenBottom,
                ScrollCenter,
                ScrollTop,
                Open,
                Back,
                Bookmarks,
                Undo,
                Filter,
                SearchAll,
                Help,
                CommandLine,
                Quit,
                Suspend,
                Redraw,
                UpdateIndex,
                ToggleRead,
                HideFinished,
                ToggleView,
                FetchFeeds,
            ],
            Context::Reader => &[
                Down,
                Up,
                PageDown,
                PageUp,
                HalfPageDown,
                HalfPageUp,
                Top,
                Bottom,
                Percent,
                ScreenMiddle,
                ScreenBottom,
                NextSection,
                PreviousSection,
                Contents,
                Search,
                NextMatch,
                PreviousMatch,
                SearchWord,
                SearchAll,
                FollowLink,
                ListLinks,
                Bookmark,
                Note,
                Bookmarks,
                Undo,
                Back,
                Help,
                CommandLine,
                Quit,
                Suspend,
                Redraw,
                NextArticle,
                PreviousArticle,
                ToggleRead,
            ],
            Context::Contents => &[
                Down,
                Up,
                PageDown,
                PageUp,
                Top,
                Bottom,
                ScreenTop,
                ScreenMiddle,
                ScreenBottom,
                ScrollCenter,
                ScrollTop,
                Open,
                Back,
                Contents,
                Help,
                Quit,
                Suspend,
                Redraw,
            ],
            Context::Help => &[
                Down, Up, PageDown, PageUp, Top, Bottom, Back, Help, Quit, Suspend, Redraw,
            ],
            Context::Bookmarks => &[
                Down,
                Up,
                PageDown,
                PageUp,
                Top,
                Bottom,
                ScreenTop,
                ScreenMiddle,
                ScreenBottom,
                ScrollCenter,
                ScrollTop,
                Open,
                DeleteBookmark,
                Undo,
                Back,
                Bookmarks,
                Help,
                Quit,
                Suspend,
                Redraw,
            ],
            Context::Results => &[
                Down,
                Up,
                PageDown,
                PageUp,
                HalfPageDown,
                HalfPageUp,
                Top,
                Bottom,
                ScreenTop,
                ScreenMiddle,
                ScreenBottom,
                ScrollCenter,
                ScrollTop,
                Open,
                Back,
                SearchAll,
                Help,
                Quit,
                Suspend,
                Redraw,
            ],
            Context::Links => &[
                Down,
                Up,
                PageDown,
                PageUp,
                HalfPageDown,
                HalfPageUp,
                Top,
                Bottom,
                ScreenTop,
                ScreenMiddle,
                ScreenBottom,
                ScrollCenter,
                ScrollTop,
                Open,
                Back,
                ListLinks,
                Help,
                Quit,
                Suspend,
                Redraw,
            ],
        }
    }
}

/// A key with its modifiers, as bound in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Chord {
    /// Normalises a key event: a typed character carries its case, not a SHIFT flag (a
    /// terminal sends `J` with SHIFT for Shift-j, some send it without).
    pub fn from_event(event: &KeyEvent) -> Chord {
        let mut modifiers =
            event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::Char(c) => {
                if c != ' ' {
                    modifiers.remove(KeyModifiers::SHIFT);
                }
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                modifiers.insert(KeyModifiers::SHIFT);
                KeyCode::Tab
            }
            other => other,
        };
        Chord { code, modifiers }
    }

    /// Parses `"j"`, `"G"`, `"shift-j"` (= `J`), `"ctrl-c"`, `"PageDown"`, `"shift-Space"`,
    /// `"F1"`. Modifiers are exact: `shift-j` is the key that types `J`, never plain `j`.
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if modifiers.contains(flag) {
                return Err(format!("`{text}` names a modifier twice"));
            }
            modifiers |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else if modifiers.contains(KeyModifiers::SHIFT) && c != ' ' {
                    // Shift with a letter types the capital; other characters already are
                    // what Shift types (`?`, `G`).
                    let upper: Vec<char> = c.to_uppercase().collect();
                    match upper.as_slice() {
                        [u] => KeyCode::Char(*u),
                        _ => KeyCode::Char(c),
                    }
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backspace" => KeyCode::Backspace,
                "space" => KeyCode::Char(' '),
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("unknown key `{text}`")),
            },
        };
        if let KeyCode::Char(c) = code
            && c != ' '
        {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Ok(Chord { code, modifiers })
    }
}

/// Parses a binding: one chord, or several separated by spaces (`"z z"`, `"g g"`).
pub fn parse_sequence(text: &str) -> Result<Vec<Chord>, String> {
    let parts: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        // A lone space is the Space key.
        return Chord::parse(text).map(|c| vec![c]);
    }
    parts.into_iter().map(Chord::parse).collect()
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A sequence of chords shown as the person types it (`z z` as `zz`).
pub fn show_sequence(keys: &[Chord]) -> String {
    let plain = keys
        .iter()
        .all(|c| matches!(c.code, KeyCode::Char(ch) if ch != ' ') && c.modifiers.is_empty());
    let parts: Vec<String> = keys.iter().map(ToString::to_string).collect();
    parts.join(if plain { "" } else { " " })
}

/// What a key sequence typed so far means in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Command(Command),
    /// The start of a longer binding (`z` of `zz`): wait for the next key.
    Prefix,
    Unbound,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    /// Bindings per context, shared ones included.
    tables: BTreeMap<Context, Vec<(Vec<Chord>, Command)>>,
}

fn ctrl_c() -> Chord {
    Chord {
        code: KeyCode::Char('c'),
        modifiers: KeyModifiers::CONTROL,
    }
}

impl Keymap {
    /// Builds the tables from the `[keys]` configuration. Bad key names and unknown actions
    /// are reported and skipped, and so is a key bound twice in one context (the warning
    /// names the binding that won). Ctrl-C always quits, so there is always a way out.
    pub fn from_config(keys: &KeysConfig) -> (Keymap, Vec<String>) {
        let mut warnings = Vec::new();
        let shared = parse_table("[keys]", &keys.shared, &mut warnings);
        let mut tables = BTreeMap::new();
        for context in Context::ALL {
            let section = format!("[keys.{}]", context.name());
            let own = keys
                .contexts
                .get(context.name())
                .map(|t| parse_table(&section, t, &mut warnings))
                .unwrap_or_default();
            let mut table: Vec<(Vec<Chord>, Command, String)> = Vec::new();
            // The context's own bindings first: they win over the shared ones.
            let overridden: Vec<Command> = own.iter().map(|(_, c, _)| *c).collect();
            for (keys, command, from) in own.into_iter().chain(
                shared
                    .iter()
                    .filter(|(_, c, _)| !overridden.contains(c))
                    .cloned(),
            ) {
                if !context.commands().contains(&command) {
                    continue;
                }
                match table.iter().find(|(k, _, _)| *k == keys) {
                    // A context's own binding overriding a shared one is what the context
                    // table is for: no warning.
                    Some((_, winner, winner_from))
                        if *winner != command && same_table(winner_from, &from) =>
                    {
                        warnings.push(format!(
                            "{from}: `{}` is bound to both {} and {} in the {} context; {} ({winner_from}) wins",
                            show_sequence(&keys),
                            winner.name(),
                            command.name(),
                            context.name(),
                            winner.name()
                        ));
                    }
                    Some(_) => {}
                    None => {
                        if let Some((prefix, c, _)) = table.iter().find(|(k, _, _)| {
                            k.len() != keys.len() && (k.starts_with(&keys) || keys.starts_with(k))
                        }) {
                            warnings.push(format!(
                                "{from}: `{}` ({}) and `{}` ({}) start the same way in the {} context; `{}` is ignored",
                                show_sequence(&keys),
                                command.name(),
                                show_sequence(prefix),
                                c.name(),
                                context.name(),
                                show_sequence(&keys)
                            ));
                        } else {
                            table.push((keys, command, from));
                        }
                    }
                }
            }
            if !table.iter().any(|(k, _, _)| k[..] == [ctrl_c()]) {
                table.push((vec![ctrl_c()], Command::Quit, String::new()));
            }
            tables.insert(context, table.into_iter().map(|(k, c, _)| (k, c)).collect());
        }
        // The same problem in the shared table shows up in every context: say it once.
        let mut seen = std::collections::BTreeSet::new();
        warnings.retain(|w| {
            let key = w.split(" in the ").next().unwrap_or(w).to_string();
            seen.insert(key)
        });
        (Keymap { tables }, warnings)
    }

    /// What the keys typed so far mean in `context`.
    pub fn lookup(&self, context: Context, typed: &[Chord]) -> Lookup {
        let Some(table) = self.tables.get(&context) else {
            return Lookup::Unbound;
        };
        let mut prefix = false;
        for (keys, command) in table {
            if keys[..] == *typed {
                return Lookup::Command(*command);
            }
            if keys.len() > typed.len() && keys.starts_with(typed) {
                prefix = true;
            }
        }
        if prefix {
            Lookup::Prefix
        } else {
            Lookup::Unbound
        }
    }

    /// The command of a single key in `context`, if it is bound alone.
    pub fn command(&self, context: Context, event: &KeyEvent) -> Option<Command> {
        match self.lookup(context, &[Chord::from_event(event)]) {
            Lookup::Command(command) => Some(command),
            _ => None,
        }
    }

    /// The keys bound to `command` in `context`, in configuration order.
    pub fn keys(&self, context: Context, command: Command) -> Vec<String> {
        self.tables
            .get(&context)
            .into_iter()
            .flatten()
            .filter(|(_, c)| *c == command)
            .map(|(keys, _)| show_sequence(keys))
            .collect()
    }

    /// The first key of `command` in `context`, for hints in the status line.
    pub fn hint(&self, context: Context, command: Command) -> String {
        self.keys(context, command)
            .into_iter()
            .next()
            .unwrap_or_else(|| "—".to_string())
    }

    /// The lines of the help screen for `context`, `width` cells wide: its commands and
    /// their keys, each description wrapped in its column (or, when the keys leave it too
    /// little room, on lines of its own below them, indented), and the notes wrapped.
    pub fn help_lines(&self, context: Context, width: usize) -> Vec<String> {
        let width = width.max(1);
        let wrap = |text: &str, room: usize| -> Vec<String> {
            textwrap::wrap(text, textwrap::Options::new(room.max(1)).break_words(true))
                .into_iter()
                .map(std::borrow::Cow::into_owned)
                .collect()
        };
        let commands = context.commands();
        let keys: Vec<String> = commands
            .iter()
            .map(|&command| {
                let keys = self.keys(context, command).join(" ");
                if keys.is_empty() {
                    "(unbound)".to_string()
                } else {
                    keys
                }
            })
            .collect();
        let column = keys
            .iter()
            .map(|k| crate::layout::text_width(k))
            .max()
            .unwrap_or(0)
            + 2;
        let mut out = wrap(&format!("Keys in the {}:", context_title(context)), width);
        out.push(String::new());
        // Room enough beside the keys for a few words of each description.
        let beside = column + HELP_DESCRIPTION_ROOM <= width;
        for (command, keys) in commands.iter().zip(keys) {
            if beside {
                let pad = column.saturating_sub(crate::layout::text_width(&keys));
                for (i, line) in wrap(command.describe(), width - column)
                    .into_iter()
                    .enumerate()
                {
                    if i == 0 {
                        out.push(format!("{keys}{}{line}", " ".repeat(pad)));
                    } else {
                        out.push(format!("{}{line}", " ".repeat(column)));
                    }
                }
            } else {
                out.extend(wrap(&keys, width));
                let indent = if width > 2 { "  " } else { "" };
                out.extend(
                    wrap(command.describe(), width - indent.len())
                        .into_iter()
                        .map(|line| format!("{indent}{line}")),
                );
            }
        }
        out.push(String::new());
        let mut notes = Vec::new();
        if matches!(context, Context::Reader | Context::Library) {
            notes.push("A count before a move repeats it: 5j, 3].");
        }
        notes.push("Mouse: the wheel scrolls, a click selects, a second click opens.");
        notes.push("Keys are set in config.toml: blatt --print-default-config");
        for note in notes {
            out.extend(wrap(note, width));
        }
        out
    }
}

/// Cells a help line leaves beside the keys for the description at least; with less, the
/// description goes on lines of its own below its keys.
const HELP_DESCRIPTION_ROOM: usize = 16;

/// Whether two bindings' origins (`[keys] down`, `[keys.reader] up`) are the same table.
fn same_table(a: &str, b: &str) -> bool {
    a.split(' ').next() == b.split(' ').next()
}

fn context_title(context: Context) -> &'static str {
    match context {
        Context::Library => "library",
        Context::Reader => "reader",
        Context::Contents => "table of contents",
        Context::Help => "help",
        Context::Bookmarks => "bookmarks list",
        Context::Results => "search results",
        Context::Links => "links of the article",
    }
}

/// Parses one `[keys…]` table: (keys, command, where it was set) in command order.
fn parse_table(
    section: &str,
    table: &BTreeMap<String, Vec<String>>,
    warnings: &mut Vec<String>,
) -> Vec<(Vec<Chord>, Command, String)> {
    let mut out = Vec::new();
    for command in Command::all() {
        for key in table.get(command.name()).into_iter().flatten() {
            match parse_sequence(key) {
                Ok(keys) => out.push((keys, command, format!("{section} {}", command.name()))),
                Err(e) => warnings.push(format!("{section} {}: {e}", command.name())),
            }
        }
    }
    for name in table.keys() {
        if Command::from_name(name).is_none() {
            warnings.push(format!("{section}: unknown action `{name}`"));
        }
    }
    out
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::from_config(&crate::config::Config::default().keys).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
    }

    fn shared(pairs: &[(&str, &[&str])]) -> KeysConfig {
        let mut keys = crate::config::Config::default().keys;
        for (name, list) in pairs {
            keys.shared
                .insert((*name).into(), list.iter().map(|s| s.to_string()).collect());
        }
        keys
    }

    #[test]
    fn defaults_cover_the_documented_keys() {
        let (map, warnings) = Keymap::from_config(&crate::config::Config::default().keys);
        assert!(warnings.is_empty(), "{warnings:?}");
        let cases = [
            (KeyCode::Char('j'), KeyModifiers::NONE, Command::Down),
            (KeyCode::Down, KeyModifiers::NONE, Command::Down),
            (KeyCode::Char(' '), KeyModifiers::NONE, Command::PageDown),
            (KeyCode::PageUp, KeyModifiers::NONE, Command::PageUp),
            (KeyCode::Char('G'), KeyModifiers::SHIFT, Command::Bottom),
            (KeyCode::Char(']'), KeyModifiers::NONE, Command::NextSection),
            (KeyCode::Char('?'), KeyModifiers::SHIFT, Command::Help),
            (KeyCode::Char('c'), KeyModifiers::CONTROL, Command::Quit),
            (
                KeyCode::Char('C'),
                KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                Command::Quit,
            ),
            (KeyCode::Esc, KeyModifiers::NONE, Command::Back),
            (KeyCode::Char('e'), KeyModifiers::CONTROL, Command::Down),
            (KeyCode::Char('y'), KeyModifiers::CONTROL, Command::Up),
        ];
        for (code, mods, command) in cases {
            assert_eq!(
                map.command(Context::Reader, &key(code, mods)),
                Some(command),
                "{code:?}"
            );
        }
        assert_eq!(
            map.command(
                Context::Reader,
                &key(KeyCode::Char('y'), KeyModifiers::NONE)
            ),
            None
        );
        // Moving through the library: `}` `{` and `x` in the reader; `x` `h` `v` in the
        // list, where `}` does nothing and the reader has no `h` or `v`.
        let plain = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
        for (context, c, command) in [
            (Context::Reader, '}', Some(Command::NextArticle)),
            (Context::Reader, '{', Some(Command::PreviousArticle)),
            (Context::Reader, 'x', Some(Command::ToggleRead)),
            (Context::Reader, 'h', None),
            (Context::Reader, 'v', None),
            (Context::Library, 'x', Some(Command::ToggleRead)),
            (Context::Library, 'h', Some(Command::HideFinished)),
            (Context::Library, 'v', Some(Command::ToggleView)),
            (Context::Library, '}', None),
            (Context::Library, 'F', Some(Command::FetchFeeds)),
            (Context::Reader, 'F', Some(Command::ListLinks)),
        ] {
            assert_eq!(
                map.command(context, &plain(c)),
                command,
                "{c} in {context:?}"
            );
        }
        let z = Chord::parse("z").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(map.lookup(Context::Library, &[z]), Lookup::Prefix);
        assert_eq!(
            map.lookup(Context::Library, &[z, z]),
            Lookup::Command(Command::ScrollCenter)
        );
    }

    #[test]
    fn each_command_indexes_its_own_row() {
        for (i, (command, name, _)) in COMMANDS.iter().enumerate() {
            assert_eq!(*command as usize, i, "{name}");
            assert_eq!(Command::from_name(name), Some(*command));
        }
    }

    #[test]
    fn chords_parse_and_display() {
        assert_eq!(
            Chord::parse("ctrl-C").map(|c| c.to_string()),
            Ok("Ctrl-c".into())
        );
        assert_eq!(
            Chord::parse("PageDown").map(|c| c.to_string()),
            Ok("PgDn".into())
        );
        assert_eq!(Chord::parse("F12").map(|c| c.code), Ok(KeyCode::F(12)));
        assert_eq!(
            Chord::parse("shift-Space").map(|c| c.to_string()),
            Ok("Shift-Space".into())
        );
        assert!(Chord::parse("hyper-x").is_err());
        assert!(Chord::parse("F99").is_err());
        assert!(Chord::parse("").is_err());
        assert!(Chord::parse("ctrl-ctrl-x").is_err());
        // `ctrl-` alone is no key; `-` is.
        assert!(Chord::parse("ctrl-").is_err());
        assert_eq!(Chord::parse("-").map(|c| c.code), Ok(KeyCode::Char('-')));
    }

    #[test]
    fn shift_letter_binds_the_capital_not_the_plain_key() {
        let keys = shared(&[("bookmark", &["shift-j"])]);
        let (map, _) = Keymap::from_config(&keys);
        assert_eq!(
            map.command(
                Context::Reader,
                &key(KeyCode::Char('J'), KeyModifiers::SHIFT)
            ),
            Some(Command::Bookmark)
        );
        assert_eq!(
            map.command(
                Context::Reader,
                &key(KeyCode::Char('j'), KeyModifiers::NONE)
            ),
            Some(Command::Down),
            "plain j must stay down"
        );
    }

    #[test]
    fn remapping_moves_keys_and_reports_bad_ones() {
        let keys = shared(&[("down", &["o", "bogus-key"]), ("quit", &["Q"])]);
        let mut keys = keys;
        keys.shared.insert("jump".into(), vec!["x".into()]);
        let (map, warnings) = Keymap::from_config(&keys);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let reader = Context::Reader;
        assert_eq!(
            map.command(reader, &key(KeyCode::Char('o'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            map.command(reader, &key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        // Ctrl-C keeps quitting even when unbound.
        assert_eq!(
            map.command(reader, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        assert_eq!(map.hint(reader, Command::Down), "o");
    }

    #[test]
    fn a_key_bound_twice_warns_and_names_the_winner() {
        let keys = shared(&[("next_section", &["o"]), ("bookmark", &["o"])]);
        let (map, warnings) = Keymap::from_config(&keys);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("`o` is bound to both next_section and bookmark")
                && warnings[0].contains("next_section ([keys] next_section) wins"),
            "{warnings:?}"
        );
        assert_eq!(
            map.command(
                Context::Reader,
                &key(KeyCode::Char('o'), KeyModifiers::NONE)
            ),
            Some(Command::NextSection)
        );
    }

    #[test]
    fn a_context_table_overrides_only_that_context() {
        let mut keys = crate::config::Config::default().keys;
        keys.contexts.entry("reader".into()).or_default().extend([
            ("down".to_string(), vec!["d".to_string()]),
            ("up".to_string(), vec!["u".to_string()]),
        ]);
        let (map, warnings) = Keymap::from_config(&keys);
        // `d` and `u` were half-page keys in the shared table: the reader's own win,
        // silently, as that is what the table is for.
        assert!(warnings.is_empty(), "{warnings:?}");
        let d = key(KeyCode::Char('d'), KeyModifiers::NONE);
        let u = key(KeyCode::Char('u'), KeyModifiers::NONE);
        assert_eq!(map.command(Context::Reader, &d), Some(Command::Down));
        assert_eq!(map.command(Context::Reader, &u), Some(Command::Up));
        assert_eq!(
            map.command(Context::Bookmarks, &d),
            Some(Command::DeleteBookmark)
        );
        assert_eq!(map.command(Context::Bookmarks, &u), Some(Command::Undo));
        assert_eq!(
            map.command(Context::Library, &d),
            Some(Command::HalfPageDown)
        );
    }

    #[test]
    fn help_follows_remapped_keys_in_its_context() {
        let keys = shared(&[("next_section", &["o", "F5"])]);
        let (map, _) = Keymap::from_config(&keys);
        let text = map.help_lines(Context::Reader, 78).join("\n");
        assert!(text.contains("o F5"), "{text}");
        assert!(text.contains("next section"));
        assert!(!text.lines().any(|l| l.starts_with(']')));
        let bookmarks = map.help_lines(Context::Bookmarks, 78).join("\n");
        assert!(
            bookmarks.contains("delete the selected bookmark"),
            "{bookmarks}"
        );
        assert!(!bookmarks.contains("next section"), "{bookmarks}");
    }

    #[test]
    fn help_lines_are_wrapped_to_the_width_and_lose_no_word() {
        let map = Keymap::default();
        // What is written, white space aside (a word wider than the line is broken).
        let words = |lines: &[String]| -> String {
            lines
                .iter()
                .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
                .collect()
        };
        let wide = map.help_lines(Context::Reader, 200);
        for width in [10, 20, 34, 40, 78] {
            let lines = map.help_lines(Context::Reader, width);
            for line in &lines {
                assert!(
                    crate::layout::text_width(line) <= width,
                    "{width}: {line:?} is wider"
                );
            }
            // Every word of every description and note is there, in order.
            assert_eq!(words(&lines), words(&wide), "{width}");
        }
        // At 45 cells a long description goes on under its column.
        let lines = map.help_lines(Context::Reader, 45);
        let at = lines
            .iter()
            .position(|l| l.starts_with("Ctrl-l "))
            .expect("the line of Ctrl-l");
        let column = lines[at].find("draw").expect("its description");
        assert!(lines[at + 1][..column].trim().is_empty(), "{lines:#?}");
        assert!(lines[at + 1].len() > column, "{lines:#?}");
        // At 34, the keys' column leaves too little room: each description is below its
        // keys, indented.
        let lines = map.help_lines(Context::Reader, 34);
        let at = lines
            .iter()
            .position(|l| l.trim_end() == "Ctrl-l")
            .expect("the line of Ctrl-l");
        assert!(lines[at + 1].starts_with("  draw the whole"), "{lines:#?}");
    }
}
