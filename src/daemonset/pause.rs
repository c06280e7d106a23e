//! Pausing a DaemonSet, which has no pause of its own: the update strategy is recorded in an
//! annotation and replaced by OnDelete (the controller then replaces nothing), and a controlled
//! rollout's recorded state is flipped to Paused. Resuming restores both. Each is one JSON Patch
//! that carries the resourceVersion read, so a concurrent change fails instead of
//! being overwritten.

use k8s_openapi::api::apps::v1::DaemonSet;
use serde_json::{json, Value};

use super::patch::{self, PatchOperation};
use crate::rollout::state::{Phase, RolloutState, STATE_ANNOTATION};

/// The annotation holding the update strategy in force before `rollout pause`, as JSON.
pub const PAUSED_ANNOTATION: &str = "rollout.kubectl-ds.io/paused-strategy";

/// What `rollout pause` does to a DaemonSet.
#[derive(Debug, Clone, PartialEq)]
pub enum PausePlan {
    /// Paused by an earlier `rollout pause`, and no controlled rollout is running.
    AlreadyPaused,
    /// OnDelete without a running controlled rollout: nothing replaces pods by itself already.
    OnDeleteIdle,
    Patch {
        ops: Vec<PatchOperation>,
        /// The strategy recorded and replaced by OnDelete, when it was (`type` of it).
        strategy: Option<String>,
        /// A controlled rollout's state went from Running to Paused.
        state_paused: bool,
    },
}

/// What `rollout resume` does to a DaemonSet.
#[derive(Debug, Clone, PartialEq)]
pub enum ResumePlan {
    NotPaused,
    Patch {
        ops: Vec<PatchOperation>,
        /// The strategy restored (`type` of it), when one was recorded.
        strategy: Option<String>,
        /// A controlled rollout's state went from this phase to Running.
        state_resumed: Option<Phase>,
    },
}

/// The value of one annotation of the DaemonSet.
pub fn annotation<'a>(ds: &'a DaemonSet, key: &str) -> Option<&'a String> {
    ds.metadata.annotations.as_ref().and_then(|a| a.get(key))
}

/// The recorded controlled-rollout state (unknown fields kept). An unreadable one counts as none
/// here: the command reports it (`RolloutState::recorded`), and nothing of it is changed.
fn state(ds: &DaemonSet) -> Option<RolloutState> {
    RolloutState::recorded(ds).ok().flatten()
}

fn strategy_type(strategy: &Value) -> String {
    strategy["type"]
        .as_str()
        .unwrap_or("RollingUpdate")
        .to_string()
}

pub fn is_paused(ds: &DaemonSet) -> bool {
    annotation(ds, PAUSED_ANNOTATION).is_some()
}

pub fn plan_pause(ds: &DaemonSet) -> PausePlan {
    let state = state(ds);
    let running = state.as_ref().is_some_and(|s| s.phase == Phase::Running);
    let paused = is_paused(ds);
    let strategy = ds
        .spec
        .update_strategy
        .as_ref()
        .map(|s| serde_json::to_value(s).unwrap_or_default())
        .unwrap_or_else(|| json!({"type": "RollingUpdate"}));
    let on_delete = strategy_type(&strategy) == "OnDelete";
    if paused && !running {
        return PausePlan::AlreadyPaused;
    }
    if on_delete && !paused && !running {
        return PausePlan::OnDeleteIdle;
    }
    let mut ops = vec![patch::precondition(ds)];
    let mut pairs = Vec::new();
    if !paused {
        pairs.push((PAUSED_ANNOTATION, strategy.to_string()));
    }
    if let (true, Some(mut state)) = (running, state) {
        state.phase = Phase::Paused;
        pairs.push((STATE_ANNOTATION, state.to_annotation()));
    }
    ops.extend(patch::set_annotations(ds, pairs));
    if !paused {
        ops.push(patch::replace_update_strategy(json!({"type": "OnDelete"})));
    }
    PausePlan::Patch {
        ops,
        strategy: (!paused).then(|| strategy_type(&strategy)),
        state_paused: running,
    }
}

/// `Err` when the recorded strategy is not JSON (edited by hand): nothing is changed then.
pub fn plan_resume(ds: &DaemonSet) -> Result<ResumePlan, String> {
    let recorded = match annotation(ds, PAUSED_ANNOTATION) {
        Some(text) => Some(serde_json::from_str::<Value>(text).map_err(|e| {
            format!(
                "the annotation {PAUSED_ANNOTATION} does not hold a JSON update strategy ({e}); fix or remove it with kubectl annotate"
            )
        })?),
        None => None,
    };
    let state = state(ds);
    let halted = state.as_ref().map(|s| s.phase).filter(|p| p.paused());
    if recorded.is_none() && halted.is_none() {
        return Ok(ResumePlan::NotPaused);
    }
    let mut ops = vec![patch::precondition(ds)];
    if let Some(strategy) = &recorded {
        ops.push(patch::replace_update_strategy(strategy.clone()));
        ops.push(patch::remove_annotation(PAUSED_ANNOTATION));
    }
    if let (Some(_), Some(mut state)) = (halted, state) {
        state.resume();
        ops.push(patch::replace_annotation(
            STATE_ANNOTATION,
            state.to_annotation(),
        ));
    }
    Ok(ResumePlan::Patch {
        ops,
        strategy: recorded.as_ref().map(strategy_type),
        state_resumed: halted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(strategy: Value, annotations: Option<Value>) -> DaemonSet {
        let mut object = json!({
            "metadata": {"name": "agent", "resourceVersion": "42"},
            "spec": {
                "selector": {"matchLabels": {"app": "agent"}},
                "template": {},
                "updateStrategy": strategy,
            },
        });
        if let Some(a) = annotations {
            object["metadata"]["annotations"] = a;
        }
        serde_json::from_value(object).unwrap()
    }

    fn rolling() -> Value {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}})
    }

    fn state_json(phase: &str) -> String {
        json!({"targetHash": "abc", "waves": [], "maxUnavailable": 1, "minReadySeconds": 0,
               "progressDeadlineSeconds": 600, "pauseAfterCanary": true, "phase": phase,
               "extra": "kept"})
        .to_string()
    }

    /// Applies the ops as RFC 6902 says (a `replace` or `remove` of a member that is not there
    /// fails, as on the server).
    fn apply(ds: &DaemonSet, ops: &[PatchOperation]) -> Value {
        let mut object = serde_json::to_value(ds).unwrap();
        json_patch::patch(&mut object, ops).unwrap();
        object
    }

    #[test]
    fn pause_records_the_strategy_and_resume_restores_it() {
        let before = ds(rolling(), None);
        let PausePlan::Patch {
            ops,
            strategy,
            state_paused,
        } = plan_pause(&before)
        else {
            panic!("a patch");
        };
        assert_eq!(ops[0], patch::precondition(&before));
        assert_eq!(strategy.as_deref(), Some("RollingUpdate"));
        assert!(!state_paused);
        let paused: DaemonSet = serde_json::from_value(apply(&before, &ops)).unwrap();
        let value = serde_json::to_value(&paused).unwrap();
        assert_eq!(value["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
        let recorded: Value = serde_json::from_str(
            value["metadata"]["annotations"][PAUSED_ANNOTATION]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(recorded, rolling());

        assert_eq!(plan_pause(&paused), PausePlan::AlreadyPaused);

        let ResumePlan::Patch {
            ops,
            strategy,
            state_resumed,
        } = plan_resume(&paused).unwrap()
        else {
            panic!("a patch");
        };
        assert_eq!(strategy.as_deref(), Some("RollingUpdate"));
        assert_eq!(state_resumed, None);
        let resumed = apply(&paused, &ops);
        assert_eq!(resumed["spec"]["updateStrategy"], rolling());
        assert!(resumed["metadata"]["annotations"]
            .get(PAUSED_ANNOTATION)
            .is_none());
        let resumed: DaemonSet = serde_json::from_value(resumed).unwrap();
        assert_eq!(plan_resume(&resumed).unwrap(), ResumePlan::NotPaused);
    }

    #[test]
    fn on_delete_without_a_rollout_has_nothing_to_pause() {
        assert_eq!(
            plan_pause(&ds(json!({"type": "OnDelete"}), None)),
            PausePlan::OnDeleteIdle
        );
        assert_eq!(
            plan_resume(&ds(json!({"type": "OnDelete"}), None)).unwrap(),
            ResumePlan::NotPaused
        );
    }

    #[test]
    fn a_running_controlled_rollout_is_paused_and_resumed_with_its_fields_kept() {
        let before = ds(
            json!({"type": "OnDelete"}),
            Some(json!({STATE_ANNOTATION: state_json("running"), "other": "x"})),
        );
        let PausePlan::Patch {
            ops, state_paused, ..
        } = plan_pause(&before)
        else {
            panic!("a patch");
        };
        assert!(state_paused);
        let paused: DaemonSet = serde_json::from_value(apply(&before, &ops)).unwrap();
        let annotations = paused.metadata.annotations.clone().unwrap();
        assert_eq!(annotations["other"], "x");
        let state: Value = serde_json::from_str(&annotations[STATE_ANNOTATION]).unwrap();
        assert_eq!(state["phase"], "paused");
        assert_eq!(state["extra"], "kept");
        assert_eq!(plan_pause(&paused), PausePlan::AlreadyPaused);

        let ResumePlan::Patch {
            ops, state_resumed, ..
        } = plan_resume(&paused).unwrap()
        else {
            panic!("a patch");
        };
        assert_eq!(state_resumed, Some(Phase::Paused));
        let resumed = apply(&paused, &ops);
        let state: Value = serde_json::from_str(
            resumed["metadata"]["annotations"][STATE_ANNOTATION]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(state["phase"], "running");
        assert_eq!(state["pauseAfterCanary"], false);
        assert_eq!(
            resumed["spec"]["updateStrategy"],
            json!({"type": "OnDelete"})
        );
    }

    #[test]
    fn paused_after_canary_is_resumed_without_a_recorded_strategy() {
        let before = ds(
            json!({"type": "OnDelete"}),
            Some(json!({STATE_ANNOTATION: state_json("pausedAfterCanary")})),
        );
        let ResumePlan::Patch {
            ops,
            strategy,
            state_resumed,
        } = plan_resume(&before).unwrap()
        else {
            panic!("a patch");
        };
        assert_eq!(strategy, None);
        assert_eq!(state_resumed, Some(Phase::PausedAfterCanary));
        assert_eq!(ops.len(), 2, "{ops:?}");
    }

    #[test]
    fn a_broken_recorded_strategy_is_refused() {
        let broken = ds(
            json!({"type": "OnDelete"}),
            Some(json!({PAUSED_ANNOTATION: "not json"})),
        );
        let error = plan_resume(&broken).unwrap_err();
        assert!(error.contains(PAUSED_ANNOTATION), "{error}");
    }
}
