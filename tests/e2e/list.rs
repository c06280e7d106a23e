use serde_json::Value;

use crate::harness::{daemonset_yaml, env, parse_table, require_cluster, Namespace};

fn row_for<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    namespace: &str,
    name: &str,
) -> &'a std::collections::HashMap<String, String> {
    rows.iter()
        .find(|r| r.get("NAMESPACE").map(String::as_str) == Some(namespace) && r["NAME"] == name)
        .unwrap_or_else(|| panic!("no row for {namespace}/{name} in {rows:?}"))
}

#[test]
fn list_all_namespaces_shows_ready_counts_revision_and_selector() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("list");
    let nodes = env.untainted_node_count().to_string();

    // The revision the list shows is the controller's newest (read around the same moment: the
    // controller may still renumber a new DaemonSet's revision).
    let mut rows = Vec::new();
    let mut stdout = String::new();
    env.eventually("list shows the newest revision", || {
        let run = env.ds(&["list", "-A"]);
        run.success();
        rows = parse_table(&run.stdout);
        stdout = run.stdout.clone();
        row_for(&rows, &ns.name, "agent")["REVISION"] == env.newest_revision(&ns.name).to_string()
    });
    let row = row_for(&rows, &ns.name, "agent");
    for column in ["DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE"] {
        assert_eq!(row[column], nodes, "{column} in {row:?}");
    }
    assert_eq!(row["STRATEGY"], "RollingUpdate");
    assert_eq!(row["MISSCHEDULED"], "0");
    assert_eq!(row["ROLLOUT"], "complete");
    assert_eq!(row["NODE SELECTOR"], "kubernetes.io/os=linux");
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );

    // The alias, a namespace, wide, and --no-headers.
    let wide = env.ds(&["ls", "-n", &ns.name, "-o", "wide"]);
    wide.success();
    let rows = parse_table(&wide.stdout);
    assert_eq!(rows.len(), 1, "{}", wide.stdout);
    assert_eq!(rows[0]["IMAGES"], "busybox:1.36");
    assert_eq!(rows[0]["SELECTOR"], "app=agent");
    assert_eq!(rows[0]["MAX-UNAVAILABLE"], "1");
    let bare = env.ds(&["list", "-n", &ns.name, "--no-headers"]);
    assert!(
        bare.success().stdout.starts_with("agent "),
        "{}",
        bare.stdout
    );
    assert_eq!(bare.stdout.lines().count(), 1);
}

#[test]
fn list_machine_readable_outputs() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("list-out");

    let mut doc = Value::Null;
    env.eventually("list shows the newest revision", || {
        let json = env.ds(&["list", "-n", &ns.name, "-o", "json"]);
        doc = serde_json::from_str(&json.success().stdout).expect("valid JSON on stdout");
        doc["items"][0]["revision"] == env.newest_revision(&ns.name)
    });
    let item = &doc["items"][0];
    assert_eq!(item["name"], "agent");
    assert_eq!(item["namespace"], ns.name.as_str());
    assert_eq!(item["desired"], env.untainted_node_count() as u64);
    assert_eq!(item["rollout"]["state"], "complete");
    assert_eq!(item["rolloutInProgress"], false);

    let yaml = env.ds(&["list", "-n", &ns.name, "-o", "yaml"]);
    let doc: serde_yaml::Value = serde_yaml::from_str(&yaml.success().stdout).expect("valid YAML");
    assert_eq!(doc["items"][0]["name"].as_str(), Some("agent"));

    let names = env.ds(&["list", "-n", &ns.name, "-o", "name"]);
    assert_eq!(names.success().stdout, "daemonset.apps/agent\n");

    let forced = env.ds(&["list", "-n", &ns.name, "--color", "always"]);
    assert!(
        forced.success().stdout.contains("\u{1b}["),
        "--color always colours"
    );
}

#[test]
fn list_shows_an_ondelete_rollout_waiting_for_pod_deletes() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("ondelete");
    env.apply(
        &ns.name,
        &daemonset_yaml("agent", "busybox:1.36")
            .strategy("OnDelete")
            .yaml(),
    );
    env.wait_rollout(&ns.name, "agent");
    let first = env.newest_revision(&ns.name);
    env.apply(
        &ns.name,
        &daemonset_yaml("agent", "busybox:1.37")
            .strategy("OnDelete")
            .yaml(),
    );

    let list = || {
        let run = env.ds(&["list", "-n", &ns.name]);
        run.success();
        parse_table(&run.stdout).remove(0)
    };
    // The controller records the revision first and the counts in the same sync, a moment later.
    env.eventually("the new revision with no pod updated", || {
        let newest = env.newest_revision(&ns.name);
        let row = list();
        newest > first
            && row["REVISION"] == newest.to_string()
            && row["UP-TO-DATE"] == "0"
            && row["ROLLOUT"] == "waiting-deletes"
    });
    assert_eq!(list()["STRATEGY"], "OnDelete");

    // Deleting one pod moves exactly that node to the new revision.
    let pods = env.kubectl(&["get", "pods", "-n", &ns.name, "-o", "name"]);
    let first = pods
        .success()
        .stdout
        .lines()
        .next()
        .expect("a pod")
        .to_string();
    env.kubectl(&["delete", "-n", &ns.name, &first, "--wait=true"])
        .success();
    env.eventually("one node updated", || list()["UP-TO-DATE"] == "1");
    assert_eq!(list()["ROLLOUT"], "waiting-deletes");
}

#[test]
fn empty_namespace_says_so_on_stderr() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("empty");
    let run = env.ds(&["list", "-n", &ns.name]);
    run.success();
    assert_eq!(run.stdout, "");
    assert!(
        run.errors()
            .contains(&format!("No DaemonSets found in {} namespace.", ns.name)),
        "{}",
        run.stderr
    );
}

#[test]
fn kubectl_finds_the_plugin() {
    require_cluster!();
    let env = env();
    let run = env.kubectl_on_plugin_path(&["plugin", "list"]);
    assert!(
        run.stdout.lines().any(|l| l.ends_with("/kubectl-ds")),
        "kubectl plugin list should show kubectl-ds:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}
