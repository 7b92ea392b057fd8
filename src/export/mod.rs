//! Writing a collection in other formats.

pub mod csv;
