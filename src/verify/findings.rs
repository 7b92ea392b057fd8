//! The findings of one verify, capped per code: a hostile bag with millions
//! of bad lines gets a report of bounded size, not one as large as itself.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::bundle::reader::BagStore;
use crate::finding::{Code, Finding, Severity};

/// How many findings of one code are listed; the rest are counted in one
/// closing finding of that code.
pub const MAX_PER_CODE: usize = 1000;

/// The severity of breaking a rule RFC 8493 sets: an error in a bag that
/// follows it (BagIt 1.0, `rfc`), a warning in a bag of an earlier draft,
/// which may not have had the rule.
pub fn rfc_rule(rfc: bool) -> Severity {
    if rfc {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// Findings as they are found.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    listed: HashMap<Code, usize>,
    /// Findings not listed, by code: how many errors and how many
    /// warnings.
    unlisted: BTreeMap<Code, Counts>,
    /// The paths of the [`UNREADABLE`] findings listed.
    unreadable: HashSet<String>,
}

/// The files the store found and does not read (a link, a FIFO, a name it
/// cannot use), each with an error of the store's own: the code of that
/// error, and the file's path in the bag.
pub fn unread_files(store: &dyn BagStore) -> impl Iterator<Item = (Code, &str)> {
    (store.findings().iter())
        .filter(|finding| finding.severity == Severity::Error)
        .filter_map(|finding| Some((finding.code, store.bag_path_of(&finding.path)?)))
}

/// The codes that say a file's bytes could not be read. A file is read
/// more than once (a tag file as such, then for its checksums): one of
/// them for a path is enough.
const UNREADABLE: [Code; 5] = [
    Code::ZipEntryCorrupt,
    Code::ZipEntryUnsupported,
    Code::ZipEntryEncrypted,
    Code::ZipBomb,
    Code::FileUnreadable,
];

/// How many findings are errors and how many warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// The errors.
    pub errors: u64,
    /// The warnings.
    pub warnings: u64,
}

impl Counts {
    /// Counts one finding of `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// The counts of `findings`.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut counts = Counts::default();
        findings.iter().for_each(|f| counts.add(f.severity));
        counts
    }
}

impl Findings {
    /// Records a finding.
    pub fn push(&mut self, finding: Finding) {
        if UNREADABLE.contains(&finding.code) {
            if self.unreadable.contains(&finding.path) {
                return;
            }
            // Only the listed are remembered, so that a hostile bag's
            // million unreadable entries cost a count each.
            if self.listed.get(&finding.code).copied().unwrap_or(0) < MAX_PER_CODE {
                self.unreadable.insert(finding.path.clone());
            }
        }
        self.push_with(finding.severity, finding.code, || finding);
    }

    /// Records a finding of `severity` and `code`, made by `make` only if
    /// it is to be listed: a million more of one code cost a count.
    pub fn push_with(&mut self, severity: Severity, code: Code, make: impl FnOnce() -> Finding) {
        let listed = self.listed.entry(code).or_default();
        if *listed < MAX_PER_CODE {
            *listed += 1;
            self.list.push(make());
            return;
        }
        self.unlisted.entry(code).or_default().add(severity);
    }

    /// How many findings, listed or not, are errors and warnings.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::of(&self.list);
        for unlisted in self.unlisted.values() {
            counts.errors += unlisted.errors;
            counts.warnings += unlisted.warnings;
        }
        counts
    }

    /// Every listed finding in the order found, then one per code that
    /// had more than [`MAX_PER_CODE`], saying how many were left out.
    pub fn into_vec(self) -> Vec<Finding> {
        let mut list = self.list;
        for (code, unlisted) in self.unlisted {
            let count = unlisted.errors + unlisted.warnings;
            let severity = if unlisted.errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            list.push(Finding {
                severity,
                code,
                path: String::new(),
                message: format!(
                    "{count} more findings with this code are not listed (at most {MAX_PER_CODE} are)"
                ),
            });
        }
        list
    }
}

impl Extend<Finding> for Findings {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, findings: I) {
        for finding in findings {
            self.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_bounded_number_per_code_and_counts_the_rest() {
        let mut findings = Findings::default();
        for i in 0..MAX_PER_CODE + 5 {
            findings.push(Finding::warning(Code::SystemFile, format!("data/{i}"), "w"));
        }
        findings.push(Finding::error(Code::PayloadFileMissing, "data/x", "e"));
        assert!(findings.counts().errors > 0);
        let list = findings.into_vec();
        assert_eq!(list.len(), MAX_PER_CODE + 2);
        let last = list.last().unwrap();
        assert_eq!(
            (last.code, last.severity),
            (Code::SystemFile, Severity::Warning)
        );
        assert!(last.message.starts_with("5 more"), "{}", last.message);
    }

    #[test]
    fn a_file_that_cannot_be_read_is_said_once() {
        let mut findings = Findings::default();
        findings.push(Finding::error(Code::ZipEntryCorrupt, "bag-info.txt", "crc"));
        findings.push(Finding::error(Code::ZipEntryCorrupt, "bag-info.txt", "crc"));
        findings.push(Finding::error(Code::FileUnreadable, "bag-info.txt", "see"));
        findings.push(Finding::error(Code::FileUnreadable, "data/a", "gone"));
        findings.push(Finding::error(Code::PayloadFileMissing, "data/a", "e"));
        findings.push(Finding::error(Code::PayloadFileMissing, "data/a", "e"));
        let listed: Vec<(Code, &str)> = (findings.list.iter())
            .map(|f| (f.code, f.path.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                (Code::ZipEntryCorrupt, "bag-info.txt"),
                (Code::FileUnreadable, "data/a"),
                (Code::PayloadFileMissing, "data/a"),
                (Code::PayloadFileMissing, "data/a"),
            ]
        );
    }

    #[test]
    fn an_unlisted_error_still_makes_the_bag_invalid() {
        let mut findings = Findings::default();
        for _ in 0..MAX_PER_CODE {
            findings.push(Finding::warning(
                Code::ManifestDuplicateEntry,
                "data/a",
                "w",
            ));
        }
        assert_eq!(findings.counts().errors, 0);
        findings.push(Finding::error(Code::ManifestDuplicateEntry, "data/a", "e"));
        assert!(findings.counts().errors > 0);
        findings.push(Finding::warning(
            Code::ManifestDuplicateEntry,
            "data/a",
            "w",
        ));
        // The left out are counted whatever their severity, not as one.
        assert_eq!(
            findings.counts(),
            Counts {
                errors: 1,
                warnings: MAX_PER_CODE as u64 + 1
            }
        );
        assert_eq!(
            findings.into_vec().last().unwrap().severity,
            Severity::Error
        );
    }
}
