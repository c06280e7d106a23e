//! How the ondelete engine treats the nodes themselves: NotReady and unreachable nodes deferred
//! or waited for, pods stuck terminating force-deleted after an age, drains before the agent is
//! replaced, and image pre-pulls. One model whether it comes from flags or from the `nodes:`
//! section of an analysis file; recorded in the rollout state in the file's form, so `rollout
//! resume` treats the nodes the same way.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::nodes::NodeHealth;
use super::waves::Wave;
use crate::clock::{format_duration, parse_duration};

pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(300);
pub const DEFAULT_PREPULL_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawNodePolicy", into = "RawNodePolicy")]
pub struct NodePolicy {
    /// Wait for sick nodes under the progress deadline instead of deferring them.
    pub include_not_ready: bool,
    /// Force-delete pods stuck terminating on nodes sick for longer than this.
    pub force_delete_stuck: Option<Duration>,
    pub drain: Option<Drain>,
    pub prepull: Option<Prepull>,
}

/// Drain each node before its agent is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drain {
    /// How long evicting one node's pods may take.
    pub timeout: Duration,
    /// Evict pods with emptyDir volumes too.
    pub delete_emptydir_data: bool,
    /// Evict pods without a controller too.
    pub force: bool,
}

/// Pull the new images onto a wave's nodes before its first deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepull {
    /// How long to wait for the pulls before going on without them.
    pub timeout: Duration,
}

impl NodePolicy {
    pub fn is_default(&self) -> bool {
        *self == NodePolicy::default()
    }

    /// The flags over this policy (a file's, or the defaults): a flag given wins; a setting of
    /// drain or pre-pull without drain or pre-pull on is refused.
    pub fn with_flags(mut self, flags: &crate::cli::NodeArgs) -> Result<Self, String> {
        self.include_not_ready |= flags.include_not_ready;
        if flags.force_delete_stuck.is_some() {
            self.force_delete_stuck = flags.force_delete_stuck;
        }
        if flags.drain && self.drain.is_none() {
            self.drain = Some(Drain::default());
        }
        let drain_settings = [
            ("--drain-timeout", flags.drain_timeout.is_some()),
            ("--delete-emptydir-data", flags.delete_emptydir_data),
            ("--drain-force", flags.drain_force),
        ];
        match self.drain.as_mut() {
            Some(drain) => {
                drain.timeout = flags.drain_timeout.unwrap_or(drain.timeout);
                drain.delete_emptydir_data |= flags.delete_emptydir_data;
                drain.force |= flags.drain_force;
            }
            None => {
                if let Some((flag, _)) = drain_settings.iter().find(|(_, given)| *given) {
                    return Err(format!("{flag} applies to a drain: add --drain"));
                }
            }
        }
        if flags.prepull && self.prepull.is_none() {
            self.prepull = Some(Prepull::default());
        }
        match (self.prepull.as_mut(), flags.prepull_timeout) {
            (Some(prepull), Some(timeout)) => prepull.timeout = timeout,
            (None, Some(_)) => {
                return Err("--prepull-timeout applies to a pre-pull: add --prepull".into())
            }
            _ => {}
        }
        self.validate()?;
        Ok(self)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.drain.as_ref().is_some_and(|d| d.timeout.is_zero()) {
            return Err("the drain timeout must be longer than 0s".into());
        }
        Ok(())
    }

    /// The policy in a line per setting, for a dry run's plan; empty for the defaults.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        lines.push(match self.include_not_ready {
            true => "NotReady and unreachable nodes: waited for, under the progress deadline (--include-not-ready)".to_string(),
            false => "NotReady and unreachable nodes: deferred (their old pods left alone); the run ends incomplete naming them".to_string(),
        });
        if let Some(age) = self.force_delete_stuck {
            lines.push(format!(
                "pods stuck terminating: deleted with grace period 0 once their node has been NotReady for {}",
                format_duration(age)
            ));
        }
        if let Some(drain) = &self.drain {
            let mut also = Vec::new();
            if drain.delete_emptydir_data {
                also.push("pods with emptyDir volumes");
            }
            if drain.force {
                also.push("pods without a controller");
            }
            let also = match also.is_empty() {
                true => String::new(),
                false => format!(", also {}", also.join(" and ")),
            };
            lines.push(format!(
                "drain: per node cordon, evict its other pods (PodDisruptionBudgets honoured, timeout {}{also}), replace the agent, uncordon after the wave's gate",
                format_duration(drain.timeout)
            ));
        }
        if let Some(prepull) = &self.prepull {
            lines.push(format!(
                "pre-pull: the new images onto each wave's nodes before its first deletion (a helper pod per node, timeout {})",
                format_duration(prepull.timeout)
            ));
        }
        lines
    }

    /// What a dry run shows of the nodes: the policy, each sick node (deferred or waited for),
    /// and per wave the pre-pull and drain steps over its nodes to update.
    pub fn plan_lines(
        &self,
        waves: &[Wave],
        health: &BTreeMap<String, NodeHealth>,
        images: &[String],
    ) -> Vec<String> {
        let mut lines = self.summary();
        for (node, sick) in health.iter().filter(|(_, h)| !h.is_ready()) {
            let since = sick
                .sick_since()
                .map(|s| format!(" since {}", crate::clock::rfc3339(s)))
                .unwrap_or_default();
            let fate = match self.include_not_ready {
                true => "waited for under the progress deadline",
                false => "deferred",
            };
            lines.push(format!("{node}: {}{since}: {fate}", sick.describe()));
        }
        for (index, wave) in waves.iter().enumerate() {
            let nodes: Vec<&str> = wave
                .nodes
                .iter()
                .filter(|n| self.include_not_ready || health.get(*n).is_none_or(|h| h.is_ready()))
                .map(String::as_str)
                .collect();
            let mut steps = Vec::new();
            if self.prepull.is_some() && !nodes.is_empty() {
                steps.push(format!(
                    "pre-pull {} on {}",
                    images.join(", "),
                    nodes.join(", ")
                ));
            }
            if self.drain.is_some() && !nodes.is_empty() {
                steps.push(format!(
                    "drain {} (cordon, evict, replace the agent; uncordon after the gate)",
                    nodes.join(", ")
                ));
            }
            if !steps.is_empty() {
                lines.push(format!(
                    "wave {}/{}: {}",
                    index + 1,
                    waves.len(),
                    steps.join("; then ")
                ));
            }
        }
        lines
    }

    /// Reads the `nodes:` section of an analysis file (other keys are the gate's).
    pub fn from_analysis_yaml(file: &str, text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Section {
            nodes: Option<NodePolicy>,
        }
        let section: Section =
            serde_yaml::from_str(text).map_err(|e| format!("{file}: nodes: {e}"))?;
        Ok(section.nodes.unwrap_or_default())
    }
}

impl Default for Drain {
    fn default() -> Self {
        Drain {
            timeout: DEFAULT_DRAIN_TIMEOUT,
            delete_emptydir_data: false,
            force: false,
        }
    }
}

impl Default for Prepull {
    fn default() -> Self {
        Prepull {
            timeout: DEFAULT_PREPULL_TIMEOUT,
        }
    }
}

/// The file's (and the record's) form.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawNodePolicy {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    include_not_ready: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    force_delete_stuck: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    drain: Option<RawSwitch<RawDrain>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prepull: Option<RawSwitch<RawPrepull>>,
}

/// `drain: true` or `drain: {timeout: 5m, ...}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum RawSwitch<T> {
    On(bool),
    Settings(T),
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawDrain {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout: Option<String>,
    #[serde(default, rename = "deleteEmptyDirData")]
    delete_emptydir_data: bool,
    #[serde(default)]
    force: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPrepull {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout: Option<String>,
}

fn duration_of(what: &str, text: Option<String>, default: Duration) -> Result<Duration, String> {
    match text {
        Some(text) => parse_duration(&text).map_err(|e| format!("{what}: {e}")),
        None => Ok(default),
    }
}

impl<T: Default> RawSwitch<T> {
    fn settings(this: Option<Self>) -> Option<T> {
        match this? {
            RawSwitch::On(false) => None,
            RawSwitch::On(true) => Some(T::default()),
            RawSwitch::Settings(settings) => Some(settings),
        }
    }
}

impl TryFrom<RawNodePolicy> for NodePolicy {
    type Error = String;

    fn try_from(raw: RawNodePolicy) -> Result<Self, String> {
        let force_delete_stuck = match raw.force_delete_stuck {
            Some(text) => Some(duration_of("forceDeleteStuck", Some(text), Duration::ZERO)?),
            None => None,
        };
        let drain = match RawSwitch::settings(raw.drain) {
            Some(d) => Some(Drain {
                timeout: duration_of("drain.timeout", d.timeout, DEFAULT_DRAIN_TIMEOUT)?,
                delete_emptydir_data: d.delete_emptydir_data,
                force: d.force,
            }),
            None => None,
        };
        let prepull = match RawSwitch::settings(raw.prepull) {
            Some(p) => Some(Prepull {
                timeout: duration_of("prepull.timeout", p.timeout, DEFAULT_PREPULL_TIMEOUT)?,
            }),
            None => None,
        };
        let policy = NodePolicy {
            include_not_ready: raw.include_not_ready,
            force_delete_stuck,
            drain,
            prepull,
        };
        policy.validate()?;
        Ok(policy)
    }
}

impl From<NodePolicy> for RawNodePolicy {
    fn from(policy: NodePolicy) -> Self {
        RawNodePolicy {
            include_not_ready: policy.include_not_ready,
            force_delete_stuck: policy.force_delete_stuck.map(format_duration),
            drain: policy.drain.map(|d| {
                RawSwitch::Settings(RawDrain {
                    timeout: Some(format_duration(d.timeout)),
                    delete_emptydir_data: d.delete_emptydir_data,
                    force: d.force,
                })
            }),
            prepull: policy.prepull.map(|p| {
                RawSwitch::Settings(RawPrepull {
                    timeout: Some(format_duration(p.timeout)),
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::NodeArgs;

    #[test]
    fn the_file_section_reads_in_its_short_and_long_forms() {
        let cases: [(&str, NodePolicy); 4] = [
            ("checks: [true]\n", NodePolicy::default()),
            (
                "nodes:\n  includeNotReady: true\n  drain: true\n  prepull: true\n",
                NodePolicy {
                    include_not_ready: true,
                    drain: Some(Drain::default()),
                    prepull: Some(Prepull::default()),
                    ..NodePolicy::default()
                },
            ),
            (
                "nodes:\n  forceDeleteStuck: 10m\n  drain: {timeout: 1m, deleteEmptyDirData: true, force: true}\n  prepull: {timeout: 30s}\n",
                NodePolicy {
                    include_not_ready: false,
                    force_delete_stuck: Some(Duration::from_secs(600)),
                    drain: Some(Drain {
                        timeout: Duration::from_secs(60),
                        delete_emptydir_data: true,
                        force: true,
                    }),
                    prepull: Some(Prepull {
                        timeout: Duration::from_secs(30),
                    }),
                },
            ),
            ("nodes:\n  drain: false\n", NodePolicy::default()),
        ];
        for (text, want) in cases {
            let got = NodePolicy::from_analysis_yaml("a.yaml", text).unwrap();
            assert_eq!(got, want, "{text}");
            // The record reads back as it was written.
            let record = serde_json::to_string(&got).unwrap();
            assert_eq!(serde_json::from_str::<NodePolicy>(&record).unwrap(), got);
        }
    }

    #[test]
    fn a_misspelt_or_malformed_setting_is_refused_naming_it() {
        for (text, wanted) in [
            ("nodes:\n  drian: true\n", "unknown field `drian`"),
            ("nodes:\n  forceDeleteStuck: soon\n", "forceDeleteStuck"),
            ("nodes:\n  drain: {timeout: 0s}\n", "drain timeout"),
        ] {
            let error = NodePolicy::from_analysis_yaml("a.yaml", text).unwrap_err();
            assert!(error.contains(wanted), "{text}: {error}");
        }
    }

    #[test]
    fn flags_override_the_file_and_settings_need_their_switch() {
        let file = NodePolicy {
            drain: Some(Drain::default()),
            ..NodePolicy::default()
        };
        let flags = NodeArgs {
            drain_timeout: Some(Duration::from_secs(90)),
            drain_force: true,
            prepull: true,
            ..NodeArgs::default()
        };
        let got = file.with_flags(&flags).unwrap();
        assert_eq!(got.drain.as_ref().unwrap().timeout, Duration::from_secs(90));
        assert!(got.drain.as_ref().unwrap().force);
        assert_eq!(got.prepull, Some(Prepull::default()));
        for (flags, wanted) in [
            (
                NodeArgs {
                    delete_emptydir_data: true,
                    ..NodeArgs::default()
                },
                "--delete-emptydir-data applies to a drain: add --drain",
            ),
            (
                NodeArgs {
                    prepull_timeout: Some(Duration::from_secs(1)),
                    ..NodeArgs::default()
                },
                "--prepull-timeout applies to a pre-pull: add --prepull",
            ),
        ] {
            assert_eq!(
                NodePolicy::default().with_flags(&flags).unwrap_err(),
                wanted
            );
        }
    }

    #[test]
    fn a_dry_run_shows_the_sick_nodes_and_each_waves_prepull_and_drain() {
        let waves = vec![
            Wave {
                canary: true,
                nodes: vec!["a".into()],
            },
            Wave {
                canary: false,
                nodes: vec!["b".into(), "c".into()],
            },
        ];
        let health: BTreeMap<String, NodeHealth> = [
            ("a".to_string(), NodeHealth::Ready),
            ("b".to_string(), NodeHealth::Ready),
            ("c".to_string(), NodeHealth::Unreachable { since: Some(0) }),
        ]
        .into();
        let policy = NodePolicy {
            drain: Some(Drain::default()),
            prepull: Some(Prepull::default()),
            ..NodePolicy::default()
        };
        let lines = policy.plan_lines(&waves, &health, &["agent:2".to_string()]);
        assert!(
            lines.contains(&"c: unreachable since 1970-01-01T00:00:00Z: deferred".to_string()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"wave 1/2: pre-pull agent:2 on a; then drain a (cordon, evict, replace the agent; uncordon after the gate)".to_string()), "{lines:#?}");
        assert!(lines.contains(&"wave 2/2: pre-pull agent:2 on b; then drain b (cordon, evict, replace the agent; uncordon after the gate)".to_string()), "{lines:#?}");
        let waiting = NodePolicy {
            include_not_ready: true,
            ..NodePolicy::default()
        };
        let lines = waiting.plan_lines(&waves, &health, &[]);
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("waited for under the progress deadline")),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("wave")), "{lines:#?}");
    }
}
