//! `kubectl ds lint --cluster` against the local control plane, whose topology is fixed in
//! tests/e2e/topology.args: kds-node-2 carries disktype=ssd, kds-node-3 is tainted
//! dedicated=infra:NoSchedule, kds-node-1 and kds-node-4 are plain.

use serde_json::Value;

use crate::harness::{
    daemonset_yaml, env, require_cluster, DaemonSetYaml, Namespace, ReadOnlyUser,
};

/// A DaemonSet `probe` in `ns` with only what the API requires: a selector and one container.
fn probe(ns: &str) -> DaemonSetYaml {
    daemonset_yaml("probe", "busybox:1.36")
        .namespace(ns)
        .strategy(None)
        .node_selector(None)
        .grace_period(None)
        .container_name("probe")
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
    require_cluster!();
    let ns = Namespace::new("lint-cluster");
    occupy_host_port(&ns, 31888);
    let text = probe(&ns.name)
        .pod("priorityClassName: agent-critical\nserviceAccountName: probe-agent")
        .container("ports: [{containerPort: 31888, hostPort: 31888}]")
        .container("resources: {requests: {cpu: \"500\"}}")
        .yaml();
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
    require_cluster!();
    let ns = Namespace::new("lint-cluster-ok");
    occupy_host_port(&ns, 31887);
    // The ServiceAccount comes with the manifest; the PriorityClass is a built-in one.
    let text = format!(
        "{}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: probe-agent, namespace: {}}}\n",
        probe(&ns.name)
            .pod("priorityClassName: system-node-critical\nserviceAccountName: probe-agent")
            .tolerations("[{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]")
            .container("ports: [{containerPort: 31889, hostPort: 31889}]")
            .container("resources: {requests: {cpu: 10m, memory: 16Mi}}")
            .yaml(),
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
    require_cluster!();
    let ns = Namespace::new("lint-cluster-selector");
    let text = probe(&ns.name).node_selector("{disktype: ssd}").yaml();
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
    let text = probe("lint-offline")
        .pod("priorityClassName: agent-critical")
        .yaml();
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
    require_cluster!();
    let ns = Namespace::new("lint-limited");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ds.yaml");
    std::fs::write(&path, probe(&ns.name).yaml()).unwrap();
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

/// A node agent the baseline Pod Security level forbids: the host network and a privileged
/// container. `hostNetwork: true` is on line 13, the first field the server objects to.
fn privileged_agent(ns: &str) -> String {
    daemonset_yaml("agent", "busybox:1.36")
        .namespace(ns)
        .strategy(None)
        .node_selector(None)
        .grace_period(None)
        .pod("hostNetwork: true")
        .container_name("agent")
        .container("securityContext:\n  privileged: true")
        .yaml()
}

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const WARN: &str = "pod-security.kubernetes.io/warn";

/// What the server answers for the privileged agent in a namespace enforcing baseline.
const BASELINE_REJECTION: &str = r#"violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "agent" must not set securityContext.privileged=true)"#;

fn write_manifest(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("agent.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn an_enforced_pod_security_level_is_reported_at_the_offending_field() {
    require_cluster!();
    let ns = Namespace::with_labels("lint-psa", &[(ENFORCE, "baseline")]);
    let dir = tempfile::tempdir().unwrap();
    let path = write_manifest(&dir, &privileged_agent(&ns.name));

    let run = env().ds(&["lint", "--cluster", "-f", &path]);
    assert_eq!(
        run.code, 1,
        "an error-level finding: {}\n{}",
        run.stdout, run.stderr
    );
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("DS406"))
        .unwrap_or_else(|| panic!("no DS406 row:\n{}", run.stdout));
    let expected_message = format!(
        "pods are rejected at creation in namespace {:?} (FailedCreate events, CURRENT stays 0): {BASELINE_REJECTION}",
        ns.name
    );
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells[..4],
        [
            format!("{path}:13").as_str(),
            "error",
            "DS406",
            "pod-security-rejected"
        ],
        "{row}"
    );
    assert!(row.ends_with(&expected_message), "{row}");
    println!("lint finding: {row}");

    let (code, findings, _) = lint_findings(&ns, &privileged_agent(&ns.name), &[]);
    assert_eq!(code, 1);
    let hits: Vec<&Value> = findings.iter().filter(|f| f["ruleId"] == "DS406").collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["field"], "spec.template.spec.hostNetwork");
    assert_eq!(hits[0]["line"], 13);
    assert_eq!(hits[0]["severity"], "error");
    assert_eq!(hits[0]["message"], expected_message.as_str());
    assert!(
        cluster_findings(&findings, "DS407").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn pod_security_rules_are_quiet_where_the_level_admits_the_agent() {
    require_cluster!();
    let open = Namespace::new("lint-psa-open");
    let (_, findings, stderr) = lint_findings(&open, &privileged_agent(&open.name), &[]);
    for rule in ["DS406", "DS407"] {
        assert!(
            cluster_findings(&findings, rule).is_empty(),
            "{rule} in an unlabelled namespace: {findings:#?}\n{stderr}"
        );
    }

    // A plain agent meets baseline but not restricted, at which the namespace warns: a warning,
    // and exit 0.
    let warned = Namespace::with_labels(
        "lint-psa-warn",
        &[(ENFORCE, "baseline"), (WARN, "restricted")],
    );
    let compliant = probe(&warned.name).yaml();
    let (code, findings, stderr) = lint_findings(&warned, &compliant, &[]);
    assert!(
        cluster_findings(&findings, "DS406").is_empty(),
        "{findings:#?}\n{stderr}"
    );
    let warnings = cluster_findings(&findings, "DS407");
    assert_eq!(warnings.len(), 1, "{findings:#?}");
    assert!(
        warnings[0].starts_with(&format!(
            "pods are created, but namespace {:?} warns at Pod Security \"restricted:latest\": kubectl apply prints \"Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"probe\" must set securityContext.allowPrivilegeEscalation=false)",
            warned.name
        )),
        "{}",
        warnings[0]
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["ruleId"].as_str().unwrap().starts_with("DS4"))
            .all(|f| f["severity"] != "error"),
        "{findings:#?}"
    );
    assert_eq!(code, 0, "warnings only: {stderr}");
}

/// Watches the namespace's FailedCreate events (kubectl get -w, JSON objects one after another)
/// until one says `violates PodSecurity`; returns its message. The watch is ended after a bound,
/// which fails the test.
fn first_pod_security_rejection(namespace: &str) -> String {
    use std::process::{Command, Stdio};
    let mut child = Command::new("kubectl")
        .args([
            "get",
            "events",
            "-n",
            namespace,
            "--field-selector",
            "reason=FailedCreate",
            "--watch",
            "-o",
            "json",
        ])
        .env("KUBECONFIG", &env().kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl get events --watch");
    let stdout = child.stdout.take().expect("stdout");
    let pid = child.id();
    let (done, deadline) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if deadline
            .recv_timeout(std::time::Duration::from_secs(180))
            .is_err()
        {
            // Ends the watch, so the read below sees the end of the stream.
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    });
    let found = serde_json::Deserializer::from_reader(stdout)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .filter_map(|event| event["message"].as_str().map(str::to_string))
        .find(|message| message.contains("violates PodSecurity"));
    let _ = done.send(());
    let _ = child.kill();
    let _ = child.wait();
    let _ = watchdog.join();
    found.unwrap_or_else(|| {
        panic!("no FailedCreate event with \"violates PodSecurity\" in {namespace}")
    })
}

#[test]
fn the_controller_is_refused_as_lint_predicted() {
    require_cluster!();
    let ns = Namespace::with_labels("psa-controller", &[(ENFORCE, "baseline")]);
    env().apply(&ns.name, &privileged_agent(&ns.name));
    let message = first_pod_security_rejection(&ns.name);
    println!("FailedCreate event: {message}");
    assert!(
        message.starts_with("Error creating: pods \"agent-")
            && message.ends_with(&format!("\" is forbidden: {BASELINE_REJECTION}")),
        "{message}"
    );
    // The DaemonSet wants the untainted nodes and runs on none of them.
    env().eventually("the DaemonSet status counts desired nodes", || {
        let run = env().kubectl(&["get", "ds", "agent", "-n", &ns.name, "-o", "json"]);
        let ds: Value = serde_json::from_str(&run.stdout).unwrap_or_default();
        ds["status"]["desiredNumberScheduled"].as_i64().unwrap_or(0) > 0
    });
    let run = env().kubectl(&["get", "ds", "agent", "-n", &ns.name, "-o", "json"]);
    let ds: Value = serde_json::from_str(&run.success().stdout).unwrap();
    assert_eq!(
        ds["status"]["currentNumberScheduled"], 0,
        "{:#}",
        ds["status"]
    );
}

#[test]
fn a_user_who_may_not_read_namespaces_gets_one_warning_and_no_pod_security_finding() {
    require_cluster!();
    let ns = Namespace::with_labels("lint-psa-noperm", &[(ENFORCE, "baseline")]);
    let reader = ReadOnlyUser::new(
        &ns.name,
        &[
            "nodes",
            "pods",
            "priorityclasses.scheduling.k8s.io",
            "serviceaccounts",
        ],
    );
    let user = reader.user.as_str();
    let (code, findings, warnings) =
        lint_findings(&ns, &privileged_agent(&ns.name), &["--as", user]);
    drop(reader);
    println!("without namespaces: {warnings}");
    assert_eq!(warnings.lines().count(), 1, "{warnings}");
    assert!(
        warnings.starts_with("warning: ")
            && warnings.contains("namespaces")
            && warnings.contains("forbidden")
            && warnings.ends_with("skipping DS406 and DS407"),
        "{warnings}"
    );
    for rule in ["DS406", "DS407"] {
        assert!(
            cluster_findings(&findings, rule).is_empty(),
            "{findings:#?}"
        );
    }
    assert_eq!(code, 0, "no error-level finding is left: {findings:#?}");
}

#[test]
fn a_runtime_class_that_does_not_exist_is_an_error_at_its_field() {
    require_cluster!();
    let ns = Namespace::new("lint-runtime");
    let missing = format!("{}-sandbox", ns.name);
    let text = probe(&ns.name)
        .pod(&format!("runtimeClassName: {missing}"))
        .yaml();
    let (code, findings, _) = lint_findings(&ns, &text, &[]);
    assert_eq!(code, 1, "{findings:#?}");
    let hits: Vec<&Value> = findings.iter().filter(|f| f["ruleId"] == "DS408").collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["field"], "spec.template.spec.runtimeClassName");
    assert_eq!(hits[0]["line"], 13);
    assert_eq!(
        hits[0]["message"],
        format!("pods are rejected at creation (FailedCreate events, CURRENT stays 0): pod rejected: RuntimeClass {missing:?} not found").as_str()
    );
}
