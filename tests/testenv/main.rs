//! `scripts/testenv install` when it cannot build: no Go, an unreachable module proxy, a release
//! the proxy cannot build. Each ends with one line saying what is missing, a non-zero exit, and
//! no binary directory that could pass for an install. Runs without a control plane; the last
//! case asks the module proxy for its list of releases.

use std::path::Path;
use std::process::Command;

struct Install {
    code: i32,
    error_lines: Vec<String>,
}

/// `scripts/testenv-install --k8s VERSION` with a fresh cache (and module cache) and `vars`.
fn install(version: &str, vars: &[(&str, &str)], cache: &Path) -> Install {
    let mut command =
        Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/testenv-install"));
    command
        .args(["--k8s", version])
        .env("KDS_CACHE_DIR", cache)
        .env("GOMODCACHE", cache.join("gomod"))
        .env("GOFLAGS", "-modcacherw");
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().expect("run scripts/testenv-install");
    let stderr = String::from_utf8_lossy(&out.stderr);
    Install {
        code: out.status.code().unwrap_or(-1),
        error_lines: stderr
            .lines()
            .filter(|l| l.starts_with("testenv-install: error: "))
            .map(String::from)
            .collect(),
    }
}

#[track_caller]
fn assert_failed_with(run: &Install, cache: &Path, version: &str, fragments: &[&str]) {
    assert_ne!(run.code, 0, "{:?}", run.error_lines);
    assert_eq!(
        run.error_lines.len(),
        1,
        "one error line: {:?}",
        run.error_lines
    );
    for fragment in fragments {
        assert!(
            run.error_lines[0].contains(fragment),
            "{:?} lacks {fragment:?}",
            run.error_lines[0]
        );
    }
    let bin = cache.join(format!("k8s-v{version}/bin"));
    assert!(!bin.exists(), "{} left behind", bin.display());
    assert!(
        !bin.with_extension("partial").exists(),
        "a partial build left behind"
    );
}

#[test]
fn without_go_it_says_so() {
    let cache = tempfile::tempdir().unwrap();
    let run = install("1.37.2", &[("KDS_GO", "/nonexistent/bin/go")], cache.path());
    assert_failed_with(
        &run,
        cache.path(),
        "1.37.2",
        &["Go is not installed", "install Go 1.26"],
    );
}

#[test]
fn an_unreachable_module_proxy_is_named() {
    let cache = tempfile::tempdir().unwrap();
    let proxy = [("GOPROXY", "http://127.0.0.1:9")];
    let run = install("1.37.2", &proxy, cache.path());
    assert_failed_with(
        &run,
        cache.path(),
        "1.37.2",
        &[
            "downloading the Go modules for Kubernetes v1.37.2 failed",
            "127.0.0.1:9",
            "connection refused",
        ],
    );
    let run = install("1.35.4", &proxy, cache.path());
    assert_failed_with(
        &run,
        cache.path(),
        "1.35.4",
        &[
            "cannot fetch k8s.io/kubernetes@v1.35.4",
            "connection refused",
        ],
    );
}

#[test]
fn a_release_the_proxy_cannot_build_lists_those_it_can() {
    let cache = tempfile::tempdir().unwrap();
    let run = install("1.99.0", &[], cache.path());
    assert_failed_with(
        &run,
        cache.path(),
        "1.99.0",
        &[
            "Kubernetes 1.99.0 cannot be built from the Go module proxy; available: ",
            "1.36.3",
            "1.37.2",
        ],
    );
}

#[test]
fn a_malformed_release_is_refused_before_anything_runs() {
    let cache = tempfile::tempdir().unwrap();
    let run = install("latest", &[], cache.path());
    assert_failed_with(
        &run,
        cache.path(),
        "latest",
        &["'latest' is not a Kubernetes release like 1.37.2"],
    );
}
