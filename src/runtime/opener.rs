//! Handing a web address to the system, after the person said yes on screen: `$BROWSER` if
//! set, else `xdg-open` (`open` on macOS). The address is one argument of a program started
//! directly, never through a shell; the program gets no terminal (stdin, stdout and stderr
//! closed) and runs in its own process group, so it cannot draw into blatt's screen or get
//! its Ctrl-C; blatt does not wait for it. Only `http`, `https` and `mailto` addresses
//! without control characters are handed on (the reader refuses the rest before asking;
//! this checks again).
//!
//! Copying goes through the terminal instead (OSC 52), when the configuration allows it.

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

/// Whether blatt hands `url` to another program.
pub fn allowed(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !url.chars().any(char::is_control)
}

/// The program and arguments to open `url` with: from `browser` (the value of `$BROWSER`:
/// the first of its `:`-separated commands, split at spaces, `%s` replaced by the address,
/// else the address last), or the system's opener.
pub fn command_for(url: &str, browser: Option<OsString>) -> (OsString, Vec<OsString>) {
    let chosen = browser.and_then(|b| b.into_string().ok()).and_then(|b| {
        b.split(':')
            .map(str::trim)
            .find(|c| !c.is_empty())
            .map(str::to_string)
    });
    if let Some(command) = chosen {
        let mut words = command.split_whitespace().map(str::to_string);
        if let Some(program) = words.next() {
            let mut args: Vec<OsString> = Vec::new();
            let mut placed = false;
            for word in words {
                if word.contains("%s") {
                    args.push(word.replace("%s", url).into());
                    placed = true;
                } else {
                    args.push(word.into());
                }
            }
            if !placed {
                args.push(url.into());
            }
            return (program.into(), args);
        }
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    (opener.into(), vec![url.into()])
}

/// Starts the opener for `url` and returns at once.
pub fn open(url: &str, browser: Option<OsString>) -> Result<(), String> {
    if !allowed(url) {
        return Err("only http, https and mailto addresses are opened".to_string());
    }
    let (program, args) = command_for(url, browser);
    let mut command = Command::new(&program);
    command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.to_string_lossy()))?;
    // Reaped in the background, so it leaves no zombie.
    let _ = std::thread::Builder::new()
        .name("opener".into())
        .spawn(move || {
            let _ = child.wait();
        });
    Ok(())
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Asks the terminal to put `url` on the clipboard.
pub fn copy(url: &str) -> Result<(), String> {
    if url.chars().any(char::is_control) {
        return Err("the address holds control characters".to_string());
    }
    let mut out = std::io::stdout().lock();
    out.write_all(osc52(url).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_addresses_are_allowed() {
        assert!(allowed("https://example.org/a?b#c"));
        assert!(allowed("HTTP://example.org"));
        assert!(allowed("mailto:a@example.org"));
        for refused in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "ftp://example.org",
            "https://example.org/\u{1b}]8;;x\u{7}",
            "",
        ] {
            assert!(!allowed(refused), "{refused:?}");
        }
    }

    #[test]
    fn browser_commands_are_split_without_a_shell() {
        let url = "https://example.org/a b;$(x)";
        let args = |browser: &str| command_for(url, Some(browser.into()));
        assert_eq!(args("firefox"), ("firefox".into(), vec![url.into()]));
        assert_eq!(
            args(":lynx -dump:firefox"),
            ("lynx".into(), vec!["-dump".into(), url.into()])
        );
        assert_eq!(
            args("w3m %s -o x"),
            ("w3m".into(), vec![url.into(), "-o".into(), "x".into()])
        );
        let system = command_for(url, None);
        assert_eq!(system.1, vec![OsString::from(url)]);
        assert_eq!(command_for(url, Some("  ".into())).0, system.0);
    }

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }
}
