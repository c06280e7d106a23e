//! Seeded random scenarios for the update-path agreement test: API nodes with labels, taints,
//! cordons and NotReady conditions set before or after the old DaemonSet's pods started, pods that
//! hold cpu, pod slots or a host port, and an old and a new DaemonSet template with the update
//! strategy that moves the nodes from one to the other.

use serde_json::{json, Value};

/// The hollow nodes of tests/e2e/topology.args. A scenario may place its DaemonSet on them (their
/// pods really run, so old pods are available and the rolling update paces itself) but never
/// changes them.
pub const HOLLOW: [&str; 4] = ["kds-node-1", "kds-node-2", "kds-node-3", "kds-node-4"];
/// The label every API node of one test run carries, and the one naming its scenario.
pub const RUN_LABEL: &str = "kds-upd/run";
pub const SCENARIO_LABEL: &str = "kds-upd/scenario";
/// The host port templates and port-holding pods use.
pub const PORT: u16 = 9100;

/// splitmix64: small, fast, and the same sequence on every platform, so a seed replays a run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Never,
    Before,
    After,
}

#[derive(Debug, Clone)]
pub struct Taint {
    pub key: &'static str,
    pub effect: &'static str,
    pub when: When,
}

#[derive(Debug, Clone)]
pub struct ApiNode {
    pub suffix: String,
    pub zone: &'static str,
    pub disk: Option<&'static str>,
    pub cpu: &'static str,
    pub pods: &'static str,
    pub taints: Vec<Taint>,
    pub cordon: When,
    pub not_ready: When,
}

/// A bare pod bound to an API node (no scheduler), taking room or a port from the DaemonSet.
#[derive(Debug, Clone)]
pub struct Filler {
    pub node: usize,
    pub cpu: Option<&'static str>,
    pub port: bool,
    pub when: When,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub selector: Option<(&'static str, &'static str)>,
    /// matchExpressions ANDed into every node selector term.
    pub affinity: Vec<Value>,
    pub tolerations: Vec<Value>,
    pub cpu: Option<&'static str>,
    pub port: bool,
    pub image: &'static str,
}

#[derive(Debug, Clone)]
pub enum Strategy {
    OnDelete,
    MaxUnavailable(Value),
    MaxSurge(Value),
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub index: usize,
    /// `<run>-s<index>`: the scenario label's value and the prefix of its node names.
    pub id: String,
    pub nodes: Vec<ApiNode>,
    pub hollow: bool,
    pub fillers: Vec<Filler>,
    pub old: Template,
    pub new: Template,
    pub strategy: Strategy,
}

const TAINT_KEYS: [&str; 2] = ["kds-upd/a", "kds-upd/b"];
const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

fn when(rng: &mut Rng, before: usize, after: usize) -> When {
    let roll = rng.below(100);
    if roll < before {
        When::Before
    } else if roll < before + after {
        When::After
    } else {
        When::Never
    }
}

fn api_node(rng: &mut Rng, k: usize) -> ApiNode {
    let mut taints = Vec::new();
    for key in TAINT_KEYS {
        let when = when(rng, 20, 30);
        if when != When::Never {
            taints.push(Taint {
                key,
                effect: rng.pick(&EFFECTS),
                when,
            });
        }
    }
    ApiNode {
        suffix: format!("n{k}"),
        zone: rng.pick(&["a", "b"]),
        disk: rng.pick(&[Some("ssd"), Some("hdd"), None]),
        cpu: rng.pick(&["1", "1", "2"]),
        pods: if rng.chance(20) {
            rng.pick(&["1", "2"])
        } else {
            "110"
        },
        taints,
        cordon: when(rng, 10, 15),
        not_ready: when(rng, 10, 15),
    }
}

fn expr(key: &str, operator: &str, values: &[&str]) -> Value {
    if values.is_empty() {
        json!({"key": key, "operator": operator})
    } else {
        json!({"key": key, "operator": operator, "values": values})
    }
}

fn template(rng: &mut Rng, image: &'static str) -> Template {
    let selector = rng.pick(&[None, None, Some(("zone", "a")), Some(("zone", "b"))]);
    let affinity = match rng.below(5) {
        0 => vec![expr("disk", "In", &["ssd"])],
        1 => vec![expr("disk", "Exists", &[])],
        2 => vec![expr("disk", "NotIn", &["hdd"])],
        _ => vec![],
    };
    let mut tolerations = Vec::new();
    for key in TAINT_KEYS {
        match rng.below(6) {
            0 => tolerations.push(json!({"key": key, "operator": "Exists"})),
            1 => {
                tolerations.push(json!({"key": key, "operator": "Exists", "effect": "NoSchedule"}))
            }
            2 => tolerations.push(
                json!({"key": key, "operator": "Equal", "value": "x", "effect": "NoExecute"}),
            ),
            _ => {}
        }
    }
    Template {
        selector,
        affinity,
        tolerations,
        cpu: rng.pick(&[None, None, Some("300m"), Some("600m")]),
        port: rng.chance(30),
        image,
    }
}

/// The new template: the old one with a new image, and with some of its placement, tolerations,
/// requests and ports drawn anew.
fn changed(rng: &mut Rng, old: &Template) -> Template {
    let fresh = template(rng, "busybox:1.37");
    let mut new = old.clone();
    new.image = fresh.image;
    if rng.chance(40) {
        new.selector = fresh.selector;
    }
    if rng.chance(40) {
        new.affinity = fresh.affinity;
    }
    if rng.chance(40) {
        new.tolerations = fresh.tolerations;
    }
    if rng.chance(30) {
        new.cpu = fresh.cpu;
    }
    if rng.chance(30) {
        new.port = fresh.port;
    }
    new
}

fn strategy(rng: &mut Rng) -> Strategy {
    match rng.below(20) {
        0..=7 => Strategy::MaxUnavailable(rng.pick(&[json!(1), json!(2), json!("50%")])),
        8..=14 => Strategy::MaxSurge(rng.pick(&[json!(1), json!(2), json!("30%")])),
        _ => Strategy::OnDelete,
    }
}

/// Scenario `index` of the run seeded with `seed`: each scenario has its own generator, so one
/// can be replayed alone (KDS_AGREEMENT_ONLY).
pub fn scenario(seed: u64, run: &str, index: usize) -> Scenario {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let nodes: Vec<ApiNode> = (0..3 + rng.below(3))
        .map(|k| api_node(&mut rng, k))
        .collect();
    let mut fillers = Vec::new();
    for node in 0..nodes.len() {
        let when = when(&mut rng, 15, 25);
        if when != When::Never {
            fillers.push(Filler {
                node,
                cpu: rng.pick(&[None, Some("500m"), Some("800m")]),
                port: rng.chance(50),
                when,
            });
        }
    }
    let old = template(&mut rng, "busybox:1.36");
    let new = changed(&mut rng, &old);
    Scenario {
        index,
        id: format!("{run}-s{index:02}"),
        hollow: rng.chance(25),
        nodes,
        fillers,
        old,
        new,
        strategy: strategy(&mut rng),
    }
}

impl Scenario {
    pub fn node_name(&self, k: usize) -> String {
        format!("{}-{}", self.id, self.nodes[k].suffix)
    }

    /// Every node this scenario's DaemonSet may run on: its API nodes, and the hollow ones if
    /// it includes them.
    pub fn node_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.nodes.len()).map(|k| self.node_name(k)).collect();
        if self.hollow {
            names.extend(HOLLOW.iter().map(|h| h.to_string()));
        }
        names
    }

    /// The DaemonSet with `template`. The required node affinity keeps it on this scenario's
    /// nodes (one term for its label, one per hollow node), with the template's own expressions
    /// ANDed into each term.
    pub fn daemonset(&self, namespace: &str, template: &Template) -> Value {
        let scoped = |mut term: Value| {
            let exprs = term["matchExpressions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let all: Vec<Value> = exprs.into_iter().chain(template.affinity.clone()).collect();
            if !all.is_empty() {
                term["matchExpressions"] = Value::Array(all);
            }
            term
        };
        let mut terms = vec![scoped(
            json!({"matchExpressions": [expr(SCENARIO_LABEL, "In", &[&self.id])]}),
        )];
        if self.hollow {
            terms.extend(HOLLOW.iter().map(|h| {
                scoped(json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": [h]}]}))
            }));
        }
        let mut container = json!({"name": "main", "image": template.image});
        if let Some(cpu) = template.cpu {
            container["resources"] = json!({"requests": {"cpu": cpu}});
        }
        if template.port {
            container["ports"] = json!([{"containerPort": PORT, "hostPort": PORT}]);
        }
        let mut pod = json!({
            "terminationGracePeriodSeconds": 0,
            "containers": [container],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}},
        });
        if let Some((k, v)) = template.selector {
            pod["nodeSelector"] = json!({ k: v });
        }
        if !template.tolerations.is_empty() {
            pod["tolerations"] = Value::Array(template.tolerations.clone());
        }
        let strategy = match &self.strategy {
            Strategy::OnDelete => json!({"type": "OnDelete"}),
            Strategy::MaxUnavailable(n) => {
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": n}})
            }
            Strategy::MaxSurge(n) => {
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": n, "maxUnavailable": 0}})
            }
        };
        json!({
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": namespace},
            "spec": {
                "selector": {"matchLabels": {"app": "agent"}},
                "updateStrategy": strategy,
                "template": {"metadata": {"labels": {"app": "agent"}}, "spec": pod},
            },
        })
    }

    /// The API nodes as they are before the old DaemonSet: taints, cordons and NotReady
    /// conditions of `When::Before` only.
    pub fn node_objects(&self, run: &str) -> Vec<Value> {
        (0..self.nodes.len())
            .map(|k| {
                let def = &self.nodes[k];
                let mut labels = json!({
                    "kubernetes.io/hostname": self.node_name(k),
                    RUN_LABEL: run,
                    SCENARIO_LABEL: self.id,
                    "zone": def.zone,
                });
                if let Some(disk) = def.disk {
                    labels["disk"] = json!(disk);
                }
                let taints: Vec<Value> = def
                    .taints
                    .iter()
                    .filter(|t| t.when == When::Before)
                    .map(|t| json!({"key": t.key, "value": "x", "effect": t.effect}))
                    .collect();
                let ready = if def.not_ready == When::Before {
                    "False"
                } else {
                    "True"
                };
                let resources = json!({"cpu": def.cpu, "memory": "4Gi", "pods": def.pods});
                json!({
                    "apiVersion": "v1",
                    "kind": "Node",
                    "metadata": {"name": self.node_name(k), "labels": labels},
                    "spec": {"unschedulable": def.cordon == When::Before, "taints": taints},
                    "status": {
                        "capacity": resources,
                        "allocatable": resources,
                        "conditions": [ready_condition(ready)],
                    },
                })
            })
            .collect()
    }

    pub fn filler_object(&self, namespace: &str, i: usize) -> Value {
        let filler = &self.fillers[i];
        let mut container = json!({"name": "main", "image": "busybox:1.36"});
        if let Some(cpu) = filler.cpu {
            container["resources"] = json!({"requests": {"cpu": cpu}});
        }
        if filler.port {
            container["ports"] = json!([{"containerPort": PORT, "hostPort": PORT}]);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": format!("filler-{i}"), "namespace": namespace, "labels": {"kds-upd/filler": "yes"}},
            "spec": {
                "nodeName": self.node_name(filler.node),
                "terminationGracePeriodSeconds": 0,
                "containers": [container],
            },
        })
    }

    /// One line per API node, for the report.
    pub fn node_setup(&self, k: usize) -> String {
        let def = &self.nodes[k];
        let mut parts = vec![format!("zone={}", def.zone)];
        if let Some(disk) = def.disk {
            parts.push(format!("disk={disk}"));
        }
        parts.push(format!("cpu={} pods={}", def.cpu, def.pods));
        for t in &def.taints {
            parts.push(format!(
                "taint {}=x:{} {}",
                t.key,
                t.effect,
                when_text(t.when)
            ));
        }
        if def.cordon != When::Never {
            parts.push(format!("cordoned {}", when_text(def.cordon)));
        }
        if def.not_ready != When::Never {
            parts.push(format!("NotReady {}", when_text(def.not_ready)));
        }
        for f in self.fillers.iter().filter(|f| f.node == k) {
            let cpu = f.cpu.map(|c| format!(" cpu {c}")).unwrap_or_default();
            let port = if f.port {
                format!(" port {PORT}")
            } else {
                String::new()
            };
            parts.push(format!("pod{cpu}{port} {}", when_text(f.when)));
        }
        parts.join(", ")
    }

    pub fn describe(&self) -> String {
        let mut lines = vec![format!(
            "scenario {} ({}): strategy {}, hollow nodes {}",
            self.index,
            self.id,
            strategy_text(&self.strategy),
            if self.hollow { "included" } else { "excluded" }
        )];
        lines.push(format!("  old template: {}", template_text(&self.old)));
        lines.push(format!("  new template: {}", template_text(&self.new)));
        for k in 0..self.nodes.len() {
            lines.push(format!(
                "  {}: {}",
                self.nodes[k].suffix,
                self.node_setup(k)
            ));
        }
        lines.join("\n")
    }
}

pub fn ready_condition(status: &str) -> Value {
    json!({"type": "Ready", "status": status, "reason": "KdsAgreement", "message": "set by update_agreement"})
}

fn when_text(when: When) -> &'static str {
    match when {
        When::Never => "never",
        When::Before => "before the pods",
        When::After => "after the pods",
    }
}

fn strategy_text(strategy: &Strategy) -> String {
    match strategy {
        Strategy::OnDelete => "OnDelete".to_string(),
        Strategy::MaxUnavailable(n) => format!("RollingUpdate maxUnavailable {n}"),
        Strategy::MaxSurge(n) => format!("RollingUpdate maxSurge {n}"),
    }
}

fn template_text(t: &Template) -> String {
    let mut parts = vec![t.image.to_string()];
    if let Some((k, v)) = t.selector {
        parts.push(format!("nodeSelector {k}={v}"));
    }
    for e in &t.affinity {
        parts.push(format!("affinity {e}"));
    }
    for tol in &t.tolerations {
        parts.push(format!("toleration {tol}"));
    }
    if let Some(cpu) = t.cpu {
        parts.push(format!("cpu {cpu}"));
    }
    if t.port {
        parts.push(format!("hostPort {PORT}"));
    }
    parts.join(", ")
}
