//! How the rollout state is written into its annotation, and whether it fits there.
//!
//! The API server refuses an object whose annotations, keys and values together, exceed 256 KiB
//! (`TotalAnnotationSizeLimitB` and `ValidateAnnotationsSize` in k8s.io/apimachinery's
//! pkg/api/validation/objectmeta.go). A state as plain JSON names every node in every wave and
//! again in `deletedAt` (and `deferred`, `cordoned`): past a few thousand nodes it no longer fits.
//! So a small state is written as plain JSON, readable with `kubectl get -o yaml`, and a large one
//! in the compact form: `v2:gz:` and the base64 of a gzipped JSON that names every node once, in a
//! sorted table, and refers to nodes by their place in it. Read it with
//! `cut -c7- | base64 -d | gunzip`. Both forms are read, so a rollout recorded by an earlier
//! version resumes, and is written in the compact form from then on when large.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use k8s_openapi::api::apps::v1::DaemonSet;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::state::{Deferral, GateRun, RolloutState, STATE_ANNOTATION};
use super::waves::Wave;

/// The most bytes all annotations of one object may take, keys and values together.
pub const ANNOTATIONS_LIMIT: usize = 256 * 1024;

/// A state whose plain JSON is at most this long is written as plain JSON.
const PLAIN_MAX: usize = 16 * 1024;

/// What starts the compact form.
const COMPACT_PREFIX: &str = "v2:gz:";

/// The compact form inflates to at most this much: more is not a state this version wrote.
const INFLATED_MAX: u64 = 64 << 20;

/// Room kept for annotations written during the rollout besides the state: the lock renewed,
/// the strategy `rollout pause` records.
const RESERVE: usize = 1024;

/// The fields of the plain form that the compact form writes by node index.
const BY_INDEX: [&str; 4] = ["waves", "deletedAt", "deferred", "cordoned"];

/// The compact form before gzip.
#[derive(Debug, Serialize, Deserialize)]
struct Compact {
    /// Every node the state names, sorted, each once; the rest refers to them by index.
    nodes: Table,
    waves: Vec<CompactWave>,
    /// `deletedAt` along the waves' nodes in order (a wave's nodes are deleted close together):
    /// seconds after the value before, or null for a node without one.
    #[serde(default)]
    deleted: Vec<Option<i64>>,
    /// `deletedAt` of nodes in no wave, by index.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    deleted_off_plan: BTreeMap<usize, i64>,
    #[serde(default)]
    deferred: Deferred,
    /// Indexes as steps from the one before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cordoned: Vec<i64>,
    /// Every other field as the plain form writes it, fields of newer versions too.
    rest: Map<String, Value>,
}

/// Names front-coded: each begins with `shared` bytes of the name before, is `lengths` bytes
/// long, and its other bytes follow those of the names before in `tails`.
/// Sorted names of one pool share most of their characters, which then cost a small number.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Table {
    shared: Vec<usize>,
    lengths: Vec<usize>,
    tails: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct CompactWave {
    canary: bool,
    /// Indexes as steps from the one before: runs of 1 where the wave goes by name.
    nodes: Vec<i64>,
}

/// `deferred` by column, which compresses better than by node.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Deferred {
    /// Indexes as steps from the one before.
    nodes: Vec<i64>,
    since: Vec<i64>,
    reason: Vec<String>,
}

/// The annotation's text for `state`: plain JSON while small, else the compact form.
pub fn encode(state: &RolloutState) -> String {
    let mut plain = Limited(Vec::new());
    if serde_json::to_writer(&mut plain, state).is_ok() {
        return String::from_utf8(plain.0).expect("serde_json writes UTF-8");
    }
    let compact =
        serde_json::to_vec(&compact(state)).expect("a compact state serializes: string keys only");
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&compact)
        .expect("gzip into memory does not fail");
    let bytes = gz.finish().expect("gzip into memory does not fail");
    format!("{COMPACT_PREFIX}{}", STANDARD.encode(bytes))
}

/// A writer that refuses to grow past [`PLAIN_MAX`]: a large state is not written out plain
/// only to learn that it is large.
struct Limited(Vec<u8>);

impl Write for Limited {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + bytes.len() > PLAIN_MAX {
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The state in an annotation's text, in either form; `Err` says what is wrong with it.
pub fn decode(text: &str) -> Result<RolloutState, String> {
    if let Some(body) = text.strip_prefix(COMPACT_PREFIX) {
        let bytes = STANDARD
            .decode(body.trim())
            .map_err(|e| format!("compact form: not base64: {e}"))?;
        let mut json = Vec::new();
        GzDecoder::new(bytes.as_slice())
            .take(INFLATED_MAX + 1)
            .read_to_end(&mut json)
            .map_err(|e| format!("compact form: not gzip: {e}"))?;
        if json.len() as u64 > INFLATED_MAX {
            return Err(format!(
                "compact form: inflates to over {INFLATED_MAX} bytes"
            ));
        }
        let compact: Compact =
            serde_json::from_slice(&json).map_err(|e| format!("compact form: {e}"))?;
        return expand(compact).map_err(|e| format!("compact form: {e}"));
    }
    if let Some(form) = newer_form(text) {
        return Err(format!(
            "it is in the form {form} of a newer kubectl-ds; upgrade kubectl-ds to read it"
        ));
    }
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// `v3` for a text that starts `v3:`: a form a later version may write.
fn newer_form(text: &str) -> Option<&str> {
    let (form, _) = text.split_once(':')?;
    let digits = form.strip_prefix('v')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(form)
}

fn compact(state: &RolloutState) -> Compact {
    let nodes: Vec<String> = names(state).into_iter().cloned().collect();
    let index = |name: &String| nodes.binary_search(name).unwrap_or_default();
    let waves = state
        .waves
        .iter()
        .map(|w| CompactWave {
            canary: w.canary,
            nodes: steps(w.nodes.iter().map(index)),
        })
        .collect();
    let (deleted, deleted_off_plan) = deletions(state, index);
    let deferred = Deferred {
        nodes: steps(state.deferred.keys().map(index)),
        since: state.deferred.values().map(|d| d.since).collect(),
        reason: state.deferred.values().map(|d| d.reason.clone()).collect(),
    };
    let bare = RolloutState {
        waves: Vec::new(),
        deleted_at: BTreeMap::new(),
        deferred: BTreeMap::new(),
        cordoned: BTreeSet::new(),
        ..state.clone()
    };
    let mut rest = match serde_json::to_value(bare) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for field in BY_INDEX {
        rest.remove(field);
    }
    Compact {
        waves,
        deleted,
        deleted_off_plan,
        deferred,
        cordoned: steps(state.cordoned.iter().map(index)),
        rest,
        nodes: front_coded(&nodes),
    }
}

/// `deletedAt` along the waves (a node in two waves at its first place), and of nodes in none.
fn deletions(
    state: &RolloutState,
    index: impl Fn(&String) -> usize,
) -> (Vec<Option<i64>>, BTreeMap<usize, i64>) {
    let mut seen = BTreeSet::new();
    let mut last = 0i64;
    let mut deleted = Vec::new();
    for node in state.waves.iter().flat_map(|w| w.nodes.iter()) {
        let at = state.deleted_at.get(node).filter(|_| seen.insert(node));
        deleted.push(at.map(|at| at.wrapping_sub(std::mem::replace(&mut last, *at))));
    }
    let off_plan = state
        .deleted_at
        .iter()
        .filter(|(node, _)| !seen.contains(node))
        .map(|(node, at)| (index(node), *at))
        .collect();
    (deleted, off_plan)
}

/// Every node the state names.
fn names(state: &RolloutState) -> BTreeSet<&String> {
    state
        .waves
        .iter()
        .flat_map(|w| w.nodes.iter())
        .chain(state.deleted_at.keys())
        .chain(state.deferred.keys())
        .chain(state.cordoned.iter())
        .collect()
}

fn front_coded(names: &[String]) -> Table {
    let mut table = Table::default();
    let mut before: &str = "";
    for name in names {
        let mut shared = name
            .bytes()
            .zip(before.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !name.is_char_boundary(shared) {
            shared -= 1;
        }
        table.shared.push(shared);
        table.lengths.push(name.len());
        table.tails.push_str(&name[shared..]);
        before = name;
    }
    table
}

fn names_of(table: &Table) -> Result<Vec<String>, String> {
    if table.shared.len() != table.lengths.len() {
        return Err(format!(
            "{} shared prefixes for {} node names",
            table.shared.len(),
            table.lengths.len()
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(table.lengths.len());
    let mut at = 0usize;
    for (shared, length) in table.shared.iter().zip(&table.lengths) {
        let before = names.last().map(String::as_str).unwrap_or_default();
        let (Some(start), Some(own)) = (before.get(..*shared), length.checked_sub(*shared)) else {
            return Err(format!(
                "node {} shares {shared} bytes of a name it cannot",
                names.len()
            ));
        };
        let Some(tail) = at.checked_add(own).and_then(|end| table.tails.get(at..end)) else {
            return Err("the node names end early or mid-character".into());
        };
        names.push(format!("{start}{tail}"));
        at += own;
    }
    if at != table.tails.len() {
        return Err("bytes are left over after the node names".into());
    }
    Ok(names)
}

/// Indexes as steps from the one before (the first from -1).
fn steps(indexes: impl Iterator<Item = usize>) -> Vec<i64> {
    let mut last = -1i64;
    indexes
        .map(|i| {
            let i = i64::try_from(i).unwrap_or(i64::MAX);
            i - std::mem::replace(&mut last, i)
        })
        .collect()
}

/// The names at the indexes that `steps` gave.
fn unstep(steps: &[i64], nodes: &[String]) -> Result<Vec<String>, String> {
    let mut at = -1i64;
    steps
        .iter()
        .map(|step| {
            at = at.saturating_add(*step);
            node_at(nodes, at)
        })
        .collect()
}

fn node_at(nodes: &[String], index: i64) -> Result<String, String> {
    usize::try_from(index)
        .ok()
        .and_then(|i| nodes.get(i))
        .cloned()
        .ok_or_else(|| format!("node index {index} is not in its table of {}", nodes.len()))
}

fn expand(compact: Compact) -> Result<RolloutState, String> {
    let nodes = names_of(&compact.nodes)?;
    let waves = compact
        .waves
        .iter()
        .map(|w| {
            Ok(Wave {
                canary: w.canary,
                nodes: unstep(&w.nodes, &nodes)?,
            })
        })
        .collect::<Result<Vec<Wave>, String>>()?;
    let deleted_at = deleted_at(&compact, &waves, &nodes)?;
    let deferred = deferred(&compact.deferred, &nodes)?;
    let cordoned: BTreeSet<String> = unstep(&compact.cordoned, &nodes)?.into_iter().collect();
    let mut rest = compact.rest;
    for field in BY_INDEX {
        rest.remove(field);
    }
    rest.insert("waves".into(), Value::Array(Vec::new()));
    let bare: RolloutState =
        serde_json::from_value(Value::Object(rest)).map_err(|e| e.to_string())?;
    Ok(RolloutState {
        waves,
        deleted_at,
        deferred,
        cordoned,
        ..bare
    })
}

fn deleted_at(
    compact: &Compact,
    waves: &[Wave],
    nodes: &[String],
) -> Result<BTreeMap<String, i64>, String> {
    let planned: Vec<&String> = waves.iter().flat_map(|w| w.nodes.iter()).collect();
    if compact.deleted.len() != planned.len() {
        return Err(format!(
            "{} deletion times for {} nodes in waves",
            compact.deleted.len(),
            planned.len()
        ));
    }
    let mut deleted_at = BTreeMap::new();
    let mut last = 0i64;
    for (node, step) in planned.into_iter().zip(&compact.deleted) {
        if let Some(step) = step {
            last = last.wrapping_add(*step);
            deleted_at.insert(node.clone(), last);
        }
    }
    for (index, at) in &compact.deleted_off_plan {
        let index = i64::try_from(*index).unwrap_or(i64::MAX);
        deleted_at.insert(node_at(nodes, index)?, *at);
    }
    Ok(deleted_at)
}

fn deferred(deferred: &Deferred, nodes: &[String]) -> Result<BTreeMap<String, Deferral>, String> {
    let names = unstep(&deferred.nodes, nodes)?;
    if deferred.since.len() != names.len() || deferred.reason.len() != names.len() {
        return Err(format!(
            "{} deferred nodes with {} times and {} reasons",
            names.len(),
            deferred.since.len(),
            deferred.reason.len()
        ));
    }
    Ok(names
        .into_iter()
        .zip(deferred.since.iter().zip(&deferred.reason))
        .map(|(node, (since, reason))| {
            let reason = reason.clone();
            (
                node,
                Deferral {
                    since: *since,
                    reason,
                },
            )
        })
        .collect())
}

/// Bytes the API server counts for these annotations: every key and every value.
pub fn annotations_size<'a>(
    annotations: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> usize {
    annotations
        .into_iter()
        .map(|(k, v)| k.len() + v.len())
        .sum()
}

/// `Err` (one line: what would not fit and what to do) when the rollout `state` of `ds`, at its
/// fullest ([`fullest`]), and the DaemonSet's other annotations would exceed the API server's
/// limit, so that a rollout that could not record its state is refused before it deletes a pod.
pub fn check_budget(state: &RolloutState, ds: &DaemonSet) -> Result<(), String> {
    let empty = BTreeMap::new();
    let annotations = ds.metadata.annotations.as_ref().unwrap_or(&empty);
    let others = annotations.iter().filter(|(k, _)| *k != STATE_ANNOTATION);
    let others_size = annotations_size(others.clone());
    let state_size = STATE_ANNOTATION.len() + encode(&fullest(state)).len();
    if others_size + state_size + RESERVE <= ANNOTATIONS_LIMIT {
        return Ok(());
    }
    let nodes = state.waves.iter().map(|w| w.nodes.len()).sum::<usize>();
    let largest = others
        .max_by_key(|(k, v)| k.len() + v.len())
        .map(|(k, v)| format!(" (the largest, {k}, takes {})", k.len() + v.len()))
        .unwrap_or_default();
    let (namespace, name) = (
        ds.metadata.namespace.as_deref().unwrap_or_default(),
        ds.metadata.name.as_deref().unwrap_or_default(),
    );
    Err(format!(
        "the rollout state of daemonset {namespace}/{name} over {nodes} nodes would take up to {state_size} bytes of annotations and its other annotations take {others_size}{largest}, over the API server's limit of {ANNOTATIONS_LIMIT} bytes for all annotations together: roll it out with --mode rolling, or shrink the other annotations (kubectl apply --server-side keeps no last-applied-configuration)"
    ))
}

/// The state as large as this rollout can make it: every node of the waves deleted (a minute
/// apart at most), every one cordoned when draining, a tenth of them deferred, every wave's gate
/// run, and a failure naming every node of the largest wave.
pub fn fullest(state: &RolloutState) -> RolloutState {
    let mut full = state.clone();
    let planned: Vec<&String> = state.waves.iter().flat_map(|w| w.nodes.iter()).collect();
    let mut at = state
        .deleted_at
        .values()
        .max()
        .copied()
        .unwrap_or(2_000_000_000);
    for (i, node) in planned.iter().enumerate() {
        at = at.saturating_add(jitter(i, 60));
        full.deleted_at.entry((*node).clone()).or_insert(at);
        if i % 10 == 0 {
            full.deferred
                .entry((*node).clone())
                .or_insert_with(|| Deferral {
                    since: at.saturating_sub(jitter(i, 86_400)),
                    reason: "NotReady (KubeletNotReady)".into(),
                });
        }
        if state.nodes.drain.is_some() {
            full.cordoned.insert((*node).clone());
        }
    }
    if state.analysis.is_some() {
        for wave in 0..state.waves.len() {
            full.gates.entry(wave).or_insert_with(|| {
                let mut run = GateRun::started(at);
                run.finish(at.saturating_add(600), None);
                run
            });
        }
    }
    if full.failure.is_none() {
        full.failure = state
            .waves
            .iter()
            .max_by_key(|w| w.nodes.len())
            .map(|w| failure_naming(&w.nodes));
    }
    full
}

/// A failure as the engine records it, for every one of `nodes`.
fn failure_naming(nodes: &[String]) -> String {
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            format!(
                "{node}: pod daemonset-{:05x}: new pod not available within 600s: CrashLoopBackOff",
                jitter(i, 0xfffff)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A number below `below` that looks random but is the same for the same `i`.
fn jitter(i: usize, below: i64) -> i64 {
    let mixed = (i as u64 ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    ((mixed >> 33) % below.max(1) as u64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemonset::budget::Budget;
    use crate::rollout::analysis::Analysis;
    use crate::rollout::node_policy::{Drain, NodePolicy};
    use crate::rollout::state::Phase;
    use crate::rollout::waves::{plan_waves, Canary, NodeInfo, NodeOrder, WaveOptions};
    use serde_json::json;

    /// What the compact form is measured against: the limit less room for the other annotations
    /// (kubectl's last-applied-configuration of a DaemonSet manifest, the lock, the strategy).
    const HEADROOM_BUDGET: usize = 200 * 1024;

    /// A tiny deterministic generator: the same names on every run, no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % below
        }

        fn chars(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len)
                .map(|_| alphabet[self.next(alphabet.len() as u64) as usize] as char)
                .collect()
        }
    }

    const HEX: &[u8] = b"0123456789abcdef";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

    /// Cloud-style names of exactly 63 characters: a pool prefix shared by every node, then a
    /// per-node instance hash and suffix, as GKE names nodes.
    fn realistic_names(count: usize) -> Vec<String> {
        let mut lcg = Lcg(42);
        let prefix = "gke-production-europe-west4-batch-cluster-gp-pool-";
        let names: BTreeSet<String> = std::iter::repeat_with(|| {
            format!("{prefix}{}-{}", lcg.chars(HEX, 8), lcg.chars(ALNUM, 4))
        })
        .take(count)
        .collect();
        assert!(names.iter().all(|n| n.len() == 63));
        names.into_iter().collect()
    }

    /// Names of 63 characters with nothing in common: the worst case for the compression.
    fn random_names(count: usize) -> Vec<String> {
        let mut lcg = Lcg(7);
        let names: BTreeSet<String> = std::iter::repeat_with(|| lcg.chars(ALNUM, 63))
            .take(count)
            .collect();
        names.into_iter().collect()
    }

    /// A rollout over `names` as the engine plans it by default: a canary of 1%, then waves of
    /// 10%, by name, with an analysis gate, draining and auto-rollback.
    fn planned(names: &[String]) -> RolloutState {
        planned_by(names, NodeOrder::Name, &BTreeMap::new())
    }

    const ZONE: &str = "topology.kubernetes.io/zone";

    fn planned_by(
        names: &[String],
        order: NodeOrder,
        zones: &BTreeMap<String, String>,
    ) -> RolloutState {
        let infos: Vec<NodeInfo> = names
            .iter()
            .map(|name| NodeInfo {
                name: name.clone(),
                labels: zones
                    .get(name)
                    .map(|zone| BTreeMap::from([(ZONE.to_string(), zone.clone())]))
                    .unwrap_or_default(),
            })
            .collect();
        let options = WaveOptions {
            canary: Canary::Percent(1),
            max_unavailable: Budget::Percent(10),
            order,
        };
        let waves = plan_waves(&infos, names.len(), &options).unwrap();
        RolloutState {
            target_hash: "6d9f7c8b5".into(),
            waves,
            max_unavailable: names.len().div_ceil(10),
            min_ready_seconds: 10,
            progress_deadline_seconds: 600,
            pause_after_canary: true,
            phase: Phase::Running,
            failure: None,
            deleted_at: BTreeMap::new(),
            previous_hash: Some("5c8d6f7a4".into()),
            auto_rollback: true,
            rollback_of: None,
            wave_interval_seconds: 300,
            analysis: Some(Analysis::default()),
            gates: BTreeMap::new(),
            nodes: NodePolicy {
                drain: Some(Drain::default()),
                ..NodePolicy::default()
            },
            deferred: BTreeMap::new(),
            cordoned: BTreeSet::new(),
            prepulled: BTreeSet::new(),
            waves_overlap: false,
            unknown: Map::new(),
        }
    }

    /// The waves in a random order: no runs for the compression to find.
    fn shuffled(mut state: RolloutState) -> RolloutState {
        let mut lcg = Lcg(3);
        let mut all: Vec<String> = state.waves.iter().flat_map(|w| w.nodes.clone()).collect();
        for i in (1..all.len()).rev() {
            all.swap(i, lcg.next(i as u64 + 1) as usize);
        }
        let mut rest = all.into_iter();
        for wave in &mut state.waves {
            wave.nodes = rest.by_ref().take(wave.nodes.len()).collect();
        }
        state
    }

    /// The same state with times as random as a rollout could leave them: a day apart at most.
    fn random_times(mut state: RolloutState) -> RolloutState {
        let mut lcg = Lcg(11);
        for at in state.deleted_at.values_mut() {
            *at = 1_767_225_600 + lcg.next(86_400) as i64;
        }
        state
    }

    fn round_trips(state: &RolloutState) -> String {
        let text = encode(state);
        assert_eq!(
            decode(&text).as_ref(),
            Ok(state),
            "{}",
            &text[..text.len().min(200)]
        );
        text
    }

    #[test]
    fn states_round_trip_in_the_form_their_size_calls_for() {
        let names = realistic_names(2_000);
        let small = planned(&names[..4]);
        let mut busy = planned(&names);
        busy.deleted_at = names[..900]
            .iter()
            .map(|n| (n.clone(), 1_767_225_600))
            .collect();
        // Deleted again when it recovered, after nodes of later waves: a step back in time.
        busy.deleted_at.insert(names[3].clone(), 1_767_300_000);
        busy.deleted_at
            .insert("gone-from-the-plan".into(), 1_767_000_000);
        // Edited by hand to the extremes: still read back as written.
        busy.deleted_at.insert(names[7].clone(), i64::MAX);
        busy.deleted_at.insert(names[8].clone(), i64::MIN);
        busy.deferred.insert(
            names[5].clone(),
            Deferral {
                since: 1_767_225_000,
                reason: "unreachable".into(),
            },
        );
        busy.deferred.insert(
            "deferred-off-plan".into(),
            Deferral {
                since: 1,
                reason: "NotReady (KubeletNotReady)".into(),
            },
        );
        busy.cordoned = names[200..400].iter().cloned().collect();
        busy.cordoned.insert("cordoned-off-plan".into());
        busy.gates.insert(0, GateRun::started(1_767_225_700));
        busy.prepulled.insert(1);
        busy.failure = Some("n1: CrashLoopBackOff".into());
        busy.unknown
            .insert("surgeNodes".into(), json!(["n9", {"deep": [1, 2]}]));
        let mut twice = planned(&names[..600]);
        // A node in two waves (an edited record): both places come back.
        twice.waves[2].nodes.push(names[0].clone());
        twice.deleted_at.insert(names[0].clone(), 5);
        let mut small_unknown = small.clone();
        small_unknown
            .unknown
            .insert("surgeNodes".into(), json!(["n9"]));
        let cases = [
            ("small", small, false),
            ("small with unknown fields", small_unknown, false),
            ("busy", busy.clone(), true),
            ("busy, shuffled", shuffled(busy.clone()), true),
            ("busy at its fullest", fullest(&busy), true),
            ("a node in two waves", twice, true),
            ("fullest", fullest(&planned(&names)), true),
            ("empty waves", planned(&[]), false),
        ];
        for (name, state, compact) in cases {
            let text = round_trips(&state);
            assert_eq!(text.starts_with(COMPACT_PREFIX), compact, "{name}");
            assert_eq!(text.starts_with('{'), !compact, "{name}");
        }
    }

    #[test]
    fn every_reader_of_the_daemonset_reads_the_compact_form() {
        let state = fullest(&planned(&realistic_names(1_000)));
        let mut ds = daemonset(&[]);
        ds.metadata.annotations = Some(BTreeMap::from([(
            STATE_ANNOTATION.to_string(),
            state.to_annotation(),
        )]));
        assert!(state.to_annotation().starts_with(COMPACT_PREFIX));
        assert_eq!(RolloutState::recorded(&ds), Ok(Some(state)));
        ds.metadata.annotations = Some(BTreeMap::from([(
            STATE_ANNOTATION.to_string(),
            format!("{COMPACT_PREFIX}AAAA"),
        )]));
        let message = RolloutState::recorded(&ds).unwrap_err().to_string();
        assert!(
            message.starts_with("the annotation rollout.kubectl-ds.io/state of daemonset ops/agent does not hold a rollout state this version of kubectl-ds can read (compact form: not gzip: "),
            "{message}"
        );
    }

    #[test]
    fn a_plain_state_of_an_earlier_version_reads_and_is_rewritten_compact_when_large() {
        let text = r#"{"targetHash":"6d9f7c8b5","waves":[{"canary":true,"nodes":["n1"]},{"canary":false,"nodes":["n2","n3"]}],"maxUnavailable":1,"minReadySeconds":0,"progressDeadlineSeconds":600,"pauseAfterCanary":true,"phase":"pausedAfterCanary","deletedAt":{"n1":1767225600},"previousHash":"5c8d6f7a4","autoRollback":false,"waveIntervalSeconds":0,"surgeNodes":["n9"]}"#;
        let state = decode(text).unwrap();
        assert_eq!(state.phase, Phase::PausedAfterCanary);
        assert_eq!(state.deleted_at["n1"], 1_767_225_600);
        assert_eq!(state.unknown["surgeNodes"], json!(["n9"]));
        // A large rollout an earlier version recorded as plain JSON: read, written compact.
        let large = fullest(&planned(&realistic_names(3_000)));
        let plain = serde_json::to_string(&large).unwrap();
        assert!(plain.len() > 300_000, "{}", plain.len());
        assert_eq!(decode(&plain).as_ref(), Ok(&large));
        let rewritten = encode(&decode(&plain).unwrap());
        assert!(rewritten.starts_with(COMPACT_PREFIX));
        assert!(rewritten.len() * 5 < plain.len(), "{}", rewritten.len());
    }

    #[test]
    fn a_damaged_or_newer_record_is_an_error_not_a_panic() {
        let gz = |json: &Value| {
            let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
            gz.write_all(json.to_string().as_bytes()).unwrap();
            format!("{COMPACT_PREFIX}{}", STANDARD.encode(gz.finish().unwrap()))
        };
        let rest = json!({"targetHash": "a", "maxUnavailable": 1, "minReadySeconds": 0,
            "progressDeadlineSeconds": 600, "pauseAfterCanary": false, "phase": "running"});
        let table = json!({"shared": [0, 0], "lengths": [1, 1], "tails": "ab"});
        let compact = |waves: Value, deleted: Value| {
            gz(&json!({"nodes": table, "waves": waves, "deleted": deleted, "rest": rest}))
        };
        let with_table = |table: Value| gz(&json!({"nodes": table, "waves": [], "rest": rest}));
        let fine = compact(
            json!([{"canary": false, "nodes": [1, 1]}]),
            json!([null, 9]),
        );
        assert_eq!(decode(&fine).unwrap().deleted_at["b"], 9);
        let cases = [
            ("v2:gz:!!!".to_string(), "compact form: not base64"),
            (
                format!("{COMPACT_PREFIX}aGVsbG8="),
                "compact form: not gzip",
            ),
            (gz(&json!({"nodes": table})), "compact form: missing field"),
            (
                compact(
                    json!([{"canary": false, "nodes": [1, 2]}]),
                    json!([null, null]),
                ),
                "node index 2 is not in its table of 2",
            ),
            (
                compact(json!([{"canary": false, "nodes": [-5]}]), json!([null])),
                "node index -6 is not in its table of 2",
            ),
            (
                compact(json!([{"canary": false, "nodes": [1]}]), json!([])),
                "0 deletion times for 1 nodes in waves",
            ),
            (
                compact(
                    json!([{"canary": false, "nodes": [i64::MAX, i64::MAX]}]),
                    json!([]),
                ),
                "is not in its table of 2",
            ),
            (
                with_table(json!({"shared": [0], "lengths": [1, 1], "tails": "ab"})),
                "1 shared prefixes for 2 node names",
            ),
            (
                with_table(json!({"shared": [0, 2], "lengths": [1, 3], "tails": "ab"})),
                "node 1 shares 2 bytes of a name it cannot",
            ),
            (
                with_table(json!({"shared": [0, 0], "lengths": [1, 5], "tails": "ab"})),
                "the node names end early or mid-character",
            ),
            (
                with_table(json!({"shared": [0, 0], "lengths": [1, 1], "tails": "abc"})),
                "bytes are left over after the node names",
            ),
            (
                gz(&json!({"nodes": table, "waves": [], "rest": rest,
                    "deferred": {"nodes": [1], "since": [], "reason": []}})),
                "1 deferred nodes with 0 times and 0 reasons",
            ),
            (
                "v3:zstd:AAAA".into(),
                "in the form v3 of a newer kubectl-ds",
            ),
            ("not json".into(), "expected ident"),
        ];
        for (text, reason) in cases {
            let error = decode(&text).unwrap_err();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }

    /// Bytes of the annotation (key and value) for the fullest `state`.
    fn fullest_size(state: &RolloutState) -> usize {
        STATE_ANNOTATION.len() + encode(&fullest(state)).len()
    }

    /// A rollout that went through every wave: every node deleted (a wave's nodes within half a
    /// minute, an hour between waves), 1% of the nodes deferred, the last wave still cordoned,
    /// every gate passed.
    fn went_through(mut state: RolloutState) -> RolloutState {
        let mut lcg = Lcg(13);
        for (wave, nodes) in state.waves.iter().enumerate() {
            let start = 1_767_225_600 + 3_600 * wave as i64;
            for node in &nodes.nodes {
                state
                    .deleted_at
                    .insert(node.clone(), start + lcg.next(30) as i64);
            }
            let mut gate = GateRun::started(start + 600);
            gate.finish(start + 1_200, None);
            state.gates.insert(wave, gate);
        }
        let planned: Vec<String> = state.waves.iter().flat_map(|w| w.nodes.clone()).collect();
        for node in planned.iter().step_by(100) {
            let reason = "NotReady (KubeletNotReady)".to_string();
            let since = 1_767_225_600 - lcg.next(86_400) as i64;
            state
                .deferred
                .insert(node.clone(), Deferral { since, reason });
        }
        state.cordoned = state
            .waves
            .last()
            .into_iter()
            .flat_map(|w| w.nodes.clone())
            .collect();
        state.phase = Phase::Incomplete;
        state
    }

    #[test]
    fn the_fullest_state_of_15000_nodes_of_63_characters_fits_with_headroom() {
        let names = realistic_names(15_000);
        let state = planned(&names);
        assert_eq!(state.waves.len(), 11, "a canary and ten waves");
        let full = fullest(&state);
        assert_eq!(full.deleted_at.len(), 15_000);
        assert_eq!(full.cordoned.len(), 15_000);
        assert_eq!(full.deferred.len(), 1_500);
        let mut lcg = Lcg(5);
        let zones = names
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    format!("europe-west4-{}", ["a", "b", "c"][lcg.next(3) as usize]),
                )
            })
            .collect::<BTreeMap<_, _>>();
        let by_zone = planned_by(&names, NodeOrder::Label(ZONE.into()), &zones);
        let went_through = went_through(state.clone());
        assert_eq!(went_through.deferred.len(), 150);
        let cases = [
            ("gone through every wave", went_through),
            ("the check's projection, by name", fullest(&state)),
            ("the check's projection, by zone", fullest(&by_zone)),
        ];
        for (name, state) in cases {
            let size = STATE_ANNOTATION.len() + encode(&state).len();
            println!(
                "15000 realistic names, {name}: {size} bytes, {:.1} per node",
                size as f64 / 15_000.0
            );
            assert!(size <= HEADROOM_BUDGET, "{name}: {size}");
        }
        // Not planned this way: waves in a random order and times a day apart, for the record.
        let size = fullest_size(&random_times(fullest(&shuffled(state))));
        println!(
            "15000 realistic names, waves in random order, times a day apart: {size} bytes, {:.1} per node",
            size as f64 / 15_000.0
        );
    }

    /// The worst case, recorded in the test output: names with nothing in common. How many fit
    /// is measured, not assumed.
    #[test]
    fn random_names_of_63_characters_fit_in_their_thousands() {
        let at = |count| fullest_size(&planned(&random_names(count)));
        let measured = at(3_000) as f64 / 3_000.0;
        let fits = (HEADROOM_BUDGET as f64 / measured) as usize;
        println!(
            "random 63-character names: {measured:.1} bytes per node; about {fits} nodes fit in {HEADROOM_BUDGET} bytes, {} in the whole {ANNOTATIONS_LIMIT}",
            (ANNOTATIONS_LIMIT as f64 / measured) as usize
        );
        assert!(fits >= 2_500, "{fits}");
        assert!(at(fits * 97 / 100) <= HEADROOM_BUDGET);
        assert!(at(fits * 103 / 100) > HEADROOM_BUDGET);
    }

    fn daemonset(annotations: &[(&str, usize)]) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.name = Some("agent".into());
        ds.metadata.namespace = Some("ops".into());
        ds.metadata.annotations = Some(
            annotations
                .iter()
                .map(|(k, len)| (k.to_string(), "x".repeat(*len)))
                .collect(),
        );
        ds
    }

    #[test]
    fn a_rollout_whose_state_would_not_fit_is_refused_saying_what_to_do() {
        let realistic = planned(&realistic_names(15_000));
        let random = planned(&random_names(15_000));
        let applied = "kubectl.kubernetes.io/last-applied-configuration";
        let cases = [
            (
                "small",
                planned(&realistic_names(4)),
                vec![(applied, 200_000)],
                None,
            ),
            (
                "15000 realistic",
                realistic.clone(),
                vec![(applied, 30_000)],
                None,
            ),
            (
                "15000 realistic, a large manifest",
                realistic.clone(),
                vec![(applied, 120_000)],
                Some(applied),
            ),
            ("15000 random", random, vec![], Some("")),
            (
                "the state recorded now is not counted twice",
                realistic,
                vec![(STATE_ANNOTATION, 250_000)],
                None,
            ),
        ];
        for (name, state, annotations, refused) in cases {
            let result = check_budget(&state, &daemonset(&annotations));
            match refused {
                None => assert_eq!(result, Ok(()), "{name}"),
                Some(largest) => {
                    let message = result.unwrap_err();
                    assert!(
                        message.starts_with("the rollout state of daemonset ops/agent over 15000 nodes would take up to "),
                        "{name}: {message}"
                    );
                    assert!(
                        message.contains(&format!("the largest, {largest}")) || largest.is_empty(),
                        "{message}"
                    );
                    assert!(message.ends_with("bytes for all annotations together: roll it out with --mode rolling, or shrink the other annotations (kubectl apply --server-side keeps no last-applied-configuration)"), "{message}");
                }
            }
        }
        assert_eq!(
            annotations_size(&BTreeMap::from([("ab".to_string(), "cde".to_string())])),
            5
        );
    }
}
