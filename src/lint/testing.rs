//! Fixtures for rule tests. A fixture is YAML: each document that is a DaemonSet (or has no kind)
//! is a JSON merge patch over `BASELINE`, a clean DaemonSet; documents of other kinds are taken
//! as they are. Every rule has a case whose failing fixture must raise it and whose passing
//! fixture must not.

use serde_json::Value;

use super::cluster::ClusterFacts;
use super::{lint, Config, Finding, Input, Rule};
use crate::manifest::{merge_patch, parse_objects};

/// A DaemonSet that no manifest rule objects to.
pub const BASELINE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  minReadySeconds: 10
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: agent}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 65534}
      tolerations: [{operator: Exists}]
      containers:
      - name: agent
        image: registry.example.com/agent:1.4.2@sha256:0f5b7a0c1e6d6b7c5c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b
        ports: [{name: metrics, containerPort: 9100}]
        readinessProbe: {httpGet: {path: /healthz, port: metrics}}
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {memory: 128Mi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
"#;

/// A cluster the baseline fits on: two Linux nodes with room to spare.
pub const BASELINE_CLUSTER: &str = r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: node-1, labels: {kubernetes.io/os: linux, kubernetes.io/hostname: node-1}}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110", ephemeral-storage: 20Gi}}
- apiVersion: v1
  kind: Node
  metadata: {name: node-2, labels: {kubernetes.io/os: linux, kubernetes.io/hostname: node-2}}
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110", ephemeral-storage: 20Gi}}
"#;

pub struct Case {
    pub id: &'static str,
    pub fail: &'static str,
    pub pass: &'static str,
    /// Cluster objects (a List) for DS4xx rules; `None` lints offline.
    pub cluster: Option<&'static str>,
}

impl Case {
    pub const fn new(id: &'static str, fail: &'static str, pass: &'static str) -> Case {
        Case {
            id,
            fail,
            pass,
            cluster: None,
        }
    }

    pub const fn with_cluster(
        id: &'static str,
        fail: &'static str,
        pass: &'static str,
        cluster: &'static str,
    ) -> Case {
        Case {
            id,
            fail,
            pass,
            cluster: Some(cluster),
        }
    }
}

/// Expands a fixture into manifest text.
pub fn fixture(text: &str) -> String {
    let baseline: Value = serde_yaml::from_str(BASELINE).expect("baseline parses");
    let mut documents = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let patch = Value::deserialize(document).expect("fixture parses");
        if patch.is_null() {
            continue;
        }
        let kind = patch.get("kind").and_then(Value::as_str);
        let value = if kind.is_none() || kind == Some("DaemonSet") {
            let mut merged = baseline.clone();
            merge_patch(&mut merged, patch);
            merged
        } else {
            patch
        };
        documents.push(serde_json::to_string_pretty(&value).expect("serialises"));
    }
    if documents.is_empty() {
        documents.push(serde_json::to_string_pretty(&baseline).expect("serialises"));
    }
    documents.join("\n---\n")
}

use serde::Deserialize;

pub fn cluster_facts(text: &str) -> ClusterFacts {
    let objects = parse_objects("cluster.yaml", text).expect("cluster fixture parses");
    ClusterFacts::from_objects(objects.into_iter().map(|o| o.value)).expect("cluster fixture types")
}

/// Lints a fixture, offline or against the given cluster objects.
pub fn lint_fixture(text: &str, cluster: Option<&str>) -> Vec<Finding> {
    let manifest = fixture(text);
    let mut input = Input::new("default");
    for object in parse_objects("fixture.yaml", &manifest).expect("fixture objects") {
        input.add(object).expect("fixture types");
    }
    let facts = cluster.map(cluster_facts);
    lint(&input, &Config::default(), facts.as_ref()).findings
}

/// Checks a rule family: every rule has a case; failing fixtures raise it, passing ones don't.
pub fn check_family(rules: &[Rule], cases: &[Case]) {
    for rule in rules {
        assert!(
            cases.iter().any(|c| c.id == rule.id),
            "{} has no fixture case",
            rule.id
        );
    }
    for case in cases {
        assert!(
            rules.iter().any(|r| r.id == case.id),
            "case for unknown rule {}",
            case.id
        );
        let failing = lint_fixture(case.fail, case.cluster);
        assert!(
            failing.iter().any(|f| f.rule_id == case.id),
            "{}: failing fixture did not raise it; got {:?}",
            case.id,
            ids(&failing)
        );
        let passing = lint_fixture(case.pass, case.cluster);
        assert!(
            !passing.iter().any(|f| f.rule_id == case.id),
            "{}: passing fixture raised it: {:?}",
            case.id,
            passing
                .iter()
                .filter(|f| f.rule_id == case.id)
                .map(|f| &f.message)
                .collect::<Vec<_>>()
        );
    }
}

pub fn ids(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}", f.rule_id, f.message))
        .collect()
}

#[test]
fn the_baseline_is_clean_offline_and_on_the_baseline_cluster() {
    let offline = lint_fixture("", None);
    assert!(offline.is_empty(), "{:?}", ids(&offline));
    let online = lint_fixture("", Some(BASELINE_CLUSTER));
    assert!(online.is_empty(), "{:?}", ids(&online));
}
