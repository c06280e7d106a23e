//! Whether a DaemonSet pod counts as healthy for a rollout, read from its status alone: the
//! Ready condition, the regular containers, and the init containers (a native sidecar that
//! crash-loops or an init container that cannot pull its image shows only in
//! `initContainerStatuses`, and a gate that reads only `containerStatuses` would wait for the
//! progress deadline instead of failing at once).

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

/// Waiting reasons that only say the container is on its way.
const STARTING: [&str; 2] = ["ContainerCreating", "PodInitializing"];

/// Whether the pod is Ready, and since when. A pod with a container that is not running (still
/// being created, or waiting on an error such as InvalidImageName or CrashLoopBackOff), a
/// sidecar that is not running or an init container that has not completed is not, whatever
/// its Ready condition says: the kubelet marks a container ready only while it runs, but a
/// kubelet whose prober marks every container ready reports such a pod Ready (the hollow
/// kubelet of Kubernetes 1.36 and 1.37 does), and a rollout must not count it as done. While a
/// container is being created nobody can tell yet whether it will run or fail to, so waiting for
/// it to run is the only safe reading; on a real kubelet it changes nothing.
pub fn pod_ready(pod: &Pod) -> (bool, Option<i64>) {
    if !containers_running(pod) || !init_containers_done(pod) {
        return (false, None);
    }
    crate::daemonset::ready_condition(pod).map_or((false, None), |c| {
        let ready = c.status == "True";
        let since = c.last_transition_time.as_ref().map(|t| t.0.as_second());
        (ready, ready.then_some(since).flatten())
    })
}

/// Whether every container the kubelet reports on is running (true when it reports none yet,
/// where the Ready condition decides).
fn containers_running(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .all(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
}

/// Whether every reported init container is where a healthy pod has it: a sidecar
/// (`restartPolicy: Always`) running, any other one completed with exit code 0.
fn init_containers_done(pod: &Pod) -> bool {
    init_statuses(pod).all(|(status, sidecar)| {
        let state = status.state.as_ref();
        if sidecar {
            state.is_some_and(|s| s.running.is_some())
        } else {
            state
                .and_then(|s| s.terminated.as_ref())
                .is_some_and(|t| t.exit_code == 0)
        }
    })
}

/// The init container statuses, each with whether the spec makes it a sidecar.
fn init_statuses(pod: &Pod) -> impl Iterator<Item = (&ContainerStatus, bool)> {
    let sidecar = |name: &str| {
        pod.spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten())
            .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
    };
    pod.status
        .as_ref()
        .and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(move |status| (status, sidecar(&status.name)))
}

/// Why a pod's container cannot run, when one is stuck waiting for a reason other than
/// starting: the regular containers' reason as the kubelet gives it (`CrashLoopBackOff`), an
/// init container's with its role and name (`ImagePullBackOff (init container fetch)`,
/// `CrashLoopBackOff (sidecar container proxy)`).
pub fn failing(pod: &Pod) -> Option<String> {
    let waiting = |c: &ContainerStatus| {
        c.state
            .as_ref()?
            .waiting
            .as_ref()?
            .reason
            .clone()
            .filter(|r| !STARTING.contains(&r.as_str()))
    };
    let init = init_statuses(pod).find_map(|(status, sidecar)| {
        let role = if sidecar { "sidecar" } else { "init" };
        Some(format!(
            "{} ({role} container {})",
            waiting(status)?,
            status.name
        ))
    });
    init.or_else(|| {
        pod.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .find_map(waiting)
    })
}

/// A pod of the DaemonSet as the rollout decisions see it (the ondelete engine's observation
/// and the rolling gate's snapshot alike).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodView {
    pub uid: String,
    pub name: String,
    /// The node it runs on or is for; "" when unknown.
    pub node: String,
    /// Its `controller-revision-hash`.
    pub hash: String,
    pub ready: bool,
    /// Seconds since the epoch when the pod became Ready.
    pub ready_since: Option<i64>,
    /// Being deleted (or, for the engine, its delete was asked for).
    pub terminating: bool,
    /// A reason the pod is failing (CrashLoopBackOff, ImagePullBackOff, ...), if any.
    pub failing: Option<String>,
    /// Why it is not Ready (a readiness gate, not scheduled, ...), if it is not.
    pub not_ready: Option<String>,
}

/// What the rollout decisions need of a pod; `terminating` also when its delete was asked for.
pub fn pod_view(pod: &Pod, terminating: bool) -> PodView {
    let (ready, ready_since) = pod_ready(pod);
    PodView {
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        node: crate::daemonset::node_of(pod).unwrap_or_default(),
        hash: crate::daemonset::pod_hash(pod)
            .unwrap_or_default()
            .to_string(),
        ready,
        ready_since,
        terminating,
        failing: failing(pod),
        not_ready: crate::rollout::rolling::not_ready_reason(pod),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A pod as a kubelet reports it: Ready True (as the hollow kubelet does even when it
    /// should not), with the given init and regular container states.
    fn pod(init: Value, containers: Value) -> Pod {
        let status = |(name, state): (&String, &Value)| {
            json!({"name": name, "image": "registry.example/agent:2", "imageID": "", "ready": false,
                   "restartCount": 3, "state": state})
        };
        let statuses =
            |v: &Value| -> Vec<Value> { v.as_object().into_iter().flatten().map(status).collect() };
        serde_json::from_value(json!({
            "metadata": {"name": "agent-x"},
            "spec": {
                "initContainers": [
                    {"name": "fetch", "image": "registry.example/fetch:2"},
                    {"name": "proxy", "image": "registry.example/proxy:2", "restartPolicy": "Always"}],
                "containers": [{"name": "agent", "image": "registry.example/agent:2"}]},
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-01T10:00:00Z"}],
                "initContainerStatuses": statuses(&init),
                "containerStatuses": statuses(&containers)}
        }))
        .unwrap()
    }

    #[test]
    fn init_containers_and_sidecars_gate_readiness_and_name_their_failure() {
        let running = json!({"running": {"startedAt": "2026-12-01T10:00:00Z"}});
        let completed = json!({"terminated": {"exitCode": 0, "reason": "Completed"}});
        let crashed = json!({"terminated": {"exitCode": 1, "reason": "Error"}});
        let waiting = |reason: &str| json!({"waiting": {"reason": reason, "message": "back-off"}});
        let cases: Vec<(&str, Value, Value, bool, Option<&str>)> = vec![
            (
                "healthy",
                json!({"fetch": completed, "proxy": running}),
                json!({"agent": running}),
                true,
                None,
            ),
            ("no statuses yet", json!({}), json!({}), true, None),
            (
                "sidecar crash loop",
                json!({"fetch": completed, "proxy": waiting("CrashLoopBackOff")}),
                json!({"agent": running}),
                false,
                Some("CrashLoopBackOff (sidecar container proxy)"),
            ),
            (
                "init image pull",
                json!({"fetch": waiting("ImagePullBackOff"), "proxy": waiting("PodInitializing")}),
                json!({"agent": waiting("PodInitializing")}),
                false,
                Some("ImagePullBackOff (init container fetch)"),
            ),
            (
                "init pull error",
                json!({"fetch": waiting("ErrImagePull")}),
                json!({}),
                false,
                Some("ErrImagePull (init container fetch)"),
            ),
            (
                "init failed, restarting",
                json!({"fetch": crashed, "proxy": waiting("PodInitializing")}),
                json!({"agent": waiting("PodInitializing")}),
                false,
                None,
            ),
            (
                "init crash loop",
                json!({"fetch": waiting("CrashLoopBackOff")}),
                json!({}),
                false,
                Some("CrashLoopBackOff (init container fetch)"),
            ),
            (
                "sidecar starting",
                json!({"fetch": completed, "proxy": waiting("ContainerCreating")}),
                json!({"agent": waiting("PodInitializing")}),
                false,
                None,
            ),
            (
                "main crash loop",
                json!({"fetch": completed, "proxy": running}),
                json!({"agent": waiting("CrashLoopBackOff")}),
                false,
                Some("CrashLoopBackOff"),
            ),
        ];
        for (name, init, containers, ready, failure) in cases {
            let pod = pod(init, containers);
            assert_eq!(pod_ready(&pod).0, ready, "{name}");
            assert_eq!(failing(&pod).as_deref(), failure, "{name}");
        }
    }
}
