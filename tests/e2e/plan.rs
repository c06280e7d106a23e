//! `kubectl ds plan`: offline from dumps, live and manifest against the local control plane
//! (kds-node-2 labelled disktype=ssd, kds-node-3 tainted dedicated=infra:NoSchedule, kds-node-1
//! and kds-node-4 plain), filters, the fallback without pod permission, and bad input.

use serde_json::Value;

use crate::harness::{
    daemonset_yaml, ds_offline, env, require_cluster, Namespace, ReadOnlyUser, Run,
};

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// (node, run, action) for the first plan in a JSON plan list.
fn rows(plan: &Value) -> Vec<(String, bool, String)> {
    plan["items"][0]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["node"].as_str().unwrap().to_string(),
                n["run"].as_bool().unwrap(),
                n["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn node_plan<'a>(plan: &'a Value, node: &str) -> &'a Value {
    plan["items"][0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node"] == node)
        .unwrap_or_else(|| panic!("{node} in {plan}"))
}

const NODES: &str = r#"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: big, labels: {zone: a, cores: "16"}}
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: small, labels: {zone: a, cores: "2"}}
  status: {allocatable: {cpu: 200m, memory: 1Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: gpu, labels: {zone: b, cores: "32"}}
  spec: {taints: [{key: nvidia.com/gpu, effect: NoSchedule}]}
  status: {allocatable: {cpu: "8", memory: 16Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: cordoned, labels: {zone: b, cores: "8"}}
  spec: {unschedulable: true, taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]}
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: windows, labels: {zone: a, cores: "8", kubernetes.io/os: windows}}
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
"#;

const PODS: &str = r#"apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: shop}
  spec:
    nodeName: big
    containers: [{name: web, image: nginx, ports: [{containerPort: 80, hostPort: 9100}]}]
- apiVersion: v1
  kind: Pod
  metadata: {name: batch, namespace: jobs}
  spec:
    nodeName: small
    containers: [{name: b, image: busybox, resources: {requests: {cpu: 150m}}}]
"#;

const AGENT: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: cores, operator: Gt, values: ["1"]}
              - {key: kubernetes.io/os, operator: NotIn, values: [windows]}
      containers:
      - name: exporter
        image: quay.io/prometheus/node-exporter:v1.8.0
        resources: {requests: {cpu: 100m, memory: 64Mi}}
        ports: [{containerPort: 9100, hostPort: 9100}]
"#;

/// `kubectl ds plan -f ds.yaml --nodes nodes.yaml -o json` plus `extra`, offline, as JSON.
fn offline_plan(dir: &tempfile::TempDir, extra: &[&str]) -> Value {
    let args = [
        "plan",
        "-f",
        "ds.yaml",
        "--nodes",
        "nodes.yaml",
        "-o",
        "json",
    ];
    let run = ds_offline(dir.path(), &[&args[..], extra].concat(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    json(&run)
}

fn offline_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nodes.yaml"), NODES).unwrap();
    std::fs::write(dir.path().join("pods.yaml"), PODS).unwrap();
    std::fs::write(dir.path().join("ds.yaml"), AGENT).unwrap();
    dir
}

#[test]
fn offline_plan_from_node_and_pod_dumps() {
    let dir = offline_dir();
    let args = [
        "plan",
        "-f",
        "ds.yaml",
        "--nodes",
        "nodes.yaml",
        "--pods",
        "pods.yaml",
    ];
    let run = ds_offline(dir.path(), &[&args[..], &["-o", "json"]].concat(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = json(&run);
    let got = rows(&plan);
    let want = [
        ("big", true, "create"),
        ("small", true, "create"),
        ("gpu", false, "none"),
        ("cordoned", true, "create"),
        ("windows", false, "none"),
    ];
    let want: Vec<(String, bool, String)> = want
        .iter()
        .map(|(n, r, a)| (n.to_string(), *r, a.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        node_plan(&plan, "gpu")["reason"],
        "taint nvidia.com/gpu:NoSchedule not tolerated"
    );
    assert!(
        node_plan(&plan, "windows")["reason"]
            .as_str()
            .unwrap()
            .contains("kubernetes.io/os NotIn [windows]"),
        "{}",
        node_plan(&plan, "windows")
    );
    let big = &node_plan(&plan, "big")["fit"];
    assert_eq!(big["fits"], false);
    assert_eq!(big["portConflicts"][0], "port 9100/TCP held by shop/web");
    let small = &node_plan(&plan, "small")["fit"];
    assert_eq!(small["shortfalls"][0], "cpu requested 100m, 50m available");
    assert_eq!(node_plan(&plan, "cordoned")["fit"]["fits"], true);
    let summary = &plan["items"][0]["summary"];
    assert_eq!(summary["desired"], 3);
    assert_eq!(summary["pending"].as_array().unwrap().len(), 2);

    let table = ds_offline(dir.path(), &args, None);
    assert_eq!(table.code, 0);
    for line in [
        "Desired: 3 of 5 nodes will run the DaemonSet.",
        "Excluded: 1 node: taint nvidia.com/gpu:NoSchedule not tolerated (gpu).",
        "Pending: the pod would stay Pending on 2 nodes:",
        "Change: a new DaemonSet; pods will be created on 3 nodes.",
    ] {
        assert!(table.stdout.contains(line), "{line}\n{}", table.stdout);
    }
}

#[test]
fn node_filters_restrict_the_rows_not_the_summary() {
    let dir = offline_dir();
    let plan = offline_plan(&dir, &["-l", "zone=b"]);
    let nodes: Vec<String> = rows(&plan).into_iter().map(|r| r.0).collect();
    assert_eq!(nodes, ["gpu", "cordoned"]);
    assert_eq!(plan["items"][0]["summary"]["desired"], 3);
    assert_eq!(
        plan["items"][0]["podsKnown"], false,
        "no --pods: placement only"
    );

    let plan = offline_plan(&dir, &["--only-excluded"]);
    let nodes: Vec<String> = rows(&plan).into_iter().map(|r| r.0).collect();
    assert_eq!(nodes, ["gpu", "windows"]);
}

#[test]
fn live_daemonset_and_a_changed_manifest() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("plan-live");
    // Read until the controller is done numbering the new DaemonSet's revision.
    let mut plan = Value::Null;
    env.eventually("plan shows the newest revision", || {
        let run = env.ds(&["plan", "agent", "-n", &ns.name, "-o", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        plan = json(&run);
        node_plan(&plan, "kds-node-1")["current"][0]["revision"] == env.newest_revision(&ns.name)
    });
    for node in ["kds-node-1", "kds-node-2", "kds-node-4"] {
        let row = node_plan(&plan, node);
        assert_eq!(row["action"], "keep", "{row}");
        assert_eq!(
            row["current"][0]["revision"],
            env.newest_revision(&ns.name),
            "{row}"
        );
        assert_eq!(row["current"][0]["ready"], true, "{row}");
    }
    let tainted = node_plan(&plan, "kds-node-3");
    assert_eq!(tainted["run"], false);
    assert_eq!(
        tainted["reason"],
        "taint dedicated=infra:NoSchedule not tolerated"
    );
    assert_eq!(plan["items"][0]["summary"]["desired"], 3);

    let dir = tempfile::tempdir().unwrap();
    let manifest = daemonset_yaml("agent", "busybox:1.37")
        .namespace(&ns.name)
        .yaml();
    std::fs::write(dir.path().join("ds.yaml"), &manifest).unwrap();
    let path = dir.path().join("ds.yaml");
    let run = env.ds(&["plan", "-f", path.to_str().unwrap(), "-o", "json"]);
    let plan = json(&run);
    assert_eq!(plan["items"][0]["exists"], true);
    assert_eq!(plan["items"][0]["templateChanged"], true);
    assert_eq!(plan["items"][0]["summary"]["touched"], 3);
    for node in ["kds-node-1", "kds-node-2", "kds-node-4"] {
        assert_eq!(node_plan(&plan, node)["action"], "replace");
    }
    assert_eq!(node_plan(&plan, "kds-node-3")["action"], "none");

    // The same template as live: nothing to do.
    let same = manifest.replace("busybox:1.37", "busybox:1.36");
    std::fs::write(&path, same).unwrap();
    let plan = json(&env.ds(&["plan", "-f", path.to_str().unwrap(), "-o", "json"]));
    assert_eq!(plan["items"][0]["templateChanged"], false);
    assert_eq!(plan["items"][0]["summary"]["touched"], 0);
}

#[test]
fn without_permission_to_list_pods_plan_shows_placement_only() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("plan-noperm");
    let reader = ReadOnlyUser::new(
        &ns.name,
        &[
            "nodes",
            "daemonsets.apps",
            "controllerrevisions.apps",
            "namespaces",
        ],
    );
    let user = reader.user.as_str();
    let run = env.ds(&["plan", "agent", "-n", &ns.name, "--as", user, "-o", "json"]);
    drop(reader);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.errors();
    assert_eq!(warnings.lines().count(), 1, "{warnings}");
    assert!(
        warnings.starts_with("warning: ")
            && warnings.contains("pods")
            && warnings.contains("placement only"),
        "{warnings}"
    );
    let plan = json(&run);
    assert_eq!(plan["items"][0]["podsKnown"], false);
    assert_eq!(plan["items"][0]["summary"]["desired"], 3);
    assert!(node_plan(&plan, "kds-node-1").get("fit").is_none());
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("plan-bad");
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let operator = write(
        "operator.yaml",
        &AGENT.replace("operator: Gt", "operator: GreaterThan"),
    );
    let quantity = write("quantity.yaml", &AGENT.replace("cpu: 100m", "cpu: lots"));
    let runtime = write(
        "runtime.yaml",
        &AGENT.replace(
            "      containers:\n",
            "      runtimeClassName: Kata_Containers\n      containers:\n",
        ),
    );
    let claim = write(
        "claim.yaml",
        &AGENT.replace(
            "      containers:\n",
            "      resourceClaims: [{name: gpu}]\n      containers:\n",
        ),
    );
    let config = write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let not_found = format!(
        "daemonset {}/nope not found; check the name and -n",
        ns.name
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["plan", "nope", "-n", &ns.name], &not_found),
        (
            vec!["plan", "-f", &operator],
            "unknown operator \"GreaterThan\"",
        ),
        (vec!["plan", "-f", &quantity], "\"lots\" is not a quantity"),
        (
            vec!["plan", "-f", &runtime],
            "runtime.yaml:16:7: spec.template.spec.runtimeClassName: \"Kata_Containers\" is not a valid RuntimeClass name",
        ),
        (
            vec!["plan", "-f", &claim],
            "spec.template.spec.resourceClaims[0]: resource claim \"gpu\" needs exactly one of",
        ),
        (vec!["plan", "-f", &config], "no DaemonSet in the input"),
        (vec!["plan"], "name a live DaemonSet"),
        (vec!["plan", "x", "-f", &config], "cannot be used with"),
        (
            vec!["plan", "-f", &config, "-l", "a in b"],
            "invalid selector",
        ),
    ];
    for (args, want) in cases {
        let run = env.ds(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let errors = run.errors();
        assert_eq!(errors.lines().count(), 1, "{args:?}: {errors}");
        assert!(errors.contains(want), "{args:?}: {errors}");
    }
    let run = env.ds(&["plan", "-f", &operator]);
    assert!(
        run.errors().contains("operator.yaml:14:"),
        "the line of the bad expression: {}",
        run.stderr
    );
}
