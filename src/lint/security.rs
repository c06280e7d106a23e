//! DS3xx: security and hygiene of the pod template.

pub(super) mod image;

use k8s_openapi::api::core::v1::SecurityContext;

use self::image::ImageRef;
use super::context::{ContainerRef, Ctx, HostMount, POD};
use super::{host, Hit, Needs, Rule, Severity, PRIVILEGED_AGENT_ANNOTATION};
use crate::manifest::{index_path, key_path};
use crate::placement::pod_security;

pub const RULES: &[Rule] = &[
    Rule {
        id: "DS301",
        name: "privileged-container",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container runs privileged and the manifest does not show why",
        description: "A privileged container has every capability and every host device, and no \
                      seccomp or AppArmor confinement: it is root on the node. On a DaemonSet that \
                      means root on every node of the cluster. Reported once per DaemonSet, naming \
                      every such container, and not for a container whose manifest shows it must \
                      be privileged: Bidirectional mount propagation (the API allows it only to \
                      privileged containers) or host devices (/dev or a device node under it). \
                      What privileged already implies is not reported again: capabilities \
                      (DS306), running as root (DS307), writable and sensitive host paths (DS304, \
                      DS305), host namespaces (DS303).",
        remediation: "remove securityContext.privileged and add only the capabilities the agent needs \
                      (capabilities.add); if it must be privileged, say why in the annotation \
                      lint.kubectl-ds.io/privileged-agent, which acknowledges DS301 and DS303 to \
                      DS307 and keeps every other rule on",
        check: privileged_container,
    },
    Rule {
        id: "DS302",
        name: "privilege-escalation",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container does not set allowPrivilegeEscalation: false",
        description: "Unless allowPrivilegeEscalation is false, a process in the container can gain \
                      more privileges than its parent (setuid binaries, file capabilities). The \
                      default is true.",
        remediation: "set securityContext.allowPrivilegeEscalation: false on the container",
        check: privilege_escalation,
    },
    Rule {
        id: "DS303",
        name: "host-pid-ipc",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "the pod shares the host's PID or IPC namespace",
        description: "With hostPID the agent sees, signals and (with ptrace) inspects every process \
                      on the node, including other pods' secrets in their environment; hostIPC \
                      exposes the node's shared memory and semaphores. Not reported when a \
                      container is privileged (DS301): it is root on the node already.",
        remediation: "remove hostPID/hostIPC unless the agent genuinely monitors host processes",
        check: host_pid_ipc,
    },
    Rule {
        id: "DS304",
        name: "writable-host-path",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a hostPath volume is mounted writable where the agent has no reason to write",
        description: "A writable hostPath mount lets the container change the node's files, and every \
                      node runs a copy of a DaemonSet; most agents only read logs, metrics or \
                      configuration from the host. Not reported: paths agents write by contract \
                      (CSI and DRA plugin and registration dirs, device-plugins, CNI config and \
                      binaries, CNI IPAM state, the iptables lock, /sys/fs/bpf, /run/netns), the \
                      agent's own state (a program's directory under /run, /var/run, /var/lib, \
                      /var/log, /var/cache or /opt, or a DirectoryOrCreate/FileOrCreate path \
                      outside the system trees), paths DS305 reports (runtime sockets among them: \
                      readOnly does not stop writes through a socket), and privileged containers \
                      (they can remount anything; DS301).",
        remediation: "set readOnly: true on the volumeMount, or use an emptyDir if the agent needs scratch space",
        check: writable_host_path,
    },
    Rule {
        id: "DS305",
        name: "sensitive-host-path",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a hostPath volume exposes a sensitive node path or the container runtime socket",
        description: "The node's root, /etc, /etc/kubernetes, /root, /home, /boot, /dev, /proc, \
                      kubelet or etcd state hold credentials and configuration for the whole node. \
                      The container runtime socket (docker, containerd, CRI-O) lets the holder \
                      start privileged containers: it is root on the node, whether or not the \
                      mount is read-only. Not reported for a volume only privileged containers \
                      mount: they are root on the node already (DS301).",
        remediation: "mount the narrowest path the agent needs (e.g. /var/log), read-only; avoid runtime sockets or use the kubelet's APIs",
        check: sensitive_host_path,
    },
    Rule {
        id: "DS306",
        name: "added-capabilities",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container adds capabilities beyond the Pod Security baseline",
        description: "The Pod Security baseline profile allows only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, \
                      FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, \
                      SETUID and SYS_CHROOT. Others (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL, ...) \
                      grant control over the node, and namespaces enforcing baseline reject the pod. \
                      Not reported: privileged containers (they hold every capability; DS301), and \
                      NET_ADMIN and NET_RAW in a hostNetwork pod, which manages the node's network \
                      by design.",
        remediation: "drop the capability if the agent can do without it; otherwise document why and suppress this rule on the object",
        check: added_capabilities,
    },
    Rule {
        id: "DS307",
        name: "run-as-non-root",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container may run as root (no runAsNonRoot: true or non-zero runAsUser)",
        description: "Without runAsNonRoot: true or a non-zero runAsUser (on the container or the \
                      pod), the container runs as whatever user the image names, usually root; a \
                      break-out from a root container on a DaemonSet is root on every node. Not \
                      reported for a container that needs root whatever it runs: privileged, with \
                      added capabilities (Kubernetes gives a non-root process no ambient \
                      capabilities), writing a root-owned host path, or reading root-only ones \
                      (container logs, runtime and kubelet state). A pod-level setting that \
                      several containers inherit is reported once.",
        remediation: "set securityContext.runAsNonRoot: true and runAsUser to a non-zero UID, on the pod or the container",
        check: run_as_non_root,
    },
    Rule {
        id: "DS308",
        name: "read-only-root-filesystem",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container's root filesystem is writable",
        description: "A read-only root filesystem stops an attacker from dropping binaries or \
                      changing the agent's own files; writes that the agent needs go to mounted \
                      volumes.",
        remediation: "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the agent writes",
        check: read_only_root_filesystem,
    },
    Rule {
        id: "DS309",
        name: "automount-service-account-token",
        severity: Severity::Info,
        needs: Needs::Manifest,
        summary: "the pod mounts the default service account's token",
        description: "Every pod gets an API token unless automountServiceAccountToken is false. A node \
                      agent on the default service account usually never calls the API and should \
                      not carry one: a DaemonSet puts the token on every node. (Agents with a \
                      dedicated service account are assumed to need theirs.)",
        remediation: "set spec.template.spec.automountServiceAccountToken: false if the agent does not call the Kubernetes API",
        check: automount_service_account_token,
    },
    Rule {
        id: "DS310",
        name: "missing-requests",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container has no cpu or no memory request",
        description: "Requests are what the scheduler reserves on each node for the agent. Without \
                      them the agent gets no guaranteed CPU or memory, is among the first pods \
                      evicted under node pressure, and is invisible to capacity planning. A request \
                      left out defaults to the limit when a limit is set.",
        remediation: "set resources.requests.cpu and resources.requests.memory from the agent's observed usage",
        check: missing_requests,
    },
    Rule {
        id: "DS311",
        name: "missing-memory-limit",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container has no memory limit",
        description: "An agent without a memory limit can leak until the node itself runs out of \
                      memory, taking the workloads on it down; with a limit only the agent is \
                      OOM-killed and restarted. Not reported for system-node-critical agents and \
                      CNI plugins: an OOM kill takes the node's networking (or what the agent \
                      serves) down with it, so their projects leave the limit out on purpose.",
        remediation: "set resources.limits.memory with headroom above the agent's peak usage",
        check: missing_memory_limit,
    },
    Rule {
        id: "DS312",
        name: "image-tag-latest",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "an image uses the tag latest, another moving tag (canary, nightly, main, master-head, -SNAPSHOT, a tag with no version number...) or no tag",
        description: "latest (also what an untagged image means) moves: nodes that pull at different \
                      times run different versions, and a rollout cannot tell the old template \
                      from the new one. Not reported for imagePullPolicy: Never (an image \
                      preloaded on the node, never pulled).",
        remediation: "use a version tag, ideally with a digest: image:1.2.3@sha256:...",
        check: image_tag_latest,
    },
    Rule {
        id: "DS313",
        name: "image-not-pinned",
        severity: Severity::Info,
        needs: Needs::Manifest,
        summary: "an image the kubelet pulls is not pinned by digest",
        description: "Tags can be moved or overwritten in the registry; a digest names exactly one \
                      image, so every node runs the same bits and a rollback restores them.",
        remediation: "append the digest: image:1.2.3@sha256:...",
        check: image_not_pinned,
    },
];

fn security_context<'a>(container: &ContainerRef<'a>) -> Option<&'a SecurityContext> {
    container.container.security_context.as_ref()
}

fn sc_field(container: &ContainerRef, name: &str) -> String {
    container.field(&format!("securityContext.{name}"))
}

/// What in the manifest shows that a privileged container needs to be: the API allows
/// Bidirectional mount propagation only to privileged containers, and host devices (a /dev
/// node) are closed to others by the device cgroup.
fn needs_privileged(ctx: &Ctx, container: &ContainerRef) -> bool {
    ctx.host_mounts(container)
        .iter()
        .any(|m| m.bidirectional() || host::is_device(&m.path, m.source.type_.as_deref()))
}

fn privileged_container(ctx: &Ctx) -> Vec<Hit> {
    let unexplained: Vec<ContainerRef> = ctx
        .containers()
        .into_iter()
        .filter(|c| c.is_privileged() && !needs_privileged(ctx, c))
        .collect();
    let Some(first) = unexplained.first() else {
        return vec![];
    };
    let labels: Vec<String> = unexplained.iter().map(ContainerRef::label).collect();
    let verb = if labels.len() == 1 { "runs" } else { "run" };
    vec![Hit::new(
        sc_field(first, "privileged"),
        format!(
            "{} {verb} privileged (privileged: true), root on every node, and nothing in the \
             manifest shows why; grant only the capabilities needed, or declare it with the \
             annotation {PRIVILEGED_AGENT_ANNOTATION}: <why>",
            labels.join(", ")
        ),
    )]
}

fn privilege_escalation(ctx: &Ctx) -> Vec<Hit> {
    ctx.containers()
        .iter()
        .filter(|c| !c.is_privileged())
        .filter_map(|c| {
            let message = match security_context(c).and_then(|s| s.allow_privilege_escalation) {
                Some(false) => return None,
                Some(true) => format!("{} sets allowPrivilegeEscalation: true", c.label()),
                None => format!(
                    "{} does not set allowPrivilegeEscalation: false (the default is true)",
                    c.label()
                ),
            };
            Some(Hit::new(sc_field(c, "allowPrivilegeEscalation"), message))
        })
        .collect()
}

/// Whether a container of the pod is privileged: root on the node, which makes host
/// namespaces, host paths, capabilities and the user it runs as add nothing.
fn any_privileged(ctx: &Ctx) -> bool {
    ctx.containers().iter().any(ContainerRef::is_privileged)
}

fn host_pid_ipc(ctx: &Ctx) -> Vec<Hit> {
    if any_privileged(ctx) {
        return vec![];
    }
    let pod = ctx.pod();
    [
        ("hostPID", pod.host_pid, "PID"),
        ("hostIPC", pod.host_ipc, "IPC"),
    ]
    .into_iter()
    .filter(|(_, value, _)| *value == Some(true))
    .map(|(field, _, namespace)| {
        Hit::new(
            format!("{POD}.{field}"),
            format!("{field}: true shares the node's {namespace} namespace with the pod"),
        )
    })
    .collect()
}

/// Whether a writable mount of this host path is worth reporting: not a runtime socket (DS305;
/// readOnly does not stop writes through a socket), not a path DS305 reports anyway, not one
/// the agent writes by contract, not its own state.
fn reportable_writable(mount: &HostMount) -> bool {
    mount.writable()
        && host::why_sensitive(&mount.path).is_none()
        && host::written_by_contract(&mount.path).is_none()
        && !host::is_own_state(&mount.path, mount.source.type_.as_deref())
}

fn writable_host_path(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    // A privileged container can remount anything read-write; DS301 covers it.
    for container in ctx.containers().iter().filter(|c| !c.is_privileged()) {
        for mount in ctx.host_mounts(container) {
            if !reportable_writable(&mount) {
                continue;
            }
            hits.push(Hit::new(
                index_path(&container.field("volumeMounts"), mount.index),
                format!(
                    "{} mounts hostPath volume {:?} (host path {}) at {} without readOnly: true",
                    container.label(),
                    mount.mount.name,
                    mount.source.path,
                    mount.mount.mount_path
                ),
            ));
        }
    }
    hits
}

/// Whether only privileged containers mount the volume (and at least one does).
fn mounted_only_by_privileged(ctx: &Ctx, volume: &str) -> bool {
    let mounting: Vec<bool> = ctx
        .containers()
        .iter()
        .filter(|c| {
            c.container
                .volume_mounts
                .iter()
                .flatten()
                .any(|m| m.name == volume)
        })
        .map(ContainerRef::is_privileged)
        .collect();
    !mounting.is_empty() && mounting.iter().all(|privileged| *privileged)
}

fn sensitive_host_path(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, volume) in ctx.pod().volumes.iter().flatten().enumerate() {
        let Some(host_path) = volume.host_path.as_ref() else {
            continue;
        };
        if host_path.path.trim().is_empty() || mounted_only_by_privileged(ctx, &volume.name) {
            continue;
        }
        if let Some(why) = host::why_sensitive(&host::normalise(&host_path.path)) {
            hits.push(Hit::new(
                format!("{}.hostPath.path", index_path(&format!("{POD}.volumes"), i)),
                format!(
                    "volume {:?} mounts host path {}: {why}",
                    volume.name, host_path.path
                ),
            ));
        }
    }
    hits
}

/// `cap_net_admin`, `CAP_NET_ADMIN` and `net_admin` all name NET_ADMIN.
fn capability_name(written: &str) -> String {
    let upper = written.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

/// Capabilities that are what a pod in the node's network namespace is there for.
const HOST_NETWORK_CAPABILITIES: &[&str] = &["NET_ADMIN", "NET_RAW"];

fn added_capabilities(ctx: &Ctx) -> Vec<Hit> {
    let host_network = ctx.pod().host_network == Some(true);
    let mut hits = Vec::new();
    // A privileged container holds every capability already.
    for container in ctx.containers().iter().filter(|c| !c.is_privileged()) {
        for (i, written) in container.added_capabilities().iter().enumerate() {
            let name = capability_name(written);
            if pod_security::BASELINE_CAPABILITIES.contains(&name.as_str())
                || (host_network && HOST_NETWORK_CAPABILITIES.contains(&name.as_str()))
            {
                continue;
            }
            hits.push(Hit::new(
                index_path(&sc_field(container, "capabilities.add"), i),
                format!(
                    "{} adds capability {written}, beyond the Pod Security baseline",
                    container.label()
                ),
            ));
        }
    }
    hits
}

/// Why the container needs root whatever it runs, or `None`: privileged, capabilities (a
/// non-root process loses them: Kubernetes sets no ambient capabilities), writing root-owned
/// host paths, or reading root-only ones (container logs, runtime state).
fn needs_root(ctx: &Ctx, container: &ContainerRef) -> bool {
    container.is_privileged()
        || !container.added_capabilities().is_empty()
        || ctx
            .host_mounts(container)
            .iter()
            .any(|m| m.writable() || host::needs_root_to_read(&m.path))
}

/// What decides the user a container runs as: the container's own setting, else the pod's.
fn effective_user(ctx: &Ctx, container: &ContainerRef) -> RunAs {
    let pod = ctx.pod().security_context.as_ref();
    let pod_path = |field: &str| format!("{POD}.securityContext.{field}");
    let own = security_context(container);
    let user = match own.and_then(|s| s.run_as_user) {
        Some(uid) => Some((uid, sc_field(container, "runAsUser"))),
        None => pod
            .and_then(|s| s.run_as_user)
            .map(|uid| (uid, pod_path("runAsUser"))),
    };
    let non_root = match own.and_then(|s| s.run_as_non_root) {
        Some(flag) => Some((flag, sc_field(container, "runAsNonRoot"))),
        None => pod
            .and_then(|s| s.run_as_non_root)
            .map(|flag| (flag, pod_path("runAsNonRoot"))),
    };
    match (user, non_root) {
        (Some((0, path)), _) => RunAs::Root(path),
        (Some(_), _) | (None, Some((true, _))) => RunAs::NonRoot,
        (None, Some((false, path))) => RunAs::MayBeRoot(path),
        (None, None) => RunAs::Unset,
    }
}

enum RunAs {
    NonRoot,
    /// runAsUser: 0, at this path.
    Root(String),
    /// runAsNonRoot: false and no runAsUser, at this path.
    MayBeRoot(String),
    /// Neither level says anything.
    Unset,
}

fn run_as_non_root(ctx: &Ctx) -> Vec<Hit> {
    // Grouped by where the fix goes, so a pod-level setting that several containers inherit
    // (or several containers with nothing set) is reported once.
    let mut groups: Vec<(Option<String>, [&'static str; 2], Vec<ContainerRef>)> = Vec::new();
    for container in ctx.containers() {
        if needs_root(ctx, &container) {
            continue;
        }
        let (path, what) = match effective_user(ctx, &container) {
            RunAs::NonRoot => continue,
            RunAs::Root(path) => (Some(path), ["runs", "as root (runAsUser: 0)"]),
            RunAs::MayBeRoot(path) => (
                Some(path),
                ["sets", "runAsNonRoot: false and no non-zero runAsUser"],
            ),
            RunAs::Unset => (
                None,
                [
                    "sets",
                    "neither runAsNonRoot: true nor a non-zero runAsUser (nor does the pod), \
                     so the image's user runs, usually root",
                ],
            ),
        };
        match groups.iter_mut().find(|(p, _, _)| *p == path) {
            Some((_, _, containers)) => containers.push(container),
            None => groups.push((path, what, vec![container])),
        }
    }
    groups
        .into_iter()
        .map(|(path, [verb, rest], containers)| {
            let labels: Vec<String> = containers.iter().map(ContainerRef::label).collect();
            let path = match (path, containers.as_slice()) {
                (Some(path), _) => path,
                // Nothing set: one container is best fixed on itself, several on the pod.
                (None, [only]) => sc_field(only, "runAsNonRoot"),
                (None, _) => format!("{POD}.securityContext.runAsNonRoot"),
            };
            let verb = match labels.len() {
                1 => verb,
                _ => verb.trim_end_matches('s'),
            };
            Hit::new(path, format!("{} {verb} {rest}", labels.join(", ")))
        })
        .collect()
}

fn read_only_root_filesystem(ctx: &Ctx) -> Vec<Hit> {
    ctx.main_containers()
        .iter()
        .filter_map(|c| {
            let message = match security_context(c).and_then(|s| s.read_only_root_filesystem) {
                Some(true) => return None,
                Some(false) => format!("{} sets readOnlyRootFilesystem: false", c.label()),
                None => format!("{} does not set readOnlyRootFilesystem: true", c.label()),
            };
            Some(Hit::new(sc_field(c, "readOnlyRootFilesystem"), message))
        })
        .collect()
}

fn automount_service_account_token(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod();
    // A dedicated service account says the agent talks to the API; the default one says nothing.
    let dedicated = pod
        .service_account_name
        .as_deref()
        .or(pod.service_account.as_deref())
        .is_some_and(|name| !name.is_empty() && name != "default");
    let message = match pod.automount_service_account_token {
        Some(false) => return vec![],
        _ if dedicated => return vec![],
        Some(true) => "automountServiceAccountToken: true mounts the default service account's API token into every pod",
        None => "the pods run as the namespace's default service account with its API token mounted",
    };
    vec![Hit::new(
        format!("{POD}.automountServiceAccountToken"),
        message,
    )]
}

fn missing_requests(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for container in ctx.main_containers() {
        let resources = container.container.resources.as_ref();
        let has = |kind: &str| {
            resources.is_some_and(|r| {
                r.requests.as_ref().is_some_and(|m| m.contains_key(kind))
                    // The API server copies a limit into a missing request.
                    || r.limits.as_ref().is_some_and(|m| m.contains_key(kind))
            })
        };
        let missing: Vec<&str> = ["cpu", "memory"].into_iter().filter(|k| !has(k)).collect();
        if missing.is_empty() {
            continue;
        }
        hits.push(Hit::new(
            container.field("resources.requests"),
            format!(
                "{} has no {} request",
                container.label(),
                missing.join(" or ")
            ),
        ));
    }
    hits
}

/// Whether the node cannot run pods without the agent, so an OOM kill of it is worse than its
/// leak: system-node-critical, or the node's CNI plugin.
fn unkillable(ctx: &Ctx) -> bool {
    ctx.pod().priority_class_name.as_deref() == Some("system-node-critical") || ctx.is_cni_plugin()
}

fn missing_memory_limit(ctx: &Ctx) -> Vec<Hit> {
    if unkillable(ctx) {
        return vec![];
    }
    ctx.main_containers()
        .iter()
        .filter(|c| {
            !c.container
                .resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .is_some_and(|m| m.contains_key("memory"))
        })
        .map(|c| {
            Hit::new(
                key_path(&c.field("resources.limits"), "memory"),
                format!("{} has no memory limit", c.label()),
            )
        })
        .collect()
}

/// Why the image floats like `latest`, or `None` if it names a fixed tag or a digest.
fn floating_tag(image: &ImageRef) -> Option<&'static str> {
    if image.pinned() {
        return None;
    }
    match image.tag {
        None => Some("has no tag, so it means latest"),
        Some("latest") => Some("uses the tag latest"),
        // Conventional names of tags that move with a branch, like latest does.
        Some("canary" | "edge" | "nightly" | "dev" | "main" | "master" | "stable") => {
            Some("uses a moving tag (it follows a branch, like latest)")
        }
        // `master-head`, `main-head`, `1.2-SNAPSHOT`: rebuilt from a branch tip on every push.
        Some(tag) if is_branch_build(tag) => {
            Some("uses a moving tag (it is rebuilt from a branch tip, like latest)")
        }
        // `elasticsearch`, `alpine`, `lts`: a variant or channel, re-pushed with every release.
        Some(tag) if !tag.bytes().any(|b| b.is_ascii_digit()) => {
            Some("uses a tag with no version in it, which moves with every release like latest")
        }
        Some(_) => None,
    }
}

fn is_branch_build(tag: &str) -> bool {
    let tag = tag.to_ascii_lowercase();
    matches!(tag.as_str(), "head" | "snapshot")
        || tag.ends_with("-head")
        || tag.ends_with("-snapshot")
}

/// Containers with their written image (containers without one are skipped).
fn images<'a>(ctx: &Ctx<'a>) -> Vec<(ContainerRef<'a>, &'a str)> {
    ctx.containers()
        .into_iter()
        .filter_map(|c| {
            let image = c.container.image.as_deref()?.trim();
            (!image.is_empty()).then_some((c, image))
        })
        .collect()
}

/// An image the kubelet never pulls (imagePullPolicy: Never, preloaded on the node) has no
/// registry to drift from.
fn preloaded(container: &ContainerRef) -> bool {
    container.container.image_pull_policy.as_deref() == Some("Never")
}

fn image_tag_latest(ctx: &Ctx) -> Vec<Hit> {
    images(ctx)
        .into_iter()
        .filter(|(c, _)| !preloaded(c))
        .filter_map(|(c, image)| {
            let why = floating_tag(&ImageRef::parse(image))?;
            Some(Hit::new(
                c.field("image"),
                format!("{} image {image:?} {why}", c.label()),
            ))
        })
        .collect()
}

fn image_not_pinned(ctx: &Ctx) -> Vec<Hit> {
    images(ctx)
        .into_iter()
        .filter_map(|(c, image)| {
            let parsed = ImageRef::parse(image);
            // DS312 already reports floating tags.
            if parsed.pinned() || floating_tag(&parsed).is_some() || preloaded(&c) {
                return None;
            }
            Some(Hit::new(
                c.field("image"),
                format!("{} image {image:?} is not pinned by digest", c.label()),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{check_family, lint_fixture, Case};

    const CASES: &[Case] = &[
        Case::new("DS301", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {privileged: false}}]}}}"),
        Case::new("DS301", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {privileged: true}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1'}]}}}"),
        // The manifest shows why: Bidirectional propagation (API-required) or host devices.
        Case::new("DS301", "spec: {template: {spec: {volumes: [{name: k, hostPath: {path: /var/lib/kubelet}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: k, mountPath: /k}]}]}}}", "spec: {template: {spec: {volumes: [{name: k, hostPath: {path: /var/lib/kubelet}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: k, mountPath: /k, mountPropagation: Bidirectional}]}]}}}"),
        Case::new("DS301", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev}]}, {name: sidecar, image: 'a:1', securityContext: {privileged: true}}]}}}", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev/kmsg}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev/kmsg, readOnly: true}]}]}}}"),
        // /dev/log is the syslog socket, not a device: nothing there needs privileged.
        Case::new("DS301", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev/log}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev/log}]}]}}}", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev/nvidia0, type: CharDevice}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev/nvidia0}]}]}}}"),
        Case::new("DS302", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}"),
        Case::new("DS302", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {allowPrivilegeEscalation: true}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {allowPrivilegeEscalation: false}}]}}}"),
        Case::new("DS303", "spec: {template: {spec: {hostPID: true}}}", "spec: {template: {spec: {hostPID: false, hostIPC: false}}}"),
        Case::new("DS303", "spec: {template: {spec: {hostIPC: true}}}", "spec: {template: {spec: {hostNetwork: true}}}"),
        // Privileged is root on the node already (DS301).
        Case::new("DS303", "spec: {template: {spec: {hostPID: true, containers: [{name: agent, image: 'a:1', securityContext: {privileged: false}}]}}}", "spec: {template: {spec: {hostPID: true, containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs}]}]}}}", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]}]}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], initContainers: [{name: setup, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs, readOnly: false}]}]}}}", "spec: {template: {spec: {volumes: [{name: scratch, emptyDir: {}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: scratch, mountPath: /tmp}]}]}}}"),
        // Written by contract (CSI, CNI, iptables, eBPF), the agent's own state, or privileged.
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: h, hostPath: {path: /var/lib/kubelet/pods}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: h, mountPath: /h}]}]}}}", "spec: {template: {spec: {volumes: [{name: a, hostPath: {path: /var/lib/kubelet/plugins/x.csi.io}}, {name: b, hostPath: {path: /var/lib/kubelet/plugins_registry/}}, {name: c, hostPath: {path: /etc/cni/net.d}}, {name: d, hostPath: {path: /opt/cni/bin}}, {name: e, hostPath: {path: /run/xtables.lock, type: FileOrCreate}}, {name: f, hostPath: {path: /sys/fs/bpf}}, {name: g, hostPath: {path: /var/lib/kubelet/device-plugins}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: a, mountPath: /a}, {name: b, mountPath: /b}, {name: c, mountPath: /c}, {name: d, mountPath: /d}, {name: e, mountPath: /e}, {name: f, mountPath: /f}, {name: g, mountPath: /g}]}]}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: h, hostPath: {path: /var/lib/docker/containers}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: h, mountPath: /h}]}]}}}", "spec: {template: {spec: {volumes: [{name: a, hostPath: {path: /var/lib/calico}}, {name: b, hostPath: {path: /run/flannel}}, {name: c, hostPath: {path: /var/fluent-bit/state, type: DirectoryOrCreate}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: a, mountPath: /a}, {name: b, mountPath: /b}, {name: c, mountPath: /c}]}]}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: h, hostPath: {path: /lib/modules}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: h, mountPath: /h}]}]}}}", "spec: {template: {spec: {volumes: [{name: h, hostPath: {path: /lib/modules}}, {name: e, hostPath: {path: /etc}}, {name: s, hostPath: {path: /run/containerd/containerd.sock}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: h, mountPath: /h}]}, {name: other, image: 'a:1', volumeMounts: [{name: e, mountPath: /e}, {name: s, mountPath: /s}]}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]}}}", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: root, hostPath: {path: /}}]}}}", "spec: {template: {spec: {volumes: [{name: kubelet-pods, hostPath: {path: /var/lib/kubelet/pods}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: run, hostPath: {path: /run/containerd/}}]}}}", "spec: {template: {spec: {volumes: [{name: run, hostPath: {path: /run/containerd-foo}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: etc, hostPath: {path: /etc/, type: Directory}}]}}}", "spec: {template: {spec: {volumes: [{name: etc, hostPath: {path: /etc/machine-id, type: File}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: p, hostPath: {path: /proc}}]}}}", "spec: {template: {spec: {volumes: [{name: p, hostPath: {path: /sys}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: k, hostPath: {path: /etc/kubernetes}}]}}}", "spec: {template: {spec: {volumes: [{name: k, hostPath: {path: /etc/kubernetes/manifests-of-mine}}]}}}"),
        // Only privileged containers mount it: they are root on the node already (DS301).
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev}]}, {name: other, image: 'a:1', volumeMounts: [{name: d, mountPath: /dev, readOnly: true}]}]}}}", "spec: {template: {spec: {volumes: [{name: d, hostPath: {path: /dev}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}, volumeMounts: [{name: d, mountPath: /dev}]}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_ADMIN]}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_BIND_SERVICE, cap_chown, CAP_KILL], drop: [ALL]}}}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [all]}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {drop: [ALL]}}}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {capabilities: {add: [cap_sys_admin]}}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {capabilities: {add: [setuid]}}}]}}}"),
        // Managing the node's network is what a hostNetwork pod is for; privileged has them all.
        Case::new("DS306", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_ADMIN, SYS_ADMIN]}}}]}}}", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_ADMIN, NET_RAW]}}}, {name: other, image: 'a:1', securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}}]}}}"),
        // Neither level sets anything / the pod level alone is enough.
        Case::new("DS307", "spec: {template: {spec: {securityContext: null}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: true, runAsUser: null}}}}"),
        // A non-zero runAsUser alone is enough, on the pod or the container.
        Case::new("DS307", "spec: {template: {spec: {securityContext: {runAsNonRoot: false, runAsUser: null}}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: null, runAsUser: 1000}}}}"),
        // The container overrides the pod: to root, or to non-root.
        Case::new("DS307", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {runAsUser: 0}}]}}}", "spec: {template: {spec: {securityContext: null, containers: [{name: agent, image: 'a:1', securityContext: {runAsUser: 1000}}]}}}"),
        Case::new("DS307", "spec: {template: {spec: {securityContext: {runAsUser: null}, containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: false}}]}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: false, runAsUser: null}, containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: true}}]}}}"),
        // Init containers inherit the pod's settings too.
        Case::new("DS307", "spec: {template: {spec: {securityContext: null, initContainers: [{name: setup, image: 'a:1'}], containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: true}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1'}]}}}"),
        // Root whatever it runs: privileged, capabilities, root-owned host paths.
        Case::new("DS307", "spec: {template: {spec: {securityContext: null, volumes: [{name: h, hostPath: {path: /sys}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: h, mountPath: /h, readOnly: true}]}]}}}", "spec: {template: {spec: {securityContext: null, volumes: [{name: h, hostPath: {path: /var/log}}, {name: s, hostPath: {path: /var/lib/agent}}], initContainers: [{name: setup, image: 'a:1', volumeMounts: [{name: s, mountPath: /s}]}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: h, mountPath: /h, readOnly: true}]}, {name: net, image: 'a:1', securityContext: {capabilities: {add: [NET_ADMIN]}}}, {name: priv, image: 'a:1', securityContext: {privileged: true}}]}}}"),
        Case::new("DS308", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {readOnlyRootFilesystem: true}}]}}}"),
        Case::new("DS308", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {readOnlyRootFilesystem: false}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1'}]}}}"),
        Case::new("DS309", "spec: {template: {spec: {automountServiceAccountToken: null}}}", "spec: {template: {spec: {automountServiceAccountToken: false}}}"),
        Case::new("DS309", "spec: {template: {spec: {automountServiceAccountToken: true}}}", ""),
        Case::new("DS309", "spec: {template: {spec: {automountServiceAccountToken: null, serviceAccountName: default}}}", "spec: {template: {spec: {automountServiceAccountToken: null, serviceAccountName: log-agent}}}"),
        Case::new("DS310", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m, memory: 32Mi}}}]}}}"),
        // Limits without requests: the API server copies the limits into the requests.
        Case::new("DS310", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m}, limits: {cpu: 100m}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {limits: {cpu: 100m, memory: 128Mi}}}]}}}"),
        Case::new("DS310", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {limits: {memory: 128Mi}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m}, limits: {memory: 128Mi}}}]}}}"),
        Case::new("DS311", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {cpu: 1}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {limits: {memory: 128Mi}}}]}}}"),
        // An OOM kill of a system-node-critical agent or the CNI plugin takes the node down with it.
        Case::new("DS311", "spec: {template: {spec: {priorityClassName: system-cluster-critical, containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m, memory: 32Mi}}}]}}}", "spec: {template: {spec: {priorityClassName: system-node-critical, containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m, memory: 32Mi}}}]}}}"),
        Case::new("DS311", "spec: {template: {spec: {volumes: [{name: c, hostPath: {path: /etc/cni/net.d}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: c, mountPath: /c, readOnly: true}], resources: {requests: {cpu: 10m, memory: 32Mi}}}]}}}", "spec: {template: {spec: {volumes: [{name: c, hostPath: {path: /etc/cni/net.d}}], initContainers: [{name: install, image: 'a:1', volumeMounts: [{name: c, mountPath: /c}]}], containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 10m, memory: 32Mi}}}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:latest'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:1.25'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'quay.io/cephcsi/cephcsi:canary'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'quay.io/cephcsi/cephcsi:v3.11.0'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'registry:5000/org/img'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'registry:5000/org/img@sha256:0f5b7a0c'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {initContainers: [{name: setup, image: busybox}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'busybox:latest@sha256:0f5b7a0c'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'gcr.io/k8s-staging/agent:master-head'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'gcr.io/k8s-staging/agent:v20261201-0a1b2c3'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'example.com/agent:2.1-SNAPSHOT'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'example.com/agent:2.1.0'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'fluent/fluentd-kubernetes-daemonset:elasticsearch'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'fluent/fluentd-kubernetes-daemonset:v1-debian-elasticsearch'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {initContainers: [{name: setup, image: 'cos-nvidia-installer:fixed', imagePullPolicy: IfNotPresent}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'cos-nvidia-installer:fixed', imagePullPolicy: Never}]}}}"),
        Case::new("DS313", "spec: {template: {spec: {containers: [{name: agent, image: 'agent:2.1.0', imagePullPolicy: IfNotPresent}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'agent:2.1.0', imagePullPolicy: Never}]}}}"),
        Case::new("DS313", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:1.25'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:1.25@sha256:0f5b7a0c'}]}}}"),
        // An untagged image is DS312's, not also DS313's.
        Case::new("DS313", "spec: {template: {spec: {initContainers: [{name: setup, image: 'registry:5000/busybox:1.36'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: nginx}]}}}"),
    ];

    #[test]
    fn every_rule_has_a_failing_and_a_passing_fixture() {
        check_family(RULES, CASES);
    }

    fn only(fixture: &str, id: &str) -> (String, String) {
        let findings = lint_fixture(fixture, None);
        let hits: Vec<_> = findings.iter().filter(|f| f.rule_id == id).collect();
        assert_eq!(
            hits.len(),
            1,
            "{id}: {:?}",
            crate::lint::testing::ids(&findings)
        );
        (hits[0].field.clone(), hits[0].message.clone())
    }

    #[test]
    fn messages_name_the_container_and_the_offending_value() {
        assert_eq!(
            only("spec: {template: {spec: {volumes: [{name: sock, hostPath: {path: /run/containerd/containerd.sock/}}]}}}", "DS305"),
            (
                "spec.template.spec.volumes[0].hostPath.path".to_string(),
                "volume \"sock\" mounts host path /run/containerd/containerd.sock/: a container runtime socket, which gives root on the node".to_string()
            )
        );
        assert_eq!(
            only("spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {memory: 32Mi}, limits: {memory: 64Mi}}}]}}}", "DS310"),
            (
                "spec.template.spec.containers[0].resources.requests".to_string(),
                "container \"agent\" has no cpu request".to_string()
            )
        );
        assert_eq!(
            only("spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: tmp, mountPath: /tmp}, {name: logs, mountPath: /logs}]}]}}}", "DS304"),
            (
                "spec.template.spec.containers[0].volumeMounts[1]".to_string(),
                "container \"agent\" mounts hostPath volume \"logs\" (host path /var/log) at /logs without readOnly: true".to_string()
            )
        );
        assert_eq!(
            only("spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [CHOWN, CAP_SYS_ADMIN]}}}]}}}", "DS306"),
            (
                "spec.template.spec.containers[0].securityContext.capabilities.add[1]".to_string(),
                "container \"agent\" adds capability CAP_SYS_ADMIN, beyond the Pod Security baseline".to_string()
            )
        );
    }

    #[test]
    fn privileged_containers_without_a_reason_are_reported_once() {
        let (field, message) = only(
            "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {privileged: true}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}",
            "DS301",
        );
        assert_eq!(
            field,
            "spec.template.spec.initContainers[0].securityContext.privileged"
        );
        assert_eq!(
            message,
            "init container \"setup\", container \"agent\" run privileged (privileged: true), root \
             on every node, and nothing in the manifest shows why; grant only the capabilities \
             needed, or declare it with the annotation lint.kubectl-ds.io/privileged-agent: <why>"
        );
    }

    #[test]
    fn containers_with_nothing_set_are_reported_once_on_the_pod() {
        let (field, message) = only(
            "spec: {template: {spec: {securityContext: null, initContainers: [{name: setup, image: 'a:1'}], containers: [{name: agent, image: 'a:1'}, {name: net, image: 'a:1', securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]}}}",
            "DS307",
        );
        assert_eq!(field, "spec.template.spec.securityContext.runAsNonRoot");
        assert_eq!(
            message,
            "init container \"setup\", container \"agent\" set neither runAsNonRoot: true nor a \
             non-zero runAsUser (nor does the pod), so the image's user runs, usually root"
        );
        // A pod-level runAsUser: 0 that three containers inherit is one finding.
        let findings = lint_fixture(
            "spec: {template: {spec: {securityContext: {runAsNonRoot: null, runAsUser: 0}, initContainers: [{name: setup, image: 'a:1'}], containers: [{name: agent, image: 'a:1'}, {name: b, image: 'a:1'}]}}}",
            None,
        );
        let hits: Vec<_> = findings.iter().filter(|f| f.rule_id == "DS307").collect();
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "init container \"setup\", container \"agent\", container \"b\" run as root (runAsUser: 0)"
        );
    }

    #[test]
    fn a_privileged_agent_declaration_acknowledges_host_access_and_keeps_the_rest() {
        let fixture = "metadata: {annotations: {lint.kubectl-ds.io/privileged-agent: 'programs the node dataplane'}}\nspec: {minReadySeconds: 0, template: {spec: {hostPID: true, priorityClassName: null, securityContext: null, volumes: [{name: r, hostPath: {path: /}}], containers: [{name: agent, image: 'a:1', securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}, volumeMounts: [{name: r, mountPath: /host}]}, {name: helper, image: 'a:1', volumeMounts: [{name: r, mountPath: /r}]}]}}}";
        let findings = lint_fixture(fixture, None);
        let found = crate::lint::testing::ids(&findings);
        for acknowledged in crate::lint::PRIVILEGED_AGENT_RULES {
            assert!(
                !found.iter().any(|f| f.starts_with(acknowledged)),
                "{acknowledged}: {found:?}"
            );
        }
        for kept in ["DS207", "DS211", "DS302", "DS308", "DS311", "DS313"] {
            assert!(
                found.iter().any(|f| f.starts_with(kept)),
                "{kept}: {found:?}"
            );
        }
        // Without a reason it declares nothing.
        let undeclared = lint_fixture(
            &fixture.replace("'programs the node dataplane'", "''"),
            None,
        );
        assert!(crate::lint::testing::ids(&undeclared)
            .iter()
            .any(|f| f.starts_with("DS301")));
    }

    #[test]
    fn run_as_non_root_points_at_the_setting_that_wins() {
        // The pod says non-root, the container overrides it with root.
        let (field, message) = only(
            "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {runAsUser: 0}}]}}}",
            "DS307",
        );
        assert_eq!(
            field,
            "spec.template.spec.containers[0].securityContext.runAsUser"
        );
        assert_eq!(message, "container \"agent\" runs as root (runAsUser: 0)");
        // The pod level alone runs as root.
        let (field, _) = only(
            "spec: {template: {spec: {securityContext: {runAsNonRoot: null, runAsUser: 0}}}}",
            "DS307",
        );
        assert_eq!(field, "spec.template.spec.securityContext.runAsUser");
    }

    #[test]
    fn host_pid_and_ipc_give_one_hit_each() {
        let findings = lint_fixture(
            "spec: {template: {spec: {hostPID: true, hostIPC: true}}}",
            None,
        );
        let mut fields: Vec<_> = findings
            .iter()
            .filter(|f| f.rule_id == "DS303")
            .map(|f| f.field.as_str())
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            ["spec.template.spec.hostIPC", "spec.template.spec.hostPID"]
        );
    }
}
