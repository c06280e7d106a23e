//! Unified diffs of YAML renderings, coloured like `git diff` when colour is on.

use similar::{ChangeTag, TextDiff};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// A unified diff with three lines of context; empty when the texts are equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let groups = diff.grouped_ops(3);
    if groups.is_empty() {
        return String::new();
    }
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    out.push_str(&paint(BOLD, &format!("--- {old_label}")));
    out.push('\n');
    out.push_str(&paint(BOLD, &format!("+++ {new_label}")));
    out.push('\n');
    for group in groups {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_start = first.old_range().start;
        let old_len = last.old_range().end - old_start;
        let new_start = first.new_range().start;
        let new_len = last.new_range().end - new_start;
        let header = format!(
            "@@ -{} +{} @@",
            range(old_start, old_len),
            range(new_start, new_len)
        );
        out.push_str(&paint(CYAN, &header));
        out.push('\n');
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let (sign, code) = match change.tag() {
                    ChangeTag::Delete => ("-", Some(RED)),
                    ChangeTag::Insert => ("+", Some(GREEN)),
                    ChangeTag::Equal => (" ", None),
                };
                let text = format!("{sign}{line}");
                match code {
                    Some(code) => out.push_str(&paint(code, &text)),
                    None => out.push_str(&text),
                }
                out.push('\n');
            }
        }
    }
    out
}

/// `start,len` as unified diffs write it (1-based; `start,0` for an empty side).
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_hunks_with_and_without_colour() {
        let old = "a: 1\nb: 2\nc: 3\n";
        let new = "a: 1\nb: 5\nc: 3\nd: 4\n";
        let plain = unified(old, new, "live", "manifest", false);
        assert_eq!(
            plain,
            "--- live\n+++ manifest\n@@ -1,3 +1,4 @@\n a: 1\n-b: 2\n+b: 5\n c: 3\n+d: 4\n"
        );
        let colored = unified(old, new, "live", "manifest", true);
        assert!(colored.contains("\x1b[31m-b: 2\x1b[0m"));
        assert!(colored.contains("\x1b[32m+b: 5\x1b[0m"));
        assert_eq!(unified(old, old, "a", "b", true), "");
    }

    #[test]
    fn a_new_object_is_all_additions() {
        let plain = unified("", "a: 1\n", "live", "manifest", false);
        assert_eq!(plain, "--- live\n+++ manifest\n@@ -0,0 +1 @@\n+a: 1\n");
    }
}
