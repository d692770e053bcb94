//! Key bindings: a table from key chords to [`Command`]s, built from the configuration. The
//! help screen is generated from the same table, so it always shows the keys that work.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for. Each command means the natural thing on every screen: `Down` moves
/// the selection in a list and scrolls the text in the reader.
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
    NextSection,
    PreviousSection,
    Contents,
    Open,
    Back,
    Help,
    Quit,
    Suspend,
    Bookmark,
    Note,
    Bookmarks,
}

impl Command {
    pub const ALL: [Command; 19] = [
        Command::Down,
        Command::Up,
        Command::PageDown,
        Command::PageUp,
        Command::HalfPageDown,
        Command::HalfPageUp,
        Command::Top,
        Command::Bottom,
        Command::NextSection,
        Command::PreviousSection,
        Command::Contents,
        Command::Open,
        Command::Back,
        Command::Help,
        Command::Quit,
        Command::Suspend,
        Command::Bookmark,
        Command::Note,
        Command::Bookmarks,
    ];

    /// The name used in the `[keys]` table of the configuration.
    pub fn name(self) -> &'static str {
        match self {
            Command::Down => "down",
            Command::Up => "up",
            Command::PageDown => "page_down",
            Command::PageUp => "page_up",
            Command::HalfPageDown => "half_page_down",
            Command::HalfPageUp => "half_page_up",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::NextSection => "next_section",
            Command::PreviousSection => "previous_section",
            Command::Contents => "contents",
            Command::Open => "open",
            Command::Back => "back",
            Command::Help => "help",
            Command::Quit => "quit",
            Command::Suspend => "suspend",
            Command::Bookmark => "bookmark",
            Command::Note => "note",
            Command::Bookmarks => "bookmarks",
        }
    }

    /// One line for the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Command::Down => "line down / next item",
            Command::Up => "line up / previous item",
            Command::PageDown => "page down",
            Command::PageUp => "page up",
            Command::HalfPageDown => "half a page down",
            Command::HalfPageUp => "half a page up",
            Command::Top => "to the start",
            Command::Bottom => "to the end",
            Command::NextSection => "next section",
            Command::PreviousSection => "previous section",
            Command::Contents => "table of contents",
            Command::Open => "open the selected item",
            Command::Back => "back (quits from the library)",
            Command::Help => "this help",
            Command::Quit => "quit from anywhere",
            Command::Suspend => "suspend to the shell (fg returns)",
            Command::Bookmark => "bookmark this section (toggle)",
            Command::Note => "add or edit the note of this section's bookmark",
            Command::Bookmarks => "all bookmarks",
        }
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A key with its modifiers, as bound in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Chord {
    /// Normalises a key event: a typed character carries its case, not a SHIFT flag.
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

    /// Parses `"j"`, `"G"`, `"ctrl-c"`, `"PageDown"`, `"shift-Space"`, `"F1"`.
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            modifiers |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
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

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Chord, Command)>,
}

impl Keymap {
    /// Builds the table from the `[keys]` configuration. Bad key names and unknown actions
    /// are reported and skipped; Ctrl-C always quits, so there is always a way out.
    pub fn from_config(keys: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        let mut bindings = Vec::new();
        let mut warnings = Vec::new();
        for command in Command::ALL {
            for key in keys.get(command.name()).into_iter().flatten() {
                match Chord::parse(key) {
                    Ok(chord) => {
                        bindings.retain(|(c, _)| *c != chord);
                        bindings.push((chord, command));
                    }
                    Err(e) => warnings.push(format!("[keys] {}: {e}", command.name())),
                }
            }
        }
        for name in keys.keys() {
            if Command::from_name(name).is_none() {
                warnings.push(format!("[keys]: unknown action `{name}`"));
            }
        }
        let ctrl_c = Chord {
            code: KeyCode::Char('c'),
            modifiers: KeyModifiers::CONTROL,
        };
        if !bindings.iter().any(|(c, _)| *c == ctrl_c) {
            bindings.push((ctrl_c, Command::Quit));
        }
        (Keymap { bindings }, warnings)
    }

    pub fn command(&self, event: &KeyEvent) -> Option<Command> {
        let chord = Chord::from_event(event);
        self.bindings
            .iter()
            .find(|(c, _)| *c == chord)
            .map(|(_, command)| *command)
    }

    /// The keys bound to `command`, in configuration order.
    pub fn keys(&self, command: Command) -> Vec<Chord> {
        self.bindings
            .iter()
            .filter(|(_, c)| *c == command)
            .map(|(chord, _)| *chord)
            .collect()
    }

    /// The first key of `command`, for hints in the status line.
    pub fn hint(&self, command: Command) -> String {
        self.keys(command)
            .first()
            .map_or_else(|| "—".to_string(), ToString::to_string)
    }
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

    #[test]
    fn defaults_cover_the_documented_keys() {
        let map = Keymap::default();
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
        ];
        for (code, mods, command) in cases {
            assert_eq!(map.command(&key(code, mods)), Some(command), "{code:?}");
        }
        assert_eq!(
            map.command(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
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
    }

    #[test]
    fn remapping_moves_keys_and_reports_bad_ones() {
        let mut keys = crate::config::Config::default().keys;
        keys.insert("down".into(), vec!["n".into(), "bogus-key".into()]);
        keys.insert("quit".into(), vec!["Q".into()]);
        keys.insert("jump".into(), vec!["x".into()]);
        let (map, warnings) = Keymap::from_config(&keys);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(
            map.command(&key(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            map.command(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        // Ctrl-C keeps quitting even when unbound.
        assert_eq!(
            map.command(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        assert_eq!(map.hint(Command::Down), "n");
    }
}
