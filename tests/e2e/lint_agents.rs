//! `kubectl ds lint` on realistic node-agent manifests (tests/fixtures/lint/agents): the exact
//! findings of each, as (rule, field, line), and the totals for the whole directory. The manifests
//! are modelled on the upstream manifests of common agents, flaws included; the header comment of
//! each says what it is and what was changed. Each expectation was reasoned out from the rule
//! first and then compared with the output (see docs/lint-vs-checkov.md for the rule behaviours
//! that look questionable on these manifests; they are pinned here as the rules behave today).

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
    assert_eq!(summary["warnings"], 152, "{summary}");
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
    assert_eq!(got_findings.len(), 174);
    for rule in ["DS203", "DS205"] {
        assert!(
            !got.contains_key(rule),
            "{rule} between the agents: {got:?}"
        );
    }
}

/// cilium-agent: maxSurge with hostNetwork host port 4244 (DS202, the only error), hostNetwork
/// without ClusterFirstWithHostNet (DS201), capabilities beyond baseline on the agent and two init
/// containers (DS306), writable hostPath mounts (DS304); images pinned by digest (no DS313),
/// priority class and tolerations set (no DS207/DS208), readiness probe present (no DS210).
/// 44 findings.
const CNI_AGENT: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 22),
    ("DS202", "spec.updateStrategy.rollingUpdate.maxSurge", 29),
    ("DS201", "spec.template.spec.dnsPolicy", 41),
    (
        "DS310",
        "spec.template.spec.containers[0].resources.requests",
        43,
    ),
    (
        "DS311",
        "spec.template.spec.containers[0].resources.limits.memory",
        43,
    ),
    (
        "DS302",
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        111,
    ),
    (
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        111,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        111,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[2]",
        119,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[3]",
        120,
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
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[2]",
        137,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[3]",
        140,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[4]",
        142,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[6]",
        147,
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
        "DS304",
        "spec.template.spec.initContainers[1].volumeMounts[0]",
        189,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[1].volumeMounts[1]",
        191,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation",
        194,
    ),
    (
        "DS307",
        "spec.template.spec.initContainers[1].securityContext.runAsNonRoot",
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
        "DS307",
        "spec.template.spec.initContainers[2].securityContext.runAsNonRoot",
        215,
    ),
    (
        "DS301",
        "spec.template.spec.initContainers[2].securityContext.privileged",
        216,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[2].volumeMounts[0]",
        218,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[3].securityContext.allowPrivilegeEscalation",
        240,
    ),
    (
        "DS307",
        "spec.template.spec.initContainers[3].securityContext.runAsNonRoot",
        240,
    ),
    (
        "DS306",
        "spec.template.spec.initContainers[3].securityContext.capabilities.add[0]",
        246,
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
        "DS304",
        "spec.template.spec.initContainers[3].volumeMounts[0]",
        253,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[3].volumeMounts[1]",
        255,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[3].volumeMounts[2]",
        258,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[4].securityContext.allowPrivilegeEscalation",
        269,
    ),
    (
        "DS307",
        "spec.template.spec.initContainers[4].securityContext.runAsNonRoot",
        269,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[4].volumeMounts[0]",
        278,
    ),
];
/// ceph-csi CephFS node plugin: OnDelete (DS209) with a leftover rollingUpdate (DS106), hostPID
/// (DS303), three privileged containers (DS301, so no DS302), no tolerations (DS208), host /dev
/// (DS305); dnsPolicy ClusterFirstWithHostNet and system-node-critical (no DS201/DS207). The
/// `canary` tag is only DS313 (info): DS312 knows only `latest` and no tag.
/// 37 findings.
const CSI_NODE_PLUGIN: &[Expected] = &[
    ("DS106", "spec.updateStrategy.rollingUpdate", 17),
    ("DS209", "spec.updateStrategy.type", 19),
    ("DS208", "spec.template.spec.tolerations", 24),
    ("DS303", "spec.template.spec.hostPID", 28),
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
        "DS311",
        "spec.template.spec.containers[0].resources.limits.memory",
        33,
    ),
    (
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        34,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        34,
    ),
    (
        "DS301",
        "spec.template.spec.containers[0].securityContext.privileged",
        35,
    ),
    (
        "DS306",
        "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
        37,
    ),
    ("DS312", "spec.template.spec.containers[0].image", 40),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[0]",
        66,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        68,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[2]",
        71,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[3]",
        74,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[6]",
        82,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[7]",
        84,
    ),
    (
        "DS210",
        "spec.template.spec.containers[1].readinessProbe",
        92,
    ),
    (
        "DS310",
        "spec.template.spec.containers[1].resources.requests",
        92,
    ),
    (
        "DS311",
        "spec.template.spec.containers[1].resources.limits.memory",
        92,
    ),
    (
        "DS307",
        "spec.template.spec.containers[1].securityContext.runAsNonRoot",
        96,
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
        "DS304",
        "spec.template.spec.containers[1].volumeMounts[0]",
        110,
    ),
    (
        "DS304",
        "spec.template.spec.containers[1].volumeMounts[1]",
        112,
    ),
    (
        "DS210",
        "spec.template.spec.containers[2].readinessProbe",
        114,
    ),
    (
        "DS310",
        "spec.template.spec.containers[2].resources.requests",
        114,
    ),
    (
        "DS311",
        "spec.template.spec.containers[2].resources.limits.memory",
        114,
    ),
    (
        "DS307",
        "spec.template.spec.containers[2].securityContext.runAsNonRoot",
        115,
    ),
    (
        "DS308",
        "spec.template.spec.containers[2].securityContext.readOnlyRootFilesystem",
        115,
    ),
    (
        "DS301",
        "spec.template.spec.containers[2].securityContext.privileged",
        116,
    ),
    ("DS312", "spec.template.spec.containers[2].image", 118),
    (
        "DS304",
        "spec.template.spec.containers[2].volumeMounts[0]",
        134,
    ),
    ("DS305", "spec.template.spec.volumes[8].hostPath.path", 168),
];
/// NVIDIA device plugin: required node affinity on beta.kubernetes.io/instance-type (DS206);
/// allowPrivilegeEscalation: false and drop ALL (no DS302/DS306), priority class and a GPU
/// toleration (no DS207/DS208); the device-plugins hostPath is writable, as it must be (DS304).
/// 10 findings.
const GPU_DEVICE_PLUGIN: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 10),
    ("DS309", "spec.template.spec.automountServiceAccountToken", 20),
    ("DS206", "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key", 30),
    ("DS210", "spec.template.spec.containers[0].readinessProbe", 42),
    ("DS310", "spec.template.spec.containers[0].resources.requests", 42),
    ("DS311", "spec.template.spec.containers[0].resources.limits.memory", 42),
    ("DS313", "spec.template.spec.containers[0].image", 42),
    ("DS307", "spec.template.spec.containers[0].securityContext.runAsNonRoot", 47),
    ("DS308", "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", 47),
    ("DS304", "spec.template.spec.containers[0].volumeMounts[0]", 52),
];
/// kube-proxy (kubeadm 1.16 layout): nodeSelector beta.kubernetes.io/os (DS206), hostNetwork
/// without dnsPolicy (DS201), privileged (DS301), writable xtables.lock (DS304); tolerations and
/// system-node-critical (no DS207/DS208).
/// 12 findings.
const KUBE_PROXY: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 54),
    ("DS201", "spec.template.spec.dnsPolicy", 64),
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
    (
        "DS311",
        "spec.template.spec.containers[0].resources.limits.memory",
        67,
    ),
    ("DS313", "spec.template.spec.containers[0].image", 68),
    (
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        74,
    ),
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
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        79,
    ),
    (
        "DS206",
        "spec.template.spec.nodeSelector[beta.kubernetes.io/os]",
        108,
    ),
];
/// fluent-bit chart defaults: hostPath /var/log makes it a node agent without priority class or
/// tolerations (DS207, DS208); terminationGracePeriodSeconds 60 with the default maxUnavailable 1
/// over the assumed 100 nodes (DS212); only /var/log is writable (DS304 once); readiness probe
/// present (no DS210); /etc/machine-id is not a sensitive path (no DS305).
/// 12 findings.
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
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
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
/// hostNetwork without dnsPolicy and without priority class (DS201, DS207), hostPID (DS303),
/// host / mounted (DS305), /proc and /sys mounted readOnly: false (DS304); pod-level runAsUser
/// 65534 (no DS307), requests and limits set (no DS310/DS311), tolerations (no DS208).
/// 17 findings.
const METRICS_EXPORTER: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 19),
    (
        "DS204",
        "spec.selector.matchLabels[app.kubernetes.io/version]",
        23,
    ),
    ("DS201", "spec.template.spec.dnsPolicy", 29),
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
        "spec.template.spec.containers[0].volumeMounts[0]",
        48,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        51,
    ),
    (
        "DS210",
        "spec.template.spec.containers[1].readinessProbe",
        58,
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
    ("DS305", "spec.template.spec.volumes[2].hostPath.path", 99),
];
/// Falco chart defaults: privileged falco and driver loader (DS301), no priority class (DS207),
/// /boot, /etc, /dev and the docker, containerd and CRI-O sockets (DS305 x6), writable /proc
/// and /lib/modules mounts (DS304; the socket mounts are DS305's alone: readOnly does not stop
/// writes through a socket), the falcoctl sidecar without probe or resources (DS210, DS310,
/// DS311); control-plane tolerations present (no DS208).
/// 29 findings.
const SECURITY_AGENT: &[Expected] = &[
    ("DS211", "spec.minReadySeconds", 25),
    ("DS207", "spec.template.spec.priorityClassName", 39),
    ("DS313", "spec.template.spec.containers[0].image", 48),
    (
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        57,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        57,
    ),
    (
        "DS301",
        "spec.template.spec.containers[0].securityContext.privileged",
        58,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[3]",
        93,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[5]",
        98,
    ),
    (
        "DS210",
        "spec.template.spec.containers[1].readinessProbe",
        109,
    ),
    (
        "DS302",
        "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation",
        109,
    ),
    (
        "DS307",
        "spec.template.spec.containers[1].securityContext.runAsNonRoot",
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
        "DS307",
        "spec.template.spec.initContainers[0].securityContext.runAsNonRoot",
        128,
    ),
    (
        "DS301",
        "spec.template.spec.initContainers[0].securityContext.privileged",
        129,
    ),
    (
        "DS304",
        "spec.template.spec.initContainers[0].volumeMounts[3]",
        139,
    ),
    (
        "DS302",
        "spec.template.spec.initContainers[1].securityContext.allowPrivilegeEscalation",
        148,
    ),
    (
        "DS307",
        "spec.template.spec.initContainers[1].securityContext.runAsNonRoot",
        148,
    ),
    ("DS313", "spec.template.spec.initContainers[1].image", 149),
    ("DS305", "spec.template.spec.volumes[3].hostPath.path", 172),
    ("DS305", "spec.template.spec.volumes[6].hostPath.path", 181),
    ("DS305", "spec.template.spec.volumes[7].hostPath.path", 184),
    ("DS305", "spec.template.spec.volumes[9].hostPath.path", 190),
    ("DS305", "spec.template.spec.volumes[10].hostPath.path", 193),
    ("DS305", "spec.template.spec.volumes[11].hostPath.path", 196),
];
/// longhorn-manager: privileged (DS301), no tolerations (DS208), host /dev (DS305), maxUnavailable
/// 100% (valid: no DS104, one wave: no DS212), the image pre-pull container without probe or
/// resources (DS210, DS310, DS311); priority class longhorn-critical (no DS207).
/// 20 findings.
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
        "DS307",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        41,
    ),
    (
        "DS308",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        41,
    ),
    (
        "DS301",
        "spec.template.spec.containers[0].securityContext.privileged",
        42,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[0]",
        77,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[1]",
        79,
    ),
    (
        "DS304",
        "spec.template.spec.containers[0].volumeMounts[2]",
        81,
    ),
    (
        "DS210",
        "spec.template.spec.containers[1].readinessProbe",
        99,
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
    ("DS305", "spec.template.spec.volumes[0].hostPath.path", 106),
];
