//! What `kubectl ds plan` says a change does on a current cluster, then what the controller and
//! the scheduler really do: the update path on a node the DaemonSet may keep but not start a pod
//! on (kds-node-3's dedicated=infra:NoSchedule taint, tolerated by the old template only), a
//! maxSurge pod that cannot fit beside the old one, RuntimeClass overhead, nodeSelector and
//! unknown classes, and scheduling gates. Each test has its own namespace; the RuntimeClasses are
//! cluster-scoped and named after the namespace.

use serde_json::Value;

use crate::harness::{
    daemonset_yaml, env, require_cluster, DaemonSetYaml, Namespace, ReadOnlyUser,
};
use crate::rollout_support::get_json;

const NODE: &str = "kds-node-1";

/// A RollingUpdate DaemonSet `agent` with no node selector.
fn agent(image: &str) -> DaemonSetYaml {
    daemonset_yaml("agent", image).node_selector(None)
}

/// The `agent` on kds-node-1 only.
fn agent_on_node_1(image: &str) -> DaemonSetYaml {
    daemonset_yaml("agent", image).node_selector("{kubernetes.io/hostname: kds-node-1}")
}

const TOLERATING: &str = "[{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]";
/// A server-side apply replaces the (atomic) tolerations list, so the new template no longer
/// tolerates kds-node-3's taint whichever way it is applied.
const OTHER_TOLERATION: &str = "[{key: example.com/other, operator: Exists}]";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// plan's JSON row for `node` of the first DaemonSet.
fn planned<'a>(plan: &'a Value, node: &str) -> &'a Value {
    plan["items"][0]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["node"] == node)
        .unwrap_or_else(|| panic!("{node} in {plan}"))
}

fn plan_json(ns: &str, file: &str) -> Value {
    let run = env().ds(&["plan", "-f", file, "-n", ns, "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

fn plan_text(ns: &str, file: &str) -> String {
    let run = env().ds(&["plan", "-f", file, "-n", ns]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// The agent's pods (not terminating) as JSON values.
fn pods(ns: &str) -> Vec<Value> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .cloned()
        .collect()
}

fn node_of(pod: &Value) -> String {
    pod["spec"]["nodeName"].as_str().unwrap_or("").to_string()
}

/// The scheduler's word on a pod: (reason, message) of its PodScheduled condition, once False.
fn unscheduled(pod: &Value) -> Option<(String, String)> {
    let c = pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")?;
    Some((
        c["reason"].as_str().unwrap_or("").to_string(),
        c["message"].as_str().unwrap_or("").to_string(),
    ))
}

/// Waits for the first pod the scheduler has refused, and returns its condition.
fn wait_unscheduled(ns: &str) -> (String, String) {
    let mut seen = None;
    env().eventually(&format!("an unscheduled agent pod in {ns}"), || {
        seen = pods(ns).iter().find_map(unscheduled);
        seen.is_some()
    });
    seen.unwrap()
}

/// Waits for a Warning event on the DaemonSet with `reason`, and returns its message.
fn wait_event(ns: &str, reason: &str) -> String {
    let mut message = String::new();
    env().eventually(&format!("a {reason} event in {ns}"), || {
        let list = get_json(&["get", "events", "-n", ns, "-o", "json"]);
        let found = list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["reason"] == reason && e["involvedObject"]["kind"] == "DaemonSet");
        if let Some(event) = found {
            message = event["message"].as_str().unwrap_or("").to_string();
        }
        found.is_some()
    });
    message
}

#[test]
fn an_update_deletes_the_pod_on_a_node_it_may_keep_but_not_start_and_plan_says_so() {
    require_cluster!();
    let ns = Namespace::new("pc-lost");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    env().apply(ns, &agent("busybox:1.36").tolerations(TOLERATING).yaml());
    env().wait_rollout(ns, "agent");
    let before = pods(ns);
    assert!(
        before.iter().any(|p| node_of(p) == "kds-node-3"),
        "{before:?}"
    );
    let new = write(
        &dir,
        "new.yaml",
        &agent("busybox:1.37").tolerations(OTHER_TOLERATION).yaml(),
    );

    let plan = plan_json(ns, &new);
    let tainted = planned(&plan, "kds-node-3");
    assert_eq!(tainted["action"], "delete", "{tainted}");
    assert_eq!(tainted["continueRunning"], true, "{tainted}");
    assert!(
        tainted["note"]
            .as_str()
            .unwrap()
            .contains("nothing starts a new one"),
        "{tainted}"
    );
    assert_eq!(planned(&plan, NODE)["action"], "replace");
    let text = plan_text(ns, &new);
    assert!(
        text.contains("Lost: the update deletes 1 outdated pod"),
        "{text}"
    );
    let diff = env().ds(&["diff", "-f", &new, "-n", ns]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("  Lost: the update deletes 1 outdated pod"),
        "{}",
        diff.stdout
    );

    let dry = env().ds(&["rollout", "apply", "-f", &new, "-n", ns, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    let said = format!("{}{}", dry.stdout, dry.stderr);
    assert!(
        said.contains("Lost: the update deletes 1 outdated pod"),
        "{said}"
    );
    assert!(
        said.contains("the controller would replace the pods on 3 nodes"),
        "{said}"
    );

    env().apply(
        ns,
        &agent("busybox:1.37").tolerations(OTHER_TOLERATION).yaml(),
    );
    env().wait_rollout(ns, "agent");
    env().eventually("the old pod on kds-node-3 gone", || {
        pods(ns).iter().all(|p| node_of(p) != "kds-node-3")
    });
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    let after = pods(ns);
    // The controller settled this generation with one pod per desired node, none on kds-node-3.
    assert_eq!(ds["status"]["desiredNumberScheduled"], after.len(), "{ds}");
    assert!(
        after.iter().all(|p| node_of(p) != "kds-node-3"),
        "{after:?}"
    );
}

#[test]
fn the_ondelete_engine_leaves_a_node_that_would_not_get_its_pod_back() {
    require_cluster!();
    let ns = Namespace::new("pc-stranded");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    env().apply(ns, &agent("busybox:1.36").tolerations(TOLERATING).yaml());
    env().wait_rollout(ns, "agent");
    let old_uid = pods(ns)
        .iter()
        .find(|p| node_of(p) == "kds-node-3")
        .map(|p| p["metadata"]["uid"].clone())
        .expect("a pod on kds-node-3");
    let new = write(
        &dir,
        "new.yaml",
        &agent("busybox:1.37").tolerations(OTHER_TOLERATION).yaml(),
    );
    let dry = env().ds(&[
        "rollout",
        "apply",
        "-f",
        &new,
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--dry-run",
    ]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    let said = format!("{}{}", dry.stdout, dry.stderr);
    assert!(
        said.contains("node kds-node-3 keeps its outdated pod"),
        "{said}"
    );
    let run = env().ds(&[
        "rollout", "apply", "-f", &new, "-n", ns, "--mode", "ondelete",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("node kds-node-3 keeps its outdated pod"),
        "{said}"
    );
    assert!(said.contains("update strategy left OnDelete"), "{said}");
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "OnDelete", "{ds}");
    // Watched to the end: the controller has seen the last generation, and the pod is there.
    env().eventually("the controller observed the last generation", || {
        let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
        ds["status"]["observedGeneration"] == ds["metadata"]["generation"]
    });
    let kept = pods(ns);
    assert!(
        kept.iter().any(|p| p["metadata"]["uid"] == old_uid),
        "the pod on kds-node-3 was deleted: {kept:?}"
    );
}

#[test]
fn a_surge_pod_that_cannot_fit_beside_the_old_one_stays_pending_as_plan_says() {
    require_cluster!();
    let ns = Namespace::new("pc-surge");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let with_port = |image: &str| {
        agent_on_node_1(image)
            .max_surge(1)
            .container("ports: [{containerPort: 19401, hostPort: 19401}]")
            .yaml()
    };
    env().apply(ns, &with_port("busybox:1.36"));
    env().wait_rollout(ns, "agent");
    let old = pods(ns)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let new = write(&dir, "new.yaml", &with_port("busybox:1.37"));

    let plan = plan_json(ns, &new);
    let row = planned(&plan, NODE);
    assert_eq!(row["action"], "replace", "{row}");
    assert_eq!(row["fit"]["status"], "pending", "{row}");
    let conflict = format!("port 19401/TCP held by {ns}/{old}");
    assert_eq!(row["fit"]["portConflicts"][0], conflict.as_str(), "{row}");
    let text = plan_text(ns, &new);
    assert!(text.contains("beside the old pod"), "{text}");

    env().apply(ns, &with_port("busybox:1.37"));
    let (reason, message) = wait_unscheduled(ns);
    assert_eq!(reason, "Unschedulable", "{message}");
    assert!(message.contains("free ports"), "{message}");
    assert!(pods(ns)
        .iter()
        .any(|p| p["metadata"]["name"] == old.as_str()));
}

fn runtime_class(name: &str, body: &str) {
    let yaml = format!("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {{name: {name}}}\nhandler: runc\n{body}");
    env().apply("default", &yaml);
}

struct ClusterObject(&'static str, String);

impl Drop for ClusterObject {
    fn drop(&mut self) {
        env().kubectl(&["delete", self.0, &self.1, "--wait=false"]);
    }
}

#[test]
fn runtime_class_overhead_and_node_selector_leave_the_pod_pending_as_plan_says() {
    require_cluster!();
    let ns = Namespace::new("pc-runtime");
    let ns = ns.name.as_str();
    let heavy = format!("{ns}-heavy");
    let pinned = format!("{ns}-pinned");
    let _classes = (
        ClusterObject("runtimeclass", heavy.clone()),
        ClusterObject("runtimeclass", pinned.clone()),
    );
    runtime_class(&heavy, "overhead: {podFixed: {cpu: '1000'}}");
    runtime_class(
        &pinned,
        "scheduling: {nodeSelector: {example.com/sandbox: 'true'}}",
    );
    let dir = tempfile::tempdir().unwrap();
    for (class, fit) in [
        (&heavy, "cpu requested 1000, "),
        (
            &pinned,
            "needs node label example.com/sandbox=true (node has none)",
        ),
    ] {
        let manifest = agent_on_node_1("busybox:1.37")
            .pod(&format!("runtimeClassName: {class}"))
            .yaml();
        let file = write(&dir, "ds.yaml", &manifest);
        let plan = plan_json(ns, &file);
        let row = planned(&plan, NODE);
        assert_eq!(row["fit"]["status"], "pending", "{row}");
        assert!(row["fit"].to_string().contains(fit), "{row}");
    }
    // The controller only sees the template, so it creates the pods; the scheduler refuses them.
    let manifest = agent_on_node_1("busybox:1.37")
        .pod(&format!("runtimeClassName: {heavy}"))
        .yaml();
    env().apply(ns, &manifest);
    let (_, message) = wait_unscheduled(ns);
    assert!(message.contains("Insufficient cpu"), "{message}");
}

#[test]
fn an_unknown_runtime_class_is_rejected_as_plan_says() {
    require_cluster!();
    let ns = Namespace::new("pc-no-class");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let manifest = agent_on_node_1("busybox:1.37")
        .pod(&format!("runtimeClassName: {ns}-missing"))
        .yaml();
    let file = write(&dir, "ds.yaml", &manifest);
    let plan = plan_json(ns, &file);
    let row = planned(&plan, NODE);
    assert_eq!(row["fit"]["status"], "rejected", "{row}");
    let text = plan_text(ns, &file);
    assert!(
        text.contains("Rejected: the API server rejects every new pod (pod rejected: RuntimeClass"),
        "{text}"
    );
    env().apply(ns, &manifest);
    let message = wait_event(ns, "FailedCreate");
    assert!(message.contains("not found"), "{message}");
    assert!(pods(ns).is_empty());
}

#[test]
fn scheduling_gates_keep_the_pods_gated_as_plan_says() {
    require_cluster!();
    let ns = Namespace::new("pc-gated");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let manifest = agent_on_node_1("busybox:1.37")
        .pod("schedulingGates: [{name: example.com/wait}]")
        .yaml();
    let file = write(&dir, "ds.yaml", &manifest);
    let plan = plan_json(ns, &file);
    let row = planned(&plan, NODE);
    assert_eq!(row["fit"]["status"], "gated", "{row}");
    let text = plan_text(ns, &file);
    assert!(
        text.contains("gated: schedulingGates example.com/wait"),
        "{text}"
    );
    env().apply(ns, &manifest);
    let (reason, _) = wait_unscheduled(ns);
    assert_eq!(reason, "SchedulingGated");
}

#[test]
fn forbidden_runtime_class_and_namespace_reads_switch_their_checks_off_with_one_warning_each() {
    require_cluster!();
    let ns = Namespace::new("pc-rbac");
    let ns = ns.name.as_str();
    let reader = ReadOnlyUser::new(
        ns,
        &[
            "nodes",
            "pods",
            "daemonsets.apps",
            "controllerrevisions.apps",
        ],
    );
    let user = reader.user.as_str();
    let dir = tempfile::tempdir().unwrap();
    let manifest = agent_on_node_1("busybox:1.37")
        .pod(&format!("runtimeClassName: {ns}-missing"))
        .yaml();
    let file = write(&dir, "ds.yaml", &manifest);
    let run = env().ds(&["plan", "-f", &file, "-n", ns, "--as", user, "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings.iter().all(|w| w.starts_with("warning: ")),
        "{warnings:?}"
    );
    assert!(
        warnings[0].ends_with("RuntimeClasses not checked"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].ends_with("Pod Security not checked"),
        "{warnings:?}"
    );
    let plan = run.json();
    assert_eq!(planned(&plan, NODE)["fit"]["status"], "fits", "{plan}");
}

#[test]
fn pod_security_enforce_rejects_a_privileged_agent_as_plan_says() {
    require_cluster!();
    let ns = Namespace::with_labels(
        "pc-psa",
        &[("pod-security.kubernetes.io/enforce", "baseline")],
    );
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_on_node_1("busybox:1.37")
        .pod("hostNetwork: true")
        .container("securityContext: {privileged: true}")
        .yaml();
    let file = write(&dir, "ds.yaml", &agent);
    let plan = plan_json(ns, &file);
    let row = planned(&plan, NODE);
    assert_eq!(row["fit"]["status"], "rejected", "{row}");
    let text = plan_text(ns, &file);
    let said = "violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"main\" must not set securityContext.privileged=true)";
    assert!(
        text.contains(&format!(
            "Rejected: the API server rejects every new pod ({said})"
        )),
        "{text}"
    );
    env().apply(ns, &agent);
    let message = wait_event(ns, "FailedCreate");
    assert!(message.contains(said), "{message}");
    assert!(pods(ns).is_empty());
}

/// Whether a DRA device is free cannot be read from nodes and pods: plan says so instead of
/// guessing (the test bed has no DRA driver, so there is nothing to apply against).
#[test]
fn a_dra_claim_makes_the_fit_unknown_not_ok() {
    require_cluster!();
    let ns = Namespace::new("pc-dra");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let manifest = agent_on_node_1("busybox:1.37")
        .pod("resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu}]")
        .yaml();
    let file = write(&dir, "ds.yaml", &manifest);
    let plan = plan_json(ns, &file);
    let row = planned(&plan, NODE);
    assert_eq!(row["fit"]["status"], "unknown", "{row}");
    assert_eq!(row["fit"]["fits"], false, "{row}");
    let text = plan_text(ns, &file);
    assert!(text.contains("unknown (DRA claim gpu)"), "{text}");
    assert!(
        text.contains("Unknown: whether the pod can run on 1 node depends on DRA devices"),
        "{text}"
    );
}
