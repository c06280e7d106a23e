//! `kubectl ds rollout status NAME [--watch] [--timeout D] [-o json]`: where a DaemonSet's rollout
//! stands (both strategies), pods per revision and per node, and the state a controlled rollout
//! recorded. `--watch` follows the DaemonSet and its pods with kube's runtime watcher (no polling)
//! until the rollout completes (exit 0), is recorded as failed (exit 1) or `--timeout` passes
//! (exit 1).

use std::collections::BTreeMap;
use std::io::IsTerminal as _;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutStatusArgs, StatusFormat};
use crate::cluster::{Cluster, Mirror, Troubles, WatchChange};
use crate::daemonset::history::{self, current_hash};
use crate::daemonset::selector;
use crate::daemonset::summary::{self, Strategy};
use crate::daemonset::{key, pod_hash};
use crate::error::{ExitStatus, Failure};
use crate::render::{self, Cell, Table, Tone};
use crate::rollout::health::{failing, pod_ready, pod_view};
use crate::rollout::rolling::not_ready_reason;
use crate::rollout::state::{Observation, Phase, RolloutState};

use crate::daemonset::pause::PAUSED_ANNOTATION;

pub async fn exec(args: &RolloutStatusArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let selector = selector::describe(&ds.spec.selector);
    if !args.watch {
        let revisions = cluster
            .list_controller_revisions_matching(&namespace, &selector)
            .await?;
        let pods = cluster.list_pods(&namespace, &selector).await?;
        let view = StatusView::new(&ds, &revisions, pods.iter(), now());
        if let Some(warning) = &view.unreadable {
            eprintln!("warning: {warning}");
        }
        match args.output {
            StatusFormat::Json => render::print_json(&view)?,
            StatusFormat::Table => print!("{}", view.render(render::use_color(global.color))),
        }
        return Ok(ExitStatus::Ok);
    }
    let mut last_view = None;
    let watching = watch(
        &cluster,
        &namespace,
        ds,
        &selector,
        args,
        global,
        &mut last_view,
    );
    if args.timeout.is_zero() {
        return watching.await;
    }
    match tokio::time::timeout(args.timeout, watching).await {
        Ok(result) => result,
        Err(_) => {
            let stuck = last_view
                .as_ref()
                .map(StatusView::stuck)
                .unwrap_or_default();
            eprintln!(
                "error: timed out after {} waiting for daemonset {name:?} to finish its rollout{}",
                humanize(args.timeout),
                match stuck.len() {
                    0 => String::new(),
                    1 => "; stuck on 1 pod:".to_string(),
                    n => format!("; stuck on {n} pods:"),
                }
            );
            for line in stuck {
                eprintln!("  {line}");
            }
            Ok(ExitStatus::Findings)
        }
    }
}

fn humanize(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn now() -> i64 {
    k8s_openapi::jiff::Timestamp::now().as_second()
}

/// Follows the DaemonSet and its pods; renders on every change; returns on completion or failure.
/// `last_view` keeps what was rendered last, for a caller that gives up waiting.
async fn watch(
    cluster: &Cluster,
    namespace: &str,
    mut ds: DaemonSet,
    selector: &str,
    args: &RolloutStatusArgs,
    global: &GlobalArgs,
    last_view: &mut Option<StatusView>,
) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let terminal = std::io::stdout().is_terminal();
    let color = render::use_color(global.color);
    let mut changes = cluster.watch_daemonset_and_pods(namespace, name, selector);
    let mut revisions = cluster
        .list_controller_revisions_matching(namespace, selector)
        .await?;
    let mut pods: Mirror<Pod, Pod> = Mirror::new(|pod| Some(key(pod)), Some);
    let mut last = String::new();
    let mut last_warning = None;
    let mut troubles = Troubles::default();
    while let Some(change) = changes.next().await {
        if let Some(message) = troubles.to_show(&change) {
            eprintln!("warning: {message}; retrying");
        }
        match change {
            WatchChange::DaemonSet(Some(new)) => {
                crate::ops::ensure_same(&new, &uid, name, "while watching")?;
                let template_changed = new.metadata.generation != ds.metadata.generation;
                ds = *new;
                if template_changed || current_hash(&ds, &revisions).is_none() {
                    revisions = cluster
                        .list_controller_revisions_matching(namespace, selector)
                        .await?;
                }
            }
            WatchChange::DaemonSet(None) => {
                return Err(
                    Failure::api(format!("daemonset {name:?} was deleted while watching")).into(),
                );
            }
            WatchChange::PodsListed(list) => pods.list(list),
            WatchChange::PodApplied(pod) => pods.apply(*pod),
            WatchChange::PodDeleted(pod) => pods.delete(&pod),
            WatchChange::NodesListed(_)
            | WatchChange::NodeApplied(_)
            | WatchChange::NodeDeleted(_)
            | WatchChange::Trouble(_) => continue,
        }
        let Some(pods) = pods.entries() else {
            continue;
        };
        // A pod of a revision the list does not know yet: the controller made a new revision.
        let known = |p: &Pod| {
            pod_hash(p).is_none_or(|h| revisions.iter().any(|r| history::hash_of(r) == h))
        };
        if !pods.values().all(known) {
            revisions = cluster
                .list_controller_revisions_matching(namespace, selector)
                .await?;
        }
        let view = StatusView::new(&ds, &revisions, pods.values(), now());
        let text = match (args.output, terminal) {
            (StatusFormat::Json, _) => format!("{}\n", serde_json::to_string(&view)?),
            (StatusFormat::Table, true) => format!("\x1b[H\x1b[2J{}", view.render(color)),
            (StatusFormat::Table, false) => format!("{}\n", view.progress_line()),
        };
        let redrawn = text != last;
        if redrawn {
            print!("{text}");
            use std::io::Write as _;
            std::io::stdout().flush()?;
            last = text;
        }
        // A redrawn terminal screen clears the warning: it is said again below the table.
        let clears = terminal && args.output == StatusFormat::Table;
        if let Some(warning) = &view.unreadable {
            if last_warning.as_ref() != Some(warning) || (clears && redrawn) {
                eprintln!("warning: {warning}");
            }
        }
        last_warning = view.unreadable.clone();
        if view.failed() {
            if args.output == StatusFormat::Table {
                println!(
                    "daemonset {name:?} rollout failed: {}",
                    view.recorded
                        .as_ref()
                        .and_then(|r| r.failure.clone())
                        .unwrap_or_else(|| "see the recorded state".into())
                );
            }
            return Ok(ExitStatus::Findings);
        }
        if view.complete() {
            if args.output == StatusFormat::Table {
                println!("daemonset {name:?} successfully rolled out");
            }
            return Ok(ExitStatus::Ok);
        }
        *last_view = Some(view);
    }
    Err(Failure::api(format!(
        "the watch on daemonset {name:?} ended unexpectedly"
    ))
    .into())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusView {
    api_version: &'static str,
    kind: &'static str,
    daemon_set: String,
    namespace: String,
    strategy: Strategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_revision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_hash: Option<String>,
    /// complete, progressing, waiting-deletes, pending, paused or failed.
    state: &'static str,
    detail: String,
    generation: i64,
    observed_generation: i64,
    desired: i32,
    updated: i32,
    ready: i32,
    available: i32,
    /// Nodes running an old and a new pod side by side (maxSurge).
    surging: usize,
    revisions: Vec<RevisionPods>,
    nodes: Vec<NodeRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<Recorded>,
    /// Why the recorded state annotation could not be read (said on stderr).
    #[serde(skip)]
    unreadable: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RevisionPods {
    revision: i64,
    hash: String,
    pods: usize,
    ready: usize,
    current: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeRow {
    node: String,
    pod: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<i64>,
    hash: String,
    ready: bool,
    up_to_date: bool,
    terminating: bool,
    /// A pod of the current revision started beside the node's old pod (maxSurge).
    surge: bool,
    /// Why a pod that is not Ready is not: unscheduled (with the scheduler's reason), a
    /// container waiting, or the Ready condition's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiting: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    phase: Phase,
    /// 1-based; equal to `waves` once every wave is done.
    wave: usize,
    waves: usize,
    target_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
}

impl StatusView {
    fn new<'a>(
        ds: &DaemonSet,
        revisions: &[ControllerRevision],
        pods: impl Iterator<Item = &'a Pod>,
        now: i64,
    ) -> Self {
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let owned = history::owned_revisions(revisions.to_vec(), &uid);
        let summary = summary::summarize(ds, Some(&owned));
        let current = owned.last();
        let current_hash = current.map(|r| history::hash_of(r).to_string());
        let number_of: BTreeMap<&str, i64> = owned
            .iter()
            .map(|r| (history::hash_of(r), r.revision.unwrap_or_default()))
            .collect();
        let pods: Vec<&Pod> = pods
            .filter(|p| history::is_owned_by(&p.metadata, &uid))
            .collect();

        let mut per_hash: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut nodes = Vec::new();
        let mut observation = Observation::new();
        for pod in &pods {
            let hash = pod_hash(pod).unwrap_or_default();
            let (ready, _) = pod_ready(pod);
            let terminating = pod.metadata.deletion_timestamp.is_some();
            let entry = per_hash.entry(hash).or_default();
            entry.0 += 1;
            entry.1 += usize::from(ready);
            // A surge pod the scheduler has not placed has no nodeName yet; its affinity names
            // the node the controller made it for.
            let node = crate::daemonset::node_of(pod).unwrap_or_else(|| "<none>".into());
            observation
                .entry(node.clone())
                .or_default()
                .push(pod_view(pod, terminating));
            nodes.push(NodeRow {
                node,
                pod: pod.metadata.name.clone().unwrap_or_default(),
                revision: number_of.get(hash).copied(),
                hash: hash.to_string(),
                ready,
                up_to_date: current_hash.as_deref() == Some(hash),
                terminating,
                surge: false,
                waiting: (!ready && !terminating)
                    .then(|| failing(pod).or_else(|| not_ready_reason(pod)))
                    .flatten(),
            });
        }
        nodes.sort_by(|a, b| (&a.node, &a.pod).cmp(&(&b.node, &b.pod)));
        let surging = mark_surge(&mut nodes);
        let revision_pods = owned
            .iter()
            .map(|r| {
                let hash = history::hash_of(r);
                let (pods, ready) = per_hash.get(hash).copied().unwrap_or_default();
                RevisionPods {
                    revision: r.revision.unwrap_or_default(),
                    hash: hash.to_string(),
                    pods,
                    ready,
                    current: Some(r) == current,
                }
            })
            .collect();

        let annotations = ds.metadata.annotations.clone().unwrap_or_default();
        let (recorded_state, unreadable) = match RolloutState::recorded(ds) {
            Ok(state) => (state, None),
            Err(unreadable) => (None, Some(unreadable.to_string())),
        };
        let recorded = recorded_state.as_ref().map(|state| Recorded {
            phase: state.phase,
            wave: state
                .current_wave(&observation, now)
                .map_or(state.waves.len(), |i| i + 1),
            waves: state.waves.len(),
            target_hash: state.target_hash.clone(),
            failure: state.failure.clone(),
        });

        let status = ds.status.clone().unwrap_or_default();
        let mut view = Self {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetRolloutStatus",
            daemon_set: summary.name.clone(),
            namespace: summary.namespace.clone(),
            strategy: summary.strategy,
            current_revision: summary.revision,
            current_hash,
            state: summary.rollout.label(),
            detail: summary.rollout.detail(),
            generation: ds.metadata.generation.unwrap_or_default(),
            observed_generation: status.observed_generation.unwrap_or_default(),
            desired: summary.desired,
            updated: summary.up_to_date,
            ready: summary.ready,
            available: summary.available,
            surging,
            revisions: revision_pods,
            nodes,
            recorded,
            unreadable,
        };
        // OnDelete is complete only when every node's pod runs the current revision and is
        // ready, whatever the (lagging) counters say.
        if view.state == "complete"
            && view.strategy == Strategy::OnDelete
            && !view.nodes.iter().all(|n| n.up_to_date && n.ready)
        {
            view.state = "waiting-deletes";
            view.detail = "some pods are still on an old revision or not ready".into();
        }
        match (&view.recorded, annotations.contains_key(PAUSED_ANNOTATION)) {
            (Some(r), _) if r.phase == Phase::Failed => {
                view.state = "failed";
                view.detail = r.failure.clone().unwrap_or_else(|| "rollout failed".into());
            }
            (Some(r), _) if r.phase.paused() => {
                view.state = "paused";
                view.detail = match r.phase {
                    Phase::PausedAfterCanary => "paused after the canary wave".into(),
                    _ => "paused".into(),
                };
            }
            (_, true) if view.state != "complete" => {
                view.state = "paused";
                view.detail = "paused by rollout pause; rollout resume continues".into();
            }
            _ => {}
        }
        view
    }

    fn complete(&self) -> bool {
        self.state == "complete"
    }

    fn failed(&self) -> bool {
        self.state == "failed"
    }

    /// The state in words for the header.
    fn state_words(&self) -> String {
        match self.state {
            "complete" => "complete".into(),
            "progressing" => format!("progressing ({})", self.detail),
            "waiting-deletes" => format!("waiting for pod deletions (OnDelete): {}", self.detail),
            "pending" => format!("pending observation ({})", self.detail),
            "paused" => format!("paused ({})", self.detail),
            "failed" => format!("halted: failed ({})", self.detail),
            other => other.to_string(),
        }
    }

    /// One plain line for a watch into a pipe or file.
    fn progress_line(&self) -> String {
        format!(
            "progress: {} of {} nodes updated, {} available{} ({})",
            self.updated,
            self.desired,
            self.available,
            self.surging_words(),
            self.state
        )
    }

    fn surging_words(&self) -> String {
        match self.surging {
            0 => String::new(),
            1 => ", 1 node surging".into(),
            n => format!(", {n} nodes surging"),
        }
    }

    /// The pods that keep the rollout from finishing, one line each: node, pod and why.
    pub(super) fn stuck(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|n| !n.terminating && (!n.ready || !n.up_to_date))
            .filter(|n| n.up_to_date || n.waiting.is_some())
            .map(|n| {
                let what = match (n.up_to_date, n.surge) {
                    (true, true) => "surge pod",
                    (true, false) => "new pod",
                    (false, _) => "old pod",
                };
                let why = n.waiting.clone().unwrap_or_else(|| "not Ready".into());
                format!("node {}: {what} {} {why}", n.node, n.pod)
            })
            .collect()
    }

    fn render(&self, color: bool) -> String {
        let revision = match (self.current_revision, &self.current_hash) {
            (Some(n), Some(h)) => format!("revision {n} ({h})"),
            _ => "no revision yet".into(),
        };
        let strategy = match self.strategy {
            Strategy::RollingUpdate => "RollingUpdate",
            Strategy::OnDelete => "OnDelete",
        };
        let mut out = format!(
            "daemonset {}/{} ({strategy}), current {revision}: {}\n",
            self.namespace,
            self.daemon_set,
            self.state_words()
        );
        out.push_str(&format!(
            "{} desired, {} updated, {} ready, {} available{}\n\n",
            self.desired,
            self.updated,
            self.ready,
            self.available,
            self.surging_words()
        ));
        let mut table = Table::new(&["REVISION", "HASH", "PODS", "READY"]);
        for r in &self.revisions {
            let number = render::revision_cell(r.revision, r.current);
            table.push(vec![
                number,
                Cell::from(r.hash.clone()),
                Cell::from(r.pods.to_string()),
                Cell::from(r.ready.to_string()),
            ]);
        }
        out.push_str(&table.render(true, color));
        out.push('\n');
        let mut table = Table::new(&["NODE", "POD", "REVISION", "READY", "UP-TO-DATE", "WAITING"]);
        for n in &self.nodes {
            let pod = match (n.terminating, n.surge) {
                (true, _) => format!("{} (terminating)", n.pod),
                (false, true) => format!("{} (surge)", n.pod),
                (false, false) => n.pod.clone(),
            };
            let flag = |value: bool| match value {
                true => Cell::from("true"),
                false => Cell::toned("false", Tone::Bad),
            };
            table.push(vec![
                Cell::from(n.node.clone()),
                Cell::from(pod),
                Cell::from(n.revision.map_or_else(|| "?".into(), |r| r.to_string())),
                flag(n.ready),
                flag(n.up_to_date),
                Cell::from(n.waiting.clone().unwrap_or_default()),
            ]);
        }
        if self.nodes.is_empty() {
            out.push_str("no pods\n");
        } else {
            out.push_str(&table.render(true, color));
        }
        if let Some(r) = &self.recorded {
            out.push_str(&format!(
                "\nrecorded rollout: phase {}, wave {} of {}, target {}{}\n",
                r.phase,
                r.wave,
                r.waves,
                r.target_hash,
                r.failure
                    .as_ref()
                    .map(|f| format!(", failure: {f}"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}

/// Marks the up-to-date pods that run beside an old, not terminating pod on the same node (the
/// controller's surge) and returns how many nodes surge. `nodes` is sorted by node.
fn mark_surge(nodes: &mut [NodeRow]) -> usize {
    let mut surging = 0;
    for group in nodes.chunk_by_mut(|a, b| a.node == b.node) {
        let has_old = group.iter().any(|n| !n.up_to_date && !n.terminating);
        let mut surged = false;
        for row in group.iter_mut().filter(|n| n.up_to_date && !n.terminating) {
            row.surge = has_old;
            surged |= has_old;
        }
        surging += usize::from(surged);
    }
    surging
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::state::STATE_ANNOTATION;
    use serde_json::{json, Value};

    fn daemonset(strategy: &str, annotations: Value, updated: i32) -> DaemonSet {
        serde_json::from_value(json!({
            "metadata": {"name": "agent", "namespace": "ops", "uid": "u", "generation": 2,
                         "annotations": annotations},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "updateStrategy": {"type": strategy},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "main", "image": "busybox"}]}}},
            "status": {"observedGeneration": 2, "desiredNumberScheduled": 2,
                       "currentNumberScheduled": 2, "numberMisscheduled": 0, "numberReady": 2,
                       "numberAvailable": 2, "updatedNumberScheduled": updated}
        }))
        .unwrap()
    }

    fn revision(number: i64, hash: &str) -> ControllerRevision {
        serde_json::from_value(json!({
            "metadata": {"name": format!("agent-{hash}"), "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "revision": number, "data": {}
        }))
        .unwrap()
    }

    fn pod(name: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"nodeName": node, "containers": []},
            "status": {"conditions": [{"type": "Ready", "status": "True",
                                       "lastTransitionTime": "2024-05-03T11:00:00Z"}]}
        }))
        .unwrap()
    }

    fn view(strategy: &str, annotations: Value, updated: i32, hashes: [&str; 2]) -> StatusView {
        let pods = [pod("p1", "n1", hashes[0]), pod("p2", "n2", hashes[1])];
        StatusView::new(
            &daemonset(strategy, annotations, updated),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            1_800_000_000,
        )
    }

    /// A surge pod the scheduler could not place: no nodeName, the node only in its affinity,
    /// PodScheduled False with the scheduler's message (as recorded from a 1.37 cluster).
    fn unscheduled_surge_pod(name: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"containers": [], "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In",
                                      "values": [node]}]}]}}}},
            "status": {"phase": "Pending", "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."}]}
        }))
        .unwrap()
    }

    #[test]
    fn a_pod_with_a_container_waiting_on_an_error_is_not_ready_whatever_its_condition_says() {
        // As a 1.37 hollow kubelet reports it: Ready True, the container waiting.
        let mut bad = pod("bad", "n1", "new");
        bad.status.as_mut().unwrap().container_statuses = Some(vec![serde_json::from_value(
            json!({"name": "main", "image": "not a valid image", "imageID": "", "ready": true,
                   "restartCount": 0, "state": {"waiting": {"reason": "InvalidImageName",
                   "message": "couldn't parse image name"}}}),
        )
        .unwrap()]);
        assert_eq!(pod_ready(&bad), (false, None));
        assert_eq!(failing(&bad).as_deref(), Some("InvalidImageName"));
        let in_state = |state: serde_json::Value| {
            let mut pod = bad.clone();
            let statuses = pod.status.as_mut().unwrap().container_statuses.as_mut();
            statuses.unwrap()[0].state = Some(serde_json::from_value(state).unwrap());
            pod
        };
        let creating = in_state(json!({"waiting": {"reason": "ContainerCreating"}}));
        assert_eq!(pod_ready(&creating), (false, None));
        assert_eq!(failing(&creating), None);
        let running = in_state(json!({"running": {"startedAt": "2024-05-03T11:00:00Z"}}));
        assert!(pod_ready(&running).0);
        let good = pod("good", "n1", "new");
        assert!(pod_ready(&good).0);
    }

    #[test]
    fn surge_pods_are_marked_and_a_stuck_one_is_named_with_its_node_and_reason() {
        let pods = [
            pod("old-1", "n1", "old"),
            unscheduled_surge_pod("new-1", "n1", "new"),
            pod("new-2", "n2", "new"),
        ];
        let view = StatusView::new(
            &daemonset("RollingUpdate", json!({}), 1),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            1_800_000_000,
        );
        assert_eq!(view.surging, 1);
        let surge: Vec<_> = view
            .nodes
            .iter()
            .filter(|n| n.surge)
            .map(|n| &n.pod)
            .collect();
        assert_eq!(surge, ["new-1"]);
        assert!(
            view.render(false).contains("new-1 (surge)"),
            "{}",
            view.render(false)
        );
        assert!(view.render(false).contains("1 node surging"));
        assert_eq!(
            view.stuck(),
            ["node n1: surge pod new-1 not scheduled: Unschedulable: 0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."]
        );

        // Once the old pod is terminating the new one is no longer a surge.
        let mut old = pod("old-1", "n1", "old");
        old.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::from_second(1_800_000_000).unwrap(),
            ));
        let pods = [old, pod("new-1", "n1", "new"), pod("new-2", "n2", "new")];
        let view = StatusView::new(
            &daemonset("RollingUpdate", json!({}), 2),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            1_800_000_000,
        );
        assert_eq!(view.surging, 0);
        assert!(view.stuck().is_empty(), "{:?}", view.stuck());
    }

    #[test]
    fn states_from_counters_pods_and_recorded_state() {
        let done = view("RollingUpdate", json!({}), 2, ["new", "new"]);
        assert_eq!((done.state, done.current_revision), ("complete", Some(2)));
        assert_eq!(
            done.revisions
                .iter()
                .map(|r| (r.revision, r.pods, r.ready))
                .collect::<Vec<_>>(),
            [(1, 0, 0), (2, 2, 2)]
        );

        let waiting = view("OnDelete", json!({}), 1, ["old", "new"]);
        assert_eq!(waiting.state, "waiting-deletes");
        assert!(!waiting.nodes[0].up_to_date && waiting.nodes[1].up_to_date);
        assert_eq!(waiting.nodes[0].revision, Some(1));

        // Counters that already say complete do not end an OnDelete rollout with an old pod.
        let lagging = view("OnDelete", json!({}), 2, ["old", "new"]);
        assert_eq!(lagging.state, "waiting-deletes");

        let paused = view(
            "OnDelete",
            json!({PAUSED_ANNOTATION: "RollingUpdate"}),
            1,
            ["old", "new"],
        );
        assert_eq!(paused.state, "paused");

        let recorded = json!({"targetHash": "new", "waves": [
            {"canary": true, "nodes": ["n2"]}, {"canary": false, "nodes": ["n1"]}],
            "maxUnavailable": 1, "minReadySeconds": 0, "progressDeadlineSeconds": 300,
            "pauseAfterCanary": false, "phase": "failed", "failure": "n1: CrashLoopBackOff"});
        let failed = view(
            "OnDelete",
            json!({STATE_ANNOTATION: recorded.to_string()}),
            1,
            ["old", "new"],
        );
        assert!(failed.failed(), "{failed:?}");
        let r = failed.recorded.as_ref().unwrap();
        assert_eq!((r.wave, r.waves), (2, 2));
        assert!(failed
            .render(false)
            .contains("wave 2 of 2, target new, failure: n1: CrashLoopBackOff"));
        assert!(failed
            .render(false)
            .lines()
            .next()
            .unwrap()
            .contains("halted: failed"));

        let mut canary = recorded.clone();
        canary["phase"] = json!("pausedAfterCanary");
        canary["failure"] = Value::Null;
        let paused = view(
            "OnDelete",
            json!({STATE_ANNOTATION: canary.to_string()}),
            1,
            ["old", "new"],
        );
        assert_eq!(paused.state, "paused");
        assert_eq!(paused.detail, "paused after the canary wave");
        assert!(paused
            .render(false)
            .contains("recorded rollout: phase pausedAfterCanary, wave 2 of 2"));
        let doc = serde_json::to_value(&paused).unwrap();
        assert_eq!(
            (&doc["state"], &doc["recorded"]["phase"]),
            (&json!("paused"), &json!("pausedAfterCanary"))
        );
    }

    #[test]
    fn an_unreadable_recorded_state_is_named_and_the_counters_decide() {
        let broken = view(
            "OnDelete",
            json!({STATE_ANNOTATION: "{\"phase\": \"failed\""}),
            2,
            ["new", "new"],
        );
        assert_eq!(broken.state, "complete");
        assert!(broken.recorded.is_none());
        let warning = broken.unreadable.as_deref().unwrap();
        assert!(
            warning.starts_with(
                "the annotation rollout.kubectl-ds.io/state of daemonset \"agent\" does not hold a rollout state"
            ),
            "{warning}"
        );
        assert!(warning
            .contains("kubectl annotate daemonset agent -n ops rollout.kubectl-ds.io/state-"));
        let doc = serde_json::to_value(&broken).unwrap();
        assert!(doc.get("unreadable").is_none(), "{doc}");
    }
}
