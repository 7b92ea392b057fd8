//! Integration tests: they drive the real `corpack` binary and judge its
//! output with the external validators.

mod check;
mod import;
mod manifests;
mod ocfl;
mod pack;
mod seeds;
mod show;
mod standards;
mod util;
mod validators;
mod verify;
