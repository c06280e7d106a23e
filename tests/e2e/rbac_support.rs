//! What the RBAC tests share: the roles `kubectl ds rbac` prints applied by the admin, users
//! bound to exactly some of them (impersonated with --as, so nothing else is granted), and
//! another team's pods for a drain to evict.

use std::sync::Mutex;

use crate::harness::{env, Run};

/// Held while applying: the tests share the ClusterRoles, and two `kubectl apply`s creating the
/// same one at once fail one of them with AlreadyExists.
static APPLYING: Mutex<()> = Mutex::new(());

/// The roles `kubectl ds rbac ARGS` prints for `ns`, applied by the admin.
pub fn apply_roles(ns: &str, args: &[&str], edit: impl Fn(String) -> String) {
    let mut all = vec!["rbac", "-n", ns];
    all.extend_from_slice(args);
    let printed = env().ds(&all);
    printed.success();
    let _one_at_a_time = APPLYING.lock().unwrap_or_else(|e| e.into_inner());
    env().apply(ns, &edit(printed.stdout));
}

/// A user bound to the named ClusterRoles (cluster-wide) and Roles (in `ns`).
pub struct User {
    name: String,
    bindings: Vec<String>,
}

impl User {
    pub fn bind(ns: &str, who: &str, cluster_roles: &[&str], roles: &[&str]) -> Self {
        let name = format!("{ns}-{who}");
        let mut bindings = Vec::new();
        for role in cluster_roles {
            let binding = format!("{name}-{role}");
            env()
                .kubectl(&[
                    "create",
                    "clusterrolebinding",
                    &binding,
                    &format!("--clusterrole={role}"),
                    &format!("--user={name}"),
                ])
                .success();
            bindings.push(binding);
        }
        for role in roles {
            env()
                .kubectl(&[
                    "create",
                    "rolebinding",
                    &format!("{name}-{role}"),
                    "-n",
                    ns,
                    &format!("--role={role}"),
                    &format!("--user={name}"),
                ])
                .success();
        }
        Self { name, bindings }
    }

    pub fn wait_for(&self, verb: &str, resource: &str, ns: Option<&str>) {
        env().wait_until_allowed(&["--as", &self.name], verb, resource, ns);
    }

    /// `kubectl ds ARGS --as USER`: what it printed, and its exit code.
    pub fn ds(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--as", &self.name]);
        let run = env().ds(&all);
        eprintln!(
            "$ kubectl ds {} (exit {})\n{}{}",
            all.join(" "),
            run.code,
            run.stdout,
            run.stderr
        );
        run
    }

    pub fn ds_ok(&self, args: &[&str]) -> Run {
        let run = self.ds(args);
        assert_eq!(
            run.code, 0,
            "kubectl ds {args:?} as {}: {}",
            self.name, run.stderr
        );
        run
    }
}

impl Drop for User {
    fn drop(&mut self) {
        for binding in &self.bindings {
            env().kubectl(&["delete", "clusterrolebinding", binding, "--wait=false"]);
        }
    }
}

/// `rollout set-image agent main=busybox:1.37` in `ns`, ondelete, one node at a time, and `extra`.
pub fn set_image_args<'a>(ns: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "rollout",
        "set-image",
        "agent",
        "main=busybox:1.37",
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--max-unavailable",
        "1",
    ];
    args.extend_from_slice(extra);
    args
}

/// The error line of a failed run: the last line of stderr, which must be its only error line.
pub fn error_line(run: &Run) -> String {
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    assert_eq!(errors.len(), 1, "not one error line: {}", run.stderr);
    errors[0].to_string()
}

/// A Deployment of 3 in `ns`, available; the names of its pods.
pub fn other_team_pods(ns: &str) -> Vec<String> {
    env()
        .kubectl(&[
            "create",
            "deployment",
            "web",
            "-n",
            ns,
            "--image=busybox:1.36",
            "--replicas=3",
            "--",
            "sleep",
            "3600",
        ])
        .success();
    env()
        .kubectl(&[
            "rollout",
            "status",
            "deployment/web",
            "-n",
            ns,
            "--timeout=120s",
        ])
        .success();
    pod_names(ns)
}

pub fn pod_names(ns: &str) -> Vec<String> {
    let run = env().kubectl(&["get", "pods", "-n", ns, "-o", "name"]);
    run.success().stdout.lines().map(str::to_string).collect()
}
