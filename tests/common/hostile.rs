//! A hostile library, built fresh in a temporary folder for each test that wants one.
//!
//! Everything a malicious or merely broken article folder can hold: terminal escape
//! sequences in titles, headings and text (OSC title and clipboard writes ended by BEL, by
//! ST and never ended, CSI cursor moves, OSC 8 links, 8-bit C1 controls, bidi overrides),
//! odd encodings, binary data named `.txt`, huge lines, deep nesting, and links that lead
//! out of the library, to special files or nowhere. Files that git cannot hold (FIFOs,
//! symlinks, binary, control characters in names) are made here rather than committed.
//! Generation takes a few tens of milliseconds.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::Command;

/// Payload of every OSC sequence in the fixture. Sanitizing removes whole sequences, so this
/// word must never show up in any output.
pub const PAYLOAD: &str = "pwned";

// The sequences, each carrying PAYLOAD where it has a payload.
const OSC0_BEL: &str = "\x1b]0;pwned window title\x07";
const OSC2_ST: &str = "\x1b]2;pwned window title\x1b\\";
const OSC52_BEL: &str = "\x1b]52;c;cHduZWQ=pwned\x07";
const OSC52_ST: &str = "\x1b]52;c;cHduZWQ=pwned\x1b\\";
const OSC8_LINK: &str = "\x1b]8;;https://pwned.example/\x1b\\verlinkt\x1b]8;;\x1b\\";
const CSI_MOVES: &str = "\x1b[2J\x1b[H\x1b[10;20H\x1b[31m\x1b[?1049h";
const C1_8BIT: &str = "\u{9b}2J\u{9d}0;pwned c1 title\u{9c}\u{9b}31m\u{90}pwned dcs\u{9c}";
const BIDI: &str = "\u{202E}gnp.exe\u{202C} \u{2066}isoliert\u{2069} \u{2067}\u{2068}x\u{2069}\u{2069}\u{200F}\u{200E}\u{061C}";
const ZERO_WIDTH: &str = "null\u{200B}breite\u{200C}nicht\u{200D}verbinder\u{2060}\u{FEFF}";
/// Unterminated: swallows the rest of its line, so it goes last on a line.
const OSC_OPEN: &str = "\x1b]0;pwned and never ended";

/// What `list` must say about an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Status `ok`; the resolved path ends with this file name.
    Ok(&'static str),
    /// Status `problem`, and the problem message contains this text.
    Problem(&'static str),
}

/// One entry of the hostile INDEX.md.
#[derive(Debug, Clone)]
pub struct HostileEntry {
    /// What the entry is about, for failure messages.
    pub what: &'static str,
    /// The link as written in INDEX.md.
    pub link: String,
    pub listed: Listed,
}

/// What `render` (and `toc`) must do with a file.
#[derive(Debug, Clone)]
pub enum Renders {
    /// Exit 0; the rendered text contains each of these (after joining hyphenated lines and
    /// removing line breaks, see the tests).
    Text(Vec<&'static str>),
    /// Exit 1 with a message on stderr that contains this text.
    Refused(&'static str),
}

/// A file (or special file) in the hostile library to run `toc` and `render` on.
#[derive(Debug, Clone)]
pub struct HostileDoc {
    pub what: &'static str,
    pub path: PathBuf,
    pub renders: Renders,
}

/// The hostile library: `root` holds INDEX.md; it lies in a temporary folder that also
/// holds `outside.txt` (the target of the links that climb out) and is removed on drop.
pub struct Hostile {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// In INDEX.md order, which is the order `list` prints them in.
    pub entries: Vec<HostileEntry>,
    pub docs: Vec<HostileDoc>,
}

/// Builds the hostile library. Needs `mkfifo` for the FIFO (present on every Unix we test on).
pub fn build() -> Hostile {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = fs::canonicalize(dir.path()).expect("canonical temp dir");
    let root = base.join("library");
    fs::create_dir(&root).expect("mkdir library");
    fs::write(
        base.join("outside.txt"),
        "Ein Geheimnis außerhalb der Bibliothek.\n",
    )
    .expect("write outside.txt");

    let mut b = Builder {
        root: root.clone(),
        index: String::new(),
        entries: Vec::new(),
        docs: Vec::new(),
    };
    b.index.push_str(&format!(
        "# {}\n\n{}\n\n## {}\n\n",
        md(&format!(
            "Feindliche {OSC0_BEL}Bibliothek {OSC2_ST}{C1_8BIT}{BIDI} {OSC_OPEN}"
        )),
        md(&format!(
            "Einleitung mit {OSC52_BEL} und {CSI_MOVES} und {OSC8_LINK}."
        )),
        md(&format!("Gruppe {CSI_MOVES}{OSC52_ST} eins {BIDI}")),
    ));

    b.documents();
    b.index.push_str(&format!(
        "\n## {}\n\n",
        md(&format!(
            "Links {OSC0_BEL}{C1_8BIT}, die nicht gehen {OSC_OPEN}"
        ))
    ));
    b.bad_links();
    b.hostile_names();
    b.deep_index_entry();

    fs::write(root.join("INDEX.md"), &b.index).expect("write INDEX.md");
    Hostile {
        _dir: dir,
        root,
        entries: b.entries,
        docs: b.docs,
    }
}

struct Builder {
    root: PathBuf,
    index: String,
    entries: Vec<HostileEntry>,
    docs: Vec<HostileDoc>,
}

impl Builder {
    /// Adds a list item to INDEX.md whose title and description are full of escapes.
    fn entry(&mut self, what: &'static str, link: &str, listed: Listed) {
        let n = self.entries.len();
        let (open, close) = match n % 4 {
            0 => (OSC0_BEL, OSC52_ST),
            1 => (OSC2_ST, C1_8BIT),
            2 => (CSI_MOVES, OSC8_LINK),
            _ => (BIDI, OSC52_BEL),
        };
        let title = md(&format!("{open}{what}{close} {ZERO_WIDTH}"));
        let description = md(&format!(
            "Quelle {CSI_MOVES}, de — Beschreibung {OSC52_BEL}{BIDI}{C1_8BIT} {OSC_OPEN}"
        ));
        self.index
            .push_str(&format!("- [{title}]({link}) — {description}\n"));
        self.entries.push(HostileEntry {
            what,
            link: link.to_owned(),
            listed,
        });
    }

    /// Writes a document, lists it in INDEX.md and records how it must render.
    fn doc(&mut self, what: &'static str, name: &'static str, bytes: &[u8], renders: Renders) {
        let path = self.root.join(name);
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {name}: {e}"));
        self.entry(what, &name.replace(' ', "%20"), Listed::Ok(name));
        self.docs.push(HostileDoc {
            what,
            path,
            renders,
        });
    }

    fn documents(&mut self) {
        let escapes = escape_text();
        self.doc(
            "escapes in plain text",
            "escapes.txt",
            escapes.as_bytes(),
            Renders::Text(vec!["Sichtbarer Anfang", "verlinkt", "Sichtbares Ende"]),
        );
        self.doc(
            "escapes in Markdown headings and text",
            "escapes.md",
            escape_markdown().as_bytes(),
            Renders::Text(vec!["Kapitel eins", "Kapitel zwei", "Sichtbares Ende"]),
        );
        self.doc(
            "escapes written as Markdown character references",
            "entities.md",
            entity_markdown().as_bytes(),
            Renders::Text(vec!["Kapitel", "Sichtbares Ende"]),
        );
        self.doc(
            "tabs, CR, backspace, form feed and a late NUL",
            "controls.txt",
            &controls_text(),
            Renders::Text(vec![
                "Spalte eins",
                "Wagenrücklauf",
                "Seitenvorschub",
                "NULende",
            ]),
        );
        let zalgo = format!(
            "Zalgo\n\nZ{}algo kommt.\n\nDanach normaler Text.\n",
            "\u{336}".repeat(100_000)
        );
        self.doc(
            "100,000 combining marks on one letter",
            "zalgo.txt",
            zalgo.as_bytes(),
            Renders::Text(vec!["algo kommt", "Danach normaler Text"]),
        );
        self.doc(
            "Latin-1 German",
            "latin1.txt",
            &latin1(GERMAN),
            Renders::Text(vec!["Grüße", "Bürgermeister", "Größe", "schön", "Ärger"]),
        );
        self.doc(
            "Windows-1252 German with quotes and euro",
            "cp1252.txt",
            &cp1252(),
            Renders::Text(vec!["Grüße", "„Zitat“", "€", "Bürgermeister", "Öl"]),
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Grüße aus UTF-16\r\n\r\nEin Absatz über Köln und 東京.\r\n".encode_utf16()
        {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        self.doc(
            "UTF-16LE with BOM",
            "utf16.txt",
            &utf16,
            Renders::Text(vec!["Grüße aus UTF-16", "über Köln und 東京"]),
        );
        self.doc(
            "UTF-8 with BOM and CRLF",
            "bom-crlf.txt",
            "\u{FEFF}Titel mit BOM\r\n\r\nErste Zeile über\r\nzweite Zeile.\r\n\r\nEnde.\r\n"
                .as_bytes(),
            Renders::Text(vec![
                "Titel mit BOM",
                "Erste Zeile über zweite Zeile",
                "Ende",
            ]),
        );
        let mut truncated = "Abgeschnitten\n\nGrüße aus 東京 und ".as_bytes().to_vec();
        truncated.extend_from_slice(&"東".as_bytes()[..2]);
        self.doc(
            "truncated UTF-8",
            "truncated.txt",
            &truncated,
            Renders::Text(vec!["Grüße aus 東京 und"]),
        );
        let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec();
        binary.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
        binary.extend_from_slice(b"\x1b]0;pwned\x07\x9b2J");
        self.doc(
            "binary data named .txt",
            "binary.txt",
            &binary,
            Renders::Refused("binary"),
        );
        self.doc("an empty file", "empty.txt", b"", Renders::Text(vec![]));
        self.doc(
            "only whitespace",
            "blank.txt",
            b"  \n\t\n \r\n\x0c\n   \n",
            Renders::Text(vec![]),
        );
        let long = "abcdefghij".repeat(200_000);
        self.doc(
            "a 2 MB line without spaces",
            "long-line.txt",
            format!("Lange Zeile\n\n{long}\n\nEnde.\n").as_bytes(),
            Renders::Text(vec!["Lange Zeile", "abcdefghijabcdefghij", "Ende"]),
        );
        self.doc(
            "CJK, emoji ZWJ sequences and flags",
            "cjk-emoji.txt",
            CJK_EMOJI.as_bytes(),
            Renders::Text(vec![
                "東京都",
                "👨\u{200D}👩\u{200D}👧\u{200D}👦",
                "🇩🇪",
                "🏳\u{FE0F}\u{200D}🌈",
            ]),
        );
        let quotes = format!("# Tief\n\n{}zitiert\n", "> ".repeat(50_000));
        self.doc(
            "block quotes nested 50,000 deep",
            "deep-quotes.md",
            quotes.as_bytes(),
            Renders::Text(vec!["zitiert"]),
        );
        let lists = format!(
            "# Tief\n\n{}Liste\n\n{}Zahlen\n\n{}gemischt\n",
            "- ".repeat(50_000),
            "1. ".repeat(50_000),
            "> - ".repeat(25_000)
        );
        self.doc(
            "lists nested 50,000 deep",
            "deep-lists.md",
            lists.as_bytes(),
            Renders::Text(vec!["Liste", "Zahlen", "gemischt"]),
        );
        let mut headings = String::from("# Viele Überschriften\n\n");
        for i in 0..30_000 {
            headings.push_str(&format!("## Abschnitt {i}\n\nText {i}.\n\n"));
        }
        self.doc(
            "30,000 headings",
            "headings.md",
            headings.as_bytes(),
            Renders::Text(vec!["Abschnitt 0", "Abschnitt 29999", "Text 29999."]),
        );
        self.doc(
            "a percent-encoded link to a name with a space",
            "my file.txt",
            b"Mit Leerzeichen\n\nDer Name hat ein Leerzeichen.\n",
            Renders::Text(vec!["Der Name hat ein Leerzeichen"]),
        );
    }

    fn bad_links(&mut self) {
        let root = self.root.clone();
        self.entry(
            "climbs out",
            "../outside.txt",
            Listed::Problem("outside the library"),
        );
        self.entry(
            "absolute",
            "/etc/passwd",
            Listed::Problem("absolute path not allowed"),
        );
        self.entry(
            "absolute device",
            "/dev/zero",
            Listed::Problem("absolute path not allowed"),
        );
        self.entry(
            "a web address",
            "https://example.com/x",
            Listed::Problem("web address"),
        );
        fs::create_dir(root.join("folder")).expect("mkdir folder");
        fs::write(root.join("folder/inner.txt"), "Innen.\n").expect("write inner");
        self.entry("a folder", "folder", Listed::Problem("is a folder"));
        self.entry(
            "a missing file",
            "missing.txt",
            Listed::Problem("file not found"),
        );

        symlink(root.join("../outside.txt"), root.join("out-link.txt")).expect("symlink out");
        self.entry(
            "a symlink out of the library",
            "out-link.txt",
            Listed::Problem("outside the library"),
        );
        symlink("loop-b", root.join("loop-a")).expect("symlink loop-a");
        symlink("loop-a", root.join("loop-b")).expect("symlink loop-b");
        self.entry(
            "a symlink loop",
            "loop-a",
            Listed::Problem("symbolic link loop"),
        );
        symlink("/dev/zero", root.join("zero.txt")).expect("symlink zero");
        self.entry(
            "a symlink to /dev/zero",
            "zero.txt",
            Listed::Problem("outside the library"),
        );
        let fifo = root.join("pipe.txt");
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        self.entry("a FIFO", "pipe.txt", Listed::Problem("FIFO"));
        self.docs.push(HostileDoc {
            what: "a FIFO read directly",
            path: fifo,
            renders: Renders::Refused("FIFO"),
        });
        self.docs.push(HostileDoc {
            what: "/dev/zero read directly",
            path: PathBuf::from("/dev/zero"),
            renders: Renders::Refused("device"),
        });
        self.docs.push(HostileDoc {
            what: "a symlink to /dev/zero read directly",
            path: root.join("zero.txt"),
            renders: Renders::Refused("device"),
        });
        self.docs.push(HostileDoc {
            what: "a symlink loop read directly",
            path: root.join("loop-a"),
            renders: Renders::Refused("loop-a"),
        });
        self.docs.push(HostileDoc {
            what: "a folder read directly",
            path: root.join("folder"),
            renders: Renders::Refused("folder"),
        });
    }

    /// Files whose names carry escapes and bidi controls: the names reach the output as
    /// paths, so they must be escaped there too.
    fn hostile_names(&mut self) {
        let osc_name = "osc\x1b]0;pwned\x07name.txt";
        fs::write(self.root.join(osc_name), "Ein Name mit Escape.\n").expect("write osc name");
        self.entry(
            "a file name with an OSC sequence",
            "osc%1B%5D0%3Bpwned%07name.txt",
            Listed::Ok(osc_name),
        );
        let bidi_name = "rlo\u{202E}txt.exe";
        fs::write(self.root.join(bidi_name), "Ein Name mit RLO.\n").expect("write bidi name");
        self.entry(
            "a file name with a bidi override",
            "rlo%E2%80%AEtxt.exe",
            Listed::Ok(bidi_name),
        );
        let c1_name = "c1\u{9b}2Jname.txt";
        fs::write(self.root.join(c1_name), "Ein Name mit C1.\n").expect("write c1 name");
        self.entry(
            "a file name with an 8-bit CSI",
            "c1%C2%9B2Jname.txt",
            Listed::Ok(c1_name),
        );
        self.entry(
            "a missing file whose link has controls",
            "gone%1B%5B2J%C2%9B31m%E2%80%AE.txt",
            Listed::Problem("file not found"),
        );
    }

    /// An entry at the bottom of a list nested 50,000 deep.
    fn deep_index_entry(&mut self) {
        self.index.push_str("\n## Tief\n\n");
        self.index.push_str(&"- ".repeat(50_000));
        self.entries.push(HostileEntry {
            what: "an entry nested 50,000 deep",
            link: "cjk-emoji.txt".into(),
            listed: Listed::Ok("cjk-emoji.txt"),
        });
        self.index
            .push_str("[Tief unten](cjk-emoji.txt) — ganz unten\n\n");
        self.index.push_str(&"> ".repeat(50_000));
        self.index
            .push_str("Ein tief zitierter Absatz ohne Link.\n");
    }
}

/// Inline Markdown that reads back as `text`: every ASCII punctuation character is
/// backslash-escaped, so the `[` and `]` of escape sequences cannot open or close links and
/// the `\\` of ST survives.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn escape_text() -> String {
    format!(
        "Escapes {OSC0_BEL}im Titel {OSC2_ST}\n\n\
         Sichtbarer Anfang {OSC0_BEL}{OSC2_ST}{OSC52_BEL}{OSC52_ST} und {OSC8_LINK} Text.\n\
         Cursor {CSI_MOVES}bewegt und {C1_8BIT} acht Bit, {BIDI} bidi, {ZERO_WIDTH}.\n\
         Offen am Zeilenende {OSC_OPEN}\n\
         Nächste Zeile \x1bP1$r0m\x1b\\ DCS \x1b_Gf=100;pwned\x1b\\ APC \x1bc RIS \x1b7\x1b8.\n\n\
         Überschrift {CSI_MOVES}mit {BIDI}Steuerzeichen\n\n\
         Sichtbares Ende {OSC_OPEN}"
    )
}

fn escape_markdown() -> String {
    format!(
        "# Titel {OSC0_BEL}{OSC2_ST}\n\n\
         ## Kapitel {OSC52_BEL}{CSI_MOVES}eins {BIDI}{C1_8BIT}\n\n\
         Absatz mit {OSC8_LINK} und [einem Link]({OSC52_ST}https://x.example/) \
         und `code {CSI_MOVES}` und **fett {C1_8BIT}** {OSC_OPEN}\n\n\
         - Punkt {OSC0_BEL} {ZERO_WIDTH}\n\
         - Punkt {BIDI}\n\n\
         > Zitat {OSC2_ST}\n\n\
         ```\ncode block {OSC52_BEL}{CSI_MOVES}\n```\n\n\
         | Spalte {OSC0_BEL} | B {C1_8BIT} |\n|---|---|\n| x {BIDI} | y |\n\n\
         ![Bild {OSC2_ST}](bild.png)\n\n\
         ## Kapitel zwei {OSC_OPEN}\n\n\
         Sichtbares Ende.\n"
    )
}

/// Controls spelled as HTML character references: Markdown turns them into the characters
/// after the text was sanitized.
fn entity_markdown() -> String {
    "# Titel &#x1b;]0;pwned&#7;\n\n\
     ## Kapitel &#27;[2J&#x1b;[H &#x9b;31m &#x202e;rev &#x2066;iso&#x2069;\n\n\
     Text &#x1B;]52;c;pwned&#x07; und &#155;2J und &#x85; und &#x8d; und &#8238;.\n\n\
     Sichtbares Ende.\n"
        .to_owned()
}

fn controls_text() -> Vec<u8> {
    let mut text = String::from("Steuerzeichen\n\n");
    // Enough text that the NUL below lies beyond the first 8 KiB, where binary sniffing looks.
    for i in 0..200 {
        text.push_str(&format!("Fülltext Satz {i} mit einigen Wörtern. "));
    }
    text.push_str("\n\nSpalte eins\tSpalte zwei\tSpalte drei\n\n");
    text.push_str("Vorher\rWagenrücklauf\r\n\n");
    text.push_str("Fett durch Rücktaste: F\x08Fe\x08et\x08tt\x08t\n\n");
    text.push_str("Vorher\x0cSeitenvorschub\x0c\n\n");
    text.push_str("Ein NUL\0NULende\x07\x7f\n");
    assert!(text.find('\0').is_some_and(|at| at > 8 * 1024));
    text.into_bytes()
}

const GERMAN: &str = "Grüße aus Köln\n\n\
    Der Bürgermeister sprach über die Größe der Stadt und den Ärger mit dem Verkehr. \
    Es war ein schöner Tag, die Straßen waren voll, und über allem lag ein Duft von \
    gebrannten Mandeln. Öffentliche Plätze wurden geräumt.\n";

/// Encodes text that only uses Latin-1 characters as Latin-1.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}

/// German text with Windows-1252 specials: „“ (0x84, 0x93), € (0x80), – (0x96).
fn cp1252() -> Vec<u8> {
    let mut bytes = latin1(GERMAN);
    bytes.extend_from_slice(b"\nEr sagte \x84Zitat\x93 \x96 das kostet 5 \x80. ");
    bytes.extend(latin1("Öl wird teurer, sagt der Bürgermeister.\n"));
    bytes
}

const CJK_EMOJI: &str = "東京都の天気 🇯🇵\n\n\
    東京都は日本の首都であり、人口は約千四百万人です。中文段落：北京是中华人民共和国的首都。\
    한국어 문장도 있습니다. Familie 👨\u{200D}👩\u{200D}👧\u{200D}👦 und Flaggen 🇩🇪🇫🇷🇯🇵 \
    und 🏳\u{FE0F}\u{200D}🌈 und Hauttöne 👋🏽 und Tastenkappe 1\u{FE0F}\u{20E3}.\n\n\
    全角文字ＡＢＣ１２３と半角ｶﾀｶﾅ。\n";
