//! Where a DaemonSet's pods run and why not, decided as the DaemonSet controller and the scheduler
//! decide (../shared/reference/daemonset-semantics.md). Pure: nodes and pods come in as values.

pub mod ports;
