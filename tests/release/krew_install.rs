//! krew itself, built from its Go module by `scripts/testenv-install --krew` (scripts/test passes
//! its directory in KDS_KREW_DIR): our release archive installed, run, completed, upgraded and
//! uninstalled by `kubectl krew` in a private KREW_ROOT, and krew's own manifest validator on the
//! committed manifest and on a release of every platform. The archives are served over HTTP from
//! 127.0.0.1 and the plugin index is a local git repository, as krew reads them from GitHub.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::{fs, thread};

use tempfile::TempDir;

use super::{archive_name, fake_binary, host_platform, release_ok, repo, run, text};

/// The directory holding `kubectl-krew` and `validate-krew-manifest`; None (the test says it is
/// skipped) when run by plain `cargo test`. Under scripts/test (which sets KDS_TEST_KUBECONFIG)
/// a missing krew is a failure, never a silent skip.
fn krew_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KDS_KREW_DIR").map(PathBuf::from);
    match (&dir, std::env::var_os("KDS_TEST_KUBECONFIG")) {
        (None, Some(_)) => panic!("KDS_KREW_DIR is not set: scripts/test builds krew and sets it"),
        (None, None) => eprintln!("skipped: KDS_KREW_DIR is not set (scripts/test sets it)"),
        (Some(_), _) => {}
    }
    dir
}

/// Serves the files under `root` over plain HTTP on 127.0.0.1 until the test process ends;
/// returns its base URL.
fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let root = root.to_path_buf();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &root);
        }
    });
    url
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // The rest of the request is read before answering, so closing never resets the connection.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    match fs::read(root.join(path.trim_start_matches('/'))) {
        Ok(body) if !path.contains("..") => {
            write!(
                stream,
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        _ => stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    }
}

/// kubectl with krew on PATH, a private KREW_ROOT whose bin directory comes first (as krew's
/// install instructions put it), and no cluster.
struct Krew {
    root: PathBuf,
    path: String,
}

impl Krew {
    fn new(root: PathBuf, krew_dir: &Path) -> Self {
        let path = format!(
            "{}:{}:{}",
            root.join("bin").display(),
            krew_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Self { root, path }
    }

    fn kubectl(&self, args: &[&str]) -> Output {
        let out = run(Command::new("kubectl")
            .args(args)
            .env("KREW_ROOT", &self.root)
            .env("PATH", &self.path)
            .env("KUBECONFIG", self.root.join("no-kubeconfig"))
            .stdin(Stdio::null()));
        eprintln!(
            "$ kubectl {}\n{}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        );
        out
    }

    fn kubectl_ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed: {}\n{}",
            out.status,
            text(&out.stderr)
        );
        format!("{}{}", text(&out.stdout), text(&out.stderr))
    }

    fn version(&self) -> String {
        self.kubectl_ok(&["ds", "--version"]).trim().to_string()
    }

    /// What `kubectl ds ro<TAB>` offers, through the kubectl_complete-ds shim.
    fn completes_rollout(&self) -> bool {
        let out = self.kubectl_ok(&["__complete", "ds", "ro"]);
        out.lines().any(|l| l.starts_with("rollout\t"))
    }
}

/// The next patch release of this version, e.g. v0.1.1 after 0.1.0.
fn next_version() -> String {
    let v: Vec<u64> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|n| n.parse().unwrap())
        .collect();
    format!("{}.{}.{}", v[0], v[1], v[2] + 1)
}

/// A stand-in for the next release: answers --version as that release would and hands every
/// other call (under the name it was called by, which the completion shim depends on) to this
/// build's binary, so an upgrade can be told apart without building the crate twice.
fn next_release_binary(dir: &Path, version: &str) -> PathBuf {
    let path = dir.join("next-kubectl-ds");
    let real = env!("CARGO_BIN_EXE_kubectl-ds");
    fs::write(
        &path,
        format!(
            "#!/bin/bash\n[ \"$1\" = --version ] && {{ echo 'kubectl-ds {version}'; exit 0; }}\n\
             exec -a \"$0\" {real} \"$@\"\n"
        ),
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `scripts/release` of `binary` (this machine's platform only) into SERVED/vVERSION, with the
/// manifest's uri pointing at `url`.
fn release_to(served: &Path, url: &str, binary: &Path, version: &str) -> PathBuf {
    let dist = served.join(format!("v{version}"));
    release_ok(&[
        "--version",
        &format!("v{version}"),
        "--binary",
        binary.to_str().unwrap(),
        "--dist",
        dist.to_str().unwrap(),
        "--base-url",
        url,
        "--allow-missing",
    ]);
    dist
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=kubectl-ds",
            "-c",
            "user.email=kubectl-ds@localhost",
        ])
        .args(args));
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// A plugin index as krew reads one (a git repository with plugins/NAME.yaml) holding `manifest`
/// as ds.yaml, committed.
fn publish(index: &Path, manifest: &Path) {
    if !index.exists() {
        fs::create_dir_all(index.join("plugins")).unwrap();
        git(index, &["init", "-q"]);
    }
    fs::copy(manifest, index.join("plugins/ds.yaml")).unwrap();
    git(index, &["add", "-A"]);
    git(index, &["commit", "-qm", "ds"]);
}

#[test]
fn krew_installs_the_release_archive_then_upgrades_and_uninstalls_it_from_an_index() {
    let Some(krew_dir) = krew_dir() else { return };
    let tmp = TempDir::new().unwrap();
    let served = tmp.path().join("served");
    let url = serve(&served);
    let this = env!("CARGO_PKG_VERSION");
    let dist = release_to(
        &served,
        &url,
        Path::new(env!("CARGO_BIN_EXE_kubectl-ds")),
        this,
    );

    // Every krew has a plugin index (krew's own from GitHub; a local one here) and cannot even
    // uninstall without one.
    let index = tmp.path().join("index");
    let manifest = dist.join("ds.yaml");
    publish(&index, &manifest);
    let with_index = |name: &str| {
        let krew = Krew::new(tmp.path().join(name), &krew_dir);
        fs::create_dir_all(krew.root.join("index")).unwrap();
        let origin = format!("file://{}", index.display());
        let clone = krew.root.join("index/default");
        git(
            tmp.path(),
            &["clone", "-q", &origin, clone.to_str().unwrap()],
        );
        krew
    };

    // From the release's manifest and archive on disk.
    let local = with_index("krew-local");
    let archive = dist.join(archive_name(host_platform()));
    let installed = local.kubectl_ok(&[
        "krew",
        "install",
        &format!("--manifest={}", manifest.display()),
        &format!("--archive={}", archive.display()),
    ]);
    assert!(installed.contains("Installed plugin: ds"), "{installed}");
    assert!(
        installed.contains("kubectl ds completion install"),
        "the caveats are not shown: {installed}"
    );
    let help = local.kubectl_ok(&["ds", "--help"]);
    assert!(help.contains("DaemonSet operations for kubectl"), "{help}");
    let shim = local.kubectl_ok(&["ds", "completion", "install"]);
    assert!(shim.contains("kubectl_complete-ds -> kubectl-ds"), "{shim}");
    assert!(local.completes_rollout(), "no completion through the shim");
    local.kubectl_ok(&["krew", "uninstall", "ds"]);

    // From the index, as users install: krew downloads the archive and checks its sha256.
    let user = with_index("krew");
    user.kubectl_ok(&["krew", "install", "ds"]);
    assert_eq!(user.version(), format!("kubectl-ds {this}"));
    user.kubectl_ok(&["ds", "completion", "install"]);

    let next = next_version();
    let next_dist = release_to(
        &served,
        &url,
        &next_release_binary(tmp.path(), &next),
        &next,
    );
    publish(&index, &next_dist.join("ds.yaml"));
    let upgraded = user.kubectl_ok(&["krew", "upgrade", "ds"]);
    assert!(
        upgraded.contains(&format!("ds v{this} -> v{next}")),
        "{upgraded}"
    );
    assert!(upgraded.contains("Upgraded plugin: ds"), "{upgraded}");
    assert_eq!(user.version(), format!("kubectl-ds {next}"));
    // The shim links to the name krew repoints, so the upgrade kept completion working.
    assert!(user.completes_rollout(), "completion lost in the upgrade");

    user.kubectl_ok(&["krew", "uninstall", "ds"]);
    assert!(!user.root.join("bin/kubectl-ds").exists());
    // krew knows nothing of the shim and leaves it dangling; the caveats say how to remove it.
    let shim = user.root.join("bin/kubectl_complete-ds");
    assert!(fs::symlink_metadata(&shim).is_ok() && !shim.exists());
    assert!(installed.contains("rm \"${KREW_ROOT:-$HOME/.krew}/bin/kubectl_complete-ds\""));
    assert!(!user.root.join("store/ds").exists());
    let gone = user.kubectl(&["ds", "--help"]);
    assert!(
        !gone.status.success(),
        "kubectl ds still runs after uninstall"
    );
}

#[test]
fn krews_validator_accepts_the_committed_manifest_and_installs_every_platform() {
    let Some(krew_dir) = krew_dir() else { return };
    let tmp = TempDir::new().unwrap();
    let validate = |manifest: &Path, install: bool| {
        let mut cmd = Command::new(krew_dir.join("validate-krew-manifest"));
        cmd.arg("-manifest").arg(manifest);
        if !install {
            cmd.arg("-skip-install");
        }
        let path = format!(
            "{}:{}",
            krew_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = run(cmd.env("PATH", path).stdin(Stdio::null()));
        // klog writes everything to stderr; a fatal error adds the goroutines, not wanted here.
        let log: String = text(&out.stderr)
            .lines()
            .take_while(|l| !l.starts_with("goroutine "))
            .map(|l| format!("{l}\n"))
            .collect();
        eprintln!(
            "$ validate-krew-manifest -manifest {}\n{log}",
            manifest.display()
        );
        (out.status.success(), log)
    };

    // The committed manifest, under the name krew requires (the plugin's).
    let committed = tmp.path().join("committed/ds.yaml");
    fs::create_dir_all(committed.parent().unwrap()).unwrap();
    fs::copy(repo().join("krew-manifest.yaml"), &committed).unwrap();
    let (ok, log) = validate(&committed, false);
    assert!(ok, "krew's validator refuses krew-manifest.yaml:\n{log}");
    assert!(log.contains("structural validation OK"), "{log}");

    // A release of all five platforms, installed by krew for each (KREW_OS/KREW_ARCH).
    let served = tmp.path().join("served");
    let url = serve(&served);
    let fake = fake_binary(tmp.path());
    let dist = served.join(super::VERSION);
    super::archives_only(&fake, &dist, super::other_platforms());
    release_ok(&[
        "--binary",
        fake.to_str().unwrap(),
        "--dist",
        dist.to_str().unwrap(),
        "--base-url",
        &url,
    ]);
    let (ok, log) = validate(&dist.join("ds.yaml"), true);
    assert!(ok, "krew could not install every platform:\n{log}");
    assert!(log.contains("all 5 spec.platforms installed fine"), "{log}");

    // And it can fail: an archive whose sha256 is not the manifest's is refused.
    let tampered = dist.join(archive_name("windows/amd64"));
    fs::write(&tampered, b"not the archive").unwrap();
    let (ok, log) = validate(&dist.join("ds.yaml"), true);
    assert!(!ok, "a tampered archive installed:\n{log}");
    assert!(log.contains("failed to install"), "{log}");
}
