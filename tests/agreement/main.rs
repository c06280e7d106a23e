//! `kubectl ds plan` against the real DaemonSet controller. These tests create Node objects, which
//! every other end-to-end test would see, so they live in their own test binary: cargo runs test
//! binaries one after another, never two at once.

use std::sync::Mutex;

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;
mod plan_agreement;
mod update_agreement;
mod update_scenarios;
mod update_settle;

/// Held by each test that adds Node objects: the plan agreement's DaemonSets run on every node,
/// so the update agreement's nodes (and pods on the hollow nodes) must not appear under it.
static API_NODES: Mutex<()> = Mutex::new(());
