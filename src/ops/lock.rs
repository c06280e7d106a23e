//! The rollout lock on the DaemonSet (`rollout.kubectl-ds.io/lock`): taken before anything
//! changes, renewed while a run lasts, dropped at its end; whether it may be taken is decided in
//! `crate::rollout::lock`.

use std::time::Duration;

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::clock::now;
use crate::cluster::Cluster;
use crate::daemonset::patch::{self, PatchOperation};
use crate::daemonset::pause::annotation;
use crate::error::Failure;
use crate::render::progress::{Event, Progress};
use crate::rollout::lock::{self, Claim, Lock, LOCK_ANNOTATION};

/// This process as a lock holder.
pub fn this_process(now: i64) -> Lock {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| format!("uid-{}", unix_uid()));
    Lock::new(format!("{user}@{host}"), host, std::process::id(), now)
}

/// The real user id, from /proc (where that exists), for a holder name without $USER.
fn unix_uid() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next().map(str::to_string))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a process of this machine exists (always true where that can't be known).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

pub fn recorded_lock(ds: &DaemonSet) -> Option<Lock> {
    annotation(ds, LOCK_ANNOTATION).and_then(|s| serde_json::from_str(s).ok())
}

/// Whether this process may hold the DaemonSet's rollout lock: the lock of a gone run it takes
/// over, if any, or the one line saying who holds it.
pub fn claim_lock(ds: &DaemonSet, me: &Lock, force: bool) -> Result<Option<Lock>, Failure> {
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let name = ds.metadata.name.as_deref().unwrap_or_default();
    let held = recorded_lock(ds);
    match lock::claim(
        (namespace, name),
        held.as_ref(),
        me,
        now(),
        force,
        process_alive,
    ) {
        Ok(Claim::HolderGone | Claim::Expired) => Ok(held),
        Ok(Claim::Free | Claim::Ours) => Ok(None),
        Err(message) => Err(Failure::api(message)),
    }
}

/// Says so when this run takes over the lock of a gone run.
pub fn warn_taken_over(taken_over: Option<&Lock>, progress: &mut Progress) {
    if let Some(held) = taken_over {
        progress.emit(Event::Warning {
            message: format!(
                "taking over the rollout lock of {} (pid {}), whose run is gone",
                held.holder, held.pid
            ),
        });
    }
}

/// The ops that record `me` as the lock holder on `ds` (conditional on its resourceVersion).
fn lock_ops(ds: &DaemonSet, me: &Lock) -> Result<Vec<PatchOperation>, Failure> {
    let mut ops = vec![patch::precondition(ds)];
    ops.extend(patch::set_annotations(
        ds,
        vec![(LOCK_ANNOTATION, me.to_annotation())],
    ));
    Ok(ops)
}

/// The ops that remove the lock from `ds`, when it is still `me`'s; `None` when another run
/// holds it now (it took the lock over) or there is none.
fn unlock_ops(ds: &DaemonSet, me: &Lock) -> Option<Vec<PatchOperation>> {
    recorded_lock(ds)
        .is_some_and(|l| l.host == me.host && l.pid == me.pid)
        .then(|| {
            vec![
                patch::precondition(ds),
                patch::remove_annotation(LOCK_ANNOTATION),
            ]
        })
}

/// Takes the rollout lock on a live DaemonSet before anything changes: a patch conditional on the
/// resourceVersion checked, so two runs starting at once cannot both take it. A conflict (the
/// controller's status writes, mostly) checks the lock again on the DaemonSet read anew.
pub async fn take_lock(
    cluster: &Cluster,
    live: &DaemonSet,
    me: &Lock,
    force: bool,
    progress: &mut Progress,
) -> Result<DaemonSet, Failure> {
    let namespace = live.metadata.namespace.as_deref().unwrap_or_default();
    let name = live.metadata.name.as_deref().unwrap_or_default();
    let (taking, stored) = cluster
        .patch_daemonset_with_retry(namespace, name, live.clone(), false, |ds| {
            Ok::<_, Failure>(TakeLock {
                taken_over: claim_lock(ds, me, force)?,
                ops: lock_ops(ds, me)?,
            })
        })
        .await?;
    warn_taken_over(taking.taken_over.as_ref(), progress);
    Ok(stored)
}

/// Taking the lock: the ops, and the lock of a gone run they take over.
struct TakeLock {
    taken_over: Option<Lock>,
    ops: Vec<PatchOperation>,
}

impl crate::cluster::Planned for TakeLock {
    fn ops(&self) -> Option<&[PatchOperation]> {
        Some(&self.ops)
    }
}

/// Renews the lock for as long as it runs (a run that follows the controller has no state to
/// write); stops when another run took the lock over or it is gone.
pub async fn keep_lock(cluster: Cluster, namespace: String, name: String, mut lock: Lock) {
    loop {
        let renew_at = lock.expires - lock::RENEW_BELOW_SECONDS;
        let wait = u64::try_from((renew_at - now()).max(1)).unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let renewed = lock.renewed(now());
        // `test`: only a lock that is still exactly ours is renewed.
        let ops = [
            patch::test_annotation(LOCK_ANNOTATION, lock.to_annotation()),
            patch::replace_annotation(LOCK_ANNOTATION, renewed.to_annotation()),
        ];
        match cluster
            .patch_daemonset_json(&namespace, &name, &ops, false)
            .await
        {
            Ok(_) => lock = renewed,
            Err(e) if e.retryable => {}
            Err(_) => return,
        }
    }
}

/// Removes the lock when it is still this run's (read anew after a conflict, so a lock another
/// run took over meanwhile stays).
pub async fn drop_lock(cluster: &Cluster, namespace: &str, name: &str, me: &Lock) {
    let Ok(Some(ds)) = cluster.get_daemonset(namespace, name).await else {
        return;
    };
    let dropped = cluster
        .patch_daemonset_with_retry(namespace, name, ds, false, |ds| {
            Ok::<_, Failure>(unlock_ops(ds, me))
        })
        .await;
    if let Err(e) = dropped {
        tracing::debug!(namespace, name, error = %e, "the rollout lock was not removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_lock(held: Option<&Lock>) -> DaemonSet {
        let mut object = json!({
            "metadata": {"name": "agent", "namespace": "ns", "resourceVersion": "9"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {}},
        });
        if let Some(held) = held {
            object["metadata"]["annotations"] = json!({LOCK_ANNOTATION: held.to_annotation()});
        }
        serde_json::from_value(object).unwrap()
    }

    #[test]
    fn the_lock_is_taken_and_dropped_by_what_the_daemonset_read_holds() {
        let at = now();
        let me = Lock::new("me@here".into(), "here".into(), std::process::id(), at);
        let other = |host: &str, pid: u32| Lock::new(format!("ops@{host}"), host.into(), pid, at);
        // (what, lock held, take: Ok(lock taken over) or Err(fragment), drop removes it)
        type Case = (
            &'static str,
            Option<Lock>,
            Result<Option<Lock>, &'static str>,
            bool,
        );
        let gone = other("here", u32::MAX);
        let cases: Vec<Case> = vec![
            ("free", None, Ok(None), false),
            ("ours", Some(me.renewed(at + 5)), Ok(None), true),
            (
                "another run elsewhere holds it",
                Some(other("elsewhere", 7)),
                Err("another rollout of daemonset ns/agent is running: ops@elsewhere (pid 7)"),
                false,
            ),
            (
                "a gone run of this host held it",
                Some(gone.clone()),
                Ok(Some(gone)),
                false,
            ),
        ];
        for (what, held, take, dropped) in cases {
            let ds = with_lock(held.as_ref());
            match (claim_lock(&ds, &me, false), take) {
                (Ok(taken_over), Ok(expected)) => {
                    assert_eq!(taken_over, expected, "{what}");
                    let ops = lock_ops(&ds, &me).unwrap();
                    let text = me.to_annotation();
                    let record = match held {
                        Some(_) => patch::set_annotation(LOCK_ANNOTATION, text),
                        // No annotations yet: the map is added with the lock in it.
                        None => serde_json::from_value(json!({"op": "add",
                            "path": "/metadata/annotations", "value": {LOCK_ANNOTATION: text}}))
                        .unwrap(),
                    };
                    assert_eq!(ops, [patch::precondition(&ds), record], "{what}");
                }
                (Err(e), Err(fragment)) => assert!(e.message.contains(fragment), "{what}: {e}"),
                (got, expected) => panic!("{what}: {got:?} instead of {expected:?}"),
            }
            match unlock_ops(&ds, &me) {
                Some(ops) => {
                    assert!(dropped, "{what}: {ops:?}");
                    assert_eq!(
                        ops,
                        [
                            patch::precondition(&ds),
                            patch::remove_annotation(LOCK_ANNOTATION)
                        ],
                        "{what}"
                    );
                }
                None => assert!(!dropped, "{what}"),
            }
        }
    }
}
