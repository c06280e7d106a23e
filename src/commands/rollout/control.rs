//! `kubectl ds rollout pause|resume|undo NAME`.
//!
//! DaemonSets have no pause: pause records the update strategy in an annotation and sets OnDelete
//! (and pauses a controlled rollout's recorded state); resume restores both. Undo puts an older
//! revision's pod template back, as `kubectl rollout undo` does. Every change is one JSON Patch
//! conditional on the resourceVersion read, planned anew from the DaemonSet read again when it
//! conflicts (`Cluster::patch_daemonset_with_retry`).

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutNameArgs, RolloutResumeArgs, RolloutUndoArgs};
use crate::cluster::Planned;
use crate::daemonset::history;
use crate::daemonset::patch::{self, PatchOperation};
use crate::daemonset::pause::{self, PausePlan, ResumePlan};
use crate::diff::template::{self, TemplateChanges};
use crate::error::{ExitStatus, Failure};
use crate::ops::ondelete::{Driver, Start};
use crate::render;
use crate::render::progress::{Event, Progress};
use crate::rollout::lock::Lock;
use crate::rollout::state::{Phase, RolloutState, Unreadable};

pub async fn pause(args: &RolloutNameArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let (plan, ds) = cluster
        .patch_daemonset_with_retry(&namespace, name, ds, false, |ds| {
            Ok::<_, Failure>(pause::plan_pause(ds))
        })
        .await?;
    if let Err(unreadable) = RolloutState::recorded(&ds) {
        eprintln!("warning: {unreadable}");
    }
    let lines = match plan {
        PausePlan::AlreadyPaused => vec![format!(
            "daemonset {namespace}/{name} is already paused; kubectl ds rollout resume {name} -n {namespace} resumes it"
        )],
        PausePlan::OnDeleteIdle => vec![format!(
            "daemonset {namespace}/{name} uses the OnDelete strategy: the controller replaces no pod by itself, so there is nothing to pause"
        )],
        PausePlan::Patch {
            strategy,
            state_paused,
            ..
        } => {
            let mut lines = vec![format!("daemonset {namespace}/{name} paused")];
            if let Some(strategy) = strategy {
                lines.push(format!(
                    "  update strategy {strategy} recorded in {} and set to OnDelete: the controller replaces no more pods",
                    pause::PAUSED_ANNOTATION
                ));
            }
            if state_paused {
                lines.push(format!(
                    "  controlled rollout: phase {} → {} (it deletes no more pods)",
                    Phase::Running,
                    Phase::Paused
                ));
            }
            lines.push(format!("  kubectl ds rollout resume {name} -n {namespace} resumes it"));
            lines
        }
    };
    render::print_lines(lines)?;
    Ok(ExitStatus::Ok)
}

pub async fn resume(args: &RolloutResumeArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let mut progress = Progress::new(args.output);
    let me = crate::ops::lock::this_process(crate::clock::now());
    let (resume, ds) = cluster
        .patch_daemonset_with_retry(&namespace, name, ds, false, |ds| plan_resume(ds, &me, args))
        .await?;
    crate::ops::lock::warn_taken_over(resume.taken_over.as_ref(), &mut progress);
    if let Some(unreadable) = &resume.unreadable {
        progress.emit(Event::Warning {
            message: unreadable.to_string(),
        });
    }
    let Resume {
        controlled, plan, ..
    } = resume;
    match plan {
        ResumePlan::NotPaused => {
            if controlled.is_none() || args.detach {
                render::print_lines([format!(
                    "daemonset {namespace}/{name} is not paused; nothing to resume"
                )])?;
                return Ok(ExitStatus::Ok);
            }
        }
        ResumePlan::Patch {
            strategy,
            state_resumed,
            ..
        } => {
            progress.emit(Event::Note {
                message: format!("daemonset {namespace}/{name} resumed"),
            });
            if let Some(strategy) = strategy {
                progress.emit(Event::Note {
                    message: format!(
                        "  update strategy {strategy} restored (annotation {} removed)",
                        pause::PAUSED_ANNOTATION
                    ),
                });
            }
            if let Some(phase) = state_resumed {
                progress.emit(Event::Note {
                    message: format!("  controlled rollout: phase {phase} → {}", Phase::Running),
                });
            }
        }
    }
    match controlled {
        Some(mut state) if !args.detach => {
            state.resume();
            Driver::new(
                &cluster,
                ds,
                me,
                Start::Recorded(Box::new(state)),
                &mut progress,
            )
            .drive()
            .await
        }
        _ => Ok(ExitStatus::Ok),
    }
}

/// What `rollout resume` does to the DaemonSet as read: the pause it ends, and the controlled
/// rollout it drives on from where it stopped (one that is paused, or was interrupted by Ctrl-C,
/// kill -9 or a lost connection while running) with the lock of a gone run it takes over.
#[derive(Debug)]
struct Resume {
    controlled: Option<RolloutState>,
    taken_over: Option<Lock>,
    plan: ResumePlan,
    /// A state annotation that could not be read: nothing is resumed from it.
    unreadable: Option<Unreadable>,
}

impl Planned for Resume {
    fn ops(&self) -> Option<&[PatchOperation]> {
        match &self.plan {
            ResumePlan::Patch { ops, .. } => Some(ops),
            ResumePlan::NotPaused => None,
        }
    }
}

impl Planned for PausePlan {
    fn ops(&self) -> Option<&[PatchOperation]> {
        match self {
            PausePlan::Patch { ops, .. } => Some(ops),
            PausePlan::AlreadyPaused | PausePlan::OnDeleteIdle => None,
        }
    }
}

fn plan_resume(ds: &DaemonSet, me: &Lock, args: &RolloutResumeArgs) -> Result<Resume, Failure> {
    let (recorded, unreadable) = match RolloutState::recorded(ds) {
        Ok(recorded) => (recorded, None),
        Err(unreadable) => (None, Some(unreadable)),
    };
    let controlled = recorded.filter(|s| s.phase.unfinished());
    let taken_over = match controlled {
        Some(_) if !args.detach => crate::ops::lock::claim_lock(ds, me, args.force)?,
        _ => None,
    };
    Ok(Resume {
        controlled,
        taken_over,
        plan: pause::plan_resume(ds).map_err(Failure::api)?,
        unreadable,
    })
}

/// What `rollout undo` (without `--mode`) does to the DaemonSet as read.
#[derive(Debug)]
enum UndoPlan {
    /// It has the target revision's template already.
    AlreadyThere,
    Patch {
        ops: Vec<PatchOperation>,
        changes: TemplateChanges,
    },
}

impl Planned for UndoPlan {
    fn ops(&self) -> Option<&[PatchOperation]> {
        match self {
            UndoPlan::Patch { ops, .. } => Some(ops),
            UndoPlan::AlreadyThere => None,
        }
    }
}

/// Puts `target`'s template back on `fresh`, the DaemonSet as read (again, after a conflict);
/// refused when its template is no longer `read`, the one this command chose the revision by, so
/// a template another writer set meanwhile is not overwritten.
fn plan_undo(
    read: &PodTemplateSpec,
    fresh: &DaemonSet,
    target: &ControllerRevision,
) -> Result<UndoPlan, Failure> {
    let changes = template::compare(&fresh.spec.template, &history::typed_template(target));
    if changes.is_empty() {
        return Ok(UndoPlan::AlreadyThere);
    }
    if fresh.spec.template != *read {
        let namespace = fresh.metadata.namespace.as_deref().unwrap_or_default();
        let name = fresh.metadata.name.as_deref().unwrap_or_default();
        return Err(Failure::api(format!(
            "the pod template of daemonset {namespace}/{name} was changed by another writer while this command ran; nothing was rolled back, run the command again"
        )));
    }
    Ok(UndoPlan::Patch {
        ops: vec![
            patch::precondition(fresh),
            patch::replace_template(history::template_of(target)),
        ],
        changes,
    })
}

pub async fn undo(args: &RolloutUndoArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let revisions = crate::ops::owned_revisions(&cluster, &namespace, &ds).await?;
    let numbers: Vec<i64> = revisions.iter().filter_map(|r| r.revision).collect();
    let number = undo_revision((&namespace, name), args.to_revision, &numbers)?;
    let target: &ControllerRevision = revisions
        .iter()
        .find(|r| r.revision == Some(number))
        .expect("resolved numbers exist");

    let released = match args.engine.dry_run {
        true => Vec::new(),
        false => crate::ops::ondelete::release_recorded_nodes(&cluster, &ds).await?,
    };
    if args.engine.mode.is_some() {
        let mut progress = Progress::new(args.engine.output);
        for message in released {
            progress.emit(Event::Note { message });
        }
        progress.emit(Event::Note {
            message: format!(
                "daemonset {namespace}/{name}: rolling back to the template of revision {number}"
            ),
        });
        return crate::ops::apply::roll_back(
            &cluster,
            &namespace,
            &ds,
            target,
            &args.engine,
            &mut progress,
        )
        .await;
    }
    let read = ds.spec.template.clone();
    let (plan, ds) = cluster
        .patch_daemonset_with_retry(&namespace, name, ds, args.engine.dry_run, |fresh| {
            plan_undo(&read, fresh, target)
        })
        .await?;
    let UndoPlan::Patch { changes, .. } = plan else {
        render::print_lines([format!(
            "daemonset {namespace}/{name} already has the template of revision {number}; nothing to roll back"
        )])?;
        return Ok(ExitStatus::Ok);
    };
    let latest = numbers.iter().max().copied().unwrap_or(number);
    let mut lines = undo_lines(
        (&namespace, name),
        args.engine.dry_run,
        number,
        latest,
        &changes,
    );
    lines.extend(released.into_iter().map(|l| format!("  {l}")));
    lines.extend(undo_pending_note(&ds, name, &namespace));
    render::print_lines(lines)?;
    Ok(ExitStatus::Ok)
}

/// The revision `--to-revision` names (the previous one without it), among `numbers`.
fn undo_revision(
    (namespace, name): (&str, &str),
    to_revision: Option<i64>,
    numbers: &[i64],
) -> Result<i64, Failure> {
    if to_revision.is_none() && numbers.len() < 2 {
        return Err(Failure::usage(match numbers.first() {
            Some(only) => format!(
                "daemonset {namespace}/{name} has only revision {only}: there is no previous one to roll back to"
            ),
            None => format!("daemonset {namespace}/{name} has no revisions yet"),
        }));
    }
    history::resolve(to_revision.unwrap_or(-1), numbers).map_err(Failure::usage)
}

/// What the rollback to `number` changed (or would change, in a dry run); `latest` is the
/// highest revision before it, so the controller records it as the next one.
fn undo_lines(
    (namespace, name): (&str, &str),
    dry_run: bool,
    number: i64,
    latest: i64,
    changes: &TemplateChanges,
) -> Vec<String> {
    let images: Vec<String> = changes
        .images
        .iter()
        .map(|i| format!("{}: {} → {}", i.container, i.old, i.new))
        .collect();
    let mut lines = vec![match (dry_run, images.is_empty()) {
        (true, _) => format!(
            "daemonset {namespace}/{name} would be rolled back to revision {number} (server dry run; nothing changed):"
        ),
        (false, true) => format!("daemonset {namespace}/{name} rolled back to revision {number}"),
        (false, false) => format!(
            "daemonset {namespace}/{name} rolled back to revision {number} (images {})",
            images.join(", ")
        ),
    }];
    if dry_run {
        lines.extend(changes.lines().into_iter().map(|l| format!("  {l}")));
    } else {
        // The headline names the images already.
        lines.extend(
            changes
                .lines()
                .into_iter()
                .filter(|l| !l.starts_with("image "))
                .map(|l| format!("  {l}")),
        );
        lines.push(format!(
            "  the controller records it as revision {}",
            latest + 1
        ));
    }
    lines
}

/// Why the pods may not move to the rolled-back template yet: a paused DaemonSet, or OnDelete.
fn undo_pending_note(ds: &DaemonSet, name: &str, namespace: &str) -> Option<String> {
    let strategy = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.clone());
    if pause::is_paused(ds) {
        Some(format!(
            "  the DaemonSet is paused: its pods move to this template after kubectl ds rollout resume {name} -n {namespace}"
        ))
    } else if strategy.as_deref() == Some("OnDelete") {
        Some("  OnDelete strategy: pods move to this template only as they are deleted".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::RolloutFormat;
    use crate::rollout::lock::LOCK_ANNOTATION;
    use crate::rollout::state::STATE_ANNOTATION;
    use serde_json::{json, Value};

    #[test]
    fn undo_is_planned_anew_unless_another_writer_changed_the_template() {
        let target: ControllerRevision = serde_json::from_value(json!({
            "metadata": {"name": "agent-abc"},
            "revision": 1,
            "data": {"spec": {"template": {
                "spec": {"containers": [{"name": "agent", "image": "agent:1"}]},
                "$patch": "replace",
            }}},
        }))
        .unwrap();
        let read = crate::ops::test_daemonset("5", "agent:2", json!({}))
            .spec
            .template;
        // (what, the DaemonSet read (again), Ok(patched on resourceVersion) / Ok(None): already
        // there, or Err(fragment))
        let cases = [
            (
                "as first read",
                crate::ops::test_daemonset("5", "agent:2", json!({})),
                Ok(Some("5")),
            ),
            (
                "status written meanwhile",
                crate::ops::test_daemonset("8", "agent:2", json!({})),
                Ok(Some("8")),
            ),
            (
                "rolled back by another meanwhile",
                crate::ops::test_daemonset("8", "agent:1", json!({})),
                Ok(None),
            ),
            (
                "template changed by another meanwhile",
                crate::ops::test_daemonset("8", "agent:3", json!({})),
                Err("changed by another writer while this command ran; nothing was rolled back"),
            ),
        ];
        for (what, fresh, expected) in cases {
            match (plan_undo(&read, &fresh, &target), expected) {
                (Ok(UndoPlan::AlreadyThere), Ok(None)) => {}
                (Ok(UndoPlan::Patch { ops, changes }), Ok(Some(version))) => {
                    assert_eq!(fresh.metadata.resource_version.as_deref(), Some(version));
                    let template = history::template_of(&target);
                    assert_eq!(
                        ops,
                        [
                            patch::precondition(&fresh),
                            patch::replace_template(template)
                        ],
                        "{what}"
                    );
                    assert_eq!(
                        changes.lines(),
                        ["image agent: agent:2 → agent:1"],
                        "{what}"
                    );
                }
                (Err(e), Err(fragment)) => assert!(e.message.contains(fragment), "{what}: {e}"),
                (got, expected) => panic!("{what}: {got:?} instead of {expected:?}"),
            }
        }
    }

    #[test]
    fn resume_checks_the_lock_of_the_controlled_rollout_it_drives_on() {
        let at = crate::clock::now();
        let me = Lock::new("me@here".into(), "here".into(), std::process::id(), at);
        let gone = Lock::new("ops@here".into(), "here".into(), u32::MAX, at);
        let elsewhere = Lock::new("ops@elsewhere".into(), "elsewhere".into(), 7, at);
        let state = |phase: &str| {
            json!({"targetHash": "abc", "waves": [], "maxUnavailable": 1, "minReadySeconds": 0,
                   "progressDeadlineSeconds": 600, "pauseAfterCanary": false, "phase": phase})
            .to_string()
        };
        let lock = |l: &Lock| serde_json::to_string(l).unwrap();
        let paused = json!({"type": "RollingUpdate"}).to_string();
        let args = |detach: bool| RolloutResumeArgs {
            name: "agent".into(),
            detach,
            force: false,
            output: RolloutFormat::Text,
        };
        // (what, annotations, --detach, Ok((controlled, lock taken over, patches)) or Err(fragment))
        type Case = (
            &'static str,
            Value,
            bool,
            Result<(bool, Option<Lock>, bool), &'static str>,
        );
        let cases: Vec<Case> = vec![
            ("not paused", json!({}), false, Ok((false, None, false))),
            (
                "paused by rollout pause",
                json!({pause::PAUSED_ANNOTATION: paused}),
                false,
                Ok((false, None, true)),
            ),
            (
                "a paused controlled rollout, its lock held by a run elsewhere",
                json!({STATE_ANNOTATION: state("paused"), LOCK_ANNOTATION: lock(&elsewhere)}),
                false,
                Err("another rollout of daemonset demo/agent is running"),
            ),
            (
                "the same with --detach: only marked resumed",
                json!({STATE_ANNOTATION: state("paused"), LOCK_ANNOTATION: lock(&elsewhere)}),
                true,
                Ok((true, None, true)),
            ),
            (
                "an interrupted controlled rollout whose run is gone",
                json!({STATE_ANNOTATION: state("running"), LOCK_ANNOTATION: lock(&gone)}),
                false,
                Ok((true, Some(gone.clone()), false)),
            ),
        ];
        for (what, annotations, detach, expected) in cases {
            let ds = crate::ops::test_daemonset("5", "agent:1", annotations);
            match (plan_resume(&ds, &me, &args(detach)), expected) {
                (Ok(resume), Ok((controlled, taken_over, patches))) => {
                    assert_eq!(resume.controlled.is_some(), controlled, "{what}");
                    assert_eq!(resume.taken_over, taken_over, "{what}");
                    assert_eq!(resume.ops().is_some(), patches, "{what}");
                }
                (Err(e), Err(fragment)) => assert!(e.message.contains(fragment), "{what}: {e}"),
                (got, expected) => panic!("{what}: {got:?} instead of {expected:?}"),
            }
        }
    }
}
