//! `-v` levels through `tracing`, to stderr, with credentials scrubbed from every line.
//!
//! Libraries (kube, hyper, rustls) decide what they log; we cannot audit every future version, so
//! each formatted event passes through [`redact`] before it reaches stderr. It removes the exact
//! secrets of the kubeconfig in use (registered by the cluster module once loaded) and anything
//! shaped like a bearer token or a PEM private key.

use std::io::{self, Write};
use std::sync::{OnceLock, RwLock};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

const REDACTED: &str = "[REDACTED]";
/// Set to a tracing filter (e.g. `kube=trace`) to override what `-v` selects.
pub const LOG_ENV: &str = "KUBECTL_DS_LOG";

static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();

pub fn init(verbosity: u8) {
    let filter = std::env::var(LOG_ENV)
        .ok()
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .unwrap_or_else(|| EnvFilter::new(filter_for(verbosity)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactingStderr)
        .with_ansi(false)
        .with_target(verbosity >= 2)
        .try_init();
}

/// The filter each `-v` level selects: our own events first, the libraries' from -vv on.
fn filter_for(verbosity: u8) -> &'static str {
    match verbosity {
        // Our own warnings only: library errors surface as our one-line error instead.
        0 => "off,kubectl_ds=warn",
        1 => "off,kubectl_ds=info,kube_client=warn,kube_runtime=warn",
        2 => "off,kubectl_ds=debug,kube_client=debug,kube_runtime=debug",
        3 => "off,kubectl_ds=trace,kube_client=trace,kube_runtime=trace,hyper_util=debug,rustls=debug",
        _ => "trace",
    }
}

/// Registers values that must never appear in a log line (tokens, passwords, key material).
pub fn register_secret(secret: &str) {
    // Very short values would redact ordinary words; real credentials are long.
    if secret.len() < 8 {
        return;
    }
    let lock = SECRETS.get_or_init(|| RwLock::new(Vec::new()));
    if let Ok(mut secrets) = lock.write() {
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_string());
        }
    }
}

pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    if let Some(Ok(secrets)) = SECRETS.get().map(|l| l.read()) {
        for secret in secrets.iter() {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    let out = redact_after(&out, "bearer ");
    redact_private_keys(&redact_after(&out, "basic "))
}

/// Replaces the word after each (case-insensitive) `scheme` in an Authorization-like value.
fn redact_after(line: &str, scheme: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(found) = find_ignore_case(rest, scheme) {
        let token_start = found + scheme.len();
        out.push_str(&rest[..token_start]);
        let token_len = rest[token_start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .unwrap_or(rest.len() - token_start);
        if token_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &rest[token_start + token_len..];
    }
    out.push_str(rest);
    out
}

fn redact_private_keys(line: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(BEGIN) {
        let label_start = start + BEGIN.len();
        let is_key = rest[label_start..]
            .find("-----")
            .is_some_and(|len| rest[label_start..label_start + len].ends_with("PRIVATE KEY"));
        if !is_key {
            out.push_str(&rest[..label_start]);
            rest = &rest[label_start..];
            continue;
        }
        out.push_str(&rest[..start]);
        out.push_str(REDACTED);
        rest = after_pem_block(&rest[start..]);
    }
    out.push_str(rest);
    out
}

/// What follows `-----END <label>-----`; nothing when the block is cut off.
fn after_pem_block(block: &str) -> &str {
    const END: &str = "-----END ";
    block
        .find(END)
        .and_then(|e| {
            let label = e + END.len();
            block[label..]
                .find("-----")
                .map(|c| &block[label + c + 5..])
        })
        .unwrap_or("")
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// Buffers one event and writes it, scrubbed, to stderr when tracing drops the writer.
struct RedactingStderr;

struct EventBuffer(Vec<u8>);

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = EventBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        EventBuffer(Vec::with_capacity(256))
    }
}

impl Write for EventBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = io::stderr().write_all(redact(&text).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_known_secrets_tokens_and_keys() {
        register_secret("s3cr3t-token-value-123");
        register_secret("short");
        let cases = [
            ("token=s3cr3t-token-value-123 end", "token=[REDACTED] end"),
            (
                "authorization: Bearer abc.def-ghi",
                "authorization: Bearer [REDACTED]",
            ),
            (
                "\"authorization\": \"bearer xyz\"",
                "\"authorization\": \"bearer [REDACTED]\"",
            ),
            ("Bearer ", "Bearer "),
            (
                "Authorization: Basic dXNlcjpwYXNz",
                "Authorization: Basic [REDACTED]",
            ),
            (
                "no secrets here, short stays",
                "no secrets here, short stays",
            ),
            (
                "key: -----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY----- done",
                "key: [REDACTED] done",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----",
                "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----",
            ),
            ("-----BEGIN PRIVATE KEY----- truncated", "[REDACTED]"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "redacting {input:?}");
        }
    }

    #[test]
    fn every_verbosity_has_a_valid_filter() {
        for v in 0..6 {
            EnvFilter::try_new(filter_for(v)).expect("valid filter");
        }
    }
}
