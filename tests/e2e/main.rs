//! End-to-end tests against the local control plane (scripts/testenv). Tests here run in
//! parallel and never add or change nodes; the one that does is in tests/agreement.

mod connection;
mod delete;
mod diff;
mod harness;
mod history;
mod lint;
mod lint_agents;
mod lint_cluster;
mod list;
mod migrate;
mod plan;
mod rollout_apply;
mod rollout_control;
mod rollout_engine;
mod rollout_rolling;
mod rollout_status;
mod rollout_support;
