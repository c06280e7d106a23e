//! DS4xx: rules that need the cluster (`--cluster`): what the nodes, pods, PriorityClasses and
//! ServiceAccounts in reach say about the DaemonSet. Objects of those kinds in the input count as
//! present too.

use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::Value;

use super::Rule;

pub const RULES: &[Rule] = &[];

/// What was read from the cluster. A list the user may not read is `None`; its rules then stay
/// quiet (the command warns once) instead of guessing.
#[derive(Debug, Default, Clone)]
pub struct ClusterFacts {
    pub nodes: Vec<Node>,
    pub pods: Option<Vec<Pod>>,
    pub priority_classes: Option<Vec<String>>,
    /// (namespace, name)
    pub service_accounts: Option<Vec<(String, String)>>,
}

impl ClusterFacts {
    /// Builds facts from object values (Nodes, Pods, PriorityClasses, ServiceAccounts), as test
    /// fixtures and offline dumps provide them. Lists of a kind not present stay empty, not `None`.
    pub fn from_objects(values: impl IntoIterator<Item = Value>) -> Result<ClusterFacts, String> {
        let mut facts = ClusterFacts {
            pods: Some(vec![]),
            priority_classes: Some(vec![]),
            service_accounts: Some(vec![]),
            ..ClusterFacts::default()
        };
        for value in values {
            let kind = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            match kind.as_str() {
                "Node" => facts
                    .nodes
                    .push(serde_json::from_value(value).map_err(|e| format!("Node {name}: {e}"))?),
                "Pod" => facts
                    .pods
                    .get_or_insert_with(Vec::new)
                    .push(serde_json::from_value(value).map_err(|e| format!("Pod {name}: {e}"))?),
                "PriorityClass" => facts
                    .priority_classes
                    .get_or_insert_with(Vec::new)
                    .push(name),
                "ServiceAccount" => {
                    let namespace = value
                        .pointer("/metadata/namespace")
                        .and_then(Value::as_str)
                        .unwrap_or("default")
                        .to_string();
                    facts
                        .service_accounts
                        .get_or_insert_with(Vec::new)
                        .push((namespace, name));
                }
                other => return Err(format!("unexpected kind {other:?} in cluster objects")),
            }
        }
        Ok(facts)
    }
}
