//! Orchestration: what talks to the cluster over time on behalf of a command. The ondelete engine
//! (`ondelete`), the follower of the native RollingUpdate controller (`rolling`), applying a
//! manifest in either mode (`apply`), delete-and-verify (`delete`) and `migrate`. The decisions
//! are pure functions of the core (`crate::rollout`, `crate::daemonset`); this layer reads the
//! cluster, asks them, acts, and reports through a progress sink (`crate::render::progress`).

pub mod apply;
pub mod delete;
pub mod drain;
pub mod gate;
pub mod gating;
pub mod interrupt;
pub mod lock;
pub mod migrate;
pub mod ondelete;
pub mod retry;
pub mod rolling;
pub mod rolling_gate;

use crate::error::{ExitStatus, Failure};

/// What a command that ran to the end wants the process to exit with (0, or 1 for findings).
pub type Outcome = ExitStatus;

/// Connects when the command needs the cluster, and resolves the namespace for objects that name
/// none: the connection's (from -n or the context), else -n, else "default".
pub async fn connect_if(
    needed: bool,
    connection: &crate::cli::ConnectionArgs,
) -> Result<(Option<crate::cluster::Cluster>, String), Failure> {
    let cluster = match needed {
        true => Some(crate::cluster::connect(connection).await?),
        false => None,
    };
    let namespace = match (&cluster, &connection.namespace) {
        (Some(cluster), _) => cluster.namespace.clone(),
        (None, Some(namespace)) => namespace.clone(),
        (None, None) => "default".to_string(),
    };
    Ok((cluster, namespace))
}

/// The one line for a DaemonSet that is not there: bad input (exit 2), with where to look.
pub fn not_found(name: &str, namespace: &str) -> Failure {
    Failure::usage(format!(
        "daemonset {namespace}/{name} not found; check the name and -n (kubectl ds list -A shows them all)"
    ))
}

/// Connects and reads the named DaemonSet from the namespace in effect; a missing one is bad input.
pub async fn live_daemonset(
    global: &crate::cli::GlobalArgs,
    name: &str,
) -> anyhow::Result<(
    crate::cluster::Cluster,
    String,
    k8s_openapi::api::apps::v1::DaemonSet,
)> {
    let (cluster, namespace) = connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let ds = cluster
        .get_daemonset(&namespace, name)
        .await?
        .ok_or_else(|| not_found(name, &namespace))?;
    Ok((cluster, namespace, ds))
}

/// The ControllerRevisions a live DaemonSet owns, oldest first.
pub async fn owned_revisions(
    cluster: &crate::cluster::Cluster,
    namespace: &str,
    ds: &k8s_openapi::api::apps::v1::DaemonSet,
) -> Result<Vec<k8s_openapi::api::apps::v1::ControllerRevision>, Failure> {
    let uid = ds.metadata.uid.as_deref().unwrap_or_default();
    let all = cluster
        .list_controller_revisions(&crate::cluster::Scope::Namespace(namespace.to_string()))
        .await?;
    Ok(crate::daemonset::history::owned_revisions(all, uid))
}

/// A followed DaemonSet that comes back with another uid was deleted and created again: what is
/// being followed is gone, so following stops.
pub fn ensure_same(
    seen: &k8s_openapi::api::apps::v1::DaemonSet,
    uid: &str,
    (namespace, name): (&str, &str),
    during: &str,
) -> Result<(), crate::error::Failure> {
    match seen.metadata.uid.as_deref() == Some(uid) {
        true => Ok(()),
        false => Err(crate::error::Failure::api(format!(
            "daemonset {namespace}/{name} was deleted and created again {during}"
        ))),
    }
}

/// A RollingUpdate DaemonSet `demo/agent` with one container, for the rollout commands' unit tests.
#[cfg(test)]
pub(crate) fn test_daemonset(
    resource_version: &str,
    image: &str,
    annotations: serde_json::Value,
) -> k8s_openapi::api::apps::v1::DaemonSet {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": "agent", "namespace": "demo", "resourceVersion": resource_version, "annotations": annotations},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"spec": {"containers": [{"name": "agent", "image": image}]}},
            "updateStrategy": {"type": "RollingUpdate"},
        },
    }))
    .expect("a valid DaemonSet")
}
