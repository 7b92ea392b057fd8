//! A profile's file patterns, read as Python's `fnmatch` reads them, as
//! bagit-profile (the library bdbag uses) does: `*` is any text, `/`
//! included, `?` any one character, `[…]` one character of a class (`!`
//! first negates it, `^` first is a member, a `]` first is a member, and a
//! range whose ends are reversed, `z-a`, is no member), and anything else,
//! braces and backslashes too, is itself; a `[` that no `]` closes is a
//! character. Characters, not bytes: `?` matches `é`.

/// One part of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// `*`: any text, `/` included.
    Star,
    /// `?`: any one character.
    Any,
    /// A class: one character in one of its ranges, or with `negated`,
    /// in none of them (an empty class matches no character, an empty
    /// negated one any). The ranges are sorted and apart, for a binary
    /// search: a class may have thousands.
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    /// The character itself.
    Literal(char),
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Star | Token::Any => true,
            Token::Class { ranges, negated } => {
                let found = ranges.binary_search_by(|&(low, high)| {
                    if high < c {
                        std::cmp::Ordering::Less
                    } else if low > c {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                });
                found.is_ok() != *negated
            }
            Token::Literal(literal) => *literal == c,
        }
    }
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(super) struct Matcher(Vec<Token>);

impl Matcher {
    /// Whether the whole of `path` matches, as `fnmatch.fnmatchcase` says.
    /// A mismatch goes back to the last `*` only, one character further:
    /// what an earlier `*` took, a later one can take too. So the time is
    /// at most the product of the lengths, and near their sum for the
    /// patterns of profiles (`*a*a*…*b` against a long name).
    fn is_match(&self, path: &str) -> bool {
        let text: Vec<char> = path.chars().collect();
        let tokens = &self.0;
        let (mut t, mut p) = (0, 0);
        // After the last `*` seen: the token after it, and where in the
        // text it was last tried.
        let mut resume: Option<(usize, usize)> = None;
        while t < text.len() {
            match tokens.get(p) {
                Some(Token::Star) => {
                    p += 1;
                    resume = Some((p, t));
                }
                Some(token) if token.matches(text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match resume {
                    Some((after_star, tried)) => {
                        p = after_star;
                        t = tried + 1;
                        resume = Some((after_star, t));
                    }
                    None => return false,
                },
            }
        }
        tokens[p..].iter().all(|token| *token == Token::Star)
    }
}

/// The matchers of `patterns`. Every text is a pattern to `fnmatch`, so
/// none is refused.
pub(super) fn compile(patterns: &[String]) -> Vec<Matcher> {
    patterns
        .iter()
        .map(|pattern| Matcher(tokens(pattern)))
        .collect()
}

/// Whether one of `matchers` matches `path`.
pub(super) fn matches_any(matchers: &[Matcher], path: &str) -> bool {
    matchers.iter().any(|m| m.is_match(path))
}

/// The tokens of `pattern`, read as Python's `fnmatch.translate` reads it.
fn tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let token = match c {
            '*' => {
                while chars.get(i) == Some(&'*') {
                    i += 1;
                }
                Token::Star
            }
            '?' => Token::Any,
            '[' => match class_end(&chars, i) {
                Some(end) => {
                    let class = class(&chars[i..end]);
                    i = end + 1;
                    class
                }
                None => Token::Literal('['),
            },
            c => Token::Literal(c),
        };
        tokens.push(token);
    }
    tokens
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
/// range; a range whose ends are reversed is dropped, ends and all. A `!`
/// that starts what is left negates the class: first, or right after
/// reversed ranges that began it (`[z-a!b]` is any character but `b`).
fn class(members: &[char]) -> Token {
    let (mut negated, members) = match members.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, members),
    };
    let mut ranges = Vec::new();
    let mut at = 0;
    while at < members.len() {
        let low = members[at];
        // Unless it begins a reversed range itself, dropped with it.
        let begins_reversed = members.get(at + 1) == Some(&'-')
            && members.get(at + 2).is_some_and(|&high| high < low);
        if low == '!' && !negated && at > 0 && ranges.is_empty() && !begins_reversed {
            negated = true;
            // A range it began, `!-y`, leaves its `-` and `y` as members,
            // and `y` begins no range, as the range's end would not.
            match members.get(at + 1..at + 3) {
                Some(&['-', high]) => {
                    ranges.extend([('-', '-'), (high, high)]);
                    at += 3;
                }
                _ => at += 1,
            }
            continue;
        }
        // A hyphen after a member and before another makes the two a range.
        if members.get(at + 1) == Some(&'-') && at + 2 < members.len() {
            let high = members[at + 2];
            if low <= high {
                ranges.push((low, high));
            }
            at += 3;
        } else {
            ranges.push((low, low));
            at += 1;
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (low, high) in ranges {
        match merged.last_mut() {
            Some(last) if low <= last.1 => last.1 = last.1.max(high),
            _ => merged.push((low, high)),
        }
    }
    Token::Class {
        ranges: merged,
        negated,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        matches_any(&compile(&[pattern.to_string()]), path)
    }

    #[test]
    fn long_patterns_and_paths_match() {
        assert!(matches(&"?".repeat(50_000), &"a".repeat(50_000)));
        // Python's fnmatch takes this in milliseconds, and so does going
        // back to the last star; a regular expression took seconds.
        let pattern = format!("data/{}*b", "*a".repeat(2000));
        let path = format!("data/{}", "a".repeat(60_000));
        assert!(!matches(&pattern, &path));
        assert!(matches(&pattern, &format!("{path}b")));
        // A class of 60,000 members under a star: each character is
        // looked up, not compared with every member.
        let class = format!("*[{}]x", "b".repeat(60_000));
        assert!(!matches(&class, &"a".repeat(100_000)));
        assert!(matches(&class, &format!("{}bx", "a".repeat(100_000))));
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
            // A `!` left first by a reversed range dropped negates.
            ("[z-a!]", "b", true),
            ("[z-a!b]", "c", true),
            ("[z-a!b]", "b", false),
            ("[a--!]", "x", true),
            ("[z-ay-b!]", "q", true),
            ("[z-a!-x]", "-", false),
            ("[z-a!-x]", "b", true),
            ("[z-a!-\t]", "b", false),
            ("[b--!-\0--]", "-", true),
            ("[\u{10ffff}-|!-\\-A-z]", "b", false),
            ("[\u{10ffff}-|!-\\-A-z]", "!", true),
            // A reversed range is no member; no POSIX classes.
            ("a[z-a]", "az", false),
            ("a[z-a]", "a-", false),
            ("[[:alpha:]]", "a]", true),
            ("[[:alpha:]]", "a", false),
        ] {
            assert_eq!(matches(pattern, path), expected, "{pattern} {path}");
        }
    }

    /// Every pattern of up to four characters of an alphabet with each
    /// character `fnmatch` treats apart, and every class of five members,
    /// against short paths, matched by Python's `fnmatch` and by
    /// [`compile`]: the same.
    #[test]
    fn every_short_pattern_matches_as_python_s_fnmatch() {
        let alphabet = ['a', 'z', '-', '!', '^', '[', ']', '*', '?', '\\', 'é', '/'];
        let mut patterns = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = (last.iter())
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            patterns.extend(last.iter().cloned());
        }
        // And every class of five members.
        let members = ['a', 'z', '-', '!', '^', ']'];
        let mut classes = vec![String::new()];
        for _ in 0..5 {
            classes = (classes.iter())
                .flat_map(|c| members.iter().map(move |m| format!("{c}{m}")))
                .collect();
        }
        patterns.extend(classes.iter().map(|c| format!("[{c}]")));
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
