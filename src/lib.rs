//! blatt: a full-screen terminal reader for news articles kept in a folder with an `INDEX.md`.
//!
//! Data flows one way: bytes are decoded and sanitized into clean text ([`document`]), parsed
//! into a [`document::Document`] of blocks grouped into sections, wrapped per width into a
//! [`layout::Layout`] whose lines map back to content [`anchor::Anchor`]s, and drawn by the
//! views in [`ui`]. Everything that happens (keys, signals, pieces read in the background, the
//! time) reaches a pure [`app::update`] as an [`app::Action`] over the one channel of the
//! [`runtime`], which sits above `app` and `ui`, carries out the effects `update` returns and
//! draws. Files are read in [`library`] and written in [`store`]; the terminal is touched only
//! in [`terminal`] and the runtime.
//!
//! ```
//! use blatt::document::{Format, parse};
//! use blatt::layout::{WrapOptions, render_plain};
//!
//! let doc = parse("Titel\n\nEin Absatz.\n\nEin Abschnitt\n\nMehr Text.", Format::Plain, "t", None);
//! let headings: Vec<_> = doc.headings().filter_map(|(_, s)| s.title.clone()).collect();
//! assert_eq!(headings, ["Ein Abschnitt"]);
//! assert_eq!(render_plain(&doc, WrapOptions::new(40))[0], "Titel");
//! ```
#![forbid(unsafe_code)]

pub mod anchor;
pub mod app;
pub mod cli;
pub mod config;
pub mod document;
mod hash;
pub mod headless;
pub mod layout;
pub mod library;
pub mod news;
pub mod ordered;
pub mod runtime;
pub mod search;
mod shared;
pub mod store;
pub mod terminal;
pub mod ui;
