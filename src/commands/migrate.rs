//! `kubectl ds migrate [NAME] -f new.yaml`: moves a DaemonSet to a manifest with another
//! (immutable) selector without taking its pods off the nodes (`ops::migrate`).

use super::Outcome;
use crate::cli::{GlobalArgs, MigrateArgs, RolloutMode};
use crate::error::Failure;
use crate::ops;
use crate::render::progress::Progress;

pub async fn exec(args: &MigrateArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    if args.engine.mode == Some(RolloutMode::Rolling) {
        return Err(Failure::usage(
            "migrate replaces the adopted pods with the ondelete engine (waves within --max-unavailable); drop --mode rolling",
        )
        .into());
    }
    let (cluster, default_namespace) = ops::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let manifest = crate::manifest::inputs::read_one_daemonset(
        &args.filename,
        &default_namespace,
        global.connection.namespace.as_deref(),
        "migrate",
    )?;
    let mut progress = Progress::new(args.engine.output);
    ops::migrate::run(&cluster, &manifest, args, &mut progress).await
}
