//! The worker behind `F`: fetches the feeds on its own thread (which runs a few more, see
//! [`crate::news::feeds`]) and sends its progress and its summary as actions. One fetch at
//! a time; quitting while it runs loses nothing written: each article and INDEX.md are
//! written atomically, and the thread is simply not waited for.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Loop;
use super::workers::{Outbox, Source};
use crate::app::{Action, Effect, State, update};
use crate::document::sanitize::escape_controls;

/// A fetch is running.
static FETCHING: AtomicBool = AtomicBool::new(false);

impl Loop {
    pub(super) fn fetch_feeds(
        &mut self,
        state: &mut State,
        dir: PathBuf,
        setup: crate::news::feeds::Setup,
    ) -> Vec<Effect> {
        if FETCHING.swap(true, Ordering::AcqRel) {
            return update(
                state,
                Action::Notice("the feeds are being fetched already…".into()),
            );
        }
        let today = crate::ui::date(crate::store::now_ms());
        let outbox = Outbox::new(self.sender.clone(), Source::Watch, None);
        let spawned = std::thread::Builder::new()
            .name("fetch-feeds".into())
            .spawn(move || {
                let result = setup
                    .run(&dir, &today, &mut |progress| {
                        outbox.send(Action::FeedsProgress(progress));
                    })
                    .map_err(|e| escape_controls(&e.to_string()));
                FETCHING.store(false, Ordering::Release);
                outbox.send(Action::FeedsFetched { result });
            });
        match spawned {
            Ok(_) => Vec::new(),
            Err(e) => {
                FETCHING.store(false, Ordering::Release);
                update(
                    state,
                    Action::FeedsFetched {
                        result: Err(format!("cannot start the fetch: {e}")),
                    },
                )
            }
        }
    }
}
