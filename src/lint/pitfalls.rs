//! DS2xx: DaemonSet pitfalls that generic linters miss (../shared/reference/anchors.md).

use super::Rule;

pub const RULES: &[Rule] = &[];
