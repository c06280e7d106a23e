//! Turning results into text: kubectl-style tables, JSON/YAML, colour decisions.

pub mod preview;
pub mod progress;
pub mod prompt;
mod table;

use std::io::{IsTerminal, Write};

use anyhow::Context;
use serde::Serialize;

pub use table::{Cell, Table, Tone};

use crate::cli::ColorChoice;

/// Colour only where a person reads it: `--color always` forces it; `auto` needs a terminal on
/// stdout and no `NO_COLOR` (any non-empty value, per no-color.org); `never` never.
pub fn use_color(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    color_decision(choice, std::io::stdout().is_terminal(), no_color)
}

/// The same decision for stderr (the server's warnings), which may be a terminal when stdout is
/// not.
pub fn use_color_on_stderr(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    color_decision(choice, std::io::stderr().is_terminal(), no_color)
}

fn color_decision(choice: ColorChoice, stdout_is_tty: bool, no_color_env: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_tty && !no_color_env,
    }
}

/// "1 node", "3 nodes".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// A revision number, marked and coloured when it is the current one.
pub fn revision_cell(revision: i64, current: bool) -> Cell {
    if current {
        Cell::toned(format!("{revision} (current)"), Tone::Good)
    } else {
        Cell::from(revision.to_string())
    }
}

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // Buffered: stdout alone is line-buffered, which costs a syscall per line of a big report.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).context("writing JSON")?;
    writeln!(out).context("writing JSON")?;
    out.flush().context("writing JSON")?;
    Ok(())
}

pub fn print_yaml<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_yaml::to_string(value).context("rendering YAML")?;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing YAML")?;
    Ok(())
}

pub fn print_lines<I: IntoIterator<Item = String>>(lines: I) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").context("writing output")?;
    }
    Ok(())
}

/// kubectl's short ages: 45s, 12m, 5h, 3d, 2y (two units where kubectl shows two: 3m20s, 5h10m, 3d4h).
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86400);
    match s {
        _ if s < 120 => format!("{s}s"),
        _ if m < 10 => match s % 60 {
            0 => format!("{m}m"),
            rem => format!("{m}m{rem}s"),
        },
        _ if h < 3 => format!("{m}m"),
        _ if h < 8 => match m % 60 {
            0 => format!("{h}h"),
            rem => format!("{h}h{rem}m"),
        },
        _ if h < 48 => format!("{h}h"),
        _ if d < 8 => match h % 24 {
            0 => format!("{d}d"),
            rem => format!("{d}d{rem}h"),
        },
        _ if d < 365 * 2 => format!("{d}d"),
        _ if d < 365 * 8 => match d % 365 {
            0 => format!("{}y", d / 365),
            rem => format!("{}y{rem}d", d / 365),
        },
        _ => format!("{}y", d / 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_flag_tty_and_no_color() {
        use ColorChoice::*;
        let cases = [
            ((Always, false, true), true),
            ((Never, true, false), false),
            ((Auto, true, false), true),
            ((Auto, false, false), false),
            ((Auto, true, true), false),
        ];
        for ((choice, tty, no_color), want) in cases {
            assert_eq!(
                color_decision(choice, tty, no_color),
                want,
                "{choice:?} tty={tty} NO_COLOR={no_color}"
            );
        }
    }

    #[test]
    fn ages_match_kubectl_human_duration() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (119, "119s"),
            (120, "2m"),
            (200, "3m20s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (5 * 3600 + 600, "5h10m"),
            (30 * 3600, "30h"),
            (3 * 86400 + 4 * 3600, "3d4h"),
            (100 * 86400, "100d"),
            (3 * 365 * 86400 + 86400, "3y1d"),
            (-5, "0s"),
        ];
        for (seconds, want) in cases {
            assert_eq!(age(seconds), want, "{seconds}s");
        }
    }
}
