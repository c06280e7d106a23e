//! What the node's paths mean to an agent that mounts them: sensitive (DS305), written by a
//! contract the agent cannot opt out of (CSI, CNI, device plugins, iptables, eBPF), or the agent's
//! own state. DS304, DS305, DS307 and the node-critical classification read it.

/// `/var/run//docker.sock/` and `/var/run/docker.sock` are the same path.
pub fn normalise(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Whether `path` is `root` or lies beneath it (both normalised).
pub fn is_within(path: &str, root: &str) -> bool {
    path == root || (path.starts_with(root) && path[root.len()..].starts_with('/')) || root == "/"
}

/// Host paths that DS305 reports, each with why it is sensitive.
const SENSITIVE: &[(&str, &str)] = &[
    ("/", "the node's root filesystem"),
    ("/etc", "the node's configuration and credentials"),
    (
        "/etc/kubernetes",
        "the kubelet's credentials and the control plane's certificates",
    ),
    ("/root", "root's home directory"),
    ("/home", "the users' home directories"),
    ("/boot", "the node's kernel and boot loader"),
    ("/dev", "every device of the node"),
    (
        "/proc",
        "every host process's environment, memory maps and open files",
    ),
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

pub fn is_runtime_socket(path: &str) -> bool {
    RUNTIME_SOCKETS.contains(&path)
}

/// Why a (normalised) host path is sensitive, or `None`.
pub fn why_sensitive(path: &str) -> Option<&'static str> {
    if is_runtime_socket(path) {
        return Some("a container runtime socket, which gives root on the node");
    }
    if RUNTIME_SOCKET_DIRS.contains(&path) {
        return Some("it holds the container runtime socket, which gives root on the node");
    }
    SENSITIVE
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, why)| *why)
}

/// Host paths an agent of some kind must write to by contract (the path and everything below).
const WRITTEN_BY_CONTRACT: &[(&str, &str)] = &[
    (
        "/var/lib/kubelet/plugins",
        "CSI and DRA drivers create their sockets there",
    ),
    (
        "/var/lib/kubelet/plugins_registry",
        "kubelet plugins register through a socket there",
    ),
    (
        "/var/lib/kubelet/device-plugins",
        "device plugins register through a socket there",
    ),
    (
        "/etc/cni/net.d",
        "CNI plugins install their configuration there",
    ),
    ("/opt/cni/bin", "CNI plugins install their binaries there"),
    ("/var/lib/cni", "CNI IPAM plugins keep their leases there"),
    (
        "/run/xtables.lock",
        "iptables takes its lock there and fails on a read-only lock file",
    ),
    (
        "/var/run/xtables.lock",
        "iptables takes its lock there and fails on a read-only lock file",
    ),
    ("/sys/fs/bpf", "eBPF programs and maps are pinned there"),
    ("/run/netns", "network namespaces are bind-mounted there"),
    (
        "/var/run/netns",
        "network namespaces are bind-mounted there",
    ),
];

/// Why an agent must be able to write `path` (normalised), or `None`.
pub fn written_by_contract(path: &str) -> Option<&'static str> {
    WRITTEN_BY_CONTRACT
        .iter()
        .find(|(root, _)| is_within(path, root))
        .map(|(_, why)| *why)
}

/// Directories whose subdirectories belong to one program each: `/var/lib/calico`,
/// `/run/flannel`, `/var/log/aws-routed-eni`.
const STATE_ROOTS: &[&str] = &[
    "/run",
    "/var/run",
    "/var/lib",
    "/var/log",
    "/var/cache",
    "/opt",
];

/// Entries of the state roots that the node and its other programs share.
const SHARED_STATE: &[&str] = &[
    "containerd",
    "containers",
    "crio",
    "docker",
    "docker.sock",
    "kubelet",
    "etcd",
    "pods",
    "journal",
    "audit",
    "syslog",
    "messages",
    "kern.log",
    "auth.log",
    "secure",
    "lock",
    "systemd",
    "dbus",
    "udev",
    "user",
    "secrets",
];

/// System trees no agent owns a part of, whatever the hostPath type says.
const SYSTEM_TREES: &[&str] = &[
    "/etc", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/boot", "/dev", "/proc", "/sys", "/root",
    "/home",
];

/// Whether `path` (normalised) is the agent's own state: a program's directory under a state
/// root, or a path the volume creates itself (`DirectoryOrCreate`, `FileOrCreate`) outside the
/// system trees.
pub fn is_own_state(path: &str, host_path_type: Option<&str>) -> bool {
    let beneath_state_root = STATE_ROOTS.iter().find_map(|root| {
        let rest = path.strip_prefix(root)?.strip_prefix('/')?;
        rest.split('/').next()
    });
    if let Some(entry) = beneath_state_root {
        return !SHARED_STATE.contains(&entry) && written_by_contract(path).is_none();
    }
    let creates = matches!(host_path_type, Some("DirectoryOrCreate" | "FileOrCreate"));
    creates
        && path.matches('/').count() >= 2
        && !STATE_ROOTS.contains(&path)
        && !SYSTEM_TREES.iter().any(|root| is_within(path, root))
}

/// Entries of /dev that are no device: sockets, shared memory, pseudo-terminals.
const NOT_DEVICES: &[&str] = &[
    "/dev/log",
    "/dev/shm",
    "/dev/pts",
    "/dev/mqueue",
    "/dev/hugepages",
    "/dev/termination-log",
];

/// Whether a hostPath gives the container the node's devices: /dev itself, a device node
/// under it, or a volume typed as one.
pub fn is_device(path: &str, host_path_type: Option<&str>) -> bool {
    matches!(host_path_type, Some("CharDevice" | "BlockDevice"))
        || path == "/dev"
        || (is_within(path, "/dev") && !NOT_DEVICES.iter().any(|other| is_within(path, other)))
}

/// Host paths whose files only root may read: container logs and runtime state.
const ROOT_ONLY: &[&str] = &[
    "/var/log",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
];

/// Whether reading `path` (normalised) needs root on a typical node.
pub fn needs_root_to_read(path: &str) -> bool {
    ROOT_ONLY.iter().any(|root| is_within(path, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise("/var/run//docker.sock/"), "/var/run/docker.sock");
        assert_eq!(normalise("/"), "/");
        assert_eq!(normalise("///"), "/");
        assert_eq!(normalise("/etc/./"), "/etc");
        assert!(why_sensitive(&normalise("/var/lib/kubelet/")).is_some());
        assert!(why_sensitive(&normalise("/var/log")).is_none());
    }

    #[test]
    fn contracts_cover_the_path_and_below() {
        for (path, covered) in [
            ("/var/lib/kubelet/plugins/ebs.csi.aws.com", true),
            ("/var/lib/kubelet/plugins_registry", true),
            ("/var/lib/kubelet/pluginsx", false),
            ("/var/lib/kubelet/pods", false),
            ("/etc/cni/net.d", true),
            ("/etc/cni", false),
            ("/run/xtables.lock", true),
            ("/sys/fs/bpf", true),
            ("/sys/fs", false),
        ] {
            assert_eq!(written_by_contract(path).is_some(), covered, "{path}");
        }
    }

    #[test]
    fn own_state_is_a_program_directory_or_a_created_path() {
        for (path, kind, own) in [
            ("/var/lib/calico", None, true),
            ("/run/flannel", None, true),
            ("/var/log/aws-routed-eni", None, true),
            ("/var/log", None, false),
            ("/var/log/pods", None, false),
            ("/var/lib/docker/containers", None, false),
            ("/var/lib/kubelet", None, false),
            ("/var/run/containerd", None, false),
            ("/var/lib/cni", None, false),
            ("/var/fluent-bit/state", Some("DirectoryOrCreate"), true),
            ("/var/fluent-bit/state", None, false),
            ("/etc/agent", Some("DirectoryOrCreate"), false),
            ("/var", Some("DirectoryOrCreate"), false),
            ("/var/log", Some("DirectoryOrCreate"), false),
        ] {
            assert_eq!(is_own_state(path, kind), own, "{path} {kind:?}");
        }
    }

    #[test]
    fn devices_are_device_nodes_not_sockets_or_shared_memory() {
        for (path, kind, device) in [
            ("/dev", None, true),
            ("/dev/kmsg", None, true),
            ("/dev/fuse", Some("CharDevice"), true),
            ("/dev/log", None, false),
            ("/dev/shm", None, false),
            ("/dev/shm/x", None, false),
            ("/var/lib/agent", None, false),
            ("/var/lib/disk.img", Some("BlockDevice"), true),
        ] {
            assert_eq!(is_device(path, kind), device, "{path}");
        }
    }

    #[test]
    fn within_is_by_whole_components() {
        assert!(is_within("/var/log/pods", "/var/log"));
        assert!(is_within("/var/log", "/var/log"));
        assert!(!is_within("/var/logs", "/var/log"));
        assert!(is_within("/anything", "/"));
    }
}
