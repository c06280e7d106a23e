//! Read, plan, write: a change to a DaemonSet planned from the object as read and sent as one JSON
//! Patch conditional on its resourceVersion (`patch::precondition`). The DaemonSet controller moves
//! the resourceVersion with every status write while pods change, so during a rollout the write
//! often conflicts although nobody changed what the plan depends on. On a conflict the DaemonSet is
//! read again and the change planned anew from it, a few times. Planning anew is what keeps this
//! safe: a change that matters (another template, a lock taken, a pause already recorded) shows in
//! the new plan ("already paused", "lock held by ...") instead of being overwritten.

use std::time::Duration;

use json_patch::PatchOperation;
use k8s_openapi::api::apps::v1::DaemonSet;

use crate::error::Failure;

/// How many times a change is planned and sent before a conflict is reported.
pub const ATTEMPTS: u32 = 5;

/// The pause before reading again after the n-th conflict is n times this: the controller writes
/// status in bursts while pods change.
pub(super) const BACKOFF: Duration = Duration::from_millis(100);

/// A change planned from a DaemonSet as read.
pub trait Planned {
    /// The JSON Patch to send, starting with the resourceVersion precondition; `None` when there
    /// is nothing to write (already paused, the lock is not ours, ...).
    fn ops(&self) -> Option<&[PatchOperation]>;
}

impl Planned for Vec<PatchOperation> {
    fn ops(&self) -> Option<&[PatchOperation]> {
        Some(self)
    }
}

impl Planned for Option<Vec<PatchOperation>> {
    fn ops(&self) -> Option<&[PatchOperation]> {
        self.as_deref()
    }
}

/// Why a conditional JSON Patch was not stored.
#[derive(Debug)]
pub(super) enum PatchError {
    /// The DaemonSet changed since it was read (409): nothing was stored.
    Conflict,
    Failed(Failure),
}

/// The one line for a conditional write that lost the race (every attempt of it).
pub(super) fn conflict_failure(namespace: &str, name: &str) -> Failure {
    Failure::conflict(format!(
        "daemonset {namespace}/{name} changed while this command ran; nothing was changed, try again"
    ))
}

fn deleted(namespace: &str, name: &str) -> Failure {
    Failure::api(format!(
        "daemonset {namespace}/{name} was deleted while this command ran; nothing was changed"
    ))
}

/// Plans the change from `ds` and sends it; on a conflict reads the DaemonSet again (`read`) and
/// plans anew, [`ATTEMPTS`] times in all. Returns the last plan and the DaemonSet as it is now:
/// the one stored, or the one planned on when the plan writes nothing. A plan that fails (the
/// lock is held by another run, a broken annotation) ends it with that failure, nothing written.
pub(super) async fn read_modify_write<P, E>(
    (namespace, name): (&str, &str),
    mut ds: DaemonSet,
    mut plan: impl FnMut(&DaemonSet) -> Result<P, E>,
    mut send: impl AsyncFnMut(&[PatchOperation]) -> Result<DaemonSet, PatchError>,
    mut read: impl AsyncFnMut() -> Result<Option<DaemonSet>, Failure>,
    backoff: Duration,
) -> Result<(P, DaemonSet), E>
where
    P: Planned,
    E: From<Failure>,
{
    for attempt in 1..=ATTEMPTS {
        let planned = plan(&ds)?;
        let Some(ops) = planned.ops() else {
            return Ok((planned, ds));
        };
        match send(ops).await {
            Ok(stored) => return Ok((planned, stored)),
            Err(PatchError::Failed(failure)) => return Err(failure.into()),
            Err(PatchError::Conflict) if attempt == ATTEMPTS => break,
            Err(PatchError::Conflict) => {
                tracing::debug!(
                    namespace,
                    name,
                    attempt,
                    "daemonset changed since it was read (409 Conflict); reading it again to plan the change anew"
                );
                tokio::time::sleep(backoff * attempt).await;
                ds = read().await?.ok_or_else(|| deleted(namespace, name))?;
            }
        }
    }
    tracing::debug!(
        namespace,
        name,
        attempts = ATTEMPTS,
        "giving up: every write conflicted"
    );
    Err(conflict_failure(namespace, name).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemonset::patch::precondition;
    use serde_json::json;
    use std::cell::{Cell, RefCell};

    fn ds(resource_version: u32, paused: bool) -> DaemonSet {
        let mut object = json!({
            "metadata": {"name": "agent", "resourceVersion": resource_version.to_string()},
            "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {}},
        });
        if paused {
            object["metadata"]["annotations"] = json!({"paused": "yes"});
        }
        serde_json::from_value(object).unwrap()
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn version(ds: &DaemonSet) -> String {
        ds.metadata.resource_version.clone().unwrap_or_default()
    }

    /// What the fake API server does with each request.
    #[derive(Clone, Copy)]
    struct Server {
        /// Status writes by the controller: each moves the resourceVersion once, right after the
        /// next read (so the write planned from it conflicts).
        status_writes: u32,
        /// Another writer pauses the DaemonSet along with the first status write.
        paused_meanwhile: bool,
        /// The DaemonSet is gone when read again.
        deleted_meanwhile: bool,
    }

    #[derive(Debug, PartialEq)]
    enum Outcome {
        /// Written on this attempt, planned from this resourceVersion.
        Written {
            sends: u32,
            planned_on: String,
        },
        /// The plan found nothing to do (after this many sends).
        Nothing {
            sends: u32,
        },
        Failed(String),
    }

    fn run(server: Server) -> Outcome {
        let stored = RefCell::new(ds(1, false));
        let pending = Cell::new(server.status_writes);
        let sends = Cell::new(0);
        let first = stored.borrow().clone();
        let plan = |ds: &DaemonSet| -> Result<Option<Vec<PatchOperation>>, Failure> {
            if ds.metadata.annotations.is_some() {
                return Ok(None);
            }
            Ok(Some(vec![precondition(ds)]))
        };
        let send = async |ops: &[PatchOperation]| {
            sends.set(sends.get() + 1);
            let current = stored.borrow();
            if ops[0] != precondition(&current) {
                return Err(PatchError::Conflict);
            }
            Ok(current.clone())
        };
        let read = async || {
            if server.deleted_meanwhile {
                return Ok(None);
            }
            let now = stored.borrow().clone();
            if pending.get() > 0 {
                // The controller writes status right after this read.
                pending.set(pending.get() - 1);
                let next: u32 = version(&now).parse::<u32>().unwrap() + 1;
                *stored.borrow_mut() = ds(next, server.paused_meanwhile);
            }
            Ok(Some(now))
        };
        // The first read (the caller's) is followed by a status write too.
        if pending.get() > 0 {
            pending.set(pending.get() - 1);
            *stored.borrow_mut() = ds(2, server.paused_meanwhile);
        }
        let result = block_on(read_modify_write(
            ("default", "agent"),
            first,
            plan,
            send,
            read,
            Duration::ZERO,
        ));
        match result {
            Ok((Some(ops), stored)) => {
                assert_eq!(precondition(&stored), ops[0]);
                Outcome::Written {
                    sends: sends.get(),
                    planned_on: version(&stored),
                }
            }
            Ok((None, _)) => Outcome::Nothing { sends: sends.get() },
            Err(failure) => Outcome::Failed(failure.message),
        }
    }

    #[test]
    fn a_conflict_is_planned_again_from_the_daemonset_read_anew() {
        let quiet = Server {
            status_writes: 0,
            paused_meanwhile: false,
            deleted_meanwhile: false,
        };
        let cases = [
            (
                "no conflict: one write",
                quiet,
                Outcome::Written {
                    sends: 1,
                    planned_on: "1".into(),
                },
            ),
            (
                "one status write: written from the object read again",
                Server {
                    status_writes: 1,
                    ..quiet
                },
                Outcome::Written {
                    sends: 2,
                    planned_on: "2".into(),
                },
            ),
            (
                "conflicts on all but the last attempt",
                Server {
                    status_writes: ATTEMPTS - 1,
                    ..quiet
                },
                Outcome::Written {
                    sends: ATTEMPTS,
                    planned_on: ATTEMPTS.to_string(),
                },
            ),
            (
                "conflicts on every attempt: the conflict is reported",
                Server {
                    status_writes: ATTEMPTS,
                    ..quiet
                },
                Outcome::Failed(
                    "daemonset default/agent changed while this command ran; nothing was changed, try again".into(),
                ),
            ),
            (
                "another writer did it meanwhile: the new plan writes nothing",
                Server {
                    status_writes: 1,
                    paused_meanwhile: true,
                    ..quiet
                },
                Outcome::Nothing { sends: 1 },
            ),
            (
                "deleted meanwhile",
                Server {
                    status_writes: 1,
                    deleted_meanwhile: true,
                    ..quiet
                },
                Outcome::Failed(
                    "daemonset default/agent was deleted while this command ran; nothing was changed".into(),
                ),
            ),
        ];
        for (what, server, expected) in cases {
            assert_eq!(run(server), expected, "{what}");
        }
    }

    /// The ops sent and the DaemonSet stored, or why not.
    type Written = Result<(Vec<PatchOperation>, DaemonSet), Failure>;

    #[test]
    fn a_failing_plan_or_write_ends_it_at_once() {
        let sends = Cell::new(0);
        let result: Written = block_on(read_modify_write(
            ("default", "agent"),
            ds(1, false),
            |ds: &DaemonSet| Ok(vec![precondition(ds)]),
            async |_: &[PatchOperation]| {
                sends.set(sends.get() + 1);
                Err(PatchError::Failed(Failure::api("forbidden")))
            },
            async || panic!("not read again"),
            Duration::ZERO,
        ));
        assert_eq!(result.unwrap_err().message, "forbidden");
        assert_eq!(sends.get(), 1);

        let result: Written = block_on(read_modify_write(
            ("default", "agent"),
            ds(1, false),
            |_: &DaemonSet| Err(Failure::api("lock held by ops@a (pid 20)")),
            async |_: &[PatchOperation]| panic!("not sent"),
            async || panic!("not read again"),
            Duration::ZERO,
        ));
        assert_eq!(result.unwrap_err().message, "lock held by ops@a (pid 20)");
    }
}
