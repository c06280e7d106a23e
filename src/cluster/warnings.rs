//! The API server's warnings (HTTP `Warning` response headers: Pod Security `warn` mode,
//! deprecated APIs and fields, ...), printed to stderr as kubectl prints them: `Warning: TEXT`,
//! each text once per run.
//!
//! kube's `Client` does not hand response headers back, so [`layer`] sits in the client's tower
//! stack and reads them off every response, failed requests included (kubectl shows those too).
//! Parsing and handling mirror client-go: `ParseWarningHeaders` in
//! k8s.io/apimachinery/pkg/util/net/http.go, and the `warningWriter` kubectl installs from
//! k8s.io/client-go/rest/warnings.go (`NewWarningWriter` with `Deduplicate: true`): only code 299
//! with a non-empty text is shown, and a malformed warning ends the parsing of its header value
//! (the warnings before it in that value still count).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use http::header::{HeaderMap, WARNING};
use http::Response;

/// One warning: `warn-code warn-agent "warn-text" ["warn-date"]` (RFC 7234 section 5.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningHeader {
    pub code: u16,
    pub agent: String,
    pub text: String,
}

/// Every warning in the header values, and why the ones that are not were skipped. Like
/// client-go, a value may hold several comma-separated warnings; the first malformed one ends
/// that value.
pub fn parse_warning_headers<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> (Vec<WarningHeader>, Vec<&'static str>) {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for value in values {
        let mut rest = value;
        while !rest.is_empty() {
            match parse_warning_header(rest) {
                Ok((warning, remainder)) => {
                    warnings.push(warning);
                    rest = remainder;
                }
                Err(error) => {
                    errors.push(error);
                    break;
                }
            }
        }
    }
    (warnings, errors)
}

/// The first warning in `header` and what follows it (after its comma).
fn parse_warning_header(header: &str) -> Result<(WarningHeader, &str), &'static str> {
    // client-go splits on single spaces: "299  - ..." has an empty agent and is refused.
    let mut parts = header.trim().splitn(3, ' ');
    let (Some(code), Some(agent), Some(text_and_rest)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("fewer than 3 segments");
    };
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("code segment is not 3 digits");
    }
    let code: u16 = code.parse().map_err(|_| "code segment is not 3 digits")?;
    if agent.is_empty() {
        return Err("empty agent segment");
    }
    if agent.chars().any(char::is_control) {
        return Err("invalid agent");
    }
    if text_and_rest.is_empty() {
        return Err("empty text segment");
    }
    // client-go also decodes RFC 2047 encoded words (RFC 2616 style); the API server writes
    // RFC 7234 quoted strings only, so such text is shown as sent.
    let (text, date_and_rest) = parse_quoted_string(text_and_rest)?;
    if text.chars().any(char::is_control) {
        return Err("invalid text");
    }
    let remainder = skip_date(date_and_rest)?;
    let remainder = match remainder.strip_prefix(',') {
        Some(next) => next.trim(),
        None if remainder.is_empty() => remainder,
        None => return Err("unexpected token after warn-date"),
    };
    let warning = WarningHeader {
        code,
        agent: agent.to_string(),
        text,
    };
    Ok((warning, remainder))
}

/// The optional quoted warn-date (no escapes inside, as in client-go) and what follows it.
fn skip_date(date_and_rest: &str) -> Result<&str, &'static str> {
    let Some(after_quote) = date_and_rest.strip_prefix('"') else {
        return Ok(date_and_rest);
    };
    match after_quote.find('"') {
        Some(end) => Ok(after_quote[end + 1..].trim()),
        None => Err("unterminated date segment"),
    }
}

/// A quoted string with backslash escapes (`\"`, `\\`; any other escaped character stands for
/// itself), and the trimmed rest after its closing quote.
fn parse_quoted_string(quoted: &str) -> Result<(String, &str), &'static str> {
    let Some(body) = quoted.strip_prefix('"') else {
        return Err(if quoted.is_empty() {
            "0-length quoted string"
        } else {
            "missing initial quote"
        });
    };
    let mut text = String::with_capacity(body.len());
    let mut escaping = false;
    for (at, c) in body.char_indices() {
        match c {
            '"' if !escaping => return Ok((text, body[at + 1..].trim())),
            '\\' if !escaping => escaping = true,
            _ => {
                text.push(c);
                escaping = false;
            }
        }
    }
    Err("missing closing quote")
}

/// Whether warnings are printed at all: commands turn it on; shell completion, which must stay
/// quiet, does not.
static ENABLED: AtomicBool = AtomicBool::new(false);
/// `Warning:` in bold yellow, as kubectl does when stderr is a terminal that takes colour.
static COLOR: AtomicBool = AtomicBool::new(false);
/// The texts already printed in this run.
static PRINTED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

type Writer = Box<dyn Fn(&str) + Send>;
/// Where the lines go instead of straight to stderr while progress bars are drawn (they are
/// printed above the bars, so neither overwrites the other).
static WRITER: Mutex<Option<Writer>> = Mutex::new(None);

/// Commands call this once, before they connect.
pub fn enable(color: bool) {
    COLOR.store(color, Ordering::Relaxed);
    ENABLED.store(true, Ordering::Relaxed);
}

/// Sends warning lines to `writer` (e.g. above progress bars) until [`restore_stderr`].
pub fn redirect(writer: Writer) {
    if let Ok(mut slot) = WRITER.lock() {
        *slot = Some(writer);
    }
}

pub fn restore_stderr() {
    if let Ok(mut slot) = WRITER.lock() {
        *slot = None;
    }
}

/// The texts to show of these warnings: code 299, not empty, not shown before in this run.
fn to_show(warnings: Vec<WarningHeader>, printed: &mut BTreeSet<String>) -> Vec<String> {
    warnings
        .into_iter()
        .filter(|w| w.code == 299 && !w.text.is_empty())
        .filter_map(|w| printed.insert(w.text.clone()).then_some(w.text))
        .collect()
}

/// The line kubectl prints for a warning.
pub fn line(text: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[33;1mWarning:\u{1b}[0m {text}")
    } else {
        format!("Warning: {text}")
    }
}

/// Prints the warnings in a response's headers.
fn handle(headers: &HeaderMap) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    // Header values are bytes; the server writes UTF-8 (object names, messages).
    let values = headers
        .get_all(WARNING)
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok());
    let (warnings, errors) = parse_warning_headers(values);
    for error in errors {
        tracing::debug!(error, "skipping a malformed Warning header");
    }
    let texts = match PRINTED.lock() {
        Ok(mut printed) => to_show(warnings, &mut printed),
        Err(_) => return,
    };
    let color = COLOR.load(Ordering::Relaxed);
    for text in texts {
        let line = line(&text, color);
        match WRITER.lock().as_deref() {
            Ok(Some(writer)) => writer(&line),
            _ => eprintln!("{line}"),
        }
    }
}

/// Reads the warnings off a response; nothing is allocated when there are none.
pub fn forward_warnings<B>(response: Response<B>) -> Response<B> {
    if response.headers().contains_key(WARNING) {
        handle(response.headers());
    }
    response
}

/// The tower layer for the client's stack.
pub fn layer<B>() -> tower::util::MapResponseLayer<fn(Response<B>) -> Response<B>> {
    tower::util::MapResponseLayer::new(forward_warnings::<B>)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(code: u16, agent: &str, text: &str) -> WarningHeader {
        WarningHeader {
            code,
            agent: agent.into(),
            text: text.into(),
        }
    }

    fn parsed(values: &[&str]) -> Vec<WarningHeader> {
        parse_warning_headers(values.iter().copied()).0
    }

    #[test]
    fn a_kubernetes_warning_is_code_agent_and_quoted_text() {
        assert_eq!(
            parsed(&[r#"299 - "would violate PodSecurity \"baseline:latest\": privileged""#]),
            [warning(
                299,
                "-",
                r#"would violate PodSecurity "baseline:latest": privileged"#
            )]
        );
    }

    #[test]
    fn escapes_stand_for_the_character_after_the_backslash() {
        assert_eq!(
            parsed(&[r#"299 - "a \\ b \"c\" \d""#]),
            [warning(299, "-", r#"a \ b "c" d"#)]
        );
    }

    #[test]
    fn several_warnings_in_one_value_and_several_values() {
        let values = [
            r#"299 - "one", 299 kube-apiserver "two" "Wed, 21 Oct 2015 07:28:00 GMT",299 - "three""#,
            r#"  299 - "four"  "#,
        ];
        let texts: Vec<String> = parsed(&values).into_iter().map(|w| w.text).collect();
        assert_eq!(texts, ["one", "two", "three", "four"]);
    }

    #[test]
    fn a_malformed_warning_ends_its_value_only() {
        let cases: [(&str, &str); 10] = [
            ("299 -", "fewer than 3 segments"),
            ("299 a\u{1}b \"x\"", "invalid agent"),
            (r#"29 - "x""#, "code segment is not 3 digits"),
            (r#"2x9 - "x""#, "code segment is not 3 digits"),
            (r#"299  "x""#, "empty agent segment"),
            ("299 - x", "missing initial quote"),
            (r#"299 - "unterminated"#, "missing closing quote"),
            (r#"299 - "x" "date"#, "unterminated date segment"),
            (r#"299 - "x" junk"#, "unexpected token after warn-date"),
            ("299 - \"bell\u{7}\"", "invalid text"),
        ];
        for (value, error) in cases {
            let (warnings, errors) = parse_warning_headers([value, r#"299 - "next""#]);
            assert_eq!(warnings, [warning(299, "-", "next")], "{value:?}");
            assert_eq!(errors, [error], "{value:?}");
        }
        let (warnings, errors) =
            parse_warning_headers([r#"299 - "kept", 299 - bad, 299 - "lost""#]);
        assert_eq!(warnings, [warning(299, "-", "kept")]);
        assert_eq!(errors, ["missing initial quote"]);
    }

    #[test]
    fn only_new_299_warnings_with_text_are_shown() {
        let mut printed = BTreeSet::new();
        let first = to_show(
            vec![
                warning(299, "-", "deprecated"),
                warning(199, "-", "misc"),
                warning(214, "-", "transformed"),
                warning(299, "-", ""),
                warning(299, "other-agent", "deprecated"),
            ],
            &mut printed,
        );
        assert_eq!(first, ["deprecated"]);
        let second = to_show(
            vec![warning(299, "-", "deprecated"), warning(299, "-", "new")],
            &mut printed,
        );
        assert_eq!(second, ["new"]);
    }

    #[test]
    fn lines_read_as_kubectl_prints_them() {
        assert_eq!(line("x", false), "Warning: x");
        assert_eq!(line("x", true), "\u{1b}[33;1mWarning:\u{1b}[0m x");
    }

    #[test]
    fn responses_pass_through_unchanged() {
        let response = Response::builder()
            .header(WARNING, r#"299 - "x""#)
            .body("body")
            .unwrap();
        let response = forward_warnings(response);
        assert_eq!(*response.body(), "body");
        assert_eq!(response.headers().len(), 1);
    }
}
