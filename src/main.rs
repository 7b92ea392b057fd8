//! The `corpack` command: parses arguments, runs the library, prints.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Outcome;
use crate::cli::args::Cli;

fn main() -> ExitCode {
    fix_mmap_threshold();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if !error.use_stderr() {
                // --help or --version.
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            // A script that asked for JSON gets JSON, even for a bad command line.
            let json = std::env::args_os().any(|arg| arg == "--json");
            return cli::report_usage_error(&error, json);
        }
    };
    if let Err(error) = cli::signals::remove_temporaries_on_signals() {
        let error = anyhow::Error::new(error).context("cannot watch for SIGINT and SIGTERM");
        return cli::report_error(&error, cli::wants_json(&cli));
    }
    match cli::run(&cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(error) if cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => cli::report_error(&error, cli::wants_json(&cli)),
    }
}

/// Keeps glibc serving blocks of 128 KiB and more (its default) with
/// `mmap`, so that freeing one gives it back to the system. Left alone,
/// glibc raises that threshold each time such a block is freed, and later
/// large buffers then come from heap arenas that keep freed memory: the
/// peak RSS of `pack` on 160,000 files was 177 MiB, 117 MiB with this
/// (BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; it is called
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}
