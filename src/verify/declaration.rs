//! Reading the bag declaration (`bagit.txt`), `bag-info.txt` and
//! `Payload-Oxum` from a bag.

use std::io::Read;

use super::fetch::FetchedLater;
use super::findings::{Findings, rfc_rule, unread_files};
use crate::bagit::StatedOxum;
use crate::bagit::declaration::{self, BAGIT_TXT_LIMIT, Declaration, DeclarationError};
use crate::bagit::tagfile::TagFile;
use crate::bagit::text::{Lines, MAX_LINE_BYTES, TextEncoding, TextError};
use crate::bundle::reader::{BagStore, InPayload, read_error_finding};
use crate::collection::values::IsoDate;
use crate::finding::{Code, Finding, Severity};
use crate::ocfl::{ANY_DECLARATION_PREFIX, DECLARATION_PREFIX};

/// The most of `bag-info.txt` that is read.
const BAG_INFO_LIMIT: usize = 16 << 20;

/// Reads and checks `bagit.txt` (RFC 8493 §2.1.1): UTF-8 without a
/// byte-order mark, exactly the two lines `BagIt-Version: M.N` and
/// `Tag-File-Character-Encoding: ENCODING`, in that order. `None` if it is
/// absent or unusable, or declares a version or an encoding corpack cannot
/// read, in which case nothing else can be judged.
pub fn read(store: &dyn BagStore, findings: &mut Findings) -> Option<Declaration> {
    const PATH: &str = "bagit.txt";
    if !store.contains(PATH) {
        // A bag one directory down is the likeliest slip: the shallowest
        // bagit.txt is named, but for one in the payload of what looks
        // like a bag that lost its own (it has tag files at its root).
        let looks_like_bag = (store.files().paths())
            .filter(|path| !path.contains('/'))
            .any(|name| {
                name.starts_with("manifest-")
                    || name.starts_with("tagmanifest-")
                    || matches!(name, "bag-info.txt" | "fetch.txt")
            });
        let deeper = (store.files().paths())
            .filter(|path| path.ends_with("/bagit.txt"))
            .filter(|path| !(looks_like_bag && path.starts_with("data/")))
            .min_by_key(|path| path.matches('/').count());
        // A link or FIFO of that name is there, never read.
        let not_read = unread_files(store).any(|(_, path)| path == PATH);
        // An OCFL object or storage root zipped: its declaration at the root.
        let ocfl = (store.files().paths())
            .filter(|path| path.starts_with(ANY_DECLARATION_PREFIX) && !path.contains('/'))
            .min();
        let message = match (store.no_bag_directory(), deeper) {
            _ if not_read => "the bag has no bagit.txt that can be read: the one it has is not \
                              a regular file, never read, as its own finding says"
                .to_string(),
            (Some(message), _) => message.to_string(),
            (None, _) if store.contains(crate::collection::COLLECTION_FILE) => {
                "the bag has no bagit.txt: this is a collection (it holds collection.toml), \
                 which `corpack check` checks and `corpack pack` makes a bundle of"
                    .to_string()
            }
            (None, _) if let Some(declaration) = ocfl => ocfl_zipped(declaration),
            (None, Some(deeper)) => format!(
                "the bag has no bagit.txt at its root, but holds {deeper:?}: is the bag that \
                 file's directory?"
            ),
            (None, None) => "the bag has no bagit.txt".to_string(),
        };
        findings.push(Finding::error(Code::BagitTxtMissing, PATH, message));
        return None;
    }
    let mut bytes = Vec::new();
    let read = store.read_with(PATH, &mut |reader| {
        reader
            .take(BAGIT_TXT_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map(drop)
    });
    if let Err(error) = read {
        findings.push(read_error_finding(PATH, &error));
        return None;
    }
    match declaration::parse(&bytes) {
        Ok(declaration) => {
            let label = &declaration.encoding_label;
            if TextEncoding::for_registered_label(label).is_none() {
                findings.push(Finding::warning(
                    Code::EncodingLabelUnregistered,
                    PATH,
                    format!(
                        "Tag-File-Character-Encoding {label:?} is not a name IANA registers \
                         for a character set (RFC 8493 §2.1.1): the tag files are read in {}, \
                         the encoding Python's codecs find by it, as bagit-python reads them",
                        declaration.encoding.name()
                    ),
                ));
            }
            Some(declaration)
        }
        Err(error) => {
            let code = match error {
                DeclarationError::EncodingUnsupported(_) => Code::EncodingUnsupported,
                DeclarationError::VersionUnsupported(_) => Code::BagitVersionUnsupported,
                _ => Code::BagitTxtInvalid,
            };
            findings.push(Finding::error(code, PATH, error.to_string()));
            None
        }
    }
}

/// What a bag without `bagit.txt` that holds the OCFL declaration
/// `declaration` at its root is: an OCFL object or storage root in a zip,
/// which `verify` judges only as a directory (OCFL 1.1 defines no zipped
/// form), and what to verify instead.
fn ocfl_zipped(declaration: &str) -> String {
    if declaration.starts_with(DECLARATION_PREFIX) {
        format!(
            "the bag has no bagit.txt: this is an OCFL object (it holds {declaration}), which \
             `corpack verify` validates as a directory: unzip it and verify the directory"
        )
    } else {
        format!(
            "the bag has no bagit.txt: this is an OCFL storage root (it holds {declaration}), \
             which corpack does not validate: unzip it and verify its objects one at a time, \
             and the root with an OCFL validator (ocfl-py's `ocfl-validate.py`)"
        )
    }
}

/// A bag's `bag-info.txt`, or `package-info.txt`, read.
pub struct BagInfo {
    /// Which of the two the bag has, for findings about it.
    pub path: &'static str,
    pub tags: TagFile,
}

/// Which file of the bag holds its bag-info elements: `bag-info.txt`, or
/// before 0.96 `package-info.txt`, its name then, where a `bag-info.txt`
/// beside it is only another tag file; `None` if it has neither (both are
/// optional).
pub fn bag_info_path(store: &dyn BagStore, declaration: &Declaration) -> Option<&'static str> {
    (bag_info_names(declaration).iter().copied()).find(|name| store.contains(name))
}

/// The names the file of bag-info elements may have in a bag of this
/// version, in order of precedence.
fn bag_info_names(declaration: &Declaration) -> &'static [&'static str] {
    if declaration.version < (0, 96) {
        &["package-info.txt", "bag-info.txt"]
    } else {
        &["bag-info.txt"]
    }
}

/// Reads `bag-info.txt` (or `package-info.txt`, its name before 0.96), if
/// present: both are optional.
pub fn read_bag_info(
    store: &dyn BagStore,
    declaration: &Declaration,
    findings: &mut Findings,
) -> Option<BagInfo> {
    let Some(path) = bag_info_path(store, declaration) else {
        let names = bag_info_names(declaration).iter();
        for name in names.filter(|name| store.is_dir(name)) {
            findings.push(directory_for_tag_file(name));
        }
        return None;
    };
    let mut tags = TagFile::default();
    let mut problem = None;
    // Elements are independent: a bad one is an error, and the others are
    // still read (a Payload-Oxum after it is checked).
    let mut bad_elements = Vec::new();
    let mut began_with_bom = false;
    // Text in another encoding than declared reads as nonsense: say which.
    let read_as = match declaration.encoding == TextEncoding::UTF_8 {
        true => String::new(),
        false => format!(
            " (read as {}, the encoding bagit.txt declares)",
            declaration.encoding.name()
        ),
    };
    let read = store.read_with(path, &mut |reader| {
        let mut total = 0;
        let mut in_bad_element = false;
        let mut lines = Lines::new(reader, declaration.encoding, MAX_LINE_BYTES);
        for line in &mut lines {
            let (number, line) = match line {
                Ok(line) => line,
                Err(TextError::Io(error)) => return Err(error),
                Err(error) => {
                    problem = Some(error.to_string());
                    break;
                }
            };
            total += line.len();
            if total > BAG_INFO_LIMIT {
                problem = Some(format!(
                    "is longer than {BAG_INFO_LIMIT} bytes; the rest is not read"
                ));
                break;
            }
            // Its continuation lines are the bad element's.
            let continues = line.starts_with([' ', '\t']) && !line.trim().is_empty();
            if in_bad_element && continues {
                continue;
            }
            in_bad_element = false;
            if let Err(message) = tags.push_line(&line, declaration.is_rfc()) {
                bad_elements.push(format!("line {number}: {message}{read_as}"));
                in_bad_element = true;
            }
        }
        began_with_bom = lines.began_with_utf8_bom();
        Ok(())
    });
    if began_with_bom {
        findings.push(byte_order_mark(path, rfc_rule(declaration.is_rfc())));
    }
    if let Err(error) = read {
        findings.push(read_error_finding(path, &error));
        return None;
    }
    for message in bad_elements {
        findings.push(Finding::error(Code::BagInfoInvalid, path, message));
    }
    if let Some(message) = problem {
        findings.push(Finding::error(Code::BagInfoInvalid, path, message));
        return None;
    }
    check_repeated(path, &tags, findings);
    check_forms(path, &tags, findings);
    Some(BagInfo { path, tags })
}

/// Warns of each `Bagging-Date` and `Bag-Count` of `tags`, read from
/// `path`, not in the form RFC 8493 §2.2.2 gives it: a date `YYYY-MM-DD`,
/// and `N of T`, the bag's number in its group and their total, or `?`
/// when it is not known. The RFC gives the forms without a MUST, so each
/// is a warning in any version (the drafts gave them too).
fn check_forms(path: &str, tags: &TagFile, findings: &mut Findings) {
    let malformed = |message: String| {
        Finding::warning(
            Code::BagInfoValueMalformed,
            path,
            format!("{message} (RFC 8493 §2.2.2)"),
        )
    };
    for date in tags.get_all("Bagging-Date") {
        if let Err(error) = date.parse::<IsoDate>() {
            findings.push(malformed(format!("Bagging-Date: {error}")));
        }
    }
    for count in tags.get_all("Bag-Count") {
        if let Err(why) = check_bag_count(count) {
            findings.push(malformed(format!("Bag-Count is {count:?}, {why}")));
        }
    }
}

/// Whether `count` is `N of T` (RFC 8493 §2.2.2: "1 of 2", "3 of ?"):
/// `Err` says why not.
fn check_bag_count(count: &str) -> Result<(), &'static str> {
    // A number without its leading zeros, compared by its length then its
    // digits: no count is too long to compare.
    fn number(text: &str) -> Option<&str> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.trim_start_matches('0'))
    }
    let not_the_form = "not \"N of T\", the bag's number in its group and their total, or ? \
                        when it is not known";
    let [n, "of", t] = count.split_whitespace().collect::<Vec<_>>()[..] else {
        return Err(not_the_form);
    };
    let Some(n) = number(n) else {
        return Err(not_the_form);
    };
    if n.is_empty() {
        return Err("where bags are numbered from 1");
    }
    if t == "?" {
        return Ok(());
    }
    match number(t) {
        None => Err(not_the_form),
        Some(t) if (n.len(), n) > (t.len(), t) => Err("a number past the group's total"),
        Some(_) => Ok(()),
    }
}

/// The reserved elements of which RFC 8493 §2.2.2 says "This metadata
/// element SHOULD NOT be repeated". Payload-Oxum, which "MUST NOT be
/// present more than once", is [`check_oxum`]'s.
const NOT_REPEATED: [&str; 4] = [
    "Bagging-Date",
    "Bag-Size",
    "Bag-Group-Identifier",
    "Bag-Count",
];

/// Warns of each element of [`NOT_REPEATED`] that `tags`, read from
/// `path`, gives more than once: a SHOULD NOT, a warning in any version.
fn check_repeated(path: &str, tags: &TagFile, findings: &mut Findings) {
    for label in NOT_REPEATED {
        let values: Vec<&str> = tags.get_all(label).collect();
        if let Some((_, given)) = repetition(label, &values) {
            findings.push(Finding::warning(
                Code::BagInfoRepeated,
                path,
                format!("{given}; it should be given at most once"),
            ));
        }
    }
}

/// For `label` given `values`, if more than one: how many different values
/// there are, and "`label` is given N times, each time …" (or "with K
/// different values").
fn repetition(label: &str, values: &[&str]) -> Option<(usize, String)> {
    if values.len() < 2 {
        return None;
    }
    let mut distinct = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let how = match distinct.as_slice() {
        [one] => format!("each time {one:?}"),
        _ => format!("with {} different values", distinct.len()),
    };
    let given = format!("{label} is given {} times, {how}", values.len());
    Some((distinct.len(), given))
}

/// The finding for a directory that has the name of the tag file `name`
/// (`bag-info.txt`, `fetch.txt`, a manifest's): RFC 8493 lets a bag hold
/// tag directories of any name, so the bag is read as having no such
/// file, which is surely not what its maker meant.
pub fn directory_for_tag_file(name: &str) -> Finding {
    Finding::warning(
        Code::NotRegularFile,
        name,
        "a directory, where a bag has its tag file of this name; it is not read as one, and the \
         bag is read as having none",
    )
}

/// The finding for a tag file `path` that begins with a UTF-8 byte-order
/// mark, which its reading dropped. RFC 8493 forbids the mark in
/// `bagit.txt` (§2.1.1) and, "when "bagit.txt" specifies UTF-8", in the
/// other tag files (§2.3). Verify judges it by the bag's version
/// ([`rfc_rule`]); import, which judges no bag, warns of it.
pub fn byte_order_mark(path: &str, severity: Severity) -> Finding {
    Finding {
        severity,
        code: Code::ByteOrderMark,
        path: path.into(),
        message: "begins with a byte-order mark, which RFC 8493 forbids in a tag file in UTF-8; \
                  it is read without the mark"
            .into(),
    }
}

/// Compares `Payload-Oxum`, when given, with the payload. The label is
/// found whatever its case, as RFC 8493 §2.2.2 asks of reserved labels.
/// It "MUST NOT be present more than once" (§2.2.2). RFC 8493 is BagIt
/// 1.0: in a bag of an earlier draft, one value given again, which leaves
/// no doubt, is a warning, as a manifest entry listed again with the same
/// checksum is.
pub fn check_oxum(
    store: &dyn BagStore,
    bag_info: Option<&BagInfo>,
    rfc: bool,
    fetched_later: FetchedLater,
    findings: &mut Findings,
) {
    let Some(BagInfo { path, tags }) = bag_info else {
        return;
    };
    let values: Vec<&str> = tags.get_all("Payload-Oxum").collect();
    let Some(&first) = values.first() else {
        return;
    };
    let invalid = |severity, message| Finding {
        severity,
        code: Code::PayloadOxumInvalid,
        path: path.to_string(),
        message,
    };
    if let Some((distinct, given)) = repetition("Payload-Oxum", &values) {
        let severity = if distinct == 1 {
            rfc_rule(rfc)
        } else {
            Severity::Error
        };
        findings.push(invalid(
            severity,
            format!("{given}; it must be given at most once"),
        ));
        if distinct > 1 {
            return;
        }
    }
    let stated = match first.parse::<StatedOxum>() {
        Ok(oxum) => oxum,
        Err(message) => {
            findings.push(invalid(Severity::Error, message));
            return;
        }
    };
    // The payload is the files listed under data/ and those left out for
    // their names (their findings say why), whose sizes are known: those
    // surely under data/ count, those whose names may be read as under
    // data/ may count.
    let mut least = PayloadTally::default();
    for file in store.files().iter().filter(|f| f.path.starts_with("data/")) {
        least.add(file.size);
    }
    let mut unusable = 0;
    let mut perhaps = Vec::new();
    for file in store.unusable_files() {
        match file.in_payload {
            InPayload::Yes => {
                least.add(file.size);
                unusable += 1;
            }
            InPayload::Perhaps => {
                perhaps.push(file.size);
                unusable += 1;
            }
            InPayload::No => {}
        }
    }
    perhaps.sort_unstable();
    let mut most = least;
    for &size in &perhaps {
        most.add(size);
    }
    // The declared count says how many of the files perhaps in the payload
    // are; their octets then lie between those of as many of the smallest
    // and of the largest: a bound (exact when one file is perhaps payload),
    // so an Oxum some choice makes right is never called wrong. A stated
    // count larger than a u64 holds is matched by no payload: only a
    // hostile zip's declared sizes add up to more octets.
    let declared = stated.counts();
    let octets = |sizes: &[u64]| sizes.iter().map(|&size| u128::from(size)).sum::<u128>();
    let possible = declared.is_some_and(|declared| {
        (declared.files.checked_sub(least.files))
            .and_then(|chosen| usize::try_from(chosen).ok())
            .filter(|&chosen| chosen <= perhaps.len())
            .is_some_and(|chosen| {
                let smallest = least.octets + octets(&perhaps[..chosen]);
                let largest = least.octets + octets(&perhaps[perhaps.len() - chosen..]);
                (smallest..=largest).contains(&u128::from(declared.octets))
            })
    });
    // Links and other files that are not regular ones in the payload (each
    // an error of its own, `data` itself included) are never read: a link
    // may stand for a file or a directory of any size, which a maker that
    // followed links counted. With some, an Oxum is wrong only if a count
    // is below what the files read hold: links to directories followed
    // over and over (`data/a` and `data/b` both to `data`) make paths
    // without end, so even a count too large to hold may be a payload's.
    let unread = unread_files(store)
        .filter(|(code, path)| {
            *code == Code::NotRegularFile && (*path == "data" || path.starts_with("data/"))
        })
        .count();
    let octets_below = stated.octets.is_some_and(|o| u128::from(o) < least.octets);
    let files_below = stated.files.is_some_and(|files| files < least.files);
    let possible_with_unread = unread > 0 && !octets_below && !files_below;
    if !possible && !possible_with_unread {
        let actual = if perhaps.is_empty() {
            least.to_string()
        } else {
            format!("from {least} to {most}")
        };
        let mut counted = match (unusable, perhaps.len()) {
            (0, _) => String::new(),
            (_, 0) => format!(", counting the files whose names cannot be used ({unusable})"),
            (_, perhaps) => format!(
                ", counting the files whose names cannot be used ({unusable}, {perhaps} of them \
                 perhaps not payload)"
            ),
        };
        if unread > 0 {
            let below = match (octets_below, files_below) {
                (true, true) => "its octet and file counts are each",
                (true, false) => "its octet count is",
                _ => "its file count is",
            };
            counted.push_str(&format!(
                ", besides {unread} link(s) or other files that are not regular, which may \
                 stand for any number of files of any size; {below} below what the files read \
                 hold"
            ));
        }
        // A holey bag: the files still to fetch may be the difference.
        let to_fetch = match fetched_later {
            FetchedLater { files: 0, .. } => String::new(),
            FetchedLater { files, octets } => {
                let whole = octets.map(|octets| PayloadTally {
                    octets: least.octets + octets,
                    files: least.files + files,
                });
                match whole.zip(declared) {
                    Some((whole, declared))
                        if whole.octets == u128::from(declared.octets)
                            && whole.files == declared.files =>
                    {
                        format!(
                            "; with the {files} file(s) fetch.txt lists and the bag lacks it is \
                         {whole}: the bag is incomplete, not its Payload-Oxum wrong"
                        )
                    }
                    _ => format!("; fetch.txt lists {files} file(s) the bag lacks"),
                }
            }
        };
        let too_large = match (stated.octets, stated.files) {
            (Some(_), Some(_)) => None,
            (None, Some(_)) => Some("its octet count is"),
            (Some(_), None) => Some("its file count is"),
            (None, None) => Some("its octet and file counts are each"),
        };
        // With links, a count too large to hold is not what is wrong.
        let too_large = too_large.filter(|_| unread == 0);
        let too_large = too_large.map_or_else(String::new, |counts| {
            format!(
                "; {counts} larger than any count corpack can hold ({})",
                u64::MAX
            )
        });
        findings.push(Finding::error(
            Code::PayloadOxumMismatch,
            *path,
            format!(
                "Payload-Oxum is {first} (octets.files) but the payload has \
                 {actual}{counted}{to_fetch}{too_large}"
            ),
        ));
    }
}

/// The octets and files of a payload as counted, exact: the sizes of a
/// zip's entries are what its central directory declares, and a hostile
/// one can declare sizes whose sum no `u64` holds.
#[derive(Clone, Copy, Default)]
struct PayloadTally {
    octets: u128,
    files: u64,
}

impl PayloadTally {
    fn add(&mut self, size: u64) {
        self.octets += u128::from(size);
        self.files += 1;
    }
}

impl std::fmt::Display for PayloadTally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.octets, self.files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::testutil::Memory;

    /// `(severity, code, message)` of what `check_oxum` finds for a
    /// `bag-info.txt` giving `values`, in a bag of 6 bytes in one file.
    fn oxum_findings(values: &[&str], rfc: bool) -> Vec<(Severity, Code, String)> {
        oxum_findings_in(&Memory::new(&[("data/a", b"hello\n")]), values, rfc)
    }

    /// What `check_oxum` finds, as [`oxum_findings`], in `store`.
    fn oxum_findings_in(
        store: &Memory,
        values: &[&str],
        rfc: bool,
    ) -> Vec<(Severity, Code, String)> {
        let mut tags = TagFile::default();
        for value in values {
            tags.push("Payload-Oxum", value);
        }
        let bag_info = BagInfo {
            path: "bag-info.txt",
            tags,
        };
        let mut findings = Findings::default();
        check_oxum(
            store,
            Some(&bag_info),
            rfc,
            FetchedLater::default(),
            &mut findings,
        );
        (findings.into_vec().into_iter())
            .map(|f| (f.severity, f.code, f.message))
            .collect()
    }

    #[test]
    fn a_byte_order_mark_starting_bag_info_is_found_and_skipped() {
        let store = Memory::new(&[("bag-info.txt", b"\xEF\xBB\xBFPayload-Oxum: 6.1\n")]);
        for (version, severity) in [("1.0", Severity::Error), ("0.97", Severity::Warning)] {
            let bagit_txt = format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8");
            let declaration = declaration::parse(bagit_txt.as_bytes()).unwrap();
            let mut findings = Findings::default();
            let bag_info = read_bag_info(&store, &declaration, &mut findings).unwrap();
            assert_eq!(bag_info.tags.get("Payload-Oxum"), Some("6.1"));
            let found: Vec<_> = (findings.into_vec().into_iter())
                .map(|f| (f.severity, f.code, f.path))
                .collect();
            assert_eq!(
                found,
                [(severity, Code::ByteOrderMark, "bag-info.txt".to_string())]
            );
        }
    }

    /// `(severity, code, path, message)` of each finding reading
    /// `bag_info` gives in a bag of BagIt `version`.
    fn bag_info_findings(bag_info: &str, version: &str) -> Vec<(Severity, Code, String, String)> {
        let store = Memory::new(&[("bag-info.txt", bag_info.as_bytes())]);
        let bagit_txt = format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8");
        let declaration = declaration::parse(bagit_txt.as_bytes()).unwrap();
        let mut findings = Findings::default();
        read_bag_info(&store, &declaration, &mut findings).unwrap();
        (findings.into_vec().into_iter())
            .map(|f| (f.severity, f.code, f.path, f.message))
            .collect()
    }

    #[test]
    fn reserved_elements_that_should_not_repeat_are_warned_of() {
        let bag_info = "Bagging-Date: 2024-01-01\nbagging-date: 2024-01-02\nBag-Size: 1 KB\n\
                        BAG-SIZE: 1 KB\nBag-Count: 1 of 2\nBag-Group-Identifier: g\n\
                        Contact-Name: A\nContact-Name: B\n";
        for version in ["1.0", "0.97"] {
            let found = bag_info_findings(bag_info, version);
            let warning = |message: &str| {
                (
                    Severity::Warning,
                    Code::BagInfoRepeated,
                    "bag-info.txt".to_string(),
                    message.to_string(),
                )
            };
            assert_eq!(
                found,
                [
                    warning(
                        "Bagging-Date is given 2 times, with 2 different values; it should be \
                         given at most once"
                    ),
                    warning(
                        "Bag-Size is given 2 times, each time \"1 KB\"; it should be given at \
                         most once"
                    ),
                ]
            );
        }
    }

    #[test]
    fn bagging_date_and_bag_count_not_in_their_forms_are_warned_of() {
        let bag_info = "Bagging-Date: 2024-01-05\nBagging-Date: 15/01/2008\n\
                        bagging-date: 2023-02-29\nBag-Count: 1 of 2\nBag-Count: 3 of ?\n\
                        Bag-Count: 089  of 145\nBag-Count: 1/2\nBag-Count: 0 of 2\n\
                        BAG-COUNT: 3 of 2\nBag-Count: 1 of\nBag-Count: 1 OF 2\n\
                        Bag-Count: 99999999999999999999999 of 100000000000000000000000\n\
                        Bag-Count: 100000000000000000000000 of 99999999999999999999999\n";
        for version in ["1.0", "0.97"] {
            let found: Vec<_> = (bag_info_findings(bag_info, version).into_iter())
                .filter(|(_, code, _, _)| *code != Code::BagInfoRepeated)
                .collect();
            let warning = |message: &str| {
                (
                    Severity::Warning,
                    Code::BagInfoValueMalformed,
                    "bag-info.txt".to_string(),
                    format!("{message} (RFC 8493 §2.2.2)"),
                )
            };
            let not_the_form = "not \"N of T\", the bag's number in its group and their total, \
                                or ? when it is not known";
            assert_eq!(
                found,
                [
                    warning(
                        "Bagging-Date: invalid date \"15/01/2008\": expected a calendar date \
                         YYYY-MM-DD"
                    ),
                    warning(
                        "Bagging-Date: invalid date \"2023-02-29\": no such day (a month is 01 \
                         to 12, a day 01 to the month's last)"
                    ),
                    warning(&format!("Bag-Count is \"1/2\", {not_the_form}")),
                    warning("Bag-Count is \"0 of 2\", where bags are numbered from 1"),
                    warning("Bag-Count is \"3 of 2\", a number past the group's total"),
                    warning(&format!("Bag-Count is \"1 of\", {not_the_form}")),
                    warning(&format!("Bag-Count is \"1 OF 2\", {not_the_form}")),
                    warning(
                        "Bag-Count is \"100000000000000000000000 of 99999999999999999999999\", \
                         a number past the group's total"
                    ),
                ]
            );
        }
    }

    #[test]
    fn payload_oxum_is_given_at_most_once() {
        let given_twice =
            "Payload-Oxum is given 2 times, each time \"6.1\"; it must be given at most once";
        assert_eq!(
            oxum_findings(&["6.1", "6.1"], true),
            [(
                Severity::Error,
                Code::PayloadOxumInvalid,
                given_twice.into()
            )]
        );
        assert_eq!(
            oxum_findings(&["6.1", "6.1"], false),
            [(
                Severity::Warning,
                Code::PayloadOxumInvalid,
                given_twice.into()
            )]
        );
        let twice_wrong = oxum_findings(&["7.1", "7.1"], true);
        assert_eq!(twice_wrong[1].1, Code::PayloadOxumMismatch);
        for rfc in [true, false] {
            assert_eq!(
                oxum_findings(&["6.1", "7.1", "6.1"], rfc),
                [(
                    Severity::Error,
                    Code::PayloadOxumInvalid,
                    "Payload-Oxum is given 3 times, with 2 different values; it must be given \
                     at most once"
                        .into()
                )]
            );
        }
        assert!(oxum_findings(&["6.1"], true).is_empty());
        assert!(oxum_findings(&[], true).is_empty());
    }

    #[test]
    fn files_left_out_for_their_names_count_in_payload_oxum_surely_or_perhaps() {
        use crate::bundle::reader::UnusableFile;

        let unusable = |size, in_payload| UnusableFile { size, in_payload };
        let store = Memory::new(&[("data/a", b"hello\n")]).with_unusable(&[
            unusable(4, InPayload::Yes),
            unusable(10, InPayload::Perhaps),
            unusable(100, InPayload::No),
        ]);
        let mismatch = |oxum: &str| {
            let findings = oxum_findings_in(&store, &[oxum], true);
            assert!(findings.iter().all(|f| f.1 == Code::PayloadOxumMismatch));
            findings.first().map(|f| f.2.clone())
        };
        // 10.2 without the file that is perhaps payload, 20.3 with it:
        // nothing in between, whose count is of one and octets of the other.
        for possible in ["10.2", "20.3"] {
            assert_eq!(mismatch(possible), None, "{possible}");
        }
        for impossible in [
            "6.1", "9.2", "10.1", "21.3", "10.4", "110.3", "15.2", "10.3",
        ] {
            assert!(mismatch(impossible).is_some(), "{impossible}");
        }
        assert_eq!(
            mismatch("9.2").unwrap(),
            "Payload-Oxum is 9.2 (octets.files) but the payload has from 10.2 to 20.3, counting \
             the files whose names cannot be used (2, 1 of them perhaps not payload)"
        );
    }

    /// RFC 8493 §2.2.2 bounds neither count: one larger than a `u64`
    /// holds is well formed, and matched by no payload.
    #[test]
    fn a_payload_oxum_count_too_large_to_hold_is_a_mismatch() {
        let past = "18446744073709551616";
        let huge = "9".repeat(60);
        let mismatch = |oxum: &str, counts: &str| {
            vec![(
                Severity::Error,
                Code::PayloadOxumMismatch,
                format!(
                    "Payload-Oxum is {oxum} (octets.files) but the payload has 6.1; {counts} \
                     larger than any count corpack can hold (18446744073709551615)"
                ),
            )]
        };
        for (oxum, counts) in [
            (format!("{past}.1"), "its octet count is"),
            (format!("6.{past}"), "its file count is"),
            (
                format!("{huge}.{huge}"),
                "its octet and file counts are each",
            ),
        ] {
            assert_eq!(oxum_findings(&[&oxum], true), mismatch(&oxum, counts));
        }
        // The largest count corpack holds is compared as any other.
        let max = format!("{}.1", u64::MAX);
        assert_eq!(
            oxum_findings(&[&max], true),
            [(
                Severity::Error,
                Code::PayloadOxumMismatch,
                format!("Payload-Oxum is {max} (octets.files) but the payload has 6.1")
            )]
        );
        assert!(oxum_findings(&["0006.01"], true).is_empty());
    }

    #[test]
    fn payload_oxum_findings_name_the_file_the_bag_has() {
        let bagit_txt = b"BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-8";
        let declaration = declaration::parse(bagit_txt).unwrap();
        for (oxum, code) in [
            ("7.1", Code::PayloadOxumMismatch),
            ("x", Code::PayloadOxumInvalid),
        ] {
            let package_info = format!("Payload-Oxum: {oxum}\n");
            let store = Memory::new(&[
                ("package-info.txt", package_info.as_bytes()),
                ("data/a", b"hello\n"),
            ]);
            let mut findings = Findings::default();
            let bag_info = read_bag_info(&store, &declaration, &mut findings);
            check_oxum(
                &store,
                bag_info.as_ref(),
                false,
                FetchedLater::default(),
                &mut findings,
            );
            let found: Vec<_> = (findings.into_vec().into_iter())
                .map(|f| (f.code, f.path))
                .collect();
            assert_eq!(found, [(code, "package-info.txt".to_string())]);
        }
    }
}
