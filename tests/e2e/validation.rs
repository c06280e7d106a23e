//! What the API server says about a manifest: an unknown field refused (strict field validation)
//! in one line with the file, line and object, before anything is written; the server's warnings
//! (Pod Security `warn` mode) printed to stderr as kubectl prints them, once, without failing the
//! apply or touching structured output on stdout; and no warning when there is nothing to say.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, DaemonSetYaml, Namespace};
use crate::rollout_support::get_json;

/// `agent` at `image` with `extra` (a container field) after its image line.
fn agent_with(image: &str, extra: &str) -> DaemonSetYaml {
    daemonset_yaml("agent", image).container(extra)
}

/// The misspelt imagePullPolicy is on line 19 of this manifest.
const TYPO: &str = "imagePullPolcy: Always";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn daemonset(ns: &str) -> Value {
    get_json(&["get", "daemonset", "agent", "-n", ns, "-o", "json"])
}

/// The one error line of a refused run, after checking it is the only line and exit 2.
#[track_caller]
fn refusal(args: &[&str]) -> String {
    let run = env().ds(args);
    let errors = run.errors();
    assert_eq!(
        run.code, 2,
        "{args:?}\nstdout:\n{}\nstderr:\n{errors}",
        run.stdout
    );
    assert_eq!(errors.lines().count(), 1, "{args:?}: {errors}");
    errors
}

#[test]
fn an_unknown_field_is_refused_in_one_line_before_anything_is_written() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("val-unknown");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yaml",
        &agent_with("busybox:1.37", TYPO).yaml(),
    );
    let bad = bad.to_str().unwrap();
    let before = daemonset(ns);

    let expected = format!(
        r#"error: {bad}:19: the API server rejected daemonset {ns}/agent: .spec.template.spec.containers[name="main"].imagePullPolcy: field not declared in schema; correct the manifest and run the command again"#
    );
    for extra in [
        &["--mode", "rolling"][..],
        &["--mode", "rolling", "--dry-run"],
        &["--mode", "ondelete"],
        &["--mode", "ondelete", "--dry-run"],
    ] {
        let mut args = vec!["rollout", "apply", "-f", bad, "-n", ns];
        args.extend_from_slice(extra);
        assert_eq!(refusal(&args), expected, "{extra:?}");
    }

    // diff's dry run is strict too, and words it as what would happen.
    assert_eq!(
        refusal(&["diff", "-f", bad, "-n", ns]),
        expected.replace("rejected daemonset", "would reject daemonset")
    );

    // Nothing was written: not the template, not the rollout lock, not even the resourceVersion.
    let after = daemonset(ns);
    assert_eq!(
        after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
        "{after}"
    );
    assert_eq!(
        after["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );

    // A DaemonSet that does not exist yet is not created.
    let empty = Namespace::new("val-unknown-new");
    let line = refusal(&["rollout", "apply", "-f", bad, "-n", &empty.name]);
    assert!(
        line.contains(&format!("daemonset {}/agent", empty.name)),
        "{line}"
    );
    let run = env().kubectl(&["get", "daemonsets", "-n", &empty.name, "-o", "name"]);
    assert_eq!(run.success().stdout, "");
}

#[test]
fn migrate_refuses_an_unknown_field_before_relabelling_or_deleting() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("val-migrate");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    // A new selector (what migrate is for) and the typo.
    let text = agent_with("busybox:1.36", TYPO)
        .selector_label("tier", "node")
        .yaml();
    let bad = write(dir.path(), "bad-tier.yaml", &text);
    let bad = bad.to_str().unwrap();
    let before = daemonset(ns);

    let expected = format!(
        r#"error: {bad}:19: the API server rejected daemonset {ns}/agent: DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolcy"; correct the manifest and run the command again"#
    );
    for extra in [&["--dry-run"][..], &["--yes"]] {
        let mut args = vec!["migrate", "-f", bad, "-n", ns];
        args.extend_from_slice(extra);
        assert_eq!(refusal(&args), expected, "{extra:?}");
    }

    let after = daemonset(ns);
    assert_eq!(
        after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
        "{after}"
    );
    let pods = get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"]);
    for pod in pods["items"].as_array().unwrap() {
        assert!(pod["metadata"]["labels"]["tier"].is_null(), "{pod}");
        assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], "agent");
    }
}

#[test]
fn pod_security_warnings_are_printed_once_and_the_apply_goes_on() {
    require_cluster!();
    let ns = Namespace::new("val-psa");
    let ns = ns.name.as_str();
    env()
        .kubectl(&[
            "label",
            "namespace",
            ns,
            "pod-security.kubernetes.io/warn=baseline",
        ])
        .success();
    let dir = tempfile::tempdir().unwrap();
    let privileged = write(
        dir.path(),
        "privileged.yaml",
        &agent_with("busybox:1.36", "securityContext: {privileged: true}").yaml(),
    );

    // -o json: the events on stdout stay one JSON object a line, the warning goes to stderr.
    let run = env().ds(&[
        "rollout",
        "apply",
        "-f",
        privileged.to_str().unwrap(),
        "-n",
        ns,
        "-o",
        "json",
    ]);
    run.success();
    let errors = run.errors();
    let warnings: Vec<&str> = errors
        .lines()
        .filter(|l| l.starts_with("Warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            r#"Warning: would violate PodSecurity "baseline:latest": privileged (container "main" must not set securityContext.privileged=true)"#
        ],
        "{errors}"
    );
    for line in run.stdout.lines() {
        let event: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"));
        assert!(event["event"].is_string(), "{line}");
    }
    let ds = daemonset(ns);
    assert_eq!(
        ds["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"],
        true
    );
}

#[test]
fn a_plain_apply_prints_no_warning() {
    require_cluster!();
    let ns = Namespace::new("val-plain");
    let ns = ns.name.as_str();
    let dir = tempfile::tempdir().unwrap();
    let plain = write(
        dir.path(),
        "plain.yaml",
        &daemonset_yaml("agent", "busybox:1.36").yaml(),
    );
    let run = env().ds(&["rollout", "apply", "-f", plain.to_str().unwrap(), "-n", ns]);
    run.success();
    assert!(!run.errors().contains("Warning:"), "{}", run.errors());
}
