//! RFC 8493's requirements that the conformance suite does not test, one
//! rule at a time, on small bags built here: a valid bag is spoiled in one
//! way and `corpack verify` must name that way.

use std::fs;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use corpack::bagit::manifest::encode_path;
use corpack::digest::{Algorithm, MultiHasher};

use crate::conformance::{Verdict, verify_json, zip_directory};
use crate::util::Dir;

/// The payload of the sample bags.
const PAYLOAD: [(&str, &str); 2] = [("data/a.txt", "alpha\n"), ("data/sub/b.txt", "beta\n")];

/// The hex digest of `bytes`.
fn digest(algorithm: Algorithm, bytes: &[u8]) -> String {
    let mut hasher = MultiHasher::new([algorithm]);
    hasher.update(bytes);
    hasher.finish().remove(0).1
}

/// A manifest of `files` (bag paths) read from `root`.
fn manifest(root: &Path, algorithm: Algorithm, files: &[&str]) -> String {
    files
        .iter()
        .map(|path| {
            let bytes = fs::read(root.join(path)).unwrap();
            format!("{}  {}\n", digest(algorithm, &bytes), encode_path(path))
        })
        .collect()
}

/// Writes a valid bag of `version` into `root`: `bagit.txt`,
/// `bag-info.txt` with `Payload-Oxum`, the payload with a manifest per
/// algorithm, and `tagmanifest-sha256.txt`.
pub fn write_bag(root: &Path, version: &str, payload: &[(&str, &[u8])], algorithms: &[Algorithm]) {
    fs::create_dir_all(root.join("data")).unwrap();
    fs::write(
        root.join("bagit.txt"),
        format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n"),
    )
    .unwrap();
    let mut octets = 0;
    for (path, bytes) in payload {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, bytes).unwrap();
        octets += bytes.len();
    }
    fs::write(
        root.join("bag-info.txt"),
        format!(
            "Payload-Oxum: {octets}.{}\nSource-Organization: tests\n",
            payload.len()
        ),
    )
    .unwrap();
    let paths: Vec<&str> = payload.iter().map(|(p, _)| *p).collect();
    for algorithm in algorithms {
        fs::write(
            root.join(format!("manifest-{algorithm}.txt")),
            manifest(root, *algorithm, &paths),
        )
        .unwrap();
    }
    retag(root);
}

/// Rewrites `tagmanifest-sha256.txt` for the tag files at the bag root.
pub fn retag(root: &Path) {
    let mut tags: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".txt") && !name.starts_with("tagmanifest-"))
        .collect();
    tags.sort();
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    fs::write(
        root.join("tagmanifest-sha256.txt"),
        manifest(root, Algorithm::Sha256, &tags),
    )
    .unwrap();
}

/// A valid BagIt 1.0 bag of [`PAYLOAD`] with SHA-256 and SHA-512 manifests.
fn sample(dir: &Dir) -> PathBuf {
    let root = dir.join("bag");
    let payload: Vec<(&str, &[u8])> = PAYLOAD.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_bag(
        &root,
        "1.0",
        &payload,
        &[Algorithm::Sha256, Algorithm::Sha512],
    );
    root
}

/// Overwrites a tag file and refreshes the tag manifest.
fn rewrite(root: &Path, name: &str, text: impl AsRef<[u8]>) {
    fs::write(root.join(name), text).unwrap();
    retag(root);
}

/// Has the `bagit.txt` of a BagIt 1.0 `bag` declare its tag files in the
/// encoding `label`, without making the tag manifests again.
fn declare_encoding(bag: &Path, label: &str) {
    fs::write(
        bag.join("bagit.txt"),
        format!("BagIt-Version: 1.0\nTag-File-Character-Encoding: {label}\n"),
    )
    .unwrap();
}

#[track_caller]
fn assert_valid(verdict: &Verdict) {
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    assert!(!verdict.has_error(), "{:#?}", verdict.findings());
}

#[track_caller]
fn assert_invalid(verdict: &Verdict, code: &str) {
    assert_eq!(verdict.code, 1, "{:#?}", verdict.findings());
    assert!(
        verdict.has("error", code),
        "no {code}: {:#?}",
        verdict.findings()
    );
}

#[test]
fn the_sample_bag_is_valid() {
    let dir = Dir::new();
    let verdict = verify_json(&sample(&dir), &[]);
    assert_valid(&verdict);
    assert!(verdict.findings().is_empty(), "{:#?}", verdict.findings());
}

/// §2.1.3: a payload manifest is `manifest-algorithm.txt`; `manifest-.txt`
/// names no algorithm, and is another tag file, not a manifest that leaves
/// every payload file unlisted.
#[test]
fn a_manifest_name_without_an_algorithm_is_another_tag_file() {
    let dir = Dir::new();
    let root = sample(&dir);
    rewrite(&root, "manifest-.txt", "");
    let verdict = verify_json(&root, &[]);
    assert_valid(&verdict);
    assert!(verdict.findings().is_empty(), "{:#?}", verdict.findings());
}

#[test]
fn bagit_txt_is_exactly_two_lines_with_a_version_and_a_known_encoding() {
    // §2.1.1: "exactly two lines in this order", "M.N", UTF-8 without BOM.
    for text in [
        "BagIt-Version: 1.0\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: line\n",
        "Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n",
        "BagIt-Version: 1\nTag-File-Character-Encoding: UTF-8\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF 8\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding:UTF-8\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\x00\n",
        // The labels are the RFC's, letter for letter: only bag-info.txt's
        // reserved names are case-insensitive (§2.2.2).
        "bagit-version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "BagIt-Version: 1.0\nTAG-FILE-CHARACTER-ENCODING: UTF-8\n",
        "BAGIT-VERSION: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(&bag, "bagit.txt", text);
        assert_invalid(&verify_json(&bag, &[]), "bagit-txt-invalid");
    }
}

#[test]
fn an_encoding_corpack_cannot_read_is_unsupported_not_invalid() {
    // §2.1.1: ENCODING "MAY be any other encoding registered" with IANA;
    // IBM500 (an EBCDIC) is, and corpack cannot decode it: nothing can be
    // verified, and the finding says so, not that bagit.txt is wrong.
    // Neither IANA nor Python's codecs name IBM437 `ibm-437`.
    for label in ["IBM500", "no-such-encoding", "ibm-437"] {
        let dir = Dir::new();
        let bag = sample(&dir);
        declare_encoding(&bag, label);
        retag(&bag);
        let zip = dir.join("bag.zip");
        zip_directory(&bag, "bag/", &[], &zip);
        for verdict in [verify_json(&bag, &[]), verify_json(&zip, &["--fast"])] {
            assert_invalid(&verdict, "encoding-unsupported");
            assert_eq!(
                verdict.findings(),
                [(
                    "error".into(),
                    "encoding-unsupported".into(),
                    "bagit.txt".into()
                )]
            );
            assert_eq!(
                verdict.report["findings"][0]["message"],
                format!(
                    "Tag-File-Character-Encoding {label:?} is not an encoding corpack can read (it \
                     reads UTF-8, UTF-16, UTF-32, ISO-8859-1, US-ASCII, the OEM code pages IBM437, \
                     IBM775, IBM850, IBM852, IBM855, IBM857, IBM00858, IBM860 to IBM865, IBM869, \
                     cp720 and cp737, and the other encodings of the WHATWG Encoding Standard), so \
                     it reads none of the bag's other tag files"
                )
            );
        }
    }
}

#[test]
fn a_version_corpack_does_not_read_is_unsupported_not_invalid() {
    // §2.1.1: "M.N identifies the BagIt major (M) and minor (N) version
    // numbers". One of a version corpack does not read is no mistake of the
    // bag's, but its rules are not known: nothing else is judged, and the
    // finding says which versions corpack reads. A malformed one is
    // bagit-txt-invalid (as 1 is above).
    for (version, code) in [
        ("2.0", "bagit-version-unsupported"),
        ("1.1", "bagit-version-unsupported"),
        ("0.92", "bagit-version-unsupported"),
        ("1.x", "bagit-txt-invalid"),
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(
            &bag,
            "bagit.txt",
            format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n"),
        );
        let zip = dir.join("bag.zip");
        zip_directory(&bag, "bag/", &[], &zip);
        for verdict in [verify_json(&bag, &[]), verify_json(&zip, &[])] {
            assert_invalid(&verdict, code);
            assert_eq!(
                verdict.findings(),
                [("error".into(), code.into(), "bagit.txt".into())],
                "{version}"
            );
            let message = verdict.report["findings"][0]["message"].as_str().unwrap();
            if code == "bagit-version-unsupported" {
                assert_eq!(
                    message,
                    format!(
                        "BagIt-Version {version} is not a version corpack reads (it reads 1.0, \
                         that of RFC 8493, and the drafts before it, 0.93 to 0.97), so it judges \
                         nothing else of the bag"
                    )
                );
            }
        }
    }
}

#[test]
fn tag_files_are_read_in_the_declared_encoding() {
    // §2.1.1: Tag-File-Character-Encoding names the encoding of the other
    // tag files, UTF-8 or another IANA knows: here UTF-16 with a
    // byte-order mark, ISO-8859-1, and UTF-32 (which the WHATWG table of
    // encodings lacks) with a little-endian mark and big-endian without
    // one, with a non-ASCII payload name in the manifest.
    let utf16 = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let latin1 = |text: &str| -> Vec<u8> { text.chars().map(|c| c as u8).collect() };
    let utf32le = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE, 0, 0];
        bytes.extend(text.chars().flat_map(|c| u32::from(c).to_le_bytes()));
        bytes
    };
    let utf32be = |text: &str| -> Vec<u8> {
        text.chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect()
    };
    for (label, encode) in [
        ("UTF-16", &utf16 as &dyn Fn(&str) -> Vec<u8>),
        ("ISO-8859-1", &latin1),
        ("UTF-32", &utf32le),
        ("UTF-32", &utf32be),
        ("UTF-32BE", &utf32be),
    ] {
        let dir = Dir::new();
        let bag = dir.join("bag");
        write_bag(
            &bag,
            "1.0",
            &[("data/café.txt", b"x")],
            &[Algorithm::Sha256],
        );
        declare_encoding(&bag, label);
        for name in ["bag-info.txt", "manifest-sha256.txt"] {
            let text = fs::read_to_string(bag.join(name)).unwrap();
            fs::write(bag.join(name), encode(&text)).unwrap();
        }
        let tag_manifest = manifest(
            &bag,
            Algorithm::Sha256,
            &["bag-info.txt", "bagit.txt", "manifest-sha256.txt"],
        );
        fs::write(bag.join("tagmanifest-sha256.txt"), encode(&tag_manifest)).unwrap();
        let verdict = verify_json(&bag, &[]);
        assert_eq!(verdict.code, 0, "{label}: {:#?}", verdict.findings());
        assert!(!verdict.has_error(), "{label}: {:#?}", verdict.findings());
        // The same bytes read as UTF-8 are not text.
        declare_encoding(&bag, "UTF-8");
        let verdict = verify_json(&bag, &[]);
        assert_eq!(verdict.code, 1, "{label}: {:#?}", verdict.findings());
    }
}

#[test]
fn tag_files_in_an_oem_code_page_are_read_as_bagit_python_reads_them() {
    // IBM437, the code page of the IBM PC, is registered with IANA and
    // bagit-python reads a bag declared in it: here a bag-info.txt value
    // and a payload path in the manifest hold characters beyond ASCII,
    // which IBM437 writes as one byte each (é 0x82, ü 0x81).
    let ibm437 = |text: &str| -> Vec<u8> {
        (text.chars())
            .map(|c| match c {
                'é' => 0x82,
                'ü' => 0x81,
                c if c.is_ascii() => c as u8,
                c => panic!("{c:?} is not in this test's IBM437"),
            })
            .collect()
    };
    // bagit-python reads a label in any spelling Python's codecs take, as
    // `CP IS` for IBM861 (Icelandic, with é and ü where IBM437 has them).
    for label in ["IBM437", "cp437", "CP IS"] {
        let dir = Dir::new();
        let bag = dir.join("bag");
        write_bag(
            &bag,
            "1.0",
            &[("data/café.txt", b"x")],
            &[Algorithm::Sha256],
        );
        declare_encoding(&bag, label);
        let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
        fs::write(
            bag.join("bag-info.txt"),
            ibm437(&format!("{info}Contact-Name: Jürgen Müller\n")),
        )
        .unwrap();
        let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
        assert!(text.contains("data/café.txt"), "{text}");
        fs::write(bag.join("manifest-sha256.txt"), ibm437(&text)).unwrap();
        retag(&bag);
        let zip = dir.join("bag.zip");
        zip_directory(&bag, "bag/", &[], &zip);
        // A name of Python's alone is read and warned of.
        let warned = match label {
            "CP IS" => vec![(
                "warning".to_string(),
                "encoding-label-unregistered".to_string(),
                "bagit.txt".to_string(),
            )],
            _ => Vec::new(),
        };
        for verdict in [verify_json(&bag, &[]), verify_json(&zip, &[])] {
            assert_valid(&verdict);
            assert_eq!(verdict.findings(), warned, "{label}");
            if !warned.is_empty() {
                assert_eq!(
                    verdict.report["findings"][0]["message"],
                    "Tag-File-Character-Encoding \"CP IS\" is not a name IANA registers for a \
                     character set (RFC 8493 §2.1.1): the tag files are read in IBM861, the \
                     encoding Python's codecs find by it, as bagit-python reads them"
                );
            }
        }
        // Read as UTF-8 or as ISO-8859-1, the same bytes do not name the
        // payload file.
        for other in ["UTF-8", "ISO-8859-1"] {
            declare_encoding(&bag, other);
            retag(&bag);
            assert_eq!(verify_json(&bag, &[]).code, 1, "{other}");
        }
    }
}

#[test]
fn a_bag_info_element_that_does_not_read_names_the_declared_encoding() {
    // UTF-8 bytes read as UTF-16, as bagit.txt declares, are nonsense:
    // the finding says how they were read.
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::write(bag.join("bag-info.txt"), "Payload-Oxum: 12.2\n\n").unwrap();
    declare_encoding(&bag, "UTF-16");
    retag(&bag);
    let verdict = verify_json(&bag, &[]);
    let messages: Vec<&str> = (verdict.report["findings"].as_array().unwrap().iter())
        .filter(|finding| finding["code"] == "bag-info-invalid")
        .filter_map(|finding| finding["message"].as_str())
        .collect();
    assert!(!messages.is_empty(), "{:#?}", verdict.findings());
    for message in messages {
        assert!(
            message.ends_with("(read as UTF-16BE, the encoding bagit.txt declares)"),
            "{message}"
        );
    }
}

#[test]
fn tag_files_in_us_ascii_hold_only_ascii_bytes() {
    // US-ASCII is a 7-bit encoding: a byte above 0x7F is not text in it,
    // though the WHATWG table reads the label as windows-1252.
    for (name, valid) in [("data/cafe.txt", true), ("data/caf\u{e9}.txt", false)] {
        let dir = Dir::new();
        let bag = dir.join("bag");
        write_bag(&bag, "1.0", &[(name, b"x")], &[Algorithm::Sha256]);
        declare_encoding(&bag, "US-ASCII");
        let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
        let latin1: Vec<u8> = text.chars().map(|c| c as u8).collect();
        fs::write(bag.join("manifest-sha256.txt"), latin1).unwrap();
        let tag_manifest = manifest(
            &bag,
            Algorithm::Sha256,
            &["bag-info.txt", "bagit.txt", "manifest-sha256.txt"],
        );
        fs::write(bag.join("tagmanifest-sha256.txt"), tag_manifest).unwrap();
        let verdict = verify_json(&bag, &[]);
        if valid {
            assert_valid(&verdict);
        } else {
            assert_eq!(verdict.code, 1, "{name}: {:#?}", verdict.findings());
        }
    }
}

#[test]
fn tag_files_in_utf_8_do_not_begin_with_a_byte_order_mark() {
    // §2.3: "when "bagit.txt" specifies UTF-8 the tag files MUST NOT begin
    // with a byte-order mark (BOM)". The mark is not read as text: it is
    // the only thing wrong.
    for name in [
        "manifest-sha256.txt",
        "bag-info.txt",
        "fetch.txt",
        "tagmanifest-sha256.txt",
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(
            &bag,
            "fetch.txt",
            "https://example.org/b 5 data/sub/b.txt\n",
        );
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(fs::read(bag.join(name)).unwrap());
        if name.starts_with("tagmanifest-") {
            fs::write(bag.join(name), bytes).unwrap();
        } else {
            rewrite(&bag, name, bytes);
        }
        let verdict = verify_json(&bag, &[]);
        assert_eq!(verdict.code, 1, "{name}");
        assert_eq!(
            verdict.findings(),
            [("error".into(), "byte-order-mark".into(), name.into())]
        );
    }
}

#[test]
fn bag_info_elements_in_1_0_have_one_space_after_the_colon() {
    // §2.2.2: "a label, a colon, a single linear whitespace character";
    // readers of older versions must accept more.
    let dir = Dir::new();
    let bag = sample(&dir);
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    rewrite(
        &bag,
        "bag-info.txt",
        info.replace("Source-Organization: ", "Source-Organization :  "),
    );
    assert_invalid(&verify_json(&bag, &[]), "bag-info-invalid");
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    );
    assert_valid(&verify_json(&bag, &[]));
    rewrite(
        &bag,
        "bag-info.txt",
        b"Payload-Oxum: 11.2\n\xff\xfe binary\n",
    );
    assert_invalid(&verify_json(&bag, &[]), "bag-info-invalid");
}

#[test]
fn a_star_after_one_space_is_the_names_when_only_that_name_is_in_the_bag() {
    // §2.1.3 reads `<sum> *name` as the path `*name`; md5sum's binary mode
    // writes it for `name`, as bagit-python reads it. verify takes it as the
    // bag's files say.
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::write(bag.join("*notes.txt"), "a tag file\n").unwrap();
    retag(&bag);
    let tags = fs::read_to_string(bag.join("tagmanifest-sha256.txt")).unwrap();
    let one_space = tags
        .replace("  *notes.txt", " *notes.txt")
        .replace("  bag-info.txt", " *bag-info.txt");
    assert_ne!(one_space, tags);
    fs::write(bag.join("tagmanifest-sha256.txt"), one_space).unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert_eq!(
        verdict.findings(),
        [(
            "warning".into(),
            "md5sum-marker".into(),
            "tagmanifest-sha256.txt".into()
        )]
    );
    let message = &verdict.report["findings"][0]["message"];
    assert!(
        message.as_str().unwrap().starts_with("line 2:"),
        "{message}"
    );
}

#[test]
fn bag_info_values_in_1_0_may_start_with_white_space() {
    // §2.2.2: after the colon's one space or tab comes the value, which may
    // start with more; it is read without them, and checked.
    let dir = Dir::new();
    let bag = sample(&dir);
    rewrite(&bag, "bag-info.txt", "Payload-Oxum:  11.2\nX-Note:\t\t v\n");
    assert_valid(&verify_json(&bag, &[]));
    rewrite(&bag, "bag-info.txt", "Payload-Oxum:   12.2\n");
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-mismatch");
}

#[test]
fn reserved_labels_are_found_whatever_their_case() {
    // §2.2.2: Payload-Oxum is read as `payload-oxum` too, and checked.
    let dir = Dir::new();
    let bag = sample(&dir);
    rewrite(&bag, "bag-info.txt", "payload-oxum: 11.2\n");
    assert_valid(&verify_json(&bag, &[]));
    rewrite(&bag, "bag-info.txt", "PAYLOAD-OXUM: 12.2\n");
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-mismatch");
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 11\n");
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-invalid");
    rewrite(
        &bag,
        "bag-info.txt",
        "Payload-Oxum: 11.2\nPayload-Oxum: 12.2\n",
    );
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-invalid");
}

#[test]
fn a_payload_oxum_too_large_to_hold_is_wrong_not_malformed() {
    // §2.2.2: `OctetCount.StreamCount`, digits, bounded by nothing: a count
    // past 2^64 - 1 is well formed, and no payload has it; in a zip too.
    let dir = Dir::new();
    let bag = sample(&dir);
    let past = "18446744073709551616";
    rewrite(&bag, "bag-info.txt", format!("Payload-Oxum: {past}.2\n"));
    let zip = dir.join("bag.zip");
    zip_directory(&bag, "bag/", &[], &zip);
    for verdict in [verify_json(&bag, &[]), verify_json(&zip, &["--fast"])] {
        assert_invalid(&verdict, "payload-oxum-mismatch");
        assert_eq!(
            verdict.findings(),
            [(
                "error".into(),
                "payload-oxum-mismatch".into(),
                "bag-info.txt".into()
            )]
        );
        assert_eq!(
            verdict.report["findings"][0]["message"],
            format!(
                "Payload-Oxum is {past}.2 (octets.files) but the payload has 11.2; its octet \
                 count is larger than any count corpack can hold (18446744073709551615)"
            )
        );
    }
    rewrite(&bag, "bag-info.txt", format!("Payload-Oxum: 11.{past}0\n"));
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-mismatch");
}

#[test]
fn payload_oxum_is_given_at_most_once() {
    // §2.2.2: Payload-Oxum "MUST NOT be present more than once", whether
    // or not the values agree.
    let dir = Dir::new();
    let bag = sample(&dir);
    let twice = "Payload-Oxum: 11.2\nPayload-Oxum: 11.2\n";
    rewrite(&bag, "bag-info.txt", twice);
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-invalid");
    rewrite(
        &bag,
        "bag-info.txt",
        "Payload-Oxum: 11.2\nPayload-Oxum: 12.2\nPayload-Oxum: 11.2\n",
    );
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "payload-oxum-invalid");
    let messages: Vec<&str> = verdict.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["Payload-Oxum is given 3 times, with 2 different values; it must be given at most once"]
    );
    // Before 1.0, one value given again is a warning.
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    );
    rewrite(&bag, "bag-info.txt", twice);
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.has("warning", "payload-oxum-invalid"));
}

#[test]
fn reserved_elements_that_should_not_repeat_are_warned_of() {
    // §2.2.2: of Bagging-Date, Bag-Size, Bag-Group-Identifier and
    // Bag-Count, "This metadata element SHOULD NOT be repeated"; other
    // elements "MAY be repeated".
    let dir = Dir::new();
    let bag = sample(&dir);
    rewrite(
        &bag,
        "bag-info.txt",
        "Payload-Oxum: 11.2\nContact-Name: A\nContact-Name: B\n",
    );
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.findings().is_empty(), "{:#?}", verdict.findings());
    for element in [
        "Bagging-Date: 2024-01-01",
        "Bag-Size: 11 B",
        "Bag-Group-Identifier: g",
        "Bag-Count: 1 of 2",
    ] {
        let again = element.to_lowercase();
        rewrite(
            &bag,
            "bag-info.txt",
            format!("Payload-Oxum: 11.2\n{element}\n{again}\n"),
        );
        let verdict = verify_json(&bag, &[]);
        assert_valid(&verdict);
        assert_eq!(
            verdict.findings(),
            [(
                "warning".into(),
                "bag-info-repeated".into(),
                "bag-info.txt".into()
            )],
            "{element}"
        );
    }
}

#[test]
fn a_bagging_date_or_bag_count_not_in_its_form_is_warned_of() {
    // §2.2.2: "Bagging-Date: Date (YYYY-MM-DD)", "Bag-Count: Two numbers
    // separated by "of", in particular, "N of T"" (T may be ?). The forms
    // are given without a MUST: the bag stays valid, with a warning.
    let dir = Dir::new();
    let bag = sample(&dir);
    for (element, well_formed) in [
        ("Bagging-Date: 2024-01-05", true),
        ("Bag-Count: 3 of ?", true),
        ("Bag-Count: 89 of 145", true),
        ("Bagging-Date: 5 January 2024", false),
        ("Bagging-Date: 2024-13-01", false),
        ("Bag-Count: 1/2", false),
        ("Bag-Count: 3 of 2", false),
    ] {
        rewrite(
            &bag,
            "bag-info.txt",
            format!("Payload-Oxum: 11.2\n{element}\n"),
        );
        let verdict = verify_json(&bag, &[]);
        assert_valid(&verdict);
        let expected: &[(String, String, String)] = match well_formed {
            true => &[],
            false => &[(
                "warning".into(),
                "bag-info-value-malformed".into(),
                "bag-info.txt".into(),
            )],
        };
        assert_eq!(verdict.findings(), expected, "{element}");
    }
}

#[test]
fn package_info_is_bag_info_before_0_96() {
    // Drafts 0.93 to 0.95 named bag-info.txt package-info.txt.
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::rename(bag.join("bag-info.txt"), bag.join("package-info.txt")).unwrap();
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-8\n",
    );
    assert_valid(&verify_json(&bag, &[]));
    rewrite(&bag, "package-info.txt", "Payload-Oxum: 12.2\n");
    assert_invalid(&verify_json(&bag, &[]), "payload-oxum-mismatch");
    // A bag-info.txt beside it is only another tag file.
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 11.2\n");
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "payload-oxum-mismatch");
    assert!(verdict.has_at("payload-oxum-mismatch", "package-info.txt"));
    fs::remove_file(bag.join("bag-info.txt")).unwrap();
    retag(&bag);
    // From 0.96 it is only another tag file.
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.96\nTag-File-Character-Encoding: UTF-8\n",
    );
    assert_valid(&verify_json(&bag, &[]));
}

#[test]
fn manifest_lines_are_a_checksum_white_space_and_a_path() {
    // §2.1.3: "checksum filepath", one or more spaces or tabs between,
    // hex in either case.
    let dir = Dir::new();
    let bag = sample(&dir);
    let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    let loose = text
        .replacen("  data/a.txt", " \t data/a.txt", 1)
        .to_uppercase();
    let loose = loose
        .replace("DATA/A.TXT", "data/a.txt")
        .replace("DATA/SUB/B.TXT", "data/sub/b.txt");
    rewrite(&bag, "manifest-sha256.txt", format!("{loose}\n"));
    assert_valid(&verify_json(&bag, &[]));
    for bad in [
        text.replacen("  data/a.txt", "data/a.txt", 1),
        text.replacen(&text[..64], &text[..63], 1),
        format!("{text}{}  \n", "0".repeat(64)),
        format!("{text}just-a-path\n"),
    ] {
        rewrite(&bag, "manifest-sha256.txt", &bad);
        assert_invalid(&verify_json(&bag, &[]), "manifest-line-invalid");
    }
}

#[test]
fn every_payload_file_is_in_every_payload_manifest_from_1_0() {
    // §3: "For BagIt 1.0, every payload file MUST be listed in every payload
    // manifest"; older versions allowed one.
    let dir = Dir::new();
    let bag = sample(&dir);
    let text = fs::read_to_string(bag.join("manifest-sha512.txt")).unwrap();
    let without_b: String = text
        .lines()
        .filter(|l| !l.ends_with("b.txt"))
        .map(|l| format!("{l}\n"))
        .collect();
    rewrite(&bag, "manifest-sha512.txt", without_b);
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "payload-file-unlisted");
    assert!(verdict.has_at("payload-file-unlisted", "data/sub/b.txt"));
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    );
    assert_valid(&verify_json(&bag, &[]));
}

#[test]
fn manifests_list_files_in_their_own_part_of_the_bag() {
    // §2.1.3: a payload manifest lists payload files only; §2.2.1: a tag
    // manifest lists no payload file and no tag manifest; no manifest
    // lists a directory.
    let dir = Dir::new();
    let first = sample(&dir);
    let payload = fs::read_to_string(first.join("manifest-sha256.txt")).unwrap();
    let tags = fs::read_to_string(first.join("tagmanifest-sha256.txt")).unwrap();
    let zeros = "0".repeat(64);
    for (name, text, path) in [
        (
            "manifest-sha256.txt",
            format!("{payload}{zeros}  bagit.txt\n"),
            "bagit.txt",
        ),
        (
            "manifest-sha256.txt",
            format!("{payload}{zeros}  data/sub\n"),
            "data/sub",
        ),
        // A directory written as one, with a trailing slash, is a
        // directory listed: not a path that could leave the bag, for which
        // no checksum would be verified.
        (
            "manifest-sha256.txt",
            format!("{payload}{zeros}  data/sub/\n"),
            "data/sub",
        ),
        (
            "tagmanifest-sha256.txt",
            format!("{tags}{zeros}  data/a.txt\n"),
            "data/a.txt",
        ),
        (
            "tagmanifest-sha256.txt",
            format!("{tags}{zeros}  tagmanifest-sha256.txt\n"),
            "tagmanifest-sha256.txt",
        ),
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        if name == "manifest-sha256.txt" {
            rewrite(&bag, name, &text);
        } else {
            fs::write(bag.join(name), &text).unwrap();
        }
        let verdict = verify_json(&bag, &[]);
        assert_invalid(&verdict, "manifest-entry-misplaced");
        assert!(
            verdict.has_at("manifest-entry-misplaced", path),
            "{:#?}",
            verdict.findings()
        );
        assert!(
            !verdict.has("error", "unsafe-path"),
            "{:#?}",
            verdict.findings()
        );
        assert!(verdict.count("files_checked") > 0, "{text}");
    }
}

#[test]
fn before_1_0_a_tag_manifest_may_list_any_file_and_it_is_checked() {
    // Only RFC 8493 §2.2.1 forbids a tag manifest to list a payload file
    // or a tag manifest; a draft's tag manifest "lists tag files", and
    // bagit-python checks whatever it lists.
    for version in ["0.97", "1.0"] {
        for listed in ["data/a.txt", "tagmanifest-sha512.txt"] {
            for right in [true, false] {
                let dir = Dir::new();
                let bag = sample(&dir);
                rewrite(
                    &bag,
                    "bagit.txt",
                    format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n"),
                );
                let tags = fs::read_to_string(bag.join("tagmanifest-sha256.txt")).unwrap();
                let tag_files: Vec<&str> = tags
                    .lines()
                    .map(|l| l.split_once("  ").unwrap().1)
                    .collect();
                fs::write(
                    bag.join("tagmanifest-sha512.txt"),
                    manifest(&bag, Algorithm::Sha512, &tag_files),
                )
                .unwrap();
                let bytes = fs::read(bag.join(listed)).unwrap();
                let digest = match right {
                    true => digest(Algorithm::Sha256, &bytes),
                    false => "0".repeat(64),
                };
                fs::write(
                    bag.join("tagmanifest-sha256.txt"),
                    format!("{tags}{digest}  {listed}\n"),
                )
                .unwrap();
                let verdict = verify_json(&bag, &[]);
                let mismatched = |verdict: &Verdict| -> Vec<String> {
                    (verdict.findings().into_iter())
                        .filter(|(_, code, _)| code.ends_with("digest-mismatch"))
                        .map(|(_, _, path)| path)
                        .collect()
                };
                let case = format!("{version}, {listed}, right checksum: {right}");
                if version == "1.0" {
                    assert_invalid(&verdict, "manifest-entry-misplaced");
                    assert!(mismatched(&verdict).is_empty(), "{case}");
                } else if right {
                    assert_valid(&verdict);
                    assert!(verdict.has("warning", "manifest-entry-misplaced"), "{case}");
                } else {
                    assert_eq!(verdict.code, 1, "{case}");
                    assert_eq!(mismatched(&verdict), [listed], "{case}");
                }
                assert!(verdict.has_at("manifest-entry-misplaced", listed), "{case}");
            }
        }
    }
}

#[test]
fn a_directory_named_as_a_tag_file_is_warned_of() {
    // RFC 8493 lets a bag hold tag directories of any name: one named
    // `bag-info.txt`, `fetch.txt` or as a manifest leaves the bag without
    // that file, valid, but surely not as its maker meant.
    for name in [
        "bag-info.txt",
        "fetch.txt",
        "manifest-md5.txt",
        "tagmanifest-sha512.txt",
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        let _ = fs::remove_file(bag.join(name));
        retag(&bag);
        fs::create_dir(bag.join(name)).unwrap();
        fs::write(bag.join(name).join("notes"), "kept here\n").unwrap();
        let zip = dir.join("bag.zip");
        zip_directory(&bag, "bag/", &[], &zip);
        for verified in [&bag, &zip] {
            let verdict = verify_json(verified, &[]);
            assert_valid(&verdict);
            let warned: Vec<_> = (verdict.findings().into_iter())
                .filter(|(severity, _, _)| severity == "warning")
                .collect();
            assert_eq!(
                warned,
                [("warning".into(), "not-regular-file".into(), name.into())],
                "{}",
                verified.display()
            );
        }
    }
}

#[test]
fn every_tag_manifest_lists_every_payload_manifest_from_1_0() {
    // §2.2.1: "Each tag manifest MUST list every payload manifest."
    let omit_sha512 = |bag: &Path| {
        let path = bag.join("tagmanifest-sha256.txt");
        let tags = fs::read_to_string(&path).unwrap();
        let kept: String = tags
            .lines()
            .filter(|l| !l.ends_with("manifest-sha512.txt"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(path, kept).unwrap();
    };
    let dir = Dir::new();
    let bag = sample(&dir);
    omit_sha512(&bag);
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "payload-manifest-unlisted");
    assert!(verdict.has_at("payload-manifest-unlisted", "manifest-sha512.txt"));
    assert_eq!(verdict.findings().len(), 1, "{:#?}", verdict.findings());
    // Before 1.0, a warning.
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    );
    omit_sha512(&bag);
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.has("warning", "payload-manifest-unlisted"));
}

#[test]
fn tag_manifests_that_list_different_tag_files_are_warned_of() {
    // §2.2.1: "A bag MAY contain one or more tag manifests, in which case
    // each tag manifest SHOULD list the same set of tag files."
    let dir = Dir::new();
    let bag = sample(&dir);
    let tags = [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ];
    fs::write(
        bag.join("tagmanifest-sha512.txt"),
        manifest(&bag, Algorithm::Sha512, &tags),
    )
    .unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.findings().is_empty(), "{:#?}", verdict.findings());
    rewrite(&bag, "extra.txt", "extra\n");
    let zip = dir.join("bag.zip");
    zip_directory(&bag, "bag/", &[], &zip);
    for verdict in [verify_json(&bag, &[]), verify_json(&zip, &[])] {
        assert_valid(&verdict);
        assert_eq!(
            verdict.findings(),
            [(
                "warning".into(),
                "tag-manifests-differ".into(),
                "extra.txt".into()
            )]
        );
        assert_eq!(
            verdict.report["findings"][0]["message"],
            "listed in tagmanifest-sha256.txt but not in tagmanifest-sha512.txt: each tag \
             manifest should list the same tag files"
        );
    }
}

#[test]
fn the_payload_directory_must_exist() {
    // §2.1.2: the base directory MUST contain a "data" directory; an empty
    // payload is fine.
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(&bag, "1.0", &[], &[Algorithm::Sha256]);
    assert_valid(&verify_json(&bag, &[]));
    fs::remove_dir(bag.join("data")).unwrap();
    assert_invalid(&verify_json(&bag, &[]), "payload-dir-missing");
}

#[test]
fn percent_encoding_follows_the_bag_version() {
    // §2.1.3: CR, LF and % in a path are written %0D, %0A, %25 (1.0); a
    // 0.97 bag decodes only %0D and %0A, so its %25 is literal.
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[("data/100%.txt", b"a"), ("data/line\nbreak", b"b")],
        &[Algorithm::Sha256],
    );
    let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    assert!(text.contains("data/100%25.txt") && text.contains("data/line%0Abreak"));
    assert_valid(&verify_json(&bag, &[]));

    let old = dir.join("old");
    write_bag(
        &old,
        "0.97",
        &[("data/100%25.txt", b"a")],
        &[Algorithm::Sha256],
    );
    // write_bag encoded the name as %2525; a 0.97 writer leaves it as is.
    let text = fs::read_to_string(old.join("manifest-sha256.txt")).unwrap();
    rewrite(&old, "manifest-sha256.txt", text.replace("%2525", "%25"));
    assert_valid(&verify_json(&old, &[]));

    // A 1.0 bag that left a % unencoded is read literally, with a warning.
    let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    rewrite(
        &bag,
        "manifest-sha256.txt",
        text.replace("100%25.txt", "100%.txt"),
    );
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(
        verdict.has("warning", "unencoded-percent"),
        "{:#?}",
        verdict.findings()
    );
}

#[test]
fn every_algorithm_of_bagit_python_is_checked_and_weak_ones_warned() {
    let all = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(&bag, "1.0", &[("data/a.txt", b"alpha")], &all);
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.has_at("weak-algorithm", "manifest-md5.txt"));
    assert!(verdict.has_at("weak-algorithm", "manifest-sha1.txt"));
    assert_eq!(verdict.findings().len(), 2, "{:#?}", verdict.findings());
    for algorithm in all {
        let name = format!("manifest-{algorithm}.txt");
        let text = fs::read_to_string(bag.join(&name)).unwrap();
        let flipped = if text.starts_with('0') { "1" } else { "0" };
        rewrite(&bag, &name, format!("{flipped}{}", &text[1..]));
        let verdict = verify_json(&bag, &[]);
        assert_invalid(&verdict, "payload-digest-mismatch");
        rewrite(&bag, &name, text);
    }
}

#[test]
fn blake2_manifests_are_verified() {
    // BLAKE2b-512 and BLAKE2s-256, normalized `blake2b512` and `blake2s256`
    // (§2.4), or `blake2b` and `blake2s` as bagit-python names hashlib's:
    // §3 calls a bag valid once every checksum of every manifest has been
    // verified (a wrong blake2s checksum was left unverified, and the bag
    // called valid).
    use blake2::{Blake2b512, Blake2s256, Digest};
    type Hex = fn(&[u8]) -> String;
    let blake2b: Hex = |bytes| hex::encode(Blake2b512::digest(bytes));
    let blake2s: Hex = |bytes| hex::encode(Blake2s256::digest(bytes));
    let manifests = [
        ("manifest-blake2b512.txt", blake2b),
        ("manifest-blake2b.txt", blake2b),
        ("manifest-blake2s256.txt", blake2s),
        ("manifest-blake2s.txt", blake2s),
    ];
    for (name, hash) in manifests {
        let dir = Dir::new();
        let bag = sample(&dir);
        let text: String = PAYLOAD
            .iter()
            .map(|(path, content)| format!("{}  {path}\n", hash(content.as_bytes())))
            .collect();
        rewrite(&bag, name, &text);
        let verdict = verify_json(&bag, &[]);
        assert_valid(&verdict);
        assert!(
            verdict.findings().is_empty(),
            "{name}: {:#?}",
            verdict.findings()
        );
        let flipped = if text.starts_with('0') { "1" } else { "0" };
        rewrite(&bag, name, format!("{flipped}{}", &text[1..]));
        let verdict = verify_json(&bag, &[]);
        assert_invalid(&verdict, "payload-digest-mismatch");
        assert!(
            verdict.has_at("payload-digest-mismatch", "data/a.txt"),
            "{name}"
        );
    }
}

#[test]
fn a_manifest_of_an_unsupported_algorithm_is_checked_but_for_its_checksums() {
    // §2.1.3 and §3 hold for every manifest, whatever its algorithm: its
    // lines are `checksum filepath`, its paths stay in the bag, what it
    // lists is present, and (1.0) it lists every payload file. Only the
    // checksums cannot be compared.
    let blake3 = "0".repeat(64);
    let line = |path: &str| format!("{blake3}  {path}\n");
    let dir = Dir::new();
    let bag = sample(&dir);
    let complete = format!("{}{}", line("data/a.txt"), line("data/sub/b.txt"));
    rewrite(&bag, "manifest-blake3.txt", &complete);
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(
        verdict.has_at("algorithm-unsupported", "manifest-blake3.txt"),
        "{:#?}",
        verdict.findings()
    );
    for (name, text, code) in [
        (
            "manifest-blake3.txt",
            "this is not a manifest\n../../etc/passwd\n".to_string(),
            "manifest-line-invalid",
        ),
        (
            "manifest-blake3.txt",
            format!("{complete}{}", line("data/missing.txt")),
            "payload-file-missing",
        ),
        (
            "manifest-blake3.txt",
            format!("{complete}{}", line("../../etc/passwd")),
            "unsafe-path",
        ),
        (
            "manifest-blake3.txt",
            line("data/a.txt"),
            "payload-file-unlisted",
        ),
        (
            "tagmanifest-blake3.txt",
            line("missing-tag.txt"),
            "tag-file-missing",
        ),
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(&bag, name, &text);
        assert_invalid(&verify_json(&bag, &[]), code);
    }
    // With no other payload manifest, not one checksum of the payload can
    // be verified: the bag cannot be shown valid.
    fs::remove_file(bag.join("manifest-sha256.txt")).unwrap();
    fs::remove_file(bag.join("manifest-sha512.txt")).unwrap();
    retag(&bag);
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "algorithm-unsupported");
    assert!(verdict.has_at("algorithm-unsupported", ""));
}

#[test]
fn manifest_names_write_the_algorithm_normalized() {
    // §2.4: the algorithm's name "MUST be normalized for use in the
    // manifest's filename by lowercasing the common name of the algorithm
    // and removing all non-alphanumeric characters". The name leaves no
    // doubt which algorithm it is: the checksums are verified all the same.
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::remove_file(bag.join("manifest-sha512.txt")).unwrap();
    fs::rename(
        bag.join("manifest-sha256.txt"),
        bag.join("manifest-SHA256.txt"),
    )
    .unwrap();
    retag(&bag);
    let verdict = verify_json(&bag, &[]);
    assert_eq!(verdict.code, 1);
    assert_eq!(
        verdict.findings(),
        [(
            "error".into(),
            "algorithm-name-not-normalized".into(),
            "manifest-SHA256.txt".into()
        )]
    );
    assert_eq!(verdict.count("files_checked"), 5);
    fs::write(bag.join("data/a.txt"), "alphA\n").unwrap();
    let verdict = verify_json(&bag, &[]);
    assert!(verdict.has_at("payload-digest-mismatch", "data/a.txt"));
    fs::write(bag.join("data/a.txt"), "alpha\n").unwrap();
    // Before 1.0 (RFC 8493), a warning.
    rewrite(
        &bag,
        "bagit.txt",
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    );
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(verdict.has("warning", "algorithm-name-not-normalized"));
}

#[test]
fn empty_and_dot_components_inside_a_path_are_read_without_them() {
    // §2.1.3: a path "relative to the base directory", `/` between its
    // components; an empty or `.` one names the directory it is in, so
    // `data//a` is `data/a`, in the bag, and its checksum is verified:
    // warned of, as a leading `./` is. A `..` stays unsafe.
    let dir = Dir::new();
    let bag = sample(&dir);
    for (name, written) in [
        ("manifest-sha256.txt", "data/sub//b.txt"),
        ("manifest-sha512.txt", "data/./sub/b.txt"),
    ] {
        let text = fs::read_to_string(bag.join(name)).unwrap();
        rewrite(&bag, name, text.replace("data/sub/b.txt", written));
    }
    rewrite(&bag, "fetch.txt", "http://x.org/b 5 data/sub/.//b.txt\n");
    let zip = dir.join("bag.zip");
    zip_directory(&bag, "bag/", &[], &zip);
    for verdict in [verify_json(&bag, &[]), verify_json(&zip, &["--fast"])] {
        assert_valid(&verdict);
        assert_eq!(
            verdict.findings(),
            [
                (
                    "warning".into(),
                    "redundant-path-component".into(),
                    "manifest-sha256.txt".into()
                ),
                (
                    "warning".into(),
                    "redundant-path-component".into(),
                    "manifest-sha512.txt".into()
                ),
                (
                    "warning".into(),
                    "redundant-path-component".into(),
                    "data/sub/b.txt".into()
                ),
            ]
        );
        assert_eq!(
            verdict.report["findings"][2]["message"],
            "fetch.txt line 1: listed as \"data/sub/.//b.txt\", with an empty or . component \
             inside it, which is read without it"
        );
        assert_eq!(
            verdict.report["findings"][0]["message"],
            "line 2: the path has an empty or . component inside it (data//a, data/./a), which is \
             read without it"
        );
    }
    // The file is read: its checksums are compared.
    fs::write(bag.join("data/sub/b.txt"), "BETA\n").unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "payload-digest-mismatch");
    assert!(verdict.has_at("payload-digest-mismatch", "data/sub/b.txt"));
    assert!(!verdict.has("error", "unsafe-path"));
    // A `..` could leave the bag, whatever surrounds it.
    let text = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    rewrite(
        &bag,
        "manifest-sha256.txt",
        text.replace("data/sub//b.txt", "data/sub/.//../sub/b.txt"),
    );
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "unsafe-path");
    assert!(!verdict.has("error", "payload-digest-mismatch"));
}

#[test]
fn fetch_txt_is_checked_and_never_fetched() {
    // §2.2.3: `URL LENGTH FILEPATH`, an absolute URL, a length or `-`, a
    // payload path listed in every payload manifest. A listed file that is
    // absent makes the bag incomplete; corpack never downloads it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/b.txt", listener.local_addr().unwrap());
    let dir = Dir::new();
    let bag = sample(&dir);
    rewrite(
        &bag,
        "fetch.txt",
        format!("{url} 5 data/sub/b.txt\n{url} - data/a.txt\n"),
    );
    assert_valid(&verify_json(&bag, &[]));

    fs::remove_file(bag.join("data/sub/b.txt")).unwrap();
    let info = "Payload-Oxum: 6.1\n";
    rewrite(&bag, "bag-info.txt", info);
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "fetch-file-missing");
    assert!(verdict.has_at("fetch-file-missing", "data/sub/b.txt"));
    assert!(
        !verdict.has("error", "payload-file-missing"),
        "{:#?}",
        verdict.findings()
    );
    let mut probe = [0u8; 1];
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((mut stream, _)) => panic!("verify connected to {url}: {:?}", stream.read(&mut probe)),
        Err(error) => panic!("{error}"),
    }

    for (line, code) in [
        ("relative/url 5 data/a.txt", "fetch-line-invalid"),
        ("http://x.org/a five data/a.txt", "fetch-line-invalid"),
        ("http://x.org/a 5", "fetch-line-invalid"),
        ("http://x.org/a 5 bag-info.txt", "fetch-line-invalid"),
        ("http://x.org/a 5 data/unlisted.txt", "fetch-file-unlisted"),
        ("http://x.org/a 5 ../outside.txt", "unsafe-path"),
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(&bag, "fetch.txt", format!("{line}\n"));
        assert_invalid(&verify_json(&bag, &[]), code);
    }
}

#[test]
fn a_fetched_file_the_bag_holds_at_another_length_is_warned_of() {
    // §2.2.3: LENGTH is the file's size in octets, or `-`. A file the bag
    // holds is judged by its checksums; a length it does not have is
    // warned of.
    let dir = Dir::new();
    let bag = sample(&dir);
    assert_length_warned(&dir, &bag, "4", "4 bytes");
}

/// Has `fetch.txt` of the sample `bag` give `length` for data/sub/b.txt,
/// which it holds at 5 bytes: the bag, zipped or not, is valid, with one
/// warning saying the length is `stated`.
fn assert_length_warned(dir: &Dir, bag: &Path, length: &str, stated: &str) {
    rewrite(
        bag,
        "fetch.txt",
        format!("http://x.org/b {length} data/sub/b.txt\nhttp://x.org/a - data/a.txt\n"),
    );
    let zip = dir.join("bag.zip");
    zip_directory(bag, "bag/", &[], &zip);
    for verdict in [verify_json(bag, &[]), verify_json(&zip, &["--fast"])] {
        assert_valid(&verdict);
        assert_eq!(
            verdict.findings(),
            [(
                "warning".into(),
                "fetch-length-mismatch".into(),
                "data/sub/b.txt".into()
            )]
        );
        assert_eq!(
            verdict.report["findings"][0]["message"],
            format!(
                "fetch.txt line 1 gives its length as {stated}; the file the bag holds is 5 bytes \
                 long"
            )
        );
    }
}

#[test]
fn a_fetch_length_too_large_to_hold_is_well_formed() {
    // §2.2.3: LENGTH is a number of octets, bounded by nothing: one past
    // 2^64 - 1 makes a well-formed line, and is the length of no file the
    // bag can hold; in a zip too.
    let dir = Dir::new();
    let bag = sample(&dir);
    assert_length_warned(
        &dir,
        &bag,
        "18446744073709551616",
        "a number of bytes larger than any corpack can hold (18446744073709551615)",
    );
    // Absent, the file is still to fetch, and no Payload-Oxum counts it.
    fs::remove_file(bag.join("data/sub/b.txt")).unwrap();
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 6.1\n");
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "fetch-file-missing");
    assert!(!verdict.has("error", "fetch-line-invalid"));
    assert!(!verdict.has("warning", "fetch-length-mismatch"));
}

/// §2.2.3: a line is `URL LENGTH FILEPATH`, white space only between the
/// three. A line that starts with it is said to, as a manifest line is,
/// not taken for one whose URL is empty.
#[test]
fn a_fetch_line_starting_with_white_space_is_said_to() {
    for line in [
        " http://x.org/a 5 data/a.txt",
        "\thttp://x.org/a 5 data/a.txt",
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        rewrite(&bag, "fetch.txt", format!("{line}\n"));
        let verdict = verify_json(&bag, &[]);
        assert_invalid(&verdict, "fetch-line-invalid");
        let messages: Vec<&str> = (verdict.report["findings"].as_array().unwrap().iter())
            .filter(|finding| finding["code"] == "fetch-line-invalid")
            .filter_map(|finding| finding["message"].as_str())
            .collect();
        assert_eq!(
            messages,
            [format!(
                "fetch.txt line 1: the line starts with white space, where a line is `URL \
                 LENGTH FILEPATH`: {line:?}"
            )],
            "{line:?}"
        );
    }
}

#[test]
fn a_fetch_path_in_another_normalization_form_is_the_listed_path() {
    // As a manifest path spelled in the other form than its file's name
    // is that file, with a warning, so is a fetch.txt path, whether its
    // file is stored or still to be fetched.
    let (nfc, nfd) = ("data/Nu\u{f1}ez.txt", "data/Nun\u{303}ez.txt");
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[("data/a.txt", b"alpha\n"), (nfc, b"x")],
        &[Algorithm::Sha256],
    );
    rewrite(&bag, "fetch.txt", format!("http://x.org/n 1 {nfd}\n"));
    let verdict = verify_json(&bag, &[]);
    assert_valid(&verdict);
    assert!(
        verdict.has_at("name-normalization", nfc),
        "{:#?}",
        verdict.findings()
    );

    fs::remove_file(bag.join(nfc)).unwrap();
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 6.1\n");
    let verdict = verify_json(&bag, &[]);
    assert_eq!(
        verdict.findings(),
        [
            ("warning".into(), "name-normalization".into(), nfc.into()),
            ("error".into(), "fetch-file-missing".into(), nfc.into()),
        ],
    );
}

#[test]
fn fetch_paths_are_percent_decoded() {
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[("data/100%.txt", b"a")],
        &[Algorithm::Sha256],
    );
    rewrite(
        &bag,
        "fetch.txt",
        "https://x.org/100%25.txt 1 data/100%25.txt\n",
    );
    assert_valid(&verify_json(&bag, &[]));
}

#[test]
fn fast_checks_completeness_and_oxum_only() {
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::write(bag.join("data/a.txt"), "ALPHA\n").unwrap();
    let verdict = verify_json(&bag, &["--fast"]);
    assert_valid(&verdict);
    assert_eq!(verdict.count("files_checked"), 0);
    // RFC 8493 §2.2.2: no bag is called valid before its checksums are
    // verified; a fast check finds it complete.
    assert_eq!(verdict.report["verdict"], "complete");
    assert_eq!(verdict.report["valid"], false);
    let full = verify_json(&bag, &[]);
    assert_eq!(
        (&full.report["verdict"], &full.report["valid"]),
        (&"invalid".into(), &false.into())
    );
    fs::write(bag.join("data/a.txt"), "ALPHA!\n").unwrap();
    assert_invalid(&verify_json(&bag, &["--fast"]), "payload-oxum-mismatch");
}

#[test]
fn clutter_beside_the_tag_files_is_warned_about_in_a_directory_and_in_a_zip() {
    // RFC 8493 §2 lets a bag hold other files than the tag files beside
    // them, and tag manifests need not list them (as bagit-python checks
    // only the files they list): operating-system clutter there is a
    // warning, as in the payload, and nothing else.
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::write(bag.join(".DS_Store"), "x").unwrap();
    fs::create_dir(bag.join("metadata")).unwrap();
    fs::write(bag.join("metadata/Thumbs.db"), "x").unwrap();
    let zip = dir.join("bag.zip");
    for top in [None, Some(""), Some("bag/")] {
        let verdict = match top {
            None => verify_json(&bag, &[]),
            Some(top) => {
                zip_directory(&bag, top, &[], &zip);
                verify_json(&zip, &[])
            }
        };
        assert_valid(&verdict);
        let mut expected: Vec<(String, String, String)> = vec![
            ("warning".into(), "system-file".into(), ".DS_Store".into()),
            (
                "warning".into(),
                "system-file".into(),
                "metadata/Thumbs.db".into(),
            ),
        ];
        if top == Some("") {
            let at_root = (
                "warning".into(),
                "zip-bag-at-root".into(),
                "bagit.txt".into(),
            );
            expected.insert(0, at_root);
        }
        assert_eq!(verdict.findings(), expected, "{top:?}");
        let clutter = expected.len() - 2;
        assert_eq!(
            verdict.report["findings"][clutter]["message"],
            "operating-system clutter (Finder, Explorer) beside the bag's tag files, probably \
             not meant to be part of the bag"
        );
    }
}

#[test]
fn a_zip_holds_one_bag_directory_beside_operating_system_clutter() {
    // macOS Finder zips a folder `bag` as `bag/…` and `__MACOSX/bag/._…`:
    // the clutter beside the bag's directory is not part of the bag and
    // does not hide it.
    let dir = Dir::new();
    let bag = sample(&dir);
    let zip = dir.join("bag.zip");
    for (clutter, top) in [
        ("__MACOSX/bag/._a.txt", "__MACOSX"),
        (".DS_Store", ".DS_Store"),
        ("._bag", "._bag"),
    ] {
        zip_directory(&bag, "bag/", &[(clutter, b"x")], &zip);
        let verdict = verify_json(&zip, &[]);
        assert_valid(&verdict);
        assert_eq!(
            verdict.findings(),
            [("warning".into(), "system-file".into(), top.into())],
            "{clutter}"
        );
        assert_eq!(
            verdict.report["findings"][0]["message"],
            "operating-system clutter (Finder, Explorer) beside the bag's directory in the zip, \
             1 entry; not part of the bag"
        );
    }
    // Anything else beside it: the zip does not hold one bag directory,
    // and the finding says so.
    for (other, tops) in [
        ("other/x.txt", "bag, other"),
        ("README.txt", "README.txt, bag"),
    ] {
        zip_directory(&bag, "bag/", &[(other, b"x")], &zip);
        let verdict = verify_json(&zip, &[]);
        assert_invalid(&verdict, "bagit-txt-missing");
        assert_eq!(
            verdict.report["findings"][0]["message"],
            format!(
                "the zip has no bagit.txt at its root, and its entries are not all in one \
                 top-level directory: {tops}"
            )
        );
    }
    // A bag at the zip's root that lacks bagit.txt is that bag, not
    // entries in several directories.
    fs::remove_file(bag.join("bagit.txt")).unwrap();
    zip_directory(&bag, "", &[], &zip);
    let verdict = verify_json(&zip, &[]);
    assert_invalid(&verdict, "bagit-txt-missing");
    assert_eq!(
        verdict.report["findings"][0]["message"],
        "the bag has no bagit.txt"
    );
}

/// A line that is not text ends the reading of its manifest: the lines
/// before it are judged, and no payload file is said to be missing from
/// it, as a line not read may list it.
#[test]
fn a_manifest_read_in_part_does_not_call_files_unlisted() {
    let dir = Dir::new();
    let bag = sample(&dir);
    let manifest = fs::read(bag.join("manifest-sha256.txt")).unwrap();
    let first_line = manifest.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut cut = manifest[..first_line].to_vec();
    cut.extend_from_slice(b"deadbeef\0\n");
    cut.extend_from_slice(&manifest[first_line..]);
    rewrite(&bag, "manifest-sha256.txt", &cut);
    let first = String::from_utf8_lossy(&manifest[..first_line]);
    let first = first.trim_end().split_once("  ").unwrap().1;
    fs::write(bag.join(first), "changed\n").unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "manifest-line-invalid");
    assert!(
        verdict.has_at("payload-digest-mismatch", first),
        "{:#?}",
        verdict.findings()
    );
    assert!(
        !verdict.has("error", "payload-file-unlisted"),
        "{:#?}",
        verdict.findings()
    );
}

/// Elements of `bag-info.txt` are independent (RFC 8493 §2.2.2): one that
/// breaks the form is an error, and the others are still read, so that a
/// wrong Payload-Oxum after it is found too.
#[test]
fn a_bad_bag_info_element_does_not_hide_the_others() {
    let dir = Dir::new();
    let bag = sample(&dir);
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let info = format!("Contact-Name:Jo\n  Smith\n{info}");
    rewrite(&bag, "bag-info.txt", &info);
    fs::remove_file(bag.join("data/a.txt")).unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "bag-info-invalid");
    assert!(
        verdict.has("error", "payload-oxum-mismatch"),
        "{:#?}",
        verdict.findings()
    );
    let bad_info = (verdict.findings().iter())
        .filter(|(_, code, _)| code == "bag-info-invalid")
        .count();
    assert_eq!(bad_info, 1, "{:#?}", verdict.findings());
}

/// A link in the payload is never followed, so what it stands for is
/// unknown: it is an error of its own, and Payload-Oxum, which may count
/// it (RFC 8493 §2.2.2: "the total number of payload files"), as
/// bagit-python does with its target's size, is not called wrong for it;
/// an Oxum below what the regular files hold still is.
#[test]
fn a_link_in_the_payload_does_not_make_payload_oxum_wrong() {
    let dir = Dir::new();
    let bag = sample(&dir);
    std::os::unix::fs::symlink("a.txt", bag.join("data/link.txt")).unwrap();
    let listed = format!(
        "{}{}  data/link.txt\n",
        fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap(),
        digest(Algorithm::Sha256, b"alpha\n")
    );
    fs::write(bag.join("manifest-sha256.txt"), listed).unwrap();
    let listed = format!(
        "{}{}  data/link.txt\n",
        fs::read_to_string(bag.join("manifest-sha512.txt")).unwrap(),
        digest(Algorithm::Sha512, b"alpha\n")
    );
    fs::write(bag.join("manifest-sha512.txt"), listed).unwrap();
    // alpha\n and beta\n, and the link counted as its target, alpha\n.
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 17.3\n");
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "not-regular-file");
    assert!(verdict.has_at("not-regular-file", "data/link.txt"));
    assert!(
        !verdict.has("error", "payload-oxum-mismatch"),
        "{:#?}",
        verdict.findings()
    );
    // A link to a directory may stand for more than one file.
    rewrite(&bag, "bag-info.txt", "Payload-Oxum: 30.5\n");
    let verdict = verify_json(&bag, &[]);
    assert!(
        !verdict.has("error", "payload-oxum-mismatch"),
        "{:#?}",
        verdict.findings()
    );
    // Links followed over and over make paths without end: a count too
    // large to hold may be the payload's too.
    let past = "18446744073709551616";
    for oxum in [
        format!("{past}.5"),
        format!("30.{past}"),
        format!("{past}.{past}"),
    ] {
        rewrite(&bag, "bag-info.txt", format!("Payload-Oxum: {oxum}\n"));
        let verdict = verify_json(&bag, &[]);
        assert!(
            !verdict.has("error", "payload-oxum-mismatch"),
            "{oxum}: {:#?}",
            verdict.findings()
        );
    }
    // Fewer octets or files than the regular files hold, which the
    // message names, whatever the other count.
    for (oxum, below) in [
        ("10.3".to_string(), "its octet count is"),
        ("11.1".to_string(), "its file count is"),
        (format!("{past}.1"), "its file count is"),
        ("10.1".to_string(), "its octet and file counts are each"),
    ] {
        rewrite(&bag, "bag-info.txt", format!("Payload-Oxum: {oxum}\n"));
        let verdict = verify_json(&bag, &[]);
        let messages: Vec<&str> = (verdict.report["findings"].as_array().unwrap().iter())
            .filter(|finding| finding["code"] == "payload-oxum-mismatch")
            .filter_map(|finding| finding["message"].as_str())
            .collect();
        assert_eq!(
            messages,
            [format!(
                "Payload-Oxum is {oxum} (octets.files) but the payload has 11.2, besides 1 \
                 link(s) or other files that are not regular, which may stand for any number of \
                 files of any size; {below} below what the files read hold"
            )],
            "{:#?}",
            verdict.findings()
        );
    }
}

/// A payload directory that is a link is never followed: the link is the
/// error, not a payload directory, payload files and a Payload-Oxum that
/// are said to be missing or wrong because it is not read.
#[test]
fn a_payload_directory_that_is_a_link_is_said_to_be_one() {
    let dir = Dir::new();
    let bag = sample(&dir);
    fs::rename(bag.join("data"), dir.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(dir.join("elsewhere"), bag.join("data")).unwrap();
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "not-regular-file");
    let errors: Vec<(String, String)> = (verdict.findings().into_iter())
        .filter(|(severity, _, _)| severity == "error")
        .map(|(_, code, path)| (code, path))
        .collect();
    assert_eq!(
        errors,
        [("not-regular-file".to_string(), "data".to_string())]
    );
    // A bag declaration or a payload manifest that is a link is there: the
    // bag has none that can be read, and the finding says why.
    for (name, code) in [
        ("bagit.txt", "bagit-txt-missing"),
        ("manifest-sha256.txt", "manifest-missing"),
    ] {
        let dir = Dir::new();
        let bag = sample(&dir);
        fs::remove_file(bag.join("manifest-sha512.txt")).unwrap();
        fs::rename(bag.join(name), dir.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere"), bag.join(name)).unwrap();
        let verdict = verify_json(&bag, &[]);
        assert!(verdict.has_at("not-regular-file", name), "{name}");
        let messages: Vec<&str> = (verdict.report["findings"].as_array().unwrap().iter())
            .filter(|finding| finding["code"] == code)
            .filter_map(|finding| finding["message"].as_str())
            .collect();
        assert_eq!(messages.len(), 1, "{name}: {:#?}", verdict.findings());
        assert!(
            messages[0].contains("that can be read") && messages[0].contains("not a regular file"),
            "{}",
            messages[0]
        );
    }
}

/// A holey bag: the files fetch.txt lists and the bag lacks are why its
/// Payload-Oxum, which counts them (RFC 8493 §2.2.2), is not the payload's,
/// and the finding says so.
#[test]
fn a_holey_bag_s_payload_oxum_says_what_is_still_to_fetch() {
    let dir = Dir::new();
    let bag = sample(&dir);
    let (path, text) = PAYLOAD[0];
    fs::remove_file(bag.join(path)).unwrap();
    let fetch = format!("https://example.org/a {} {path}\n", text.len());
    rewrite(&bag, "fetch.txt", &fetch);
    let verdict = verify_json(&bag, &[]);
    assert_invalid(&verdict, "fetch-file-missing");
    let oxum = (verdict.report["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "payload-oxum-mismatch")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .unwrap();
    assert!(
        oxum.ends_with("the bag is incomplete, not its Payload-Oxum wrong"),
        "{oxum}"
    );
}
