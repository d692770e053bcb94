//! Opening articles and checking links for the loop: file-system work whose results go
//! back to `update` as actions.

use std::sync::Arc;

use crate::app::{Action, State};
use crate::document::sanitize::escape_controls;
use crate::document::{self, stream::Loader};
use crate::library::{self, Entry, Target};

/// Reads and parses the whole article of an entry.
pub fn load(state: &State, entry: usize, cap: u64) -> Result<Arc<document::Document>, String> {
    let (mut doc, loader) = start_load(state, entry, cap)?;
    if let Some(mut loader) = loader {
        Arc::make_mut(&mut doc)
            .read_rest(&mut loader)
            .map_err(|e| escape_controls(&e.to_string()))?;
    }
    Ok(doc)
}

/// An article opened: all of a small one, the first piece of a large one and a loader for
/// the rest; or why it could not be opened.
pub type Started = Result<(Arc<document::Document>, Option<Loader>), String>;

/// Opens the article of an entry: all of a small one, the first piece of a large one and a
/// loader for the rest.
pub fn start_load(state: &State, entry: usize, cap: u64) -> Started {
    let e = state
        .library
        .entries
        .get(entry)
        .ok_or_else(|| "no such entry".to_string())?;
    open_entry(e, cap).map(|(doc, loader)| (Arc::new(doc), loader))
}

/// Reads and parses the whole article of an entry, as the reader shows it (so that a place
/// found in it is the same place in the reader).
pub fn read_entry(e: &Entry, cap: u64) -> Result<document::Document, String> {
    let (mut doc, loader) = open_entry(e, cap)?;
    if let Some(mut loader) = loader {
        doc.read_rest(&mut loader)
            .map_err(|err| escape_controls(&err.to_string()))?;
    }
    Ok(doc)
}

fn open_entry(e: &Entry, cap: u64) -> Result<(document::Document, Option<Loader>), String> {
    let shown = |err: &dyn std::fmt::Display| escape_controls(&err.to_string());
    let name = match &e.target {
        Target::File(path) => path.to_string_lossy().into_owned(),
        Target::Bundled(name) => (*name).to_string(),
        Target::Problem(p) => return Err(shown(p)),
        Target::Unchecked => return Err(shown(&library::ReadError::Unchecked)),
    };
    let (source, size) = library::open_target(&e.target, cap).map_err(|err| shown(&err))?;
    document::open(source, size, &name, &e.title, e.language.as_deref(), cap)
        .map_err(|err| shown(&format!("{name}: {err}")))
}

/// An entry and the file of its article: only a file can be read somewhere in the middle
/// (a window, the scan for a section).
pub fn entry_file(
    state: &State,
    entry: usize,
) -> Result<(&crate::library::Entry, &std::path::Path), String> {
    let e = state
        .library
        .entries
        .get(entry)
        .ok_or_else(|| "no such entry".to_string())?;
    match &e.target {
        Target::File(path) => Ok((e, path)),
        _ => Err("only a file can be read ahead".into()),
    }
}

/// Reads the window of an entry's article for a jump far into it (see
/// [`document::window`]): from its file, which is opened again and read there.
pub fn read_ahead(
    state: &State,
    entry: usize,
    jump: &document::window::Jump,
    cap: u64,
) -> Result<Box<document::window::Window>, String> {
    let shown = |err: &dyn std::fmt::Display| escape_controls(&err.to_string());
    let (e, path) = entry_file(state, entry)?;
    let (file, size) = library::open_entry_path(path, cap).map_err(|err| shown(&err))?;
    let title = state
        .reader
        .as_ref()
        .map_or_else(|| e.title.clone(), |r| r.doc.title.clone());
    let format = document::Format::from_name(&path.to_string_lossy());
    let at = (
        document::window::origin(jump, size),
        document::window::length(jump),
    );
    document::window::read(file.into_inner(), size, at, format, &title, cap)
        .map(Box::new)
        .map_err(|err| shown(&err))
}

/// Checks the links of these entries (file-system work): the action that records them.
pub fn check_entries(state: &State, entries: &[usize]) -> Action {
    let targets = entries
        .iter()
        .filter_map(|&entry| Some((entry, state.library.check_entry(entry)?)))
        .collect();
    Action::Checked { targets }
}
