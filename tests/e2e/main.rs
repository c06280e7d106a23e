//! End-to-end tests against the local control plane (scripts/testenv).

mod connection;
mod harness;
mod lint;
mod lint_agents;
mod lint_cluster;
mod list;
mod plan_agreement;
