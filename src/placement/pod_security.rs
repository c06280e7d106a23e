//! Pod Security admission, as the API server applies it to the pods a DaemonSet controller
//! creates: the namespace's `pod-security.kubernetes.io/*` labels name a level and version, and a
//! pod that fails a check of that level is rejected at creation (FailedCreate events, DESIRED > 0
//! and CURRENT 0). Pure: labels, template metadata and pod spec come in as values.
//!
//! The checks mirror `k8s.io/pod-security-admission` v0.37.2 (`policy/check_*.go`, one function
//! here per upstream file, named in each one's comment), with the same forbidden reasons and
//! details, the same order (`policy/registry.go`: baseline check IDs sorted, then restricted ones,
//! a restricted check replacing the baseline check it overrides) and the same version pinning.
//!
//! What a client cannot see, so neither `plan` nor `lint` can: the admission configuration of the
//! API server. Its `exemptions` (usernames, runtime classes, namespaces) let pods through whatever
//! the labels say, and its `defaults` apply to namespaces without labels; this module assumes no
//! exemptions and the built-in default, `privileged:latest` for every mode.

mod checks;

pub use checks::CAPABILITIES_ALLOWED_1_0 as BASELINE_CAPABILITIES;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";
pub const AUDIT_LABEL: &str = "pod-security.kubernetes.io/audit";
pub const AUDIT_VERSION_LABEL: &str = "pod-security.kubernetes.io/audit-version";
pub const WARN_LABEL: &str = "pod-security.kubernetes.io/warn";
pub const WARN_VERSION_LABEL: &str = "pod-security.kubernetes.io/warn-version";

/// The newest policy version the checks here know (the highest minimum version of any check in
/// v0.37.2). `latest`, and any newer version, is evaluated as this one, as the server clamps
/// them to its own newest (`registry.go`, `EvaluatePod`).
pub const NEWEST_POLICY_MINOR: u32 = 37;

/// A Pod Security Standard, from least to most strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    /// `api.ParseLevel`: exactly one of the three names.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy version: `latest` or `v1.N` (stored as N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    Latest,
    V(u32),
}

impl Version {
    /// `api.ParseVersion`: `latest`, or `v1.N` with N written without leading zeros.
    pub fn parse(text: &str) -> Option<Version> {
        if text == "latest" {
            return Some(Version::Latest);
        }
        let minor = text.strip_prefix("v1.")?;
        let digits_only = !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit());
        if !digits_only || (minor.len() > 1 && minor.starts_with('0')) {
            return None;
        }
        minor.parse().ok().map(Version::V)
    }

    /// The minor version whose checks apply: `latest` and versions newer than the checks here
    /// are clamped to the newest known, as the server clamps to its own.
    pub fn policy_minor(self) -> u32 {
        match self {
            Version::Latest => NEWEST_POLICY_MINOR,
            Version::V(minor) => minor.min(NEWEST_POLICY_MINOR),
        }
    }

    /// The version a server of release 1.`server_minor` evaluates: its `latest` is its own
    /// release, not the newest this module knows. Pass the result to [`violations`]; keep the
    /// label's version for messages, which the server words with the label's value.
    pub fn on_server(self, server_minor: Option<u32>) -> Version {
        match (self, server_minor) {
            (_, None) => self,
            (Version::Latest, Some(server)) => Version::V(server),
            (Version::V(minor), Some(server)) => Version::V(minor.min(server)),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::V(minor) => write!(f, "v1.{minor}"),
        }
    }
}

/// A level and a version, as one mode's label pair gives them (`baseline:v1.30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Enforcement {
    pub level: Level,
    pub version: Version,
}

impl Enforcement {
    /// The built-in default of every mode when the admission configuration sets none.
    pub const PRIVILEGED_LATEST: Enforcement = Enforcement {
        level: Level::Privileged,
        version: Version::Latest,
    };
}

impl fmt::Display for Enforcement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// What a namespace's labels make of each mode, as the server evaluates pods against them
/// (`api.PolicyToEvaluate` over the default `privileged:latest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePolicy {
    /// Pods failing it are rejected.
    pub enforce: Enforcement,
    /// Violations are recorded in the audit log only.
    pub audit: Enforcement,
    /// Violations come back as warnings (kubectl prints `Warning: would violate PodSecurity ...`).
    pub warn: Enforcement,
    /// One line per invalid label. The server refuses to create or relabel a namespace with an
    /// invalid value, so these only appear on objects that never went through it (a manifest).
    pub label_errors: Vec<String>,
}

/// Reads the labels as `api.PolicyToEvaluate` does. An invalid value still yields a policy:
/// an invalid enforce level fails closed (`restricted`), invalid audit and warn levels fail open
/// (`privileged`), an invalid version is `latest`. A warn level left unset follows a stricter
/// enforce level (and its version, unless warn-version is set).
pub fn namespace_policy(labels: &BTreeMap<String, String>) -> NamespacePolicy {
    let mut errors = Vec::new();
    let mut level = |label: &str, on_error: Level| {
        labels.get(label).map(|text| {
            Level::parse(text).ok_or_else(|| {
                errors.push(format!(
                    "namespace label {label}={text:?} is invalid: must be one of privileged, baseline, restricted"
                ));
                on_error
            })
        })
    };
    let enforce_level = level(ENFORCE_LABEL, Level::Restricted);
    let audit_level = level(AUDIT_LABEL, Level::Privileged);
    let warn_level = level(WARN_LABEL, Level::Privileged);
    let mut version = |label: &str| {
        labels.get(label).map(|text| {
            Version::parse(text).unwrap_or_else(|| {
                errors.push(format!(
                    "namespace label {label}={text:?} is invalid: must be \"latest\" or \"v1.x\""
                ));
                Version::Latest
            })
        })
    };
    let enforce_version = version(ENFORCE_VERSION_LABEL);
    let audit_version = version(AUDIT_VERSION_LABEL);
    let warn_version = version(WARN_VERSION_LABEL);
    let pick = |level: Option<Result<Level, Level>>, version: Option<Version>| Enforcement {
        level: level.map_or(Level::Privileged, |l| l.unwrap_or_else(|e| e)),
        version: version.unwrap_or(Version::Latest),
    };
    let enforce = pick(enforce_level, enforce_version);
    let mut warn = pick(warn_level, warn_version);
    // A valid enforce level stricter than warn's raises warn to it.
    if warn_level.is_none() && matches!(enforce_level, Some(Ok(l)) if l > warn.level) {
        warn.level = enforce.level;
        if warn_version.is_none() {
            warn.version = enforce.version;
        }
    }
    NamespacePolicy {
        enforce,
        audit: pick(audit_level, audit_version),
        warn,
        label_errors: errors,
    }
}

/// The level and version the namespace enforces, or `None` when it enforces nothing
/// (`privileged`, or no enforce label). An invalid label value is an error naming it; the server
/// would evaluate it as [`namespace_policy`] says (an invalid level as `restricted`).
pub fn enforcement(
    namespace_labels: &BTreeMap<String, String>,
) -> Result<Option<Enforcement>, String> {
    let policy = namespace_policy(namespace_labels);
    let invalid_level = namespace_labels
        .get(ENFORCE_LABEL)
        .is_some_and(|text| Level::parse(text).is_none());
    let invalid_version = namespace_labels
        .get(ENFORCE_VERSION_LABEL)
        .is_some_and(|text| Version::parse(text).is_none());
    if invalid_level || invalid_version {
        let label = if invalid_level {
            ENFORCE_LABEL
        } else {
            ENFORCE_VERSION_LABEL
        };
        let error = policy
            .label_errors
            .iter()
            .find(|e| e.starts_with(&format!("namespace label {label}=")))
            .cloned()
            .unwrap_or_default();
        return Err(format!(
            "{error}; the API server evaluates pods as {:?} instead",
            policy.enforce.to_string()
        ));
    }
    Ok(Some(policy.enforce).filter(|e| e.level != Level::Privileged))
}

/// One failed check, worded as the server words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The upstream check ID (`privileged`, `hostNamespaces`, `seccompProfile_restricted`, ...).
    pub check: &'static str,
    /// `privileged`, `host namespaces`, ...
    pub forbidden_reason: String,
    /// `container "agent" must not set securityContext.privileged=true`; may be empty.
    pub forbidden_detail: String,
    /// The first offending field, relative to the pod (or pod template): `spec.hostNetwork`,
    /// `spec.containers[0].securityContext.privileged`, `metadata.annotations[...]`. For a field
    /// that must be set but is not, where it belongs.
    pub field: String,
}

impl fmt::Display for Violation {
    /// `reason (detail)`, as `AggregateCheckResult.ForbiddenDetail` writes each one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.forbidden_reason)?;
        if !self.forbidden_detail.is_empty() {
            write!(f, " ({})", self.forbidden_detail)?;
        }
        Ok(())
    }
}

/// Every check of `level` at `version` the pod fails, in the server's order. `privileged`
/// never fails. `pod_metadata` is the pod template's: the checks of older versions read
/// seccomp and AppArmor annotations.
pub fn violations(
    level: Level,
    version: Version,
    pod_metadata: &ObjectMeta,
    spec: &PodSpec,
) -> Vec<Violation> {
    checks::evaluate(level, version.policy_minor(), pod_metadata, spec)
}

/// The server's words for the rejection, without the `pods "NAME" is forbidden: ` it puts before:
/// `violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), ...`.
pub fn rejection_message(enforcement: &Enforcement, violations: &[Violation]) -> String {
    format!(
        "violates PodSecurity {:?}: {}",
        enforcement.to_string(),
        joined(violations)
    )
}

/// The words of a warn or audit violation: `would violate PodSecurity "restricted:latest": ...`.
pub fn warning_message(policy: &Enforcement, violations: &[Violation]) -> String {
    format!(
        "would violate PodSecurity {:?}: {}",
        policy.to_string(),
        joined(violations)
    )
}

fn joined(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
