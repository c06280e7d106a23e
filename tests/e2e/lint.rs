//! `kubectl ds lint` without a cluster: inputs, outputs (snapshots), exit codes, suppression,
//! configuration and bad input. Each runs the plugin through kubectl, as users do.

use std::path::Path;

use serde_json::Value;

use crate::harness::{ds_offline, fixtures, lint_findings, Run};

fn lint_dir() -> std::path::PathBuf {
    fixtures().join("lint")
}

fn lint(args: &[&str]) -> Run {
    let mut full = vec!["lint", "--color", "never"];
    full.extend(args);
    ds_offline(&lint_dir(), &full, None)
}

fn json_findings(run: &Run) -> Vec<(String, String, u64)> {
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    lint_findings(&report, "/object/name")
}

#[test]
fn table_output_snapshot() {
    let run = lint(&["-f", "report/agents.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("lint_table", run.stdout);
}

#[test]
fn wide_output_snapshot() {
    let run = lint(&["report/agents.yaml", "-o", "wide"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("lint_wide", run.stdout);
}

#[test]
fn json_output_snapshot() {
    let run = lint(&["-f", "report/agents.yaml", "-o", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("lint_json", run.stdout);
}

#[test]
fn sarif_output_snapshot_and_shape() {
    let run = lint(&["-f", "report/agents.yaml", "-o", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at its rule"
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "report/agents.yaml");
        assert!(location["region"]["startLine"].as_u64().unwrap() > 1);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
    insta::assert_snapshot!("lint_sarif", run.stdout);
}

#[test]
fn line_numbers_come_from_the_source() {
    let run = lint(&["-f", "report/agents.yaml", "-o", "json"]);
    let findings = json_findings(&run);
    let text = std::fs::read_to_string(lint_dir().join("report/agents.yaml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // 1-based line of the first `needle` after the first `marker`.
    let line_after = |marker: &str, needle: &str| {
        let start = lines.iter().position(|l| l.contains(marker)).unwrap();
        (start
            + lines[start..]
                .iter()
                .position(|l| l.contains(needle))
                .unwrap()
            + 1) as u64
    };
    let expect = [
        (
            "DS111",
            "log-agent",
            line_after("kind: DaemonSet", "requests: {cpu: 100m"),
        ),
        (
            "DS112",
            "node-exporter",
            line_after("extensions/v1beta1", "apiVersion"),
        ),
        // No selector at all: the finding points at `spec:`, where it belongs.
        (
            "DS101",
            "node-exporter",
            line_after("name: node-exporter", "spec:"),
        ),
    ];
    for (rule, object, line) in expect {
        assert!(
            findings.contains(&(rule.to_string(), object.to_string(), line)),
            "{rule} on {object} at line {line}; got {findings:?}"
        );
    }
}

#[test]
fn stdin_gives_the_same_findings() {
    let text = std::fs::read(lint_dir().join("report/agents.yaml")).unwrap();
    let from_stdin = ds_offline(&lint_dir(), &["lint", "-f", "-", "-o", "json"], Some(&text));
    let from_file = lint(&["-f", "report/agents.yaml", "-o", "json"]);
    assert_eq!(json_findings(&from_stdin), json_findings(&from_file));
    let report: Value = serde_json::from_str(&from_stdin.stdout).unwrap();
    assert_eq!(report["findings"][0]["file"], "<stdin>");
}

#[test]
fn directories_are_read_recursively_with_lists_and_json() {
    let run = lint(&["-f", "tree", "-o", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let summary = &report["summary"];
    assert_eq!(summary["files"], 2, "README.md is not read: {summary}");
    assert_eq!(summary["daemonSets"], 2);
    assert_eq!(summary["otherObjects"], 1);
    let findings = json_findings(&run);
    assert!(
        findings.contains(&("DS102".into(), "listed".into(), 8)),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|(rule, name, _)| rule == "DS103" && name == "from-json"),
        "{findings:?}"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let clean = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: 'a:1'}]}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ds.yaml"), clean).unwrap();
    let run =
        |fail_on: &str| ds_offline(dir.path(), &["lint", "ds.yaml", "--fail-on", fail_on], None);
    // No errors in this manifest, but warnings (e.g. the missing readiness probe).
    assert_eq!(run("error").code, 0, "{}", run("error").stdout);
    assert_eq!(run("warning").code, 1);
    assert_eq!(run("never").code, 0);
    assert_eq!(lint(&["report/agents.yaml", "--fail-on", "never"]).code, 0);
}

#[test]
fn annotation_and_config_suppress_rules() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a\n  annotations:\n    lint.kubectl-ds.io/ignore: \"DS103, selector-mismatch\"\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: 'a:1', resources: {requests: {cpu: 2}, limits: {cpu: 1}}}]\n";
    std::fs::write(dir.path().join("ds.yaml"), manifest).unwrap();
    let run = ds_offline(dir.path(), &["lint", "ds.yaml", "-o", "json"], None);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"DS103") && !rules.contains(&"DS102"),
        "{rules:?}"
    );
    assert!(rules.contains(&"DS111"), "{rules:?}");
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(run.code, 1);

    std::fs::write(dir.path().join("lint.yaml"), "rules:\n  DS111: warning\n").unwrap();
    let run = ds_offline(
        dir.path(),
        &["lint", "ds.yaml", "--config", "lint.yaml", "-o", "json"],
        None,
    );
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let ds111 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ruleId"] == "DS111")
        .unwrap();
    assert_eq!(ds111["severity"], "warning");
    assert_eq!(run.code, 0, "no error left once DS111 is a warning");

    std::fs::write(
        dir.path().join("lint.yaml"),
        "rules:\n  DS111: off\n  DS999: error\n",
    )
    .unwrap();
    let run = ds_offline(
        dir.path(),
        &["lint", "ds.yaml", "--config", "lint.yaml"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.errors()
            .contains("lint.yaml:3:3: unknown rule \"DS999\""),
        "{}",
        run.stderr
    );
}

#[test]
fn list_rules_and_explain() {
    let run = lint(&["--list-rules"]);
    assert_eq!(run.code, 0);
    for id in ["DS101", "DS112"] {
        assert!(run.stdout.contains(id), "{id} listed");
    }
    let run = lint(&["--explain", "selector-mismatch"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("DS102 selector-mismatch (error)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Fix: "));
    let run = lint(&["--explain", "DS999"]);
    assert_eq!(run.code, 2);
    assert!(
        run.errors().contains("unknown rule \"DS999\""),
        "{}",
        run.stderr
    );
}

/// Writes `bytes` as `name` and lints it; returns the run.
fn lint_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Run {
    std::fs::write(dir.join(name), bytes).unwrap();
    ds_offline(dir, &["lint", "-f", name], None)
}

#[test]
fn bad_input_is_one_clear_line_with_file_and_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("a: {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("malformed.yaml", b"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: [\n".to_vec(), "malformed.yaml:4:1: "),
        ("types.yaml", b"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: {name: x}\n".to_vec(), "types.yaml:7:7: daemonset default/a: spec.template.spec.containers: invalid type"),
        ("binary.yaml", vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3], "binary.yaml:1:5: is not a UTF-8 text file"),
        ("empty.yaml", Vec::new(), "empty.yaml: contains no Kubernetes objects"),
        ("deep.yaml", deep.into_bytes(), "deep.yaml:1:"),
        ("nokind.yaml", b"apiVersion: v1\nmetadata: {name: a}\n".to_vec(), "nokind.yaml:1:1: object has no kind"),
        ("dup.yaml", b"apiVersion: v1\nkind: ConfigMap\nkind: Secret\n".to_vec(), "dup.yaml:3:1: key \"kind\" appears twice"),
    ];
    for (name, bytes, want) in cases {
        let run = lint_bytes(dir.path(), name, &bytes);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        let errors = run.errors();
        let lines: Vec<&str> = errors.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: one line: {errors}");
        assert!(
            lines[0].starts_with(&format!("error: {want}")),
            "{name}: {errors}"
        );
    }
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let run = ds_offline(dir.path(), &["lint", "-f", "huge.yaml"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.errors()
            .starts_with("error: huge.yaml: is larger than 32 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_inputs_are_usage_errors() {
    let run = lint(&[]);
    assert_eq!(run.code, 2);
    assert!(
        run.errors().contains("no manifests given"),
        "{}",
        run.stderr
    );
    let run = lint(&["-f", "nope.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.errors().trim(),
        "error: nope.yaml: no such file or directory"
    );
}

#[test]
fn valid_objects_are_still_linted_when_another_input_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yaml"), "a: [\n").unwrap();
    std::fs::copy(
        lint_dir().join("report/agents.yaml"),
        dir.path().join("good.yaml"),
    )
    .unwrap();
    let run = ds_offline(dir.path(), &["lint", ".", "-o", "json"], None);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["inputErrors"], 1);

    // Over a repository with templates: reported, and counted as an error-level finding.
    let lint_with = |extra: &[&str]| {
        let args = [
            &["lint", ".", "-o", "json", "--input-errors", "report"],
            extra,
        ]
        .concat();
        ds_offline(dir.path(), &args, None)
    };
    for (fail_on, code) in [("error", 1), ("never", 0)] {
        let run = lint_with(&["--fail-on", fail_on]);
        assert_eq!(run.code, code, "--fail-on {fail_on}: {}", run.stderr);
        assert!(run.errors().contains("bad.yaml"), "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["summary"]["inputErrors"], 1);
    }
    let only_bad = tempfile::tempdir().unwrap();
    std::fs::write(only_bad.path().join("bad.yaml"), "a: [\n").unwrap();
    let run = ds_offline(
        only_bad.path(),
        &[
            "lint",
            ".",
            "--input-errors",
            "report",
            "--fail-on",
            "never",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A kured-like agent: privileged with hostPID (it reboots the node through PID 1), tolerating
/// only the control-plane taint, with no priority class.
const REBOOT_AGENT: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kured\n  namespace: kube-system\n__ANNOTATIONS__spec:\n  selector: {matchLabels: {name: kured}}\n  minReadySeconds: 10\n  template:\n    metadata: {labels: {name: kured}}\n    spec:\n      hostPID: true\n      serviceAccountName: kured\n      tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]\n      containers:\n      - name: kured\n        image: ghcr.io/kubereboot/kured:1.20.0@sha256:0f5b7a0c1e6d6b7c5c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b\n        securityContext: {privileged: true, readOnlyRootFilesystem: true}\n        readinessProbe: {httpGet: {path: /metrics, port: 8080}}\n        resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {memory: 64Mi}}\n        volumeMounts: [{name: sentinel, mountPath: /sentinel, readOnly: true}]\n      volumes: [{name: sentinel, hostPath: {path: /var/run, type: Directory}}]\n";

fn rule_ids(run: &Run) -> (Vec<String>, Value) {
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["ruleId"].as_str().expect("ruleId").to_string())
        .collect();
    ids.sort();
    (ids, report["summary"].clone())
}

#[test]
fn a_privileged_agent_declared_in_the_manifest_keeps_the_daemonset_rules() {
    let dir = tempfile::tempdir().unwrap();
    let undeclared = REBOOT_AGENT.replace("__ANNOTATIONS__", "");
    std::fs::write(dir.path().join("kured.yaml"), &undeclared).unwrap();
    let run = ds_offline(dir.path(), &["lint", "kured.yaml", "-o", "json"], None);
    let (ids, summary) = rule_ids(&run);
    assert_eq!(ids, ["DS207", "DS208", "DS301"], "{}", run.stdout);
    assert_eq!(summary["suppressed"], 0);

    let declared = REBOOT_AGENT.replace(
        "__ANNOTATIONS__",
        "  annotations:\n    lint.kubectl-ds.io/privileged-agent: \"enters PID 1's namespaces to reboot the node\"\n",
    );
    std::fs::write(dir.path().join("kured.yaml"), &declared).unwrap();
    let run = ds_offline(dir.path(), &["lint", "kured.yaml", "-o", "json"], None);
    let (ids, summary) = rule_ids(&run);
    assert_eq!(ids, ["DS207", "DS208"], "{}", run.stdout);
    assert_eq!(
        summary["suppressed"], 1,
        "DS301 is acknowledged, and counted"
    );
}
