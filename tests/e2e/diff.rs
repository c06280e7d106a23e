//! `kubectl ds diff -f`: a live RollingUpdate DaemonSet against manifests that leave it as is,
//! change a label, change the image, change the immutable selector; a DaemonSet not in the
//! cluster yet; JSON output; bad input.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, DaemonSetYaml, Namespace, Run};

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// A RollingUpdate DaemonSet with the given name and image, on every untainted node.
fn manifest(name: &str, image: &str) -> DaemonSetYaml {
    daemonset_yaml(name, image)
        .node_selector(None)
        .container("command: [sleep, \"3600\"]")
}

fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write manifest");
    path
}

fn diff(ns: &str, path: &Path, extra: &[&str]) -> Run {
    let args = [
        &[
            "diff",
            "-n",
            ns,
            "-f",
            path.to_str().unwrap(),
            "--color",
            "never",
        ][..],
        extra,
    ]
    .concat();
    env().ds(&args)
}

/// A namespace with `agent` (busybox:1.36) applied server-side as kubectl-ds and rolled out.
fn live_agent(test: &str, dir: &Path) -> Namespace {
    let ns = Namespace::new(test);
    let path = write(dir, "live.yaml", &manifest("agent", "busybox:1.36").yaml());
    env()
        .kubectl(&[
            "apply",
            "--server-side",
            "--field-manager=kubectl-ds",
            "-n",
            &ns.name,
            "-f",
            path.to_str().unwrap(),
        ])
        .success();
    env().wait_rollout(&ns.name, "agent");
    ns
}

#[test]
fn diff_unchanged_manifest_prints_only_the_verdict() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = live_agent("diff-same", dir.path());
    let path = write(
        dir.path(),
        "same.yaml",
        &manifest("agent", "busybox:1.36").yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!("daemonset {}/agent: no differences\n", ns.name)
    );
    let report = json(&diff(&ns.name, &path, &["-o", "json"]));
    assert_eq!(
        report["items"][0]["verdict"]["kind"], "noChanges",
        "{report}"
    );
    assert_eq!(
        report["items"][0]["changes"],
        serde_json::json!([]),
        "{report}"
    );
}

#[test]
fn diff_label_only_change_replaces_no_pods() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = live_agent("diff-label", dir.path());
    let path = write(
        dir.path(),
        "labelled.yaml",
        &manifest("agent", "busybox:1.36")
            .label("team", "infra")
            .yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("\n+    team: infra\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Pod template:"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(&format!(
            "daemonset {}/agent: only fields outside the pod template changed: no pods will be replaced\n",
            ns.name
        )),
        "{}",
        run.stdout
    );
    let report = json(&diff(&ns.name, &path, &["-o", "json"]));
    let item = &report["items"][0];
    assert_eq!(item["verdict"]["kind"], "noPodsReplaced", "{report}");
    // The live object has no labels at all, so the whole map is the one change.
    assert_eq!(
        item["changes"],
        serde_json::json!([{"path": "metadata.labels", "new": {"team": "infra"}}]),
        "{report}"
    );
    assert_eq!(item["templateChanged"], false, "{report}");
}

#[test]
fn diff_image_change_replaces_pods_on_every_scheduled_node() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = live_agent("diff-image", dir.path());
    let live = env().kubectl(&["get", "ds", "agent", "-n", &ns.name, "-o", "json"]);
    let scheduled = json(live.success())["status"]["currentNumberScheduled"]
        .as_i64()
        .expect("currentNumberScheduled");
    assert!(scheduled > 0);
    let path = write(
        dir.path(),
        "image.yaml",
        &manifest("agent", "busybox:1.37").yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let text = &run.stdout;
    assert!(
        text.contains("\n-        image: busybox:1.36\n+        image: busybox:1.37\n"),
        "{text}"
    );
    assert!(
        text.contains("Pod template:\n  image main: busybox:1.36 → busybox:1.37\n"),
        "{text}"
    );
    assert!(!text.contains("changed:"), "{text}");
    assert!(
        text.contains(&format!("pods on {scheduled} nodes will be replaced")),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "{text}");

    let colored = env().ds(&[
        "diff",
        "-n",
        &ns.name,
        "-f",
        path.to_str().unwrap(),
        "--color",
        "always",
    ]);
    assert!(
        colored
            .stdout
            .contains("\x1b[32m+        image: busybox:1.37\x1b[0m"),
        "{}",
        colored.stdout
    );

    let report = json(&diff(&ns.name, &path, &["-o", "json"]));
    assert_eq!(report["kind"], "DaemonSetDiffList");
    let item = &report["items"][0];
    let paths: Vec<&str> = item["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["spec.template.spec.containers[0].image"],
        "{report}"
    );
    assert_eq!(item["verdict"]["kind"], "rollout", "{report}");
    assert_eq!(item["verdict"]["nodes"], scheduled, "{report}");
    assert_eq!(item["templateChanges"]["images"][0]["new"], "busybox:1.37");
}

#[test]
fn diff_selector_change_explains_the_orphan_migration() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = live_agent("diff-selector", dir.path());
    let path = write(
        dir.path(),
        "selector.yaml",
        &manifest("agent", "busybox:1.36").app("agent-v2").yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let errors = run.errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("spec.selector"), "{errors}");
    assert!(errors.contains("immutable"), "{errors}");
    assert!(errors.contains("selector.yaml:"), "{errors}");
    // migrate first, with the file given; the manual route after it.
    let migrate = format!("`kubectl ds migrate -f {} -n {}`", path.display(), ns.name);
    let (Some(migrate_at), Some(manual_at)) =
        (errors.find(&migrate), errors.find("--cascade=orphan"))
    else {
        panic!("{migrate} and --cascade=orphan: {errors}");
    };
    assert!(migrate_at < manual_at, "{errors}");
}

#[test]
fn diff_new_daemonset_creates_pods_on_schedulable_nodes() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = Namespace::new("diff-new");
    let path = write(
        dir.path(),
        "fresh.yaml",
        &manifest("fresh", "busybox:1.36").yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("\n+kind: DaemonSet\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(&format!(
            "daemonset {}/fresh: new DaemonSet: will create pods on 3 nodes\n",
            ns.name
        )),
        "{}",
        run.stdout
    );
    let report = json(&diff(&ns.name, &path, &["-o", "json"]));
    assert_eq!(report["items"][0]["verdict"]["kind"], "create", "{report}");
    assert_eq!(report["items"][0]["verdict"]["nodes"], 3, "{report}");
    assert_eq!(report["items"][0]["exists"], false, "{report}");
}

#[test]
fn diff_bad_input_exits_2() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let ns = Namespace::new("diff-bad");
    let path = write(
        dir.path(),
        "elsewhere.yaml",
        &manifest("agent", "busybox:1.36")
            .namespace("elsewhere")
            .yaml(),
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let errors = run.errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains("\"elsewhere\" does not match -n"),
        "{errors}"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let path = write(
        dir.path(),
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n",
    );
    let run = diff(&ns.name, &path, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let errors = run.errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("no DaemonSet in the input"), "{errors}");
}
