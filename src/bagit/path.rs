//! Paths inside a bag: which can be used safely, and which name the clutter
//! operating systems leave in folders.

/// Why `path` (relative to the bag root, `/`-separated, a leading `./`
/// already removed, and the empty and `.` components inside it when read
/// from a manifest: [`without_redundant_components`]) cannot be used inside
/// a bag, or `None` if it can. The
/// rejected forms could reach outside the bag (RFC 8493 §5.1: `..`, `/`,
/// `~`) or mean different files on different systems (a backslash or drive
/// letter on Windows, empty or `.` components).
pub fn unsafe_reason(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if path.is_empty() {
        Some("it is empty")
    } else if path.contains('\0') {
        Some("it holds a NUL character")
    } else if path.starts_with('/') {
        Some("it is absolute")
    } else if path.starts_with('~') {
        Some("it starts with ~ (a home directory)")
    } else if path.contains('\\') {
        Some("it contains a backslash, a separator on Windows")
    } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        Some("it starts with a drive letter")
    } else if path.split('/').any(|c| c == "..") {
        Some("it has a .. component that could leave the bag")
    } else if path.split('/').any(|c| c.is_empty() || c == ".") {
        Some("it has an empty or . component")
    } else {
        None
    }
}

/// `path` without the empty and `.` components inside it, if it has any:
/// `data//a` and `data/./a` are `data/a`. Each names the directory it is
/// in, so the path names the same file, and none can take it out of the
/// bag: RFC 8493 §2.1.3 asks for "the pathname of a file relative to the
/// base directory", and its ABNF (§7.2, non-normative) allows them. A first
/// component that is empty (an absolute path, unless `after_dot_slash`
/// says a leading `./` was removed before it, as in `.//data/a`) and a last
/// one that is empty or `.` (the path of a directory) are kept, as is every
/// other, `..` included, for [`unsafe_reason`] to judge.
pub fn without_redundant_components(path: &str, after_dot_slash: bool) -> Option<String> {
    let last = path.split('/').count() - 1;
    let redundant = |at: usize, component: &str| {
        at < last && (component == "." || (component.is_empty() && (at > 0 || after_dot_slash)))
    };
    if !(path.split('/').enumerate()).any(|(at, component)| redundant(at, component)) {
        return None;
    }
    let kept: Vec<&str> = (path.split('/').enumerate())
        .filter(|&(at, component)| !redundant(at, component))
        .map(|(_, component)| component)
        .collect();
    Some(kept.join("/"))
}

/// A path as a manifest or `fetch.txt` writes it, read as the path of the
/// bag it names.
#[derive(Debug, PartialEq, Eq)]
pub struct ListedPath {
    /// The path without a leading `./` (the bag root) and without the
    /// empty and `.` components inside it.
    pub path: String,
    /// Whether it was written with a leading `./`.
    pub dot_slash: bool,
    /// Whether it was written with empty or `.` components inside it.
    pub redundant: bool,
}

/// Reads `written`, a path a manifest or `fetch.txt` lists (see
/// [`ListedPath`] and [`without_redundant_components`]).
pub fn read_listed(written: &str) -> ListedPath {
    let rest = written.strip_prefix("./");
    let dot_slash = rest.is_some();
    let rest = rest.unwrap_or(written);
    match without_redundant_components(rest, dot_slash) {
        Some(path) => ListedPath {
            path,
            dot_slash,
            redundant: true,
        },
        None => ListedPath {
            path: rest.to_string(),
            dot_slash,
            redundant: false,
        },
    }
}

/// Names of files and folders that operating systems create by themselves
/// (Finder, Explorer, Spotlight), compared without regard to ASCII case.
const SYSTEM_NAMES: [&str; 10] = [
    ".DS_Store",
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    ".Spotlight-V100",
    ".Trashes",
    ".fseventsd",
    ".TemporaryItems",
    "__MACOSX",
    "$RECYCLE.BIN",
];

/// Whether `path` is, or lies in, operating-system clutter: `.DS_Store`,
/// `Thumbs.db`, AppleDouble `._*` files, `__MACOSX/` and the like.
pub fn is_system_file(path: &str) -> bool {
    path.split('/').any(|component| {
        component.starts_with("._")
            || SYSTEM_NAMES
                .iter()
                .any(|name| component.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_path_is_read_without_its_leading_dot_slash_and_redundant_components() {
        let listed = |path: &str, dot_slash, redundant| ListedPath {
            path: path.to_string(),
            dot_slash,
            redundant,
        };
        assert_eq!(read_listed("data/a"), listed("data/a", false, false));
        assert_eq!(read_listed("./data/a"), listed("data/a", true, false));
        assert_eq!(read_listed("data/./a"), listed("data/a", false, true));
        assert_eq!(read_listed(".//data//a"), listed("data/a", true, true));
        // Left for unsafe_reason: a .. and an absolute path.
        assert_eq!(read_listed("./data/../a"), listed("data/../a", true, false));
        assert_eq!(read_listed("/data/a"), listed("/data/a", false, false));
    }

    #[test]
    fn rejects_paths_that_could_leave_the_bag() {
        for bad in [
            "",
            "/tmp/foo",
            "~/foo",
            "~root/foo",
            "../../../README.md",
            "data/../../x",
            "C:\\Windows\\System32\\setx.exe",
            "c:x",
            "%HomeDrive%\\Windows",
            "\\\\?\\UNC\\server\\x",
            "data//x",
            "data/./x",
            "data/x/",
            "data/\0x",
        ] {
            assert!(unsafe_reason(bad).is_some(), "{bad:?} accepted");
        }
        for good in [
            "data/a",
            "data/..a/b..",
            "data/%7E~x",
            "bagit.txt",
            "data/a:b",
        ] {
            assert_eq!(unsafe_reason(good), None, "{good:?}");
        }
    }

    #[test]
    fn drops_the_empty_and_dot_components_inside_a_path() {
        let normal = |path| without_redundant_components(path, false);
        for (path, meant) in [
            ("data//a.txt", "data/a.txt"),
            ("data/./a.txt", "data/a.txt"),
            ("data/.//./sub///a", "data/sub/a"),
            ("./data/a", "data/a"),
            ("data//sub/", "data/sub/"),
            ("data/./sub/.", "data/sub/."),
            // What is left is judged as any path is.
            ("data/.//../x", "data/../x"),
            ("/.//tmp/x", "/tmp/x"),
            ("~//x", "~/x"),
            ("./", ""),
        ] {
            assert_eq!(normal(path).as_deref(), Some(meant), "{path:?}");
        }
        for kept in [
            "",
            "data/a",
            "data/a/",
            "/",
            "/x",
            "data/.",
            ".",
            "..",
            "data/../x",
            "data/..a/.b",
        ] {
            assert_eq!(normal(kept), None, "{kept:?}");
        }
        // After a leading ./, read as the bag root, a / is inside the path.
        let after_dot_slash = |path| without_redundant_components(path, true);
        assert_eq!(after_dot_slash("/data/a").as_deref(), Some("data/a"));
        assert_eq!(after_dot_slash("//data/a").as_deref(), Some("data/a"));
        assert_eq!(after_dot_slash("data/a"), None);
        assert_eq!(after_dot_slash("/").as_deref(), Some(""));
        for unsafe_still in ["data/../x", "/tmp/x", "~/x", "data/."] {
            assert!(unsafe_reason(unsafe_still).is_some(), "{unsafe_still:?}");
        }
    }

    #[test]
    fn knows_system_clutter() {
        for clutter in [
            "data/.DS_Store",
            "data/sub/thumbs.db",
            "data/._letter.txt",
            "data/__MACOSX/x",
        ] {
            assert!(is_system_file(clutter), "{clutter}");
        }
        assert!(!is_system_file("data/DS_Store.txt"));
        assert!(!is_system_file("data/a._b"));
    }
}
