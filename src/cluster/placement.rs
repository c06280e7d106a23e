//! What a placement plan reads from the cluster: nodes, every active pod folded per node, and
//! the objects admission and the scheduler read besides (RuntimeClasses, DRA DeviceClasses, the
//! namespace's labels for Pod Security).

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::DeviceClass;
use kube::api::{Api, ListParams};
use kube::Resource as _;

use super::pages::{items, List};
use super::slim::SlimPod;
use super::Cluster;
use crate::error::ExitStatus;
use crate::error::Failure;
use crate::placement::admission::{self, AdmissionFacts};
use crate::placement::plan::{PlacementInputs, PodIndex};

impl Cluster {
    pub async fn list_runtime_classes(&self) -> Result<Vec<RuntimeClass>, Failure> {
        let api = Api::all(self.client.clone());
        self.list_pages(
            api,
            "runtimeclasses.node.k8s.io",
            None,
            ListParams::default(),
        )
        .await
    }

    /// DeviceClasses; none on a server that does not serve resource.k8s.io/v1 (before 1.34,
    /// or with DRA switched off).
    pub async fn list_device_classes(&self) -> Result<Vec<DeviceClass>, Failure> {
        let api = Api::all(self.client.clone());
        match self
            .list_pages(
                api,
                "deviceclasses.resource.k8s.io",
                None,
                ListParams::default(),
            )
            .await
        {
            Err(failure) if failure.message.starts_with("not found") => Ok(Vec::new()),
            other => other,
        }
    }

    /// What admission needs for pods of `templates` in `namespace`: RuntimeClasses only when a
    /// template names one, DeviceClasses only when one requests an extended resource. A read the
    /// user may not make switches its check off: the second value holds one warning for each.
    pub async fn admission_facts(
        &self,
        namespace: &str,
        templates: &[&PodSpec],
    ) -> (AdmissionFacts, Vec<String>) {
        let mut warnings = Vec::new();
        let mut facts = AdmissionFacts::default();
        if templates.iter().any(|t| admission::names_runtime_class(t)) {
            match self.list_runtime_classes().await {
                Ok(classes) => facts = facts.with_runtime_classes(&classes),
                Err(f) => warnings.push(format!("{}; RuntimeClasses not checked", f.message)),
            }
        }
        if templates
            .iter()
            .any(|t| admission::requests_extended_resources(t))
        {
            match self.list_device_classes().await {
                Ok(classes) => facts = facts.with_device_classes(&classes),
                Err(f) => warnings.push(format!(
                    "{}; extended resources a node lacks may come from DRA (unknown)",
                    f.message
                )),
            }
        }
        match self.get_namespace(namespace).await {
            Ok(found) => {
                facts.namespace_labels =
                    Some(found.and_then(|ns| ns.metadata.labels).unwrap_or_default());
            }
            Err(f) => warnings.push(format!("{}; Pod Security not checked", f.message)),
        }
        (facts, warnings)
    }

    /// Every active pod folded per node, decoded with only the fields the index reads. Without
    /// permission to list pods: `None`, and why.
    pub async fn pod_index(&self) -> Result<Result<PodIndex, String>, Failure> {
        let params = ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed");
        let list = List::cluster_wide(Pod::url_path(&(), None), "pods", params);
        let listed = self
            .fold_pages(list, PodIndex::default(), |index: &mut PodIndex, page| {
                let page = items::<SlimPod>(page)?;
                let count = page.len();
                page.into_iter().for_each(|pod| index.add(&Pod::from(pod)));
                Ok(count)
            })
            .await;
        match listed {
            Ok(index) => Ok(Ok(index)),
            Err(failure) if failure.exit_status() == ExitStatus::Api => Ok(Err(failure.message)),
            Err(failure) => Err(failure),
        }
    }

    /// [`Cluster::list_nodes`] and [`Cluster::pod_index`] at the same time: both lists are
    /// paged, and while the server prepares a page of one, a page of the other can travel.
    pub async fn nodes_and_pod_index(
        &self,
    ) -> (
        Result<Vec<Node>, Failure>,
        Result<Result<PodIndex, String>, Failure>,
    ) {
        tokio::join!(self.list_nodes(), self.pod_index())
    }

    /// Nodes (required), pods and admission facts for planning `template` in `namespace`.
    pub async fn placement_inputs(
        &self,
        namespace: &str,
        template: &PodSpec,
    ) -> Result<PlacementInputs, Failure> {
        let (nodes, pods) = self.nodes_and_pod_index().await;
        let nodes = nodes?;
        let (facts, mut warnings) = self.admission_facts(namespace, &[template]).await;
        let pods = match pods? {
            Ok(index) => Some(index),
            Err(why) => {
                warnings.push(format!("{why}; pods not counted (fit unknown)"));
                None
            }
        };
        Ok(PlacementInputs {
            nodes,
            pods,
            facts,
            warnings,
        })
    }
}
