//! Deterministic generated inputs for the benchmarks and `scripts/compare.sh`: articles of a
//! given size, mixed-language text and INDEX.md files. Generated rather than read from a
//! corpus so that every machine measures the same bytes; the same seed always gives the
//! same text.

#![allow(dead_code)]

use std::fmt::Write as _;

use blatt::app::Command;

/// The keys measured in a large article: a name for the benchmark, the key as shown, and
/// the command it gives.
pub const KEYS: [(&str, &str, Command); 8] = [
    ("down", "j (down)", Command::Down),
    ("up", "k (up)", Command::Up),
    ("page_down", "PgDn", Command::PageDown),
    ("page_up", "PgUp", Command::PageUp),
    ("next_section", "] next section", Command::NextSection),
    (
        "previous_section",
        "[ previous section",
        Command::PreviousSection,
    ),
    ("end_G", "G end", Command::Bottom),
    ("top_g", "g top", Command::Top),
];

/// The string the first paragraph of every generated article carries, so that a screen
/// scraper can tell when the first screen has been drawn.
pub const MARKER: &str = "Quokka-Zebrafinch";

/// xorshift64*: small, fast and good enough to pick words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const EN: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "a",
    "in",
    "that",
    "he",
    "was",
    "his",
    "with",
    "it",
    "as",
    "had",
    "for",
    "on",
    "her",
    "she",
    "not",
    "but",
    "prince",
    "said",
    "would",
    "could",
    "Natasha",
    "Pierre",
    "regiment",
    "Moscow",
    "evening",
    "drawing-room",
    "countess",
    "conversation",
    "everything",
    "remembered",
    "understanding",
    "extraordinarily",
    "responsibility",
    "government",
    "commander-in-chief",
    "immediately",
    "nevertheless",
    "approached",
    "whispered",
    "soldiers",
    "interrupted",
    "embarrassment",
    "contemptuously",
    "army",
    "looked",
    "smiled",
    "door",
    "window",
    "Napoleon",
    "Kutúzov",
    "Bolkónski",
    "—",
    "very",
];

const DE: &[&str] = &[
    "der",
    "die",
    "und",
    "das",
    "nicht",
    "ist",
    "mit",
    "sich",
    "auf",
    "für",
    "dem",
    "den",
    "ein",
    "eine",
    "auch",
    "von",
    "zu",
    "Kommission",
    "Datenschutzprotokolle",
    "Bundesregierung",
    "Verhandlungen",
    "Straßenbahn",
    "Bürgermeisterin",
    "Öffentlichkeit",
    "grundsätzlich",
    "Donaudampfschifffahrt",
    "Verantwortung",
    "Übergangsfrist",
    "Änderungsantrag",
    "Wirtschaftsministerium",
    "Gespräche",
    "möglicherweise",
    "Schülerinnen",
    "Vorschläge",
    "EU-Kommission",
    "Video-App",
    "Sicherheitszusagen",
    "Plattform",
    "weiter",
    "heute",
];

/// Sentences in scripts written without spaces between words.
const ZH: &[&str] = &[
    "人人生而自由，在尊严和权利上一律平等。",
    "他们赋有理性和良心，并应以兄弟关系的精神相对待。",
    "欧盟委员会要求视频会议平台提供安全保证。",
    "北京今天的天气晴朗，气温比昨天略有上升。",
    "政府宣布将在明年增加对教育和医疗的投入。",
];
const JA: &[&str] = &[
    "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。",
    "人間は、理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。",
    "東京都は来月から新しい交通規制を導入すると発表した。",
    "カタカナのコンピューターネットワークセキュリティアップデート。",
];
const TH: &[&str] = &[
    "เมื่อการยอมรับนับถือเกียรติศักดิ์ประจำตัว และสิทธิเท่าเทียมกันและโอนมิได้ของบรรดาสมาชิก",
    "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ",
    "รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากน้ำท่วม",
];

/// A sentence of `words` words from `pool`, capitalised, ending in a full stop.
fn sentence(rng: &mut Rng, pool: &[&str], words: usize, out: &mut String) {
    for i in 0..words {
        let word = rng.pick(pool);
        if i == 0 {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push_str(". ");
}

/// Appends a paragraph hard-wrapped at about 72 columns, as Project Gutenberg texts are.
fn push_wrapped(paragraph: &str, out: &mut String) {
    let mut column = 0;
    for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > 72 {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out.push_str("\n\n");
}

/// A plain-text article (novel-like English prose with chapter headings) of about `size`
/// bytes: a one-line title, then paragraphs of 3–10 sentences hard-wrapped at 72 columns,
/// a heading every 25 paragraphs. The first paragraph contains [`MARKER`].
pub fn article(size: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(size + 4096);
    let _ = writeln!(out, "Generated Article of {size} Bytes\n");
    let mut paragraph = String::new();
    let mut n = 0usize;
    while out.len() < size {
        if n > 0 && n.is_multiple_of(25) {
            let _ = write!(out, "Chapter {} of the Long Story\n\n", n / 25);
        }
        paragraph.clear();
        if n == 0 {
            let _ = write!(paragraph, "The {MARKER} opened the story. ");
        }
        for _ in 0..3 + rng.below(8) {
            let words = 6 + rng.below(18);
            sentence(&mut rng, EN, words, &mut paragraph);
        }
        push_wrapped(paragraph.trim_end(), &mut out);
        n += 1;
    }
    out
}

/// About `size` bytes of mixed-language plain text: paragraphs in German, English, Chinese,
/// Japanese and Thai in turn (a fifth each by paragraph count), unwrapped (one line per
/// paragraph), with a heading every 40 paragraphs.
pub fn mixed(size: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(size + 4096);
    let _ = writeln!(out, "Mixed-Language Text of {size} Bytes\n");
    let mut paragraph = String::new();
    let mut n = 0usize;
    while out.len() < size {
        if n > 0 && n.is_multiple_of(40) {
            let _ = write!(out, "Abschnitt {} – Section {}\n\n", n / 40, n / 40);
        }
        paragraph.clear();
        if n == 0 {
            let _ = write!(paragraph, "The {MARKER} opened the text. ");
        }
        match n % 5 {
            0 => (0..3 + rng.below(6)).for_each(|_| {
                let words = 6 + rng.below(16);
                sentence(&mut rng, DE, words, &mut paragraph);
            }),
            1 => (0..3 + rng.below(6)).for_each(|_| {
                let words = 6 + rng.below(16);
                sentence(&mut rng, EN, words, &mut paragraph);
            }),
            2 => (0..4 + rng.below(8)).for_each(|_| paragraph.push_str(rng.pick(ZH))),
            3 => (0..3 + rng.below(6)).for_each(|_| paragraph.push_str(rng.pick(JA))),
            _ => (0..3 + rng.below(5)).for_each(|_| {
                paragraph.push_str(rng.pick(TH));
                paragraph.push(' ');
            }),
        }
        out.push_str(paragraph.trim_end());
        out.push_str("\n\n");
        n += 1;
    }
    out
}

/// An INDEX.md with `entries` list entries in groups of 50 under level-2 headings.
pub fn index(entries: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(entries * 120);
    out.push_str("# Generated Library\n\nA library generated for benchmarks.\n\n");
    for i in 0..entries {
        if i.is_multiple_of(50) {
            let _ = write!(out, "\n## Group {}\n\n", i / 50);
        }
        let lang = if rng.below(2) == 0 { "de" } else { "en" };
        let words: Vec<&str> = (0..4 + rng.below(6)).map(|_| rng.pick(DE)).collect();
        let _ = writeln!(
            out,
            "- [Article {i}: {}](articles/{i:06}.txt) — Source {}, {lang} — {}",
            words[..3].join(" "),
            i % 17,
            words.join(" "),
        );
    }
    out
}

/// Issue 13's mixed text, from the shared corpus in `dir` (`../shared/corpus`, not part of
/// the repository): paragraphs of German (Wikinews), English (the three books), Russian,
/// Arabic, Hindi, Chinese, Japanese and Thai (the Universal Declaration of Human Rights)
/// and lines of emoji-test.txt (eight to a paragraph), one of each in that order, each
/// source starting over when it runs out, each followed by a blank line, until `size` bytes
/// are reached. The same corpus always gives the same bytes.
pub fn corpus_mixed(
    dir: &std::path::Path,
    size: usize,
) -> Result<String, Box<dyn std::error::Error>> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut sources: Vec<Vec<String>> = Vec::new();
    // German: the Wikinews articles in name order, by blank-line paragraphs.
    let mut names: Vec<_> = std::fs::read_dir(dir.join("de-wikinews"))
        .map_err(|e| format!("{}: {e}", dir.join("de-wikinews").display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    let mut german = Vec::new();
    for name in &names {
        german.extend(paragraphs(&read(name)?));
    }
    sources.push(german);
    // English: the books, by blank-line paragraphs (their lines are hard-wrapped).
    let mut english = Vec::new();
    for book in [
        "pg2600-war-and-peace.txt",
        "pg1399-anna-karenina.txt",
        "pg2554-crime-and-punishment.txt",
    ] {
        english.extend(paragraphs(&read(&dir.join("large").join(book))?));
    }
    sources.push(english);
    // The declaration: one paragraph a line, after the header that ends with `---`.
    for lang in ["rus", "arb", "hin", "cmn_hans", "jpn", "tha"] {
        let text = read(&dir.join(format!("nonlatin/udhr_{lang}.txt")))?;
        let body = text.split_once("\n---\n").map_or(text.as_str(), |(_, b)| b);
        sources.push(
            body.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        );
    }
    // Emoji: the text after `#` of emoji-test.txt's lines (`😶‍🌫️ E13.1 face in clouds`), eight
    // to a paragraph.
    let emoji = read(&dir.join("nonlatin/emoji-test.txt"))?;
    let lines: Vec<&str> = emoji
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("# ").map(|(_, e)| e.trim()))
        .collect();
    sources.push(lines.chunks(8).map(|c| c.join(" ")).collect());
    if let Some(empty) = sources.iter().position(Vec::is_empty) {
        return Err(format!("{}: source {empty} has no paragraphs", dir.display()).into());
    }
    let mut out = String::with_capacity(size + 64 * 1024);
    out.push_str("Issue 13 mixed text from the shared corpus\n\n");
    out.push_str(&format!("The {} opened the text.\n\n", MARKER));
    let mut round = 0;
    while out.len() < size {
        for source in &sources {
            out.push_str(&source[round % source.len()]);
            out.push_str("\n\n");
        }
        round += 1;
    }
    Ok(out)
}

/// The paragraphs of `text`, separated by blank lines, with their line breaks kept.
fn paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
