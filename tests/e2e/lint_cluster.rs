//! `kubectl ds lint --cluster` against the local control plane, whose topology is fixed in
//! tests/e2e/topology.args: kds-node-2 carries disktype=ssd, kds-node-3 is tainted
//! dedicated=infra:NoSchedule, kds-node-1 and kds-node-4 are plain.

use serde_json::Value;

use crate::harness::{env, Namespace};

/// A DaemonSet manifest in `ns` with the given extra pod-spec lines (indented 6 spaces).
fn manifest(ns: &str, pod_spec: &str, container_extra: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: probe
  namespace: {ns}
spec:
  selector:
    matchLabels: {{app: probe}}
  template:
    metadata:
      labels: {{app: probe}}
    spec:
{pod_spec}
      containers:
      - name: probe
        image: busybox:1.36
{container_extra}
"#
    )
}

fn lint_findings(ns: &Namespace, text: &str, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ds.yaml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    let mut args = vec![
        "lint",
        "-f",
        &path,
        "--cluster",
        "-o",
        "json",
        "-n",
        &ns.name,
    ];
    args.extend(extra);
    let run = env().ds(&args);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}): {}\n{}", run.stdout, run.stderr));
    let findings = report["findings"].as_array().unwrap().clone();
    (run.code, findings, run.errors())
}

fn cluster_findings<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a str> {
    findings
        .iter()
        .filter(|f| f["ruleId"] == rule)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

/// A pod bound to kds-node-1 holding host port `port`, as another agent would. Each test holds
/// a port of its own: two holders of one port on the node (tests run in parallel) would have
/// the kubelet reject one, and a rejected (Failed) pod holds no port.
fn occupy_host_port(ns: &Namespace, port: u16) {
    env().apply(
        &ns.name,
        &format!(
            r#"apiVersion: v1
kind: Pod
metadata: {{name: port-holder}}
spec:
  nodeName: kds-node-1
  containers:
  - name: holder
    image: busybox:1.36
    ports: [{{containerPort: {port}, hostPort: {port}}}]
"#
        ),
    );
}

#[test]
fn cluster_rules_find_uncovered_nodes_missing_references_oversized_requests_and_taken_ports() {
    let ns = Namespace::new("lint-cluster");
    occupy_host_port(&ns, 31888);
    let text = manifest(
        &ns.name,
        "      priorityClassName: agent-critical\n      serviceAccountName: probe-agent",
        "        ports: [{containerPort: 31888, hostPort: 31888}]\n        resources: {requests: {cpu: \"500\"}}",
    );
    let (code, findings, stderr) = lint_findings(&ns, &text, &[]);
    assert_eq!(code, 1, "errors found: {stderr}");

    let uncovered = cluster_findings(&findings, "DS401");
    assert_eq!(uncovered.len(), 1, "{findings:#?}");
    assert!(uncovered[0].contains("kds-node-3"), "{}", uncovered[0]);
    assert!(
        uncovered[0].contains("dedicated=infra:NoSchedule"),
        "{}",
        uncovered[0]
    );
    for covered in ["kds-node-1", "kds-node-2", "kds-node-4"] {
        assert!(!uncovered[0].contains(covered), "{}", uncovered[0]);
    }

    let pc = cluster_findings(&findings, "DS402");
    assert!(pc.len() == 1 && pc[0].contains("agent-critical"), "{pc:?}");
    let sa = cluster_findings(&findings, "DS403");
    assert!(sa.len() == 1 && sa[0].contains("probe-agent"), "{sa:?}");
    let fit = cluster_findings(&findings, "DS404");
    assert!(
        !fit.is_empty() && fit.iter().any(|m| m.contains("cpu")),
        "{fit:?}"
    );
    let ports = cluster_findings(&findings, "DS405");
    assert!(
        ports.len() == 1 && ports[0].contains("kds-node-1") && ports[0].contains("port-holder"),
        "{ports:?}"
    );
}

#[test]
fn cluster_rules_are_quiet_when_everything_is_in_place() {
    let ns = Namespace::new("lint-cluster-ok");
    occupy_host_port(&ns, 31887);
    // The ServiceAccount comes with the manifest; the PriorityClass is a built-in one.
    let text = format!(
        "{}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: probe-agent, namespace: {}}}\n",
        manifest(
            &ns.name,
            "      priorityClassName: system-node-critical\n      serviceAccountName: probe-agent\n      tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]",
            "        ports: [{containerPort: 31889, hostPort: 31889}]\n        resources: {requests: {cpu: 10m, memory: 16Mi}}",
        ),
        ns.name
    );
    let (_, findings, stderr) = lint_findings(&ns, &text, &[]);
    let cluster: Vec<_> = findings
        .iter()
        .filter(|f| f["ruleId"].as_str().unwrap().starts_with("DS4"))
        .collect();
    assert!(cluster.is_empty(), "{cluster:#?}\n{stderr}");
}

#[test]
fn a_node_selector_leaves_out_the_nodes_without_the_label() {
    let ns = Namespace::new("lint-cluster-selector");
    let text = manifest(&ns.name, "      nodeSelector: {disktype: ssd}", "");
    let (_, findings, _) = lint_findings(&ns, &text, &[]);
    let uncovered = cluster_findings(&findings, "DS401").join(" ");
    assert!(
        uncovered.contains("kds-node-1")
            && uncovered.contains("kds-node-4")
            && uncovered.contains("disktype"),
        "{uncovered}"
    );
    assert!(
        !uncovered.contains("kds-node-2"),
        "kds-node-2 has the label: {uncovered}"
    );
}

#[test]
fn without_the_flag_no_cluster_rule_runs_and_no_cluster_is_needed() {
    let ns = Namespace::new("lint-offline");
    let text = manifest(&ns.name, "      priorityClassName: agent-critical", "");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ds.yaml"), &text).unwrap();
    let run = crate::harness::ds_offline(dir.path(), &["lint", "ds.yaml", "-o", "json"], None);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["ruleId"].as_str().unwrap().starts_with("DS4")));
}

#[test]
fn a_user_who_cannot_list_nodes_gets_one_line_and_exit_4() {
    let ns = Namespace::new("lint-limited");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ds.yaml");
    std::fs::write(&path, manifest(&ns.name, "", "")).unwrap();
    let run = env().ds(&[
        "lint",
        "-f",
        path.to_str().unwrap(),
        "--cluster",
        "--context",
        "kds-limited",
    ]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let errors = run.errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains("nodes")
            && errors.contains("forbidden")
            && errors.contains("--cluster needs to list nodes"),
        "{errors}"
    );
}
