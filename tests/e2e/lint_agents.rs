//! `kubectl ds lint` on realistic node-agent manifests (tests/fixtures/lint/agents): the exact
//! findings of each, as (rule, field, line), and the totals for the whole directory. The manifests
//! are modelled on the upstream manifests of common agents, flaws included; the header comment of
//! each says what it is and what was changed. Each expectation was reasoned out from the rule
//! first and then compared with the output; the doc comment of each table says what is reported
//! and what is deliberately not (written by contract, the agent's own state, folded into
//! privileged, ...). See docs/lint-vs-checkov.md for the rule behaviours that looked questionable
//! on these manifests and which of them the rules have since addressed; the rest are pinned here
//! as the rules behave today.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{ds_offline, fixtures, lint_findings};

/// (rule ID, field path, line).
type Expected = (&'static str, &'static str, u64);

fn lint_json(target: &str) -> (i32, Value) {
    let run = ds_offline(
        &fixtures().join("lint"),
        &["lint", "-f", target, "-o", "json"],
        None,
    );
    assert!(
        run.code == 0 || run.code == 1,
        "{target}: exit {}: {}",
        run.code,
        run.stderr
    );
    let report = serde_json::from_str(&run.stdout).expect("JSON report");
    (run.code, report)
}

fn findings(report: &Value) -> Vec<(String, String, u64)> {
    lint_findings(report, "/field")
}

/// Lints one manifest and compares its findings with `expected`, as sets with multiplicity.
fn check(file: &str, expected: &[Expected], exit: i32) {
    let (code, report) = lint_json(&format!("agents/{file}"));
    let mut got = findings(&report);
    let mut want: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(r, f, l)| (r.to_string(), f.to_string(), *l))
        .collect();
    got.sort();
    want.sort();
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let unexpected: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty() && got.len() == want.len(),
        "{file}: missing {missing:#?}\nunexpected {unexpected:#?}"
    );
    assert_eq!(code, exit, "{file}: exit code");
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().all(|f| *f == format!("agents/{file}")),
        "{files:?}"
    );
}

#[test]
fn log_shipper_fluent_bit() {
    check("log-shipper.yaml", LOG_SHIPPER, 0);
}

#[test]
fn metrics_exporter_node_exporter() {
    check("metrics-exporter.yaml", METRICS_EXPORTER, 0);
}

#[test]
fn cni_agent_cilium() {
    check("cni-agent.yaml", CNI_AGENT, 1);
}

#[test]
fn csi_node_plugin_ceph_csi() {
    check("csi-node-plugin.yaml", CSI_NODE_PLUGIN, 0);
}

#[test]
fn gpu_device_plugin_nvidia() {
    check("gpu-device-plugin.yaml", GPU_DEVICE_PLUGIN, 0);
}

#[test]
fn security_agent_falco() {
    check("security-agent.yaml", SECURITY_AGENT, 0);
}

#[test]
fn storage_daemon_longhorn() {
    check("storage-daemon.yaml", STORAGE_DAEMON, 0);
}

#[test]
fn kube_proxy_kubeadm() {
    check("kube-proxy.yaml", KUBE_PROXY, 0);
}

/// Every manifest at once: the sum of the tables above, nothing more (no DS203 host-port
/// collision or DS205 selector overlap between the agents), and the summary counts.
#[test]
fn the_whole_directory() {
    let (code, report) = lint_json("agents");
    assert_eq!(code, 1, "DS202 is an error");
    let summary = &report["summary"];
    assert_eq!(summary["files"], 8, "{summary}");
    assert_eq!(summary["daemonSets"], 8, "{summary}");
    assert_eq!(summary["otherObjects"], 8, "{summary}");
    assert_eq!(summary["inputErrors"], 0, "{summary}");
    assert_eq!(summary["errors"], 1, "{summary}");
    assert_eq!(summary["warnings"], 80, "{summary}");
    assert_eq!(summary["infos"], 21, "{summary}");
    assert_eq!(summary["suppressed"], 0, "{summary}");

    let tables = [
        LOG_SHIPPER,
        METRICS_EXPORTER,
        CNI_AGENT,
        CSI_NODE_PLUGIN,
        GPU_DEVICE_PLUGIN,
        SECURITY_AGENT,
        STORAGE_DAEMON,
        KUBE_PROXY,
    ];
    let mut want: BTreeMap<&str, usize> = BTreeMap::new();
    for (rule, _, _) in tables.iter().flat_map(|t| t.iter()) {
        *want.entry(rule).or_default() += 1;
    }
    let got_findings = findings(&report);
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for (rule, _, _) in &got_findings {
        *got.entry(rule.as_str()).or_default() += 1;
    }
    assert_eq!(got, want, "findings per rule over the directory");
    assert_eq!(got_findings.len(), 102);
    for rule in ["DS203", "DS205"] {
        assert!(
            !got.contains_key(rule),
            "{rule} between the agents: {got:?}"
        );
    }
}

/// cilium-agent: maxSurge with hostNetwork host port 4244 (DS202, the only error); capabilities
/// beyond baseline on the agent and on the mount-cgroup and clean-cilium-state init containers
/// (DS306), NET_ADMIN and NET_RAW not among them (a hostNetwork pod manages the node's network by
/// design); /proc/sys/net and /proc/sys/kernel mounted writable (DS304: sysctls are not written by
/// contract); host /proc for mount-cgroup (DS305); the config init container, with nothing that
/// needs root, runs as the image's user (DS307). Not reported: DS201 (the template names no cluster
/// Service), DS311 (system-node-critical, and the node's CNI plugin); DS301 on mount-bpf-fs (its
/// Bidirectional mount shows why it is privileged), nor DS304/DS307 on it (privileged); no DS304 on
/// /sys/fs/bpf, /etc/cni/net.d, /opt/cni/bin or /run/xtables.lock (written by contract), on
/// /var/run/cilium or /run/cilium/cgroupv2 (cilium's own state) or on /proc (DS305's); no DS307 on
/// containers that add capabilities or write /opt/cni/bin (root either way). Images pinned by
/// digest (no DS313), priority class and a toleration of everything (no DS207/DS208), readiness
/// probe present (no DS210).
/// 22 findings.
const CNI_AGENT: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 22),
    ("DS202", "spec.updateStrategy.rollingUpdate.maxSurge", 29),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        43,
    ),
    (
        "DS302",
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        111,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        111,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[4]",
        121,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[5]",
        122,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[6]",
        123,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[7]",
        124,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[0]",
        133,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        135,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
        152,
    ),
    (
        "DS307",
        "spec.template.spec.initContainers[0].securityContext.runAsNonRoot",
        152,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation",
        194,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[1].securityContext.capabilities.add[0]",
        200,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[1].securityContext.capabilities.add[2]",
        202,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[3].securityContext.allowPrivilegeEscalation",
        240,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[3].securityContext.capabilities.add[1]",
        247,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[3].securityContext.capabilities.add[2]",
        248,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[3].securityContext.capabilities.add[3]",
        249,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[4].securityContext.allowPrivilegeEscalation",
        269,
    ),
    ("DS305", "spec.template.spec.volumes[3].hostPath.path", 311),
];
/// ceph-csi CephFS node plugin: OnDelete (DS209) with a leftover rollingUpdate (DS106); selects
/// every node, tolerates no taint and is system-node-critical (DS208, both the skipped tainted
/// nodes and the NoExecute eviction, in one finding); driver-registrar and liveness-prometheus run
/// privileged with nothing in the manifest to show why (DS301 once, naming both); no readiness
/// probe on the plugin (DS210, once per pod); the `canary` tag moves (DS312), the registrar's
/// version tag is only DS313 (info). Not reported: DS301 on csi-cephfsplugin (its Bidirectional
/// mounts and host /dev show why it is privileged), and what privileged already implies: no DS303
/// (hostPID), DS304 (nine writable mounts), DS305 (/dev: only privileged containers mount it),
/// DS306 (SYS_ADMIN), DS307 or DS302; no DS311 (system-node-critical); no DS210 on the two sidecars
/// (once per pod). dnsPolicy ClusterFirstWithHostNet (no DS201), system-node-critical (no DS207).
/// 14 findings.
const CSI_NODE_PLUGIN: &[Expected] = &[
    ("DS106", "spec.updateStrategy.rollingUpdate", 17),
    ("DS209", "spec.updateStrategy.type", 19),
    ("DS208", "spec.template.spec.tolerations", 24),
    (
        "DS210",
        "spec.template.spec.containers[0].readinessProbe",
        33,
    ),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        33,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        34,
    ),
    ("DS312", "spec.template.spec.containers[0].image", 40),
    (
        "DS310",
        "spec.template.spec.containers[1].resources.requests",
        92,
    ),
    (
        "DS308",
        "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem",
        96,
    ),
    (
        "DS301",
        "spec.template.spec.containers[1].securityContext.privileged",
        97,
    ),
    ("DS313", "spec.template.spec.containers[1].image", 99),
    (
        "DS310",
        "spec.template.spec.containers[2].resources.requests",
        114,
    ),
    (
        "DS308",
        "spec.template.spec.containers[2].securityContext.readOnlyRootFilesystem",
        115,
    ),
    ("DS312", "spec.template.spec.containers[2].image", 118),
];
/// NVIDIA device plugin: required node affinity on beta.kubernetes.io/instance-type (DS206);
/// system-node-critical but tolerating only nvidia.com/gpu:NoSchedule, so the first custom
/// NoExecute taint evicts it (DS208; the affinity picks particular nodes, so the NoSchedule half is
/// not reported); the default service account's token (DS309). Not reported: DS304 on
/// /var/lib/kubelet/device-plugins (written by contract: device plugins register through a socket
/// there), DS307 (writing that root-owned directory needs root), DS311 (system-node-critical);
/// allowPrivilegeEscalation: false and drop ALL (no DS302/DS306), priority class (no DS207).
/// 8 findings.
const GPU_DEVICE_PLUGIN: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 10),
    ("DS309", "spec.template.spec.automountServiceAccountToken", 20),
    ("DS208", "spec.template.spec.tolerations", 21),
    ("DS206", "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key", 30),
    ("DS210", "spec.template.spec.containers[0].readinessProbe", 42),
    ("DS310", "spec.template.spec.containers[0].resources.requests", 42),
    ("DS313", "spec.template.spec.containers[0].image", 42),
    ("DS308", "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", 47),
];
/// kube-proxy (kubeadm 1.16 layout): nodeSelector beta.kubernetes.io/os (DS206), privileged with
/// nothing in the manifest to show why (DS301; the privileged-agent annotation would acknowledge
/// it), no readiness probe or requests (DS210, DS310). Not reported: DS201 (the template names no
/// cluster Service; its kubeconfig, in a ConfigMap, points at the API server's IP), DS304 on
/// xtables.lock (written by contract, and the container is privileged), DS307 (privileged), DS311
/// (system-node-critical); tolerations of everything and system-node-critical (no DS207/DS208).
/// 7 findings.
const KUBE_PROXY: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 54),
    (
        "DS210",
        "spec.template.spec.containers[0].readinessProbe",
        67,
    ),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        67,
    ),
    ("DS313", "spec.template.spec.containers[0].image", 68),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        74,
    ),
    (
        "DS301",
        "spec.template.spec.containers[0].securityContext.privileged",
        75,
    ),
    (
        "DS206",
        "spec.template.spec.nodeSelector[beta.kubernetes.io/os]",
        108,
    ),
];
/// fluent-bit chart defaults: hostPath /var/log makes it a node agent without priority class
/// (DS207); it selects every node and tolerates no taint (DS208); terminationGracePeriodSeconds 60
/// with the default maxUnavailable 1 over the assumed 100 nodes (DS212); /var/log is writable
/// (DS304; the other host mounts are read-only, and /var/log as a whole is no one program's own
/// state); readiness probe present (no DS210); /etc/machine-id is not a sensitive path (no DS305).
/// Not reported: DS307 (it writes /var/log and reads container logs under
/// /var/lib/docker/containers, which only root can).
/// 10 findings.
const LOG_SHIPPER: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 82),
    (
        "DS212",
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        82,
    ),
    ("DS207", "spec.template.spec.priorityClassName", 94),
    ("DS208", "spec.template.spec.tolerations", 94),
    (
        "DS302",
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        100,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        100,
    ),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        100,
    ),
    (
        "DS311",
        "spec.template.spec.containers[0].resources.limits.memory",
        100,
    ),
    ("DS313", "spec.template.spec.containers[0].image", 101),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        123,
    ),
];
/// node-exporter (kube-prometheus release-0.4): the version label in the selector (DS204),
/// hostNetwork without priority class (DS207), hostPID (DS303), host / and /proc mounted (DS305
/// x2), /sys mounted readOnly: false (DS304), no readiness probe on node-exporter (DS210). Not
/// reported: DS201 (the template names no cluster Service: it listens on and proxies to 127.0.0.1),
/// DS304 on the writable /proc (DS305 reports it), DS210 on kube-rbac-proxy (a known helper, and
/// DS210 is once per pod); pod-level runAsUser 65534 (no DS307), requests and limits set (no
/// DS310/DS311), tolerations of everything (no DS208).
/// 14 findings.
const METRICS_EXPORTER: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 19),
    (
        "DS204",
        "spec.selector.matchLabels[app.kubernetes.io/version]",
        23,
    ),
    ("DS207", "spec.template.spec.priorityClassName", 29),
    (
        "DS210",
        "spec.template.spec.containers[0].readinessProbe",
        31,
    ),
    (
        "DS302",
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        31,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        31,
    ),
    ("DS313", "spec.template.spec.containers[0].image", 38),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        51,
    ),
    (
        "DS302",
        "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation",
        58,
    ),
    (
        "DS308",
        "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem",
        58,
    ),
    ("DS313", "spec.template.spec.containers[1].image", 68),
    ("DS303", "spec.template.spec.hostPID", 82),
    ("DS305", "spec.template.spec.volumes[0].hostPath.path", 93),
    ("DS305", "spec.template.spec.volumes[2].hostPath.path", 99),
];
/// Falco chart defaults: the privileged driver loader with nothing in the manifest to show why
/// (DS301), no priority class (DS207), tolerations for the control-plane taints only, so it skips
/// every node with another NoSchedule taint (DS208), the two falcoctl containers running as the
/// image's user (DS307 once, at the pod, naming both), the falcoctl sidecar without requests or
/// memory limit (DS310, DS311). Not reported: DS301 on falco (its /dev mount shows why it is
/// privileged); DS305 on /boot, /etc, /dev, /proc and the docker, containerd and CRI-O sockets, and
/// DS304 on /proc, /sys/module/falco and /lib/modules, since only the privileged falco and driver
/// loader mount them (root on the node already); DS307 on the privileged containers; DS210 on
/// falcoctl-artifact-follow (falco itself has a readiness probe).
/// 15 findings.
const SECURITY_AGENT: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 25),
    ("DS207", "spec.template.spec.priorityClassName", 39),
    (
        "DS307",
        "spec.template.spec.securityContext.runAsNonRoot",
        39,
    ),
    ("DS208", "spec.template.spec.tolerations", 41),
    ("DS313", "spec.template.spec.containers[0].image", 48),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        57,
    ),
    (
        "DS302",
        "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation",
        109,
    ),
    (
        "DS308",
        "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem",
        109,
    ),
    (
        "DS310",
        "spec.template.spec.containers[1].resources.requests",
        109,
    ),
    (
        "DS311",
        "spec.template.spec.containers[1].resources.limits.memory",
        109,
    ),
    ("DS313", "spec.template.spec.containers[1].image", 110),
    ("DS313", "spec.template.spec.initContainers[0].image", 126),
    (
        "DS301",
        "spec.template.spec.initContainers[0].securityContext.privileged",
        129,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation",
        148,
    ),
    ("DS313", "spec.template.spec.initContainers[1].image", 149),
];
/// longhorn-manager: selects every node and tolerates no taint (DS208), no requests or memory limit
/// (DS310, DS311; longhorn-critical is not system-node-critical), the image pre-pull container
/// without security settings, requests or limit (DS302, DS307, DS308, DS310, DS311); maxUnavailable
/// 100% is valid (no DS104) and one wave (no DS212), yet DS211 still fires; priority class
/// longhorn-critical (no DS207). Not reported: DS301 (the Bidirectional /var/lib/longhorn mount and
/// host /dev show why the manager is privileged), and what privileged already implies: no DS304 on
/// /dev, /proc and /var/lib/longhorn, no DS305 on /dev and /proc (only the privileged manager
/// mounts them), no DS307 on the manager; no DS210 on the pre-pull container (the manager has a
/// readiness probe).
/// 12 findings.
const STORAGE_DAEMON: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 25),
    ("DS208", "spec.template.spec.tolerations", 36),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        38,
    ),
    (
        "DS311",
        "spec.template.spec.containers[0].resources.limits.memory",
        38,
    ),
    ("DS313", "spec.template.spec.containers[0].image", 39),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        41,
    ),
    (
        "DS302",
        "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation",
        99,
    ),
    (
        "DS307",
        "spec.template.spec.containers[1].securityContext.runAsNonRoot",
        99,
    ),
    (
        "DS308",
        "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem",
        99,
    ),
    (
        "DS310",
        "spec.template.spec.containers[1].resources.requests",
        99,
    ),
    (
        "DS311",
        "spec.template.spec.containers[1].resources.limits.memory",
        99,
    ),
    ("DS313", "spec.template.spec.containers[1].image", 101),
];
