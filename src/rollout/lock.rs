//! The rollout lock: one controlled rollout per DaemonSet at a time. The holder and an expiry are
//! recorded on the DaemonSet (renewed while the run is alive), so a second run is refused while the
//! first one lives, and a crashed run's lock can be taken over: at once when it was held by a process
//! on this machine that no longer exists, otherwise once it has expired and with `--force`.

use serde::{Deserialize, Serialize};

/// The annotation holding the lock as JSON.
pub const LOCK_ANNOTATION: &str = "rollout.kubectl-ds.io/lock";

/// How long a lock lives without being renewed.
pub const LOCK_TTL_SECONDS: i64 = 60;

/// Renew when less than this much of the lock's life is left.
pub const RENEW_BELOW_SECONDS: i64 = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
    /// `user@host` for people reading the annotation.
    pub holder: String,
    pub host: String,
    pub pid: u32,
    /// Seconds since the epoch.
    pub expires: i64,
}

/// How a run may hold the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Nobody holds it.
    Free,
    /// This process holds it already.
    Ours,
    /// Its holder was a process on this machine that is gone (killed, crashed).
    HolderGone,
    /// It expired and `--force` takes it over.
    Expired,
}

impl Lock {
    pub fn new(holder: String, host: String, pid: u32, now: i64) -> Self {
        Self {
            holder,
            host,
            pid,
            expires: now + LOCK_TTL_SECONDS,
        }
    }

    pub fn renewed(&self, now: i64) -> Self {
        Self {
            expires: now + LOCK_TTL_SECONDS,
            ..self.clone()
        }
    }

    /// The annotation's text: the lock as JSON, with the characters Go's encoder escapes (`<`,
    /// `>`, `&`, U+2028, U+2029) written as `\u` escapes too, inside its strings (the only place
    /// JSON text can hold them). The renewal tests the annotation for this exact text, and the
    /// API server compares a tested string by its Go encoding: a holder `a&b` left as it is would
    /// never test equal, and the run would lose its lock.
    pub fn to_annotation(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut text = String::with_capacity(json.len());
        for c in json.chars() {
            match c {
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                    text.push_str(&format!("\\u{:04x}", u32::from(c)))
                }
                c => text.push(c),
            }
        }
        text
    }

    pub fn needs_renewal(&self, now: i64) -> bool {
        self.expires - now < RENEW_BELOW_SECONDS
    }

    fn same_holder(&self, other: &Lock) -> bool {
        self.host == other.host && self.pid == other.pid
    }

    fn describe(&self) -> String {
        format!("{} (pid {})", self.holder, self.pid)
    }
}

/// Whether `me` may hold the lock now; `alive` says whether a process of this machine exists.
/// The error is the one line to show.
pub fn claim(
    (namespace, name): (&str, &str),
    existing: Option<&Lock>,
    me: &Lock,
    now: i64,
    force: bool,
    alive: impl Fn(u32) -> bool,
) -> Result<Claim, String> {
    let Some(held) = existing else {
        return Ok(Claim::Free);
    };
    if held.same_holder(me) {
        return Ok(Claim::Ours);
    }
    if held.host == me.host && !alive(held.pid) {
        return Ok(Claim::HolderGone);
    }
    if held.expires > now {
        return Err(format!(
            "another rollout of daemonset {namespace}/{name} is running: {} holds its lock until {} (renewed while it runs); wait for it to finish, or stop it (Ctrl-C pauses it)",
            held.describe(),
            timestamp(held.expires)
        ));
    }
    if force {
        return Ok(Claim::Expired);
    }
    Err(format!(
        "the rollout lock of daemonset {namespace}/{name} is held by {}, whose run stopped renewing it (expired {}); if that run is gone, add --force to take it over",
        held.describe(),
        timestamp(held.expires)
    ))
}

fn timestamp(seconds: i64) -> String {
    k8s_openapi::jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn lock(host: &str, pid: u32, expires: i64) -> Lock {
        Lock {
            holder: format!("ops@{host}"),
            host: host.into(),
            pid,
            expires,
        }
    }

    #[test]
    fn the_annotation_reads_back_and_the_server_can_test_it() {
        for holder in [
            "ops@a",
            "a&b@<host>",
            "x\u{2028}y\u{2029}",
            "quote\"back\\slash\n",
        ] {
            let mut held = lock("a", 10, NOW);
            held.holder = holder.into();
            let text = held.to_annotation();
            assert!(crate::daemonset::patch::testable(&text), "{text}");
            assert_eq!(
                serde_json::from_str::<Lock>(&text).ok(),
                Some(held),
                "{text}"
            );
        }
    }

    #[test]
    fn who_may_take_the_lock() {
        let me = lock("a", 10, NOW + LOCK_TTL_SECONDS);
        let alive = |pid: u32| pid == 20;
        type Case = (
            &'static str,
            Option<Lock>,
            bool,
            Result<Claim, &'static str>,
        );
        let cases: Vec<Case> = vec![
            ("free", None, false, Ok(Claim::Free)),
            ("ours", Some(lock("a", 10, NOW + 5)), false, Ok(Claim::Ours)),
            (
                "a live process here",
                Some(lock("a", 20, NOW + 30)),
                true,
                Err("another rollout of daemonset demo/agent is running"),
            ),
            (
                "a dead process here, even before expiry",
                Some(lock("a", 30, NOW + 30)),
                false,
                Ok(Claim::HolderGone),
            ),
            (
                "another machine, not expired, even with --force",
                Some(lock("b", 30, NOW + 30)),
                true,
                Err("another rollout"),
            ),
            (
                "another machine, expired, without --force",
                Some(lock("b", 30, NOW - 1)),
                false,
                Err("the rollout lock of daemonset demo/agent is held by"),
            ),
            (
                "another machine, expired, with --force",
                Some(lock("b", 30, NOW - 1)),
                true,
                Ok(Claim::Expired),
            ),
        ];
        for (what, existing, force, want) in cases {
            let got = claim(("demo", "agent"), existing.as_ref(), &me, NOW, force, alive);
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{what}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{what}: {got}"),
                (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn renewal_keeps_the_holder_and_moves_the_expiry() {
        let me = Lock::new("ops@a".into(), "a".into(), 10, NOW);
        assert!(!me.needs_renewal(NOW + 10));
        assert!(me.needs_renewal(NOW + 25));
        let renewed = me.renewed(NOW + 25);
        assert_eq!(renewed.expires, NOW + 25 + LOCK_TTL_SECONDS);
        assert!(renewed.same_holder(&me));
    }
}
