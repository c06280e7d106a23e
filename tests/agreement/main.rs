//! `kubectl ds plan` against the real DaemonSet controller. This test creates Node objects, which
//! every other end-to-end test would see, so it lives in its own test binary: cargo runs test
//! binaries one after another, never two at once.

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;
mod plan_agreement;
