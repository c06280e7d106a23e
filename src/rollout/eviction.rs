//! Evictions the API server granted but did not carry out. The eviction subresource first counts
//! the pod in its budget's `status.disruptedPods`, then deletes it; a client killed between the
//! two (kill -9 during a drain) can leave the pod running while the budget counts it disrupted,
//! and the disruption controller keeps it out of the healthy count for two minutes
//! (`DeletionTimeout` in `pkg/controller/disruption/disruption.go`), blocking every other
//! eviction under that budget. Deleting such a pod finishes what the budget already allowed.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

/// Of `pods`, those a budget in their namespace lists as disrupted since they were created, that
/// are not being deleted.
pub fn granted_not_deleted<'a>(pods: &'a [Pod], budgets: &[PodDisruptionBudget]) -> Vec<&'a Pod> {
    pods.iter()
        .filter(|pod| pod.metadata.deletion_timestamp.is_none())
        .filter(|pod| {
            let created = pod.metadata.creation_timestamp.as_ref().map(|t| t.0);
            budgets
                .iter()
                .filter(|b| b.metadata.namespace == pod.metadata.namespace)
                .filter_map(|b| b.status.as_ref()?.disrupted_pods.as_ref())
                .filter_map(|disrupted| disrupted.get(pod.metadata.name.as_deref()?))
                .any(|at| created.is_none_or(|created| at.0 >= created))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, created: &str, deleting: bool) -> Pod {
        let mut meta = json!({"name": name, "namespace": "web", "creationTimestamp": created});
        if deleting {
            meta["deletionTimestamp"] = json!("2026-12-03T10:05:00Z");
        }
        serde_json::from_value(json!({"metadata": meta})).unwrap()
    }

    fn budget(namespace: &str, disrupted: serde_json::Value) -> PodDisruptionBudget {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": namespace},
            "status": {"currentHealthy": 2, "desiredHealthy": 2, "disruptionsAllowed": 0,
                       "expectedPods": 3, "disruptedPods": disrupted}
        }))
        .unwrap()
    }

    #[test]
    fn only_running_pods_granted_an_eviction_since_they_were_created_are_found() {
        let pods = [
            pod("granted", "2026-12-03T10:00:00Z", false),
            pod("deleting", "2026-12-03T10:00:00Z", true),
            // The same name as an earlier pod whose eviction is still listed: a new pod.
            pod("recreated", "2026-12-03T10:04:00Z", false),
            pod("untouched", "2026-12-03T10:00:00Z", false),
        ];
        let listed = json!({
            "granted": "2026-12-03T10:03:00Z",
            "deleting": "2026-12-03T10:03:00Z",
            "recreated": "2026-12-03T10:03:00Z",
        });
        let budgets = [
            budget("web", listed.clone()),
            budget("other", json!({"untouched": "2026-12-03T10:03:00Z"})),
        ];
        let found: Vec<&str> = granted_not_deleted(&pods, &budgets)
            .iter()
            .filter_map(|p| p.metadata.name.as_deref())
            .collect();
        assert_eq!(found, ["granted"]);
    }
}
