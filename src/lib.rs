//! `kubectl-ds` as a library: the binary in `main.rs` is a thin shell around `commands::run`, and
//! the fuzz targets in `fuzz/` drive the manifest loader and the lint rules through it.

pub mod cli;
pub mod clock;
pub mod cluster;
pub mod commands;
pub mod complete;
pub mod daemonset;
pub mod diff;
pub mod error;
pub mod lint;
pub mod logging;
pub mod manifest;
pub mod ops;
pub mod placement;
pub mod quantity;
pub mod rbac;
pub mod render;
pub mod rollout;
