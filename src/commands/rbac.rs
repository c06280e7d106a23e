//! `kubectl ds rbac`: print the roles the commands need (see `crate::rbac`).

use crate::cli::{GlobalArgs, RbacArgs};
use crate::ops::Outcome;
use crate::rbac::{manifests, Wanted};

pub fn exec(args: &RbacArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let operator = args.operator || args.drain || args.prepull || args.all_namespaces;
    let namespace = match operator && !args.all_namespaces {
        true => Some(crate::cluster::default_namespace(&global.connection)?),
        false => None,
    };
    print!(
        "{}",
        manifests(&Wanted {
            operator,
            prepull: args.prepull,
            drain: args.drain,
            namespace,
        })
    );
    Ok(Outcome::Ok)
}
