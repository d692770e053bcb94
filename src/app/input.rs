//! Keys into intents: a pure function of the input mode, the context and the key (plus the
//! count or key sequence typed so far), with its own tests. The run loop hands every key to
//! `update` as [`Action::Key`](super::Action::Key); `update` asks [`interpret`] what it
//! means and carries that out.
//!
//! Modes: in the normal mode keys go through the [`Keymap`] of the context (a count may come
//! first: `5j`); while typing (a note, the command line) they edit the text with the usual
//! line-editing keys; while a message is shown, the next key closes it (and is used up),
//! except the keys that scroll a long message.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

use super::keymap::{Chord, Command, Context, Keymap, Lookup};

/// The longest count taken (`99999j` is plenty; more would only overflow).
const MAX_COUNT: usize = 99_999;

/// How keys are taken at the moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// Typing a line of text.
    Typing(Typing),
    /// A message that the next key closes.
    Message(Message),
    /// Hints over the links on screen: letters pick one, anything else closes them.
    Hints(super::links::Hints),
    /// Opening a web address: yes or no.
    Confirm(super::links::Confirm),
}

/// What is being typed, and the text so far.
#[derive(Debug, Clone)]
pub struct Typing {
    pub prompt: Prompt,
    pub editor: Input,
}

impl Typing {
    pub fn new(prompt: Prompt, text: String) -> Typing {
        Typing {
            prompt,
            editor: Input::new(text),
        }
    }

    pub fn text(&self) -> &str {
        self.editor.value()
    }
}

impl PartialEq for Typing {
    fn eq(&self, other: &Typing) -> bool {
        self.prompt == other.prompt
            && self.editor.value() == other.editor.value()
            && self.editor.cursor() == other.editor.cursor()
    }
}

/// What a line of typed text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The note of the bookmark at the reading position.
    Note,
    /// A command after `:` (`q` quits).
    CommandLine,
    /// A search in the article after `/`.
    Search,
    /// The query filtering the library list (after `/`).
    Filter,
    /// A search in every article of the library (after `S`, or Tab in another prompt).
    SearchAll,
}

impl Prompt {
    /// The most characters the prompt takes.
    pub fn limit(self) -> usize {
        match self {
            Prompt::Note => 500,
            Prompt::CommandLine => 100,
            Prompt::Search => 200,
            Prompt::Filter => 200,
            Prompt::SearchAll => 200,
        }
    }
}

/// A message and how far it is scrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub lines: Vec<String>,
    /// The first wrapped row shown.
    pub offset: usize,
}

impl Message {
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> Message {
        Message {
            title: title.into(),
            lines,
            offset: 0,
        }
    }
}

/// Keys typed towards a command: a count and the start of a longer binding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pending {
    pub count: Option<usize>,
    pub keys: Vec<Chord>,
}

impl Pending {
    /// What the status line shows while keys are pending (`5`, `z`, `12z`).
    pub fn shown(&self) -> Option<String> {
        if self.count.is_none() && self.keys.is_empty() {
            return None;
        }
        let count = self.count.map(|c| c.to_string()).unwrap_or_default();
        Some(format!(
            "{count}{}",
            super::keymap::show_sequence(&self.keys)
        ))
    }
}

/// What a key means.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Run a command `count` times (1 without a count).
    Run { command: Command, count: usize },
    /// Change the text being typed.
    Edit(InputRequest),
    /// Enter: the typed text is done.
    Submit,
    /// Esc: drop the typed text.
    Cancel,
    /// Ctrl-R: read the query as a regular expression, or no longer.
    ToggleRegex,
    /// Tab in a search prompt: search the same text in the library instead of the article
    /// or the list, or back.
    SwitchScope,
    /// Close the message.
    Dismiss,
    /// A letter typed while link hints show.
    Hint(char),
    /// Backspace while link hints show.
    EraseHint,
    /// A key pressed at the question before opening a web address (`\n` for Enter).
    Answer(char),
    /// Scroll the message by a command (`Down`, `PageDown`, …).
    ScrollMessage(Command),
    /// Part of a count or key sequence: wait for more.
    Wait,
    /// Nothing is bound to it here.
    Nothing,
}

/// What `key` means in `mode` and `context`. `pending` holds the count and the keys of a
/// sequence typed so far, and is updated.
pub fn interpret(
    mode: &Mode,
    context: Context,
    keymap: &Keymap,
    pending: &mut Pending,
    key: &KeyEvent,
) -> Intent {
    let chord = Chord::from_event(key);
    // Ctrl-C quits, Ctrl-Z suspends and Ctrl-L redraws in every mode (a control key is
    // never text).
    let always = match keymap.lookup(context, &[chord]) {
        Lookup::Command(command @ (Command::Quit | Command::Suspend | Command::Redraw))
            if chord.modifiers.contains(KeyModifiers::CONTROL) =>
        {
            Some(command)
        }
        _ => None,
    };
    match mode {
        Mode::Typing(typing) => {
            *pending = Pending::default();
            if let Some(command) = always {
                return run(command, 1);
            }
            if typing.prompt == Prompt::Filter
                && let Some(command) = filter_move(key)
            {
                return run(command, 1);
            }
            edit(key)
        }
        Mode::Message(_) => {
            *pending = Pending::default();
            if let Some(command) = always {
                return run(command, 1);
            }
            match keymap.lookup(context, &[chord]) {
                Lookup::Command(Command::Quit) => run(Command::Quit, 1),
                Lookup::Command(
                    command @ (Command::Down | Command::Up | Command::PageDown | Command::PageUp),
                ) => Intent::ScrollMessage(command),
                _ => Intent::Dismiss,
            }
        }
        Mode::Hints(_) => {
            *pending = Pending::default();
            if let Some(command) = always {
                return run(command, 1);
            }
            match key.code {
                KeyCode::Char(c)
                    if c.is_ascii_alphabetic()
                        && key.modifiers - KeyModifiers::SHIFT == KeyModifiers::NONE =>
                {
                    Intent::Hint(c)
                }
                KeyCode::Backspace => Intent::EraseHint,
                _ => Intent::Dismiss,
            }
        }
        Mode::Confirm(_) => {
            *pending = Pending::default();
            if let Some(command) = always {
                return run(command, 1);
            }
            match key.code {
                KeyCode::Enter => Intent::Answer('\n'),
                KeyCode::Char(c) if key.modifiers - KeyModifiers::SHIFT == KeyModifiers::NONE => {
                    Intent::Answer(c)
                }
                _ => Intent::Answer('\0'),
            }
        }
        Mode::Normal => normal(context, keymap, pending, chord),
    }
}

fn run(command: Command, count: usize) -> Intent {
    Intent::Run { command, count }
}

fn normal(context: Context, keymap: &Keymap, pending: &mut Pending, chord: Chord) -> Intent {
    // A digit starts or extends a count, unless it is bound to something itself (and `0`
    // only extends one).
    if pending.keys.is_empty()
        && chord.modifiers.is_empty()
        && let KeyCode::Char(c @ '0'..='9') = chord.code
        && (c != '0' || pending.count.is_some())
        && keymap.lookup(context, &[chord]) == Lookup::Unbound
    {
        let digit = c as usize - '0' as usize;
        let count = pending.count.unwrap_or(0).saturating_mul(10) + digit;
        pending.count = Some(count.min(MAX_COUNT));
        return Intent::Wait;
    }
    pending.keys.push(chord);
    match keymap.lookup(context, &pending.keys) {
        Lookup::Prefix => Intent::Wait,
        Lookup::Command(command) => {
            let count = pending.count.unwrap_or(1).max(1);
            *pending = Pending::default();
            run(command, if command.takes_count() { count } else { 1 })
        }
        Lookup::Unbound => {
            // A sequence that went nowhere is dropped; the last key may still mean
            // something alone (`z` then `j` moves down).
            let retry = pending.keys.len() > 1;
            *pending = Pending::default();
            if retry {
                normal(context, keymap, pending, chord)
            } else {
                Intent::Nothing
            }
        }
    }
}

/// Keys that move in the filtered list while its query is typed, as in fzf: the arrows and
/// pages, Ctrl-N and Ctrl-P.
fn filter_move(key: &KeyEvent) -> Option<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Down => Some(Command::Down),
        KeyCode::Up => Some(Command::Up),
        KeyCode::PageDown => Some(Command::PageDown),
        KeyCode::PageUp => Some(Command::PageUp),
        KeyCode::Char('n' | 'N') if ctrl => Some(Command::Down),
        KeyCode::Char('p' | 'P') if ctrl => Some(Command::Up),
        _ => None,
    }
}

/// The line-editing keys: what readline and most shells do.
fn edit(key: &KeyEvent) -> Intent {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let request = match key.code {
        KeyCode::Enter => return Intent::Submit,
        KeyCode::Esc => return Intent::Cancel,
        KeyCode::Tab => return Intent::SwitchScope,
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'a' => InputRequest::GoToStart,
            'e' => InputRequest::GoToEnd,
            'b' => InputRequest::GoToPrevChar,
            'f' => InputRequest::GoToNextChar,
            'w' => InputRequest::DeletePrevWord,
            'u' => InputRequest::DeleteFromStart,
            'k' => InputRequest::DeleteTillEnd,
            'h' => InputRequest::DeletePrevChar,
            'd' => InputRequest::DeleteNextChar,
            'g' => return Intent::Cancel,
            'r' => return Intent::ToggleRegex,
            _ => return Intent::Nothing,
        },
        KeyCode::Char(c) if alt => match c.to_ascii_lowercase() {
            'b' => InputRequest::GoToPrevWord,
            'f' => InputRequest::GoToNextWord,
            'd' => InputRequest::DeleteNextWord,
            _ => return Intent::Nothing,
        },
        KeyCode::Char(c) if !c.is_control() => InputRequest::InsertChar(c),
        KeyCode::Backspace if ctrl || alt => InputRequest::DeletePrevWord,
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left if ctrl || alt => InputRequest::GoToPrevWord,
        KeyCode::Right if ctrl || alt => InputRequest::GoToNextWord,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        _ => return Intent::Nothing,
    };
    Intent::Edit(request)
}

/// Applies an edit, keeping the text within the prompt's limit.
pub fn apply_edit(typing: &mut Typing, request: InputRequest) {
    if matches!(request, InputRequest::InsertChar(_))
        && typing.editor.value().chars().count() >= typing.prompt.limit()
    {
        return;
    }
    typing.editor.handle(request);
}

/// The text of a message wrapped to `width` cells, as the message box shows it.
pub fn message_rows(message: &Message, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    for line in &message.lines {
        if line.is_empty() {
            rows.push(String::new());
            continue;
        }
        let options = textwrap::Options::new(width).break_words(true);
        rows.extend(
            textwrap::wrap(line, options)
                .into_iter()
                .map(|l| l.into_owned()),
        );
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press)
    }

    fn feed(mode: &Mode, context: Context, keys: &[KeyEvent]) -> Vec<Intent> {
        let map = Keymap::default();
        let mut pending = Pending::default();
        keys.iter()
            .map(|k| interpret(mode, context, &map, &mut pending, k))
            .collect()
    }

    #[test]
    fn a_count_repeats_a_motion() {
        let intents = feed(
            &Mode::Normal,
            Context::Reader,
            &[
                key(KeyCode::Char('5')),
                key(KeyCode::Char('j')),
                key(KeyCode::Char('1')),
                key(KeyCode::Char('0')),
                key(KeyCode::Char(']')),
                key(KeyCode::Char('3')),
                key(KeyCode::Char('G')),
            ],
        );
        assert_eq!(
            intents,
            [
                Intent::Wait,
                run(Command::Down, 5),
                Intent::Wait,
                Intent::Wait,
                run(Command::NextSection, 10),
                Intent::Wait,
                // `G` takes no count.
                run(Command::Bottom, 1),
            ]
        );
    }

    #[test]
    fn sequences_wait_for_their_second_key() {
        let intents = feed(
            &Mode::Normal,
            Context::Library,
            &[
                key(KeyCode::Char('z')),
                key(KeyCode::Char('z')),
                key(KeyCode::Char('z')),
                key(KeyCode::Char('j')),
                key(KeyCode::Char('0')),
            ],
        );
        assert_eq!(
            intents,
            [
                Intent::Wait,
                run(Command::ScrollCenter, 1),
                Intent::Wait,
                // `z j` is no binding: `j` alone still moves.
                run(Command::Down, 1),
                // A lone 0 is no count.
                Intent::Nothing,
            ]
        );
    }

    #[test]
    fn typing_edits_and_ctrl_c_still_quits() {
        let mode = Mode::Typing(Typing::new(Prompt::Note, String::new()));
        let intents = feed(
            &mode,
            Context::Reader,
            &[
                key(KeyCode::Char('j')),
                ctrl('w'),
                ctrl('a'),
                key(KeyCode::Left),
                key(KeyCode::Enter),
                key(KeyCode::Esc),
                ctrl('c'),
            ],
        );
        assert_eq!(
            intents,
            [
                Intent::Edit(InputRequest::InsertChar('j')),
                Intent::Edit(InputRequest::DeletePrevWord),
                Intent::Edit(InputRequest::GoToStart),
                Intent::Edit(InputRequest::GoToPrevChar),
                Intent::Submit,
                Intent::Cancel,
                run(Command::Quit, 1),
            ]
        );
    }

    #[test]
    fn a_message_closes_on_a_key_and_long_ones_scroll() {
        let mode = Mode::Message(Message::new("t", vec!["x".into()]));
        let intents = feed(
            &mode,
            Context::Library,
            &[
                key(KeyCode::Char('x')),
                key(KeyCode::Char('j')),
                key(KeyCode::Char('q')),
                ctrl('c'),
            ],
        );
        assert_eq!(
            intents,
            [
                Intent::Dismiss,
                Intent::ScrollMessage(Command::Down),
                Intent::Dismiss,
                run(Command::Quit, 1),
            ]
        );
    }

    #[test]
    fn editing_keeps_umlauts_and_the_limit() {
        let mut typing = Typing::new(Prompt::CommandLine, String::new());
        for c in "über".chars() {
            apply_edit(&mut typing, InputRequest::InsertChar(c));
        }
        apply_edit(&mut typing, InputRequest::GoToPrevChar);
        apply_edit(&mut typing, InputRequest::DeletePrevChar);
        assert_eq!(typing.text(), "übr");
        for _ in 0..200 {
            apply_edit(&mut typing, InputRequest::InsertChar('ä'));
        }
        assert_eq!(typing.text().chars().count(), Prompt::CommandLine.limit());
    }

    #[test]
    fn messages_wrap_instead_of_being_cut() {
        let message = Message::new(
            "t",
            vec!["not saved: cannot create /some/very/long/path/that/goes/on".into()],
        );
        let rows = message_rows(&message, 20);
        assert!(rows.len() > 2, "{rows:?}");
        assert!(rows.iter().all(|r| crate::layout::text_width(r) <= 20));
        assert_eq!(
            rows.concat().replace(' ', ""),
            message.lines[0].replace(' ', "")
        );
    }
}
