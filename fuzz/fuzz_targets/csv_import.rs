//! A CSV catalogue for `import csv`: see `corpack::fuzzing::csv_import`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::csv_import(bytes));
