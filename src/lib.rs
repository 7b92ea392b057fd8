/*!
corpack packages research corpora for archives.

A *collection* (a directory with `collection.toml` and document files) is
packed into a *bundle*: a zip holding one BagIt 1.0 bag (RFC 8493) whose
payload is an RO-Crate 1.1. Bundles are reproducible byte for byte, and
`verify` checks any bag, zipped or not, without extracting it.

The binary `corpack` is a thin front end over this library.
*/

#![deny(missing_docs)]

pub mod bagit;
pub mod bundle;
pub mod check;
mod checked_json;
pub mod collection;
pub mod digest;
pub mod edtf;
pub mod error;
pub mod export;
pub mod finding;
pub mod fuzzing;
pub mod import;
mod iri;
#[cfg(test)]
mod json_strategy;
pub mod names;
pub mod ocfl;
pub mod output;
pub mod pack;
mod positional;
pub mod profile;
pub mod progress;
pub mod rebuild;
pub mod rocrate;
pub mod schema;
pub mod show;
mod spelling;
mod spilled_bytes;
mod text_table;
pub mod verify;

pub use crate::error::{Error, Result};
