//! `kubectl ds delete` and `kubectl ds migrate`: tests that orphan DaemonSets, in a test binary of
//! their own. An orphan delete leaves the DaemonSet's ControllerRevisions orphaned, and the 1.20
//! DaemonSet controller lists revisions in every namespace when it looks for ones to adopt: other
//! tests' new DaemonSets running meanwhile were seen numbering their first revision 2. Cargo runs
//! test binaries one after another, so no other test sees those orphans.

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../e2e/rollout_support.rs"]
mod rollout_support;

mod delete;
mod migrate;
