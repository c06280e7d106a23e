//! Checks that a pod template can be planned: the parts of API validation that placement reads
//! (node affinity operators and values, tolerations, quantities). A plan of an invalid template
//! would be a guess; the API server would reject it.

use k8s_openapi::api::core::v1::{Container, NodeSelectorRequirement, PodSpec};

use super::eligibility::{is_dns_subdomain, validate_label_key};
use crate::manifest::{index_path, key_path};
use crate::quantity::Quantity;

/// The first problem found: (field path under the object, message).
pub type Problem = (String, String);

const POD: &str = "spec.template.spec";

/// Where the template comes from: what the server checks differs between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A manifest, to be created or applied: checked as the server checks a new object.
    Manifest,
    /// An object the server already holds. The server lets an object keep values it rejects in
    /// new ones (an invalid label value in a required node affinity term, which older releases
    /// accepted), so those are left to the placement rules, which match no node with them.
    Live,
}

pub fn check_template(pod: &PodSpec, origin: Origin) -> Result<(), Problem> {
    check_affinity(pod, origin)?;
    check_tolerations(pod)?;
    check_quantities(pod)?;
    check_runtime_class(pod)?;
    check_scheduling_gates(pod)?;
    check_resource_claims(pod)
}

/// `ValidateRuntimeClassName`: a DNS subdomain.
fn check_runtime_class(pod: &PodSpec) -> Result<(), Problem> {
    match pod.runtime_class_name.as_deref() {
        Some(name) if !is_dns_subdomain(name) => Err((
            format!("{POD}.runtimeClassName"),
            format!("{name:?} is not a valid RuntimeClass name (a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)"),
        )),
        _ => Ok(()),
    }
}

/// Gate names are qualified names, each once.
fn check_scheduling_gates(pod: &PodSpec) -> Result<(), Problem> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, gate) in pod.scheduling_gates.iter().flatten().enumerate() {
        let path = format!("{}.name", index_path(&format!("{POD}.schedulingGates"), i));
        validate_label_key(&gate.name).map_err(|why| {
            (
                path.clone(),
                format!("scheduling gate {:?}: {why}", gate.name),
            )
        })?;
        if !seen.insert(gate.name.as_str()) {
            return Err((
                path,
                format!("scheduling gate {:?} is listed twice", gate.name),
            ));
        }
    }
    Ok(())
}

/// Each claim: a DNS label name, once, and exactly one of resourceClaimName and
/// resourceClaimTemplateName (a DNS subdomain); containers may only use claims the pod lists.
fn check_resource_claims(pod: &PodSpec) -> Result<(), Problem> {
    let mut names = std::collections::BTreeSet::new();
    for (i, claim) in pod.resource_claims.iter().flatten().enumerate() {
        let path = index_path(&format!("{POD}.resourceClaims"), i);
        if !is_dns_label(&claim.name) || !names.insert(claim.name.as_str()) {
            return Err((
                format!("{path}.name"),
                format!("resource claim name {:?} must be a DNS label used once (lower-case letters, digits and '-', at most 63 characters)", claim.name),
            ));
        }
        let source = match (&claim.resource_claim_name, &claim.resource_claim_template_name) {
            (Some(name), None) | (None, Some(name)) => name,
            _ => {
                return Err((
                    path,
                    format!("resource claim {:?} needs exactly one of resourceClaimName and resourceClaimTemplateName", claim.name),
                ))
            }
        };
        if !is_dns_subdomain(source) {
            return Err((
                path,
                format!(
                    "resource claim {:?}: {source:?} is not a valid object name",
                    claim.name
                ),
            ));
        }
    }
    for (container_path, container) in containers_with_paths(pod) {
        let claims = container.resources.as_ref().and_then(|r| r.claims.as_ref());
        for (j, used) in claims.into_iter().flatten().enumerate() {
            if !names.contains(used.name.as_str()) {
                return Err((
                    index_path(&format!("{container_path}.resources.claims"), j),
                    format!("container {:?} uses resource claim {:?}, which spec.template.spec.resourceClaims does not list", container.name, used.name),
                ));
            }
        }
    }
    Ok(())
}

fn is_dns_label(text: &str) -> bool {
    text.len() <= 63 && !text.contains('.') && is_dns_subdomain(text)
}

fn check_affinity(pod: &PodSpec, origin: Origin) -> Result<(), Problem> {
    let Some(selector) = super::eligibility::required_node_affinity(pod) else {
        return Ok(());
    };
    let terms_path = format!(
        "{POD}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
    );
    for (i, term) in selector.node_selector_terms.iter().enumerate() {
        let term_path = index_path(&terms_path, i);
        for (j, expression) in term.match_expressions.iter().flatten().enumerate() {
            let path = index_path(&format!("{term_path}.matchExpressions"), j);
            check_expression(expression).map_err(|m| (path.clone(), m))?;
            if origin == Origin::Manifest {
                check_values_are_label_values(expression).map_err(|m| (path, m))?;
            }
        }
        for (j, field) in term.match_fields.iter().flatten().enumerate() {
            let path = index_path(&format!("{term_path}.matchFields"), j);
            if field.key != "metadata.name" {
                return Err((
                    path,
                    format!(
                        "matchFields key {:?}: only metadata.name is supported",
                        field.key
                    ),
                ));
            }
            let values = field.values.as_deref().unwrap_or_default();
            if !matches!(field.operator.as_str(), "In" | "NotIn") || values.len() != 1 {
                return Err((
                    path,
                    "matchFields metadata.name needs operator In or NotIn and exactly one value"
                        .into(),
                ));
            }
        }
    }
    Ok(())
}

fn check_expression(expression: &NodeSelectorRequirement) -> Result<(), String> {
    let values = expression.values.as_deref().unwrap_or_default();
    let key = &expression.key;
    match expression.operator.as_str() {
        "In" | "NotIn" if values.is_empty() => Err(format!(
            "{key} {}: needs at least one value",
            expression.operator
        )),
        "Exists" | "DoesNotExist" if !values.is_empty() => {
            Err(format!("{key} {}: takes no values", expression.operator))
        }
        // Only the count: the API server accepts a value that is not an integer (as of 1.20 and
        // since), and the controller then treats the term as matching no node, which the plan shows.
        "Gt" | "Lt" if values.len() != 1 => Err(format!(
            "{key} {}: needs exactly one value, not {values:?}",
            expression.operator
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => Ok(()),
        other => Err(format!(
            "unknown operator {other:?} for {key} (use In, NotIn, Exists, DoesNotExist, Gt or Lt)"
        )),
    }
}

/// The API server (1.33 to 1.37, for a new object) requires every value of a required node
/// affinity expression to be a valid label value, Gt and Lt included (so no negative numbers).
fn check_values_are_label_values(expression: &NodeSelectorRequirement) -> Result<(), String> {
    let bad = expression
        .values
        .iter()
        .flatten()
        .find(|v| super::eligibility::validate_label_value(v).is_err());
    match bad {
        Some(value) => Err(format!(
            "{} {}: {value:?} is not a valid label value, which the API server rejects (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
            expression.key, expression.operator
        )),
        None => Ok(()),
    }
}

fn check_tolerations(pod: &PodSpec) -> Result<(), Problem> {
    for (i, toleration) in pod.tolerations.iter().flatten().enumerate() {
        let path = index_path(&format!("{POD}.tolerations"), i);
        let operator = toleration.operator.as_deref().unwrap_or("");
        let has_value = toleration.value.as_deref().is_some_and(|v| !v.is_empty());
        match operator {
            "" | "Equal" if toleration.key.as_deref().unwrap_or("").is_empty() => {
                return Err((path, "a toleration with operator Equal needs a key (use operator: Exists to tolerate everything)".into()))
            }
            "Exists" if has_value => {
                return Err((path, "operator Exists takes no value".into()))
            }
            "" | "Equal" | "Exists" => {}
            other => {
                return Err((path, format!("unknown toleration operator {other:?} (use Equal or Exists)")))
            }
        }
        let effect = toleration.effect.as_deref().unwrap_or("");
        if !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            return Err((path, format!("unknown taint effect {effect:?} (use NoSchedule, PreferNoSchedule or NoExecute)")));
        }
    }
    Ok(())
}

/// Init and regular containers, each with its path under the object.
fn containers_with_paths(pod: &PodSpec) -> impl Iterator<Item = (String, &Container)> {
    let lists = [
        (
            "initContainers",
            pod.init_containers.as_deref().unwrap_or_default(),
        ),
        ("containers", pod.containers.as_slice()),
    ];
    lists.into_iter().flat_map(|(list, containers)| {
        containers
            .iter()
            .enumerate()
            .map(move |(i, c)| (index_path(&format!("{POD}.{list}"), i), c))
    })
}

fn check_quantities(pod: &PodSpec) -> Result<(), Problem> {
    for (container_path, container) in containers_with_paths(pod) {
        let Some(resources) = &container.resources else {
            continue;
        };
        for (kind, values) in [
            ("requests", &resources.requests),
            ("limits", &resources.limits),
        ] {
            for (name, quantity) in values.iter().flatten() {
                let path = key_path(&format!("{container_path}.resources.{kind}"), name);
                Quantity::parse(&quantity.0).map_err(|e| (path, e.to_string()))?;
            }
        }
    }
    for (name, quantity) in pod.overhead.iter().flatten() {
        Quantity::parse(&quantity.0)
            .map_err(|e| (key_path(&format!("{POD}.overhead"), name), e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each pod spec is refused with a message holding `want`, at a path inside the pod
    /// template, or accepted when `want` is `None`.
    fn check(cases: &[(serde_json::Value, Option<&str>)]) {
        for (pod, want) in cases {
            let pod: PodSpec = serde_json::from_value(pod.clone()).unwrap();
            match (check_template(&pod, Origin::Manifest), want) {
                (Ok(()), None) => {}
                (Err((path, message)), Some(want)) => {
                    assert!(message.contains(want), "{path}: {message}");
                    assert!(path.starts_with("spec.template.spec."), "{path}");
                }
                (got, want) => panic!("{got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn finds_node_affinity_the_api_server_would_reject() {
        let affinity = |expression: serde_json::Value| json!({"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [expression]}]}}}});
        check(&[
            (json!({"containers": [{"name": "c"}]}), None),
            (
                affinity(json!({"key": "zone", "operator": "In", "values": ["a"]})),
                None,
            ),
            (
                affinity(json!({"key": "cores", "operator": "Gt", "values": ["4"]})),
                None,
            ),
            (
                affinity(json!({"key": "zone", "operator": "Equals", "values": ["a"]})),
                Some("unknown operator"),
            ),
            // Accepted by the API server; the term then matches no node (see eligibility).
            (
                affinity(json!({"key": "cores", "operator": "Gt", "values": ["four"]})),
                None,
            ),
            (
                affinity(json!({"key": "cores", "operator": "Lt", "values": ["1", "2"]})),
                Some("exactly one value"),
            ),
            (
                affinity(json!({"key": "rank", "operator": "Gt", "values": ["-1"]})),
                Some("\"-1\" is not a valid label value"),
            ),
            (
                affinity(json!({"key": "zone", "operator": "In", "values": ["a", "a b"]})),
                Some("\"a b\" is not a valid label value"),
            ),
            (
                affinity(json!({"key": "zone", "operator": "NotIn", "values": [""]})),
                None,
            ),
            (
                affinity(json!({"key": "zone", "operator": "In"})),
                Some("at least one value"),
            ),
            (
                affinity(json!({"key": "zone", "operator": "Exists", "values": ["a"]})),
                Some("takes no values"),
            ),
        ]);
    }

    #[test]
    fn finds_tolerations_and_quantities_the_api_server_would_reject() {
        check(&[
            (
                json!({"containers": [{"name": "c"}], "tolerations": [{"key": "k", "operator": "Exists", "value": "v"}]}),
                Some("takes no value"),
            ),
            (
                json!({"containers": [{"name": "c"}], "tolerations": [{"key": "k", "operator": "Like"}]}),
                Some("unknown toleration operator"),
            ),
            (
                json!({"containers": [{"name": "c"}], "tolerations": [{"operator": "Equal", "value": "v"}]}),
                Some("needs a key"),
            ),
            (
                json!({"containers": [{"name": "c"}], "tolerations": [{"key": "k", "effect": "NoRun"}]}),
                Some("unknown taint effect"),
            ),
            (
                json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "two"}}}]}),
                Some("not a quantity"),
            ),
        ]);
    }

    #[test]
    fn finds_runtime_classes_gates_and_claims_the_api_server_would_reject() {
        check(&[
            (
                json!({"containers": [{"name": "c"}], "runtimeClassName": "kata"}),
                None,
            ),
            (
                json!({"containers": [{"name": "c"}], "runtimeClassName": "Kata_Containers"}),
                Some("not a valid RuntimeClass name"),
            ),
            (
                json!({"containers": [{"name": "c"}], "schedulingGates": [{"name": "example.com/wait"}, {"name": "example.com/wait"}]}),
                Some("listed twice"),
            ),
            (
                json!({"containers": [{"name": "c"}], "schedulingGates": [{"name": "not a gate"}]}),
                Some("scheduling gate \"not a gate\""),
            ),
            (
                json!({"containers": [{"name": "c", "resources": {"claims": [{"name": "gpu"}]}}], "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu"}]}),
                None,
            ),
            (
                json!({"containers": [{"name": "c"}], "resourceClaims": [{"name": "gpu"}]}),
                Some("exactly one of resourceClaimName and resourceClaimTemplateName"),
            ),
            (
                json!({"containers": [{"name": "c"}], "resourceClaims": [{"name": "GPU", "resourceClaimName": "gpu"}]}),
                Some("must be a DNS label"),
            ),
            (
                json!({"containers": [{"name": "c", "resources": {"claims": [{"name": "fpga"}]}}], "resourceClaims": [{"name": "gpu", "resourceClaimName": "gpu"}]}),
                Some("uses resource claim \"fpga\""),
            ),
        ]);
    }
}

#[cfg(test)]
mod live_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_live_object_may_keep_values_a_new_one_may_not_have() {
        let pod: PodSpec = serde_json::from_value(json!({"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "rank", "operator": "Gt", "values": ["-1"]}]}]}}}})).unwrap();
        assert!(check_template(&pod, Origin::Live).is_ok());
        assert!(check_template(&pod, Origin::Manifest).is_err());
    }
}
