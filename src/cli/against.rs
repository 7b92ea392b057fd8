//! `corpack verify --against`: prints whether a bundle is what its
//! collection makes.

use std::num::NonZeroUsize;
use std::path::Path;

use anyhow::Context;

use super::args::VerifyArgs;
use super::progress::Bar;
use super::{Outcome, print_json, print_text};
use corpack::error::shown;
use corpack::rebuild::AgainstOptions;

/// Rebuilds the bundle `args.bag` from `collection` and compares.
pub fn verify_against(args: &VerifyArgs, collection: &Path) -> anyhow::Result<Outcome> {
    let options = AgainstOptions {
        sources: args.sources.clone(),
        allow: args.allow.clone(),
        threads: args
            .threads
            .map_or_else(rayon::current_num_threads, NonZeroUsize::get),
    };
    let bar = Bar::new("rebuilding", args.common.quiet || args.common.json);
    let report = corpack::rebuild::verify_against(collection, &args.bag, &options, &bar);
    bar.finish();
    let report = report.with_context(|| {
        format!(
            "cannot rebuild {} from {}",
            shown(&args.bag),
            shown(collection)
        )
    })?;
    if args.common.json {
        print_json(&report)?;
    } else if let Some(difference) = &report.difference {
        print_text(&format!(
            "differs: {} is not what {} makes: {}\n",
            shown(&report.bundle),
            shown(&report.collection),
            difference.message
        ))?;
    } else {
        print_text(&format!(
            "identical: {} is byte for byte what {} makes ({} bytes)\n",
            shown(&report.bundle),
            shown(&report.collection),
            report.bundle_size
        ))?;
    }
    Ok(Outcome::from_valid(report.identical))
}
