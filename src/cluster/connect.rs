//! Builds a client from kubeconfig the way kubectl does.
//!
//! Precedence: `--kubeconfig`, else the `KUBECONFIG` list merged first-wins (missing files skipped,
//! as kubectl does), else `~/.kube/config`. `--context/--cluster/--user` pick entries; the namespace
//! is `-n`, else the context's, else "default". Exec credential plugins and token files are
//! handled by kube's auth layer, lazily, on the first request.

use std::path::{Path, PathBuf};

use kube::client::ClientBuilder;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

use crate::cli::ConnectionArgs;
use crate::error::Failure;
use crate::logging;

/// A connected client plus what error messages need to name: the context and the server URL.
#[derive(Clone)]
pub struct Cluster {
    pub client: Client,
    unretried: Unretried,
    pub namespace: String,
    pub context: String,
    pub server: String,
    /// The --kubeconfig given, if any (otherwise KUBECONFIG or ~/.kube/config, as kubectl).
    pub kubeconfig: Option<std::path::PathBuf>,
}

pub async fn connect(args: &ConnectionArgs) -> Result<Cluster, Failure> {
    check_flags(args)?;
    let (kubeconfig, source) = load_kubeconfig(args.kubeconfig.as_deref())?;
    let context = selected_context(&kubeconfig, args.context.as_deref())?;
    check_named_entries(&kubeconfig, args)?;
    register_secrets(&kubeconfig);
    let options = KubeConfigOptions {
        context: args.context.clone(),
        cluster: args.cluster.clone().filter(|name| !name.is_empty()),
        user: args.user.clone(),
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| kubeconfig_failure(&e, &source, &context))?;
    apply_overrides(&mut config, args);
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    tracing::info!(%server, %context, %namespace, kubeconfig = %source, "connecting");
    let client = build_client(config.clone(), &context, &source)?;
    super::server_version::start(&client);
    config.default_retry = false;
    Ok(Cluster {
        client,
        unretried: Unretried {
            config: std::sync::Arc::new(config),
            source,
            client: std::sync::Arc::default(),
        },
        namespace,
        context,
        server,
        kubeconfig: args.kubeconfig.clone(),
    })
}

fn build_client(config: Config, context: &str, source: &str) -> Result<Client, Failure> {
    let server = config.cluster_url.to_string();
    let builder = ClientBuilder::try_from(config).map_err(|e| {
        Failure::connection(format!(
            "cannot set up a client for {} (context {context:?}): {e}; check the certificate data in {source}",
            server.trim_end_matches('/')
        ))
    })?;
    // Outermost, so it sees every response as the server sent it, errors included.
    Ok(builder.with_layer(&super::warnings::layer()).build())
}

/// The connection without kube's own retry of 429, 503 and 504 (up to 15 times over minutes,
/// unseen), built the first time it is needed.
#[derive(Clone)]
struct Unretried {
    config: std::sync::Arc<Config>,
    source: String,
    client: std::sync::Arc<std::sync::OnceLock<Client>>,
}

impl Cluster {
    /// The client for requests whose refusal is the answer, such as an eviction a
    /// PodDisruptionBudget refuses (429): the caller retries on its own terms.
    pub(super) fn unretried(&self) -> Result<Client, Failure> {
        let slot = &self.unretried;
        if let Some(client) = slot.client.get() {
            return Ok(client.clone());
        }
        let client = build_client((*slot.config).clone(), &self.context, &slot.source)?;
        Ok(slot.client.get_or_init(|| client).clone())
    }
}

/// Flag combinations kubectl refuses before it reads any kubeconfig.
fn check_flags(args: &ConnectionArgs) -> Result<(), Failure> {
    if let Some(ns) = &args.namespace {
        if !is_dns_label(ns) {
            return Err(Failure::usage(format!(
                "invalid namespace {ns:?}: a namespace is lower-case letters, digits and '-', at most 63 characters"
            )));
        }
    }
    if !args.as_group.is_empty() && args.as_user.is_none() {
        return Err(Failure::usage(
            "--as-group needs --as: name the user to impersonate too",
        ));
    }
    Ok(())
}

fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// `--user`/`--cluster` naming an entry that does not exist would silently mean "anonymous".
fn check_named_entries(kubeconfig: &Kubeconfig, args: &ConnectionArgs) -> Result<(), Failure> {
    if let Some(user) = &args.user {
        require_entry(
            "user",
            user,
            kubeconfig.auth_infos.iter().map(|a| a.name.as_str()),
        )?;
    }
    if let Some(cluster) = args.cluster.as_ref().filter(|name| !name.is_empty()) {
        require_entry(
            "cluster",
            cluster,
            kubeconfig.clusters.iter().map(|c| c.name.as_str()),
        )?;
    }
    Ok(())
}

fn require_entry<'a>(
    kind: &str,
    wanted: &str,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), Failure> {
    let known: Vec<&str> = names.collect();
    if known.contains(&wanted) {
        return Ok(());
    }
    let known = if known.is_empty() {
        "none".to_string()
    } else {
        known.join(", ")
    };
    Err(Failure::connection(format!(
        "{kind} {wanted:?} is not in the kubeconfig (known: {known}); pick one with --{kind}"
    )))
}

/// The namespace commands default to without contacting the server: -n, else the selected
/// context's namespace, else "default" (also when there is no kubeconfig, as kubectl does).
pub fn default_namespace(args: &ConnectionArgs) -> Result<String, Failure> {
    check_flags(args)?;
    if let Some(ns) = &args.namespace {
        return Ok(ns.clone());
    }
    let Ok((kubeconfig, _)) = load_kubeconfig(args.kubeconfig.as_deref()) else {
        return Ok("default".into());
    };
    let context = selected_context(&kubeconfig, args.context.as_deref())?;
    let namespace = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.namespace.clone());
    Ok(namespace.unwrap_or_else(|| "default".into()))
}

/// Where the kubeconfig came from, for error messages.
/// The kubeconfig kubectl would read (the flag, else the KUBECONFIG list, else ~/.kube/config),
/// for what needs its entries without connecting: completing context, cluster and user names.
pub fn read_kubeconfig(flag: Option<&Path>) -> Result<Kubeconfig, Failure> {
    load_kubeconfig(flag).map(|(kubeconfig, _)| kubeconfig)
}

fn load_kubeconfig(flag: Option<&Path>) -> Result<(Kubeconfig, String), Failure> {
    if let Some(path) = flag {
        let source = path.display().to_string();
        if !path.exists() {
            return Err(Failure::connection(format!(
                "kubeconfig {source} does not exist; check the --kubeconfig path"
            )));
        }
        return read_one(path).map(|k| (k, source));
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let paths: Vec<PathBuf> = std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        let source = format!("KUBECONFIG={}", list.to_string_lossy());
        let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
        if existing.is_empty() {
            return Err(Failure::connection(format!(
                "none of the files in {source} exists; point KUBECONFIG or --kubeconfig at a kubeconfig file"
            )));
        }
        let mut merged = Kubeconfig::default();
        for path in existing {
            merged = merged.merge(read_one(path)?).map_err(|e| {
                Failure::connection(format!(
                    "cannot merge {}: {e}; fix the KUBECONFIG list",
                    path.display()
                ))
            })?;
        }
        return Ok((merged, source));
    }
    let home = home_kubeconfig().ok_or_else(|| {
        Failure::connection(
            "no kubeconfig: set KUBECONFIG or pass --kubeconfig (no home directory found)",
        )
    })?;
    let source = home.display().to_string();
    if !home.exists() {
        return Err(Failure::connection(format!(
            "no kubeconfig at {source}; set KUBECONFIG or pass --kubeconfig"
        )));
    }
    read_one(&home).map(|k| (k, source))
}

fn home_kubeconfig() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".kube").join("config"))
}

fn read_one(path: &Path) -> Result<Kubeconfig, Failure> {
    Kubeconfig::read_from(path).map_err(|e| {
        let detail = match &e {
            KubeconfigError::ReadConfig(io, _) => io.to_string(),
            // The parser quotes the offending lines, which may hold a token: keep only its first line.
            other => other
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        Failure::connection(format!(
            "cannot read kubeconfig {}: {detail}; fix the file or point --kubeconfig elsewhere",
            path.display()
        ))
    })
}

fn selected_context(kubeconfig: &Kubeconfig, flag: Option<&str>) -> Result<String, Failure> {
    let name = match flag.or(kubeconfig.current_context.as_deref()) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => {
            return Err(Failure::connection(
                "the kubeconfig has no current-context; pass --context or run `kubectl config use-context NAME`",
            ))
        }
    };
    require_entry(
        "context",
        &name,
        kubeconfig.contexts.iter().map(|c| c.name.as_str()),
    )?;
    Ok(name)
}

fn kubeconfig_failure(error: &KubeconfigError, source: &str, context: &str) -> Failure {
    let hint = match error {
        KubeconfigError::LoadClusterOfContext(_) => {
            "check --cluster and the context's cluster entry"
        }
        KubeconfigError::LoadContext(_) => "check --context and --user",
        KubeconfigError::MissingClusterUrl | KubeconfigError::ParseClusterUrl(_) => {
            "fix the cluster's server URL"
        }
        _ => "fix the kubeconfig",
    };
    Failure::connection(format!(
        "cannot use context {context:?} from {source}: {error}; {hint}"
    ))
}

fn apply_overrides(config: &mut Config, args: &ConnectionArgs) {
    if let Some(user) = &args.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !args.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(args.as_group.clone());
    }
    if let Some(timeout) = args.request_timeout.0 {
        config.connect_timeout = Some(timeout);
        config.read_timeout = Some(timeout);
        config.write_timeout = Some(timeout);
        config.reset_reader_on_write = true;
    }
}

/// Tells the log redactor about every credential in the kubeconfig, whichever user ends up used.
fn register_secrets(kubeconfig: &Kubeconfig) {
    use secrecy::ExposeSecret;
    for named in &kubeconfig.auth_infos {
        let Some(auth) = &named.auth_info else {
            continue;
        };
        for secret in [&auth.token, &auth.password, &auth.client_key_data]
            .into_iter()
            .flatten()
        {
            logging::register_secret(secret.expose_secret());
        }
        if let Some(token) = auth
            .token_file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
        {
            logging::register_secret(token.trim());
        }
        for (key, value) in auth.auth_provider.iter().flat_map(|p| p.config.iter()) {
            if key.contains("token") || key.contains("secret") {
                logging::register_secret(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_must_be_dns_labels() {
        let cases = [
            ("default", true),
            ("kube-system", true),
            ("a", true),
            ("", false),
            ("-a", false),
            ("a-", false),
            ("Prod", false),
            ("a\nb", false),
            ("a.b", false),
            (&"x".repeat(64), false),
        ];
        for (name, ok) in cases {
            assert_eq!(is_dns_label(name), ok, "{name:?}");
        }
    }

    #[test]
    fn as_group_needs_as() {
        let args = ConnectionArgs {
            as_group: vec!["g".into()],
            ..Default::default()
        };
        assert_eq!(
            check_flags(&args).map_err(|f| f.kind),
            Err(crate::error::FailureKind::Usage)
        );
    }
}
