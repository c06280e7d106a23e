//! The Kubernetes permissions each command needs, as RBAC roles a cluster admin can apply: one
//! table, rendered by `kubectl ds rbac`, shipped as deploy/rbac.yaml and checked end to end (each
//! command run as a user bound to exactly these roles). No I/O here.
//!
//! The API server authorizes a dry run as the write itself (a dry-run patch needs `patch`), so
//! `diff`, a server-side apply dry run, needs the operator role although it changes nothing.

use std::fmt::Write;

/// One RBAC rule, and which commands need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub api_group: &'static str,
    pub resources: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub why: &'static str,
}

const READ: &[&str] = &["get", "list", "watch"];

/// Read-only, cluster-wide: list, lint --cluster, plan, history, rollout status and history.
pub const VIEWER: &[Rule] = &[
    Rule {
        api_group: "apps",
        resources: &["daemonsets", "controllerrevisions"],
        verbs: READ,
        why: "list, plan, history, rollout status: the DaemonSets and their revisions",
    },
    Rule {
        api_group: "",
        resources: &["pods", "nodes"],
        verbs: READ,
        why: "plan, rollout status, lint --cluster: every node and the pods on it",
    },
    Rule {
        api_group: "",
        resources: &["namespaces"],
        verbs: &["get"],
        why: "plan, diff, lint --cluster: the namespace's default node selector and tolerations",
    },
    Rule {
        api_group: "",
        resources: &["serviceaccounts"],
        verbs: &["list"],
        why: "lint --cluster: the ServiceAccount a DaemonSet names exists",
    },
    Rule {
        api_group: "scheduling.k8s.io",
        resources: &["priorityclasses"],
        verbs: &["list"],
        why: "lint --cluster: the PriorityClass a DaemonSet names exists",
    },
    Rule {
        api_group: "node.k8s.io",
        resources: &["runtimeclasses"],
        verbs: &["list"],
        why: "plan, lint --cluster: a runtimeClassName's overhead and node selector",
    },
    Rule {
        api_group: "resource.k8s.io",
        resources: &["deviceclasses"],
        verbs: &["list"],
        why: "plan: the device classes of a template's resource claims",
    },
];

/// Writes in the DaemonSet's namespace: rollout (apply, restart, set-image, pause, resume,
/// undo), diff, delete, migrate. Bound beside the viewer role, which they read through.
pub const OPERATOR: &[Rule] = &[
    Rule {
        api_group: "apps",
        resources: &["daemonsets"],
        verbs: &["patch", "create", "delete"],
        why: "rollout, diff (a dry-run patch), migrate (create), delete: the DaemonSet",
    },
    Rule {
        api_group: "",
        resources: &["pods"],
        verbs: &["delete", "patch"],
        why: "controlled (ondelete) rollouts replace pods by deleting them; migrate relabels them",
    },
];

/// What `rollout ... --prepull` adds to the operator role: its short-lived image-pulling pods.
pub const PREPULL: &[Rule] = &[Rule {
    api_group: "",
    resources: &["pods"],
    verbs: &["create"],
    why: "rollout --prepull: one pod per node of the next wave pulls the new images first",
}];

/// What `rollout ... --drain` adds, cluster-wide: a node's other pods are in any namespace.
pub const DRAIN: &[Rule] = &[
    Rule {
        api_group: "",
        resources: &["nodes"],
        verbs: &["patch"],
        why: "rollout --drain: cordon the node before its pod is replaced, uncordon after",
    },
    Rule {
        api_group: "",
        resources: &["pods/eviction"],
        verbs: &["create"],
        why: "rollout --drain: evict the node's other pods, as kubectl drain does",
    },
    Rule {
        api_group: "policy",
        resources: &["poddisruptionbudgets"],
        verbs: &["list"],
        why: "rollout --drain: say which PodDisruptionBudget holds an eviction back",
    },
];

/// Which roles to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub operator: bool,
    pub prepull: bool,
    pub drain: bool,
    /// The operator role's namespace; None for a ClusterRole (every namespace).
    pub namespace: Option<String>,
}

pub const VIEWER_NAME: &str = "kubectl-ds-viewer";
pub const OPERATOR_NAME: &str = "kubectl-ds-operator";
pub const DRAIN_NAME: &str = "kubectl-ds-drain";

/// The roles as one YAML stream, each rule under a comment saying which commands need it, each
/// role under the commands it serves and the line that binds it.
pub fn manifests(wanted: &Wanted) -> String {
    let mut docs = vec![role_yaml(
        VIEWER_NAME,
        None,
        "read-only, for list, lint --cluster, plan, history and rollout status/history",
        VIEWER,
    )];
    if wanted.operator {
        let rules: Vec<Rule> = OPERATOR
            .iter()
            .chain(if wanted.prepull { PREPULL } else { &[] })
            .copied()
            .collect();
        docs.push(role_yaml(
            OPERATOR_NAME,
            wanted.namespace.as_deref(),
            "rollout apply/restart/set-image/pause/resume/undo, diff, delete and migrate \
             (with the viewer role)",
            &rules,
        ));
    }
    if wanted.drain {
        docs.push(role_yaml(
            DRAIN_NAME,
            None,
            "what rollout --drain adds (with the viewer and operator roles)",
            DRAIN,
        ));
    }
    docs.join("---\n")
}

/// A Role in `namespace`, or a ClusterRole without one.
fn role_yaml(name: &str, in_namespace: Option<&str>, serves: &str, rules: &[Rule]) -> String {
    let mut out = format!("# kubectl ds: {serves}.\n");
    out += &binding_hint(name, in_namespace);
    out += "apiVersion: rbac.authorization.k8s.io/v1\n";
    let _ = writeln!(
        out,
        "kind: {}",
        if in_namespace.is_some() {
            "Role"
        } else {
            "ClusterRole"
        }
    );
    out += "metadata:\n";
    let _ = writeln!(out, "  name: {name}");
    if let Some(ns) = in_namespace {
        let _ = writeln!(out, "  namespace: {ns}");
    }
    out += "  labels:\n    app.kubernetes.io/name: kubectl-ds\n";
    out += "rules:\n";
    for rule in rules {
        out += &rule_yaml(rule);
    }
    out
}

fn binding_hint(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!(
            "# Bind it: kubectl create rolebinding {name}-USER -n {ns} --role={name} --user=USER\n"
        ),
        None => format!(
            "# Bind it: kubectl create clusterrolebinding {name}-USER --clusterrole={name} --user=USER\n"
        ),
    }
}

fn rule_yaml(rule: &Rule) -> String {
    let list = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    };
    format!(
        "# {}\n- apiGroups: [{:?}]\n  resources: {}\n  verbs: {}\n",
        rule.why,
        rule.api_group,
        list(rule.resources),
        list(rule.verbs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role};
    use serde::Deserialize;

    fn wanted(operator: bool, prepull: bool, drain: bool, namespace: Option<&str>) -> Wanted {
        Wanted {
            operator,
            prepull,
            drain,
            namespace: namespace.map(str::to_string),
        }
    }

    /// (kind, name, namespace, rules) of each document.
    fn parsed(yaml: &str) -> Vec<(String, String, Option<String>, Vec<PolicyRule>)> {
        serde_yaml::Deserializer::from_str(yaml)
            .map(|doc| {
                let value = serde_yaml::Value::deserialize(doc).unwrap();
                match value["kind"].as_str().unwrap() {
                    "Role" => {
                        let role: Role = serde_yaml::from_value(value).unwrap();
                        let m = role.metadata;
                        (
                            "Role".into(),
                            m.name.unwrap(),
                            m.namespace,
                            role.rules.unwrap(),
                        )
                    }
                    _ => {
                        let role: ClusterRole = serde_yaml::from_value(value).unwrap();
                        let m = role.metadata;
                        (
                            "ClusterRole".into(),
                            m.name.unwrap(),
                            m.namespace,
                            role.rules.unwrap(),
                        )
                    }
                }
            })
            .collect()
    }

    fn grants(rules: &[PolicyRule], group: &str, resource: &str, verb: &str) -> bool {
        rules.iter().any(|r| {
            r.api_groups
                .as_deref()
                .unwrap_or_default()
                .iter()
                .any(|g| g == group)
                && r.resources
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .any(|x| x == resource)
                && r.verbs.iter().any(|v| v == verb)
        })
    }

    #[test]
    fn each_request_gives_the_roles_it_asks_for() {
        let cases = [
            (
                "viewer alone",
                wanted(false, false, false, None),
                vec![("ClusterRole", VIEWER_NAME, None)],
            ),
            (
                "operator in a namespace",
                wanted(true, false, false, Some("prod")),
                vec![
                    ("ClusterRole", VIEWER_NAME, None),
                    ("Role", OPERATOR_NAME, Some("prod")),
                ],
            ),
            (
                "operator everywhere",
                wanted(true, false, false, None),
                vec![
                    ("ClusterRole", VIEWER_NAME, None),
                    ("ClusterRole", OPERATOR_NAME, None),
                ],
            ),
            (
                "drain",
                wanted(true, false, true, Some("prod")),
                vec![
                    ("ClusterRole", VIEWER_NAME, None),
                    ("Role", OPERATOR_NAME, Some("prod")),
                    ("ClusterRole", DRAIN_NAME, None),
                ],
            ),
        ];
        for (what, wanted, expected) in cases {
            let got: Vec<(String, String, Option<String>)> = parsed(&manifests(&wanted))
                .into_iter()
                .map(|(kind, name, ns, _)| (kind, name, ns))
                .collect();
            let expected: Vec<(String, String, Option<String>)> = expected
                .into_iter()
                .map(|(k, n, ns)| (k.to_string(), n.to_string(), ns.map(str::to_string)))
                .collect();
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn the_rules_grant_what_the_commands_call_and_no_more() {
        let all = parsed(&manifests(&wanted(true, true, true, Some("prod"))));
        let rules = |name: &str| all.iter().find(|d| d.1 == name).unwrap().3.clone();
        let (viewer, operator, drain) =
            (rules(VIEWER_NAME), rules(OPERATOR_NAME), rules(DRAIN_NAME));
        let cases = [
            ("viewer watches pods", &viewer, "", "pods", "watch", true),
            (
                "viewer lists revisions",
                &viewer,
                "apps",
                "controllerrevisions",
                "list",
                true,
            ),
            (
                "viewer cannot patch",
                &viewer,
                "apps",
                "daemonsets",
                "patch",
                false,
            ),
            (
                "viewer cannot delete pods",
                &viewer,
                "",
                "pods",
                "delete",
                false,
            ),
            (
                "operator deletes pods",
                &operator,
                "",
                "pods",
                "delete",
                true,
            ),
            (
                "operator creates prepull pods",
                &operator,
                "",
                "pods",
                "create",
                true,
            ),
            (
                "operator creates DaemonSets",
                &operator,
                "apps",
                "daemonsets",
                "create",
                true,
            ),
            (
                "operator never touches nodes",
                &operator,
                "",
                "nodes",
                "patch",
                false,
            ),
            ("drain cordons", &drain, "", "nodes", "patch", true),
            ("drain evicts", &drain, "", "pods/eviction", "create", true),
            ("drain deletes nothing", &drain, "", "pods", "delete", false),
        ];
        for (what, rules, group, resource, verb, expected) in cases {
            assert_eq!(grants(rules, group, resource, verb), expected, "{what}");
        }
        let without_prepull = parsed(&manifests(&wanted(true, false, false, Some("prod"))));
        assert!(!grants(&without_prepull[1].3, "", "pods", "create"));
    }

    #[test]
    fn the_shipped_manifest_is_what_the_command_prints() {
        let shipped = include_str!("../deploy/rbac.yaml");
        assert_eq!(
            shipped,
            manifests(&wanted(true, true, true, None)),
            "deploy/rbac.yaml is stale: kubectl ds rbac --operator -A --prepull --drain > deploy/rbac.yaml"
        );
    }

    #[test]
    fn every_rule_says_which_command_needs_it() {
        for rule in [VIEWER, OPERATOR, PREPULL, DRAIN].concat() {
            assert!(
                rule.why.contains(':') || rule.why.contains("rollout"),
                "{rule:?}"
            );
            assert!(manifests(&wanted(true, true, true, None)).contains(rule.why));
        }
    }
}
