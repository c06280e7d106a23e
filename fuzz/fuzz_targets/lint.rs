//! Any bytes through the whole lint path: decoding, YAML parsing with positions, typing, every
//! rule (offline and against a small cluster). Input errors are fine; panics and hangs are bugs.
#![no_main]

use std::sync::LazyLock;

use kubectl_ds::lint::{self, ClusterFacts, Config, Input};
use kubectl_ds::manifest::{files, parse_objects};
use libfuzzer_sys::fuzz_target;

static CLUSTER: LazyLock<ClusterFacts> = LazyLock::new(|| {
    let nodes = r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: n1, labels: {kubernetes.io/os: linux}}
  spec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: n2, labels: {kubernetes.io/os: linux, zone: a}}
  status: {allocatable: {cpu: 500m, memory: 1Gi, pods: "10"}}
- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: default}
  spec: {nodeName: n2, containers: [{name: c, ports: [{containerPort: 80, hostPort: 80}], resources: {requests: {cpu: 100m}}}]}
- apiVersion: v1
  kind: Namespace
  metadata: {name: default, labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted}}
"#;
    let objects = parse_objects("cluster.yaml", nodes).expect("cluster fixture");
    ClusterFacts::from_objects(objects.into_iter().map(|o| o.value)).expect("cluster fixture")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = files::decode("fuzz.yaml", data.to_vec()) else {
        return;
    };
    let Ok(objects) = parse_objects("fuzz.yaml", &text) else {
        return;
    };
    let mut input = Input::new("default");
    for object in objects {
        let _ = input.add(object);
    }
    let config = Config::default();
    let offline = lint::lint(&input, &config, None);
    let online = lint::lint(&input, &config, Some(&CLUSTER));
    let totals = Default::default();
    let json = serde_json::to_string(&offline.to_json(&totals, &[])).expect("report serialises");
    let _ = (json, online.findings.len());
});
