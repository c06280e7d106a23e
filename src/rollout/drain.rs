//! Draining a node before its DaemonSet pod is replaced, without I/O: which of the node's other
//! pods to evict, skip or refuse (as `kubectl drain --ignore-daemonsets` decides), how long to wait
//! before asking again when a PodDisruptionBudget says no, which evicted pods are still there, and
//! the cordon that marks a node as ours so that only the rollout that cordoned it uncordons it.

use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The annotation naming the rollout (`namespace/daemonset`) that cordoned a node.
pub const CORDONED_BY_ANNOTATION: &str = "rollout.kubectl-ds.io/cordoned-by";

/// The kubelet's mark on the API's copy of a static pod: deleting it does nothing.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// A pod still there this long after its grace period ended is stuck (a finalizer, a kubelet
/// that cannot confirm the kill): it is leaving already, and waiting on it would only time out.
pub const SKIP_TERMINATING_AFTER_SECONDS: i64 = 60;

/// The default of [`DrainOptions::timeout_seconds`].
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 300;

/// The first pause before asking again for an eviction a PodDisruptionBudget refused.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest pause between eviction attempts when the server suggests none.
const MAX_RETRY: Duration = Duration::from_secs(10);
/// The longest pause a server's Retry-After is followed for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How a rollout drains each node; recorded with the rollout, so defaults fill what an older
/// record lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DrainOptions {
    /// How long a node's evictions and the wait for its pods to go may take; 0 or less waits
    /// as long as it takes, as `kubectl drain --timeout=0`.
    pub timeout_seconds: i64,
    /// Evict pods with emptyDir volumes (their data is lost).
    pub delete_emptydir_data: bool,
    /// Evict pods that declare no controller (nothing recreates them).
    pub force: bool,
}

impl Default for DrainOptions {
    fn default() -> Self {
        Self {
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            delete_emptydir_data: false,
            force: false,
        }
    }
}

impl DrainOptions {
    /// The second by which a drain started at `start` must be done; `None` without a limit.
    pub fn deadline(&self, start: i64) -> Option<i64> {
        (self.timeout_seconds > 0).then(|| start.saturating_add(self.timeout_seconds))
    }
}

/// One pod, as evictions and messages name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodRef {
    pub namespace: String,
    pub name: String,
    /// Empty when the server gave none (never for a stored pod).
    pub uid: String,
}

impl PodRef {
    pub fn of(pod: &Pod) -> Self {
        Self {
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
        }
    }
}

/// `namespace/name`, as kubectl drain names pods.
impl std::fmt::Display for PodRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Why a pod on the node is left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A DaemonSet's pod (`kind/name` of its controller): the DaemonSet would put it back at
    /// once, and the rollout replaces its own pod itself.
    DaemonSet { daemonset: String },
    /// A static pod's mirror: only the kubelet removes it.
    Mirror,
    /// Deleted already and still there this many seconds after its grace period.
    Terminating { for_seconds: i64 },
    /// Deleted, or its name taken by another pod, before it was evicted.
    Gone,
}

impl SkipReason {
    pub fn describe(&self) -> String {
        match self {
            SkipReason::DaemonSet { daemonset } => {
                format!("managed by daemonset {daemonset}")
            }
            SkipReason::Mirror => "a mirror pod (static pod of the kubelet)".to_string(),
            SkipReason::Terminating { for_seconds } => format!(
                "terminating, {for_seconds}s past its grace period (longer than {SKIP_TERMINATING_AFTER_SECONDS}s)"
            ),
            SkipReason::Gone => "gone before it was evicted".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub pod: PodRef,
    pub why: SkipReason,
}

/// What a pod needs that the options do not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    /// It has emptyDir volumes: evicting it loses their data.
    EmptyDir,
    /// No controller owns it: nothing recreates it once evicted.
    Unmanaged,
}

impl Refusal {
    /// The option that allows it.
    pub fn flag(self) -> &'static str {
        match self {
            Refusal::EmptyDir => "--delete-emptydir-data",
            Refusal::Unmanaged => "--force",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Refusal::EmptyDir => "uses emptyDir volumes",
            Refusal::Unmanaged => "declares no controller",
        }
    }

    fn consequence(self) -> &'static str {
        match self {
            Refusal::EmptyDir => "its emptyDir data is lost",
            Refusal::Unmanaged => "nothing recreates it",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub pod: PodRef,
    /// Every option it needs, in flag order.
    pub needs: Vec<Refusal>,
}

impl Refused {
    /// One line naming the pod, what it needs and what the needed options cost.
    pub fn message(&self, node: &str) -> String {
        format!(
            "pod {} on node/{node} {}; rerun with {} to evict it ({})",
            self.pod,
            join(self.needs.iter().map(|r| r.what()), " and "),
            join(self.needs.iter().map(|r| r.flag()), " "),
            join(self.needs.iter().map(|r| r.consequence()), " and "),
        )
    }
}

/// What draining a node means for the pods on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrainPlan {
    /// Pods to evict and wait for, by namespace and name. Finished pods are among them: the
    /// Eviction API deletes those without asking their budget.
    pub to_evict: Vec<PodRef>,
    pub skipped: Vec<Skipped>,
    /// Pods the options do not allow to evict. Any of them stops the drain before it starts.
    pub refused: Vec<Refused>,
}

impl DrainPlan {
    /// The one line for a drain the options do not allow, `None` when nothing is refused.
    pub fn refusal(&self, node: &str) -> Option<String> {
        match self.refused.as_slice() {
            [] => None,
            [one] => Some(format!(
                "cannot drain node/{node}: {}; nothing was evicted",
                one.message(node)
            )),
            many => {
                let mut needs: Vec<Refusal> =
                    many.iter().flat_map(|r| r.needs.iter().copied()).collect();
                needs.sort();
                needs.dedup();
                let pods = join(
                    many.iter().map(|r| {
                        let flags = join(r.needs.iter().map(|n| n.flag()), " ");
                        format!("{} ({flags})", r.pod)
                    }),
                    ", ",
                );
                Some(format!(
                    "cannot drain node/{node}: {} pods need options to be evicted: {pods}; rerun with {} to evict them ({}); nothing was evicted",
                    many.len(),
                    join(needs.iter().map(|n| n.flag()), " "),
                    join(needs.iter().map(|n| plural_consequence(*n)), "; "),
                ))
            }
        }
    }
}

fn plural_consequence(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::EmptyDir => "emptyDir data is lost",
        Refusal::Unmanaged => "pods without a controller are not recreated",
    }
}

fn join<S: AsRef<str>>(parts: impl Iterator<Item = S>, separator: &str) -> String {
    parts
        .map(|p| p.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Decides for each pod on the node, in kubectl drain's order: stuck terminating, DaemonSet,
/// mirror, emptyDir, unmanaged. Two differences: a DaemonSet's pod is skipped even when finished
/// (the rollout handles its own pod, and the DaemonSet controller removes failed ones), and a pod
/// terminating already is waited for whatever its volumes or owner (it is going anyway, nothing
/// the options guard is at stake).
pub fn plan(pods: &[Pod], options: &DrainOptions, now: i64) -> DrainPlan {
    let mut plan = DrainPlan::default();
    for pod in pods {
        let reference = PodRef::of(pod);
        if let Some(why) = skip_reason(pod, now) {
            plan.skipped.push(Skipped {
                pod: reference,
                why,
            });
            continue;
        }
        let needs = refusals(pod, options);
        if needs.is_empty() {
            plan.to_evict.push(reference);
        } else {
            plan.refused.push(Refused {
                pod: reference,
                needs,
            });
        }
    }
    plan.to_evict.sort();
    plan.skipped.sort_by(|a, b| a.pod.cmp(&b.pod));
    plan.refused.sort_by(|a, b| a.pod.cmp(&b.pod));
    plan
}

fn skip_reason(pod: &Pod, now: i64) -> Option<SkipReason> {
    if let Some(for_seconds) = past_grace(pod, now) {
        if for_seconds > SKIP_TERMINATING_AFTER_SECONDS {
            return Some(SkipReason::Terminating { for_seconds });
        }
    }
    if let Some(daemonset) = daemonset_of(pod) {
        return Some(SkipReason::DaemonSet { daemonset });
    }
    let mirror = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(MIRROR_ANNOTATION));
    mirror.then_some(SkipReason::Mirror)
}

/// Seconds since the pod's grace period ended (negative while it lasts), for a deleted pod.
fn past_grace(pod: &Pod, now: i64) -> Option<i64> {
    let deadline = pod.metadata.deletion_timestamp.as_ref()?.0.as_second();
    Some(now - deadline)
}

/// `namespace/name` of the DaemonSet controlling the pod, if one does.
fn daemonset_of(pod: &Pod) -> Option<String> {
    let (kind, name, _) = crate::daemonset::orphan::controller_of(pod)?;
    (kind == "DaemonSet").then(|| {
        format!(
            "{}/{name}",
            pod.metadata.namespace.as_deref().unwrap_or_default()
        )
    })
}

fn refusals(pod: &Pod, options: &DrainOptions) -> Vec<Refusal> {
    // A finished pod runs nothing and a terminating one is leaving: evicting either loses
    // nothing the options guard.
    if crate::daemonset::is_finished(pod) || pod.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let mut needs = Vec::new();
    let empty_dir = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|v| v.iter().any(|v| v.empty_dir.is_some()));
    if empty_dir && !options.delete_emptydir_data {
        needs.push(Refusal::EmptyDir);
    }
    let unmanaged = crate::daemonset::orphan::controller_of(pod).is_none();
    if unmanaged && !options.force {
        needs.push(Refusal::Unmanaged);
    }
    needs
}

/// Of the evicted pods, those still on the node: the same name with the same uid, unless stuck
/// terminating past [`SKIP_TERMINATING_AFTER_SECONDS`] (returned apart, to report as skipped).
/// A pod whose name now belongs to another uid was replaced, so it is gone.
pub fn still_there(evicted: &[PodRef], current: &[Pod], now: i64) -> (Vec<PodRef>, Vec<Skipped>) {
    let mut waiting = Vec::new();
    let mut stuck = Vec::new();
    for pod in evicted {
        let same = current.iter().find(|p| {
            let seen = PodRef::of(p);
            seen.namespace == pod.namespace
                && seen.name == pod.name
                && (pod.uid.is_empty() || seen.uid == pod.uid)
        });
        let Some(same) = same else { continue };
        match past_grace(same, now) {
            Some(for_seconds) if for_seconds > SKIP_TERMINATING_AFTER_SECONDS => {
                stuck.push(Skipped {
                    pod: pod.clone(),
                    why: SkipReason::Terminating { for_seconds },
                })
            }
            _ => waiting.push(pod.clone()),
        }
    }
    (waiting, stuck)
}

/// The pause before eviction attempt `attempt` + 1 after `attempt` refusals (1-based): the
/// server's Retry-After when it gave one (up to a minute), otherwise 1s doubling up to 10s.
pub fn retry_delay(attempt: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after.filter(|d| !d.is_zero()) {
        Some(suggested) => suggested.min(MAX_RETRY_AFTER),
        None => {
            let doublings = attempt.saturating_sub(1).min(8);
            (FIRST_RETRY * 2u32.pow(doublings)).min(MAX_RETRY)
        }
    }
}

/// Whether the node is marked unschedulable.
pub fn is_cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// The rollout that cordoned the node, as its annotation says.
pub fn cordoned_by(node: &Node) -> Option<&str> {
    node.metadata
        .annotations
        .as_ref()?
        .get(CORDONED_BY_ANNOTATION)
        .map(String::as_str)
}

/// Whether the node is cordoned and the cordon is `owner`'s (`namespace/daemonset`).
pub fn cordoned_by_us(node: &Node, owner: &str) -> bool {
    is_cordoned(node) && cordoned_by(node) == Some(owner)
}

/// What cordoning a node takes.
#[derive(Debug, Clone, PartialEq)]
pub enum CordonPlan {
    /// Cordoned by `owner` already (a resumed rollout): nothing to write.
    Ours,
    /// Cordoned by someone else: it is theirs, and left as it is.
    Theirs,
    /// The merge patch that cordons and marks it at once, conditional on the resourceVersion read.
    Patch(Value),
}

pub fn plan_cordon(node: &Node, owner: &str) -> CordonPlan {
    match (is_cordoned(node), cordoned_by(node) == Some(owner)) {
        (true, true) => CordonPlan::Ours,
        (true, false) => CordonPlan::Theirs,
        (false, _) => CordonPlan::Patch(json!({
            "metadata": {
                "resourceVersion": node.metadata.resource_version,
                "annotations": {CORDONED_BY_ANNOTATION: owner},
            },
            "spec": {"unschedulable": true},
        })),
    }
}

/// The merge patch that uncordons the node and removes the mark, conditional on the
/// resourceVersion read; `None` when the mark is not `owner`'s (someone else's cordon, or none).
pub fn plan_uncordon(node: &Node, owner: &str) -> Option<Value> {
    (cordoned_by(node) == Some(owner)).then(|| {
        json!({
            "metadata": {
                "resourceVersion": node.metadata.resource_version,
                "annotations": {CORDONED_BY_ANNOTATION: null},
            },
            "spec": {"unschedulable": null},
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;
    const NODE: &str = "kds-node-1";

    /// How a test pod is: its owner, volumes, phase and deletion.
    #[derive(Clone, Copy, Default)]
    struct Shape {
        controller: Option<&'static str>,
        empty_dir: bool,
        mirror: bool,
        phase: Option<&'static str>,
        /// Seconds since its grace period ended (negative: it lasts).
        past_grace: Option<i64>,
    }

    const DEPLOYED: Shape = Shape {
        controller: Some("ReplicaSet"),
        empty_dir: false,
        mirror: false,
        phase: Some("Running"),
        past_grace: None,
    };

    impl Shape {
        fn owner(self, controller: Option<&'static str>) -> Self {
            Shape { controller, ..self }
        }
        fn empty_dir(self) -> Self {
            Shape {
                empty_dir: true,
                ..self
            }
        }
        fn mirror(self) -> Self {
            Shape {
                mirror: true,
                ..self
            }
        }
        fn phase(self, phase: &'static str) -> Self {
            Shape {
                phase: Some(phase),
                ..self
            }
        }
        fn past_grace(self, seconds: i64) -> Self {
            Shape {
                past_grace: Some(seconds),
                ..self
            }
        }
    }

    fn pod(name: &str, shape: Shape) -> Pod {
        let owners: Vec<Value> = shape
            .controller
            .map(|kind| {
                json!({"apiVersion": "apps/v1", "kind": kind, "name": format!("{name}-owner"),
                       "uid": "owner-uid", "controller": true})
            })
            .into_iter()
            .collect();
        let volumes: Vec<Value> = match shape.empty_dir {
            true => vec![json!({"name": "scratch", "emptyDir": {}})],
            false => vec![json!({"name": "config", "configMap": {"name": "c"}})],
        };
        let annotations = match shape.mirror {
            true => json!({MIRROR_ANNOTATION: "abc"}),
            false => json!({}),
        };
        serde_json::from_value(json!({
            "metadata": {
                "name": name, "namespace": "apps", "uid": format!("{name}-uid"),
                "ownerReferences": owners, "annotations": annotations,
                "deletionTimestamp": shape.past_grace.map(|s| crate::clock::rfc3339(NOW - s)),
            },
            "spec": {"nodeName": NODE, "containers": [], "volumes": volumes},
            "status": {"phase": shape.phase},
        }))
        .unwrap()
    }

    fn options(delete_emptydir_data: bool, force: bool) -> DrainOptions {
        DrainOptions {
            delete_emptydir_data,
            force,
            ..DrainOptions::default()
        }
    }

    /// Where one pod lands: "evict", "skip: <why>" or "refuse: <flags>".
    fn verdict(pod: &Pod, options: &DrainOptions) -> String {
        let plan = plan(std::slice::from_ref(pod), options, NOW);
        match (&plan.to_evict[..], &plan.skipped[..], &plan.refused[..]) {
            ([_], [], []) => "evict".to_string(),
            ([], [skipped], []) => format!("skip: {}", skipped.why.describe()),
            ([], [], [refused]) => format!(
                "refuse: {}",
                join(refused.needs.iter().map(|n| n.flag()), " ")
            ),
            _ => panic!("one pod, one verdict: {plan:?}"),
        }
    }

    #[test]
    fn daemonset_mirror_and_stuck_pods_are_skipped_whatever_the_options() {
        const LIMIT: i64 = SKIP_TERMINATING_AFTER_SECONDS;
        let cases = [
            (
                "a DaemonSet's pod",
                DEPLOYED.owner(Some("DaemonSet")),
                "skip: managed by daemonset apps/p-owner",
            ),
            (
                "a DaemonSet's finished pod stays the rollout's",
                DEPLOYED.owner(Some("DaemonSet")).phase("Failed"),
                "skip: managed by daemonset apps/p-owner",
            ),
            (
                "a mirror pod",
                DEPLOYED.owner(Some("Node")).mirror(),
                "skip: a mirror pod (static pod of the kubelet)",
            ),
            (
                "terminating within its grace period",
                DEPLOYED.past_grace(-20),
                "evict",
            ),
            (
                "terminating just at the limit",
                DEPLOYED.past_grace(LIMIT),
                "evict",
            ),
            (
                "stuck terminating",
                DEPLOYED.past_grace(LIMIT + 1),
                "skip: terminating, 61s past its grace period (longer than 60s)",
            ),
        ];
        for (what, shape, want) in cases {
            for options in [options(false, false), options(true, true)] {
                assert_eq!(
                    verdict(&pod("p", shape), &options),
                    want,
                    "{what} {options:?}"
                );
            }
        }
    }

    #[test]
    fn emptydir_and_unmanaged_pods_are_refused_without_their_options() {
        let unmanaged = DEPLOYED.owner(None);
        let cases = [
            ("a Deployment's pod", DEPLOYED, (false, false), "evict"),
            (
                "emptyDir",
                DEPLOYED.empty_dir(),
                (false, false),
                "refuse: --delete-emptydir-data",
            ),
            (
                "emptyDir allowed",
                DEPLOYED.empty_dir(),
                (true, false),
                "evict",
            ),
            ("unmanaged", unmanaged, (false, false), "refuse: --force"),
            ("unmanaged allowed", unmanaged, (false, true), "evict"),
            (
                "both",
                unmanaged.empty_dir(),
                (false, false),
                "refuse: --delete-emptydir-data --force",
            ),
            (
                "both, one allowed",
                unmanaged.empty_dir(),
                (true, false),
                "refuse: --force",
            ),
            ("both allowed", unmanaged.empty_dir(), (true, true), "evict"),
            (
                "finished",
                unmanaged.empty_dir().phase("Succeeded"),
                (false, false),
                "evict",
            ),
            (
                "failed",
                unmanaged.empty_dir().phase("Failed"),
                (false, false),
                "evict",
            ),
            (
                "terminating already",
                unmanaged.empty_dir().past_grace(-20),
                (false, false),
                "evict",
            ),
        ];
        for (what, shape, (emptydir, force), want) in cases {
            let options = options(emptydir, force);
            assert_eq!(verdict(&pod("p", shape), &options), want, "{what}");
        }
    }

    #[test]
    fn the_plan_is_sorted_and_keeps_every_pod() {
        let pods = [
            pod("web-b", DEPLOYED),
            pod("ds", DEPLOYED.owner(Some("DaemonSet"))),
            pod("web-a", DEPLOYED),
            pod("scratch", DEPLOYED.empty_dir()),
        ];
        let plan = plan(&pods, &DrainOptions::default(), NOW);
        let names = |refs: Vec<&PodRef>| refs.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(plan.to_evict.iter().collect()),
            ["apps/web-a", "apps/web-b"]
        );
        assert_eq!(
            names(plan.skipped.iter().map(|s| &s.pod).collect()),
            ["apps/ds"]
        );
        assert_eq!(
            names(plan.refused.iter().map(|r| &r.pod).collect()),
            ["apps/scratch"]
        );
        assert_eq!(plan.to_evict[0].uid, "web-a-uid");
    }

    #[test]
    fn refusals_name_the_pods_and_the_options_that_allow_them() {
        let one = plan(
            &[pod("x", DEPLOYED.empty_dir())],
            &DrainOptions::default(),
            NOW,
        );
        assert_eq!(
            one.refused[0].message(NODE),
            "pod apps/x on node/kds-node-1 uses emptyDir volumes; rerun with --delete-emptydir-data to evict it (its emptyDir data is lost)"
        );
        assert_eq!(
            one.refusal(NODE).unwrap(),
            "cannot drain node/kds-node-1: pod apps/x on node/kds-node-1 uses emptyDir volumes; rerun with --delete-emptydir-data to evict it (its emptyDir data is lost); nothing was evicted"
        );
        let bare = plan(
            &[pod("y", DEPLOYED.owner(None))],
            &DrainOptions::default(),
            NOW,
        );
        assert_eq!(
            bare.refused[0].message(NODE),
            "pod apps/y on node/kds-node-1 declares no controller; rerun with --force to evict it (nothing recreates it)"
        );
        let many = plan(
            &[
                pod("y", DEPLOYED.owner(None)),
                pod("x", DEPLOYED.empty_dir()),
                pod("z", DEPLOYED.empty_dir()),
            ],
            &DrainOptions::default(),
            NOW,
        );
        assert_eq!(
            many.refusal(NODE).unwrap(),
            "cannot drain node/kds-node-1: 3 pods need options to be evicted: apps/x (--delete-emptydir-data), apps/y (--force), apps/z (--delete-emptydir-data); rerun with --delete-emptydir-data --force to evict them (emptyDir data is lost; pods without a controller are not recreated); nothing was evicted"
        );
        assert_eq!(
            plan(&[pod("w", DEPLOYED)], &DrainOptions::default(), NOW).refusal(NODE),
            None
        );
    }

    #[test]
    fn evicted_pods_are_gone_when_deleted_replaced_or_stuck() {
        let evicted: Vec<PodRef> = ["gone", "replaced", "leaving", "stuck", "running"]
            .iter()
            .map(|n| PodRef::of(&pod(n, DEPLOYED)))
            .collect();
        let mut replaced = pod("replaced", DEPLOYED);
        replaced.metadata.uid = Some("new-uid".into());
        let current = [
            replaced,
            pod("leaving", DEPLOYED.past_grace(-10)),
            pod(
                "stuck",
                DEPLOYED.past_grace(SKIP_TERMINATING_AFTER_SECONDS + 5),
            ),
            pod("running", DEPLOYED),
        ];
        let (waiting, stuck) = still_there(&evicted, &current, NOW);
        let names: Vec<String> = waiting.iter().map(PodRef::to_string).collect();
        assert_eq!(names, ["apps/leaving", "apps/running"]);
        assert_eq!(stuck.len(), 1);
        assert_eq!(stuck[0].pod.name, "stuck");
        assert_eq!(stuck[0].why, SkipReason::Terminating { for_seconds: 65 });
    }

    #[test]
    fn refused_evictions_are_retried_after_the_servers_pause_or_a_doubling_one() {
        let secs = Duration::from_secs;
        let cases = [
            (1, None, secs(1)),
            (2, None, secs(2)),
            (3, None, secs(4)),
            (4, None, secs(8)),
            (5, None, secs(10)),
            (50, None, secs(10)),
            (0, None, secs(1)),
            (1, Some(secs(0)), secs(1)),
            (1, Some(secs(10)), secs(10)),
            (7, Some(secs(3)), secs(3)),
            (1, Some(secs(3600)), secs(60)),
        ];
        for (attempt, retry_after, want) in cases {
            assert_eq!(
                retry_delay(attempt, retry_after),
                want,
                "{attempt} {retry_after:?}"
            );
        }
    }

    fn node(unschedulable: Option<bool>, cordoned_by: Option<&str>) -> Node {
        let annotations = match cordoned_by {
            Some(owner) => json!({CORDONED_BY_ANNOTATION: owner, "other": "kept"}),
            None => json!({"other": "kept"}),
        };
        serde_json::from_value(json!({
            "metadata": {"name": NODE, "resourceVersion": "42", "annotations": annotations},
            "spec": {"unschedulable": unschedulable},
        }))
        .unwrap()
    }

    #[test]
    fn a_node_is_cordoned_by_us_only_with_our_mark_and_only_ours_is_uncordoned() {
        let ours = "ops/agent";
        let cordon = json!({
            "metadata": {"resourceVersion": "42", "annotations": {CORDONED_BY_ANNOTATION: ours}},
            "spec": {"unschedulable": true},
        });
        let uncordon = json!({
            "metadata": {"resourceVersion": "42", "annotations": {CORDONED_BY_ANNOTATION: null}},
            "spec": {"unschedulable": null},
        });
        let cases = [
            (
                "schedulable",
                node(None, None),
                false,
                CordonPlan::Patch(cordon.clone()),
                None,
            ),
            (
                "uncordoned",
                node(Some(false), None),
                false,
                CordonPlan::Patch(cordon.clone()),
                None,
            ),
            (
                "cordoned by an admin",
                node(Some(true), None),
                false,
                CordonPlan::Theirs,
                None,
            ),
            (
                "cordoned by another rollout",
                node(Some(true), Some("ops/other")),
                false,
                CordonPlan::Theirs,
                None,
            ),
            (
                "cordoned by us",
                node(Some(true), Some(ours)),
                true,
                CordonPlan::Ours,
                Some(uncordon.clone()),
            ),
            (
                "our mark, uncordoned by someone meanwhile",
                node(Some(false), Some(ours)),
                false,
                CordonPlan::Patch(cordon.clone()),
                Some(uncordon.clone()),
            ),
            (
                "a stale mark of another rollout",
                node(None, Some("ops/other")),
                false,
                CordonPlan::Patch(cordon.clone()),
                None,
            ),
        ];
        for (what, node, by_us, cordon, uncordon) in cases {
            assert_eq!(cordoned_by_us(&node, ours), by_us, "{what}");
            assert_eq!(plan_cordon(&node, ours), cordon, "{what}");
            assert_eq!(plan_uncordon(&node, ours), uncordon, "{what}");
        }
    }

    #[test]
    fn options_default_when_a_record_lacks_them() {
        let read: DrainOptions = serde_json::from_value(json!({"force": true})).unwrap();
        assert_eq!(
            read,
            DrainOptions {
                force: true,
                ..DrainOptions::default()
            }
        );
        assert_eq!(
            serde_json::to_value(DrainOptions::default()).unwrap(),
            json!({"timeoutSeconds": 300, "deleteEmptydirData": false, "force": false})
        );
        assert_eq!(DrainOptions::default().deadline(NOW), Some(NOW + 300));
        let unlimited = DrainOptions {
            timeout_seconds: 0,
            ..DrainOptions::default()
        };
        assert_eq!(unlimited.deadline(NOW), None);
    }
}
