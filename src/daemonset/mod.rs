//! DaemonSet logic without I/O: what the API objects mean, computed and unit tested here.

pub mod budget;
pub mod history;
pub mod pause;
pub mod selector;
pub mod summary;
