//! DaemonSet manifests as commands read them (`-f`): typed, with their source object for
//! positions, their namespace resolved, other kinds counted.

use std::path::PathBuf;

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::error::Failure;
use crate::manifest::{self, files, InputError, Object};

pub struct ManifestDaemonSet {
    /// The object as written (its value intact), for positions and for applying.
    pub object: Object,
    pub ds: DaemonSet,
    pub namespace: String,
}

impl ManifestDaemonSet {
    pub fn name(&self) -> &str {
        self.ds.metadata.name.as_deref().unwrap_or("")
    }
}

/// Every apps/v1 DaemonSet in the inputs and the number of objects of other kinds. An object
/// whose namespace differs from an explicit `-n`, another apiVersion, or no DaemonSet at all is
/// bad input.
/// The one DaemonSet in `path`, for commands that take exactly one (`command` names them).
pub fn read_one_daemonset(
    path: &std::path::Path,
    default_namespace: &str,
    explicit_namespace: Option<&str>,
    command: &str,
) -> Result<ManifestDaemonSet, Failure> {
    let (mut found, _) =
        read_daemonsets(&[path.to_path_buf()], default_namespace, explicit_namespace)?;
    if found.len() != 1 {
        return Err(Failure::usage(format!(
            "{command} takes one DaemonSet; the input has {}",
            found.len()
        )));
    }
    Ok(found.remove(0))
}

pub fn read_daemonsets(
    paths: &[PathBuf],
    default_namespace: &str,
    explicit_namespace: Option<&str>,
) -> Result<(Vec<ManifestDaemonSet>, usize), Failure> {
    let usage = |e: InputError| Failure::usage(e.to_string());
    let mut found = Vec::new();
    let mut others = 0;
    for input in files::expand(paths).map_err(usage)? {
        let text = files::read_text(&input).map_err(usage)?;
        for object in manifest::parse_objects(&input.display_name(), &text).map_err(usage)? {
            if object.kind() != "DaemonSet" {
                others += 1;
                continue;
            }
            let at = |path: &str| {
                let p = object.position_of(path);
                format!("{}:{}:{}", object.file, p.line, p.column)
            };
            if object.api_version() != "apps/v1" {
                return Err(Failure::usage(format!(
                    "{}: {}: apiVersion {} is not served since Kubernetes 1.16; use apps/v1",
                    at("apiVersion"),
                    object.reference(Some(default_namespace)),
                    object.api_version()
                )));
            }
            if let (Some(written), Some(flag)) = (object.namespace(), explicit_namespace) {
                if written != flag {
                    return Err(Failure::usage(format!(
                        "{}: the DaemonSet's namespace {written:?} does not match -n {flag:?}; drop -n or pass -n {written}",
                        at("metadata.namespace")
                    )));
                }
            }
            let ds: DaemonSet = object
                .typed(object.value.clone(), Some(default_namespace))
                .map_err(usage)?;
            let namespace = object.namespace().unwrap_or(default_namespace).to_string();
            found.push(ManifestDaemonSet {
                object,
                ds,
                namespace,
            });
        }
    }
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "no DaemonSet in the input ({others} objects of other kinds); this command needs a DaemonSet manifest"
        )));
    }
    Ok((found, others))
}
