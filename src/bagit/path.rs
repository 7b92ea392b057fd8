//! Paths inside a bag: which can be used safely, and which name the clutter
//! operating systems leave in folders.

/// Why `path` (relative to the bag root, `/`-separated, a leading `./`
/// already removed) cannot be used inside a bag, or `None` if it can. The
/// rejected forms could reach outside the bag (RFC 8493 §4.1: `..`, `/`,
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
