//! DS3xx: security and hygiene of the pod template.

use super::Rule;

pub const RULES: &[Rule] = &[];
