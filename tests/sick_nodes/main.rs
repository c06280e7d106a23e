//! `plan` and `rollout status` on a node that is not Ready. The test bed's hollow nodes stay
//! Ready, so these tests create a Node object without a kubelet and post Ready False for it;
//! every other end-to-end test would see that node (tests/e2e counts and lists the nodes), so
//! they live in a test binary of their own: cargo runs test binaries one after another.

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;

use std::sync::Mutex;

use serde_json::{json, Value};

use harness::{daemonset_yaml, env, require_cluster, Namespace, Run};

/// Held by each test while its node exists: each counts the nodes that are not Ready.
static API_NODES: Mutex<()> = Mutex::new(());

/// The label that puts a test's DaemonSet on its node only.
const NODE_LABEL: &str = "kds-sick/node";

/// A Node object without a kubelet, NotReady, deleted when the test ends. It is created with the
/// taints the node-lifecycle controller gives a NotReady node, so no DaemonSet of another test
/// (or any that does not tolerate them) ever gets a pod there, and without the
/// `kubernetes.io/os` label the test DaemonSets select.
struct SickNode {
    name: String,
}

impl SickNode {
    fn new(test: &str) -> Self {
        let name = format!("kds-sick-{test}-{}", std::process::id());
        let resources = json!({"cpu": "4", "memory": "8Gi", "pods": "110"});
        let node = json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, NODE_LABEL: name}},
            "spec": {"taints": [
                {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]},
            "status": {"capacity": resources, "allocatable": resources},
        });
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), node.to_string()).expect("write node");
        let path = file.path().to_str().expect("path");
        env().kubectl(&["create", "-f", path]).success();
        let guard = SickNode { name };
        // What a kubelet that reports a problem posts (the room too: a create may drop status).
        let ready = json!({"status": {"capacity": resources, "allocatable": resources,
            "conditions": [{
                "type": "Ready", "status": "False", "reason": "KubeletNotReady",
                "message": "container runtime network not ready",
                "lastHeartbeatTime": now(), "lastTransitionTime": now()}]}});
        env()
            .kubectl(&[
                "patch",
                "node",
                &guard.name,
                "--subresource=status",
                "-p",
                &ready.to_string(),
            ])
            .success();
        guard
    }

    /// A DaemonSet `agent` that runs on this node only and tolerates every taint, as node agents
    /// do.
    fn agent(&self, namespace: &str) -> String {
        daemonset_yaml("agent", "busybox:1.36")
            .namespace(namespace)
            .tolerations("[{operator: Exists}]")
            .node_selector(format!("{{{NODE_LABEL}: {}}}", self.name).as_str())
            .yaml()
    }
}

impl Drop for SickNode {
    fn drop(&mut self) {
        env().kubectl(&[
            "delete",
            "node",
            &self.name,
            "--ignore-not-found",
            "--wait=false",
        ]);
    }
}

fn now() -> String {
    let run = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&run.stdout).trim().to_string()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// The row of `node` in a kubectl-style table (the first column names the node).
fn row<'a>(text: &'a str, node: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(node))
        .unwrap_or_else(|| panic!("a row for {node} in\n{text}"))
}

#[test]
fn plan_marks_a_not_ready_node_and_counts_it() {
    require_cluster!();
    let _nodes = API_NODES.lock().unwrap_or_else(|e| e.into_inner());
    let node = SickNode::new("plan");
    let ns = Namespace::new("sick-plan");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("agent.yaml");
    std::fs::write(&file, node.agent(&ns.name)).expect("write manifest");
    let file = file.to_str().expect("path");

    let run = env().ds(&["plan", "-f", file, "-o", "json"]);
    run.success();
    let plan = json(&run);
    let nodes = plan["items"][0]["nodes"].as_array().expect("nodes");
    let sick = nodes
        .iter()
        .find(|n| n["node"] == node.name.as_str())
        .unwrap_or_else(|| panic!("{} in {plan}", node.name));
    assert_eq!(sick["health"]["state"], "not-ready", "{sick}");
    assert_eq!(sick["health"]["reason"], "KubeletNotReady", "{sick}");
    assert!(sick["health"]["since"].is_string(), "{sick}");
    // It tolerates every taint: the controller wants a pod there all the same.
    assert_eq!(sick["run"], true, "{sick}");
    assert!(
        nodes
            .iter()
            .filter(|n| n["node"] != node.name.as_str())
            .all(|n| n.get("health").is_none()),
        "the hollow nodes are Ready: {plan}"
    );
    assert_eq!(
        plan["items"][0]["summary"]["notReady"][0]["node"],
        node.name.as_str(),
        "{plan}"
    );

    let run = env().ds(&["plan", "-f", file]);
    run.success();
    let header = run.stdout.lines().nth(1).unwrap_or_default();
    assert!(header.starts_with("NODE "), "{}", run.stdout);
    assert!(header.contains(" NODE-STATUS "), "{}", run.stdout);
    let sick_row = row(&run.stdout, &node.name);
    assert!(sick_row.contains(" NotReady "), "{}", run.stdout);
    assert!(
        row(&run.stdout, "kds-node-1").contains(" Ready "),
        "{}",
        run.stdout
    );
    let said = format!(
        "Not Ready: 1 of 1 node that runs or keeps the DaemonSet's pod: {} (NotReady ",
        node.name
    );
    assert!(run.stdout.contains(&said), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "a controlled rollout (kubectl ds rollout apply --mode ondelete) defers it by default."
        ),
        "{}",
        run.stdout
    );
}

/// The pods of `agent` in `ns`, as JSON objects.
fn agent_pods(ns: &str) -> Vec<Value> {
    let run = env().kubectl(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"]);
    let list: Value = serde_json::from_str(&run.success().stdout).expect("pods JSON");
    list["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn rollout_status_marks_the_node_its_budget_use_and_a_pod_stuck_terminating_there() {
    require_cluster!();
    let _nodes = API_NODES.lock().unwrap_or_else(|e| e.into_inner());
    let node = SickNode::new("status");
    let ns = Namespace::new("sick-status");
    env().apply(&ns.name, &node.agent(&ns.name));
    // The controller creates the pod and the scheduler binds it; without a kubelet it stays
    // Pending, never Ready.
    env().eventually("agent's pod bound to the sick node", || {
        agent_pods(&ns.name)
            .iter()
            .any(|p| p["spec"]["nodeName"] == node.name.as_str())
    });

    let run = env().ds(&["rollout", "status", "agent", "-n", &ns.name]);
    run.success();
    assert!(run.stdout.contains(" NODE-STATUS "), "{}", run.stdout);
    assert!(
        row(&run.stdout, &node.name).contains(" NotReady "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("not Ready: {} (NotReady ", node.name)),
        "{}",
        run.stdout
    );
    let budget = format!(
        "budget: 1 of maxUnavailable 1 used by {} (NotReady ",
        node.name
    );
    assert!(run.stdout.contains(&budget), "{}", run.stdout);

    let doc = json(&env().ds(&["rollout", "status", "agent", "-n", &ns.name, "-o", "json"]));
    assert_eq!(doc["budget"]["maxUnavailable"], 1, "{doc}");
    assert_eq!(
        doc["budget"]["unavailable"][0]["node"],
        node.name.as_str(),
        "{doc}"
    );
    assert_eq!(doc["nodes"][0]["health"]["state"], "not-ready", "{doc}");

    // Deleted, the pod waits for a kubelet to confirm the kill; none ever does.
    let pod = agent_pods(&ns.name)[0]["metadata"]["name"]
        .as_str()
        .expect("pod name")
        .to_string();
    env()
        .kubectl(&[
            "delete",
            "pod",
            &pod,
            "-n",
            &ns.name,
            "--grace-period=1",
            "--wait=false",
        ])
        .success();
    let mut doc = Value::Null;
    env().eventually("the pod stuck terminating", || {
        doc = json(&env().ds(&["rollout", "status", "agent", "-n", &ns.name, "-o", "json"]));
        doc["stuckTerminating"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    });
    let stuck = &doc["stuckTerminating"][0];
    assert_eq!(
        (&stuck["pod"], &stuck["node"], &stuck["nodeHealth"]["state"]),
        (&json!(pod), &json!(node.name), &json!("not-ready")),
        "{doc}"
    );
    assert!(stuck["seconds"].as_i64().is_some_and(|s| s > 10), "{doc}");
    let run = env().ds(&["rollout", "status", "agent", "-n", &ns.name]);
    let said = format!(
        "pod {}/{pod} on node/{} terminating for ",
        ns.name, node.name
    );
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with(&said))
        .unwrap_or_else(|| panic!("{said}... in\n{}", run.stdout));
    assert!(
        line.contains(" past its grace period (node NotReady "),
        "{line}"
    );
}
