//! Draining a node: the cordon marked with the rollout that set it, the pods on a node, and
//! evictions through the Eviction API (which asks the pods' PodDisruptionBudgets first).

use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::Resource;

use super::{describe, lost_race, Cluster, Race, Request, ATTEMPTS, FIELD_MANAGER};
use crate::error::Failure;
use crate::rollout::drain::{plan_cordon, plan_uncordon, CordonPlan};

/// How a node came to be cordoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cordoned {
    /// This rollout cordoned it (now, or before it was resumed): it uncordons it.
    ByUs,
    /// Someone else had: the node is left exactly as it was, and stays cordoned.
    Already,
}

/// What an eviction request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eviction {
    /// The server accepted it: the pod is being deleted.
    Evicted,
    /// The pod is not there any more, or its name belongs to another pod now.
    Gone,
    /// Refused for now (429), mostly because a PodDisruptionBudget allows no disruption:
    /// ask again later, after `retry_after` when the server said.
    Blocked {
        retry_after: Option<Duration>,
        message: String,
    },
}

/// The pause before reading a node again after its n-th conflicting write is n times this.
const CONFLICT_BACKOFF: Duration = Duration::from_millis(100);

/// What a conditional write to a node came to.
enum Written {
    Done,
    Conflict,
    Gone,
}

impl Cluster {
    /// Cordons `node` for `owner` (`namespace/daemonset`): one merge patch sets
    /// `spec.unschedulable` and the `cordoned-by` mark together, conditional on the
    /// resourceVersion read, so a cordon set by someone else meanwhile is never taken over (on a
    /// conflict the node is read again and decided anew). A node cordoned already is left alone.
    pub async fn cordon(&self, node: &str, owner: &str) -> Result<Cordoned, Failure> {
        for attempt in 1..=ATTEMPTS {
            let current = self
                .get_node(node)
                .await?
                .ok_or_else(|| Failure::api(format!("node/{node} not found; it was deleted")))?;
            let patch = match plan_cordon(&current, owner) {
                CordonPlan::Ours => return Ok(Cordoned::ByUs),
                CordonPlan::Theirs => return Ok(Cordoned::Already),
                CordonPlan::Patch(patch) => patch,
            };
            match self.patch_node(node, &patch).await? {
                Written::Done => return Ok(Cordoned::ByUs),
                Written::Gone => {
                    return Err(Failure::api(format!(
                        "node/{node} was deleted while it was being cordoned"
                    )))
                }
                Written::Conflict => tokio::time::sleep(CONFLICT_BACKOFF * attempt).await,
            }
        }
        Err(node_conflict(node, "cordoned"))
    }

    /// Uncordons `node` and removes the mark when the mark is `owner`'s; a node cordoned by
    /// someone else, or not at all, is left alone (false), and so is one that no longer exists.
    pub async fn uncordon_if_ours(&self, node: &str, owner: &str) -> Result<bool, Failure> {
        for attempt in 1..=ATTEMPTS {
            let Some(current) = self.get_node(node).await? else {
                return Ok(false);
            };
            let Some(patch) = plan_uncordon(&current, owner) else {
                return Ok(false);
            };
            match self.patch_node(node, &patch).await? {
                Written::Done => return Ok(true),
                Written::Gone => return Ok(false),
                Written::Conflict => tokio::time::sleep(CONFLICT_BACKOFF * attempt).await,
            }
        }
        Err(node_conflict(node, "uncordoned"))
    }

    /// One node, or `None` when it does not exist.
    pub async fn get_node(&self, node: &str) -> Result<Option<Node>, Failure> {
        let api: Api<Node> = Api::all(self.client.clone());
        let request = Request {
            verb: "get",
            resource: "nodes",
            namespace: None,
        };
        api.get_opt(node)
            .await
            .map_err(|e| describe(e, &request, &self.target()))
    }

    async fn patch_node(&self, node: &str, patch: &serde_json::Value) -> Result<Written, Failure> {
        let api: Api<Node> = Api::all(self.client.clone());
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            ..PatchParams::default()
        };
        let request = Request {
            verb: "patch",
            resource: "nodes",
            namespace: None,
        };
        match api.patch(node, &params, &Patch::Merge(patch)).await {
            Ok(_) => Ok(Written::Done),
            Err(e) => match lost_race(&e) {
                Some(Race::Changed) => Ok(Written::Conflict),
                Some(Race::Gone) => Ok(Written::Gone),
                None => Err(describe(e, &request, &self.target())),
            },
        }
    }

    /// Every pod bound to `node`, in every namespace.
    pub async fn pods_on_node(&self, node: &str) -> Result<Vec<Pod>, Failure> {
        let params = ListParams::default().fields(&format!("spec.nodeName={node}"));
        self.list_pages(Api::all(self.client.clone()), "pods", None, params)
            .await
    }

    /// One pod, or `None` when it does not exist.
    pub async fn get_pod(&self, namespace: &str, name: &str) -> Result<Option<Pod>, Failure> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let request = Request {
            verb: "get",
            resource: "pods",
            namespace: Some(namespace),
        };
        api.get_opt(name)
            .await
            .map_err(|e| describe(e, &request, &self.target()))
    }

    /// Evicts a pod through the Eviction API, only if it is still the pod with `uid` (a
    /// precondition checked by the server, so a same-named replacement is never evicted).
    pub async fn evict_pod(
        &self,
        namespace: &str,
        name: &str,
        uid: &str,
    ) -> Result<Eviction, Failure> {
        let request = Request {
            verb: "create",
            resource: "pods/eviction",
            namespace: Some(namespace),
        };
        let http_request = eviction_request(namespace, name, uid)?;
        // Unretried: kube would retry a refusal (429) by itself for minutes before answering.
        let client = self.unretried()?;
        match client.request::<kube::core::Status>(http_request).await {
            Ok(_) => Ok(Eviction::Evicted),
            Err(e) => match lost_race(&e) {
                // 409: the uid precondition failed, the name is another pod's now.
                Some(_) => Ok(Eviction::Gone),
                None => refused_eviction(e, (namespace, name), &request, self),
            },
        }
    }
}

/// The eviction of `namespace/name` as a policy/v1 Eviction with the uid precondition. Built here
/// rather than with `Api::evict`, which names the field `delete_options` where the API reads
/// `deleteOptions`: the server would drop the precondition (with only a warning).
fn eviction_request(
    namespace: &str,
    name: &str,
    uid: &str,
) -> Result<http::Request<Vec<u8>>, Failure> {
    let mut preconditions = serde_json::Map::new();
    if !uid.is_empty() {
        preconditions.insert("uid".into(), uid.into());
    }
    let body = serde_json::json!({
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": namespace},
        "deleteOptions": {"preconditions": preconditions},
    });
    let url = format!("{}/{name}/eviction", Pod::url_path(&(), Some(namespace)));
    let body = serde_json::to_vec(&body).map_err(|e| {
        Failure::api(format!(
            "encoding the eviction of pod {namespace}/{name}: {e}"
        ))
    })?;
    http::Request::post(&url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|e| Failure::api(format!("building the request {url}: {e}")))
}

/// An eviction the server did not accept: a budget that allows no disruption (429) or a
/// terminating namespace (403) are `Blocked`, to ask again; several budgets over one pod
/// (which the Eviction API refuses with 500) or anything else is a failure.
fn refused_eviction(
    error: kube::Error,
    (namespace, name): (&str, &str),
    request: &Request,
    cluster: &Cluster,
) -> Result<Eviction, Failure> {
    let kube::Error::Api(status) = &error else {
        return Err(describe(error, request, &cluster.target()));
    };
    let causes = status
        .details
        .as_ref()
        .map(|d| d.causes.as_slice())
        .unwrap_or_default();
    let namespace_terminating = causes.iter().any(|c| c.reason == "NamespaceTerminating");
    match status.code {
        429 => Ok(Eviction::Blocked {
            retry_after: status
                .details
                .as_ref()
                .map(|d| Duration::from_secs(d.retry_after_seconds.into()))
                .filter(|d| !d.is_zero()),
            message: blocked_message(status),
        }),
        403 if namespace_terminating => Ok(Eviction::Blocked {
            retry_after: None,
            message: blocked_message(status),
        }),
        500 if several_budgets(&status.message) => Err(Failure::api(format!(
            "cannot evict pod {namespace}/{name}: more than one PodDisruptionBudget selects it, which the Eviction API does not support; make the budgets in namespace {namespace} select disjoint pods, then run kubectl ds rollout resume"
        ))),
        _ => Err(describe(error, request, &cluster.target())),
    }
}

/// The server's message and its causes' ("The disruption budget web needs 2 healthy pods and
/// has 2 currently"), on one line.
fn blocked_message(status: &kube::core::Status) -> String {
    let mut parts = vec![status.message.trim().trim_end_matches('.').to_string()];
    if let Some(details) = &status.details {
        parts.extend(
            details
                .causes
                .iter()
                .map(|c| c.message.trim().trim_end_matches('.').to_string())
                .filter(|m| !m.is_empty()),
        );
    }
    parts.retain(|p| !p.is_empty());
    crate::error::one_line(&parts.join(": "))
}

/// The server says "This pod has more than one PodDisruptionBudget, which the eviction
/// subresource does not support."; older ones said "multiple PodDisruptionBudgets".
fn several_budgets(message: &str) -> bool {
    message.contains("more than one PodDisruptionBudget")
        || message.contains("multiple PodDisruptionBudgets")
}

fn node_conflict(node: &str, what: &str) -> Failure {
    Failure::conflict(format!(
        "node/{node} changed every time it was about to be {what} ({ATTEMPTS} attempts); try again"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::response::{StatusCause, StatusDetails};
    use kube::core::Status;

    fn status(code: u16, message: &str, causes: &[(&str, &str)], retry_after: u32) -> Status {
        Status {
            code,
            message: message.into(),
            details: Some(StatusDetails {
                causes: causes
                    .iter()
                    .map(|(reason, message)| StatusCause {
                        reason: reason.to_string(),
                        message: message.to_string(),
                        field: String::new(),
                    })
                    .collect(),
                retry_after_seconds: retry_after,
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
            }),
            ..Status::default()
        }
    }

    #[test]
    fn a_blocked_eviction_says_which_budget_and_why() {
        let budget = status(
            429,
            "Cannot evict pod as it would violate the pod's disruption budget.",
            &[(
                "DisruptionBudget",
                "The disruption budget web needs 2 healthy pods and has 2 currently",
            )],
            0,
        );
        assert_eq!(
            blocked_message(&budget),
            "Cannot evict pod as it would violate the pod's disruption budget: The disruption budget web needs 2 healthy pods and has 2 currently"
        );
        let bare = status(429, "Too many requests, please try again later.", &[], 0);
        assert_eq!(
            blocked_message(&bare),
            "Too many requests, please try again later"
        );
    }

    #[test]
    fn both_wordings_of_several_budgets_are_recognised() {
        for (message, want) in [
            ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", true),
            ("Cannot evict pod as there are multiple PodDisruptionBudgets", true),
            ("etcdserver: request timed out", false),
        ] {
            assert_eq!(several_budgets(message), want, "{message}");
        }
    }

    #[test]
    fn the_eviction_carries_the_uid_precondition_under_the_apis_field_name() {
        let request = eviction_request("apps", "web-1", "u-1").unwrap();
        assert_eq!(request.uri(), "/api/v1/namespaces/apps/pods/web-1/eviction");
        assert_eq!(request.method(), http::Method::POST);
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "apiVersion": "policy/v1", "kind": "Eviction",
                "metadata": {"name": "web-1", "namespace": "apps"},
                "deleteOptions": {"preconditions": {"uid": "u-1"}},
            })
        );
    }
}
