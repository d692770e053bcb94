//! Work on a stream of items on several threads, with the results handed on in the order
//! of the items: `blatt render` reads a large article a piece at a time and parses and lays
//! out the pieces on all cores, and its lines must still come out in order.
//!
//! Items are taken from the source one at a time (the source is never called on two threads
//! at once) by whichever worker is free. Each item's work has a part that needs nothing of
//! the other items ([`Work::prepare`]) and a part that needs a little of the item before it
//! ([`Work::finish`] gets the [carry](Work::carry) of the one before), so the workers
//! overlap all but the passing of the carry from one item to the next. At most `ahead` items
//! are taken and not handed on yet, so memory holds that many however long the stream.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The work on each item of a stream (see the [module](self)).
pub trait Work: Sync {
    type Item: Send;
    type Prepared: Send;
    /// What an item passes on to the next one.
    type Carry: Send;
    type Output: Send;
    /// The part of the work that needs nothing of the other items.
    fn prepare(&self, item: Self::Item) -> Self::Prepared;
    /// What this item passes on, from what the item before it passed on.
    fn carry(&self, prepared: &Self::Prepared, before: &Self::Carry) -> Self::Carry;
    /// The rest of the work, with what the item before passed on.
    fn finish(&self, prepared: Self::Prepared, before: Self::Carry) -> Self::Output;
}

/// Takes items from `source` until it gives `None` or an error, works on them on `threads`
/// threads (none of them this one), and hands the outputs to `sink` in order on this thread.
/// `start` is what the first item gets as the carry of the item before it. The first error
/// (of the source or the sink) stops the work and is returned; the outputs of the items
/// before the source's error have been handed on.
pub fn run<W: Work, E: Send>(
    work: &W,
    threads: usize,
    ahead: usize,
    start: W::Carry,
    source: impl FnMut() -> Result<Option<W::Item>, E> + Send,
    mut sink: impl FnMut(W::Output) -> Result<(), E>,
) -> Result<(), E> {
    let shared = Shared {
        source: Mutex::new(source),
        state: Mutex::new(State {
            taken: 0,
            exhausted: false,
            handed: 0,
            carry_for: 0,
            carry: Some(start),
            outputs: BTreeMap::new(),
            stop: false,
            error: None,
        }),
        changed: Condvar::new(),
        ahead: ahead.max(1),
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| scope.spawn(|| shared.worker(work)))
            .collect();
        let result = shared.hand_on(&mut sink);
        // A worker's panic stopped the work: it goes on from here as it was.
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        result
    })
}

struct Shared<S, C, O, E> {
    source: Mutex<S>,
    state: Mutex<State<C, O, E>>,
    /// Signalled at every change of `state`.
    changed: Condvar,
    ahead: usize,
}

struct State<C, O, E> {
    /// Items taken from the source.
    taken: usize,
    /// The source has given its last item.
    exhausted: bool,
    /// Outputs handed to the sink.
    handed: usize,
    /// The item whose carry from the one before is `carry`.
    carry_for: usize,
    carry: Option<C>,
    /// Outputs waiting for the ones before them.
    outputs: BTreeMap<usize, O>,
    /// The sink's error or a panic: nothing more is taken, passed on or handed on.
    stop: bool,
    /// The source's error, returned once the outputs before it are handed on.
    error: Option<E>,
}

impl<S, C, O, E> Shared<S, C, O, E> {
    fn lock(&self) -> MutexGuard<'_, State<C, O, E>> {
        // A worker that panicked stops everything (see `Stopper`); the state is whole.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State<C, O, E>>) -> MutexGuard<'a, State<C, O, E>> {
        self.changed
            .wait(state)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands the outputs to `sink` in order as they come, until the last or an error.
    fn hand_on(&self, sink: &mut impl FnMut(O) -> Result<(), E>) -> Result<(), E> {
        loop {
            let output = {
                let mut state = self.lock();
                loop {
                    let next = state.handed;
                    if let Some(output) = state.outputs.remove(&next) {
                        break output;
                    }
                    if state.stop || (state.exhausted && state.handed == state.taken) {
                        // The source's error, if any, after the outputs before it; stopped
                        // without an error by a worker's panic, which `run` passes on.
                        return state.error.take().map_or(Ok(()), Err);
                    }
                    state = self.wait(state);
                }
            };
            if let Err(error) = sink(output) {
                self.lock().stop = true;
                self.changed.notify_all();
                return Err(error);
            }
            self.lock().handed += 1;
            self.changed.notify_all();
        }
    }

    fn worker<W, I>(&self, work: &W)
    where
        W: Work<Item = I, Carry = C, Output = O>,
        S: FnMut() -> Result<Option<I>, E>,
    {
        let _stopper = Stopper(self);
        loop {
            // Take the next item (one worker at a time: the source's lock is held while
            // waiting for room, and taken before the state's, never after).
            let (index, item) = {
                let mut source = self
                    .source
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut state = self.lock();
                while !state.stop && !state.exhausted && state.taken >= state.handed + self.ahead {
                    state = self.wait(state);
                }
                if state.stop || state.exhausted {
                    return;
                }
                drop(state);
                let next = source();
                let mut state = self.lock();
                match next {
                    Ok(Some(item)) => {
                        state.taken += 1;
                        (state.taken - 1, item)
                    }
                    Ok(None) => {
                        state.exhausted = true;
                        drop(state);
                        self.changed.notify_all();
                        return;
                    }
                    Err(error) => {
                        // The items before it are finished and handed on first.
                        state.error = Some(error);
                        state.exhausted = true;
                        drop(state);
                        self.changed.notify_all();
                        return;
                    }
                }
            };
            let prepared = work.prepare(item);
            // Take the carry from the item before and pass this one's on.
            let before = {
                let mut state = self.lock();
                while !state.stop && state.carry_for != index {
                    state = self.wait(state);
                }
                if state.stop {
                    return;
                }
                let Some(before) = state.carry.take() else {
                    return;
                };
                state.carry = Some(work.carry(&prepared, &before));
                state.carry_for = index + 1;
                before
            };
            self.changed.notify_all();
            let output = work.finish(prepared, before);
            self.lock().outputs.insert(index, output);
            self.changed.notify_all();
        }
    }
}

/// Stops the work when a worker panics, so that no thread waits for it for ever.
struct Stopper<'a, S, C, O, E>(&'a Shared<S, C, O, E>);

impl<S, C, O, E> Drop for Stopper<'_, S, C, O, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().stop = true;
            self.0.changed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each item is a number; it is squared (prepare), the carry is the running sum of the
    /// squares, and the output is the square with the sum of those before it.
    struct Sums;

    impl Work for Sums {
        type Item = u64;
        type Prepared = u64;
        type Carry = u64;
        type Output = (u64, u64);
        fn prepare(&self, item: u64) -> u64 {
            // Uneven work, so that the items finish out of order.
            if item.is_multiple_of(3) {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
            item * item
        }
        fn carry(&self, prepared: &u64, before: &u64) -> u64 {
            before + prepared
        }
        fn finish(&self, prepared: u64, before: u64) -> (u64, u64) {
            (prepared, before)
        }
    }

    fn serially(items: &[u64], start: u64) -> Vec<(u64, u64)> {
        let mut sum = start;
        items
            .iter()
            .map(|&i| {
                let out = (i * i, sum);
                sum += i * i;
                out
            })
            .collect()
    }

    fn source(items: &[u64]) -> impl FnMut() -> Result<Option<u64>, String> + Send + '_ {
        let mut items = items.iter();
        move || Ok(items.next().copied())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// On any number of threads, the outputs are those of doing the items one after
        /// another, in the same order.
        #[test]
        fn outputs_are_the_serial_ones_in_order(
            items in prop::collection::vec(0u64..1000, 0..40),
            threads in 1usize..5,
            ahead in 1usize..6,
            start in 0u64..10,
        ) {
            let mut got = Vec::new();
            let result = run(&Sums, threads, ahead, start, source(&items), |out| {
                got.push(out);
                Ok::<(), String>(())
            });
            prop_assert!(result.is_ok());
            prop_assert_eq!(got, serially(&items, start));
        }
    }

    #[test]
    fn an_error_of_the_source_comes_after_the_outputs_before_it() {
        let mut count = 0;
        let failing = move || {
            count += 1;
            if count > 5 {
                Err("bad piece".to_string())
            } else {
                Ok(Some(count))
            }
        };
        let mut got = Vec::new();
        let result = run(&Sums, 2, 3, 0, failing, |out| {
            got.push(out);
            Ok(())
        });
        assert_eq!(result, Err("bad piece".to_string()));
        assert_eq!(got, serially(&[1, 2, 3, 4, 5], 0));
    }

    #[test]
    fn an_error_of_the_sink_stops_the_work() {
        let items: Vec<u64> = (0..1000).collect();
        let mut handed = 0;
        let result = run(&Sums, 2, 4, 0, source(&items), |_| {
            handed += 1;
            if handed == 3 {
                Err("closed pipe".to_string())
            } else {
                Ok(())
            }
        });
        assert_eq!(result, Err("closed pipe".to_string()));
        assert_eq!(handed, 3);
    }

    #[test]
    fn at_most_ahead_items_are_out() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let taken = AtomicUsize::new(0);
        let handed = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u64> = (0..200).collect();
        let mut next = items.iter();
        let counting = || {
            let out = taken.load(Ordering::SeqCst) - handed.load(Ordering::SeqCst);
            most.fetch_max(out + 1, Ordering::SeqCst);
            taken.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(next.next().copied())
        };
        run(&Sums, 3, 2, 0, counting, |_| {
            handed.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .expect("no error");
        assert!(most.load(Ordering::SeqCst) <= 2, "{most:?}");
    }

    #[test]
    #[should_panic(expected = "a worker panicked")]
    fn a_panicking_worker_does_not_leave_the_others_waiting() {
        struct Panics;
        impl Work for Panics {
            type Item = u64;
            type Prepared = u64;
            type Carry = ();
            type Output = u64;
            fn prepare(&self, item: u64) -> u64 {
                assert!(item != 7, "a worker panicked");
                item
            }
            fn carry(&self, _: &u64, (): &()) {}
            fn finish(&self, prepared: u64, (): ()) -> u64 {
                prepared
            }
        }
        let items: Vec<u64> = (0..100).collect();
        let _ = run(&Panics, 2, 3, (), source(&items), |_| Ok(()));
    }
}
