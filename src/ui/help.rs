//! The help text, generated from the active key bindings so it is never out of date.

use crate::app::{Command, Keymap};

/// The lines of the help overlay.
pub fn lines(keymap: &Keymap) -> Vec<String> {
    let mut out = Vec::new();
    let keys: Vec<String> = Command::ALL
        .iter()
        .map(|&command| {
            let keys = keymap
                .keys(command)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ");
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
    for (command, keys) in Command::ALL.iter().zip(keys) {
        let pad = column.saturating_sub(crate::layout::text_width(&keys));
        out.push(format!("{keys}{}{}", " ".repeat(pad), command.describe()));
    }
    out.push(String::new());
    out.push("Mouse: the wheel scrolls, a click selects, a second click opens.".into());
    out.push(format!(
        "Bookmarks list: {} deletes, {} undoes.",
        keymap.hint(Command::HalfPageDown),
        keymap.hint(Command::HalfPageUp)
    ));
    out.push("Keys are set in config.toml, [keys]: see `blatt --print-default-config`.".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_follows_remapped_keys() {
        let mut keys = crate::config::Config::default().keys;
        keys.insert("next_section".into(), vec!["n".into(), "F5".into()]);
        let (map, _) = Keymap::from_config(&keys);
        let text = lines(&map).join("\n");
        assert!(text.contains("n F5"), "{text}");
        assert!(text.contains("next section"));
        assert!(!text.lines().any(|l| l.starts_with("]")));
    }
}
