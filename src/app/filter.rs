//! Filtering the library list as the person types after `/`: fuzzy, by title, description
//! and group, with nucleo-matcher (the matcher of helix). Each word of the query is matched
//! on its own (fzf-style, a space separates words, `\ ` is a space inside a word) against
//! each of the three fields; an entry is kept when every word matches one of its fields, and
//! its score is the sum of each word's best field score, a title counting double. Smart case
//! (a capital in a word makes that word case-sensitive) and smart normalisation (`cafe` finds
//! `café`, `café` does not find `cafe`) are nucleo's.
//!
//! The filtered list is ranked, best first (ties in INDEX.md order), so it has no group
//! headings: an entry's group is shown on its second row, in front of its description, where
//! a match in the group is highlighted too. An empty query shows the whole list as usual.
//!
//! Speed. The fields are turned into nucleo's form once, into a few large [`Part`]s rather
//! than three strings an entry; a key then costs nucleo's scoring of the entries that can
//! match and little else: an entry lacking a letter of a word is passed over on a bit mask,
//! a field that cannot hold the word is not scored, a word that matched the title well
//! enough that no other field could beat it is not scored elsewhere, and a query that
//! extends the one shown only looks at the entries shown. That is still not a frame at
//! 100,000 entries on two busy cores (a key that looks at every entry ranks in about 65 ms
//! at a load of 10, nucleo's scoring most of it), so in a large library the work leaves
//! `update`: `/` copies the entries' text a slice at a time for a worker to turn into parts
//! ([`Work::Prepare`]), and a query with many entries to look at is ranked by a worker
//! ([`Work::Rank`]) while the prompt takes the key at once and the list shows the last
//! ranked query until the order comes back ([`Done`]). Only the newest query's order is
//! taken; a worker whose query was overtaken stops early (it finds itself the only holder
//! of its job). Entries arriving meanwhile are ranked as they come and joined in. Enter
//! before the order is there opens the best match once it is. Small libraries and narrow
//! queries are ranked at once, as before (`LIMITS`).
//!
//! `cargo bench --bench blatt -- library_filter` measures both sides of a key (`…/key`:
//! `update` and the frame; `…/list`: with the worker's ranking and the frame that shows
//! it); the figures are in the README. Left: the worker ranks on one thread (two would
//! halve the wait for the list on an idle machine), and the list follows a key that looks
//! at every entry by a few frames.

use std::ops::Range;
use std::sync::Arc;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use super::{Effect, LibraryRow, State, keep_selection_visible};
use crate::library::Entry;

/// A character as an ASCII word sees it: accents dropped as nucleo drops them, other
/// punctuation (`—`, `›`) a control character that no typed word holds (the prompt takes
/// none) and that nucleo classes as punctuation too; none for a letter or space with no
/// ASCII form (the field is then matched as it is).
fn fold(c: char) -> Option<char> {
    let n = nucleo_matcher::chars::normalize(c);
    if n.is_ascii() {
        Some(n)
    } else if !c.is_alphanumeric() && !c.is_whitespace() {
        Some('\u{1f}')
    } else {
        None
    }
}

/// Whether `c` is a grapheme cluster of its own beside any other such character (Latin
/// letters with their accents precomposed, general punctuation, currency signs): a text of
/// them is, in nucleo's form (one character per grapheme), just its characters, and is
/// turned into it without segmenting it, which is several times slower.
fn stands_alone(c: char) -> bool {
    (c < '\u{300}' && c != '\r')
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{205e}').contains(&c)
        || ('\u{20a0}'..='\u{20c0}').contains(&c)
}

/// The bit of an ASCII character in a field's mask: one for each letter (either case) and
/// digit, the rest share the others. A field can only match a word whose bits it has.
fn bit(b: u8) -> u64 {
    let b = b.to_ascii_lowercase();
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 1 << (36 + b % 28),
    }
}

fn mask_of(ascii: &[u8]) -> u64 {
    ascii.iter().fold(0, |m, &b| m | bit(b))
}

/// How a field is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// The text is ASCII: it is its own form (in `ascii`).
    Ascii,
    /// Not ASCII, but every grapheme folds to an ASCII character ([`fold`]): an ASCII word
    /// (the usual query) matches the folded text (in `ascii`) exactly as it matches the
    /// original under nucleo's smart normalisation, but through nucleo's ASCII fast path,
    /// several times faster. Positions are the same in both (one per grapheme).
    Folded,
    /// Only nucleo's form of the text (in `unicode`).
    Unicode,
}

/// Where one field's forms are in its part.
#[derive(Debug, Clone, Copy)]
struct Span {
    form: Form,
    ascii: (u32, u32),
    unicode: (u32, u32),
    /// The bits of its ASCII form; all for a field without one (anything may match it).
    mask: u64,
}

/// The fields of a run of entries, three each (title, group, description), in nucleo's form
/// (a character per grapheme) and, where there is one, an ASCII form, each kind in one
/// buffer: made once, by `Part::of_entries` or, for a large library, on a worker from
/// [`Texts`].
pub struct Part {
    ascii: Vec<u8>,
    unicode: Vec<char>,
    spans: Vec<Span>,
    /// Per entry, the bits of its three fields.
    masks: Vec<u64>,
    /// Per entry, whether it has a group or a description (a second row in the list).
    second: Vec<bool>,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Part({} entries)", self.masks.len())
    }
}

/// One field as the matcher sees it.
#[derive(Debug, Clone, Copy)]
struct View<'a> {
    ascii: Option<&'a [u8]>,
    unicode: Option<&'a [char]>,
    mask: u64,
}

impl<'a> View<'a> {
    /// The text a word is matched against: the ASCII form for an ASCII word (or when the
    /// text is ASCII), else nucleo's form.
    fn haystack(self, ascii_word: bool) -> Utf32Str<'a> {
        match (self.ascii, self.unicode) {
            (Some(ascii), Some(_)) if ascii_word => Utf32Str::Ascii(ascii),
            (_, Some(unicode)) => Utf32Str::Unicode(unicode),
            (Some(ascii), None) => Utf32Str::Ascii(ascii),
            (None, None) => Utf32Str::Ascii(&[]),
        }
    }
}

/// The fields in the order a word tries them, with their weights. The weights do not grow
/// along it, which lets [`Scorer::best`] stop early.
const FIELDS: [(usize, u32); 3] = [(TITLE, TITLE_WEIGHT), (GROUP, 1), (DESCRIPTION, 1)];
const TITLE: usize = 0;
const GROUP: usize = 1;
const DESCRIPTION: usize = 2;

/// A match in the title counts this many times one in the group or description.
const TITLE_WEIGHT: u32 = 2;

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Part {
    fn with_capacity(entries: usize, bytes: usize) -> Part {
        Part {
            ascii: Vec::with_capacity(bytes),
            unicode: Vec::new(),
            spans: Vec::with_capacity(entries * 3),
            masks: Vec::with_capacity(entries),
            second: Vec::with_capacity(entries),
        }
    }

    /// The fields of these entries, made here (a few thousand at most in `update`).
    fn of_entries(entries: &[Entry]) -> Part {
        let bytes = entries
            .iter()
            .map(|e| e.title.len() + e.description.len() + 16)
            .sum();
        let mut part = Part::with_capacity(entries.len(), bytes);
        let mut group = String::new();
        for entry in entries {
            group.clear();
            push_group(&mut group, entry);
            part.push_entry([&entry.title, &group, &entry.description]);
        }
        part
    }

    /// The fields of the entries whose text was copied into `texts` (on a worker).
    fn of_texts(texts: &Texts) -> Part {
        let mut part = Part::with_capacity(texts.ends.len() / 3, texts.text.len());
        let mut start = 0;
        for ends in texts.ends.chunks_exact(3) {
            let mut fields = [""; 3];
            for (field, &end) in fields.iter_mut().zip(ends) {
                let end = end as usize;
                *field = texts.text.get(start..end).unwrap_or("");
                start = end;
            }
            part.push_entry(fields);
        }
        part
    }

    fn push_entry(&mut self, [title, group, description]: [&str; 3]) {
        let mut mask = 0;
        for text in [title, group, description] {
            mask |= self.push_field(text);
        }
        self.masks.push(mask);
        self.second
            .push(!group.is_empty() || !description.is_empty());
    }

    fn push_field(&mut self, text: &str) -> u64 {
        let a0 = self.ascii.len();
        let u0 = self.unicode.len();
        let form = if text.is_ascii() {
            self.ascii.extend_from_slice(text.as_bytes());
            Form::Ascii
        } else {
            if text.chars().all(stands_alone) {
                self.unicode.extend(text.chars());
            } else if let Utf32String::Unicode(chars) = Utf32String::from(text) {
                self.unicode.extend_from_slice(&chars);
            }
            let ascii = &mut self.ascii;
            let folds = self.unicode[u0..].iter().all(|&c| match fold(c) {
                Some(f) => {
                    // `fold` gives ASCII only.
                    ascii.push(u8::try_from(f).unwrap_or(0x1f));
                    true
                }
                None => false,
            });
            if folds {
                Form::Folded
            } else {
                self.ascii.truncate(a0);
                Form::Unicode
            }
        };
        let mask = match form {
            Form::Unicode => u64::MAX,
            Form::Ascii | Form::Folded => mask_of(&self.ascii[a0..]),
        };
        self.spans.push(Span {
            form,
            ascii: (u32_of(a0), u32_of(self.ascii.len())),
            unicode: (u32_of(u0), u32_of(self.unicode.len())),
            mask,
        });
        mask
    }

    fn len(&self) -> usize {
        self.masks.len()
    }

    /// Field `field` of entry `k` of this part.
    fn field(&self, k: usize, field: usize) -> View<'_> {
        let Some(span) = self.spans.get(k * 3 + field) else {
            return View {
                ascii: None,
                unicode: None,
                mask: 0,
            };
        };
        let ascii = || self.ascii.get(span.ascii.0 as usize..span.ascii.1 as usize);
        let unicode = || {
            self.unicode
                .get(span.unicode.0 as usize..span.unicode.1 as usize)
        };
        let (ascii, unicode) = match span.form {
            Form::Ascii => (ascii(), None),
            Form::Folded => (ascii(), unicode()),
            Form::Unicode => (None, unicode()),
        };
        View {
            ascii,
            unicode,
            mask: span.mask,
        }
    }
}

/// The group line of an entry ([`group_text`]), written into `out`.
fn push_group(out: &mut String, entry: &Entry) {
    for (i, heading) in entry.group.iter().enumerate() {
        if i > 0 {
            out.push_str(" › ");
        }
        out.push_str(heading);
    }
}

/// The group of an entry as one line: its headings joined with ` › `, as the filtered list
/// shows it (the highlighted positions are positions in this text).
pub fn group_text(entry: &Entry) -> String {
    let mut out = String::new();
    push_group(&mut out, entry);
    out
}

/// The text of a run of entries (title, group line, description of each, one after
/// another), copied in `update` for a worker to make their [`Part`]: a copy is several
/// times quicker than the making.
pub struct Texts {
    text: String,
    /// Where each field ends in `text`, three per entry.
    ends: Vec<u32>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Texts({} entries)", self.ends.len() / 3)
    }
}

impl Texts {
    fn of(entries: &[Entry]) -> Texts {
        let bytes = entries
            .iter()
            .map(|e| e.title.len() + e.description.len() + 16)
            .sum();
        let mut text = String::with_capacity(bytes);
        let mut ends = Vec::with_capacity(entries.len() * 3);
        for entry in entries {
            text.push_str(&entry.title);
            ends.push(u32_of(text.len()));
            push_group(&mut text, entry);
            ends.push(u32_of(text.len()));
            text.push_str(&entry.description);
            ends.push(u32_of(text.len()));
        }
        Texts { text, ends }
    }
}

/// The fields of the entries `0..len`, in parts.
#[derive(Debug, Clone, Default)]
struct Store {
    parts: Vec<Arc<Part>>,
    starts: Vec<usize>,
    len: usize,
}

impl Store {
    fn push(&mut self, part: Arc<Part>) {
        if part.len() == 0 {
            return;
        }
        self.starts.push(self.len);
        self.len += part.len();
        self.parts.push(part);
    }

    /// The part holding entry `i`, and its place in it.
    fn locate(&self, i: usize) -> Option<(&Part, usize)> {
        let p = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        let part = self.parts.get(p)?;
        let k = i - self.starts.get(p)?;
        (k < part.len()).then_some((&**part, k))
    }
}

/// Where the query matched an entry: grapheme positions (nucleo counts a grapheme cluster
/// as one character) in the title, the group line ([`group_text`]) and the description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub title: Vec<u32>,
    pub group: Vec<u32>,
    pub description: Vec<u32>,
}

/// The pattern of a query: fuzzy words, smart case, smart normalisation.
pub fn pattern(query: &str) -> Pattern {
    Pattern::new(
        query,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
    )
}

fn matcher() -> Matcher {
    Matcher::new(Config::DEFAULT)
}

/// The most nucleo 0.3 gives a word's first character (a match, 16, and twice the largest
/// bonus, 10, for the start of a word after a space) and each character after it (a match
/// and at most that bonus). The test `no_score_exceeds_the_bound` holds nucleo to it.
const MAX_FIRST: u32 = 16 + 2 * 10;
const MAX_NEXT: u32 = 16 + 10;

/// What is worked out once per word of a query, before scoring many entries.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// The word is ASCII: it is matched against the fields' ASCII forms.
    ascii: bool,
    /// The bits a field must have to match it (none for a word that is not ASCII).
    mask: u64,
    /// The most the word can score in one field, unweighted.
    bound: u32,
}

impl Plan {
    fn of(atom: &Atom) -> Plan {
        let needle = atom.needle_text();
        let ascii = needle.is_ascii();
        let mask = if ascii {
            needle
                .chars()
                .fold(0, |m, c| m | u8::try_from(c).map_or(0, bit))
        } else {
            0
        };
        let bound = match atom.kind {
            AtomKind::Fuzzy => MAX_NEXT
                .saturating_mul(u32_of(needle.len()).saturating_sub(1))
                .saturating_add(MAX_FIRST),
            _ => u32::MAX,
        };
        Plan { ascii, mask, bound }
    }
}

/// Scores entries for one pattern.
struct Scorer<'p> {
    atoms: &'p [Atom],
    plans: Vec<Plan>,
    matcher: Matcher,
}

impl<'p> Scorer<'p> {
    fn new(pattern: &'p Pattern) -> Scorer<'p> {
        Scorer {
            atoms: &pattern.atoms,
            plans: pattern.atoms.iter().map(Plan::of).collect(),
            matcher: matcher(),
        }
    }

    /// The best field score of word `a` in entry `k` of `part`, weighted, with the field:
    /// each field in turn, the first of equal scores kept. A field without the word's
    /// letters is not scored, nor are the fields after one whose score none of them can
    /// beat.
    fn best(&mut self, a: usize, part: &Part, k: usize) -> Option<(u32, usize)> {
        let (atom, plan) = (self.atoms.get(a)?, self.plans.get(a)?);
        let mut best: Option<(u32, usize)> = None;
        for (field, weight) in FIELDS {
            if best.is_some_and(|(b, _)| b >= plan.bound.saturating_mul(weight)) {
                break;
            }
            let view = part.field(k, field);
            if view.mask & plan.mask != plan.mask {
                continue;
            }
            if let Some(score) = atom.score(view.haystack(plan.ascii), &mut self.matcher) {
                let score = u32::from(score) * weight;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, field));
                }
            }
        }
        best
    }

    /// Entry `k` of `part`'s score: none if a word matches none of its fields.
    fn score(&mut self, part: &Part, k: usize) -> Option<u32> {
        let mask = *part.masks.get(k)?;
        if self.plans.iter().any(|p| mask & p.mask != p.mask) {
            return None;
        }
        let mut total = 0u32;
        for a in 0..self.atoms.len() {
            total = total.saturating_add(self.best(a, part, k)?.0);
        }
        Some(total)
    }
}

/// The positions to highlight in an entry: each word's, in the field it matched best.
pub fn marks(pattern: &Pattern, entry: &Entry, matcher: &mut Matcher) -> Marks {
    let part = Part::of_entries(std::slice::from_ref(entry));
    let mut scorer = Scorer::new(pattern);
    let mut marks = Marks::default();
    for (a, atom) in pattern.atoms.iter().enumerate() {
        let Some((_, field)) = scorer.best(a, &part, 0) else {
            continue;
        };
        let out = match field {
            TITLE => &mut marks.title,
            GROUP => &mut marks.group,
            _ => &mut marks.description,
        };
        let ascii = scorer.plans.get(a).is_some_and(|p| p.ascii);
        atom.indices(part.field(0, field).haystack(ascii), matcher, out);
    }
    for list in [&mut marks.title, &mut marks.group, &mut marks.description] {
        list.sort_unstable();
        list.dedup();
    }
    marks
}

/// A matcher for the view, which only reads the state: one per frame is cheap (the
/// matcher's scratch space, about 135 KB).
pub fn view_matcher() -> Matcher {
    matcher()
}

/// Matching entries, best first (ties in INDEX.md order), with their scores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranked {
    entries: Vec<usize>,
    scores: Vec<u32>,
}

impl Ranked {
    /// One sort key holding both orders: a higher score first, then a lower index.
    fn key(score: u32, entry: usize) -> u64 {
        (u64::from(u32::MAX - score) << 32) | entry as u64
    }

    fn of_keys(mut keys: Vec<u64>) -> Ranked {
        keys.sort_unstable();
        Ranked::of_sorted_keys(keys)
    }

    fn of_sorted_keys(keys: Vec<u64>) -> Ranked {
        let mut ranked = Ranked {
            entries: Vec::with_capacity(keys.len()),
            scores: Vec::with_capacity(keys.len()),
        };
        for key in keys {
            ranked.entries.push((key & u64::from(u32::MAX)) as usize);
            ranked.scores.push(u32::MAX - (key >> 32) as u32);
        }
        ranked
    }

    /// Two rankings of different entries as one.
    fn merge(self, other: Ranked) -> Ranked {
        if other.entries.is_empty() {
            return self;
        }
        if self.entries.is_empty() {
            return other;
        }
        let keys = |r: Ranked| {
            r.scores
                .into_iter()
                .zip(r.entries)
                .map(|(s, i)| Ranked::key(s, i))
                .collect::<Vec<u64>>()
        };
        let (a, b) = (keys(self), keys(other));
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(key) => merged.push(key),
                None => break,
            }
        }
        Ranked::of_sorted_keys(merged)
    }
}

/// The entries a ranking looks at.
enum Candidates<'a> {
    Range(Range<usize>),
    /// These entries, in INDEX.md order.
    These(&'a [usize]),
}

/// How many entries a ranking scores between looks at whether it is still wanted.
const CANCEL_EVERY: usize = 4096;

/// Scores the candidates and sorts the matches, best first, ties in INDEX.md order. None
/// if `cancelled` said so part way.
fn rank(
    pattern: &Pattern,
    store: &Store,
    candidates: Candidates<'_>,
    cancelled: &dyn Fn() -> bool,
) -> Option<Ranked> {
    let mut scorer = Scorer::new(pattern);
    let mut keys = Vec::new();
    let mut seen = 0usize;
    let mut one = |part: &Part, k: usize, i: usize, keys: &mut Vec<u64>| -> bool {
        if let Some(score) = scorer.score(part, k) {
            keys.push(Ranked::key(score, i));
        }
        seen += 1;
        !(seen.is_multiple_of(CANCEL_EVERY) && cancelled())
    };
    match candidates {
        Candidates::Range(range) => {
            for (part, &start) in store.parts.iter().zip(&store.starts) {
                let end = start + part.len();
                for i in range.start.max(start)..range.end.min(end) {
                    if !one(part, i - start, i, &mut keys) {
                        return None;
                    }
                }
            }
        }
        Candidates::These(these) => {
            for &i in these {
                if let Some((part, k)) = store.locate(i)
                    && !one(part, k, i, &mut keys)
                {
                    return None;
                }
            }
        }
    }
    Some(Ranked::of_keys(keys))
}

/// A query to rank on a worker: its pattern, the fields as they were (shared, not copied)
/// and the entries to look at (all, or those of the list shown, which it narrows).
pub struct RankJob {
    pattern: Pattern,
    store: Store,
    candidates: Option<Vec<usize>>,
}

impl std::fmt::Debug for RankJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<String> = self
            .pattern
            .atoms
            .iter()
            .map(|a| a.needle_text().to_string())
            .collect();
        write!(f, "RankJob({words:?} in {} entries)", self.store.len)
    }
}

/// Work of the filter for a worker thread ([`Effect::Filter`]); its result comes back as
/// [`Done`].
#[derive(Debug, Clone)]
pub enum Work {
    /// Make the fields of these entries.
    Prepare(Arc<Texts>),
    /// Rank the entries for a query.
    Rank(Arc<RankJob>),
}

impl PartialEq for Work {
    fn eq(&self, other: &Work) -> bool {
        match (self, other) {
            (Work::Prepare(a), Work::Prepare(b)) => Arc::ptr_eq(a, b),
            (Work::Rank(a), Work::Rank(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The result of a [`Work`]: it names its work, so that `update` takes only what it still
/// waits for (not the order of an overtaken query, nor parts of another library).
#[derive(Debug)]
pub enum Done {
    Prepared { texts: Arc<Texts>, part: Arc<Part> },
    Ranked { job: Arc<RankJob>, ranked: Ranked },
}

impl Work {
    /// Does the work; none if nobody waits for it any more (the filter let go of it: this
    /// is then the only holder), looked at now and then while ranking.
    pub fn run(&self) -> Option<Done> {
        match self {
            Work::Prepare(texts) => {
                if Arc::strong_count(texts) < 2 {
                    return None;
                }
                let part = Arc::new(Part::of_texts(texts));
                Some(Done::Prepared {
                    texts: Arc::clone(texts),
                    part,
                })
            }
            Work::Rank(job) => {
                let cancelled = || Arc::strong_count(job) < 2;
                if cancelled() {
                    return None;
                }
                let ranked = match &job.candidates {
                    Some(candidates) => {
                        let mut sorted = candidates.clone();
                        sorted.sort_unstable();
                        rank(
                            &job.pattern,
                            &job.store,
                            Candidates::These(&sorted),
                            &cancelled,
                        )
                    }
                    None => rank(
                        &job.pattern,
                        &job.store,
                        Candidates::Range(0..job.store.len),
                        &cancelled,
                    ),
                }?;
                Some(Done::Ranked {
                    job: Arc::clone(job),
                    ranked,
                })
            }
        }
    }
}

/// A query typed but not ranked yet: the list shows the one before until it is.
#[derive(Debug, Clone)]
struct Pending {
    query: String,
    pattern: Pattern,
    /// The ranking on a worker; none while the fields are still being made.
    job: Option<Arc<RankJob>>,
    /// Entries that arrived after the job started, ranked as they came.
    arrived: Ranked,
    /// Enter was pressed: the best match opens once ranked.
    open_when_done: bool,
}

/// The filter while its prompt is open.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The query of the list shown (as typed); a newer one may be being ranked.
    pub query: String,
    pub pattern: Pattern,
    /// Matching entries, best first; empty with an empty query (the whole list shows).
    pub entries: Vec<usize>,
    scores: Vec<u32>,
    /// The rows of the filtered list: each entry's title, its group and description (when
    /// it has either, or a problem), a blank.
    pub rows: Vec<LibraryRow>,
    /// The selection and first row of the whole list when the filter opened: Esc goes back.
    before: (usize, usize),
    pending: Option<Pending>,
    /// Enter was pressed while nothing matched and INDEX.md was still being read: the
    /// first match to arrive opens (unless the query changes first).
    open_when_found: bool,
}

impl Filter {
    /// Whether the query has a word, so that the list is filtered.
    pub fn is_filtering(&self) -> bool {
        !self.pattern.atoms.is_empty()
    }

    /// The query last typed: pending, or shown.
    fn latest_query(&self) -> &str {
        self.pending
            .as_ref()
            .map_or(self.query.as_str(), |p| p.query.as_str())
    }
}

/// Where work goes to a worker. Small libraries never get there, so they filter as they
/// always did, in `update`.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// A query with at least this many entries to look at is ranked on a worker.
    rank_aside: usize,
    /// At most this many entries' fields are made in `update`; more go to a worker.
    make_here: usize,
    /// Entries whose text one [`Work::Prepare`] carries.
    slice: usize,
}

/// Measured with the machine's two cores busy with other builds (load 10), without the
/// frame: ranking 9,999 entries in `update` took 4–14 ms for a word that matches them all
/// and 12–16 ms a key for `Article` typed key by key, too close to a frame; 4,999 entries
/// took 1–6 ms and 7–9 ms. Making 1,024 entries' fields took 1.5–10 ms; copying the text of
/// 8,192 entries about 1.7 ms.
const LIMITS: Limits = Limits {
    rank_aside: 5_000,
    make_here: 1024,
    slice: 8192,
};

/// The filter's part of the state: the fields of every entry (made the first time the
/// filter opens, kept up as entries arrive) and the open filter.
#[derive(Debug, Clone)]
pub struct FilterState {
    store: Store,
    /// Per entry with fields, whether it has a group or a description: the rows of a long
    /// list are made without a look at each entry, scattered in memory.
    second: Vec<bool>,
    /// The entries whose fields a worker is making.
    preparing: Option<Arc<Texts>>,
    pub open: Option<Filter>,
    limits: Limits,
}

impl Default for FilterState {
    fn default() -> FilterState {
        FilterState {
            store: Store::default(),
            second: Vec::new(),
            preparing: None,
            open: None,
            limits: LIMITS,
        }
    }
}

impl FilterState {
    /// The rows of the filtered list, when a query filters it.
    pub fn rows(&self) -> Option<&[LibraryRow]> {
        self.open
            .as_ref()
            .filter(|f| f.is_filtering())
            .map(|f| f.rows.as_slice())
    }

    /// The entries of the filtered list in order, when a query filters it.
    pub fn order(&self) -> Option<&[usize]> {
        self.open
            .as_ref()
            .filter(|f| f.is_filtering())
            .map(|f| f.entries.as_slice())
    }

    /// Whether a query typed is still being ranked (the list shows the one before).
    pub fn is_ranking(&self) -> bool {
        self.open.as_ref().is_some_and(|f| f.pending.is_some())
    }

    fn add(&mut self, part: Arc<Part>) {
        self.second.extend_from_slice(&part.second);
        self.store.push(part);
    }

    fn fields_ready(&self, entries: usize) -> bool {
        self.preparing.is_none() && self.store.len >= entries
    }
}

/// Whether an entry has a second row in the filtered list.
fn has_second_row(entry: &Entry) -> bool {
    !entry.group.is_empty() || !entry.description.is_empty() || entry.target.problem().is_some()
}

/// The rows of the entries in `order`; `second` says which have a group or description
/// (only the others are looked at, for a problem with their link).
fn rows_of(order: &[usize], entries: &[Entry], second: &[bool]) -> Vec<LibraryRow> {
    let mut rows = Vec::with_capacity(order.len() * 3);
    for &i in order {
        rows.push(LibraryRow::Title(i));
        if second.get(i).copied().unwrap_or(false) || entries.get(i).is_some_and(has_second_row) {
            rows.push(LibraryRow::Description(i));
        }
        rows.push(LibraryRow::Blank);
    }
    rows
}

/// Makes the fields of the entries that have none: here if they are few, else the next
/// slice on a worker (its part, back in [`done`], asks for the next).
fn make_fields(state: &mut State, effects: &mut Vec<Effect>) {
    let filter = &mut state.filter;
    let entries = &state.library.entries;
    let from = filter.store.len;
    if filter.preparing.is_some() || from >= entries.len() {
        return;
    }
    if entries.len() - from <= filter.limits.make_here {
        let part = Part::of_entries(&entries[from..]);
        filter.add(Arc::new(part));
        fields_added(state, from, effects);
    } else {
        let to = entries.len().min(from + filter.limits.slice);
        let texts = Arc::new(Texts::of(&entries[from..to]));
        filter.preparing = Some(Arc::clone(&texts));
        effects.push(Effect::Filter(Work::Prepare(texts)));
    }
}

/// The fields of the entries from `from` on were just made: the ones that match join the
/// list shown in their place (the selection stays on its entry, or goes to the best if
/// nothing matched before), and the ranking under way will be joined by theirs.
fn fields_added(state: &mut State, from: usize, effects: &mut Vec<Effect>) {
    let fs = &mut state.filter;
    let Some(filter) = fs.open.as_mut() else {
        return;
    };
    let candidates = || Candidates::Range(from..fs.store.len);
    if let Some(pending) = filter.pending.as_mut()
        && pending.job.is_some()
    {
        let new = rank(&pending.pattern, &fs.store, candidates(), &|| false).unwrap_or_default();
        pending.arrived = std::mem::take(&mut pending.arrived).merge(new);
    }
    if !filter.is_filtering() {
        return;
    }
    let new = rank(&filter.pattern, &fs.store, candidates(), &|| false).unwrap_or_default();
    if new.entries.is_empty() {
        return;
    }
    let had = filter.entries.first().copied();
    let shown = Ranked {
        entries: std::mem::take(&mut filter.entries),
        scores: std::mem::take(&mut filter.scores),
    };
    let all = shown.merge(new);
    filter.rows = rows_of(&all.entries, &state.library.entries, &fs.second);
    (filter.entries, filter.scores) = (all.entries, all.scores);
    if had.is_none()
        && let Some(&best) = filter.entries.first()
    {
        state.selected = best;
    }
    let open = had.is_none() && filter.open_when_found;
    keep_selection_visible(state);
    let typing = typing_query(state);
    if open && typing {
        // As Enter does, now that something matches.
        state.mode = super::Mode::Normal;
        submit(state, effects);
    }
}

/// `/` in the library: opens the filter prompt over the whole list, and has the entries'
/// fields made if they are not yet.
pub(super) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    state.filter.open = Some(Filter {
        query: String::new(),
        pattern: pattern(""),
        entries: Vec::new(),
        scores: Vec::new(),
        rows: Vec::new(),
        before: (state.selected, state.offset),
        pending: None,
        open_when_found: false,
    });
    state.mode = super::Mode::Typing(super::Typing::new(super::Prompt::Filter, String::new()));
    make_fields(state, effects);
}

/// The query changed to `query`: filters anew (or narrows the list shown when the query
/// only grew) and selects the best match, here or, with many entries to look at, once a
/// worker has ranked them.
pub(super) fn set_query(state: &mut State, query: &str, effects: &mut Vec<Effect>) {
    let Some(filter) = state.filter.open.as_mut() else {
        return;
    };
    if filter.latest_query() == query {
        return;
    }
    // Whatever was being ranked is for an older query.
    filter.pending = None;
    filter.open_when_found = false;
    let new = pattern(query);
    if new.atoms.is_empty() {
        // Back to the whole list, as it was.
        filter.query = query.to_string();
        filter.pattern = new;
        filter.entries = Vec::new();
        filter.scores = Vec::new();
        filter.rows = Vec::new();
        (state.selected, state.offset) = filter.before;
        keep_selection_visible(state);
        return;
    }
    if filter.query == query {
        // Back to the query shown (its pending successor was erased): its list is ready.
        if let Some(&best) = filter.entries.first() {
            state.selected = best;
        }
        state.offset = 0;
        keep_selection_visible(state);
        return;
    }
    filter.pending = Some(Pending {
        query: query.to_string(),
        pattern: new,
        job: None,
        arrived: Ranked::default(),
        open_when_done: false,
    });
    if state.filter.fields_ready(state.library.entries.len()) {
        start(state, effects);
    }
}

/// Ranks the pending query: here if it has few entries to look at, else on a worker.
fn start(state: &mut State, effects: &mut Vec<Effect>) {
    let fs = &mut state.filter;
    let Some(filter) = fs.open.as_mut() else {
        return;
    };
    let Some(query) = filter
        .pending
        .as_ref()
        .filter(|p| p.job.is_none())
        .map(|p| p.query.as_str())
    else {
        return;
    };
    // A longer query matches a subset of what the shorter one matched: every word is the
    // same or longer (a fuzzy match of the longer word contains one of the shorter), or
    // new. Not so after a backslash, which escapes what follows.
    let narrows =
        filter.is_filtering() && query.starts_with(&filter.query) && !filter.query.ends_with('\\');
    let count = if narrows {
        filter.entries.len()
    } else {
        fs.store.len
    };
    let Some(pending) = filter.pending.as_mut() else {
        return;
    };
    if count >= fs.limits.rank_aside {
        let job = Arc::new(RankJob {
            pattern: pending.pattern.clone(),
            store: fs.store.clone(),
            candidates: narrows.then(|| filter.entries.clone()),
        });
        pending.job = Some(Arc::clone(&job));
        effects.push(Effect::Filter(Work::Rank(job)));
        return;
    }
    let ranked = if narrows {
        let mut these = filter.entries.clone();
        these.sort_unstable();
        rank(
            &pending.pattern,
            &fs.store,
            Candidates::These(&these),
            &|| false,
        )
    } else {
        let all = Candidates::Range(0..fs.store.len);
        rank(&pending.pattern, &fs.store, all, &|| false)
    }
    .unwrap_or_default();
    if let Some(pending) = filter.pending.take() {
        show(state, pending, ranked, effects);
    }
}

/// The ranking of a pending query is there: its list is shown, the best match selected
/// (and opened, if Enter was pressed meanwhile).
fn show(state: &mut State, pending: Pending, ranked: Ranked, effects: &mut Vec<Effect>) {
    let fs = &mut state.filter;
    let Some(filter) = fs.open.as_mut() else {
        return;
    };
    filter.query = pending.query;
    filter.pattern = pending.pattern;
    filter.rows = rows_of(&ranked.entries, &state.library.entries, &fs.second);
    (filter.entries, filter.scores) = (ranked.entries, ranked.scores);
    if let Some(&best) = filter.entries.first() {
        state.selected = best;
    }
    state.offset = 0;
    keep_selection_visible(state);
    let typing = typing_query(state);
    if pending.open_when_done && typing {
        // As Enter does (the prompt closes, unless nothing matches).
        state.mode = super::Mode::Normal;
        submit(state, effects);
    }
}

/// A worker's result ([`Action::Filtered`](super::Action::Filtered)): a part of the fields
/// (the next slice is asked for, or, with all made, the query waiting for them is ranked),
/// or the ranking of the pending query. Anything else is stale and dropped.
pub(super) fn done(state: &mut State, done: Done, effects: &mut Vec<Effect>) {
    match done {
        Done::Prepared { texts, part } => {
            let fs = &mut state.filter;
            if !fs
                .preparing
                .as_ref()
                .is_some_and(|p| Arc::ptr_eq(p, &texts))
            {
                return;
            }
            fs.preparing = None;
            let from = fs.store.len;
            fs.add(part);
            fields_added(state, from, effects);
            make_fields(state, effects);
            if state.filter.fields_ready(state.library.entries.len()) {
                start(state, effects);
            }
        }
        Done::Ranked { job, ranked } => {
            let Some(filter) = state.filter.open.as_mut() else {
                return;
            };
            let Some(mut pending) = filter
                .pending
                .take_if(|p| p.job.as_ref().is_some_and(|j| Arc::ptr_eq(j, &job)))
            else {
                return;
            };
            let arrived = std::mem::take(&mut pending.arrived);
            show(state, pending, ranked.merge(arrived), effects);
        }
    }
}

/// Entries have just arrived: their fields are made (if the filter ever opened) and the
/// ones that match join the filtered list.
pub(super) fn take_in(state: &mut State, effects: &mut Vec<Effect>) {
    let fs = &state.filter;
    if fs.store.len == 0 && fs.preparing.is_none() && fs.open.is_none() {
        // The filter was never opened: the fields are made when it is.
        return;
    }
    if fs.preparing.is_some() {
        // The worker's slices go on to the last entry.
        return;
    }
    let from = fs.store.len;
    if let Some(new) = state.library.entries.get(from..).filter(|n| !n.is_empty()) {
        // One part of INDEX.md: a few thousand entries.
        let part = Part::of_entries(new);
        state.filter.add(Arc::new(part));
        fields_added(state, from, effects);
    }
}

/// Entries' links were checked: a problem found may give an entry its second row.
pub(super) fn refresh_rows(state: &mut State) {
    let fs = &mut state.filter;
    if let Some(filter) = fs.open.as_mut()
        && filter.is_filtering()
    {
        filter.rows = rows_of(&filter.entries, &state.library.entries, &fs.second);
    }
}

/// The first row shown of the whole list, kept while the filter covers it (links checked
/// meanwhile can add rows above it).
pub(super) fn whole_list_offset(state: &mut State) -> &mut usize {
    match state.filter.open.as_mut() {
        Some(filter) if filter.is_filtering() => &mut filter.before.1,
        _ => &mut state.offset,
    }
}

/// Esc: the filter goes, the whole list comes back with the selection where it was.
pub(super) fn cancel(state: &mut State) {
    if let Some(filter) = state.filter.open.take() {
        (state.selected, state.offset) = filter.before;
    }
    state.mode = super::Mode::Normal;
    keep_selection_visible(state);
}

/// Whether the filter's prompt takes keys (Enter has not closed it).
fn typing_query(state: &State) -> bool {
    matches!(&state.mode, super::Mode::Typing(t) if t.prompt == super::Prompt::Filter)
}

/// Enter: the selected entry opens and the filter closes (as in fzf and helix's pickers);
/// back from the article, the whole list shows with that entry selected. With nothing
/// matching, nothing opens and the prompt stays. While the query is being ranked, the
/// prompt stays and the best match opens once it is.
pub(super) fn submit(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(filter) = state.filter.open.as_mut() else {
        return;
    };
    if let Some(pending) = filter.pending.as_mut() {
        pending.open_when_done = true;
        state.mode = super::Mode::Typing(super::Typing::new(
            super::Prompt::Filter,
            pending.query.clone(),
        ));
        return;
    }
    if filter.is_filtering() && filter.entries.is_empty() {
        // More entries may match as INDEX.md is read: the first to match opens.
        filter.open_when_found = state.reading_index;
        state.mode = super::Mode::Typing(super::Typing::new(
            super::Prompt::Filter,
            filter.query.clone(),
        ));
        return;
    }
    state.filter.open = None;
    super::open_entry(state, state.selected, effects);
    keep_selection_visible(state);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, description: &str, group: &[&str]) -> Entry {
        Entry {
            title: title.into(),
            description: description.into(),
            group: group.iter().map(|g| g.to_string()).collect(),
            language: None,
            link: "x.txt".into(),
            line: 1,
            target: crate::library::Target::Unchecked,
        }
    }

    fn store_of(entries: &[Entry]) -> Store {
        let mut store = Store::default();
        store.push(Arc::new(Part::of_entries(entries)));
        store
    }

    fn ranked(query: &str, entries: &[Entry]) -> Vec<usize> {
        let store = store_of(entries);
        let all = Candidates::Range(0..store.len);
        rank(&pattern(query), &store, all, &|| false)
            .unwrap_or_default()
            .entries
    }

    #[test]
    fn words_match_in_any_field_and_the_best_comes_first() {
        let entries = [
            entry("Wahlen in Berlin", "Ergebnisse", &["Politik"]),
            entry("Wetter", "Regen über Berlin", &["Panorama"]),
            entry("Börse", "Kurse", &["Wirtschaft"]),
            entry("Berlinale", "Filme", &["Kultur"]),
        ];
        // In the title first; a description match counts less.
        let found = ranked("berlin", &entries);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found.last(), Some(&1));
        // Two words: each must match somewhere (here one in the group, one in the title).
        assert_eq!(ranked("politik wahl", &entries), [0]);
        assert_eq!(ranked("kultur wahl", &entries), Vec::<usize>::new());
        // Fuzzy: letters in order, gaps allowed.
        assert_eq!(ranked("wrtsch", &entries), [2]);
    }

    #[test]
    fn smart_case_and_diacritics() {
        let entries = [
            entry("Café Kultur", "", &[]),
            entry("cafe am Eck", "", &[]),
            entry("ZOOM-Konferenz", "", &[]),
        ];
        assert_eq!(ranked("zoom", &entries), [2]);
        assert_eq!(ranked("Zoom", &entries), Vec::<usize>::new());
        // Without a diacritic the query finds both; with one, only the café.
        let mut both = ranked("cafe", &entries);
        both.sort_unstable();
        assert_eq!(both, [0, 1]);
        assert_eq!(ranked("café", &entries), [0]);
        assert_eq!(ranked("Cafe", &entries), [0]);
    }

    #[test]
    fn the_ascii_fold_finds_what_the_text_itself_finds() {
        let texts = [
            "Börse schließt höher — Kurse",
            "Ärger über Straßen › Inland",
            "Café, crème brûlée",
            "日本語 und Deutsch",
        ];
        let mut matcher = matcher();
        for text in texts {
            let mut part = Part::with_capacity(1, 0);
            part.push_entry([text, "", ""]);
            let field = part.field(0, TITLE);
            for query in [
                "bo", "Bo", "hoher", "arger", "ss", "strassen", "cafe", "creme", "- k", "und", "ö",
                "é",
            ] {
                let atom = &pattern(query).atoms[0];
                let direct = atom.score(Utf32String::from(text).slice(..), &mut matcher);
                let ascii = atom.needle_text().is_ascii();
                let folded = atom.score(field.haystack(ascii), &mut matcher);
                assert_eq!(direct, folded, "{query:?} in {text:?}");
            }
        }
        let form = |text: &str| {
            let mut part = Part::with_capacity(1, 0);
            part.push_entry([text, "", ""]);
            part.spans[0].form
        };
        assert_eq!(form("Börse — x"), Form::Folded);
        assert_eq!(form("日本"), Form::Unicode);
        assert_eq!(form("Kurse"), Form::Ascii);
    }

    #[test]
    fn ties_keep_the_index_order() {
        let entries = [
            entry("a b", "", &[]),
            entry("a b", "", &[]),
            entry("a b", "", &[]),
        ];
        assert_eq!(ranked("ab", &entries), [0, 1, 2]);
    }

    #[test]
    fn marks_are_grapheme_positions_in_the_field_that_matched() {
        let e = entry("Über Straßen", "nichts", &["Verkehr", "Stadt"]);
        let mut matcher = matcher();
        let m = marks(&pattern("str stadt"), &e, &mut matcher);
        assert_eq!(m.title, [5, 6, 7]);
        // `Verkehr › Stadt`: the second heading starts at grapheme 10.
        assert_eq!(m.group, [10, 11, 12, 13, 14]);
        assert!(m.description.is_empty());
        // A combining accent is part of its letter's grapheme.
        let e = entry("Cafe\u{301} x", "", &[]);
        assert_eq!(marks(&pattern("x"), &e, &mut matcher).title, [5]);
    }

    use crate::app::{Action, Command, Keymap, Mode, Prompt, Settings, update};
    use crate::library::{Library, Origin, Target};
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    fn library(entries: &[(&str, &str, &[&str])]) -> Library {
        Library {
            origin: Origin::Bundled,
            title: Some("Test".into()),
            entries: entries
                .iter()
                .map(|(t, d, g)| Entry {
                    target: Target::Bundled("seed.md"),
                    ..entry(t, d, g)
                })
                .collect(),
        }
    }

    const NEWS: &[(&str, &str, &[&str])] = &[
        ("Wahlen in Berlin", "Ergebnisse der Wahl", &["Politik"]),
        ("Wetter am Wochenende", "Regen über Berlin", &["Panorama"]),
        ("Börse schließt höher", "Kurse steigen", &["Wirtschaft"]),
        ("Berlinale eröffnet", "Filme aus aller Welt", &["Kultur"]),
        ("Bahnstreik", "Züge stehen still", &["Wirtschaft"]),
        ("Theater", "Premiere in Hamburg", &["Kultur"]),
    ];

    fn state_of(entries: &[(&str, &str, &[&str])]) -> State {
        let mut state = State::new(library(entries), Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(80, 24));
        state
    }

    fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
        let event = KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press);
        update(state, Action::Key(event))
    }

    fn type_text(state: &mut State, text: &str) {
        for c in text.chars() {
            key(state, KeyCode::Char(c));
        }
    }

    fn shown(state: &State) -> Vec<usize> {
        state
            .library_rows()
            .iter()
            .filter_map(|r| match r {
                LibraryRow::Title(i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    fn filtering(state: &State) -> bool {
        super::typing_query(state)
    }

    #[test]
    fn slash_opens_the_prompt_and_typing_narrows_the_list_best_first() {
        let mut state = state_of(NEWS);
        key(&mut state, KeyCode::Char('/'));
        assert!(filtering(&state));
        // An empty query shows the whole list, headings and all.
        assert_eq!(state.library_rows(), state.rows.as_slice());
        type_text(&mut state, "b");
        let after_b = shown(&state);
        type_text(&mut state, "erl");
        // The titles with Berlin first (the whole word before Berlinale), the description
        // match last; no headings.
        assert_eq!(shown(&state), [0, 3, 1]);
        assert!(after_b.len() >= 3, "{after_b:?}");
        assert_eq!(state.selected, 0);
        assert!(
            !state
                .library_rows()
                .iter()
                .any(|r| matches!(r, LibraryRow::Group { .. }))
        );
        // The arrows move in the filtered list while typing.
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 3);
        key(&mut state, KeyCode::Down);
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 1, "stops at the last match");
        key(&mut state, KeyCode::PageUp);
        assert_eq!(state.selected, 0);
        // Backspace widens it again; erasing everything shows the whole list.
        // (`ber` also finds B-ö-rs-e … hö-h-e-r.)
        key(&mut state, KeyCode::Backspace);
        assert_eq!(shown(&state), [0, 3, 2, 1]);
        for _ in 0..3 {
            key(&mut state, KeyCode::Backspace);
        }
        assert_eq!(shown(&state), [0, 1, 2, 3, 4, 5]);
        assert!(filtering(&state));
    }

    #[test]
    fn esc_restores_the_list_and_the_selection() {
        let mut state = state_of(NEWS);
        update(&mut state, Action::Command(Command::Down));
        update(&mut state, Action::Command(Command::Down));
        let offset = state.offset;
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultur");
        assert_eq!(shown(&state), [3, 5]);
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 5);
        key(&mut state, KeyCode::Esc);
        assert_eq!(state.mode, Mode::Normal);
        assert!(state.filter.open.is_none());
        assert_eq!(state.selected, 2);
        assert_eq!(state.offset, offset);
        assert_eq!(shown(&state), [0, 1, 2, 3, 4, 5]);
        // Esc again (in the normal mode) is `back`: the library quits, as before.
        assert!(key(&mut state, KeyCode::Esc).contains(&Effect::Quit));
    }

    #[test]
    fn enter_opens_the_selected_filtered_entry_and_closes_the_filter() {
        let mut state = state_of(NEWS);
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "wirt");
        assert_eq!(shown(&state), [2, 4]);
        key(&mut state, KeyCode::Down);
        let effects = key(&mut state, KeyCode::Enter);
        assert_eq!(effects, [Effect::Load { entry: 4 }]);
        assert_eq!(state.mode, Mode::Normal);
        assert!(state.filter.open.is_none());
        // The whole list is back, with the opened entry selected.
        assert_eq!(state.selected, 4);
        assert_eq!(state.library_rows(), state.rows.as_slice());
    }

    #[test]
    fn no_match_says_so_and_enter_opens_nothing() {
        let mut state = state_of(NEWS);
        update(&mut state, Action::Command(Command::Down));
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "xyzzy");
        assert_eq!(state.filter.order(), Some(&[][..]));
        assert!(state.library_rows().is_empty());
        assert!(key(&mut state, KeyCode::Down).is_empty());
        assert!(key(&mut state, KeyCode::Enter).is_empty());
        assert!(filtering(&state), "the prompt stays to be corrected");
        assert_eq!(
            state.filter.open.as_ref().map(|f| f.query.as_str()),
            Some("xyzzy")
        );
        key(&mut state, KeyCode::Esc);
        assert_eq!(state.selected, 1);
    }

    /// The news library while INDEX.md is read: its first two entries shown, the others
    /// still to come.
    fn first_two_arrived() -> (State, Vec<Entry>) {
        let mut all = library(NEWS);
        let rest = all.entries.split_off(2);
        let mut state = State::new(all, Settings::default(), Keymap::default());
        state.reading_index = true;
        update(&mut state, Action::Resize(80, 24));
        (state, rest)
    }

    #[test]
    fn entries_arriving_while_filtering_are_filtered_too() {
        let (mut state, rest) = first_two_arrived();
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultur");
        assert_eq!(shown(&state), Vec::<usize>::new());
        let mut rest = rest.into_iter();
        let part: Vec<Entry> = rest.by_ref().take(2).collect();
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: part,
                done: false,
                error: None,
            },
        );
        // The first match to arrive is selected.
        assert_eq!(shown(&state), [3]);
        assert_eq!(state.selected, 3);
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: rest.collect(),
                done: true,
                error: None,
            },
        );
        assert_eq!(shown(&state), [3, 5]);
        assert_eq!(state.selected, 3, "the selection stays on its entry");
        // A longer query still looks at the entries that arrived.
        type_text(&mut state, " the");
        assert_eq!(shown(&state), [5]);
    }

    #[test]
    fn enter_with_no_match_yet_while_index_md_is_read_opens_the_first_match_to_arrive() {
        let (mut state, rest) = first_two_arrived();
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultur");
        assert!(key(&mut state, KeyCode::Enter).is_empty());
        assert!(filtering(&state), "nothing matches yet: the prompt stays");
        let effects = update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: rest,
                done: true,
                error: None,
            },
        );
        assert_eq!(effects, [Effect::Load { entry: 3 }]);
        assert!(state.filter.open.is_none());
        // Typing on after Enter asks again: a match arriving for a changed query waits.
        let (mut state, rest) = first_two_arrived();
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultu");
        key(&mut state, KeyCode::Enter);
        type_text(&mut state, "r");
        let effects = update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: rest,
                done: true,
                error: None,
            },
        );
        assert!(effects.is_empty(), "{effects:?}");
    }

    #[test]
    fn a_narrowed_result_is_the_full_result() {
        let entries: Vec<Entry> = NEWS
            .iter()
            .cycle()
            .take(60)
            .enumerate()
            .map(|(i, (t, d, g))| entry(&format!("{t} {i}"), d, g))
            .collect();
        let store = store_of(&entries);
        let mut state = State::new(
            Library {
                origin: Origin::Bundled,
                title: None,
                entries,
            },
            Settings::default(),
            Keymap::default(),
        );
        open(&mut state, &mut Vec::new());
        let query = r"Be rl 1\ x";
        for end in 1..=query.len() {
            let part = &query[..end];
            set_query(&mut state, part, &mut Vec::new());
            let all = Candidates::Range(0..store.len);
            let full = rank(&pattern(part), &store, all, &|| false)
                .unwrap_or_default()
                .entries;
            let got = state.filter.open.as_ref().map(|f| f.entries.clone());
            assert_eq!(got, Some(full), "{part:?}");
        }
    }

    #[test]
    fn an_empty_or_blank_query_filters_nothing() {
        assert!(pattern("").atoms.is_empty());
        assert!(pattern("   ").atoms.is_empty());
        assert_eq!(pattern("a b").atoms.len(), 2);
    }

    // The fast ways against the plain ones.

    /// A field as the filter first kept it: nucleo's form of the text, and its ASCII fold
    /// when every grapheme has one.
    fn plain_field(text: &str) -> (Utf32String, Option<String>) {
        let utf32 = Utf32String::from(text);
        let ascii = match &utf32 {
            Utf32String::Ascii(_) => None,
            Utf32String::Unicode(chars) => chars.iter().map(|&c| fold(c)).collect(),
        };
        (utf32, ascii)
    }

    /// A word's best field, scoring every field.
    fn plain_best(atom: &Atom, entry: &Entry, matcher: &mut Matcher) -> Option<(u32, usize)> {
        let group = group_text(entry);
        let fields = [
            (entry.title.as_str(), TITLE_WEIGHT),
            (group.as_str(), 1),
            (entry.description.as_str(), 1),
        ];
        let mut best: Option<(u32, usize)> = None;
        for (i, (text, weight)) in fields.into_iter().enumerate() {
            let (utf32, ascii) = plain_field(text);
            let haystack = match &ascii {
                Some(ascii) if atom.needle_text().is_ascii() => Utf32Str::Ascii(ascii.as_bytes()),
                _ => utf32.slice(..),
            };
            if let Some(score) = atom.score(haystack, matcher) {
                let score = u32::from(score) * weight;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, i));
                }
            }
        }
        best
    }

    fn plain_rank(query: &str, entries: &[Entry]) -> Vec<usize> {
        let pattern = pattern(query);
        let mut matcher = matcher();
        let mut found: Vec<(std::cmp::Reverse<u32>, usize)> = Vec::new();
        'entries: for (i, entry) in entries.iter().enumerate() {
            let mut total = 0u32;
            for atom in &pattern.atoms {
                match plain_best(atom, entry, &mut matcher) {
                    Some((score, _)) => total = total.saturating_add(score),
                    None => continue 'entries,
                }
            }
            found.push((std::cmp::Reverse(total), i));
        }
        found.sort_unstable();
        found.into_iter().map(|(_, i)| i).collect()
    }

    #[test]
    fn characters_that_stand_alone_are_graphemes_of_their_own() {
        let alone = (0..=0x20c0u32)
            .filter_map(char::from_u32)
            .filter(|&c| stands_alone(c));
        for c in alone {
            // Next to a letter, to an accented one, to itself and at both ends.
            let text = format!("{c}a{c}é{c}{c}");
            let expected: Vec<char> = text.chars().collect();
            match Utf32String::from(text.as_str()) {
                Utf32String::Unicode(chars) => {
                    assert_eq!(&*chars, expected.as_slice(), "U+{:04X}", u32::from(c));
                }
                Utf32String::Ascii(_) => panic!("{text:?} is not ASCII"),
            }
        }
        assert!(!stands_alone('\u{301}'));
        assert!(!stands_alone('\r'));
        assert!(!stands_alone('\u{200d}'));
    }

    #[test]
    fn a_grapheme_of_several_characters_is_one_position() {
        let mut part = Part::with_capacity(1, 0);
        part.push_entry(["Cafe\u{301} x", "Ko\u{308}ln", "日本語\u{300} und"]);
        let title = part.field(0, TITLE);
        assert_eq!(part.spans[0].form, Form::Folded);
        assert_eq!(title.ascii, Some(&b"Cafe x"[..]));
        assert_eq!(title.unicode.map(<[char]>::len), Some(6));
        assert_eq!(part.spans[1].form, Form::Folded);
        assert_eq!(part.spans[2].form, Form::Unicode);
        assert_eq!(
            part.field(0, DESCRIPTION).unicode.map(<[char]>::len),
            Some(7)
        );
    }

    /// Text with every kind of boundary nucleo gives a bonus for.
    fn texts() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[aAbBeEöÖß1 /:,;._\\-—éü日]{0,24}")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    proptest::proptest! {
        #[test]
        fn no_score_exceeds_the_bound(text in texts(), needle in "[aAbBeöß1 /:,._\\-]{1,6}") {
            let mut matcher = matcher();
            for atom in &pattern(&needle).atoms {
                let plan = Plan::of(atom);
                for haystack in [Utf32String::from(text.as_str()), Utf32String::from(needle.trim())] {
                    if let Some(score) = atom.score(haystack.slice(..), &mut matcher) {
                        proptest::prop_assert!(
                            u32::from(score) <= plan.bound,
                            "{needle:?} in {haystack:?}: {score} > {}", plan.bound
                        );
                    }
                }
            }
        }

        #[test]
        fn the_quick_ranking_is_the_plain_one(
            fields in proptest::collection::vec((texts(), texts(), texts()), 1..12),
            query in "[aAbBeöß1 ,_\\-]{1,7}",
        ) {
            let entries: Vec<Entry> = fields
                .iter()
                .map(|(t, d, g)| entry(t, d, &[g.as_str()]))
                .collect();
            proptest::prop_assert_eq!(ranked(&query, &entries), plain_rank(&query, &entries));
            // The marks are in the field the plain way finds best.
            let pattern = pattern(&query);
            let mut matcher = matcher();
            for e in &entries {
                let part = Part::of_entries(std::slice::from_ref(e));
                let mut scorer = Scorer::new(&pattern);
                for (a, atom) in pattern.atoms.iter().enumerate() {
                    proptest::prop_assert_eq!(
                        scorer.best(a, &part, 0),
                        plain_best(atom, e, &mut matcher)
                    );
                }
            }
        }
    }

    #[test]
    fn rankings_merge_in_order() {
        let a = Ranked::of_keys(vec![
            Ranked::key(50, 3),
            Ranked::key(40, 1),
            Ranked::key(40, 7),
        ]);
        let b = Ranked::of_keys(vec![Ranked::key(40, 2), Ranked::key(60, 9)]);
        let merged = a.merge(b);
        assert_eq!(merged.entries, [9, 3, 1, 2, 7]);
        assert_eq!(merged.scores, [60, 50, 40, 40, 40]);
    }

    // A large library: the work goes to workers (the limits are lowered so that a few
    // dozen entries count as many).

    fn large_state(count: usize) -> State {
        let entries: Vec<(&str, &str, &[&str])> =
            NEWS.iter().copied().cycle().take(count).collect();
        let mut state = state_of(&entries);
        state.filter.limits = Limits {
            rank_aside: 10,
            make_here: 10,
            slice: 16,
        };
        state
    }

    fn works(effects: &[Effect]) -> Vec<Work> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Filter(work) => Some(work.clone()),
                _ => None,
            })
            .collect()
    }

    /// Carries out the filter's work as the runtime does, until there is none; returns the
    /// other effects.
    fn settle(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
        let mut queue = std::collections::VecDeque::from(effects);
        let mut others = Vec::new();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Filter(work) => {
                    if let Some(done) = work.run() {
                        drop(work);
                        queue.extend(update(state, Action::Filtered(done)));
                    }
                }
                other => others.push(other),
            }
        }
        others
    }

    fn prompt_text(state: &State) -> Option<String> {
        match &state.mode {
            Mode::Typing(t) if t.prompt == Prompt::Filter => Some(t.text().to_string()),
            _ => None,
        }
    }

    #[test]
    fn a_large_library_has_its_fields_made_on_a_worker_a_slice_at_a_time() {
        let mut state = large_state(58);
        let effects = key(&mut state, KeyCode::Char('/'));
        assert!(filtering(&state));
        let first = works(&effects);
        assert!(matches!(first.as_slice(), [Work::Prepare(t)] if t.ends.len() == 16 * 3));
        // Typed before the fields are made: the prompt has it, the list waits.
        let effects: Vec<Effect> = "kultur"
            .chars()
            .flat_map(|c| key(&mut state, KeyCode::Char(c)))
            .collect();
        assert!(works(&effects).is_empty(), "nothing to rank yet");
        assert_eq!(prompt_text(&state).as_deref(), Some("kultur"));
        assert!(state.filter.is_ranking());
        assert_eq!(state.filter.order(), None);
        // Each slice asks for the next; with the last, the query is ranked.
        let Some(Effect::Filter(work)) = effects_of(first) else {
            panic!("no work");
        };
        let mut next = work
            .run()
            .map(|done| update(&mut state, Action::Filtered(done)));
        let mut slices = 1;
        while let Some(effects) = next.take() {
            match works(&effects).as_slice() {
                [work @ Work::Prepare(_)] => {
                    slices += 1;
                    next = work
                        .run()
                        .map(|done| update(&mut state, Action::Filtered(done)));
                }
                [Work::Rank(_)] => {
                    let others = settle(&mut state, effects);
                    assert!(others.iter().all(|e| !matches!(e, Effect::Load { .. })));
                }
                other => panic!("{other:?}"),
            }
        }
        // 58 entries: three slices of 16 on a worker, the last 10 made at once.
        assert_eq!(slices, 3);
        assert_eq!(state.filter.store.len, 58);
        assert_eq!(state.filter.store.parts.len(), 4);
        let expected = plain_rank("kultur", &state.library.entries);
        assert_eq!(expected.len(), 19);
        assert_eq!(state.filter.order(), Some(expected.as_slice()));
        assert_eq!(state.selected, expected[0]);
        assert!(!state.filter.is_ranking());
    }

    fn one_work(effects: &[Effect]) -> [Work; 1] {
        works(effects)
            .try_into()
            .unwrap_or_else(|w: Vec<Work>| panic!("not one work: {w:?}"))
    }

    fn effects_of(works: Vec<Work>) -> Option<Effect> {
        works.into_iter().next().map(Effect::Filter)
    }

    #[test]
    fn only_the_newest_query_is_shown_and_an_overtaken_worker_stops() {
        let mut state = large_state(60);
        let effects = key(&mut state, KeyCode::Char('/'));
        settle(&mut state, effects);
        assert_eq!(state.filter.store.len, 60);
        let effects = key(&mut state, KeyCode::Char('b'));
        let [old] = one_work(&effects);
        assert!(matches!(old, Work::Rank(_)), "{old:?}");
        drop(effects);
        // The prompt answers at once; the list is the whole one until the order is back.
        assert_eq!(prompt_text(&state).as_deref(), Some("b"));
        assert_eq!(state.filter.order(), None);
        let old_done = old.run();
        assert!(old_done.is_some());
        let effects = key(&mut state, KeyCode::Char('a'));
        let [newer] = one_work(&effects);
        drop(effects);
        let effects = key(&mut state, KeyCode::Char('h'));
        let [newest] = one_work(&effects);
        drop(effects);
        // The order of `b`, which came late, is not shown.
        let effects = old_done.map_or_else(Vec::new, |d| update(&mut state, Action::Filtered(d)));
        assert!(effects.is_empty());
        assert_eq!(state.filter.order(), None);
        assert!(state.filter.is_ranking());
        // `ba`'s worker finds itself overtaken and gives up.
        assert!(newer.run().is_none());
        let done = newest
            .run()
            .unwrap_or_else(|| panic!("the newest query is wanted"));
        update(&mut state, Action::Filtered(done));
        let expected = plain_rank("bah", &state.library.entries);
        assert!(!expected.is_empty());
        assert_eq!(state.filter.order(), Some(expected.as_slice()));
        assert_eq!(state.selected, expected[0]);
        // A query that narrows the list shown looks only at its entries.
        let effects = key(&mut state, KeyCode::Char('n'));
        match works(&effects).as_slice() {
            // 10 or more entries to look at: on a worker.
            [Work::Rank(job)] => {
                assert_eq!(job.candidates.as_ref().map(Vec::len), Some(expected.len()))
            }
            // Fewer: at once.
            [] => assert!(expected.len() < 10),
            other => panic!("{other:?}"),
        }
        settle(&mut state, effects);
        let expected = plain_rank("bahn", &state.library.entries);
        assert_eq!(state.filter.order(), Some(expected.as_slice()));
        // Erasing widens: every entry is looked at again, on a worker.
        let effects = key(&mut state, KeyCode::Backspace);
        assert_eq!(works(&effects).len(), 1);
        settle(&mut state, effects);
        let bah = plain_rank("bah", &state.library.entries);
        assert_eq!(state.filter.order(), Some(bah.as_slice()));
        // A key erased before its order came back: the list shown is that query's already.
        key(&mut state, KeyCode::Down);
        let effects = key(&mut state, KeyCode::Char('x'));
        assert_eq!(works(&effects).len(), 1);
        assert!(state.filter.is_ranking());
        let effects = key(&mut state, KeyCode::Backspace);
        assert!(works(&effects).is_empty());
        assert!(!state.filter.is_ranking());
        assert_eq!(state.filter.order(), Some(bah.as_slice()));
        assert_eq!(
            state.selected, bah[0],
            "the best is selected, as after any query"
        );
    }

    #[test]
    fn enter_before_the_order_is_there_opens_the_best_match_once_it_is() {
        let mut state = large_state(60);
        let effects = key(&mut state, KeyCode::Char('/'));
        settle(&mut state, effects);
        let mut typed = Vec::new();
        for c in "wirt".chars() {
            typed = key(&mut state, KeyCode::Char(c));
        }
        let [work] = one_work(&typed);
        drop(typed);
        // The list still shows `wir`'s order... or the whole list; Enter opens nothing yet.
        let effects = key(&mut state, KeyCode::Enter);
        assert!(
            effects.iter().all(|e| !matches!(e, Effect::Load { .. })),
            "{effects:?}"
        );
        assert_eq!(prompt_text(&state).as_deref(), Some("wirt"));
        let done = work.run().unwrap_or_else(|| panic!("wanted"));
        let effects = update(&mut state, Action::Filtered(done));
        let best = plain_rank("wirt", &state.library.entries)[0];
        assert_eq!(effects, [Effect::Load { entry: best }]);
        assert_eq!(state.mode, Mode::Normal);
        assert!(state.filter.open.is_none());
        assert_eq!(state.selected, best);
    }

    #[test]
    fn enter_waiting_for_an_order_with_no_match_keeps_the_prompt() {
        let mut state = large_state(60);
        let effects = key(&mut state, KeyCode::Char('/'));
        settle(&mut state, effects);
        let mut typed = Vec::new();
        for c in "xq".chars() {
            typed = key(&mut state, KeyCode::Char(c));
        }
        let effects = key(&mut state, KeyCode::Enter);
        assert!(effects.is_empty());
        let others = settle(&mut state, typed);
        assert!(others.is_empty(), "{others:?}");
        assert_eq!(prompt_text(&state).as_deref(), Some("xq"));
        assert_eq!(state.filter.order(), Some(&[][..]));
    }

    #[test]
    fn entries_arriving_while_a_worker_ranks_join_its_order() {
        let all: Vec<(&str, &str, &[&str])> = NEWS.iter().copied().cycle().take(60).collect();
        let mut state = large_state(40);
        state.reading_index = true;
        let effects = key(&mut state, KeyCode::Char('/'));
        settle(&mut state, effects);
        let mut typed = Vec::new();
        for c in "kultur".chars() {
            typed = key(&mut state, KeyCode::Char(c));
        }
        let [work] = one_work(&typed);
        drop(typed);
        let rest = library(&all[40..]).entries;
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: rest,
                done: true,
                error: None,
            },
        );
        assert_eq!(state.filter.store.len, 60);
        let done = work.run().unwrap_or_else(|| panic!("wanted"));
        update(&mut state, Action::Filtered(done));
        let expected = plain_rank("kultur", &state.library.entries);
        assert_eq!(expected.len(), 20);
        assert!(expected.iter().any(|&i| i >= 40));
        assert_eq!(state.filter.order(), Some(expected.as_slice()));
    }

    #[test]
    fn an_entry_without_group_or_description_gets_its_row_for_a_problem() {
        let entries: Vec<(&str, &str, &[&str])> = vec![
            ("Wahl", "", &[]),
            ("Wahlkampf", "Reden", &[]),
            ("Wahlrecht", "", &[]),
        ];
        for large in [false, true] {
            let mut all = library(&entries);
            for e in &mut all.entries {
                e.target = Target::Unchecked;
            }
            let mut state = State::new(all, Settings::default(), Keymap::default());
            if large {
                state.filter.limits = Limits {
                    rank_aside: 1,
                    make_here: 1,
                    slice: 2,
                };
            }
            update(&mut state, Action::Resize(80, 24));
            let effects = key(&mut state, KeyCode::Char('/'));
            settle(&mut state, effects);
            let mut effects = Vec::new();
            for c in "wahl".chars() {
                effects.extend(key(&mut state, KeyCode::Char(c)));
            }
            settle(&mut state, effects);
            let rows = |state: &State| state.filter.rows().map(<[LibraryRow]>::to_vec);
            assert_eq!(
                rows(&state),
                Some(vec![
                    LibraryRow::Title(0),
                    LibraryRow::Blank,
                    LibraryRow::Title(1),
                    LibraryRow::Description(1),
                    LibraryRow::Blank,
                    LibraryRow::Title(2),
                    LibraryRow::Blank,
                ]),
                "large: {large}"
            );
            let missing = Target::Problem(crate::library::EntryProblem::Missing("x.txt".into()));
            update(
                &mut state,
                Action::Checked {
                    targets: vec![(2, missing)],
                },
            );
            let now = rows(&state).unwrap_or_default();
            assert_eq!(
                now[5..],
                [
                    LibraryRow::Title(2),
                    LibraryRow::Description(2),
                    LibraryRow::Blank
                ],
                "large: {large}"
            );
        }
    }

    #[test]
    fn work_for_a_library_no_longer_shown_is_dropped() {
        let mut state = large_state(60);
        let effects = key(&mut state, KeyCode::Char('/'));
        let [work] = one_work(&effects);
        drop(effects);
        let done = work.run().unwrap_or_else(|| panic!("wanted"));
        drop(work);
        key(&mut state, KeyCode::Esc);
        state.replace_library(library(NEWS), false);
        let effects = update(&mut state, Action::Filtered(done));
        assert!(effects.is_empty());
        assert_eq!(state.filter.store.len, 0);
    }
}
