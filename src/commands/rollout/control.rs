//! `kubectl ds rollout pause|resume|undo NAME`.
//!
//! DaemonSets have no pause: pause records the update strategy in an annotation and sets OnDelete
//! (and pauses a controlled rollout's recorded state); resume restores both. Undo puts an older
//! revision's pod template back, as `kubectl rollout undo` does. Every change is one JSON Patch
//! conditional on the resourceVersion read.

use k8s_openapi::api::apps::v1::ControllerRevision;
use serde_json::json;

use super::engine::{self, Driver, Start};
use super::Outcome;
use crate::cli::{GlobalArgs, RolloutNameArgs, RolloutResumeArgs, RolloutUndoArgs};
use crate::daemonset::history;
use crate::daemonset::pause::{self, PausePlan, ResumePlan};
use crate::diff::template;
use crate::error::{ExitStatus, Failure};
use crate::render;
use crate::render::progress::{Event, Progress};
use crate::rollout::state::Phase;

pub async fn pause(args: &RolloutNameArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = super::super::live_daemonset(global, name).await?;
    let lines = match pause::plan_pause(&ds) {
        PausePlan::AlreadyPaused => vec![format!(
            "daemonset {name:?} is already paused; kubectl ds rollout resume {name} resumes it"
        )],
        PausePlan::OnDeleteIdle => vec![format!(
            "daemonset {name:?} uses the OnDelete strategy: the controller replaces no pod by itself, so there is nothing to pause"
        )],
        PausePlan::Patch {
            ops,
            strategy,
            state_paused,
        } => {
            cluster
                .patch_daemonset_json(&namespace, name, &ops, false)
                .await?;
            let mut lines = vec![format!("daemonset {name:?} paused")];
            if let Some(strategy) = strategy {
                lines.push(format!(
                    "  update strategy {strategy} recorded in {} and set to OnDelete: the controller replaces no more pods",
                    pause::PAUSED_ANNOTATION
                ));
            }
            if state_paused {
                lines.push(
                    "  controlled rollout: phase running → paused (it deletes no more pods)".into(),
                );
            }
            lines.push(format!("  kubectl ds rollout resume {name} resumes it"));
            lines
        }
    };
    render::print_lines(lines)?;
    Ok(ExitStatus::Ok)
}

pub async fn resume(args: &RolloutResumeArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = super::super::live_daemonset(global, name).await?;
    // A controlled rollout that is paused, or was interrupted (Ctrl-C, kill -9, a lost
    // connection) while running, is driven on from where it stopped.
    let controlled = engine::recorded_state(&ds).filter(|s| s.phase.unfinished());
    let mut progress = Progress::new(args.output);
    let me = engine::this_process(engine::now());
    if controlled.is_some() && !args.detach {
        engine::check_lock(&ds, &me, args.force, &mut progress)?;
    }
    let plan = pause::plan_resume(&ds).map_err(Failure::api)?;
    let ds = match plan {
        ResumePlan::NotPaused => {
            if controlled.is_none() || args.detach {
                render::print_lines([format!(
                    "daemonset {name:?} is not paused; nothing to resume"
                )])?;
                return Ok(ExitStatus::Ok);
            }
            ds
        }
        ResumePlan::Patch {
            ops,
            strategy,
            state_resumed,
        } => {
            let stored = cluster
                .patch_daemonset_json(&namespace, name, &ops, false)
                .await?;
            progress.emit(Event::Note {
                message: format!("daemonset {name:?} resumed"),
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
                let from = match phase {
                    Phase::PausedAfterCanary => "pausedAfterCanary",
                    _ => "paused",
                };
                progress.emit(Event::Note {
                    message: format!("  controlled rollout: phase {from} → running"),
                });
            }
            stored
        }
    };
    match controlled {
        Some(mut state) if !args.detach => {
            state.phase = Phase::Running;
            state.pause_after_canary = false;
            Driver::new(&cluster, ds, me, Start::Recorded(state), &mut progress)
                .drive()
                .await
        }
        _ => Ok(ExitStatus::Ok),
    }
}

pub async fn undo(args: &RolloutUndoArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = super::super::live_daemonset(global, name).await?;
    let revisions = super::super::owned_revisions(&cluster, &namespace, &ds).await?;
    let numbers: Vec<i64> = revisions.iter().filter_map(|r| r.revision).collect();
    if args.to_revision.is_none() && numbers.len() < 2 {
        return Err(Failure::usage(match numbers.first() {
            Some(only) => format!(
                "daemonset {name:?} has only revision {only}: there is no previous one to roll back to"
            ),
            None => format!("daemonset {name:?} has no revisions yet"),
        })
        .into());
    }
    let number =
        history::resolve(args.to_revision.unwrap_or(-1), &numbers).map_err(Failure::usage)?;
    let target: &ControllerRevision = revisions
        .iter()
        .find(|r| r.revision == Some(number))
        .expect("resolved numbers exist");

    if args.engine.mode.is_some() {
        let mut progress = Progress::new(args.engine.output);
        progress.emit(Event::Note {
            message: format!(
                "daemonset {name:?}: rolling back to the template of revision {number}"
            ),
        });
        return super::change::roll_back(
            &cluster,
            &namespace,
            &ds,
            target,
            &args.engine,
            &mut progress,
        )
        .await;
    }
    let current = ds.spec.template.clone();
    let changes = template::compare(&current, &history::typed_template(target));
    if changes.is_empty() {
        render::print_lines([format!(
            "daemonset {name:?} already has the template of revision {number}; nothing to roll back"
        )])?;
        return Ok(ExitStatus::Ok);
    }
    let ops = vec![
        pause::precondition(&ds),
        json!({"op": "replace", "path": "/spec/template", "value": history::template_of(target)}),
    ];
    cluster
        .patch_daemonset_json(&namespace, name, &ops, args.engine.dry_run)
        .await?;

    let images: Vec<String> = changes
        .images
        .iter()
        .map(|i| format!("{}: {} → {}", i.container, i.old, i.new))
        .collect();
    let mut lines = vec![match (args.engine.dry_run, images.is_empty()) {
        (true, _) => format!(
            "daemonset {name:?} would be rolled back to revision {number} (server dry run; nothing changed):"
        ),
        (false, true) => format!("daemonset {name:?} rolled back to revision {number}"),
        (false, false) => format!(
            "daemonset {name:?} rolled back to revision {number} (images {})",
            images.join(", ")
        ),
    }];
    if args.engine.dry_run {
        lines.extend(changes.lines().into_iter().map(|l| format!("  {l}")));
    } else {
        lines.extend(
            changes
                .lines()
                .into_iter()
                .filter(|l| !l.starts_with("image "))
                .map(|l| format!("  {l}")),
        );
        lines.push(format!(
            "  the controller records it as revision {}",
            numbers.iter().max().copied().unwrap_or(number) + 1
        ));
    }
    let strategy = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.clone());
    if pause::is_paused(&ds) {
        lines.push(format!(
            "  the DaemonSet is paused: its pods move to this template after kubectl ds rollout resume {name}"
        ));
    } else if strategy.as_deref() == Some("OnDelete") {
        lines.push(
            "  OnDelete strategy: pods move to this template only as they are deleted".into(),
        );
    }
    render::print_lines(lines)?;
    Ok(ExitStatus::Ok)
}
