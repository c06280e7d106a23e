//! The error kinds a user (or a script) decides on, and the exit code each one maps to.

use std::fmt;

/// Documented exit codes; scripts depend on these numbers, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Ok = 0,
    /// The command worked and found something: lint findings, diff differences, a failed rollout.
    #[allow(dead_code)] // the first users are lint, diff and rollout
    Findings = 1,
    Usage = 2,
    Connection = 3,
    Api = 4,
    Internal = 5,
    Interrupted = 130,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A failure whose kind decides the exit code. The message is already the whole user-facing line:
/// what failed and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    /// The same request may work if made again later: the server was unreachable, overloaded or
    /// restarting (transport errors, 429, 5xx). Long-running commands retry these.
    pub retryable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad flags, arguments or input files.
    Usage,
    /// Kubeconfig, context, credentials, network or TLS: we could not talk to the cluster.
    Connection,
    /// The API server answered with an error (forbidden, not found, invalid, 5xx).
    Api,
    /// A write conditional on what was read lost the race (409): read again and decide anew.
    Conflict,
    Interrupted,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Usage, message)
    }
    pub fn connection(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Connection, message)
    }
    pub fn api(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Api, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Conflict, message)
    }
    pub fn interrupted() -> Self {
        Self::new(FailureKind::Interrupted, "interrupted")
    }

    fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: one_line(&message.into()),
            retryable: false,
        }
    }

    pub fn retryable(mut self) -> Self {
        self.retryable = true;
        self
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self.kind {
            FailureKind::Usage => ExitStatus::Usage,
            FailureKind::Connection => ExitStatus::Connection,
            FailureKind::Api | FailureKind::Conflict => ExitStatus::Api,
            FailureKind::Interrupted => ExitStatus::Interrupted,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The line printed for any error, and the exit status it earns. A `Failure` anywhere in the chain
/// decides the status; its message is already complete, so the outer context is dropped.
pub fn report(error: &anyhow::Error) -> (String, ExitStatus) {
    if let Some(failure) = error.chain().find_map(|e| e.downcast_ref::<Failure>()) {
        return (failure.message.clone(), failure.exit_status());
    }
    let broken_pipe = error.chain().any(|e| {
        let io_kind = e
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| e.downcast_ref::<serde_json::Error>()?.io_error_kind());
        io_kind == Some(std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        // `kubectl ds list | head` is normal use, not an error worth a message.
        return (String::new(), ExitStatus::Ok);
    }
    let chain: Vec<String> = error.chain().map(|e| e.to_string()).collect();
    (one_line(&chain.join(": ")), ExitStatus::Internal)
}

/// Whether a panic's message is `print!` finding stdout closed (`kubectl ds ... | head`): the
/// standard library panics there instead of returning the broken pipe.
pub fn stdout_closed(panic_message: &str) -> bool {
    panic_message.starts_with("failed printing to stdout") && panic_message.contains("Broken pipe")
}

/// Error lines must stay one line, whatever a server or library put in them.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn failure_kinds_map_to_documented_codes() {
        let cases = [
            (Failure::usage("x"), 2),
            (Failure::connection("x"), 3),
            (Failure::api("x"), 4),
            (Failure::interrupted(), 130),
        ];
        for (failure, code) in cases {
            assert_eq!(failure.exit_status().code(), code, "{failure:?}");
        }
    }

    #[test]
    fn a_failure_inside_context_keeps_its_message_and_code() {
        let err = Err::<(), _>(Failure::api("forbidden: nope"))
            .context("listing")
            .unwrap_err();
        assert_eq!(
            report(&err),
            ("forbidden: nope".to_string(), ExitStatus::Api)
        );
    }

    #[test]
    fn other_errors_join_their_chain_on_one_line() {
        let err = Err::<(), _>(anyhow::anyhow!("disk\nfull"))
            .context("writing output")
            .unwrap_err();
        assert_eq!(
            report(&err),
            (
                "writing output: disk full".to_string(),
                ExitStatus::Internal
            )
        );
    }

    #[test]
    fn broken_pipe_is_silent_success() {
        let err = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(report(&err).1, ExitStatus::Ok);
        let cases = [
            ("failed printing to stdout: Broken pipe (os error 32)", true),
            (
                "failed printing to stdout: No space left on device (os error 28)",
                false,
            ),
            (
                "failed printing to stderr: Broken pipe (os error 32)",
                false,
            ),
            ("index out of bounds", false),
        ];
        for (message, closed) in cases {
            assert_eq!(stdout_closed(message), closed, "{message}");
        }
    }

    #[test]
    fn messages_are_folded_to_one_line() {
        assert_eq!(Failure::usage("a\n  b\tc").message, "a b c");
    }
}
