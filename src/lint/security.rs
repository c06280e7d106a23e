//! DS3xx: security and hygiene of the pod template.

mod image;

use k8s_openapi::api::core::v1::SecurityContext;

use self::image::ImageRef;
use super::context::{ContainerRef, Ctx, POD};
use super::{Hit, Needs, Rule, Severity};
use crate::manifest::{index_path, key_path};
use crate::placement::pod_security;

pub const RULES: &[Rule] = &[
    Rule {
        id: "DS301",
        name: "privileged-container",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a container runs privileged",
        description: "A privileged container has every capability and every host device, and no \
                      seccomp or AppArmor confinement: it is root on the node. On a DaemonSet that \
                      means root on every node of the cluster.",
        remediation: "remove securityContext.privileged and add only the capabilities the agent needs (capabilities.add)",
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
                      exposes the node's shared memory and semaphores.",
        remediation: "remove hostPID/hostIPC unless the agent genuinely monitors host processes",
        check: host_pid_ipc,
    },
    Rule {
        id: "DS304",
        name: "writable-host-path",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a hostPath volume is mounted without readOnly: true",
        description: "A writable hostPath mount lets the container change the node's files, and every \
                      node runs a copy of a DaemonSet; most agents only read logs, metrics or \
                      configuration from the host. Container runtime sockets are left to DS305: \
                      readOnly does not stop writes through a socket.",
        remediation: "set readOnly: true on the volumeMount, or use an emptyDir if the agent needs scratch space",
        check: writable_host_path,
    },
    Rule {
        id: "DS305",
        name: "sensitive-host-path",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a hostPath volume exposes a sensitive node path or the container runtime socket",
        description: "The node's root, /etc, /root, /home, /boot, /dev, kubelet or etcd state hold \
                      credentials and configuration for the whole node. The container runtime \
                      socket (docker, containerd, CRI-O) lets the holder start privileged \
                      containers: it is root on the node, whether or not the mount is read-only.",
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
                      grant control over the node, and namespaces enforcing baseline reject the pod.",
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
                      break-out from a root container on a DaemonSet is root on every node.",
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
                      OOM-killed and restarted.",
        remediation: "set resources.limits.memory with headroom above the agent's peak usage",
        check: missing_memory_limit,
    },
    Rule {
        id: "DS312",
        name: "image-tag-latest",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "an image uses the tag latest, another moving tag (canary, nightly, main, master-head, -SNAPSHOT...) or no tag",
        description: "latest (also what an untagged image means) moves: nodes that pull at different \
                      times run different versions, and a rollout cannot tell the old template \
                      from the new one.",
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

fn is_privileged(container: &ContainerRef) -> bool {
    security_context(container).and_then(|s| s.privileged) == Some(true)
}

fn sc_field(container: &ContainerRef, name: &str) -> String {
    container.field(&format!("securityContext.{name}"))
}

fn privileged_container(ctx: &Ctx) -> Vec<Hit> {
    ctx.containers()
        .iter()
        .filter(|c| is_privileged(c))
        .map(|c| {
            Hit::new(
                sc_field(c, "privileged"),
                format!("{} runs privileged (privileged: true)", c.label()),
            )
        })
        .collect()
}

fn privilege_escalation(ctx: &Ctx) -> Vec<Hit> {
    ctx.containers()
        .iter()
        .filter(|c| !is_privileged(c))
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

fn host_pid_ipc(ctx: &Ctx) -> Vec<Hit> {
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

/// The host path of the pod's hostPath volume `name`, if it is one.
fn host_path_of<'a>(ctx: &Ctx<'a>, name: &str) -> Option<&'a str> {
    ctx.pod()
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == name)
        .and_then(|v| v.host_path.as_ref())
        .map(|h| h.path.as_str())
}

fn writable_host_path(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for container in ctx.containers() {
        for (i, mount) in container
            .container
            .volume_mounts
            .iter()
            .flatten()
            .enumerate()
        {
            if mount.read_only == Some(true) {
                continue;
            }
            let Some(host_path) = host_path_of(ctx, &mount.name) else {
                continue;
            };
            // readOnly does not stop writes through a socket; DS305 reports runtime sockets.
            if RUNTIME_SOCKETS.contains(&normalise_host_path(host_path).as_str()) {
                continue;
            }
            hits.push(Hit::new(
                index_path(&container.field("volumeMounts"), i),
                format!(
                    "{} mounts hostPath volume {:?} (host path {host_path}) at {} without readOnly: true",
                    container.label(),
                    mount.name,
                    mount.mount_path
                ),
            ));
        }
    }
    hits
}

/// Host paths that DS305 reports, each with why it is sensitive.
const SENSITIVE_HOST_PATHS: &[(&str, &str)] = &[
    ("/", "the node's root filesystem"),
    ("/etc", "the node's configuration and credentials"),
    ("/root", "root's home directory"),
    ("/home", "the users' home directories"),
    ("/boot", "the node's kernel and boot loader"),
    ("/dev", "every device of the node"),
    (
        "/var/lib/kubelet",
        "the kubelet's state, including every pod's secrets",
    ),
    (
        "/var/lib/etcd",
        "etcd's data, all of the cluster's state and secrets",
    ),
];

/// Container runtime sockets: whoever can talk to one can start a privileged container.
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
];

/// Directories that hold a container runtime socket.
const RUNTIME_SOCKET_DIRS: &[&str] = &[
    "/var/run",
    "/run",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
];

/// `/var/run//docker.sock/` and `/var/run/docker.sock` are the same path.
fn normalise_host_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn why_sensitive(path: &str) -> Option<&'static str> {
    if RUNTIME_SOCKETS.contains(&path) {
        return Some("a container runtime socket, which gives root on the node");
    }
    if RUNTIME_SOCKET_DIRS.contains(&path) {
        return Some("it holds the container runtime socket, which gives root on the node");
    }
    SENSITIVE_HOST_PATHS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, why)| *why)
}

fn sensitive_host_path(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, volume) in ctx.pod().volumes.iter().flatten().enumerate() {
        let Some(host_path) = volume.host_path.as_ref() else {
            continue;
        };
        if host_path.path.trim().is_empty() {
            continue;
        }
        let normalised = normalise_host_path(&host_path.path);
        if let Some(why) = why_sensitive(&normalised) {
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

fn added_capabilities(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for container in ctx.containers() {
        let added = security_context(&container)
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|c| c.add.as_ref());
        for (i, written) in added.into_iter().flatten().enumerate() {
            let name = capability_name(written);
            if pod_security::BASELINE_CAPABILITIES.contains(&name.as_str()) {
                continue;
            }
            hits.push(Hit::new(
                index_path(&sc_field(&container, "capabilities.add"), i),
                format!(
                    "{} adds capability {written}, beyond the Pod Security baseline",
                    container.label()
                ),
            ));
        }
    }
    hits
}

fn run_as_non_root(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod().security_context.as_ref();
    let pod_path = |field: &str| format!("{POD}.securityContext.{field}");
    let mut hits = Vec::new();
    for container in ctx.containers() {
        let own = security_context(&container);
        // The container's setting wins; the pod's applies where the container has none.
        let user = match own.and_then(|s| s.run_as_user) {
            Some(uid) => Some((uid, sc_field(&container, "runAsUser"))),
            None => pod
                .and_then(|s| s.run_as_user)
                .map(|uid| (uid, pod_path("runAsUser"))),
        };
        let non_root = match own.and_then(|s| s.run_as_non_root) {
            Some(flag) => Some((flag, sc_field(&container, "runAsNonRoot"))),
            None => pod
                .and_then(|s| s.run_as_non_root)
                .map(|flag| (flag, pod_path("runAsNonRoot"))),
        };
        let label = container.label();
        let hit = match (user, non_root) {
            (Some((0, path)), _) => Hit::new(path, format!("{label} runs as root (runAsUser: 0)")),
            (Some(_), _) | (None, Some((true, _))) => continue,
            (None, Some((false, path))) => Hit::new(
                path,
                format!("{label} sets runAsNonRoot: false and no non-zero runAsUser"),
            ),
            (None, None) => Hit::new(
                sc_field(&container, "runAsNonRoot"),
                format!(
                    "{label} sets neither runAsNonRoot: true nor a non-zero runAsUser (nor does the pod), \
                     so it runs as the image's user, usually root"
                ),
            ),
        };
        hits.push(hit);
    }
    hits
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

fn missing_memory_limit(ctx: &Ctx) -> Vec<Hit> {
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

fn image_tag_latest(ctx: &Ctx) -> Vec<Hit> {
    images(ctx)
        .into_iter()
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
            // DS312 already reports floating tags; an image the kubelet never pulls
            // (imagePullPolicy: Never, preloaded on the node) has no registry to drift from.
            let preloaded = c.container.image_pull_policy.as_deref() == Some("Never");
            if parsed.pinned() || floating_tag(&parsed).is_some() || preloaded {
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
        Case::new("DS302", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}"),
        Case::new("DS302", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {allowPrivilegeEscalation: true}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {allowPrivilegeEscalation: false}}]}}}"),
        Case::new("DS303", "spec: {template: {spec: {hostPID: true}}}", "spec: {template: {spec: {hostPID: false, hostIPC: false}}}"),
        Case::new("DS303", "spec: {template: {spec: {hostIPC: true}}}", "spec: {template: {spec: {hostNetwork: true}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs}]}]}}}", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]}]}}}"),
        Case::new("DS304", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}], initContainers: [{name: setup, image: 'a:1', volumeMounts: [{name: logs, mountPath: /logs, readOnly: false}]}]}}}", "spec: {template: {spec: {volumes: [{name: scratch, emptyDir: {}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: scratch, mountPath: /tmp}]}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]}}}", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: root, hostPath: {path: /}}]}}}", "spec: {template: {spec: {volumes: [{name: kubelet-pods, hostPath: {path: /var/lib/kubelet/pods}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: run, hostPath: {path: /run/containerd/}}]}}}", "spec: {template: {spec: {volumes: [{name: run, hostPath: {path: /run/containerd-foo}}]}}}"),
        Case::new("DS305", "spec: {template: {spec: {volumes: [{name: etc, hostPath: {path: /etc/, type: Directory}}]}}}", "spec: {template: {spec: {volumes: [{name: etc, hostPath: {path: /etc/machine-id, type: File}}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_ADMIN]}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [NET_BIND_SERVICE, cap_chown, CAP_KILL], drop: [ALL]}}}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {add: [all]}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {capabilities: {drop: [ALL]}}}]}}}"),
        Case::new("DS306", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {capabilities: {add: [cap_sys_admin]}}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1', securityContext: {capabilities: {add: [setuid]}}}]}}}"),
        // Neither level sets anything / the pod level alone is enough.
        Case::new("DS307", "spec: {template: {spec: {securityContext: null}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: true, runAsUser: null}}}}"),
        // A non-zero runAsUser alone is enough, on the pod or the container.
        Case::new("DS307", "spec: {template: {spec: {securityContext: {runAsNonRoot: false, runAsUser: null}}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: null, runAsUser: 1000}}}}"),
        // The container overrides the pod: to root, or to non-root.
        Case::new("DS307", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', securityContext: {runAsUser: 0}}]}}}", "spec: {template: {spec: {securityContext: null, containers: [{name: agent, image: 'a:1', securityContext: {runAsUser: 1000}}]}}}"),
        Case::new("DS307", "spec: {template: {spec: {securityContext: {runAsUser: null}, containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: false}}]}}}", "spec: {template: {spec: {securityContext: {runAsNonRoot: false, runAsUser: null}, containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: true}}]}}}"),
        // Init containers inherit the pod's settings too.
        Case::new("DS307", "spec: {template: {spec: {securityContext: null, initContainers: [{name: setup, image: 'a:1'}], containers: [{name: agent, image: 'a:1', securityContext: {runAsNonRoot: true}}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1'}]}}}"),
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
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:latest'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'nginx:1.25'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'quay.io/cephcsi/cephcsi:canary'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'quay.io/cephcsi/cephcsi:v3.11.0'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'registry:5000/org/img'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'registry:5000/org/img@sha256:0f5b7a0c'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {initContainers: [{name: setup, image: busybox}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'busybox:latest@sha256:0f5b7a0c'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'gcr.io/k8s-staging/agent:master-head'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'gcr.io/k8s-staging/agent:v20261201-0a1b2c3'}]}}}"),
        Case::new("DS312", "spec: {template: {spec: {containers: [{name: agent, image: 'example.com/agent:2.1-SNAPSHOT'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'example.com/agent:2.1.0'}]}}}"),
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

    #[test]
    fn host_paths_are_normalised() {
        assert_eq!(
            normalise_host_path("/var/run//docker.sock/"),
            "/var/run/docker.sock"
        );
        assert_eq!(normalise_host_path("/"), "/");
        assert_eq!(normalise_host_path("///"), "/");
        assert_eq!(normalise_host_path("/etc/./"), "/etc");
        assert!(why_sensitive(&normalise_host_path("/var/lib/kubelet/")).is_some());
        assert!(why_sensitive(&normalise_host_path("/var/log")).is_none());
    }
}
