//! Turns a `kube::Error` into one line that says what failed and what to do.

use crate::error::Failure;

/// What we were asking the server for, so a refusal can name it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub verb: &'a str,
    /// Plural resource with its group, as RBAC names it (`daemonsets.apps`, `pods`).
    pub resource: &'a str,
    /// `None` for cluster-wide requests (`-A`, nodes).
    pub namespace: Option<&'a str>,
}

impl Request<'_> {
    fn scope(&self) -> String {
        match self.namespace {
            Some(ns) => format!("in namespace {ns:?}"),
            None => "cluster-wide".to_string(),
        }
    }
}

/// Server and context of the connection, for messages about reaching it.
pub struct Target<'a> {
    pub server: &'a str,
    pub context: &'a str,
}

pub fn describe(error: kube::Error, request: &Request, target: &Target) -> Failure {
    match error {
        kube::Error::Api(status) => api_failure(status.code, &status.reason, &status.message, request, target),
        kube::Error::Auth(auth) => Failure::connection(format!(
            "cannot get credentials for context {:?}: {}; check the user's token, certificate or exec plugin in the kubeconfig",
            target.context,
            credential_problem(&auth)
        )),
        other => transport_failure(&other, target),
    }
}

fn api_failure(
    code: u16,
    reason: &str,
    message: &str,
    request: &Request,
    target: &Target,
) -> Failure {
    let what = format!("{} {} {}", request.verb, request.resource, request.scope());
    match code {
        401 => Failure::connection(format!(
            "unauthorized: the API server at {} rejected the credentials of context {:?} while trying to {what}; refresh them (log in again) or pick another --context",
            target.server, target.context
        )),
        // The server's message already names the user, verb, resource and namespace.
        403 if message.contains("cannot impersonate") => Failure::api(format!(
            "{message}; drop --as/--as-group, or ask a cluster admin for the \"impersonate\" permission"
        )),
        403 => Failure::api(format!(
            "{}; ask a cluster admin to grant {:?} on {} {}, or use --context/--as with an account that has it",
            if message.contains("forbidden") { message.to_string() } else { format!("forbidden: {message}") },
            request.verb,
            request.resource,
            request.scope()
        )),
        404 if request.namespace.is_some() && message.contains("namespaces") => Failure::api(format!(
            "{message}; check -n/--namespace"
        )),
        404 => Failure::api(format!("not found: {message}")),
        // The request itself was malformed (a bad label selector, an invalid object): the user's input.
        400 | 422 => Failure::usage(format!("the API server rejected the request to {what}: {message}")),
        429 | 500 | 502 | 503 | 504 => Failure::api(format!(
            "the API server refused to {what}: {message} ({reason}, HTTP {code})"
        ))
        .retryable(),
        _ => Failure::api(format!(
            "the API server refused to {what}: {message} ({reason}, HTTP {code})"
        )),
    }
}

fn transport_failure(error: &kube::Error, target: &Target) -> Failure {
    let cause = innermost(error);
    let lower = cause.to_ascii_lowercase();
    let hint = if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
    {
        "TLS verification failed: check the cluster's certificate-authority in the kubeconfig"
    } else if lower.contains("timed out") || lower.contains("elapsed") || lower.contains("timeout")
    {
        "the request timed out: check the network, or raise --request-timeout"
    } else {
        "check that the cluster is running and that --context/--kubeconfig select the right one"
    };
    let failure = Failure::connection(format!(
        "cannot reach the API server at {} (context {:?}): {cause}; {hint}",
        target.server, target.context
    ));
    // A bad certificate does not fix itself; a refused or dropped connection may (a restart).
    if lower.contains("certificate") {
        failure
    } else {
        failure.retryable()
    }
}

/// What went wrong getting credentials, without echoing what a plugin printed: its stdout is
/// the credential itself.
fn credential_problem(error: &kube::client::AuthError) -> String {
    use kube::client::AuthError;
    match error {
        AuthError::AuthExecRun { cmd, out } => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message");
            format!("credential plugin {cmd:?} failed ({}): {first}", out.status)
        }
        AuthError::AuthExecParse(_) => {
            "the credential plugin printed something that is not an ExecCredential".into()
        }
        other => other.to_string(),
    }
}

/// The deepest cause is usually the informative one ("Connection refused (os error 111)").
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    if text.is_empty() {
        error.to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FailureKind;

    const TARGET: Target = Target {
        server: "https://127.0.0.1:6443",
        context: "dev",
    };

    fn list_ds(namespace: Option<&'static str>) -> Request<'static> {
        Request {
            verb: "list",
            resource: "daemonsets.apps",
            namespace,
        }
    }

    fn status(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(Box::new(kube::core::Status {
            code,
            reason: reason.into(),
            message: message.into(),
            ..Default::default()
        }))
    }

    /// `error` from `request` becomes one line of `kind` holding every fragment, the server's
    /// "forbidden:" at most once.
    fn check(error: kube::Error, request: Request, kind: FailureKind, fragments: &[&str]) {
        let failure = describe(error, &request, &TARGET);
        assert_eq!(failure.kind, kind, "{failure:?}");
        for fragment in fragments {
            assert!(
                failure.message.contains(fragment),
                "{:?} lacks {fragment:?}",
                failure.message
            );
        }
        assert!(!failure.message.contains('\n'));
        assert!(
            failure.message.matches("forbidden:").count() <= 1,
            "{}",
            failure.message
        );
    }

    #[test]
    fn forbidden_names_the_user_and_the_permission_to_ask_for() {
        let forbidden = "daemonsets.apps is forbidden: User \"limited\" cannot list resource \"daemonsets\" in API group \"apps\" in the namespace \"prod\"";
        check(
            status(403, "Forbidden", forbidden),
            list_ds(Some("prod")),
            FailureKind::Api,
            &[
                "User \"limited\"",
                "cannot list",
                "daemonsets",
                "\"prod\"",
                "ask a cluster admin",
                "\"list\" on daemonsets.apps in namespace \"prod\"",
            ],
        );
        check(
            status(403, "Forbidden", "x"),
            list_ds(None),
            FailureKind::Api,
            &["cluster-wide"],
        );
    }

    #[test]
    fn unauthorized_and_not_found_say_what_to_do() {
        check(
            status(401, "Unauthorized", "Unauthorized"),
            list_ds(Some("a")),
            FailureKind::Connection,
            &[
                "unauthorized",
                "https://127.0.0.1:6443",
                "\"dev\"",
                "log in again",
            ],
        );
        check(
            status(404, "NotFound", "namespaces \"nope\" not found"),
            list_ds(Some("nope")),
            FailureKind::Api,
            &["namespaces \"nope\" not found", "-n/--namespace"],
        );
    }

    #[test]
    fn bad_requests_are_usage_errors_and_server_errors_api_ones() {
        check(
            status(
                400,
                "BadRequest",
                "unable to parse requirement: found '=', expected: identifier",
            ),
            list_ds(Some("a")),
            FailureKind::Usage,
            &[
                "rejected the request to list daemonsets.apps",
                "unable to parse requirement",
            ],
        );
        check(
            status(500, "InternalError", "etcd down"),
            list_ds(Some("a")),
            FailureKind::Api,
            &[
                "refused to list daemonsets.apps in namespace \"a\"",
                "etcd down",
                "HTTP 500",
            ],
        );
    }

    #[test]
    fn transport_errors_name_server_and_context() {
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        );
        let failure = describe(kube::Error::Service(Box::new(io)), &list_ds(None), &TARGET);
        assert_eq!(failure.kind, FailureKind::Connection);
        assert_eq!(
            failure.message,
            "cannot reach the API server at https://127.0.0.1:6443 (context \"dev\"): Connection refused (os error 111); check that the cluster is running and that --context/--kubeconfig select the right one"
        );
    }

    #[test]
    fn tls_and_timeouts_get_their_own_hint() {
        let cases = [
            (
                "invalid peer certificate: UnknownIssuer",
                "certificate-authority",
            ),
            ("operation timed out", "--request-timeout"),
        ];
        for (cause, hint) in cases {
            let io = std::io::Error::other(cause);
            let failure = describe(kube::Error::Service(Box::new(io)), &list_ds(None), &TARGET);
            assert!(failure.message.contains(hint), "{}", failure.message);
        }
    }
}
