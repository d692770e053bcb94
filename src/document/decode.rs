//! Stand-in (replaced by the real decoder).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("this looks like a binary file (NUL bytes near the start), not text")]
    Binary,
}
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    Ok(Decoded {
        text: String::from_utf8_lossy(bytes).into_owned(),
        encoding: "UTF-8",
    })
}
