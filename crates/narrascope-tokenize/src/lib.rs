//! # narrascope-tokenize
//!
//! Turns raw text (tweets, forum posts, sermons, testimonies, news) into tokens and sentences
//! that survive the tricks evaders use, each with a byte span into the **original** text so a
//! reviewer can be shown exactly which words triggered a flag.
//!
//! Pipeline, in order:
//!
//! 1. [`normalize::InvisibleChars`] removes zero-width and bidi characters from the text
//!    (offsets are tracked, spans still point into the original);
//! 2. white-space chunks are split into URLs, e-mail addresses, `@mentions`, `#hashtags`
//!    (with their camelCase word parts), and UAX #29 word pieces; leet runs such as `m@rtyr`
//!    are kept together;
//! 3. [`normalize::SeparatedLetters`] joins `j o i n` / `s-t-a-t-e`;
//! 4. token-level steps: [`normalize::NfkcCaseFold`], [`normalize::Homoglyphs`],
//!    [`normalize::Leetspeak`], [`normalize::Elongation`], [`normalize::ArabicNormalizer`],
//!    [`normalize::Diacritics`], [`normalize::Apostrophes`];
//! 5. the language is given or guessed; stopwords are marked and words stemmed with
//!    rust-stemmers;
//! 6. UAX #29 sentences, each with its span and token range.
//!
//! | token kind | example | normalised form |
//! |---|---|---|
//! | word | `H1JR4H` | `hijrah` (stem `hijrah`) |
//! | number | `2019`, `12.5` | unchanged |
//! | hashtag | `#KhilafahIsBack` | `#khilafahisback`, parts `khilafah is back` |
//! | mention | `@User_1` | `@user_1` |
//! | url | `https://www.Example.com/x` | lower-cased, domain `example.com` |
//! | email | `a@b.org` | lower-cased, never folded |
//! | emoji | `🔥` | unchanged |
//! | punct | `. ! ? « »` | quotes unified to `"` |
//!
//! ```
//! use narrascope_tokenize::Tokenizer;
//! let tok = Tokenizer::new();
//! let text = "Мake h\u{200B}ijrah, brothers!";
//! let out = tok.tokenize(text);
//! let words: Vec<&str> = out.tokens().iter().map(|t| out.norm(t)).collect();
//! assert_eq!(words, ["make", "hijrah", "brothers", "!"]);
//! // spans point into the original text, invisible character included
//! assert_eq!(out.tokens()[1].span.slice(text), "h\u{200B}ijrah");
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

/// Implements, inside an `impl` block, a list of field names and a by-name mutable lookup
/// over those fields, from one list (so the two can never disagree):
/// `named_fields!(docs const NAMES; docs fn field_mut -> bool; [a, b, c]);` gives
/// `pub const NAMES: [&str; 3]` and `pub fn field_mut(&mut self, name: &str) -> Option<&mut
/// bool>` (`None` for an unknown name). Used by [`TokenizerConfig`] and by the feature
/// crate's family weights.
#[doc(hidden)]
#[macro_export]
macro_rules! named_fields {
    (
        $(#[$names_doc:meta])* const $names:ident;
        $(#[$fn_doc:meta])* fn $lookup:ident -> $ty:ty;
        [$($field:ident),+ $(,)?]
    ) => {
        $(#[$names_doc])*
        pub const $names: [&'static str; [$(stringify!($field)),+].len()] =
            [$(stringify!($field)),+];

        $(#[$fn_doc])*
        pub fn $lookup(&mut self, name: &str) -> Option<&mut $ty> {
            Some(match name {
                $(stringify!($field) => &mut self.$field,)+
                _ => return None,
            })
        }
    };
}

mod error;
mod inline_key;
pub mod lang;
pub mod normalize;
pub mod quote;
mod segment;
mod snowball;
mod stem_ar;
mod stem_en;
mod stem_ru;
#[cfg(test)]
mod stem_test;
mod token;
mod tokenizer;
mod wordcache;

pub use error::{Result, TokenizeError};
pub use inline_key::InlineKey;
pub use lang::{Language, LanguageChoice};
pub use token::{flags, Part, Sentence, Span, Token, TokenKind, Tokenized};
pub use tokenizer::{Tokenizer, TokenizerBuilder, TokenizerConfig};
