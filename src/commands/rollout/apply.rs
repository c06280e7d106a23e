//! `kubectl ds rollout apply -f FILE --mode ondelete`: applies the manifest with the OnDelete
//! strategy (the original strategy recorded in an annotation), then replaces the pods itself, wave
//! by wave, deleting an old pod only when the recorded state and what the cluster shows now allow
//! it (`RolloutState::next_step`). The state is written to the DaemonSet before every delete, so a
//! run interrupted anywhere continues where it stopped when run again.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};
use serde_json::{json, Value};

use super::status::{current_hash, failing, key, pod_hash, pod_ready};
use super::Outcome;
use crate::cli::{GlobalArgs, RolloutApplyArgs, RolloutEngineArgs, RolloutMode};
use crate::cluster::{ApplyError, Cluster, WatchChange};
use crate::daemonset::budget::Budget;
use crate::daemonset::pause::{annotation, annotation_path};
use crate::daemonset::{pause, selector};
use crate::error::{ExitStatus, Failure};
use crate::placement;
use crate::render::progress::Progress;
use crate::rollout::state::{Observation, Phase, PodView, RolloutState, Step, STATE_ANNOTATION};
use crate::rollout::waves::{plan_waves, Canary, NodeInfo, WaveOptions};

/// The update strategy the manifest asks for, as JSON, while the rollout runs with OnDelete.
pub const ORIGINAL_STRATEGY_ANNOTATION: &str = "rollout.kubectl-ds.io/original-strategy";

fn now() -> i64 {
    k8s_openapi::jiff::Timestamp::now().as_second()
}

/// The node a DaemonSet pod is for: where it was scheduled, or the node its affinity names.
fn node_of(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(node) = spec.node_name.clone().filter(|n| !n.is_empty()) {
        return Some(node);
    }
    let required = spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?;
    required
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|f| f.key == "metadata.name")
        .and_then(|f| f.values.as_ref()?.first().cloned())
}

fn finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// Every node of the plan (a node whose old pod is gone and whose new pod is not there yet shows
/// with no pods) and every node with a pod. Pods this run asked to delete count as terminating
/// even before the watch shows it.
/// Nodes of the plan that no longer run the DaemonSet (`ineligible`) and have no pod of it are left
/// out: they count as done and do not hold the rollout up.
fn observe(
    pods: &BTreeMap<String, Pod>,
    deleted: &HashSet<String>,
    state: &RolloutState,
    ineligible: &BTreeSet<String>,
) -> Observation {
    let mut observed = Observation::new();
    for wave in &state.waves {
        for node in wave.nodes.iter().filter(|n| !ineligible.contains(*n)) {
            observed.entry(node.clone()).or_default();
        }
    }
    for pod in pods.values() {
        let Some(node) = node_of(pod) else { continue };
        if finished(pod) {
            continue;
        }
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let (ready, ready_since) = pod_ready(pod);
        observed.entry(node).or_default().push(PodView {
            terminating: pod.metadata.deletion_timestamp.is_some() || deleted.contains(&uid),
            uid,
            hash: pod_hash(pod).unwrap_or_default().to_string(),
            ready,
            ready_since,
            failing: failing(pod),
        });
    }
    observed
}

/// Nodes of the plan with no running pod of the DaemonSet.
fn planned_without_pods(state: &RolloutState, pods: &BTreeMap<String, Pod>) -> BTreeSet<String> {
    let with_pods: BTreeSet<String> = pods
        .values()
        .filter(|p| !finished(p))
        .filter_map(node_of)
        .collect();
    state
        .waves
        .iter()
        .flat_map(|w| w.nodes.iter())
        .filter(|n| !with_pods.contains(*n))
        .cloned()
        .collect()
}

/// Of `candidates`, the nodes the DaemonSet controller would not run a pod on any more (gone,
/// or excluded by the template's placement).
fn not_eligible(
    candidates: &BTreeSet<String>,
    nodes: &[Node],
    template: &PodSpec,
) -> BTreeSet<String> {
    candidates
        .iter()
        .filter(|name| {
            nodes
                .iter()
                .find(|n| n.metadata.name.as_deref() == Some(name.as_str()))
                .is_none_or(|node| !placement::evaluate(template, node).should_run)
        })
        .cloned()
        .collect()
}

/// The next instant a decision can change without an event: a min-ready period ending or a
/// progress deadline passing.
fn next_wake(state: &RolloutState, observed: &Observation, now: i64) -> Option<i64> {
    let deadlines = state
        .deleted_at
        .values()
        .map(|at| at + state.progress_deadline_seconds + 1);
    let ready = observed
        .values()
        .flatten()
        .filter(|p| p.hash == state.target_hash && p.ready)
        .filter_map(|p| p.ready_since.map(|s| s + state.min_ready_seconds));
    deadlines.chain(ready).filter(|at| *at > now).min()
}

fn wave_label(state: &RolloutState, index: Option<usize>) -> String {
    match index {
        Some(i) => format!(
            "wave {}/{}{}",
            i + 1,
            state.waves.len(),
            if state.waves[i].canary {
                " (canary)"
            } else {
                ""
            }
        ),
        None => "wave -".into(),
    }
}

/// Writes the state annotation, conditional on the resourceVersion last seen; on a conflict reads
/// the DaemonSet again and keeps a pause recorded meanwhile (by `rollout pause`).
async fn write_state(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    ds: &mut DaemonSet,
    state: &mut RolloutState,
) -> anyhow::Result<()> {
    let mut last_error = None;
    for _ in 0..10 {
        let text = serde_json::to_string(&*state)?;
        let mut ops = vec![pause::precondition(ds)];
        if ds.metadata.annotations.is_none() {
            ops.push(json!({"op": "add", "path": "/metadata/annotations", "value": {STATE_ANNOTATION: text}}));
        } else {
            ops.push(
                json!({"op": "add", "path": annotation_path(STATE_ANNOTATION), "value": text}),
            );
        }
        match cluster
            .patch_daemonset_json(namespace, name, &ops, false)
            .await
        {
            Ok(stored) => {
                *ds = stored;
                return Ok(());
            }
            Err(e) => {
                last_error = Some(e);
                let fresh = cluster
                    .get_daemonset(namespace, name)
                    .await?
                    .ok_or_else(|| {
                        Failure::api(format!("daemonset {name:?} was deleted during the rollout"))
                    })?;
                let recorded = annotation(&fresh, STATE_ANNOTATION)
                    .and_then(|s| serde_json::from_str::<RolloutState>(s).ok());
                if let Some(recorded) = recorded {
                    if recorded.target_hash == state.target_hash
                        && matches!(recorded.phase, Phase::Paused | Phase::PausedAfterCanary)
                        && state.phase == Phase::Running
                    {
                        state.phase = recorded.phase;
                    }
                }
                *ds = fresh;
            }
        }
    }
    Err(last_error
        .map(anyhow::Error::from)
        .unwrap_or_else(|| anyhow::anyhow!("could not record the rollout state")))
}

pub async fn exec(args: &RolloutApplyArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, default_namespace) = super::super::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let (mut found, _) = super::super::inputs::read_daemonsets(
        std::slice::from_ref(&args.filename),
        &default_namespace,
        global.connection.namespace.as_deref(),
    )?;
    if found.len() != 1 {
        return Err(Failure::usage(format!(
            "rollout apply takes one DaemonSet; the input has {}",
            found.len()
        ))
        .into());
    }
    let manifest = found.remove(0);
    let name = manifest.name().to_string();
    let namespace = manifest.namespace.clone();
    run(
        &cluster,
        &namespace,
        &name,
        manifest.object.value.clone(),
        &args.engine,
    )
    .await
}

/// The canary wave the flags ask for.
fn canary_of(engine: &RolloutEngineArgs) -> Canary {
    if !engine.canary_nodes.is_empty() {
        return Canary::Nodes(engine.canary_nodes.clone());
    }
    if let Some(selector) = &engine.canary_selector {
        return Canary::Selector(selector.clone());
    }
    match engine.canary {
        b if b.is_zero() => Canary::None,
        Budget::Count(n) => Canary::Count(u32::try_from(n).unwrap_or(0)),
        Budget::Percent(p) => Canary::Percent(u32::try_from(p).unwrap_or(0)),
    }
}

/// The mode asked for, or the one the manifest's own update strategy implies.
pub fn mode_of(manifest: &Value, args: &RolloutEngineArgs) -> RolloutMode {
    args.mode.unwrap_or_else(|| {
        match manifest
            .pointer("/spec/updateStrategy/type")
            .and_then(Value::as_str)
        {
            Some("OnDelete") => RolloutMode::Ondelete,
            _ => RolloutMode::Rolling,
        }
    })
}

/// Rolls `manifest` (a DaemonSet with its wanted update strategy) out in the mode asked for.
pub async fn run(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    manifest: Value,
    args: &RolloutEngineArgs,
) -> anyhow::Result<Outcome> {
    let mut progress = Progress::new(args.output);
    match mode_of(&manifest, args) {
        RolloutMode::Rolling => {
            super::rolling::run(cluster, namespace, name, manifest, args, &mut progress).await
        }
        RolloutMode::Ondelete => run_ondelete(cluster, namespace, name, manifest, args).await,
    }
}

/// Applies `manifest` with OnDelete and replaces the pods wave by wave, continuing a recorded
/// rollout to the same revision.
async fn run_ondelete(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    manifest: Value,
    args: &RolloutEngineArgs,
) -> anyhow::Result<Outcome> {
    let (namespace, name) = (namespace.to_string(), name.to_string());
    // 1. Apply with OnDelete, the wanted strategy recorded for the end.
    let original = manifest
        .pointer("/spec/updateStrategy")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| json!({"type": "RollingUpdate"}));
    let mut object = manifest;
    object["metadata"]["namespace"] = Value::String(namespace.clone());
    object["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    if !object["metadata"]["annotations"].is_object() {
        object["metadata"]["annotations"] = json!({});
    }
    object["metadata"]["annotations"][ORIGINAL_STRATEGY_ANNOTATION] =
        Value::String(original.to_string());
    let mut ds = cluster
        .apply_daemonset(&namespace, &name, &object)
        .await
        .map_err(|e| match e {
            ApplyError::Rejected(message) => {
                Failure::usage(format!("the server rejected daemonset {name:?}: {message}"))
            }
            ApplyError::Failed(failure) => failure,
        })?;
    let generation = ds.metadata.generation.unwrap_or(0);
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    println!("daemonset {name:?} applied with the OnDelete strategy (generation {generation})");

    let selector = selector::describe(&ds.spec.selector);
    let mut changes = cluster.watch_daemonset_and_pods(&namespace, &name, &selector);
    let mut pods: Option<BTreeMap<String, Pod>> = None;
    let mut target: Option<String> = None;
    let mut state: Option<RolloutState> = None;
    let mut deleted: HashSet<String> = HashSet::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut wake: Option<i64> = None;
    let mut last_trouble = String::new();
    loop {
        let change = match wake {
            Some(at) => {
                let wait = Duration::from_secs(u64::try_from((at - now()).max(0)).unwrap_or(0));
                match tokio::time::timeout(wait, changes.next()).await {
                    Ok(change) => change.map(Some),
                    Err(_) => Some(None),
                }
            }
            None => changes.next().await.map(Some),
        };
        let Some(change) = change else {
            return Err(Failure::api("the watch on the daemonset ended").into());
        };
        match change {
            None => {}
            Some(WatchChange::DaemonSet(Some(new))) => {
                if new.metadata.uid.as_deref() != Some(uid.as_str()) {
                    return Err(Failure::api(format!(
                        "daemonset {name:?} was deleted and created again during the rollout"
                    ))
                    .into());
                }
                ds = *new;
            }
            Some(WatchChange::DaemonSet(None)) => {
                return Err(Failure::api(format!(
                    "daemonset {name:?} was deleted during the rollout"
                ))
                .into());
            }
            Some(WatchChange::PodsListed(list)) => {
                pods = Some(list.into_iter().map(|p| (key(&p), p)).collect());
            }
            Some(WatchChange::PodApplied(pod)) => {
                if let Some(pods) = pods.as_mut() {
                    pods.insert(key(&pod), *pod);
                }
            }
            Some(WatchChange::PodDeleted(pod)) => {
                if let Some(pods) = pods.as_mut() {
                    pods.remove(&key(&pod));
                }
            }
            Some(WatchChange::Trouble(message)) => {
                if message != last_trouble {
                    eprintln!("warning: {message}; retrying");
                    last_trouble = message;
                }
                continue;
            }
        }

        // 2. The controller has seen the new generation: its newest revision is the target.
        if target.is_none() {
            let observed = ds
                .status
                .as_ref()
                .and_then(|s| s.observed_generation)
                .unwrap_or(0);
            if observed < generation {
                continue;
            }
            let revisions = cluster
                .list_controller_revisions_matching(&namespace, &selector)
                .await?;
            match current_hash(&ds, &revisions) {
                Some(hash) => {
                    println!("target revision: controller-revision-hash {hash}");
                    target = Some(hash);
                }
                None => continue,
            }
        }
        let (Some(hash), Some(pods)) = (target.as_ref(), pods.as_ref()) else {
            continue;
        };

        // 3. Continue a recorded rollout of this revision, or plan one.
        if state.is_none() {
            let recorded = annotation(&ds, STATE_ANNOTATION)
                .and_then(|s| serde_json::from_str::<RolloutState>(s).ok())
                .filter(|s| {
                    s.target_hash == *hash
                        && matches!(
                            s.phase,
                            Phase::Running | Phase::Paused | Phase::PausedAfterCanary
                        )
                });
            let mut planned = match recorded {
                Some(recorded) => {
                    println!(
                        "continuing the recorded rollout to {hash} ({} waves)",
                        recorded.waves.len()
                    );
                    recorded
                }
                None => {
                    let mut nodes: BTreeSet<String> = BTreeSet::new();
                    for pod in pods.values() {
                        if pod.metadata.deletion_timestamp.is_none()
                            && !finished(pod)
                            && pod_hash(pod) != Some(hash.as_str())
                        {
                            if let Some(node) = node_of(pod) {
                                nodes.insert(node);
                            }
                        }
                    }
                    let labels: BTreeMap<String, BTreeMap<String, String>> = cluster
                        .list_nodes()
                        .await?
                        .into_iter()
                        .filter_map(|n| {
                            Some((n.metadata.name?, n.metadata.labels.unwrap_or_default()))
                        })
                        .collect();
                    let infos: Vec<NodeInfo> = nodes
                        .into_iter()
                        .map(|name| NodeInfo {
                            labels: labels.get(&name).cloned().unwrap_or_default(),
                            name,
                        })
                        .collect();
                    let eligible = ds
                        .status
                        .as_ref()
                        .map(|s| s.desired_number_scheduled)
                        .unwrap_or(0);
                    let eligible = usize::try_from(eligible).unwrap_or(0);
                    let options = WaveOptions {
                        canary: canary_of(args),
                        max_unavailable: args.max_unavailable,
                        order: args.node_order.clone(),
                    };
                    let waves = plan_waves(&infos, eligible, &options).map_err(Failure::usage)?;
                    let max_unavailable = args
                        .max_unavailable
                        .resolve(i32::try_from(eligible).unwrap_or(i32::MAX))
                        .max(1);
                    println!(
                        "{} of {eligible} eligible nodes to update in {} waves (max unavailable {max_unavailable})",
                        infos.len(),
                        waves.len()
                    );
                    RolloutState {
                        target_hash: hash.clone(),
                        waves,
                        max_unavailable: usize::try_from(max_unavailable).unwrap_or(1),
                        min_ready_seconds: i64::from(args.min_ready),
                        progress_deadline_seconds: i64::try_from(args.progress_deadline.as_secs())
                            .unwrap_or(i64::MAX),
                        pause_after_canary: args.pause_after_canary,
                        phase: Phase::Running,
                        failure: None,
                        deleted_at: BTreeMap::new(),
                    }
                }
            };
            write_state(cluster, &namespace, &name, &mut ds, &mut planned).await?;
            state = Some(planned);
        }
        let Some(current) = state.as_mut() else {
            continue;
        };

        // 4. Decide from the record and what the cluster shows now.
        let at = now();
        let podless = planned_without_pods(current, pods);
        let ineligible = if podless.is_empty() {
            BTreeSet::new()
        } else {
            let template = ds.spec.template.spec.clone().unwrap_or_default();
            not_eligible(&podless, &cluster.list_nodes().await?, &template)
        };
        for node in &ineligible {
            if reported.insert(node.clone()) {
                println!("{node}: no longer runs the daemonset; skipped");
            }
        }
        let observed = observe(pods, &deleted, current, &ineligible);
        for node in current.deleted_at.keys() {
            if !reported.contains(node) && current.node_done(&observed, node, at) {
                println!("{node}: new pod ready");
                reported.insert(node.clone());
            }
        }
        wake = None;
        match current.next_step(&observed, at) {
            Step::Delete(targets) => {
                let label = wave_label(current, current.current_wave(&observed, at));
                for (node, _) in &targets {
                    current.deleted_at.insert(node.clone(), at);
                }
                write_state(cluster, &namespace, &name, &mut ds, current).await?;
                if current.phase != Phase::Running {
                    // Paused while recording: delete nothing; the next event stops the run.
                    continue;
                }
                for (node, pod_uid) in targets {
                    let pod_name = pods
                        .get(&pod_uid)
                        .and_then(|p| p.metadata.name.clone())
                        .unwrap_or_else(|| pod_uid.clone());
                    println!("{label}: deleting pod {pod_name} on {node}");
                    cluster
                        .delete_pod_with_uid(&namespace, &pod_name, &pod_uid)
                        .await?;
                    deleted.insert(pod_uid);
                }
            }
            Step::Wait(_) => {
                wake = next_wake(current, &observed, at);
                // Node changes come with no event on this watch: look at podless nodes again soon.
                if podless.len() > ineligible.len() {
                    wake = Some(wake.map_or(at + 5, |w| w.min(at + 5)));
                }
            }
            Step::Fail(failures) => {
                let why: Vec<String> = failures
                    .iter()
                    .map(|(node, reason)| {
                        let pod = observed
                            .get(node)
                            .into_iter()
                            .flatten()
                            .find(|p| p.hash == current.target_hash && !p.terminating)
                            .and_then(|p| pods.get(&p.uid))
                            .and_then(|p| p.metadata.name.clone());
                        match pod {
                            Some(pod) => format!("{node}: pod {pod}: {reason}"),
                            None => format!("{node}: {reason}"),
                        }
                    })
                    .collect();
                current.phase = Phase::Failed;
                current.failure = Some(why.join("; "));
                write_state(cluster, &namespace, &name, &mut ds, current).await?;
                println!(
                    "rollout of daemonset {name:?} failed; no more pods are deleted (the DaemonSet stays on OnDelete):"
                );
                for line in why {
                    println!("  {line}");
                }
                return Ok(ExitStatus::Findings);
            }
            Step::Pause => {
                if current.phase == Phase::Running {
                    current.phase = Phase::PausedAfterCanary;
                    write_state(cluster, &namespace, &name, &mut ds, current).await?;
                }
                println!(
                    "rollout of daemonset {name:?} is paused; kubectl ds rollout resume {name} and run this command again to continue"
                );
                return Ok(ExitStatus::Ok);
            }
            Step::Complete => {
                current.phase = Phase::Complete;
                let text = serde_json::to_string(&*current)?;
                let mut ops = vec![
                    json!({"op": "replace", "path": "/spec/updateStrategy", "value": original}),
                    json!({"op": "add", "path": annotation_path(STATE_ANNOTATION), "value": text}),
                ];
                if annotation(&ds, ORIGINAL_STRATEGY_ANNOTATION).is_some() {
                    ops.push(json!({"op": "remove", "path": annotation_path(ORIGINAL_STRATEGY_ANNOTATION)}));
                }
                cluster
                    .patch_daemonset_json(&namespace, &name, &ops, false)
                    .await?;
                let strategy = original["type"].as_str().unwrap_or("RollingUpdate");
                let nodes: usize = current.waves.iter().map(|w| w.nodes.len()).sum();
                println!(
                    "rollout of daemonset {name:?} complete: {nodes} nodes updated in {} waves to {}; update strategy {strategy} restored",
                    current.waves.len(),
                    current.target_hash
                );
                return Ok(ExitStatus::Ok);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::waves::Wave;

    fn pod(uid: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": uid, "uid": uid, "labels": {"controller-revision-hash": hash}},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": "Running"}
        }))
        .unwrap()
    }

    fn node(name: &str, labels: Value) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels}})).unwrap()
    }

    fn state(nodes: &[&str]) -> RolloutState {
        RolloutState {
            target_hash: "new".into(),
            waves: vec![Wave {
                canary: false,
                nodes: nodes.iter().map(|n| n.to_string()).collect(),
            }],
            max_unavailable: 1,
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            pause_after_canary: false,
            phase: Phase::Running,
            failure: None,
            deleted_at: BTreeMap::new(),
        }
    }

    #[test]
    fn a_podless_node_that_no_longer_runs_the_daemonset_is_left_out() {
        let state = state(&["n1", "n2", "n3", "n4"]);
        // n1 has its old pod; n2 (between pods, still eligible), n3 (relabelled out of the
        // node selector) and n4 (deleted) have none.
        let pods: BTreeMap<String, Pod> = [pod("p1", "n1", "old")]
            .into_iter()
            .map(|p| (key(&p), p))
            .collect();
        let podless = planned_without_pods(&state, &pods);
        assert_eq!(
            podless,
            BTreeSet::from(["n2".into(), "n3".into(), "n4".into()])
        );
        let template: PodSpec = serde_json::from_value(json!({
            "nodeSelector": {"agent": "yes"},
            "containers": [{"name": "c", "image": "i"}]
        }))
        .unwrap();
        let nodes = [
            node("n1", json!({"agent": "yes"})),
            node("n2", json!({"agent": "yes"})),
            node("n3", json!({"agent": "no"})),
        ];
        let ineligible = not_eligible(&podless, &nodes, &template);
        assert_eq!(ineligible, BTreeSet::from(["n3".into(), "n4".into()]));
        let observed = observe(&pods, &HashSet::new(), &state, &ineligible);
        assert_eq!(
            observed.keys().map(String::as_str).collect::<Vec<_>>(),
            ["n1", "n2"]
        );
        assert!(state.node_done(&observed, "n3", 0));
        assert!(!state.node_done(&observed, "n2", 0));
    }
}
