//! krew's rules for a plugin manifest, as its validator and the krew-index reviewers apply them
//! (shared/reference/kubectl-plugin-conventions.md, "Krew manifest rules"). `validate` returns every
//! rule the manifest breaks, one message each.

use std::collections::BTreeMap;

use serde::Deserialize;

pub const API_VERSION: &str = "krew.googlecontainertools.github.com/v1alpha2";

/// The os/arch pairs krew installs for (Go's GOOS/GOARCH names); every selector must match one.
pub const SUPPORTED: &[(&str, &str)] = &[
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "ppc64le"),
    ("linux", "s390x"),
    ("windows", "386"),
    ("windows", "amd64"),
    ("windows", "arm64"),
];

/// Names krew refuses because Windows cannot create a file so named.
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "apiVersion", default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    pub metadata: Metadata,
    pub spec: Spec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub homepage: String,
    #[serde(rename = "shortDescription", default)]
    pub short_description: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub caveats: String,
    #[serde(default)]
    pub platforms: Vec<Platform>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub selector: Option<Selector>,
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub bin: String,
    pub files: Option<Vec<FileOperation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    #[serde(rename = "matchLabels", default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(rename = "matchExpressions")]
    pub match_expressions: Option<serde_yaml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileOperation {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl Platform {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.selector
            .as_ref()?
            .match_labels
            .get(key)
            .map(String::as_str)
    }

    fn matches(&self, os: &str, arch: &str) -> bool {
        let Some(selector) = &self.selector else {
            return false;
        };
        selector
            .match_labels
            .iter()
            .all(|(key, value)| match key.as_str() {
                "os" => value == os,
                "arch" => value == arch,
                _ => false,
            })
    }
}

/// Parses and checks a manifest: the parsed manifest, or every rule it breaks.
pub fn validate(text: &str) -> Result<Manifest, Vec<String>> {
    let manifest: Manifest =
        serde_yaml::from_str(text).map_err(|e| vec![format!("not a krew manifest: {e}")])?;
    let problems = problems(&manifest);
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(problems)
    }
}

fn problems(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    let mut bad = |message: String| out.push(message);
    if m.api_version != API_VERSION {
        bad(format!(
            "apiVersion {:?} is not {API_VERSION}",
            m.api_version
        ));
    }
    if m.kind != "Plugin" {
        bad(format!("kind {:?} is not Plugin", m.kind));
    }
    let name = &m.metadata.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        bad(format!("metadata.name {name:?} does not match ^[\\w-]+$"));
    }
    if WINDOWS_RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
    {
        bad(format!(
            "metadata.name {name:?} is a reserved file name on Windows"
        ));
    }
    let spec = &m.spec;
    if !is_semver_with_v(&spec.version) {
        bad(format!(
            "spec.version {:?} is not semver with a leading v",
            spec.version
        ));
    }
    let short = &spec.short_description;
    if short.trim().is_empty() {
        bad("spec.shortDescription is empty".into());
    } else if short.contains('\n') {
        bad(format!(
            "spec.shortDescription {short:?} is more than one line"
        ));
    } else if short.chars().count() > 50 {
        bad(format!(
            "spec.shortDescription is {} characters, more than 50",
            short.chars().count()
        ));
    }
    if spec.description.trim().is_empty() {
        bad("spec.description is empty".into());
    }
    for (i, line) in spec.description.lines().enumerate() {
        if line.chars().count() > 80 {
            bad(format!(
                "spec.description line {} is {} columns, more than 80",
                i + 1,
                line.chars().count()
            ));
        }
    }
    for (i, line) in spec.caveats.lines().enumerate() {
        if line.chars().count() > 80 {
            bad(format!(
                "spec.caveats line {} is {} columns, more than 80",
                i + 1,
                line.chars().count()
            ));
        }
    }
    if !(spec.homepage.starts_with("https://") || spec.homepage.starts_with("http://")) {
        bad(format!(
            "spec.homepage {:?} is not an http(s) URL",
            spec.homepage
        ));
    }
    if spec.platforms.is_empty() {
        bad("spec.platforms is empty".into());
    }
    for (i, p) in spec.platforms.iter().enumerate() {
        let at = format!("spec.platforms[{i}]");
        match &p.selector {
            None => bad(format!("{at}.selector is missing")),
            Some(selector) => {
                if selector.match_expressions.is_some() {
                    bad(format!(
                        "{at}.selector has matchExpressions; only matchLabels os and arch"
                    ));
                }
                if selector.match_labels.is_empty() {
                    bad(format!("{at}.selector is empty"));
                }
                for key in selector.match_labels.keys() {
                    if key != "os" && key != "arch" {
                        bad(format!("{at}.selector has key {key:?}; only os and arch"));
                    }
                }
                if !selector.match_labels.is_empty()
                    && !SUPPORTED.iter().any(|(os, arch)| p.matches(os, arch))
                {
                    bad(format!(
                        "{at}.selector {:?} matches no supported os/arch pair",
                        selector.match_labels
                    ));
                }
            }
        }
        if p.uri.trim().is_empty() {
            bad(format!("{at}.uri is empty"));
        }
        if !(p.sha256.len() == 64
            && p.sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        {
            bad(format!(
                "{at}.sha256 {:?} does not match ^[a-f0-9]{{64}}$",
                p.sha256
            ));
        }
        if p.bin.trim().is_empty() {
            bad(format!("{at}.bin is empty"));
        } else if p.label("os") == Some("windows") && !p.bin.ends_with(".exe") {
            bad(format!(
                "{at}.bin {:?} is for windows and does not end in .exe",
                p.bin
            ));
        }
        match &p.files {
            None => {}
            Some(files) if files.is_empty() => bad(format!("{at}.files is present and empty")),
            Some(files) => {
                for (j, f) in files.iter().enumerate() {
                    if f.from.trim().is_empty() || f.to.trim().is_empty() {
                        bad(format!("{at}.files[{j}] has an empty from or to"));
                    }
                }
            }
        }
    }
    for (os, arch) in SUPPORTED {
        let matching: Vec<usize> = (spec.platforms.iter().enumerate())
            .filter(|(_, p)| p.matches(os, arch))
            .map(|(i, _)| i)
            .collect();
        if matching.len() > 1 {
            bad(format!(
                "spec.platforms {matching:?} overlap: each selects {os}/{arch}"
            ));
        }
    }
    out
}

/// `v` and a semantic version (MAJOR.MINOR.PATCH, optional -prerelease and +build).
pub fn is_semver_with_v(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let (rest, build) = match rest.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (rest, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let identifier =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.').all(|id| {
                identifier(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id))
            })
        })
        && build.is_none_or(|build| build.split('.').all(identifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn platform(os: &str, arch: &str, bin: &str) -> String {
        format!(
            "  - selector:\n      matchLabels:\n        os: {os}\n        arch: {arch}\n    \
             uri: https://example.com/{os}-{arch}.tar.gz\n    sha256: {SHA}\n    bin: {bin}\n    \
             files:\n    - from: {bin}\n      to: .\n    - from: LICENSE\n      to: .\n"
        )
    }

    fn good() -> String {
        format!(
            "apiVersion: {API_VERSION}\nkind: Plugin\nmetadata:\n  name: ds\nspec:\n  version: v0.1.0\n  \
             homepage: https://example.com/ds\n  shortDescription: DaemonSet operations beyond kubectl\n  \
             description: |\n    A description.\n    On two lines.\n  caveats: |\n    A caveat.\n  platforms:\n{}{}{}",
            platform("linux", "amd64", "kubectl-ds"),
            platform("darwin", "arm64", "kubectl-ds"),
            platform("windows", "amd64", "kubectl-ds.exe"),
        )
    }

    fn problems_of(text: &str) -> Vec<String> {
        match validate(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems,
        }
    }

    #[test]
    fn a_good_manifest_passes() {
        let m = validate(&good()).unwrap_or_else(|p| panic!("{p:#?}\n{}", good()));
        assert_eq!(m.spec.platforms.len(), 3);
    }

    /// Each broken manifest must fail, and for the reason named.
    #[test]
    fn each_rule_catches_its_breakage() {
        let long_line = format!("    {}\n", "x".repeat(81));
        let cases: Vec<(&str, String, &str)> = vec![
            ("apiVersion", good().replace("/v1alpha2", "/v1alpha1"), "apiVersion"),
            ("kind", good().replace("kind: Plugin", "kind: Plugins"), "kind"),
            ("name with a dot", good().replace("name: ds", "name: d.s"), "metadata.name"),
            ("empty name", good().replace("name: ds", "name: ''"), "metadata.name"),
            ("reserved name", good().replace("name: ds", "name: con"), "reserved file name"),
            ("version without v", good().replace("version: v0.1.0", "version: 0.1.0"), "version"),
            ("version not semver", good().replace("version: v0.1.0", "version: v0.1"), "version"),
            (
                "shortDescription over 50",
                good().replace("beyond kubectl", "beyond kubectl, and then quite a lot more"),
                "more than 50",
            ),
            (
                "shortDescription on two lines",
                good().replace(
                    "shortDescription: DaemonSet operations beyond kubectl",
                    "shortDescription: |\n    DaemonSet\n    operations",
                ),
                "more than one line",
            ),
            (
                "empty shortDescription",
                good().replace("shortDescription: DaemonSet operations beyond kubectl", "shortDescription: ''"),
                "shortDescription is empty",
            ),
            (
                "description over 80 columns",
                good().replace("    On two lines.\n", &long_line),
                "line 2 is 81 columns",
            ),
            (
                "caveats over 80 columns",
                good().replace("    A caveat.\n", &long_line),
                "caveats line 1 is 81 columns",
            ),
            ("no homepage", good().replace("  homepage: https://example.com/ds\n", ""), "homepage"),
            (
                "no platforms",
                good().split("  platforms:\n").next().unwrap().to_string() + "  platforms: []\n",
                "platforms is empty",
            ),
            ("uppercase sha256", good().replacen(SHA, &SHA.to_uppercase(), 1), "sha256"),
            ("short sha256", good().replacen(SHA, &SHA[1..], 1), "sha256"),
            (
                "overlapping selectors",
                good().replace("os: darwin\n        arch: arm64", "os: linux\n        arch: amd64"),
                "overlap",
            ),
            (
                "os-only selector overlapping linux/amd64",
                good().replace("os: darwin\n        arch: arm64", "os: linux"),
                "overlap",
            ),
            (
                "selector key other than os/arch",
                good().replace("arch: arm64", "arch: arm64\n        libc: musl"),
                "only os and arch",
            ),
            (
                "empty selector",
                good().replace("      matchLabels:\n        os: darwin\n        arch: arm64\n", "      matchLabels: {}\n"),
                "selector is empty",
            ),
            ("unsupported pair", good().replace("os: darwin", "os: plan9"), "no supported os/arch"),
            ("empty uri", good().replace("uri: https://example.com/darwin-arm64.tar.gz", "uri: ''"), "uri is empty"),
            ("empty bin", good().replacen("bin: kubectl-ds\n", "bin: ''\n", 1), "bin is empty"),
            (
                "windows bin without .exe",
                good().replace("bin: kubectl-ds.exe", "bin: kubectl-ds"),
                "does not end in .exe",
            ),
            ("empty files from", good().replacen("- from: LICENSE", "- from: ''", 1), "empty from or to"),
            ("empty files to", good().replacen("to: .\n", "to: ''\n", 1), "empty from or to"),
            (
                "files present and empty",
                good().replacen(
                    "    files:\n    - from: kubectl-ds\n      to: .\n    - from: LICENSE\n      to: .\n",
                    "    files: []\n",
                    1,
                ),
                "files is present and empty",
            ),
            ("unknown field", good().replace("homepage:", "homePage:"), "not a krew manifest"),
        ];
        for (what, text, expected) in cases {
            assert_ne!(text, good(), "case {what:?} did not change the manifest");
            let problems = problems_of(&text);
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "case {what:?}: expected a problem containing {expected:?}, got {problems:#?}\n{text}"
            );
        }
    }

    #[test]
    fn semver_with_v() {
        for ok in [
            "v0.1.0",
            "v1.22.333",
            "v1.0.0-rc.1",
            "v1.0.0-alpha-1+build.5",
            "v1.0.0+20260101",
        ] {
            assert!(is_semver_with_v(ok), "{ok}");
        }
        for bad in [
            "0.1.0",
            "v0.1",
            "v0.1.0.0",
            "v01.1.0",
            "v1.0.0-",
            "v1.0.0-01",
            "v1.0.0+",
            "V1.0.0",
            "",
        ] {
            assert!(!is_semver_with_v(bad), "{bad}");
        }
    }
}
