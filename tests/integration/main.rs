//! Integration tests: they drive the real `corpack` binary.

mod check;
mod pack;
mod util;
mod verify;
