//! Integration tests: they drive the real `corpack` binary and judge its
//! output with the external validators.

mod check;
mod conformance;
mod datacite;
mod dspace;
mod errors;
mod generated;
mod hostile;
mod import;
mod interop;
mod manifests;
mod ocfl;
mod pack;
mod profile;
mod rawzip;
mod rfc8493;
mod safety;
mod seeds;
mod show;
mod standards;
mod util;
mod validators;
mod verify;
