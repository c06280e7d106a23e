//! One warning line when the server is a Kubernetes release outside the range this build is made
//! and tested for. The check runs beside the command's own requests (it starts when the client is
//! connected), prints as soon as the answer is in, as kubectl prints the server's warnings, and
//! never fails a command: a server that does not answer `/version` says nothing.

use std::sync::Mutex;

use tokio::task::JoinHandle;

/// The oldest and newest minor release of Kubernetes 1.x this build supports: the API definitions
/// it is compiled against (k8s-openapi's range) and the releases the end-to-end suite runs on.
pub const SUPPORTED_MINORS: (u32, u32) = (33, 37);

static CHECK: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);
static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Commands call this once; shell completion, which must stay quiet and quick, does not.
pub fn enable() {
    ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Starts reading the server's version for the first client connected (later ones talk to the
/// same server).
pub(super) fn start(client: &kube::Client) {
    if !ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let Ok(mut slot) = CHECK.lock() else { return };
    if slot.is_some() {
        return;
    }
    let client = client.clone();
    *slot = Some(tokio::spawn(async move {
        match client.apiserver_version().await {
            Ok(info) => {
                if let Some(warning) = support_warning(&info.major, &info.minor, &info.git_version)
                {
                    eprintln!("warning: {warning}");
                }
            }
            Err(error) => tracing::debug!(%error, "could not read the server version"),
        }
    }));
}

/// Lets the check finish before the process exits. After a command that reached the server this
/// waits for the answer (the server is there, so it comes); after one that failed an unanswered
/// check is dropped, since the server may be the reason.
pub async fn finish(command_succeeded: bool) {
    let Some(handle) = CHECK.lock().ok().and_then(|mut slot| slot.take()) else {
        return;
    };
    if command_succeeded || handle.is_finished() {
        let _ = handle.await;
    } else {
        handle.abort();
    }
}

/// The one line for a server release outside [`SUPPORTED_MINORS`]; `None` inside it, or when the
/// version cannot be read (a distribution's own numbering says nothing either way).
pub fn support_warning(major: &str, minor: &str, git_version: &str) -> Option<String> {
    let minor_number: u32 = leading_number(minor)?;
    let major_number: u32 = leading_number(major)?;
    let (oldest, newest) = SUPPORTED_MINORS;
    if major_number == 1 && (oldest..=newest).contains(&minor_number) {
        return None;
    }
    let shown = if git_version.is_empty() {
        format!("{major}.{minor}")
    } else {
        git_version.to_string()
    };
    Some(format!(
        "server version {shown} is outside the range kubectl ds supports (Kubernetes 1.{oldest} to 1.{newest}); results may be wrong"
    ))
}

/// Managed offerings report minors like "37+"; the number is what counts.
fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_outside_the_supported_minors() {
        let cases = [
            ("1", "37", "v1.37.2", false),
            ("1", "36", "v1.36.3", false),
            ("1", "33", "v1.33.0", false),
            ("1", "37+", "v1.37.1-eks-1234", false),
            ("1", "32", "v1.32.9", true),
            ("1", "20", "v1.20.2", true),
            ("1", "38", "v1.38.0-beta.0", true),
            ("2", "0", "v2.0.0", true),
            ("", "", "", false),
            ("1", "x", "v1.x", false),
        ];
        for (major, minor, git, warns) in cases {
            let warning = support_warning(major, minor, git);
            assert_eq!(
                warning.is_some(),
                warns,
                "{major}.{minor} {git}: {warning:?}"
            );
            if let Some(line) = warning {
                assert!(line.contains(git), "{line}");
                assert!(line.contains("1.33 to 1.37"), "{line}");
                assert!(!line.contains('\n'));
            }
        }
    }

    #[test]
    fn names_the_version_by_major_and_minor_without_a_git_version() {
        let line = support_warning("1", "20", "").expect("warns");
        assert!(line.starts_with("server version 1.20 is outside"), "{line}");
    }
}
