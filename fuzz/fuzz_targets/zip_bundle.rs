//! Any bytes as a zip bundle: see `corpack::fuzzing::zip_bundle`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::zip_bundle(
    bytes,
    &scratch_dir().join("bundle.zip")
));
