//! Where a DaemonSet's pods run and why not, decided as the DaemonSet controller and the scheduler
//! decide (../shared/reference/daemonset-semantics.md). Pure: nodes and pods come in as values.

pub mod admission;
pub mod eligibility;
pub mod plan;
pub mod pod_security;
pub mod ports;
pub mod report;
pub mod resources;
pub mod validate;

#[allow(unused_imports)] // used by plan (issue 4)
pub use eligibility::{
    controller_tolerations, effective_tolerations, evaluate, match_node_selector, tolerates,
    Eligibility, Exclusion,
};
#[allow(unused_imports)] // used by plan (issue 4)
pub use resources::{fits, pod_requests, Shortfall};
