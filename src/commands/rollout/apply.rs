//! `kubectl ds rollout apply -f FILE`: roll a manifest out (`ops::apply`).

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutApplyArgs};
use crate::ops;
use crate::ops::apply::{Rollout, Write};
use crate::render::progress::Progress;

pub async fn exec(args: &RolloutApplyArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, default_namespace) = crate::ops::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let manifest = crate::manifest::inputs::read_one_daemonset(
        &args.filename,
        &default_namespace,
        global.connection.namespace.as_deref(),
        "rollout apply",
    )?;
    ops::apply::run(Rollout {
        cluster: &cluster,
        namespace: &manifest.namespace,
        name: manifest.name(),
        manifest: manifest.object.value.clone(),
        write: Write::Apply(&manifest.object),
        args: &args.engine,
        progress: &mut Progress::new(args.engine.output),
    })
    .await
}
