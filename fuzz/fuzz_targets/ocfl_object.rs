//! An OCFL object made of an inventory: see `corpack::fuzzing::ocfl_object`.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

/// This process's scratch directory, in memory when `/dev/shm` exists. (A
/// static is not dropped: the directory outlives the fuzzer, in a temp dir.)
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        tempfile::Builder::new()
            .prefix("corpack-fuzz-")
            .tempdir_in(dir)
            .expect("a scratch directory")
    })
    .path()
}

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::ocfl_object(bytes, scratch()));
