//! DS1xx: manifests the API server rejects, or accepts and then silently ignores.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::context::{Ctx, POD};
use super::{placeholder, Hit, Needs, Rule, Severity};
use crate::daemonset::budget::Budget;
use crate::daemonset::selector;
use crate::manifest::{index_path, key_path};
use crate::quantity::Quantity;

pub const RULES: &[Rule] = &[
    Rule {
        id: "DS101",
        name: "selector-missing",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "spec.selector is missing or empty",
        description: "apps/v1 requires spec.selector, and an empty selector would select every pod in \
                      the namespace; the API server rejects both.",
        remediation: "set spec.selector.matchLabels to a stable subset of spec.template.metadata.labels, e.g. app: NAME",
        check: selector_missing,
    },
    Rule {
        id: "DS102",
        name: "selector-mismatch",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "spec.selector does not match the pod template's labels",
        description: "The DaemonSet's pods carry the template labels; a selector that does not match \
                      them is rejected (\"selector does not match template labels\"). An invalid \
                      operator in matchExpressions is rejected too.",
        remediation: "make every matchLabels pair and matchExpressions term true for spec.template.metadata.labels",
        check: selector_mismatch,
    },
    Rule {
        id: "DS103",
        name: "restart-policy",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "the pod template's restartPolicy is not Always",
        description: "DaemonSet pods must restart forever; the API server accepts only Always and \
                      rejects OnFailure and Never, although the schema allows them.",
        remediation: "remove spec.template.spec.restartPolicy or set it to Always",
        check: restart_policy,
    },
    Rule {
        id: "DS104",
        name: "rolling-update-budget",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "maxUnavailable/maxSurge are malformed, above 100%, both zero or both non-zero",
        description: "Exactly one of maxUnavailable and maxSurge must be non-zero, each an integer or \
                      a percentage up to 100%. maxUnavailable defaults to 1, so setting only maxSurge \
                      is rejected too. With both zero the rollout could never make progress.",
        remediation: "use either maxUnavailable: N|N% with maxSurge: 0, or maxSurge: N|N% with maxUnavailable: 0",
        check: rolling_update_budget,
    },
    Rule {
        id: "DS105",
        name: "update-strategy-type",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "updateStrategy.type is neither RollingUpdate nor OnDelete",
        description: "DaemonSets know two strategies, RollingUpdate and OnDelete (Deployment's \
                      Recreate does not exist here); anything else is rejected.",
        remediation: "set spec.updateStrategy.type to RollingUpdate (the default) or OnDelete",
        check: update_strategy_type,
    },
    Rule {
        id: "DS106",
        name: "rolling-update-with-ondelete",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "rollingUpdate settings are given with type OnDelete and are ignored",
        description: "With type OnDelete the controller never replaces pods itself, so \
                      maxUnavailable/maxSurge have no effect; their presence suggests the author \
                      expected a rolling update.",
        remediation: "remove spec.updateStrategy.rollingUpdate, or set type: RollingUpdate if rolling updates were intended",
        check: rolling_update_with_ondelete,
    },
    Rule {
        id: "DS107",
        name: "no-containers",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "the pod template has no containers",
        description: "A pod needs at least one container; the API server rejects an empty list.",
        remediation: "add the agent's container under spec.template.spec.containers",
        check: no_containers,
    },
    Rule {
        id: "DS108",
        name: "duplicate-container-name",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "two containers (init or regular) share a name",
        description: "Container names must be unique across containers and initContainers of a pod.",
        remediation: "rename one of the containers",
        check: duplicate_container_name,
    },
    Rule {
        id: "DS109",
        name: "duplicate-port-name",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "a container lists the same port name twice",
        description: "Port names must be unique within a container; Services and probes refer to \
                      ports by name, and the API server rejects duplicates.",
        remediation: "give each port of the container its own name",
        check: duplicate_port_name,
    },
    Rule {
        id: "DS110",
        name: "invalid-quantity",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "a resource request or limit is not a valid quantity",
        description: "Requests and limits must be Kubernetes quantities such as 100m, 0.5, 128Mi or \
                      1Gi; \"10MB\" or \"1 core\" are rejected, and negative values are invalid.",
        remediation: "write the value as a quantity: CPU in cores or millicores (250m), memory in bytes with Ki/Mi/Gi",
        check: invalid_quantity,
    },
    Rule {
        id: "DS111",
        name: "requests-above-limits",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "a resource request is larger than its limit",
        description: "A request may not exceed the limit for the same resource; the API server \
                      rejects the pod template.",
        remediation: "lower the request or raise the limit so that request <= limit",
        check: requests_above_limits,
    },
    Rule {
        id: "DS112",
        name: "api-version",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "apiVersion is not apps/v1",
        description: "extensions/v1beta1, apps/v1beta1 and apps/v1beta2 DaemonSets were removed in \
                      Kubernetes 1.16; servers reject them. apps/v1 also makes spec.selector \
                      required and immutable.",
        remediation: "set apiVersion: apps/v1 and add spec.selector if it was missing",
        check: api_version,
    },
    Rule {
        id: "DS113",
        name: "unrendered-placeholder",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "a field still holds a template placeholder (__PILLAR__X__, {{ }}, ${VAR})",
        description: "The manifest was never rendered: a kube-up `__PILLAR__...__` value, a Helm, \
                      Jinja or Go template `{{ ... }}`, or an envsubst `${VAR}` is still in it. The \
                      API accepts them as plain text, and the pods then fail on them (an image \
                      that cannot be pulled, a flag the agent rejects) or run with them. `${VAR}` \
                      in an argument of a shell (`sh -c`) is the shell's and not reported; \
                      Kubernetes itself expands only `$(VAR)`.",
        remediation: "render the manifest first (substitute the values, helm template, envsubst), \
                      and lint what you apply",
        check: unrendered_placeholder,
    },
];

fn unrendered_placeholder(ctx: &Ctx) -> Vec<Hit> {
    // Most DaemonSets hold no placeholder marker at all; the text says so without a walk.
    let Ok(text) = serde_json::to_string(ctx.ds()) else {
        return vec![];
    };
    if !["__", "{{", "${"]
        .iter()
        .any(|marker| text.contains(marker))
    {
        return vec![];
    }
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return vec![];
    };
    let shell_containers: Vec<String> = ctx
        .containers()
        .iter()
        .filter(|c| placeholder::is_shell(c.container.command.as_deref().unwrap_or_default()))
        .map(|c| c.path.clone())
        .collect();
    let mut hits = Vec::new();
    walk_strings(&value, String::new(), &mut |path, text| {
        let shell = shell_containers.iter().any(|c| {
            path.starts_with(&format!("{c}.args")) || path.starts_with(&format!("{c}.command"))
        });
        let found = placeholder::find_all(text, shell);
        let message = match found.as_slice() {
            [] => return,
            [one] => format!(
                "{one} is a template placeholder nobody rendered; the API takes it as plain text"
            ),
            many => format!(
                "{} are template placeholders nobody rendered; the API takes them as plain text",
                many.join(", ")
            ),
        };
        hits.push(Hit::new(path, message));
    });
    hits
}

/// Calls `visit` with every string in `value` (keys skipped) and its field path.
fn walk_strings(value: &Value, path: String, visit: &mut dyn FnMut(String, &str)) {
    match value {
        Value::String(text) => visit(path, text),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_strings(item, index_path(&path, i), visit);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                // kubectl's copy of the applied object repeats every field.
                if key != LAST_APPLIED {
                    walk_strings(item, key_path(&path, key), visit);
                }
            }
        }
        _ => {}
    }
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn selector_missing(ctx: &Ctx) -> Vec<Hit> {
    if selector::is_empty(&ctx.spec().selector) {
        vec![Hit::new(
            "spec.selector",
            "spec.selector is missing or empty; apps/v1 requires one",
        )]
    } else {
        vec![]
    }
}

fn selector_mismatch(ctx: &Ctx) -> Vec<Hit> {
    let selector = &ctx.spec().selector;
    if selector::is_empty(selector) {
        return vec![];
    }
    let labels = ctx
        .spec()
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    match selector::matches(selector, &labels) {
        Ok(true) => vec![],
        Ok(false) => vec![Hit::new(
            "spec.selector",
            format!(
                "selector {} does not match the template labels ({})",
                selector::describe(selector),
                describe_labels(&labels)
            ),
        )],
        Err(problem) => vec![Hit::new("spec.selector.matchExpressions", problem)],
    }
}

pub fn describe_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "none".into();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn restart_policy(ctx: &Ctx) -> Vec<Hit> {
    match ctx.pod().restart_policy.as_deref() {
        None | Some("Always") => vec![],
        Some(policy) => vec![Hit::new(
            format!("{POD}.restartPolicy"),
            format!("restartPolicy is {policy}; DaemonSets accept only Always"),
        )],
    }
}

const ROLLING: &str = "spec.updateStrategy.rollingUpdate";

fn rolling_update_budget(ctx: &Ctx) -> Vec<Hit> {
    if ctx.strategy_type() != "RollingUpdate" {
        return vec![];
    }
    let rolling = ctx
        .spec()
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let mut hits = Vec::new();
    let mut parse = |field: &str, value: Option<&_>, default: Budget| -> Option<Budget> {
        let path = format!("{ROLLING}.{field}");
        let Some(value) = value else {
            return Some(default);
        };
        match Budget::parse(value) {
            Ok(budget) if budget.above_100_percent() => {
                hits.push(Hit::new(path, format!("{field} is above 100%")));
                None
            }
            Ok(budget) => Some(budget),
            Err(problem) => {
                hits.push(Hit::new(path, format!("{field}: {problem}")));
                None
            }
        }
    };
    let unavailable = parse(
        "maxUnavailable",
        rolling.and_then(|r| r.max_unavailable.as_ref()),
        Budget::Count(1),
    );
    let surge = parse(
        "maxSurge",
        rolling.and_then(|r| r.max_surge.as_ref()),
        Budget::Count(0),
    );
    if let (Some(unavailable), Some(surge)) = (unavailable, surge) {
        let unavailable_written = rolling.is_some_and(|r| r.max_unavailable.is_some());
        match (unavailable.is_zero(), surge.is_zero()) {
            (true, true) => hits.push(Hit::new(
                format!("{ROLLING}.maxUnavailable"),
                "maxUnavailable and maxSurge are both 0, so no node could ever be updated",
            )),
            (false, false) if unavailable_written => hits.push(Hit::new(
                format!("{ROLLING}.maxSurge"),
                "maxSurge and maxUnavailable are both non-zero; only one of them may be",
            )),
            (false, false) => hits.push(Hit::new(
                format!("{ROLLING}.maxSurge"),
                "maxSurge is set but maxUnavailable defaults to 1; set maxUnavailable: 0 as well",
            )),
            _ => {}
        }
    }
    hits
}

fn update_strategy_type(ctx: &Ctx) -> Vec<Hit> {
    match ctx.strategy_type() {
        "RollingUpdate" | "OnDelete" => vec![],
        other => vec![Hit::new(
            "spec.updateStrategy.type",
            format!("updateStrategy.type {other:?} is not RollingUpdate or OnDelete"),
        )],
    }
}

fn rolling_update_with_ondelete(ctx: &Ctx) -> Vec<Hit> {
    let rolling = ctx
        .spec()
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let has_settings =
        rolling.is_some_and(|r| r.max_unavailable.is_some() || r.max_surge.is_some());
    if ctx.strategy_type() == "OnDelete" && has_settings {
        vec![Hit::new(
            ROLLING,
            "rollingUpdate settings have no effect with updateStrategy.type OnDelete",
        )]
    } else {
        vec![]
    }
}

fn no_containers(ctx: &Ctx) -> Vec<Hit> {
    if ctx.pod().containers.is_empty() {
        vec![Hit::new(
            format!("{POD}.containers"),
            "the pod template has no containers",
        )]
    } else {
        vec![]
    }
}

fn duplicate_container_name(ctx: &Ctx) -> Vec<Hit> {
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut hits = Vec::new();
    for container in ctx.containers() {
        if let Some(first) = seen.get(container.name()) {
            hits.push(Hit::new(
                container.field("name"),
                format!(
                    "container name {:?} is already used at {first}",
                    container.name()
                ),
            ));
        } else {
            seen.insert(container.name(), container.path.clone());
        }
    }
    hits
}

fn duplicate_port_name(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for container in ctx.containers() {
        let mut seen = HashMap::new();
        for (i, port) in container.container.ports.iter().flatten().enumerate() {
            let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            if let Some(first) = seen.insert(name, i) {
                hits.push(Hit::new(
                    format!("{}.ports[{i}].name", container.path),
                    format!(
                        "{} names two ports {name:?} (ports[{first}] and ports[{i}])",
                        container.label()
                    ),
                ));
            }
        }
    }
    hits
}

/// Every (path, resource, quantity text) in the containers' requests and limits.
fn resource_values<'a>(ctx: &Ctx<'a>) -> Vec<(String, &'a str, &'a str, &'a str)> {
    let mut values = Vec::new();
    for container in ctx.containers() {
        let Some(resources) = container.container.resources.as_ref() else {
            continue;
        };
        for (kind, list) in [
            ("requests", resources.requests.as_ref()),
            ("limits", resources.limits.as_ref()),
        ] {
            for (name, quantity) in list.into_iter().flatten() {
                let path = key_path(&format!("{}.resources.{kind}", container.path), name);
                values.push((path, kind, name.as_str(), quantity.0.as_str()));
            }
        }
    }
    values
}

fn invalid_quantity(ctx: &Ctx) -> Vec<Hit> {
    resource_values(ctx)
        .into_iter()
        .filter_map(|(path, kind, name, text)| match Quantity::parse(text) {
            Ok(q) if q.is_negative() => Some(Hit::new(
                path,
                format!("{kind}.{name} {text:?} is negative"),
            )),
            Ok(_) => None,
            Err(problem) => Some(Hit::new(path, format!("{kind}.{name}: {problem}"))),
        })
        .collect()
}

fn requests_above_limits(ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for container in ctx.containers() {
        let Some(resources) = container.container.resources.as_ref() else {
            continue;
        };
        let (Some(requests), Some(limits)) = (&resources.requests, &resources.limits) else {
            continue;
        };
        for (name, request) in requests {
            let Some(limit) = limits.get(name) else {
                continue;
            };
            if let (Ok(r), Ok(l)) = (Quantity::parse(&request.0), Quantity::parse(&limit.0)) {
                if r > l {
                    hits.push(Hit::new(
                        key_path(&format!("{}.resources.requests", container.path), name),
                        format!(
                            "{} requests {name} {} but its limit is {}",
                            container.label(),
                            request.0,
                            limit.0
                        ),
                    ));
                }
            }
        }
    }
    hits
}

fn api_version(ctx: &Ctx) -> Vec<Hit> {
    let written = ctx.subject.api_version.as_str();
    if written == "apps/v1" {
        vec![]
    } else {
        vec![Hit::new(
            "apiVersion",
            format!("apiVersion {written} is not served for DaemonSets since Kubernetes 1.16"),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{check_family, Case};

    const CASES: &[Case] = &[
        Case::new("DS101", "spec: {selector: null}", ""),
        Case::new("DS102", "spec: {selector: {matchLabels: {app: other}}}", "spec: {selector: {matchLabels: {app: agent}}}"),
        Case::new("DS102", "spec: {selector: {matchLabels: null, matchExpressions: [{key: app, operator: Equals, values: [agent]}]}}", "spec: {selector: {matchLabels: null, matchExpressions: [{key: app, operator: In, values: [agent]}]}}"),
        Case::new("DS103", "spec: {template: {spec: {restartPolicy: OnFailure}}}", "spec: {template: {spec: {restartPolicy: Always}}}"),
        Case::new("DS104", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}}"),
        Case::new("DS104", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 150%}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 100%}}}"),
        Case::new("DS104", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: '5'}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 5}}}"),
        Case::new("DS104", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: null, maxSurge: 1}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}}"),
        Case::new("DS104", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 2, maxSurge: 1}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 2, maxSurge: 0}}}"),
        Case::new("DS105", "spec: {updateStrategy: {type: Recreate, rollingUpdate: null}}", "spec: {updateStrategy: {type: OnDelete, rollingUpdate: null}}"),
        Case::new("DS106", "spec: {updateStrategy: {type: OnDelete}}", "spec: {updateStrategy: {type: OnDelete, rollingUpdate: null}}"),
        Case::new("DS107", "spec: {template: {spec: {containers: []}}}", ""),
        Case::new("DS108", "spec: {template: {spec: {initContainers: [{name: agent, image: busybox:1.36}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: busybox:1.36}]}}}"),
        Case::new("DS109", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', ports: [{name: http, containerPort: 80}, {name: http, containerPort: 81}]}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', ports: [{name: http, containerPort: 80}, {name: https, containerPort: 81}]}]}}}"),
        Case::new("DS110", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {memory: 64MB}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {memory: 64M}}}]}}}"),
        Case::new("DS110", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: '-1'}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: 1}}}]}}}"),
        Case::new("DS111", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {memory: 512Mi}, limits: {memory: 512Mi}}}]}}}"),
        Case::new("DS112", "apiVersion: extensions/v1beta1", "apiVersion: apps/v1"),
        Case::new("DS113", "spec: {template: {spec: {containers: [{name: agent, image: 'registry/agent:{{ .Values.tag }}'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', command: [sh, -c], args: ['exec agent --node ${NODE_NAME}']}]}}}"),
        Case::new("DS113", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', args: ['-localip', '__PILLAR__LOCAL__DNS__,__PILLAR__DNS__SERVER__']}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', args: ['-localip', '169.254.20.10'], env: [{name: NODE, value: $(NODE_NAME)}]}]}}}"),
        Case::new("DS113", "spec: {template: {spec: {containers: [{name: agent, image: 'registry/agent:${TAG}'}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', command: [/bin/bash, -c, 'echo ${HOME}']}]}}}"),
    ];

    #[test]
    fn every_rule_has_a_failing_and_a_passing_fixture() {
        check_family(RULES, CASES);
    }

    #[test]
    fn messages_name_the_offending_value() {
        let findings = crate::lint::testing::lint_fixture(
            "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 150%}}}",
            None,
        );
        let hit = findings.iter().find(|f| f.rule_id == "DS104").unwrap();
        assert_eq!(
            hit.field,
            "spec.updateStrategy.rollingUpdate.maxUnavailable"
        );
        assert_eq!(hit.message, "maxUnavailable is above 100%");
    }
}
