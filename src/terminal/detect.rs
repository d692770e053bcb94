//! What the terminal can do, judged from the environment: how many colours it shows
//! (`NO_COLOR`, `COLORTERM`, the terminfo entry of `TERM` or else its name), and whether it can
//! run a full-screen program at all (not `TERM=dumb`, not without `TERM`, not without a
//! terminal). [`TermEnv::probe`] reads the world; the judging functions take the values, so
//! that tests give them literals.

use crate::config::Colors;
use crate::ui::theme::ColorDepth;
use std::path::PathBuf;

/// What the environment says about the terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermEnv {
    /// `TERM`, if set.
    pub term: Option<String>,
    /// `COLORTERM`, if set.
    pub colorterm: Option<String>,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// What the terminfo entry of `TERM` says; `None` when there is no entry to read.
    pub terminfo: Option<Terminfo>,
}

/// The few capabilities of a terminfo entry that blatt looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminfo {
    /// `colors`, 0 when the entry has none.
    pub colors: i32,
    /// The entry declares 24-bit colour (the `RGB` or `Tc` extension).
    pub direct: bool,
    /// `cup`: the cursor can be put anywhere, which a full screen needs.
    pub cursor_address: bool,
}

impl TermEnv {
    /// Reads `TERM`, `COLORTERM`, `NO_COLOR` and the terminfo entry of `TERM`.
    pub fn probe() -> TermEnv {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        let term = var("TERM");
        let terminfo = term
            .as_deref()
            .filter(|t| safe_term_name(t))
            .and_then(read_terminfo)
            .map(|info| {
                use termini::{NumberCapability, StringCapability};
                Terminfo {
                    colors: info.number_cap(NumberCapability::MaxColors).unwrap_or(0),
                    direct: info.extended_cap("RGB").is_some() || info.extended_cap("Tc").is_some(),
                    cursor_address: info
                        .raw_string_cap(StringCapability::CursorAddress)
                        .is_some(),
                }
            });
        TermEnv {
            term,
            colorterm: var("COLORTERM"),
            no_color: var("NO_COLOR").is_some_and(|v| !v.is_empty()),
            terminfo,
        }
    }
}

/// The terminfo entry of `term`, looked for where ncurses looks (as termini's `from_name`
/// does), and parsed from the file read whole: termini's own reading asks the system for two
/// bytes at a time (600 calls, 0.3 ms of every start against 0.02 ms).
fn read_terminfo(term: &str) -> Option<termini::TermInfo> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let mut dirs: Vec<PathBuf> = Vec::new();
    match var("TERMINFO") {
        Some(dir) => dirs.push(dir.into()),
        None => dirs.extend(var("HOME").map(|home| PathBuf::from(home).join(".terminfo"))),
    }
    if let Some(list) = var("TERMINFO_DIRS") {
        dirs.extend(std::env::split_paths(&list));
    }
    if let Some(prefix) = var("PREFIX") {
        let prefix = PathBuf::from(prefix);
        dirs.extend(["etc", "lib", "share"].map(|d| prefix.join(d).join("terminfo")));
    }
    dirs.extend(
        [
            "/etc/terminfo",
            "/lib/terminfo",
            "/usr/share/terminfo",
            "/boot/system/data/terminfo",
        ]
        .map(PathBuf::from),
    );
    let first = term.chars().next()?;
    let bytes = dirs.iter().find_map(|dir| {
        [first.to_string(), format!("{:x}", first as u32)]
            .iter()
            .find_map(|sub| std::fs::read(dir.join(sub).join(term)).ok())
    })?;
    termini::TermInfo::parse(&bytes[..]).ok()
}

/// Whether `TERM` may be used as a file name in the terminfo directories: a name, not a path
/// (`TERM=../../dev/zero` must not be read).
fn safe_term_name(term: &str) -> bool {
    !term.is_empty()
        && term.len() <= 128
        && !term.starts_with('.')
        && term
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+'))
}

/// The colour depth to draw with: the configured one, or with `auto` what the terminal says.
pub fn color_depth(env: &TermEnv, setting: Colors) -> ColorDepth {
    match setting {
        Colors::TrueColor => return ColorDepth::TrueColor,
        Colors::Ansi256 => return ColorDepth::Ansi256,
        Colors::Ansi16 => return ColorDepth::Ansi16,
        Colors::None => return ColorDepth::Mono,
        Colors::Auto => {}
    }
    if env.no_color {
        return ColorDepth::Mono;
    }
    let term = env.term.as_deref().unwrap_or("");
    // What TERM shows: its terminfo entry, else what its name says.
    let shown = match env.terminfo {
        Some(info) if info.direct || info.colors >= 1 << 24 => ColorDepth::TrueColor,
        Some(info) if info.colors >= 256 => ColorDepth::Ansi256,
        Some(info) if info.colors >= 8 => ColorDepth::Ansi16,
        Some(_) => ColorDepth::Mono,
        None => depth_from_name(term),
    };
    // COLORTERM (set by the terminal, and passed on by ssh and tmux) tells of 24-bit colour
    // that terminfo entries often leave out; a terminal that shows no colour stays so.
    let truecolor = env
        .colorterm
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit"));
    if truecolor && shown != ColorDepth::Mono {
        ColorDepth::TrueColor
    } else {
        shown
    }
}

/// The colour depth a terminal name suggests, for a `TERM` without a terminfo entry.
fn depth_from_name(term: &str) -> ColorDepth {
    let term = term.to_ascii_lowercase();
    if term.is_empty() || term == "dumb" || term.ends_with("-mono") || term.ends_with("-m") {
        ColorDepth::Mono
    } else if term.ends_with("-direct") || term.ends_with("-truecolor") {
        ColorDepth::TrueColor
    } else if term.ends_with("-256color") || term.ends_with("-256") {
        ColorDepth::Ansi256
    } else {
        ColorDepth::Ansi16
    }
}

/// Why the full-screen reader cannot run here, if it cannot: no terminal on standard input
/// or output, no `TERM`, `TERM=dumb`, or a terminfo entry that cannot place the cursor.
pub fn full_screen_problem(env: &TermEnv, stdin_tty: bool, stdout_tty: bool) -> Option<String> {
    const INSTEAD: &str =
        "for plain text use `blatt render ARTICLE` (or `blatt list`, `blatt toc ARTICLE`)";
    if !stdout_tty || !stdin_tty {
        return Some(format!("the reader needs a terminal; {INSTEAD}"));
    }
    let term = env.term.as_deref().unwrap_or("").trim();
    if term.is_empty() {
        return Some(format!(
            "TERM is not set, so the kind of terminal is unknown and the full-screen reader \
             cannot run; set TERM (for example TERM=xterm-256color), or {INSTEAD}"
        ));
    }
    let cannot_place_cursor = env.terminfo.is_some_and(|info| !info.cursor_address);
    if term.eq_ignore_ascii_case("dumb") || cannot_place_cursor {
        return Some(format!(
            "TERM={term}: this terminal cannot place the cursor, so the full-screen reader \
             cannot run; {INSTEAD}"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorDepth::*;

    fn env(term: &str, colorterm: &str, no_color: bool, colors: Option<i32>) -> TermEnv {
        TermEnv {
            term: (!term.is_empty()).then(|| term.to_string()),
            colorterm: (!colorterm.is_empty()).then(|| colorterm.to_string()),
            no_color,
            terminfo: colors.map(|colors| Terminfo {
                colors,
                direct: false,
                cursor_address: true,
            }),
        }
    }

    #[test]
    fn depth_from_the_environment() {
        let auto = |e: &TermEnv| color_depth(e, Colors::Auto);
        // The terminfo count.
        assert_eq!(auto(&env("xterm-256color", "", false, Some(256))), Ansi256);
        assert_eq!(auto(&env("linux", "", false, Some(8))), Ansi16);
        assert_eq!(auto(&env("xterm", "", false, Some(8))), Ansi16);
        assert_eq!(auto(&env("rxvt", "", false, Some(88))), Ansi16);
        assert_eq!(auto(&env("xterm-mono", "", false, Some(0))), Mono);
        assert_eq!(auto(&env("vt100", "", false, Some(0))), Mono);
        assert_eq!(
            auto(&env("xterm-direct", "", false, Some(1 << 24))),
            TrueColor
        );
        // COLORTERM adds 24-bit colour to a colour terminal, not to a monochrome one.
        assert_eq!(
            auto(&env("xterm-256color", "truecolor", false, Some(256))),
            TrueColor
        );
        assert_eq!(auto(&env("xterm", "24bit", false, Some(8))), TrueColor);
        assert_eq!(auto(&env("xterm-mono", "truecolor", false, Some(0))), Mono);
        assert_eq!(
            auto(&env("xterm-256color", "yes", false, Some(256))),
            Ansi256
        );
        // NO_COLOR wins over everything the terminal says.
        assert_eq!(
            auto(&env("xterm-256color", "truecolor", true, Some(256))),
            Mono
        );
        // The RGB extension.
        let mut direct = env("foot", "", false, Some(256));
        if let Some(info) = direct.terminfo.as_mut() {
            info.direct = true;
        }
        assert_eq!(auto(&direct), TrueColor);
    }

    #[test]
    fn depth_from_the_name_without_terminfo() {
        let auto = |term: &str| color_depth(&env(term, "", false, None), Colors::Auto);
        assert_eq!(auto("xterm-256color"), Ansi256);
        assert_eq!(auto("tmux-256color"), Ansi256);
        assert_eq!(auto("xterm-mono"), Mono);
        assert_eq!(auto("dumb"), Mono);
        assert_eq!(auto(""), Mono);
        assert_eq!(auto("xterm-direct"), TrueColor);
        assert_eq!(auto("alacritty"), Ansi16);
        assert_eq!(auto("linux"), Ansi16);
        assert_eq!(
            color_depth(&env("alacritty", "truecolor", false, None), Colors::Auto),
            TrueColor
        );
    }

    #[test]
    fn the_setting_wins() {
        let mono = env("xterm-mono", "", true, Some(0));
        assert_eq!(color_depth(&mono, Colors::TrueColor), TrueColor);
        assert_eq!(color_depth(&mono, Colors::Ansi256), Ansi256);
        assert_eq!(color_depth(&mono, Colors::Ansi16), Ansi16);
        let rich = env("xterm-256color", "truecolor", false, Some(256));
        assert_eq!(color_depth(&rich, Colors::None), Mono);
    }

    #[test]
    fn dumb_or_no_terminal_is_refused() {
        let fine = env("xterm-256color", "", false, Some(256));
        assert_eq!(full_screen_problem(&fine, true, true), None);
        assert_eq!(
            full_screen_problem(&env("alacritty", "", false, None), true, true),
            None
        );
        for (e, stdin, stdout, says) in [
            (env("dumb", "", false, Some(0)), true, true, "TERM=dumb"),
            (env("dumb", "", false, None), true, true, "TERM=dumb"),
            (env("", "", false, None), true, true, "TERM is not set"),
            (
                env("xterm", "", false, Some(8)),
                true,
                false,
                "needs a terminal",
            ),
            (
                env("xterm", "", false, Some(8)),
                false,
                true,
                "needs a terminal",
            ),
        ] {
            let problem = full_screen_problem(&e, stdin, stdout).unwrap_or_default();
            assert!(problem.contains(says), "{e:?}: {problem}");
            assert!(problem.contains("blatt render"), "{e:?}: {problem}");
        }
        let mut no_cup = env("glass", "", false, Some(0));
        if let Some(info) = no_cup.terminfo.as_mut() {
            info.cursor_address = false;
        }
        let problem = full_screen_problem(&no_cup, true, true).unwrap_or_default();
        assert!(problem.starts_with("TERM=glass: this terminal cannot place the cursor"));
    }

    #[test]
    fn term_names_that_are_paths_are_not_looked_up() {
        assert!(safe_term_name("xterm-256color"));
        assert!(safe_term_name("screen.xterm-256color"));
        assert!(safe_term_name("rxvt-unicode+x"));
        assert!(!safe_term_name("../../dev/zero"));
        assert!(!safe_term_name("/dev/zero"));
        assert!(!safe_term_name(".."));
        assert!(!safe_term_name(""));
        assert!(!safe_term_name("xterm\u{1b}[31m"));
        assert!(!safe_term_name(&"x".repeat(200)));
    }
}
