//! A profile's file patterns, read as Python's `fnmatch` reads them, as
//! bagit-profile (the library bdbag uses) does: `*` is any text, `/`
//! included, `?` any one character, `[…]` one character of a class (`!`
//! first negates it, `^` first is a member, a `]` first is a member, and a
//! range whose ends are reversed, `z-a`, is no member), and anything else,
//! braces and backslashes too, is itself; a `[` that no `]` closes is a
//! character. Characters, not bytes: `?` matches `é`.

use regex::Regex;

/// A compiled pattern.
pub(super) type Matcher = Regex;

/// The matchers of `patterns`, or why one cannot be used.
pub(super) fn compile(patterns: &[String]) -> Result<Vec<Matcher>, String> {
    patterns
        .iter()
        .map(|pattern| {
            Regex::new(&translate(pattern))
                .map_err(|e| format!("pattern {pattern:?} cannot be used: {e}"))
        })
        .collect()
}

/// Whether one of `matchers` matches `path`.
pub(super) fn matches_any(matchers: &[Matcher], path: &str) -> bool {
    matchers.iter().any(|m| m.is_match(path))
}

/// `pattern` as a regular expression that matches what `fnmatch` matches
/// with it: Python's `fnmatch.translate`, step by step.
fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("^(?s:");
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' => {
                while chars.get(i) == Some(&'*') {
                    i += 1;
                }
                out.push_str(".*");
            }
            '?' => out.push('.'),
            '[' => match class_end(&chars, i) {
                Some(end) => {
                    out.push_str(&class(&chars[i..end]));
                    i = end + 1;
                }
                None => out.push_str(r"\["),
            },
            c => push_literal(&mut out, c),
        }
    }
    out.push_str(")$");
    out
}

/// Where the `]` closing the class whose members start at `start` is: a
/// `]` first (after an optional `!`) is a member.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut at = start;
    if chars.get(at) == Some(&'!') {
        at += 1;
    }
    if chars.get(at) == Some(&']') {
        at += 1;
    }
    (at..chars.len()).find(|&at| chars[at] == ']')
}

/// The class of `members`, the text between `[` and `]`. A `-` between two
/// members makes a range, unless it comes first or last, or right after a
/// range; a range whose ends are reversed is dropped, ends and all.
fn class(members: &[char]) -> String {
    let (negated, members) = match members.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, members),
    };
    let mut items: Vec<(char, char)> = Vec::new();
    let mut at = 0;
    while at < members.len() {
        let low = members[at];
        // A hyphen after a member and before another makes the two a range.
        if members.get(at + 1) == Some(&'-') && at + 2 < members.len() {
            let high = members[at + 2];
            if low <= high {
                items.push((low, high));
            }
            at += 3;
        } else {
            items.push((low, low));
            at += 1;
        }
    }
    match (negated, items.is_empty()) {
        // Nothing: no character is outside every character.
        (false, true) => r"[^\x00-\x{10FFFF}]".into(),
        (true, true) => ".".into(),
        (negated, false) => {
            let mut out = String::from(if negated { "[^" } else { "[" });
            for (low, high) in items {
                push_literal(&mut out, low);
                if high != low {
                    out.push('-');
                    push_literal(&mut out, high);
                }
            }
            out.push(']');
            out
        }
    }
}

/// `c`, escaped where the regular expression would read it otherwise, in
/// a class or out of one.
fn push_literal(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        let matchers = compile(&[pattern.to_string()]).unwrap();
        matches_any(&matchers, path)
    }

    #[test]
    fn patterns_are_read_as_fnmatch_reads_them() {
        // No alternation: braces are characters; a `[` no `]` closes is one.
        for (pattern, path, expected) in [
            ("{draft}.txt", "{draft}.txt", true),
            ("{a,b}.txt", "a.txt", false),
            ("meta/[a", "meta/[a", true),
            ("meta/[ab].txt", "meta/b.txt", true),
            ("meta/[]].txt", "meta/].txt", true),
            ("meta/[!]].txt", "meta/a.txt", true),
            ("meta/[!]].txt", "meta/].txt", false),
            // A class is copied whole: `[` and braces in it are members.
            ("meta/[[].txt", "meta/[.txt", true),
            ("meta/[{}].txt", "meta/{.txt", true),
            ("meta/[{}].txt", "meta/{}].txt", false),
            // No escapes: a backslash is a character.
            ("meta/\\{x", "meta/\\{x", true),
            ("meta/\\{x", "meta/{x", false),
            ("meta\\", "meta\\", true),
            // `^` first in a class is a member, not a negation.
            ("[^a]", "^", true),
            ("[^a]", "a", true),
            ("[^a]", "b", false),
            ("[^]", "^", true),
            // `*` matches `/`, and `**` is `*`: `**/x` needs a `/`.
            ("**/x", "a/b/x", true),
            ("**/x", "x", false),
            ("a*", "a/b", true),
            // Characters, not bytes.
            ("a?.txt", "aé.txt", true),
            ("b[é].txt", "bé.txt", true),
            ("c[!x].txt", "cé.txt", true),
            // A reversed range is no member; no POSIX classes.
            ("a[z-a]", "az", false),
            ("a[z-a]", "a-", false),
            ("[[:alpha:]]", "a]", true),
            ("[[:alpha:]]", "a", false),
        ] {
            assert_eq!(matches(pattern, path), expected, "{pattern} {path}");
        }
    }

    /// Every pattern of up to three characters of an alphabet with each
    /// character `fnmatch` treats apart, and every class of three members,
    /// against short paths, matched by Python's `fnmatch` and by
    /// [`compile`]: the same.
    #[test]
    fn every_short_pattern_matches_as_python_s_fnmatch() {
        let alphabet = ['a', 'z', '-', '!', '^', '[', ']', '*', '?', '\\', 'é', '/'];
        let mut patterns = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..3 {
            last = (last.iter())
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            patterns.extend(last.iter().cloned());
        }
        let members = ['a', 'z', '-', '!', '^', ']'];
        for x in members {
            for y in members {
                for z in members {
                    patterns.push(format!("[{x}{y}{z}]"));
                }
            }
        }
        let paths = [
            "", "a", "z", "-", "é", "a/z", "[a]", "!", "^", "]", "az-", "a\\",
        ];
        let mut python = Command::new("python3")
            .args([
                "-c",
                "import fnmatch, json, sys\n\
                 cases = json.load(sys.stdin)\n\
                 print(json.dumps([[fnmatch.fnmatchcase(path, p) for path in cases['paths']] \
                 for p in cases['patterns']]))",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3, which the tests need, runs");
        let cases = serde_json::json!({"patterns": patterns, "paths": paths});
        let mut stdin = python.stdin.take().unwrap();
        stdin.write_all(cases.to_string().as_bytes()).unwrap();
        drop(stdin);
        let output = python.wait_with_output().unwrap();
        assert!(output.status.success());
        let expected: Vec<Vec<bool>> = serde_json::from_slice(&output.stdout).unwrap();
        let mut differ = Vec::new();
        for (pattern, expected) in patterns.iter().zip(expected) {
            for (path, expected) in paths.iter().zip(expected) {
                if matches(pattern, path) != expected {
                    differ.push((pattern.clone(), *path, expected));
                }
            }
        }
        assert!(
            differ.is_empty(),
            "{} of {} differ, e.g. {:?}",
            differ.len(),
            patterns.len() * paths.len(),
            &differ[..differ.len().min(10)]
        );
    }
}
