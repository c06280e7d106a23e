//! `kubectl ds rollout apply -f FILE`: roll a manifest out (`ops::apply`).

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutApplyArgs};
use crate::ops;
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
    let name = manifest.name().to_string();
    let namespace = manifest.namespace.clone();
    ops::apply::run(
        &cluster,
        &namespace,
        &name,
        manifest.object.value.clone(),
        ops::apply::Write::Apply(&manifest.object),
        &args.engine,
        &mut Progress::new(args.engine.output),
    )
    .await
}
