//! End-to-end tests against the local control plane (scripts/testenv). Tests here run in
//! parallel and never add or change nodes; the one that does is in tests/agreement, the one that
//! restarts the API server in tests/disruption, and those that orphan DaemonSets in tests/orphans.
//! Without a control plane (a plain `cargo test`), each test that needs one starts with
//! `require_cluster!()` and returns at once; `scripts/test` runs them all.

mod completion;
mod connection;
mod diff;
mod harness;
mod history;
mod lint;
mod lint_agents;
mod lint_cluster;
mod lint_corpus;
mod list;
mod plan;
mod plan_current;
mod prometheus;
mod rbac;
#[allow(dead_code)] // shared with tests/disruption, which uses another part of it
mod rbac_support;
mod rollout_apply;
mod rollout_control;
mod rollout_engine;
mod rollout_gates;
mod rollout_prepull;
mod rollout_rolling;
mod rollout_status;
mod rollout_support;
mod rollout_surge;
mod validation;
