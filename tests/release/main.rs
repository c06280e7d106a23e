//! Release packaging: the committed krew manifest, and what `scripts/release` produces from the
//! binary this test build made (no release build, no cluster): a manifest krew accepts, archives
//! with the binary, LICENSE and README.md whose sha256 the manifest states, byte-identical on a
//! second run, and a binary that `kubectl ds` finds and runs once unpacked into a PATH directory.

mod krew;
mod krew_install;

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));
const BASE_URL: &str = "https://github.com/kubectl-ds/kubectl-ds/releases/download";
const ALL_PLATFORMS: [&str; 5] = [
    "linux/amd64",
    "linux/arm64",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn host_platform() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux/amd64",
        ("linux", "aarch64") => "linux/arm64",
        (os, arch) => panic!("these tests package for linux; this is {os}/{arch}"),
    }
}

fn archive_name(platform: &str) -> String {
    let (os, arch) = platform.split_once('/').unwrap();
    format!("kubectl-ds_{VERSION}_{os}_{arch}.tar.gz")
}

fn platform_of(p: &krew::Platform) -> String {
    format!(
        "{}/{}",
        p.label("os").unwrap_or("?"),
        p.label("arch").unwrap_or("?")
    )
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `scripts/release ARGS` (never without --binary here: no release build).
fn release(args: &[&str]) -> Output {
    run(Command::new("bash")
        .arg(repo().join("scripts/release"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH"))
}

fn release_ok(args: &[&str]) -> Output {
    let out = release(args);
    assert!(
        out.status.success(),
        "scripts/release {args:?} failed: {}\n{}",
        out.status,
        text(&out.stderr)
    );
    out
}

/// A stand-in binary: answers --version as the real one does, and nothing else.
fn fake_binary(dir: &Path) -> PathBuf {
    let path = dir.join("fake-kubectl-ds");
    fs::write(
        &path,
        format!(
            "#!/bin/sh\necho 'kubectl-ds {}'\n",
            env!("CARGO_PKG_VERSION")
        ),
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `scripts/release --archive-only` of `fake` for each of `platforms` into `dist`, as the
/// platforms' own jobs would bring them; never a manifest.
fn archives_only<'a>(fake: &Path, dist: &Path, platforms: impl IntoIterator<Item = &'a str>) {
    for platform in platforms {
        release_ok(&[
            "--archive-only",
            "--binary",
            fake.to_str().unwrap(),
            "--platform",
            platform,
            "--dist",
            dist.to_str().unwrap(),
        ]);
        assert!(
            !dist.join("ds.yaml").exists(),
            "--archive-only wrote a manifest"
        );
    }
}

/// Every platform but this machine's: those whose archives are built elsewhere.
fn other_platforms() -> impl Iterator<Item = &'static str> {
    ALL_PLATFORMS.into_iter().filter(|p| *p != host_platform())
}

fn sha256(path: &Path) -> String {
    let out = run(Command::new("sha256sum").arg(path));
    assert!(
        out.status.success(),
        "sha256sum {}: {}",
        path.display(),
        text(&out.stderr)
    );
    text(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn manifest(dist: &Path) -> krew::Manifest {
    let yaml = fs::read_to_string(dist.join("ds.yaml")).unwrap();
    krew::validate(&yaml).unwrap_or_else(|p| panic!("ds.yaml breaks krew's rules: {p:#?}\n{yaml}"))
}

/// Unpacks an archive into a fresh directory; returns it with the names at its top level.
fn unpack(archive: &Path, into: &Path) -> BTreeSet<String> {
    fs::create_dir_all(into).unwrap();
    let out = run(Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(into));
    assert!(
        out.status.success(),
        "tar -xzf {}: {}",
        archive.display(),
        text(&out.stderr)
    );
    fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Checks a platform entry against the archive in `dist` and the script's sha256sums.txt.
fn check_platform(dist: &Path, p: &krew::Platform) {
    let platform = platform_of(p);
    let name = archive_name(&platform);
    assert_eq!(p.uri, format!("{BASE_URL}/{VERSION}/{name}"), "{platform}");
    let exe = if platform.starts_with("windows/") {
        "kubectl-ds.exe"
    } else {
        "kubectl-ds"
    };
    assert_eq!(p.bin, exe, "{platform}");
    let sum = sha256(&dist.join(&name));
    assert_eq!(
        p.sha256, sum,
        "{platform}: the manifest's sha256 is not the archive's"
    );
    let sums = fs::read_to_string(dist.join("sha256sums.txt")).unwrap();
    assert!(
        sums.lines().any(|l| l == format!("{sum}  {name}")),
        "{name} not in sha256sums.txt:\n{sums}"
    );
}

#[test]
fn committed_manifest_follows_krews_rules_and_is_the_scripts_output() {
    let path = repo().join("krew-manifest.yaml");
    let yaml = fs::read_to_string(&path).unwrap();
    let m = krew::validate(&yaml).unwrap_or_else(|p| panic!("krew-manifest.yaml: {p:#?}"));
    assert_eq!(m.metadata.name, "ds");
    assert_eq!(
        m.spec.version, VERSION,
        "krew-manifest.yaml is not for Cargo.toml's version"
    );

    let listed: Vec<String> = m.spec.platforms.iter().map(platform_of).collect();
    for (p, platform) in m.spec.platforms.iter().zip(&listed) {
        assert!(
            ALL_PLATFORMS.contains(&platform.as_str()),
            "unexpected platform {platform}"
        );
        assert_eq!(
            p.uri,
            format!("{BASE_URL}/{VERSION}/{}", archive_name(platform))
        );
    }
    assert!(
        listed.iter().any(|p| p == "linux/amd64"),
        "no linux/amd64: {listed:?}"
    );
    // The platforms left out are named in the header, and only those.
    let missing: Vec<&str> = ALL_PLATFORMS
        .iter()
        .copied()
        .filter(|p| !listed.iter().any(|l| l == p))
        .collect();
    let header = yaml
        .lines()
        .find_map(|l| l.strip_prefix("# Platforms without an archive, so not listed: "));
    assert_eq!(
        header.map(|h| h.split(' ').collect::<Vec<_>>()),
        (!missing.is_empty()).then_some(missing)
    );

    // Regenerated by the script for the same platforms, it differs only in the sums.
    let tmp = TempDir::new().unwrap();
    let fake = fake_binary(tmp.path());
    let dist = tmp.path().join("dist");
    let dist_arg = dist.to_str().unwrap();
    archives_only(&fake, &dist, listed.iter().map(String::as_str));
    release_ok(&[
        "--binary",
        fake.to_str().unwrap(),
        "--dist",
        dist_arg,
        "--allow-missing",
    ]);
    let without_sums = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                if l.trim_start().starts_with("sha256: ") {
                    "sha256: _".into()
                } else {
                    l.to_string()
                }
            })
            .collect()
    };
    let generated = fs::read_to_string(dist.join("ds.yaml")).unwrap();
    assert_eq!(
        without_sums(&yaml),
        without_sums(&generated),
        "krew-manifest.yaml is not what scripts/release writes; run scripts/release --update-manifest"
    );
}

#[test]
fn released_test_binary_installs_as_a_user_would() {
    let host = host_platform();
    let tmp = TempDir::new().unwrap();
    let dist = tmp.path().join("dist");
    let binary = env!("CARGO_BIN_EXE_kubectl-ds");
    let out = release_ok(&[
        "--binary",
        binary,
        "--dist",
        dist.to_str().unwrap(),
        "--allow-missing",
    ]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: the manifest lists only {host}; no archive for"
        )),
        "{stderr}"
    );

    let m = manifest(&dist);
    assert_eq!(m.spec.version, VERSION);
    assert_eq!(m.spec.platforms.len(), 1);
    assert_eq!(platform_of(&m.spec.platforms[0]), host);
    check_platform(&dist, &m.spec.platforms[0]);

    let archive = dist.join(archive_name(host));
    let listing = run(Command::new("tar")
        .args(["--numeric-owner", "-tvzf"])
        .arg(&archive));
    for line in text(&listing.stdout).lines() {
        assert!(line.contains(" 0/0 "), "not owned by 0/0: {line}");
    }

    // The user's way: unpack into a fresh directory, put it first on PATH, run kubectl ds.
    let bin_dir = tmp.path().join("bin");
    let names = unpack(&archive, &bin_dir);
    assert_eq!(
        names,
        BTreeSet::from(["LICENSE".into(), "README.md".into(), "kubectl-ds".into()])
    );
    let installed = bin_dir.join("kubectl-ds");
    assert!(
        fs::metadata(&installed).unwrap().permissions().mode() & 0o111 == 0o111,
        "not executable"
    );
    assert!(
        fs::read(&installed).unwrap() == fs::read(binary).unwrap(),
        "kubectl-ds is not the binary given"
    );
    assert_eq!(
        fs::read(bin_dir.join("LICENSE")).unwrap(),
        fs::read(repo().join("LICENSE")).unwrap()
    );
    assert_eq!(
        fs::read(bin_dir.join("README.md")).unwrap(),
        fs::read(repo().join("README.md")).unwrap()
    );

    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let kubectl = |args: &[&str]| {
        let mut cmd = Command::new("kubectl");
        cmd.args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", tmp.path().join("no-kubeconfig"));
        run(&mut cmd)
    };
    let help = kubectl(&["ds", "--help"]);
    assert!(
        help.status.success(),
        "kubectl ds --help: {}\n{}",
        help.status,
        text(&help.stderr)
    );
    assert!(
        text(&help.stdout).contains("DaemonSet operations for kubectl"),
        "{}",
        text(&help.stdout)
    );
    let version = kubectl(&["ds", "--version"]);
    assert_eq!(
        text(&version.stdout).trim(),
        format!("kubectl-ds {}", env!("CARGO_PKG_VERSION"))
    );
    // `kubectl plugin list` exits 1 when another kubectl-ds further down PATH is overshadowed, so
    // only its list is checked.
    let plugins = kubectl(&["plugin", "list"]);
    assert!(
        text(&plugins.stdout)
            .lines()
            .any(|l| l.trim() == installed.to_str().unwrap()),
        "kubectl plugin list does not show {}:\n{}{}",
        installed.display(),
        text(&plugins.stdout),
        text(&plugins.stderr)
    );
}

#[test]
fn same_binary_gives_the_same_archive() {
    let tmp = TempDir::new().unwrap();
    let fake = fake_binary(tmp.path());
    let mut archives = Vec::new();
    for (i, mtime) in ["2001-01-01", "2011-11-11"].iter().enumerate() {
        let touched = run(Command::new("touch").args(["-d", mtime]).arg(&fake));
        assert!(touched.status.success());
        let dist = tmp.path().join(format!("dist{i}"));
        release_ok(&[
            "--binary",
            fake.to_str().unwrap(),
            "--dist",
            dist.to_str().unwrap(),
            "--allow-missing",
        ]);
        archives.push(fs::read(dist.join(archive_name(host_platform()))).unwrap());
    }
    assert!(
        archives[0] == archives[1],
        "two runs on the same binary gave different archives"
    );
    let listing = run(Command::new("tar")
        .args(["--full-time", "-tvzf"])
        .arg(tmp.path().join("dist0").join(archive_name(host_platform())))
        .env("TZ", "UTC"));
    let listing = text(&listing.stdout);
    assert!(
        listing.lines().all(|l| l.contains("2026-01-01 00:00:00")),
        "{listing}"
    );

    // The mtime is SOURCE_DATE_EPOCH when set.
    let dist = tmp.path().join("epoch");
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/release"))
        .args([
            "--binary",
            fake.to_str().unwrap(),
            "--dist",
            dist.to_str().unwrap(),
            "--allow-missing",
        ])
        .env("SOURCE_DATE_EPOCH", "1700000000");
    assert!(run(&mut cmd).status.success());
    let listing = run(Command::new("tar")
        .args(["--full-time", "-tvzf"])
        .arg(dist.join(archive_name(host_platform())))
        .env("TZ", "UTC"));
    let listing = text(&listing.stdout);
    assert_eq!(listing.lines().count(), 3, "{listing}");
    assert!(
        listing.lines().all(|l| l.contains("2023-11-14 22:13:20")),
        "{listing}"
    );
    // Names in C order.
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(names, ["LICENSE", "README.md", "kubectl-ds"]);
}

#[test]
fn missing_archives_fail_in_one_line_unless_allowed() {
    let tmp = TempDir::new().unwrap();
    let fake = fake_binary(tmp.path());
    let dist = tmp.path().join("dist");
    let out = release(&[
        "--binary",
        fake.to_str().unwrap(),
        "--dist",
        dist.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("packaged "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].starts_with("error: missing archives"), "{stderr}");
    for platform in ALL_PLATFORMS.iter().filter(|p| **p != host_platform()) {
        assert!(
            errors[0].contains(&archive_name(platform)),
            "{platform} not named: {stderr}"
        );
    }
    assert!(!dist.join("ds.yaml").exists(), "wrote a manifest anyway");
}

#[test]
fn archives_built_elsewhere_complete_the_manifest() {
    let tmp = TempDir::new().unwrap();
    let fake = fake_binary(tmp.path());
    let fake = fake.to_str().unwrap();
    let dist = tmp.path().join("dist");
    let dist_arg = dist.to_str().unwrap();
    archives_only(Path::new(fake), &dist, other_platforms());
    let out = release_ok(&["--binary", fake, "--dist", dist_arg]);
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );

    let m = manifest(&dist);
    let listed: Vec<String> = m.spec.platforms.iter().map(platform_of).collect();
    assert_eq!(listed, ALL_PLATFORMS);
    for p in &m.spec.platforms {
        check_platform(&dist, p);
    }
    assert_eq!(
        fs::read_to_string(dist.join("sha256sums.txt"))
            .unwrap()
            .lines()
            .count(),
        5
    );
    let names = unpack(
        &dist.join(archive_name("windows/amd64")),
        &tmp.path().join("windows"),
    );
    assert_eq!(
        names,
        BTreeSet::from([
            "LICENSE".into(),
            "README.md".into(),
            "kubectl-ds.exe".into()
        ])
    );

    // An archive brought from elsewhere without a LICENSE is refused, by name.
    let stage = tmp.path().join("stage");
    fs::create_dir(&stage).unwrap();
    fs::copy(fake, stage.join("kubectl-ds")).unwrap();
    let darwin = dist.join(archive_name("darwin/arm64"));
    let tar = run(Command::new("tar")
        .arg("-czf")
        .arg(&darwin)
        .arg("-C")
        .arg(&stage)
        .arg("kubectl-ds"));
    assert!(tar.status.success());
    let out = release(&["--binary", fake, "--dist", dist_arg]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{} has no LICENSE", archive_name("darwin/arm64"))),
        "{stderr}"
    );
}

#[test]
fn a_binary_of_another_version_is_refused() {
    let tmp = TempDir::new().unwrap();
    let fake = fake_binary(tmp.path());
    let dist = tmp.path().join("dist");
    let out = release(&[
        "--binary",
        fake.to_str().unwrap(),
        "--version",
        "v9.9.9",
        "--dist",
        dist.to_str().unwrap(),
        "--allow-missing",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not 'kubectl-ds 9.9.9'"),
        "{}",
        text(&out.stderr)
    );
    let out = release(&[
        "--version",
        "1.0.0",
        "--binary",
        fake.to_str().unwrap(),
        "--dist",
        dist.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not semver with a leading v"),
        "{}",
        text(&out.stderr)
    );
}
