//! Connection flags, kubeconfig precedence, credentials, and the one-line errors with their exit codes.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::harness::{daemonset_yaml, env, parse_table, require_cluster, Namespace, Run};

const USAGE: i32 = 2;
const CONNECTION: i32 = 3;
const API: i32 = 4;
const INTERRUPTED: i32 = 130;

fn admin_kubeconfig() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(&env().kubeconfig).expect("read kubeconfig"))
        .expect("kubeconfig YAML")
}

fn admin_token() -> String {
    let config = admin_kubeconfig();
    config["users"]
        .as_sequence()
        .and_then(|users| users.iter().find(|u| u["name"] == "admin"))
        .and_then(|u| u["user"]["token"].as_str())
        .expect("admin token")
        .to_string()
}

fn write_yaml(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_yaml::to_string(value).expect("yaml")).expect("write");
    path
}

/// The admin kubeconfig with `edit` applied to it, saved in `dir`.
fn kubeconfig_variant(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut config = admin_kubeconfig();
    edit(&mut config);
    write_yaml(dir, name, &config)
}

/// The admin kubeconfig pointed at another server.
fn kubeconfig_with_server(dir: &Path, name: &str, server: impl Into<String>) -> PathBuf {
    let server = server.into();
    kubeconfig_variant(dir, name, |c| {
        c["clusters"][0]["cluster"]["server"] = Value::from(server);
    })
}

#[track_caller]
fn assert_one_line_error(run: &Run, code: i32, fragments: &[&str]) {
    let errors = run.errors();
    assert_eq!(run.code, code, "exit code; stderr: {errors}");
    assert_eq!(errors.lines().count(), 1, "one line expected: {errors:?}");
    assert!(errors.starts_with("error: "), "{errors}");
    for fragment in fragments {
        assert!(
            errors.contains(fragment),
            "{errors:?} should mention {fragment:?}"
        );
    }
    assert_eq!(run.stdout, "", "nothing on stdout on error");
}

#[test]
fn forbidden_names_user_verb_resource_and_namespace() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("forbidden");
    let run = env.ds(&["list", "--context", "kds-limited", "-n", &ns.name]);
    assert_one_line_error(
        &run,
        API,
        &[
            "forbidden",
            "User \"limited\"",
            "list",
            "daemonsets",
            &format!("\"{}\"", ns.name),
            "ask a cluster admin",
        ],
    );

    let cluster_wide = env.ds(&["list", "--context", "kds-limited", "-A"]);
    assert_one_line_error(
        &cluster_wide,
        API,
        &["User \"limited\"", "cluster scope", "cluster-wide"],
    );

    // Impersonation through --as reaches the same refusal.
    let impersonated = env.ds(&["list", "--as", "limited", "-n", &ns.name]);
    assert_one_line_error(&impersonated, API, &["User \"limited\""]);
}

/// Binds the testenv's read-only ClusterRole in `namespace` to `subject` (`--user=..`/`--group=..`).
fn grant_daemonset_reader(namespace: &str, subject: &str) {
    env()
        .kubectl(&[
            "create",
            "rolebinding",
            "daemonset-reader",
            "-n",
            namespace,
            "--clusterrole=kds:daemonset-reader",
            subject,
        ])
        .success();
}

#[test]
fn limited_user_lists_where_it_is_granted() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("granted");
    grant_daemonset_reader(&ns.name, "--user=limited");
    env.wait_until_allowed(
        &["--as", "limited"],
        "list",
        "daemonsets.apps",
        Some(&ns.name),
    );
    env.apply(&ns.name, &daemonset_yaml("agent", "busybox:1.36").yaml());
    env.wait_rollout(&ns.name, "agent");
    let run = env.ds(&["list", "--context", "kds-limited", "-n", &ns.name]);
    run.success();
    assert_eq!(parse_table(&run.stdout)[0]["REVISION"], "1");
}

#[test]
fn bad_kubeconfig_path_is_a_connection_error() {
    require_cluster!();
    let run = env().ds(&["list", "--kubeconfig", "/nonexistent/kubeconfig"]);
    assert_one_line_error(
        &run,
        CONNECTION,
        &["/nonexistent/kubeconfig", "does not exist", "--kubeconfig"],
    );
}

#[test]
fn unparsable_kubeconfig_is_a_connection_error() {
    require_cluster!();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("garbage");
    std::fs::write(&path, "clusters: [\n  - {").expect("write");
    let run = env().ds(&["list", "--kubeconfig", path.to_str().expect("utf-8")]);
    assert_one_line_error(&run, CONNECTION, &["cannot read kubeconfig", "garbage"]);
}

#[test]
fn unknown_context_lists_the_known_ones() {
    require_cluster!();
    let run = env().ds(&["list", "--context", "no-such-context"]);
    assert_one_line_error(
        &run,
        CONNECTION,
        &[
            "\"no-such-context\"",
            "kds-admin",
            "kds-limited",
            "--context",
        ],
    );
}

#[test]
fn unknown_user_or_cluster_is_refused_not_anonymous() {
    require_cluster!();
    let run = env().ds(&["list", "--user", "typo"]);
    assert_one_line_error(&run, CONNECTION, &["user \"typo\"", "admin", "limited"]);
    let run = env().ds(&["list", "--cluster", "typo"]);
    assert_one_line_error(&run, CONNECTION, &["cluster \"typo\"", "kds"]);
}

#[test]
fn user_and_cluster_flags_select_kubeconfig_entries() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("userflag");
    // The admin context with --user limited is the limited user: refused.
    let run = env.ds(&["list", "-n", &ns.name, "--user", "limited"]);
    assert_one_line_error(&run, API, &["User \"limited\""]);
    let run = env.ds(&[
        "list",
        "-n",
        &ns.name,
        "--user",
        "admin",
        "--cluster",
        "kds",
    ]);
    run.success();
}

#[test]
fn as_group_impersonates_groups() {
    require_cluster!();
    let env = env();
    let ns = Namespace::new("asgroup");
    grant_daemonset_reader(&ns.name, "--group=kds:readers");
    env.wait_until_allowed(
        &["--as", "someone", "--as-group", "kds:readers"],
        "list",
        "daemonsets.apps",
        Some(&ns.name),
    );
    let run = env.ds(&[
        "list",
        "-n",
        &ns.name,
        "--as",
        "someone",
        "--as-group",
        "kds:readers",
    ]);
    run.success();
    let run = env.ds(&["list", "-n", &ns.name, "--as", "someone"]);
    assert_one_line_error(&run, API, &["User \"someone\""]);
}

#[test]
fn unreachable_server_names_url_and_context() {
    require_cluster!();
    let dir = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on: bind one, learn its number, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let path = kubeconfig_with_server(
        dir.path(),
        "unreachable",
        format!("https://127.0.0.1:{port}"),
    );
    let run = env().ds(&["list", "--kubeconfig", path.to_str().expect("utf-8")]);
    assert_one_line_error(
        &run,
        CONNECTION,
        &[
            &format!("https://127.0.0.1:{port}"),
            "context \"kds-admin\"",
            "refused",
            "check that the cluster is running",
        ],
    );
}

#[test]
fn usage_errors_exit_2() {
    require_cluster!();
    let env = env();
    let cases: &[&[&str]] = &[
        &["list", "--bogus"],
        &["list", "-o", "xml"],
        &["list", "--request-timeout", "soon"],
        &["nope"],
    ];
    for args in cases {
        let run = env.ds(args);
        assert_eq!(run.code, USAGE, "{args:?}: {}", run.stderr);
        assert!(
            run.errors().starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn kubeconfig_precedence_matches_kubectl() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("precedence");
    let dir = tempfile::tempdir().expect("tempdir");
    // The context's namespace is used when -n is not given.
    let namespaced = kubeconfig_variant(dir.path(), "namespaced", |c| {
        c["contexts"][0]["context"]["namespace"] = Value::from(ns.name.clone());
    });
    let missing = dir.path().join("missing");
    let broken = kubeconfig_with_server(dir.path(), "broken", "https://127.0.0.1:1");
    let list = |vars: &[(&str, &OsStr)], extra: &[&str]| {
        let mut args = vec!["list", "-o", "name"];
        args.extend_from_slice(extra);
        env.ds_with(&args, vars)
    };

    // KUBECONFIG list: missing files are skipped, the first file to define a value wins.
    let joined = std::env::join_paths([&missing, &namespaced, &broken]).expect("join");
    let run = list(&[("KUBECONFIG", &joined)], &[]);
    assert_eq!(run.success().stdout, "daemonset.apps/agent\n");

    // --kubeconfig beats KUBECONFIG.
    let run = list(
        &[("KUBECONFIG", broken.as_os_str())],
        &["--kubeconfig", namespaced.to_str().expect("utf-8")],
    );
    assert_eq!(run.success().stdout, "daemonset.apps/agent\n");

    // -n beats the context's namespace.
    let run = list(
        &[("KUBECONFIG", namespaced.as_os_str())],
        &["-n", "kds-limited"],
    );
    assert_eq!(run.success().stdout, "");

    // With neither flag nor KUBECONFIG, ~/.kube/config is read.
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir(home.path().join(".kube")).expect("mkdir");
    std::fs::copy(&namespaced, home.path().join(".kube/config")).expect("copy");
    let run = list(&[("HOME", home.path().as_os_str())], &[]);
    assert_eq!(run.success().stdout, "daemonset.apps/agent\n");
}

/// A kubeconfig in `dir` whose admin user gets its token from an exec plugin that prints `token`.
fn exec_plugin_kubeconfig(dir: &Path, token: &str) -> PathBuf {
    let plugin = dir.join("credential-plugin");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\"}}}}'\n"
        ),
    )
    .expect("write plugin");
    std::process::Command::new("chmod")
        .args(["+x"])
        .arg(&plugin)
        .status()
        .expect("chmod");
    kubeconfig_variant(dir, "exec", |c| {
        let users = c["users"].as_sequence_mut().expect("users");
        for user in users.iter_mut().filter(|u| u["name"] == "admin") {
            user["user"] = serde_yaml::from_str(&format!(
                "exec: {{apiVersion: client.authentication.k8s.io/v1beta1, command: {}, interactiveMode: Never}}",
                plugin.display()
            ))
            .expect("exec yaml");
        }
    })
}

#[test]
fn exec_credential_plugins_work() {
    require_cluster!();
    let env = env();
    let ns = Namespace::with_ready_agent("exec");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = exec_plugin_kubeconfig(dir.path(), &admin_token());
    let run = env.ds(&[
        "list",
        "-n",
        &ns.name,
        "-o",
        "name",
        "--kubeconfig",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.success().stdout, "daemonset.apps/agent\n");
}

#[test]
fn verbose_logs_never_print_credentials() {
    require_cluster!();
    let env = env();
    let token = admin_token();
    // What each level must show, so the check below is about real log output.
    let levels = [
        ("-v", "connecting"),
        ("-vv", "requesting"),
        ("-vvv", "listed"),
        ("-v=8", "hyper"),
        ("-vvvvv", "hyper"),
    ];
    for (flag, expected) in levels {
        let run = env.ds(&["list", "-n", "kds-limited", flag]);
        run.success();
        assert!(
            run.stderr.contains(expected),
            "{flag} should log {expected:?}:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains(&token), "{flag} leaked the token");
        assert!(
            !run.stdout.contains(&token),
            "{flag} leaked the token on stdout"
        );
    }
    // A token that is in no file: it only ever exists in the plugin's output and the request.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = exec_plugin_kubeconfig(dir.path(), &token);
    let run = env.ds(&[
        "list",
        "-n",
        "kds-limited",
        "-vvvvv",
        "--kubeconfig",
        path.to_str().expect("utf-8"),
    ]);
    run.success();
    assert!(
        run.stderr
            .contains("/apis/apps/v1/namespaces/kds-limited/daemonsets"),
        "trace shows requests"
    );
    assert!(
        !run.stderr.contains(&token),
        "exec-plugin token leaked at -vvvvv"
    );
}

/// A TCP server that accepts connections and never answers: requests hang until the client gives up.
fn silent_server() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

#[test]
fn request_timeout_bounds_a_hung_server() {
    require_cluster!();
    let (_listener, port) = silent_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = kubeconfig_with_server(dir.path(), "silent", format!("https://127.0.0.1:{port}"));
    let run = env().ds(&[
        "list",
        "--kubeconfig",
        path.to_str().expect("utf-8"),
        "--request-timeout",
        "1s",
    ]);
    assert_one_line_error(
        &run,
        CONNECTION,
        &[&format!("127.0.0.1:{port}"), "--request-timeout"],
    );
}

#[test]
fn interrupt_exits_130() {
    require_cluster!();
    let (listener, port) = silent_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = kubeconfig_with_server(dir.path(), "silent", format!("https://127.0.0.1:{port}"));
    let child = env()
        .plugin_command(&["list", "--kubeconfig", path.to_str().expect("utf-8")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Once the request is in flight, interrupt it as Ctrl-C would (kubectl execs the plugin in place).
    listener.set_nonblocking(true).expect("nonblocking");
    let mut child = child;
    let mut connection = None;
    env().eventually("the plugin connects to the silent server", || {
        assert!(
            child.try_wait().expect("poll child").is_none(),
            "the plugin exited before connecting"
        );
        connection = listener.accept().ok();
        connection.is_some()
    });
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(INTERRUPTED),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A plain-HTTP stand-in for an API server of another release, for what the real control plane
/// cannot be: `/version` says `git_version`, every list is empty. Serves until the test ends.
fn server_of_release(git_version: &'static str, minor: &'static str) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                loop {
                    let mut request = String::new();
                    if reader.read_line(&mut request).unwrap_or(0) == 0 {
                        return;
                    }
                    // Headers, up to the blank line; requests here have no body.
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                    }
                    let path = request.split_whitespace().nth(1).unwrap_or("/");
                    let body = if path.starts_with("/version") {
                        format!(
                            r#"{{"major":"1","minor":"{minor}","gitVersion":"{git_version}","gitCommit":"","gitTreeState":"clean","buildDate":"2021-01-13T13:20:00Z","goVersion":"go1.15.5","compiler":"gc","platform":"linux/amd64"}}"#
                        )
                    } else {
                        r#"{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}"#.to_string()
                    };
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn a_server_outside_the_supported_releases_gets_one_warning_line() {
    require_cluster!();
    let port = server_of_release("v1.20.2", "20");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = kubeconfig_with_server(dir.path(), "old", format!("http://127.0.0.1:{port}"));
    let run = env().ds(&["list", "-A", "--kubeconfig", path.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(
        warnings,
        ["warning: server version v1.20.2 is outside the range kubectl ds supports (Kubernetes 1.33 to 1.37); results may be wrong"],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("No DaemonSets found."),
        "{}",
        run.stderr
    );
}

#[test]
fn the_test_cluster_is_within_the_supported_releases_and_gets_no_warning() {
    require_cluster!();
    let run = env().ds(&["list", "-A"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("server version"), "{}", run.stderr);
    let version = env().kubectl(&["version", "-o", "json"]);
    let version: serde_json::Value = serde_json::from_str(&version.stdout).expect("version JSON");
    let minor = version["serverVersion"]["minor"]
        .as_str()
        .unwrap_or_default();
    assert!(
        ["36", "37"].contains(&minor),
        "the suite runs on 1.36 or 1.37, not {version}"
    );
}
