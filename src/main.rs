//! The `corpack` command: parses arguments, runs the library, prints.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Outcome;
use crate::cli::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                cli::EXIT_ERROR
            } else {
                0
            });
        }
    };
    match cli::run(&cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(error) if cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => cli::report_error(&error, cli::wants_json(&cli)),
    }
}
