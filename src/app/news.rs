//! `F` in the library: the configured feeds are fetched into the library folder in the
//! background ([`Effect::FetchFeeds`]); progress shows on the status line, and when it is
//! over INDEX.md is read again, so the new articles appear in their groups, marked new, with
//! the unread counts of the group headings up to date. Failed feeds are listed in a message.

use super::{Effect, State};
use crate::library::{INDEX_FILE, Origin, is_index_file};
use crate::news::feeds::{Progress, Summary};

/// The status line while the fetch runs.
fn fetching(progress: Progress) -> String {
    format!(
        "fetching feeds {}/{}, {} new…",
        progress.done, progress.total, progress.added
    )
}

/// `F`: fetch into this library's folder, if it has one.
pub(super) fn fetch(state: &mut State, effects: &mut Vec<Effect>) {
    match &state.library.origin {
        Origin::Dir { index, root }
            if is_index_file(index) && index.file_name() == Some(INDEX_FILE.as_ref()) =>
        {
            state.flash = Some("fetching feeds…".into());
            effects.push(Effect::FetchFeeds { dir: root.clone() });
        }
        _ => state.show_message(
            "Cannot fetch feeds here",
            vec![
                "Feeds are saved into a library folder with an INDEX.md.".into(),
                String::new(),
                "Open one (blatt ~/news) and press F again, or run `blatt fetch ~/news`.".into(),
            ],
        ),
    }
}

pub(super) fn progress(state: &mut State, progress: Progress) {
    state.flash = Some(fetching(progress));
}

/// The fetch is over: the summary on the status line (and the failures in a message), and
/// INDEX.md read again when something was saved.
pub(super) fn fetched(
    state: &mut State,
    result: Result<Summary, String>,
    effects: &mut Vec<Effect>,
) {
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            state.flash = None;
            state.show_message("Cannot fetch feeds", vec![e]);
            return;
        }
    };
    if !summary.added.is_empty() {
        effects.push(Effect::ReloadIndex);
    }
    let line = summary.line();
    if summary.failures.is_empty() {
        state.flash = Some(line);
    } else {
        state.flash = None;
        let mut lines = vec![line, String::new()];
        lines.extend(summary.failures.iter().take(20).cloned());
        if summary.failures.len() > 20 {
            lines.push(format!("… and {} more", summary.failures.len() - 20));
        }
        state.show_message("Feeds fetched", lines);
    }
}
