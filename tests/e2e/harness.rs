//! The local control plane, started once per test run and shared; a namespace per test; and
//! `kubectl ds ...` run the way users run it: through kubectl, with the built binary on PATH.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};

pub struct TestEnv {
    pub kubeconfig: PathBuf,
    path: OsString,
}

/// Whether this run has a control plane for the end-to-end tests: `KDS_TEST_KUBECONFIG` (set by
/// `scripts/test`), or `KDS_TEST_START_CLUSTER=1` to have [`env`] start one. Without either, says
/// once per test binary how to run them, and the tests that need one return at once.
pub fn cluster_configured() -> bool {
    static SKIPPING: Once = Once::new();
    let configured = std::env::var_os("KDS_TEST_KUBECONFIG").is_some_and(|v| !v.is_empty())
        || start_cluster_requested();
    if !configured {
        SKIPPING.call_once(|| {
            // Straight to stderr: the test's own output is captured and shown only on failure.
            let _ = writeln!(
                std::io::stderr(),
                "skipping the end-to-end tests: no test cluster (run scripts/test, or set \
                 KDS_TEST_START_CLUSTER=1 to start one)"
            );
        });
    }
    configured
}

fn start_cluster_requested() -> bool {
    std::env::var_os("KDS_TEST_START_CLUSTER").is_some_and(|v| v == "1")
}

/// The first line of every test that needs the control plane: returns from the test (which then
/// passes, skipped) when the run has none; see [`cluster_configured`].
macro_rules! require_cluster {
    () => {
        if !$crate::harness::cluster_configured() {
            return;
        }
    };
}
pub(crate) use require_cluster;

/// Uses `KDS_TEST_KUBECONFIG` when set (a cluster started by `scripts/test`), otherwise, with
/// `KDS_TEST_START_CLUSTER=1`, runs `scripts/testenv up` with the suite's topology
/// (tests/e2e/topology.args: four nodes, kds-node-2 labelled disktype=ssd, kds-node-3 tainted
/// dedicated=infra:NoSchedule, kds-node-1 and kds-node-4 plain; so three nodes run a DaemonSet
/// without tolerations), which returns at once when that control plane is already up.
pub fn env() -> &'static TestEnv {
    static ENV: OnceLock<TestEnv> = OnceLock::new();
    ENV.get_or_init(|| {
        let kubeconfig = match std::env::var_os("KDS_TEST_KUBECONFIG") {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ if start_cluster_requested() => start_testenv(),
            _ => panic!(
                "no test cluster: a test that needs one starts with require_cluster!() \
                 (run scripts/test, or set KDS_TEST_START_CLUSTER=1)"
            ),
        };
        TestEnv {
            kubeconfig,
            path: plugin_path(),
        }
    })
}

/// PATH with the built binary first, so `kubectl ds` finds this build.
fn plugin_path() -> OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let mut paths = vec![bin_dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

/// `kubectl ds ARGS` run in `dir` with no cluster at all (no kubeconfig), feeding `stdin`.
pub fn ds_offline(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new("kubectl");
    cmd.arg("ds")
        .args(args)
        .current_dir(dir)
        .env("PATH", plugin_path())
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env_remove("NO_COLOR")
        .env_remove("KUBECTL_DS_LOG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run kubectl ds");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A command that stops reading early closes the pipe; that is its business, not ours.
        let _ = pipe.write_all(bytes);
    }
    Run::from_output(child.wait_with_output().expect("wait for kubectl ds"))
}

/// The test fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn start_testenv() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let topology = std::fs::read_to_string(root.join("tests/e2e/topology.args")).expect("topology");
    let out = Command::new(root.join("scripts/testenv"))
        .arg("up")
        .args(topology.split_whitespace())
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/testenv up");
    assert!(out.status.success(), "scripts/testenv up failed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout
        .lines()
        .find_map(|l| l.strip_prefix("export KUBECONFIG="))
        .expect("testenv printed the KUBECONFIG");
    PathBuf::from(path.trim())
}

/// What a command printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// stderr without kubectl's client/server version-skew warning, which is not ours.
    pub fn errors(&self) -> String {
        self.stderr
            .lines()
            .filter(|l| !l.starts_with("Warning: version difference"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "command failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestEnv {
    /// `kubectl ds ARGS` with the admin kubeconfig in KUBECONFIG.
    pub fn ds(&self, args: &[&str]) -> Run {
        self.ds_with(args, &[("KUBECONFIG", self.kubeconfig.as_os_str())])
    }

    /// `kubectl ds ARGS` with exactly these extra environment variables (KUBECONFIG unset otherwise).
    pub fn ds_with(&self, args: &[&str], vars: &[(&str, &std::ffi::OsStr)]) -> Run {
        let mut cmd = self.plugin_command(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        Run::from_output(cmd.output().expect("run kubectl ds"))
    }

    /// PATH with the built binary first.
    #[allow(dead_code)] // for tests/orphans
    pub fn plugin_path(&self) -> &std::ffi::OsStr {
        &self.path
    }

    pub fn plugin_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("kubectl");
        cmd.arg("ds")
            .args(args)
            .env("PATH", &self.path)
            .env_remove("KUBECONFIG")
            .env_remove("NO_COLOR")
            .env_remove("KUBECTL_DS_LOG")
            .stdin(Stdio::null());
        cmd
    }

    /// kubectl (not the plugin) with the built binary on PATH.
    pub fn kubectl_on_plugin_path(&self, args: &[&str]) -> Run {
        self.kubectl_with(args, "PATH", &self.path)
    }

    /// Plain kubectl as the admin, for setting up and inspecting.
    pub fn kubectl(&self, args: &[&str]) -> Run {
        self.kubectl_with(args, "KUBECONFIG", self.kubeconfig.as_os_str())
    }

    fn kubectl_with(&self, args: &[&str], var: &str, value: &std::ffi::OsStr) -> Run {
        let output = Command::new("kubectl")
            .args(args)
            .env(var, value)
            .stdin(Stdio::null())
            .output()
            .expect("run kubectl");
        Run::from_output(output)
    }

    pub fn apply(&self, namespace: &str, yaml: &str) {
        let mut child = Command::new("kubectl")
            .args(["apply", "-n", namespace, "-f", "-"])
            .env("KUBECONFIG", &self.kubeconfig)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kubectl apply");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(yaml.as_bytes())
            .expect("write manifest");
        let run = Run::from_output(child.wait_with_output().expect("kubectl apply"));
        run.success();
    }

    /// Nodes a DaemonSet without tolerations runs on: those with no NoSchedule/NoExecute taint.
    pub fn untainted_node_count(&self) -> usize {
        let run = self.kubectl(&["get", "nodes", "-o", "json"]);
        let nodes: serde_json::Value =
            serde_json::from_str(&run.success().stdout).expect("nodes JSON");
        nodes["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| {
                n["spec"]["taints"]
                    .as_array()
                    .is_none_or(|t| t.iter().all(|t| t["effect"] == "PreferNoSchedule"))
            })
            .count()
    }

    /// Waits (without asserting on time) until every desired node runs an available pod of the
    /// current template, as the controller reports it. Works for OnDelete too, which
    /// `kubectl rollout status` refuses.
    pub fn wait_rollout(&self, namespace: &str, name: &str) {
        self.eventually(&format!("{namespace}/{name} fully rolled out"), || {
            let run = self.kubectl(&["get", "ds", name, "-n", namespace, "-o", "json"]);
            let Ok(ds) = serde_json::from_str::<serde_json::Value>(&run.stdout) else {
                return false;
            };
            let status = &ds["status"];
            let desired = status["desiredNumberScheduled"].as_i64().unwrap_or(-1);
            ds["metadata"]["generation"] == status["observedGeneration"]
                && desired > 0
                && status["updatedNumberScheduled"].as_i64() == Some(desired)
                && status["numberAvailable"].as_i64() == Some(desired)
                && self.containers_running(namespace, &ds["spec"]["selector"]["matchLabels"])
        });
    }

    /// Whether every container of every pod matching `labels` is running. The 1.36 and 1.37
    /// hollow kubelets report a pod Ready (so the controller counts it available) a sync before
    /// its container leaves `waiting`; a real kubelet never does, and `kubectl ds` does not call
    /// such a pod ready.
    fn containers_running(&self, namespace: &str, labels: &serde_json::Value) -> bool {
        let selector = labels
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(",");
        let run = self.kubectl(&[
            "get", "pods", "-n", namespace, "-l", &selector, "-o", "json",
        ]);
        let Ok(list) = serde_json::from_str::<serde_json::Value>(&run.stdout) else {
            return false;
        };
        let running = |pod: &serde_json::Value| {
            pod["status"]["containerStatuses"]
                .as_array()
                .is_some_and(|c| {
                    !c.is_empty() && c.iter().all(|c| c["state"]["running"].is_object())
                })
        };
        list["items"].as_array().is_some_and(|pods| {
            pods.iter()
                .filter(|pod| pod["metadata"]["deletionTimestamp"].is_null())
                .all(running)
        })
    }

    /// The highest ControllerRevision number in the namespace: the current revision of its one
    /// DaemonSet. Not assumed to be 1 for a new DaemonSet: under load the 1.20 controller has been
    /// seen to renumber a new DaemonSet's only revision to 2.
    pub fn newest_revision(&self, namespace: &str) -> i64 {
        let run = self.kubectl(&["get", "controllerrevisions", "-n", namespace, "-o", "json"]);
        let list: serde_json::Value =
            serde_json::from_str(&run.success().stdout).expect("revisions JSON");
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|r| r["revision"].as_i64())
            .max()
            .unwrap_or(0)
    }

    /// Waits until the API server lets the impersonated subject (`as_args`, e.g.
    /// `["--as", "someone", "--as-group", "g"]`) `verb` `resource` in `namespace` (cluster-wide
    /// when `None`): a (Cluster)Role or binding just created reaches the RBAC authorizer's cache
    /// a moment after the create returns.
    pub fn wait_until_allowed(
        &self,
        as_args: &[&str],
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
    ) {
        let mut args = vec!["auth", "can-i", verb, resource];
        if let Some(ns) = namespace {
            args.extend(["-n", ns]);
        }
        args.extend_from_slice(as_args);
        self.eventually(
            &format!("{as_args:?} may {verb} {resource} in {namespace:?}"),
            || self.kubectl(&args).code == 0,
        );
    }

    /// Polls `probe` until it returns true; panics with `what` after a generous bound.
    pub fn eventually(&self, what: &str, mut probe: impl FnMut() -> bool) {
        for _ in 0..600 {
            if probe() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        panic!("gave up waiting: {what}");
    }

    /// `scripts/testenv stop-node NAME`: the node's hollow kubelet killed, the node Ready Unknown
    /// and tainted `node.kubernetes.io/unreachable:NoExecute`, the Ready condition of its pods
    /// False. Only for tests/disruption, whose tests run one at a time: any other test running
    /// meanwhile would see the node go.
    #[allow(dead_code)] // for tests/disruption
    pub fn stop_node(&self, name: &str) {
        testenv(&["stop-node", name]);
    }

    /// `scripts/testenv start-node NAME`: the node's hollow kubelet started again as `up` started
    /// it; returns once the node is Ready and free of `node.kubernetes.io/*` taints (its pods
    /// may not be Ready yet).
    #[allow(dead_code)] // for tests/disruption
    pub fn start_node(&self, name: &str) {
        testenv(&["start-node", name]);
    }

    /// The URL of the test bed's Prometheus (`scripts/testenv up` writes it beside the kubeconfig).
    pub fn prometheus_url(&self) -> String {
        self.testenv_url("prometheus-url")
    }

    /// The URL of the Pushgateway the test bed's Prometheus scrapes every second.
    pub fn pushgateway_url(&self) -> String {
        self.testenv_url("pushgateway-url")
    }

    fn testenv_url(&self, file: &str) -> String {
        let path = self
            .kubeconfig
            .parent()
            .expect("the kubeconfig is in the testenv directory")
            .join(file);
        match std::fs::read_to_string(&path) {
            Ok(url) if !url.trim().is_empty() => url.trim().to_string(),
            _ => panic!(
                "the test bed has no Prometheus ({} is missing): run scripts/testenv down && \
                 scripts/testenv up",
                path.display()
            ),
        }
    }

    /// Replaces the series in the Pushgateway's group `job` + `grouping` (label/value pairs, e.g.
    /// `[("node", "kds-node-1")]`) with `body`, in the text exposition format (e.g.
    /// `"# TYPE agent_errors_total counter\nagent_errors_total 5\n"`). The series carry the
    /// grouping labels and `job`; Prometheus has them a scrape (a second) later: wait for them
    /// with [`TestEnv::wait_for_query`]. Use a job of the test's own: tests run in parallel.
    pub fn push_series(&self, job: &str, grouping: &[(&str, &str)], body: &str) {
        let mut body = body.to_string();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        let url = self.pushgateway_group_url(job, grouping);
        curl(&["-X", "PUT", "--data-binary", "@-", &url], Some(&body))
            .unwrap_or_else(|e| panic!("push to {url}: {e}\n{body}"));
    }

    /// Deletes the Pushgateway's group `job` + `grouping`; its series go stale in Prometheus at
    /// the next scrape.
    pub fn delete_series(&self, job: &str, grouping: &[(&str, &str)]) {
        let url = self.pushgateway_group_url(job, grouping);
        curl(&["-X", "DELETE", &url], None).unwrap_or_else(|e| panic!("delete {url}: {e}"));
    }

    fn pushgateway_group_url(&self, job: &str, grouping: &[(&str, &str)]) -> String {
        let mut url = format!("{}/metrics", self.pushgateway_url());
        for (label, value) in std::iter::once(&("job", job)).chain(grouping) {
            url.push_str(&pushgateway_segment(label, value));
        }
        url
    }

    /// Polls Prometheus's instant query API with `query` until `predicate` holds on its answer's
    /// `data.result` (a vector query gives an array of `{"metric": {...}, "value": [t, "v"]}`),
    /// and returns that result; panics with `what` as [`TestEnv::eventually`] does. Each
    /// different answer on the way (evaluation times left out) is printed with the time it came
    /// (shown when the test fails).
    pub fn wait_for_query(
        &self,
        query: &str,
        what: &str,
        predicate: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let url = format!("{}/api/v1/query", self.prometheus_url());
        let query_arg = format!("query={query}");
        let mut last = String::new();
        let mut result = serde_json::Value::Null;
        let started = std::time::Instant::now();
        self.eventually(what, || {
            let answer =
                curl(&["-G", &url, "--data-urlencode", &query_arg], None).and_then(|out| {
                    serde_json::from_str::<serde_json::Value>(&out).map_err(|e| e.to_string())
                });
            // Compared without the evaluation times, which change on every query.
            let answer_text = match &answer {
                Ok(json) => {
                    let mut json = json.clone();
                    for series in json["data"]["result"].as_array_mut().into_iter().flatten() {
                        if let Some(time) = series["value"].get_mut(0) {
                            *time = serde_json::Value::Null;
                        }
                    }
                    json.to_string()
                }
                Err(e) => e.clone(),
            };
            if answer_text != last {
                eprintln!("query {query} ({:.1?}): {answer_text}", started.elapsed());
                last = answer_text;
            }
            match answer {
                Ok(mut json)
                    if json["status"] == "success" && predicate(&json["data"]["result"]) =>
                {
                    result = json["data"]["result"].take();
                    true
                }
                _ => false,
            }
        });
        result
    }
}

/// `scripts/testenv ARGS` on the control plane the tests use (`scripts/test` exports its
/// KDS_TESTENV_DIR and KDS_TESTENV_PORT_BASE, and [`env`] starts it with the ones inherited),
/// asserting that it succeeds; its messages go to the test's stderr.
#[allow(dead_code)] // for tests/disruption
pub fn testenv(args: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(root.join("scripts/testenv"))
        .args(args)
        .stdin(Stdio::null())
        .status()
        .expect("run scripts/testenv");
    assert!(
        status.success(),
        "scripts/testenv {} failed",
        args.join(" ")
    );
}

/// `curl -fsS ARGS` (with `stdin` on its standard input): its stdout, or what went wrong.
fn curl(args: &[&str], stdin: Option<&str>) -> Result<String, String> {
    let mut child = Command::new("curl")
        .args(["-fsS", "-m", "10"])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run curl");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A curl that fails before reading it says why in its exit status and message.
        let _ = pipe.write_all(text.as_bytes());
    }
    let run = Run::from_output(child.wait_with_output().expect("wait for curl"));
    if run.code == 0 {
        Ok(run.stdout)
    } else {
        Err(format!("curl exited {}: {}", run.code, run.stderr.trim()))
    }
}

/// `/LABEL/VALUE` of a Pushgateway grouping key: as it is when the value is URL-safe, else as
/// `/LABEL@base64/VALUE` in base64url (the Pushgateway's way to carry `/` or an empty value).
fn pushgateway_segment(label: &str, value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        return format!("/{label}/{value}");
    }
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut encoded = String::new();
    for chunk in value.as_bytes().chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            encoded.push(ALPHABET[((bits >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    // The Pushgateway takes "=" for the empty value.
    if encoded.is_empty() {
        encoded.push('=');
    }
    format!("/{label}@base64/{encoded}")
}

/// A namespace of its own for one test, deleted when the test ends.
pub struct Namespace {
    pub name: String,
}

impl Namespace {
    pub fn new(test: &str) -> Self {
        let name = unique_name(test);
        env().kubectl(&["create", "namespace", &name]).success();
        Self { name }
    }

    /// A namespace created with these labels in the one request, so that no admission check
    /// (Pod Security reads the namespace's labels from a cache) can see it without them.
    #[allow(dead_code)] // for tests/e2e only
    pub fn with_labels(test: &str, labels: &[(&str, &str)]) -> Self {
        let name = unique_name(test);
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k:?}: {v:?}"))
            .collect();
        let yaml = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels: {{{}}}\n",
            labels.join(", ")
        );
        env().apply("default", &yaml);
        Self { name }
    }
}

fn unique_name(test: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "e2e-{test}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl Namespace {
    /// A namespace with a RollingUpdate DaemonSet `agent` that is fully rolled out.
    pub fn with_ready_agent(test: &str) -> Self {
        let ns = Self::new(test);
        env().apply(&ns.name, &daemonset_yaml("agent", "busybox:1.36").yaml());
        env().wait_rollout(&ns.name, "agent");
        ns
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        env().kubectl(&["delete", "namespace", &self.name, "--wait=false"]);
    }
}

/// A kubectl-style table as rows of header -> value, sliced at the header columns.
pub fn parse_table(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return vec![];
    };
    let mut starts = vec![];
    let mut prev_space = 0;
    for (i, c) in header.char_indices() {
        if c == ' ' {
            prev_space += 1;
        } else {
            if i == 0 || prev_space >= 2 {
                starts.push(i);
            }
            prev_space = 0;
        }
    }
    let names: Vec<String> = starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            header[s..starts.get(k + 1).copied().unwrap_or(header.len())]
                .trim()
                .to_string()
        })
        .collect();
    lines
        .map(|line| {
            names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let start = starts[k].min(line.len());
                    let end = starts
                        .get(k + 1)
                        .copied()
                        .unwrap_or(line.len())
                        .min(line.len());
                    (name.clone(), line[start..end].trim().to_string())
                })
                .collect()
        })
        .collect()
}

/// A DaemonSet manifest for a test: by default `name` with selector and pod labels
/// `{app: name}`, a RollingUpdate strategy, nodeSelector `{kubernetes.io/os: linux}`,
/// terminationGracePeriodSeconds 0 and one container `main` running `image`; the methods change
/// what a test varies, and [`DaemonSetYaml::yaml`] writes it out. The layout is fixed, so a test
/// may name a field's line: with the defaults, a line added by [`DaemonSetYaml::container`] is
/// line 19; with a namespace and no strategy, node selector or grace period, the first line added
/// by [`DaemonSetYaml::pod`] is line 13.
#[derive(Clone, Debug)]
pub struct DaemonSetYaml {
    name: String,
    namespace: Option<String>,
    labels: Vec<(String, String)>,
    selector: Vec<(String, String)>,
    min_ready_seconds: Option<u32>,
    strategy: Option<String>,
    max_surge: Option<u32>,
    tolerations: Option<String>,
    node_selector: Option<String>,
    grace_period: Option<u32>,
    pod: Vec<String>,
    container_name: String,
    image: String,
    container: Vec<String>,
}

/// The test DaemonSet `name` running `image`, with the defaults of [`DaemonSetYaml`].
pub fn daemonset_yaml(name: &str, image: &str) -> DaemonSetYaml {
    DaemonSetYaml {
        name: name.to_string(),
        namespace: None,
        labels: vec![],
        selector: vec![("app".to_string(), name.to_string())],
        min_ready_seconds: None,
        strategy: Some("RollingUpdate".to_string()),
        max_surge: None,
        tolerations: None,
        node_selector: Some("{kubernetes.io/os: linux}".to_string()),
        grace_period: Some(0),
        pod: vec![],
        container_name: "main".to_string(),
        image: image.to_string(),
        container: vec![],
    }
}

impl DaemonSetYaml {
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string());
        self
    }

    /// A label on the DaemonSet itself.
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.push((key.to_string(), value.to_string()));
        self
    }

    /// The value of the `app` label the selector matches and the pods carry (the name otherwise).
    pub fn app(mut self, value: &str) -> Self {
        self.selector[0].1 = value.to_string();
        self
    }

    /// Another label the selector matches and the pods carry.
    pub fn selector_label(mut self, key: &str, value: &str) -> Self {
        self.selector.push((key.to_string(), value.to_string()));
        self
    }

    pub fn min_ready_seconds(mut self, seconds: u32) -> Self {
        self.min_ready_seconds = Some(seconds);
        self
    }

    /// The updateStrategy type; `None` leaves updateStrategy out.
    pub fn strategy<'a>(mut self, strategy: impl Into<Option<&'a str>>) -> Self {
        self.strategy = strategy.into().map(str::to_string);
        self
    }

    /// A RollingUpdate that surges `max_surge` pods, with maxUnavailable 0.
    pub fn max_surge(mut self, max_surge: u32) -> Self {
        self.strategy = Some("RollingUpdate".to_string());
        self.max_surge = Some(max_surge);
        self
    }

    /// The pod's tolerations, as a YAML flow list.
    pub fn tolerations(mut self, tolerations: &str) -> Self {
        self.tolerations = Some(tolerations.to_string());
        self
    }

    /// The pod's nodeSelector, as a YAML flow map; `None` leaves it out.
    pub fn node_selector<'a>(mut self, selector: impl Into<Option<&'a str>>) -> Self {
        self.node_selector = selector.into().map(str::to_string);
        self
    }

    /// terminationGracePeriodSeconds; `None` leaves it out.
    pub fn grace_period(mut self, seconds: impl Into<Option<u32>>) -> Self {
        self.grace_period = seconds.into();
        self
    }

    /// Pod-spec YAML (one field or more, indented as a pod-spec field is at the top level),
    /// written before the containers.
    pub fn pod(mut self, yaml: &str) -> Self {
        self.pod.push(yaml.to_string());
        self
    }

    pub fn container_name(mut self, name: &str) -> Self {
        self.container_name = name.to_string();
        self
    }

    /// Container YAML for the one container (indented as its fields are at the top level),
    /// written after its image.
    pub fn container(mut self, yaml: &str) -> Self {
        self.container.push(yaml.to_string());
        self
    }

    pub fn yaml(&self) -> String {
        fn flow(pairs: &[(String, String)]) -> String {
            let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", pairs.join(", "))
        }
        fn indented(out: &mut String, indent: usize, yaml: &str) {
            for line in yaml.lines() {
                out.push_str(&format!("{:indent$}{line}\n", ""));
            }
        }
        let mut out = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {}\n",
            self.name
        );
        if let Some(namespace) = &self.namespace {
            out.push_str(&format!("  namespace: {namespace}\n"));
        }
        if !self.labels.is_empty() {
            out.push_str(&format!("  labels: {}\n", flow(&self.labels)));
        }
        out.push_str("spec:\n");
        if let Some(seconds) = self.min_ready_seconds {
            out.push_str(&format!("  minReadySeconds: {seconds}\n"));
        }
        let labels = flow(&self.selector);
        out.push_str(&format!("  selector:\n    matchLabels: {labels}\n"));
        if let Some(strategy) = &self.strategy {
            out.push_str(&format!("  updateStrategy:\n    type: {strategy}\n"));
            if let Some(surge) = self.max_surge {
                out.push_str(&format!(
                    "    rollingUpdate: {{maxSurge: {surge}, maxUnavailable: 0}}\n"
                ));
            }
        }
        out.push_str(&format!(
            "  template:\n    metadata:\n      labels: {labels}\n    spec:\n"
        ));
        if let Some(tolerations) = &self.tolerations {
            out.push_str(&format!("      tolerations: {tolerations}\n"));
        }
        if let Some(selector) = &self.node_selector {
            out.push_str(&format!("      nodeSelector: {selector}\n"));
        }
        if let Some(seconds) = self.grace_period {
            out.push_str(&format!("      terminationGracePeriodSeconds: {seconds}\n"));
        }
        for yaml in &self.pod {
            indented(&mut out, 6, yaml);
        }
        out.push_str(&format!(
            "      containers:\n      - name: {}\n        image: {}\n",
            self.container_name, self.image
        ));
        for yaml in &self.container {
            indented(&mut out, 8, yaml);
        }
        out
    }
}

/// The findings of a `kubectl ds lint -o json` report as (rule ID, the value at `pointer` in
/// each finding, line), e.g. pointer `/field` or `/object/name`.
pub fn lint_findings(report: &serde_json::Value, pointer: &str) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["ruleId"].as_str().expect("ruleId").to_string(),
                f.pointer(pointer)
                    .and_then(|v| v.as_str())
                    .expect(pointer)
                    .to_string(),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

/// A user allowed only `get` and `list` on `resources` cluster-wide (a ClusterRole and a binding
/// named after `name`), deleted when dropped. Waits until the authorizer lets the user list each.
pub struct ReadOnlyUser {
    pub user: String,
    role: String,
}

impl ReadOnlyUser {
    pub fn new(name: &str, resources: &[&str]) -> Self {
        let env = env();
        let user = format!("reader-{name}");
        let role = format!("kds-test-{name}");
        env.kubectl(&[
            "create",
            "clusterrole",
            &role,
            "--verb=get,list",
            &format!("--resource={}", resources.join(",")),
        ])
        .success();
        env.kubectl(&[
            "create",
            "clusterrolebinding",
            &role,
            &format!("--clusterrole={role}"),
            &format!("--user={user}"),
        ])
        .success();
        for resource in resources {
            env.wait_until_allowed(&["--as", &user], "list", resource, None);
        }
        Self { user, role }
    }
}

impl Drop for ReadOnlyUser {
    fn drop(&mut self) {
        env().kubectl(&["delete", "clusterrolebinding", &self.role, "--wait=false"]);
        env().kubectl(&["delete", "clusterrole", &self.role, "--wait=false"]);
    }
}

impl Run {
    /// stdout as JSON, or a panic showing both streams.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}
