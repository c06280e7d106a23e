//! The Pod Security Standards checks of `k8s.io/pod-security-admission` v0.37.2, one function per
//! upstream check version (`policy/check_*.go`; the file is named above each), worded as upstream
//! words them, and the registry that picks them per level and version (`policy/registry.go`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    ContainerPort, Lifecycle, LifecycleHandler, PodSpec, Probe, SELinuxOptions, SecurityContext,
    Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Level, Violation};
use crate::manifest::{index_path, key_path};

type CheckFn = fn(&ObjectMeta, &PodSpec) -> Option<Violation>;

/// One upstream check: its ID, level, the function of each version from its minimum minor on,
/// and the baseline check it replaces at the restricted level.
struct Check {
    id: &'static str,
    level: Level,
    versions: &'static [(u32, CheckFn)],
    overrides: Option<&'static str>,
}

/// Baseline checks sorted by ID, then restricted ones sorted by ID: the order `populate` in
/// `registry.go` runs them in (Go sorts the IDs bytewise).
const CHECKS: &[Check] = &[
    baseline("appArmorProfile", &[(0, app_armor_profile_1_0)]),
    baseline("capabilities_baseline", &[(0, capabilities_baseline_1_0)]),
    baseline("hostNamespaces", &[(0, host_namespaces_1_0)]),
    baseline("hostPathVolumes", &[(0, host_path_volumes_1_0)]),
    baseline("hostPorts", &[(0, host_ports_1_0)]),
    baseline(
        "hostProbesAndHostLifecycle",
        &[(34, host_probes_and_host_lifecycle_1_34)],
    ),
    baseline("privileged", &[(0, privileged_1_0)]),
    baseline(
        "procMount",
        &[(0, proc_mount_1_0), (35, proc_mount_1_35_baseline)],
    ),
    baseline(
        "seLinuxOptions",
        &[(0, se_linux_options_1_0), (31, se_linux_options_1_31)],
    ),
    baseline(
        "seccompProfile_baseline",
        &[
            (0, seccomp_profile_baseline_1_0),
            (19, seccomp_profile_baseline_1_19),
        ],
    ),
    baseline(
        "sysctls",
        &[
            (0, sysctls_1_0),
            (27, sysctls_1_27),
            (29, sysctls_1_29),
            (32, sysctls_1_32),
            (37, sysctls_1_37),
        ],
    ),
    baseline("windowsHostProcess", &[(0, windows_host_process_1_0)]),
    restricted(
        "allowPrivilegeEscalation",
        &[
            (8, allow_privilege_escalation_1_8),
            (25, allow_privilege_escalation_1_25),
        ],
        None,
    ),
    restricted(
        "capabilities_restricted",
        &[
            (22, capabilities_restricted_1_22),
            (25, capabilities_restricted_1_25),
        ],
        Some("capabilities_baseline"),
    ),
    restricted(
        "procMount_restricted",
        &[(35, proc_mount_1_0)],
        Some("procMount"),
    ),
    restricted(
        "restrictedVolumes",
        &[(0, restricted_volumes_1_0)],
        Some("hostPathVolumes"),
    ),
    restricted(
        "runAsNonRoot",
        &[(0, run_as_non_root_1_0), (35, run_as_non_root_1_35)],
        None,
    ),
    restricted(
        "runAsUser",
        &[(23, run_as_user_1_23), (35, run_as_user_1_35)],
        None,
    ),
    restricted(
        "seccompProfile_restricted",
        &[
            (19, seccomp_profile_restricted_1_19),
            (25, seccomp_profile_restricted_1_25),
        ],
        Some("seccompProfile_baseline"),
    ),
];

const fn baseline(id: &'static str, versions: &'static [(u32, CheckFn)]) -> Check {
    Check {
        id,
        level: Level::Baseline,
        versions,
        overrides: None,
    }
}

const fn restricted(
    id: &'static str,
    versions: &'static [(u32, CheckFn)],
    overrides: Option<&'static str>,
) -> Check {
    Check {
        id,
        level: Level::Restricted,
        versions,
        overrides,
    }
}

impl Check {
    /// The version in force at policy minor `minor`, if the check exists by then.
    fn at(&self, minor: u32) -> Option<CheckFn> {
        self.versions
            .iter()
            .rev()
            .find(|(since, _)| *since <= minor)
            .map(|(_, check)| *check)
    }
}

/// Every failed check of `level` at policy minor `minor`, in the server's order.
pub(super) fn evaluate(
    level: Level,
    minor: u32,
    meta: &ObjectMeta,
    spec: &PodSpec,
) -> Vec<Violation> {
    if level == Level::Privileged {
        return vec![];
    }
    // Overrides hold only where the overriding restricted check exists (`populate`).
    let overridden: Vec<&str> = CHECKS
        .iter()
        .filter(|c| level == Level::Restricted && c.level == Level::Restricted)
        .filter(|c| c.at(minor).is_some())
        .filter_map(|c| c.overrides)
        .collect();
    CHECKS
        .iter()
        .filter(|c| c.level <= level && !overridden.contains(&c.id))
        .filter_map(|c| Some((c.id, c.at(minor)?)))
        .filter_map(|(id, check)| {
            check(meta, spec).map(|mut v| {
                v.check = id;
                v
            })
        })
        .collect()
}

#[cfg(test)]
pub(super) fn check_ids() -> Vec<(&'static str, Level)> {
    CHECKS.iter().map(|c| (c.id, c.level)).collect()
}

// ---- helpers.go and visitor.go ----

/// `joinQuote`: `"a", "b"`.
fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

fn pluralize<'a>(singular: &'a str, plural: &'a str, count: usize) -> &'a str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

/// Go's `%q` for the printable text labels and annotations hold (Rust's `{:?}` escapes the same
/// way there: quotes and backslashes).
fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

/// `relaxPolicyForUserNamespacePod`: `hostUsers: false`.
fn in_user_namespace(spec: &PodSpec) -> bool {
    spec.host_users == Some(false)
}

fn is_windows(spec: &PodSpec) -> bool {
    spec.os.as_ref().is_some_and(|os| os.name == "windows")
}

/// A container of any kind, in `visitContainers` order (init containers, containers, ephemeral
/// containers), with the path it sits at.
struct ContainerView<'a> {
    path: String,
    name: &'a str,
    security_context: Option<&'a SecurityContext>,
    ports: &'a [ContainerPort],
    probes: [(&'static str, Option<&'a Probe>); 3],
    lifecycle: Option<&'a Lifecycle>,
}

impl ContainerView<'_> {
    fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }
}

macro_rules! view {
    ($container:expr, $path:expr) => {
        ContainerView {
            path: $path,
            name: &$container.name,
            security_context: $container.security_context.as_ref(),
            ports: $container.ports.as_deref().unwrap_or(&[]),
            probes: [
                ("livenessProbe", $container.liveness_probe.as_ref()),
                ("readinessProbe", $container.readiness_probe.as_ref()),
                ("startupProbe", $container.startup_probe.as_ref()),
            ],
            lifecycle: $container.lifecycle.as_ref(),
        }
    };
}

fn containers(spec: &PodSpec) -> Vec<ContainerView<'_>> {
    let mut views = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        views.push(view!(c, index_path("spec.initContainers", i)));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        views.push(view!(c, index_path("spec.containers", i)));
    }
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        views.push(view!(c, index_path("spec.ephemeralContainers", i)));
    }
    views
}

/// Containers that fail a check, in visiting order, and the first offending field.
#[derive(Default)]
struct Offenders {
    names: Vec<String>,
    first: Option<String>,
}

impl Offenders {
    fn add(&mut self, name: &str, field: String) {
        self.names.push(name.to_string());
        self.first.get_or_insert(field);
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `container "a"` or `containers "a", "b"`.
    fn label(&self) -> String {
        format!(
            "{} {}",
            pluralize("container", "containers", self.names.len()),
            join_quote(&self.names)
        )
    }

    fn violation(&self, reason: &str, detail: impl FnOnce(String) -> String) -> Option<Violation> {
        let field = self.first.clone()?;
        Some(violation(reason, detail(self.label()), field))
    }
}

/// "pod" and the containers that set a forbidden value (`badSetters`), pod first.
#[derive(Default)]
struct Setters {
    pod: Option<String>,
    containers: Offenders,
}

impl Setters {
    fn text(&self) -> Option<String> {
        let mut who = Vec::new();
        if self.pod.is_some() {
            who.push("pod".to_string());
        }
        if !self.containers.is_empty() {
            who.push(self.containers.label());
        }
        Some(who.join(" and ")).filter(|t| !t.is_empty())
    }

    fn first(&self) -> Option<String> {
        self.pod.clone().or_else(|| self.containers.first.clone())
    }
}

fn violation(reason: &str, detail: String, field: String) -> Violation {
    Violation {
        check: "",
        forbidden_reason: reason.to_string(),
        forbidden_detail: detail,
        field,
    }
}

// ---- baseline ----

/// check_privileged.go
fn privileged_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad = Offenders::default();
    for c in containers(spec) {
        if c.security_context.and_then(|s| s.privileged) == Some(true) {
            bad.add(c.name, c.field("securityContext.privileged"));
        }
    }
    bad.violation("privileged", |who| {
        format!("{who} must not set securityContext.privileged=true")
    })
}

/// check_hostNamespaces.go
fn host_namespaces_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let shared = [
        ("hostNetwork", spec.host_network),
        ("hostPID", spec.host_pid),
        ("hostIPC", spec.host_ipc),
    ];
    let set: Vec<&str> = shared
        .iter()
        .filter(|(_, on)| *on == Some(true))
        .map(|(name, _)| *name)
        .collect();
    let first = set.first()?;
    let detail: Vec<String> = set.iter().map(|name| format!("{name}=true")).collect();
    Some(violation(
        "host namespaces",
        detail.join(", "),
        format!("spec.{first}"),
    ))
}

fn volumes(spec: &PodSpec) -> impl Iterator<Item = (String, &Volume)> {
    spec.volumes
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, v)| (index_path("spec.volumes", i), v))
}

/// check_hostPathVolumes.go
fn host_path_volumes_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let bad: Vec<(String, &str)> = volumes(spec)
        .filter(|(_, v)| v.host_path.is_some())
        .map(|(path, v)| (format!("{path}.hostPath"), v.name.as_str()))
        .collect();
    let (first, _) = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|(_, name)| *name).collect();
    Some(violation(
        "hostPath volumes",
        format!(
            "{} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names)
        ),
        first.clone(),
    ))
}

/// check_hostPorts.go
fn host_ports_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad = Offenders::default();
    // A Go string set: listed in string order ("10000" before "53").
    let mut ports = BTreeSet::new();
    for c in containers(spec) {
        let mut first = None;
        for (j, port) in c.ports.iter().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port != 0 {
                ports.insert(host_port.to_string());
                first.get_or_insert(c.field(&format!("ports[{j}].hostPort")));
            }
        }
        if let Some(field) = first {
            bad.add(c.name, field);
        }
    }
    let ports: Vec<String> = ports.into_iter().collect();
    let count = bad.names.len();
    bad.violation("hostPort", |who| {
        format!(
            "{who} {} {} {}",
            pluralize("uses", "use", count),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        )
    })
}

/// Capabilities the baseline level lets containers add (every version so far).
pub const CAPABILITIES_ALLOWED_1_0: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// check_capabilities_baseline.go
fn capabilities_baseline_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad = Offenders::default();
    let mut added = BTreeSet::new();
    for c in containers(spec) {
        let Some(caps) = c.security_context.and_then(|s| s.capabilities.as_ref()) else {
            continue;
        };
        let mut first = None;
        for (k, cap) in caps.add.iter().flatten().enumerate() {
            if !CAPABILITIES_ALLOWED_1_0.contains(&cap.as_str()) {
                added.insert(cap.clone());
                first.get_or_insert(c.field(&format!("securityContext.capabilities.add[{k}]")));
            }
        }
        if let Some(field) = first {
            bad.add(c.name, field);
        }
    }
    let added: Vec<String> = added.into_iter().collect();
    bad.violation("non-default capabilities", |who| {
        format!(
            "{who} must not include {} in securityContext.capabilities.add",
            join_quote(&added)
        )
    })
}

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// check_appArmorProfile.go
fn app_armor_profile_1_0(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let allowed_type = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let allowed_annotation =
        |v: &str| v.is_empty() || v == "runtime/default" || v.starts_with("localhost/");
    let mut setters = Setters::default();
    let mut values = BTreeSet::new();
    let pod_profile = spec
        .security_context
        .as_ref()
        .and_then(|s| s.app_armor_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !allowed_type(&p.type_)) {
        setters.pod = Some("spec.securityContext.appArmorProfile.type".into());
        values.insert(profile.type_.clone());
    }
    for c in containers(spec) {
        let profile = c
            .security_context
            .and_then(|s| s.app_armor_profile.as_ref());
        if let Some(profile) = profile.filter(|p| !allowed_type(&p.type_)) {
            setters
                .containers
                .add(c.name, c.field("securityContext.appArmorProfile.type"));
            values.insert(profile.type_.clone());
        }
    }
    let mut annotations: Vec<(String, String)> = meta
        .annotations
        .iter()
        .flatten()
        .filter(|(k, v)| k.starts_with(APPARMOR_ANNOTATION_PREFIX) && !allowed_annotation(v))
        .map(|(k, v)| {
            (
                format!("{k}={}", go_quote(v)),
                key_path("metadata.annotations", k),
            )
        })
        .collect();
    annotations.sort();
    let mut who = setters.text().into_iter().collect::<Vec<_>>();
    let mut listed: Vec<String> = values.into_iter().collect();
    if !annotations.is_empty() {
        who.push(pluralize("annotation", "annotations", annotations.len()).to_string());
        listed.extend(annotations.iter().map(|(text, _)| text.clone()));
    }
    let field = setters
        .first()
        .or_else(|| annotations.first().map(|(_, field)| field.clone()))?;
    let reason = pluralize(
        "forbidden AppArmor profile",
        "forbidden AppArmor profiles",
        listed.len(),
    );
    let detail = format!(
        "{} must not set AppArmor profile type to {}",
        who.join(" and "),
        join_quote(&listed)
    );
    Some(violation(reason, detail, field))
}

/// The hosts a probe or lifecycle handler names, with their fields.
fn named_hosts(
    base: String,
    http: Option<&Option<String>>,
    tcp: Option<&Option<String>>,
) -> Vec<(String, String)> {
    let mut hosts = Vec::new();
    for (kind, host) in [("httpGet", http), ("tcpSocket", tcp)] {
        if let Some(host) = host.and_then(Option::as_deref).filter(|h| !h.is_empty()) {
            hosts.push((host.to_string(), format!("{base}.{kind}.host")));
        }
    }
    hosts
}

fn probe_and_lifecycle_hosts(c: &ContainerView) -> Vec<(String, String)> {
    let mut hosts = Vec::new();
    for (name, probe) in c.probes {
        if let Some(probe) = probe {
            hosts.extend(named_hosts(
                c.field(name),
                probe.http_get.as_ref().map(|h| &h.host),
                probe.tcp_socket.as_ref().map(|t| &t.host),
            ));
        }
    }
    let handlers: [(&str, Option<&LifecycleHandler>); 2] = [
        (
            "lifecycle.postStart",
            c.lifecycle.and_then(|l| l.post_start.as_ref()),
        ),
        (
            "lifecycle.preStop",
            c.lifecycle.and_then(|l| l.pre_stop.as_ref()),
        ),
    ];
    for (name, handler) in handlers {
        if let Some(handler) = handler {
            hosts.extend(named_hosts(
                c.field(name),
                handler.http_get.as_ref().map(|h| &h.host),
                handler.tcp_socket.as_ref().map(|t| &t.host),
            ));
        }
    }
    hosts
}

/// check_hostProbesAndhostLifecycle.go
fn host_probes_and_host_lifecycle_1_34(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    // Upstream collects both into sets: container names and hosts are listed sorted.
    let mut names = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    let mut first = None;
    for c in containers(spec) {
        for (host, field) in probe_and_lifecycle_hosts(&c) {
            names.insert(c.name.to_string());
            hosts.insert(host);
            first.get_or_insert(field);
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    let hosts: Vec<String> = hosts.into_iter().collect();
    let detail = format!(
        "{} {} {} {} {}",
        pluralize("container", "containers", names.len()),
        join_quote(&names),
        pluralize("uses", "use", names.len()),
        pluralize(
            "probe or lifecycle host",
            "probe or lifecycle hosts",
            hosts.len()
        ),
        join_quote(&hosts)
    );
    Some(violation("probe or lifecycle host", detail, first?))
}

/// check_procMount_baseline.go (`procMount_1_0`, also the restricted check from 1.35)
fn proc_mount_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad = Offenders::default();
    let mut types = BTreeSet::new();
    for c in containers(spec) {
        let proc_mount = c.security_context.and_then(|s| s.proc_mount.as_deref());
        if let Some(proc_mount) = proc_mount.filter(|p| *p != "Default") {
            bad.add(c.name, c.field("securityContext.procMount"));
            types.insert(proc_mount.to_string());
        }
    }
    let types: Vec<String> = types.into_iter().collect();
    bad.violation("procMount", |who| {
        format!(
            "{who} must not set securityContext.procMount to {}",
            join_quote(&types)
        )
    })
}

/// check_procMount_baseline.go: any procMount in a user namespace.
fn proc_mount_1_35_baseline(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if in_user_namespace(spec) {
        return None;
    }
    proc_mount_1_0(meta, spec)
}

const SELINUX_TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// check_seLinuxOptions.go
fn se_linux_options_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    se_linux_options(spec, SELINUX_TYPES_1_0)
}

/// check_seLinuxOptions.go
fn se_linux_options_1_31(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    se_linux_options(spec, SELINUX_TYPES_1_31)
}

/// What is wrong with one set of seLinuxOptions.
#[derive(Default)]
struct SeLinuxFindings {
    types: BTreeSet<String>,
    user: bool,
    role: bool,
}

impl SeLinuxFindings {
    /// The first forbidden field under `base` (…`.seLinuxOptions`), if any.
    fn check(
        &mut self,
        options: &SELinuxOptions,
        base: String,
        allowed: &[&str],
    ) -> Option<String> {
        let mut first = None;
        let kind = options.type_.as_deref().unwrap_or("");
        if !allowed.contains(&kind) {
            self.types.insert(kind.to_string());
            first.get_or_insert(format!("{base}.type"));
        }
        if options.user.as_deref().is_some_and(|u| !u.is_empty()) {
            self.user = true;
            first.get_or_insert(format!("{base}.user"));
        }
        if options.role.as_deref().is_some_and(|r| !r.is_empty()) {
            self.role = true;
            first.get_or_insert(format!("{base}.role"));
        }
        first
    }

    fn describe(&self) -> String {
        let mut data = Vec::new();
        if !self.types.is_empty() {
            let types: Vec<&String> = self.types.iter().collect();
            data.push(format!(
                "{} {}",
                pluralize("type", "types", types.len()),
                join_quote(&types.iter().map(|t| t.as_str()).collect::<Vec<_>>())
            ));
        }
        if self.user {
            data.push("user may not be set".to_string());
        }
        if self.role {
            data.push("role may not be set".to_string());
        }
        data.join("; ")
    }
}

fn se_linux_options(spec: &PodSpec, allowed: &[&str]) -> Option<Violation> {
    let mut found = SeLinuxFindings::default();
    let mut setters = Setters::default();
    let pod_options = spec
        .security_context
        .as_ref()
        .and_then(|s| s.se_linux_options.as_ref());
    if let Some(options) = pod_options {
        let base = "spec.securityContext.seLinuxOptions".to_string();
        setters.pod = found.check(options, base, allowed);
    }
    for c in containers(spec) {
        if let Some(options) = c.security_context.and_then(|s| s.se_linux_options.as_ref()) {
            let base = c.field("securityContext.seLinuxOptions");
            if let Some(field) = found.check(options, base, allowed) {
                setters.containers.add(c.name, field);
            }
        }
    }
    let detail = format!(
        "{} set forbidden securityContext.seLinuxOptions: {}",
        setters.text()?,
        found.describe()
    );
    Some(violation("seLinuxOptions", detail, setters.first()?))
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// check_seccompProfile_baseline.go: the alpha annotations, the only seccomp setting before 1.19.
fn seccomp_profile_baseline_1_0(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let valid =
        |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let annotations = meta.annotations.as_ref();
    let mut keys = vec![SECCOMP_POD_ANNOTATION.to_string()];
    keys.extend(
        containers(spec)
            .iter()
            .map(|c| format!("{SECCOMP_CONTAINER_ANNOTATION_PREFIX}{}", c.name)),
    );
    // A Go string set: unique, listed sorted.
    let forbidden: BTreeMap<String, String> = keys
        .iter()
        .filter_map(|key| {
            let value = annotations?.get(key)?;
            (!valid(value)).then(|| {
                (
                    format!("{key}={}", go_quote(value)),
                    key_path("metadata.annotations", key),
                )
            })
        })
        .collect();
    let (_, field) = forbidden.iter().next()?;
    let listed: Vec<&str> = forbidden.keys().map(String::as_str).collect();
    let detail = format!(
        "forbidden {} {}",
        pluralize("annotation", "annotations", listed.len()),
        listed.join(", ")
    );
    Some(violation("seccompProfile", detail, field.clone()))
}

fn valid_seccomp(kind: &str) -> bool {
    kind == "Localhost" || kind == "RuntimeDefault"
}

/// The seccomp profiles set to something else than RuntimeDefault or Localhost, and the
/// containers that set none (for the restricted check). Whether the pod set a valid one.
#[derive(Default)]
struct SeccompFindings {
    setters: Setters,
    values: BTreeSet<String>,
    unset: Offenders,
}

fn seccomp_findings(spec: &PodSpec) -> SeccompFindings {
    let mut found = SeccompFindings::default();
    let pod_profile = spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !valid_seccomp(&p.type_)) {
        found.setters.pod = Some("spec.securityContext.seccompProfile.type".into());
        found.values.insert(profile.type_.clone());
    }
    let pod_valid = pod_profile.is_some_and(|p| valid_seccomp(&p.type_));
    for c in containers(spec) {
        match c.security_context.and_then(|s| s.seccomp_profile.as_ref()) {
            Some(profile) if !valid_seccomp(&profile.type_) => {
                let field = c.field("securityContext.seccompProfile.type");
                found.setters.containers.add(c.name, field);
                found.values.insert(profile.type_.clone());
            }
            Some(_) => {}
            None if !pod_valid => found
                .unset
                .add(c.name, c.field("securityContext.seccompProfile")),
            None => {}
        }
    }
    found
}

impl SeccompFindings {
    fn explicit(&self) -> Option<Violation> {
        let values: Vec<&String> = self.values.iter().collect();
        let detail = format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            self.setters.text()?,
            join_quote(&values)
        );
        Some(violation("seccompProfile", detail, self.setters.first()?))
    }
}

/// check_seccompProfile_baseline.go
fn seccomp_profile_baseline_1_19(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    seccomp_findings(spec).explicit()
}

/// check_seccompProfile_restricted.go
fn seccomp_profile_restricted_1_19(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let found = seccomp_findings(spec);
    found.explicit().or_else(|| {
        found.unset.violation("seccompProfile", |who| {
            format!(
                "pod or {who} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
            )
        })
    })
}

/// check_seccompProfile_restricted.go: Windows pods may not set seccomp, so they pass.
fn seccomp_profile_restricted_1_25(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if is_windows(spec) {
        return None;
    }
    seccomp_profile_restricted_1_19(meta, spec)
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// check_sysctls.go: each version allows the previous one's sysctls and its own.
fn sysctls_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    sysctls(spec, &[SYSCTLS_1_0])
}

fn sysctls_1_27(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    sysctls(spec, &[SYSCTLS_1_0, SYSCTLS_1_27])
}

fn sysctls_1_29(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    sysctls(spec, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29])
}

fn sysctls_1_32(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    sysctls(
        spec,
        &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32],
    )
}

fn sysctls_1_37(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let all = [
        SYSCTLS_1_0,
        SYSCTLS_1_27,
        SYSCTLS_1_29,
        SYSCTLS_1_32,
        SYSCTLS_1_37,
    ];
    sysctls(spec, &all)
}

fn sysctls(spec: &PodSpec, allowed: &[&[&str]]) -> Option<Violation> {
    let is_allowed = |name: &str| allowed.iter().any(|list| list.contains(&name));
    let forbidden: Vec<(String, &str)> = spec
        .security_context
        .as_ref()
        .and_then(|s| s.sysctls.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, s)| !is_allowed(&s.name))
        .map(|(i, s)| {
            (
                format!("spec.securityContext.sysctls[{i}].name"),
                s.name.as_str(),
            )
        })
        .collect();
    let (field, _) = forbidden.first()?;
    let names: Vec<&str> = forbidden.iter().map(|(_, name)| *name).collect();
    Some(violation(
        "forbidden sysctls",
        names.join(", "),
        field.clone(),
    ))
}

/// check_windowsHostProcess.go
fn windows_host_process_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut setters = Setters::default();
    let pod_host_process = spec
        .security_context
        .as_ref()
        .and_then(|s| s.windows_options.as_ref())
        .and_then(|w| w.host_process);
    if pod_host_process == Some(true) {
        setters.pod = Some("spec.securityContext.windowsOptions.hostProcess".into());
    }
    for c in containers(spec) {
        let host_process = c
            .security_context
            .and_then(|s| s.windows_options.as_ref())
            .and_then(|w| w.host_process);
        if host_process == Some(true) {
            setters.containers.add(
                c.name,
                c.field("securityContext.windowsOptions.hostProcess"),
            );
        }
    }
    let detail = format!(
        "{} must not set securityContext.windowsOptions.hostProcess=true",
        setters.text()?
    );
    Some(violation("hostProcess", detail, setters.first()?))
}

// ---- restricted ----

/// check_allowPrivilegeEscalation.go
fn allow_privilege_escalation_1_8(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad = Offenders::default();
    for c in containers(spec) {
        if c.security_context
            .and_then(|s| s.allow_privilege_escalation)
            != Some(false)
        {
            bad.add(c.name, c.field("securityContext.allowPrivilegeEscalation"));
        }
    }
    bad.violation("allowPrivilegeEscalation != false", |who| {
        format!("{who} must set securityContext.allowPrivilegeEscalation=false")
    })
}

/// check_allowPrivilegeEscalation.go: Windows pods may not set it, so they pass.
fn allow_privilege_escalation_1_25(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if is_windows(spec) {
        return None;
    }
    allow_privilege_escalation_1_8(meta, spec)
}

/// check_capabilities_restricted.go
fn capabilities_restricted_1_22(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut missing_drop_all = Offenders::default();
    let mut adding = Offenders::default();
    let mut forbidden = BTreeSet::new();
    for c in containers(spec) {
        let Some(caps) = c.security_context.and_then(|s| s.capabilities.as_ref()) else {
            missing_drop_all.add(c.name, c.field("securityContext.capabilities"));
            continue;
        };
        if !caps.drop.iter().flatten().any(|d| d == "ALL") {
            missing_drop_all.add(c.name, c.field("securityContext.capabilities.drop"));
        }
        let mut first = None;
        for (k, cap) in caps.add.iter().flatten().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                forbidden.insert(cap.clone());
                first.get_or_insert(c.field(&format!("securityContext.capabilities.add[{k}]")));
            }
        }
        if let Some(field) = first {
            adding.add(c.name, field);
        }
    }
    let mut details = Vec::new();
    if !missing_drop_all.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            missing_drop_all.label()
        ));
    }
    if !adding.is_empty() {
        let forbidden: Vec<String> = forbidden.into_iter().collect();
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            adding.label(),
            join_quote(&forbidden)
        ));
    }
    let field = missing_drop_all.first.or(adding.first)?;
    Some(violation(
        "unrestricted capabilities",
        details.join("; "),
        field,
    ))
}

/// check_capabilities_restricted.go: Windows pods may not set capabilities, so they pass.
fn capabilities_restricted_1_25(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if is_windows(spec) {
        return None;
    }
    capabilities_restricted_1_22(meta, spec)
}

/// The volume source upstream names for a volume the restricted level forbids, and its field;
/// `None` for the allowed ones.
fn restricted_volume_type(v: &Volume) -> Option<&'static str> {
    let allowed = v.config_map.is_some()
        || v.csi.is_some()
        || v.downward_api.is_some()
        || v.empty_dir.is_some()
        || v.ephemeral.is_some()
        || v.image.is_some()
        || v.persistent_volume_claim.is_some()
        || v.projected.is_some()
        || v.secret.is_some();
    if allowed {
        return None;
    }
    let sources = [
        ("hostPath", v.host_path.is_some()),
        ("gcePersistentDisk", v.gce_persistent_disk.is_some()),
        ("awsElasticBlockStore", v.aws_elastic_block_store.is_some()),
        ("gitRepo", v.git_repo.is_some()),
        ("nfs", v.nfs.is_some()),
        ("iscsi", v.iscsi.is_some()),
        ("glusterfs", v.glusterfs.is_some()),
        ("rbd", v.rbd.is_some()),
        ("flexVolume", v.flex_volume.is_some()),
        ("cinder", v.cinder.is_some()),
        ("cephfs", v.cephfs.is_some()),
        ("flocker", v.flocker.is_some()),
        ("fc", v.fc.is_some()),
        ("azureFile", v.azure_file.is_some()),
        ("vsphereVolume", v.vsphere_volume.is_some()),
        ("quobyte", v.quobyte.is_some()),
        ("azureDisk", v.azure_disk.is_some()),
        ("photonPersistentDisk", v.photon_persistent_disk.is_some()),
        ("portworxVolume", v.portworx_volume.is_some()),
        ("scaleIO", v.scale_io.is_some()),
        ("storageos", v.storageos.is_some()),
    ];
    Some(
        sources
            .iter()
            .find(|(_, set)| *set)
            .map_or("unknown", |(name, _)| *name),
    )
}

/// check_restrictedVolumes.go
fn restricted_volumes_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut names = Vec::new();
    let mut types = BTreeSet::new();
    let mut first = None;
    for (path, volume) in volumes(spec) {
        if let Some(kind) = restricted_volume_type(volume) {
            names.push(volume.name.as_str());
            types.insert(kind);
            let field = if kind == "unknown" {
                path
            } else {
                format!("{path}.{kind}")
            };
            first.get_or_insert(field);
        }
    }
    let types: Vec<&str> = types.into_iter().collect();
    let detail = format!(
        "{} {} {} {} {}",
        pluralize("volume", "volumes", names.len()),
        join_quote(&names),
        pluralize("uses", "use", names.len()),
        pluralize(
            "restricted volume type",
            "restricted volume types",
            types.len()
        ),
        join_quote(&types)
    );
    Some(violation("restricted volume types", detail, first?))
}

/// check_runAsNonRoot.go
fn run_as_non_root_1_0(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut setters = Setters::default();
    let mut unset = Offenders::default();
    let pod = spec
        .security_context
        .as_ref()
        .and_then(|s| s.run_as_non_root);
    if pod == Some(false) {
        setters.pod = Some("spec.securityContext.runAsNonRoot".into());
    }
    for c in containers(spec) {
        let field = c.field("securityContext.runAsNonRoot");
        match c.security_context.and_then(|s| s.run_as_non_root) {
            Some(false) => setters.containers.add(c.name, field),
            None if pod != Some(true) => unset.add(c.name, field),
            _ => {}
        }
    }
    if let Some(who) = setters.text() {
        let detail = format!("{who} must not set securityContext.runAsNonRoot=false");
        return Some(violation("runAsNonRoot != true", detail, setters.first()?));
    }
    unset.violation("runAsNonRoot != true", |who| {
        format!("pod or {who} must set securityContext.runAsNonRoot=true")
    })
}

/// check_runAsNonRoot.go: a pod in a user namespace may run as root.
fn run_as_non_root_1_35(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if in_user_namespace(spec) {
        return None;
    }
    run_as_non_root_1_0(meta, spec)
}

/// check_runAsUser.go
fn run_as_user_1_23(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut setters = Setters::default();
    let pod = spec.security_context.as_ref().and_then(|s| s.run_as_user);
    if pod == Some(0) {
        setters.pod = Some("spec.securityContext.runAsUser".into());
    }
    for c in containers(spec) {
        if c.security_context.and_then(|s| s.run_as_user) == Some(0) {
            setters
                .containers
                .add(c.name, c.field("securityContext.runAsUser"));
        }
    }
    let detail = format!("{} must not set runAsUser=0", setters.text()?);
    Some(violation("runAsUser=0", detail, setters.first()?))
}

/// check_runAsUser.go: a pod in a user namespace may run as UID 0.
fn run_as_user_1_35(meta: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    if in_user_namespace(spec) {
        return None;
    }
    run_as_user_1_23(meta, spec)
}
