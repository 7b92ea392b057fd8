//! A profile's file patterns, read as Python's `fnmatch` reads them, as
//! bagit-profile (the library bdbag uses) does.

use globset::{GlobBuilder, GlobMatcher};

/// The matchers of `patterns`, or why one is not a glob.
pub(super) fn compile(patterns: &[String]) -> std::result::Result<Vec<GlobMatcher>, String> {
    patterns
        .iter()
        .map(|pattern| {
            GlobBuilder::new(&fnmatch_pattern(pattern))
                .backslash_escape(false)
                .build()
                .map(|glob| glob.compile_matcher())
                .map_err(|e| format!("pattern {pattern:?} is not a glob: {e}"))
        })
        .collect()
}

/// `pattern` as globset reads Python's `fnmatch`, which bagit-profile
/// uses: braces are characters (glob(7) has no alternation), so is a
/// backslash (no escapes) and a `[` that no `]` closes; a run of `*` is one
/// `*` (`**/x` needs a `/`); in a class, `!` negates and a `^` first is a
/// member. Compiled without backslash escapes (see [`compile`]).
fn fnmatch_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '*' => {
                out.push('*');
                rest = rest.trim_start_matches('*');
            }
            '{' => out.push_str("[{]"),
            '}' => out.push_str("[}]"),
            '[' => match class_end(rest) {
                Some(end) => {
                    out.push_str(&fnmatch_class(&rest[..end]));
                    rest = &rest[end + 1..];
                }
                None => out.push_str("[[]"),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Where the `]` that closes a class is in `class`, the text after its
/// `[`: the first member (after an optional `!`) is one even if a `]`.
fn class_end(class: &str) -> Option<usize> {
    let negation = usize::from(class.starts_with('!'));
    let mut members = class[negation..].char_indices();
    members.next()?;
    let (at, _) = members.find(|(_, c)| *c == ']')?;
    Some(negation + at)
}

/// A class of `fnmatch`, its members `body`, as globset reads it: a `^`
/// first, a member to fnmatch, is moved last, where globset takes it as
/// one too.
fn fnmatch_class(body: &str) -> String {
    let (negation, members) = match body.strip_prefix('!') {
        Some(members) => ("!", members),
        None => ("", body),
    };
    match members.strip_prefix('^') {
        Some("") if negation.is_empty() => "^".into(),
        Some(others) => format!("[{negation}{others}^]"),
        None => format!("[{negation}{members}]"),
    }
}

/// Whether one of `matchers` matches `path`.
pub(super) fn matches_any(matchers: &[GlobMatcher], path: &str) -> bool {
    matchers.iter().any(|m| m.is_match(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_read_as_fnmatch_reads_them() {
        // No alternation: braces are characters; a `[` no `]` closes is one.
        for (pattern, path, matches) in [
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
        ] {
            let matchers = compile(&[pattern.to_string()]).unwrap();
            assert_eq!(matches_any(&matchers, path), matches, "{pattern} {path}");
        }
    }
}
