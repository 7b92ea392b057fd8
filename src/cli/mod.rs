//! The commands: each runs the library and prints its result, as text or
//! as one JSON document.

mod against;
pub mod args;
mod export;
mod import;
mod progress;
pub mod signals;
mod table;

use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::process::ExitCode;

use serde::Serialize;

use self::args::{
    CheckArgs, Cli, Command, CommonArgs, ImportCommand, PackArgs, ShowArgs, VerifyArgs,
};
use self::progress::Bar;
use corpack::error::{ErrorCode, ErrorReport, shown};
use corpack::finding::{Severity, escape_controls};
use corpack::pack::PackOptions;
use corpack::profile::Profile;
use corpack::show::ShowFilter;
use corpack::verify::{Verdict, VerifyOptions};

/// How a command ended, when it did not fail.
pub enum Outcome {
    /// Done; the input is valid.
    Success,
    /// Done; the input is invalid (findings were printed).
    Invalid,
}

impl Outcome {
    pub(crate) fn from_valid(valid: bool) -> Outcome {
        if valid {
            Outcome::Success
        } else {
            Outcome::Invalid
        }
    }
}

/// Exit status of a failure: usage or I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line; errors are printed by the caller.
pub fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Pack(args) => pack(args),
        Command::Verify(args) => verify(args),
        Command::Check(args) => check(args),
        Command::Show(args) => show(args),
        Command::Import(ImportCommand::Csv(args)) => import::csv(args),
        Command::Import(ImportCommand::Bag(args)) => import::bag(args),
        Command::Export(args) => export::export(args),
    }
}

/// Whether the command asked for JSON output.
pub fn wants_json(cli: &Cli) -> bool {
    common(cli).json
}

fn common(cli: &Cli) -> &CommonArgs {
    match &cli.command {
        Command::Pack(args) => &args.common,
        Command::Verify(args) => &args.common,
        Command::Check(args) => &args.common,
        Command::Show(args) => &args.common,
        Command::Import(ImportCommand::Csv(args)) => &args.common,
        Command::Import(ImportCommand::Bag(args)) => &args.common,
        Command::Export(args) => &args.common,
    }
}

fn pack(args: &PackArgs) -> anyhow::Result<Outcome> {
    let options = PackOptions {
        sources: args.sources.clone(),
        strict: args.strict,
        force: args.force,
        threads: args
            .threads
            .map_or_else(rayon::current_num_threads, NonZeroUsize::get),
        allow: args.allow.checks.clone(),
        recheck: !args.no_recheck,
    };
    let bar = Bar::new("packing", args.common.quiet || args.common.json);
    let report = corpack::pack::pack(&args.collection, &args.output, &options, &bar);
    bar.finish();
    let report = cannot(report, "pack", &args.collection)?;
    if args.common.json {
        print_json(&report)?;
    } else {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        print_removed_stale(&report.removed_stale);
        if !report.rechecked {
            eprintln!(
                "warning: --no-recheck: the bundle was not read back before it was put in place"
            );
        }
        print_text(&format!(
            "packed {} into {}: {} held, {} catalogued but not held, {}, {}\n",
            report.collection,
            shown(&report.output),
            counted(report.held as u64, "document"),
            report.not_held,
            counted(report.payload_files as u64, "payload file"),
            counted(report.bundle_size, "byte"),
        ))?;
    }
    Ok(Outcome::Success)
}

fn verify(args: &VerifyArgs) -> anyhow::Result<Outcome> {
    if let Some(collection) = &args.against {
        return against::verify_against(args, collection);
    }
    let bar = Bar::new("verifying", args.common.quiet || args.common.json);
    let options = VerifyOptions { fast: args.fast };
    let report = match &args.profile {
        Some(path) => Profile::load(path).and_then(|profile| {
            corpack::profile::verify_with_profile(&args.bag, options, &profile, &bar)
        }),
        None => corpack::verify::verify_path(&args.bag, options, &bar),
    };
    bar.finish();
    let report = cannot(report, "verify", &args.bag)?;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = String::new();
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        let verdict = report.verdict.word();
        let checked = if args.fast && report.ocfl_version.is_some() {
            "structure only, no digests".to_string()
        } else if args.fast {
            "completeness and Payload-Oxum only, no checksum verified".to_string()
        } else {
            format!(
                "{}, {} checked",
                counted(report.files_checked, "file"),
                counted(report.bytes_checked, "byte")
            )
        };
        let standard = match &report.ocfl_version {
            Some(version) => format!("OCFL object {version}"),
            None => format!("BagIt {}", report.bagit_version.as_deref().unwrap_or("?")),
        };
        text.push_str(&format!(
            "{verdict}: {} ({standard}; {checked}; {}, {})\n",
            shown(&report.location),
            // Those left out of the list too.
            counted(report.errors, "error"),
            counted(report.warnings, "warning"),
        ));
        print_text(&text)?;
    }
    // A fast check that finds the bag complete succeeds.
    Ok(Outcome::from_valid(report.verdict != Verdict::Invalid))
}

fn check(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let report = corpack::check::check(
        &args.collection,
        &args.sources,
        args.strict,
        &args.allow.checks,
    );
    let report = cannot(report, "check", &args.collection)?;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = String::new();
        // Tagged as findings are; pack's fatal error tags its list once.
        let code = ErrorCode::RecordInvalid;
        for error in &report.errors {
            let (place, what) = (error.place(), error.what());
            let what = escape_controls(&what);
            text.push_str(&format!("{place}: error[{code}]: {what}\n"));
        }
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        let verdict = if report.valid { "valid" } else { "invalid" };
        let finding_errors = count(&report.findings, Severity::Error);
        text.push_str(&format!(
            "{verdict}: {} ({}: {} held, {} catalogued but not held, {} whose file cannot be packed; {}, {})\n",
            shown(&report.location),
            counted(report.documents as u64, "document"),
            report.held,
            report.not_held,
            report.not_packable,
            counted((report.errors.len() + finding_errors) as u64, "error"),
            counted((report.findings.len() - finding_errors) as u64, "warning"),
        ));
        print_text(&text)?;
    }
    Ok(Outcome::from_valid(report.valid))
}

fn show(args: &ShowArgs) -> anyhow::Result<Outcome> {
    let filter = ShowFilter {
        contested: args.contested,
        author: args.author.clone(),
        date_range: args.date_range.clone(),
    };
    let report = cannot(
        corpack::show::show(&args.source, &filter),
        "show",
        &args.source,
    )?;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = table::documents(&report.documents);
        if report.documents.len() < report.total {
            text.push_str(&format!(
                "{} of {} match\n",
                report.documents.len(),
                counted(report.total as u64, "document")
            ));
        }
        print_text(&text)?;
    }
    Ok(Outcome::Success)
}

pub(crate) fn count(findings: &[corpack::finding::Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// `number` and `noun`, its plural unless `number` is 1: "1 error",
/// "2 errors", "0 errors".
pub(crate) fn counted(number: u64, noun: &str) -> String {
    let plural = if number == 1 { "" } else { "s" };
    format!("{number} {noun}{plural}")
}

/// Prints `value` as one JSON document: a signal waits for it to be
/// written whole (a while), so that what is read of stdout parses.
pub(crate) fn print_json<T: Serialize>(value: &T) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    signals::whole_report(|| print_text(&text))
}

/// Says on stderr what interrupted runs left that was removed.
pub(crate) fn print_removed_stale(removed: &[std::path::PathBuf]) {
    for stale in removed {
        eprintln!(
            "removed {}, a temporary file or directory an interrupted run left",
            shown(stale)
        );
    }
}

/// Writes `text` to stdout; an error says that it was the report being
/// written, keeping its kind (a closed pipe is told apart by it).
pub(crate) fn print_text(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    (stdout.write_all(text.as_bytes()))
        .and_then(|()| stdout.flush())
        .map_err(|error| io::Error::new(error.kind(), format!("writing to stdout: {error}")))
}

/// A command's failure in context: "cannot ACTION INPUT: …", or "cannot
/// ACTION: …" where the error begins by naming the input itself.
fn cannot<T, E: Into<anyhow::Error>>(
    result: Result<T, E>,
    action: &str,
    input: &std::path::Path,
) -> anyhow::Result<T> {
    result.map_err(|error| {
        let error: anyhow::Error = error.into();
        let input = shown(input);
        if error.to_string().starts_with(&format!("{input}: ")) {
            error.context(format!("cannot {action}"))
        } else {
            error.context(format!("cannot {action} {input}"))
        }
    })
}

/// Prints a failure: text on stderr, `corpack: error[<code>]: <message>`
/// as a finding is `<path>: <severity>[<code>]: <message>`, or a JSON
/// document on stdout.
pub fn report_error(error: &anyhow::Error, json: bool) -> ExitCode {
    let message = format!("{error:#}");
    let cause = error
        .chain()
        .find_map(|c| c.downcast_ref::<corpack::Error>());
    let report = match cause {
        Some(cause) => ErrorReport::new(message, cause),
        // Outside the library only I/O fails: writing the output, or
        // setting up the signal handlers.
        None => ErrorReport::without_error(message, ErrorCode::Io),
    };
    if json {
        print_error_report(&report);
    } else {
        eprintln!("{}", text_error(&report));
    }
    ExitCode::from(EXIT_ERROR)
}

/// Prints a command line that cannot be parsed: as clap writes it, its
/// leading `error:` given the code (`error[usage]:`; the help that a
/// command line missing its command gets has none), or as a JSON document
/// when the command line asks for JSON.
pub fn report_usage_error(error: &clap::Error, json: bool) -> ExitCode {
    let plain = error.render().to_string();
    if json {
        // The code says it is an error, and there is no `--help` to try in
        // a document a program reads.
        let message = plain.trim_end();
        let message = message.strip_prefix("error: ").unwrap_or(message);
        let message =
            (message.rsplit_once("\n\nFor more information")).map_or(message, |(before, _)| before);
        print_error_report(&ErrorReport::without_error(
            message.to_string(),
            ErrorCode::Usage,
        ));
    } else {
        // The same text with clap's styles, which anstream keeps for a
        // terminal that shows them.
        let mut text = error.render().ansi().to_string();
        if plain.starts_with("error:") {
            text = text.replacen("error:", &format!("error[{}]:", ErrorCode::Usage), 1);
        }
        anstream::eprint!("{text}");
    }
    ExitCode::from(EXIT_ERROR)
}

fn print_error_report(report: &ErrorReport) {
    if print_json(report).is_err() {
        eprintln!("{}", text_error(report));
    }
}

/// A failure as text, its lines' control characters escaped (it may name
/// what an untrusted bundle holds).
fn text_error(report: &ErrorReport) -> String {
    let lines: Vec<_> = report.error.split('\n').map(escape_controls).collect();
    format!("corpack: error[{}]: {}", report.code, lines.join("\n"))
}

/// Whether an error is only a closed stdout (e.g. piped into `head`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| matches!(cause.downcast_ref::<io::Error>(), Some(e) if e.kind() == io::ErrorKind::BrokenPipe))
}
