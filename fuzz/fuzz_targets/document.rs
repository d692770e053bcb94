//! Decode, sanitize and parse arbitrary bytes as plain text and as Markdown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| blatt_fuzz::check_document(data));
