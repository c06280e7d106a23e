//! kubectl-style tables: upper-case headers, no borders, three spaces between columns.

use comfy_table::{presets::NOTHING, Color, ContentArrangement};

/// How a cell should read when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: text.into(),
            tone,
        }
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(text: T) -> Self {
        Self::toned(text, Tone::Plain)
    }
}

pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

const COLUMN_GAP: u16 = 3;

impl Table {
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Self {
            headers: headers.iter().map(|h| h.as_ref().to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    pub fn render(&self, headers: bool, color: bool) -> String {
        let mut table = comfy_table::Table::new();
        table
            .load_style(NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        if headers {
            table.set_header(self.headers.iter().map(comfy_table::Cell::new));
        }
        for row in &self.rows {
            table.add_row(row.iter().map(|c| styled(c, color)));
        }
        let last = self.headers.len().saturating_sub(1);
        for (i, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, if i == last { 0 } else { COLUMN_GAP }));
        }
        let mut out: String = table
            .lines()
            .map(|line| line.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

fn styled(cell: &Cell, color: bool) -> comfy_table::Cell {
    let plain = comfy_table::Cell::new(&cell.text);
    if !color {
        return plain;
    }
    match cell.tone {
        Tone::Plain => plain,
        Tone::Good => plain.fg(Color::Green),
        Tone::Warn => plain.fg(Color::Yellow),
        Tone::Bad => plain.fg(Color::Red),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&["NAME", "READY", "NODE SELECTOR"]);
        t.push(vec![
            "agent".into(),
            Cell::toned("3", Tone::Good),
            "<none>".into(),
        ]);
        t.push(vec![
            "long-name-agent".into(),
            Cell::toned("0", Tone::Bad),
            "os=linux".into(),
        ]);
        t
    }

    #[test]
    fn renders_like_kubectl() {
        assert_eq!(
            sample().render(true, false),
            "NAME              READY   NODE SELECTOR\n\
             agent             3       <none>\n\
             long-name-agent   0       os=linux\n"
        );
    }

    #[test]
    fn no_headers_drops_the_first_line() {
        assert_eq!(
            sample().render(false, false),
            "agent             3   <none>\n\
             long-name-agent   0   os=linux\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!sample().render(true, false).contains('\u{1b}'));
        let coloured = sample().render(true, true);
        assert!(coloured.contains("\u{1b}["), "{coloured:?}");
        // Escape codes must not widen the columns.
        let plain_width = sample().render(true, false).lines().nth(1).map(str::len);
        let stripped: String = coloured
            .lines()
            .nth(1)
            .unwrap()
            .split('\u{1b}')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |(_, rest)| rest)
                }
            })
            .collect();
        assert_eq!(Some(stripped.len()), plain_width);
    }

    #[test]
    fn empty_table_is_empty() {
        assert_eq!(Table::new(&["A"]).render(false, false), "");
    }
}
