//! Any bytes as a zip bundle: see `corpack::fuzzing::zip_bundle`.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

/// This process's scratch file, in memory when `/dev/shm` exists. (A
/// static is not dropped: the file outlives the fuzzer, in a temp dir.)
fn scratch() -> &'static Path {
    static FILE: OnceLock<tempfile::TempPath> = OnceLock::new();
    FILE.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        tempfile::Builder::new()
            .prefix("corpack-fuzz-")
            .suffix(".zip")
            .tempfile_in(dir)
            .expect("a scratch file")
            .into_temp_path()
    })
}

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::zip_bundle(bytes, scratch()));
