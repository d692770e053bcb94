//! Load arbitrary bytes and lay them out at an arbitrary width, with or without hyphenation
//! and justification.
#![no_main]

use arbitrary::Arbitrary;
use blatt::layout::WrapOptions;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    width: u8,
    hyphenate: bool,
    justify: bool,
    markdown: bool,
    /// 0: guess from the text, 1: German, 2: English, else none given.
    language: u8,
    text: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let options = WrapOptions {
        width: 1 + usize::from(input.width) % 200,
        hyphenate: input.hyphenate,
        justify: input.justify,
    };
    let language = match input.language % 3 {
        1 => Some("de"),
        2 => Some("en"),
        _ => None,
    };
    blatt_fuzz::check_layout(input.text, input.markdown, language, options);
});
