//! Any bytes as a zip bundle: see `corpack::fuzzing::zip_bundle`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    // Removed once the input is done with.
    let scratch = scratch_dir();
    corpack::fuzzing::zip_bundle(bytes, &scratch.path().join("bundle.zip"));
});
