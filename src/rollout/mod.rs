//! Controlled rollouts without I/O: the wave plan (canary, waves of max-unavailable, node order)
//! and the recorded state with the decision of the next step, which makes a rollout resumable
//! from anywhere; rolling mode's health gate over the DaemonSet's own controller; and what
//! draining a node before its pod is replaced evicts, skips or refuses. The ops layer drives
//! these against the API.

pub mod analysis;
pub mod drain;
pub mod eviction;
pub mod follow;
pub mod gate;
pub mod health;
pub mod live;
pub mod lock;
pub mod node_policy;
pub mod nodes;
pub mod prepull;
pub mod record;
pub mod rolling;
pub mod rolling_gate;
pub mod state;
pub mod waves;
