//! Shell completion the way users get it: kubectl (1.26+) running the `kubectl_complete-ds` shim
//! that `kubectl ds completion install` created, a real bash and zsh with kubectl's own completion
//! loaded and TAB pressed in tmux, and the static scripts (zsh's through TAB too).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{daemonset_yaml, ds_offline, env, require_cluster, Namespace, Run};

/// A directory holding the shim, installed by the command itself; first on PATH.
struct Shim {
    dir: tempfile::TempDir,
}

impl Shim {
    fn install() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let dir_arg = dir.path().to_str().expect("utf-8 path");
        let run = env().ds(&["completion", "install", "--dir", dir_arg]);
        run.success();
        assert!(run.stdout.contains("created"), "{}", run.stdout);
        let link = std::fs::read_link(dir.path().join("kubectl_complete-ds")).expect("a link");
        assert_eq!(
            link,
            Path::new(env!("CARGO_BIN_EXE_kubectl-ds")),
            "the shim points at the kubectl-ds kubectl runs"
        );
        Self { dir }
    }

    fn path(&self) -> OsString {
        let mut paths = vec![self.dir.path().to_path_buf()];
        paths.extend(std::env::split_paths(env().plugin_path()));
        std::env::join_paths(paths).expect("PATH")
    }
}

/// `kubectl __complete ds WORDS...`: what kubectl offers for `kubectl ds WORDS<TAB>`.
fn kubectl_complete(path: &OsString, kubeconfig: &Path, words: &[&str]) -> (Vec<String>, String) {
    let run = Run::from_output(
        Command::new("kubectl")
            .arg("__complete")
            .arg("ds")
            .args(words)
            .env("PATH", path)
            .env("KUBECONFIG", kubeconfig)
            .stdin(Stdio::null())
            .output()
            .expect("run kubectl __complete"),
    );
    run.success();
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_string).collect();
    let directive = lines.pop().unwrap_or_default();
    (lines, directive)
}

fn values(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l.split('\t').next().unwrap_or_default())
        .collect()
}

#[test]
fn kubectl_completes_daemonsets_namespaces_contexts_revisions_and_nodes_through_the_shim() {
    require_cluster!();
    let ns = Namespace::new("complete");
    let ns = ns.name.as_str();
    let other = Namespace::new("complete-empty");
    env().apply(ns, &daemonset_yaml("agent", "busybox:1.36").yaml());
    env().apply(
        ns,
        &daemonset_yaml("beacon", "busybox:1.36")
            .strategy("OnDelete")
            .yaml(),
    );
    let shim = Shim::install();
    let path = shim.path();
    let kubeconfig = env().kubeconfig.as_path();
    let complete = |words: &[&str]| kubectl_complete(&path, kubeconfig, words);

    // DaemonSet names in the namespace typed earlier on the line, and nothing else.
    let (lines, directive) = complete(&["-n", ns, "rollout", "status", ""]);
    assert_eq!(values(&lines), ["agent", "beacon"], "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("agent\tDaemonSet in {ns}, ")),
        "{lines:?}"
    );
    assert_eq!(directive, ":4");
    let (lines, _) = complete(&["rollout", "status", "--namespace", ns, "b"]);
    assert_eq!(values(&lines), ["beacon"]);
    let (lines, _) = complete(&["-n", &other.name, "rollout", "status", ""]);
    assert!(lines.is_empty(), "{lines:?}");
    // Without the shim on PATH kubectl offers none of them.
    let (lines, _) = kubectl_complete(
        &env().plugin_path().to_os_string(),
        kubeconfig,
        &["-n", ns, "rollout", "status", ""],
    );
    assert!(!values(&lines).contains(&"agent"), "{lines:?}");

    // Subcommands and flags.
    let (lines, directive) = complete(&["ro"]);
    assert_eq!(values(&lines), ["rollout"]);
    assert_eq!(directive, ":4");
    let (lines, _) = complete(&["rollout", "status", "--wa"]);
    assert_eq!(values(&lines), ["--watch"]);

    // Namespaces, contexts, node names, revisions.
    let (lines, _) = complete(&["-n", ""]);
    assert!(values(&lines).contains(&ns), "{lines:?}");
    assert!(values(&lines).contains(&"kube-system"), "{lines:?}");
    let context = env().kubectl(&["config", "current-context"]);
    let (lines, _) = complete(&["--context", ""]);
    assert!(
        values(&lines).contains(&context.success().stdout.trim()),
        "{lines:?}"
    );
    let (lines, _) = complete(&["rollout", "restart", "agent", "--canary-nodes", ""]);
    assert_eq!(
        values(&lines),
        ["kds-node-1", "kds-node-2", "kds-node-3", "kds-node-4"]
    );
    let (lines, _) = complete(&[
        "rollout",
        "restart",
        "agent",
        "--canary-nodes",
        "kds-node-1,",
    ]);
    assert_eq!(
        values(&lines),
        [
            "kds-node-1,kds-node-2",
            "kds-node-1,kds-node-3",
            "kds-node-1,kds-node-4"
        ]
    );
    env().eventually("agent's first revision", || env().newest_revision(ns) > 0);
    let newest = env().newest_revision(ns).to_string();
    for words in [
        &["-n", ns, "history", "agent", "--revision", ""][..],
        &["-n", ns, "rollout", "undo", "agent", "--to-revision", ""][..],
    ] {
        let (lines, _) = complete(words);
        let values = values(&lines);
        assert!(values.contains(&newest.as_str()), "{words:?}: {lines:?}");
    }
    let (lines, _) = complete(&["-n", ns, "rollout", "set-image", "agent", ""]);
    assert_eq!(values(&lines), ["main=", "*="]);

    // Rule IDs, and file completion limited to manifests for -f.
    let (lines, _) = complete(&["lint", "--explain", "DS20"]);
    assert!(values(&lines).contains(&"DS202"), "{lines:?}");
    assert!(values(&lines).iter().all(|v| v.starts_with("DS20")));
    let (lines, directive) = complete(&["rollout", "apply", "-f", ""]);
    assert_eq!(values(&lines), ["yaml", "yml", "json"]);
    assert_eq!(directive, ":8");
}

#[test]
fn an_unreachable_cluster_or_unknown_context_gives_no_candidates_and_no_error() {
    require_cluster!();
    let shim = Shim::install();
    let path = shim.path();
    let dir = tempfile::tempdir().expect("tempdir");
    let unreachable = dir.path().join("kubeconfig");
    std::fs::write(
        &unreachable,
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n\
         clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:1'}}]\n\
         contexts: [{name: gone, context: {cluster: gone, user: u}}]\n\
         users: [{name: u, user: {token: t}}]\n",
    )
    .expect("write kubeconfig");
    let (lines, directive) = kubectl_complete(&path, &unreachable, &["rollout", "status", ""]);
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(directive, ":4");
    let (lines, directive) = kubectl_complete(
        &path,
        env().kubeconfig.as_path(),
        &["--context", "nosuch", "rollout", "status", ""],
    );
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(directive, ":4");
    // Contexts come from the kubeconfig alone.
    let (lines, _) = kubectl_complete(&path, &unreachable, &["--context", ""]);
    assert_eq!(values(&lines), ["gone"]);
}

/// A server that accepts connections and never answers: only the completer's own deadline ends
/// the request. The test waits for the answer however long it takes (a hang fails it below).
#[test]
fn a_server_that_never_answers_gives_no_candidates_once_the_deadline_passes() {
    require_cluster!();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let silent = dir.path().join("kubeconfig");
    std::fs::write(
        &silent,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: silent\n\
             clusters: [{{name: silent, cluster: {{server: 'https://127.0.0.1:{port}', insecure-skip-tls-verify: true}}}}]\n\
             contexts: [{{name: silent, context: {{cluster: silent, user: u}}}}]\n\
             users: [{{name: u, user: {{token: t}}}}]\n"
        ),
    )
    .expect("write kubeconfig");
    let shim = Shim::install();
    let mut child = Command::new("kubectl")
        .args(["__complete", "ds", "rollout", "status", ""])
        .env("PATH", shim.path())
        .env("KUBECONFIG", &silent)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run kubectl __complete");
    // Not a speed assertion: a completer without a deadline would wait on the silent server
    // forever, and this only keeps such a failure from hanging the suite.
    let mut waited = 0;
    while child.try_wait().expect("wait").is_none() {
        assert!(
            waited < 600,
            "the completer is still waiting on a silent server after a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    let output = child.wait_with_output().expect("output");
    assert_eq!(String::from_utf8_lossy(&output.stdout), ":4\n");
}

/// A real interactive shell in tmux, its prompt `$ `, TAB pressed as a user presses it.
struct Terminal {
    /// The tmux server's socket, removed with it.
    dir: tempfile::TempDir,
}

impl Terminal {
    /// bash with bash-completion and kubectl's own completion loaded.
    fn bash(path: &OsString, kubeconfig: &Path) -> Self {
        Self::start(
            "bash --norc --noprofile",
            path,
            kubeconfig,
            "source /usr/share/bash-completion/bash_completion; source <(kubectl completion bash); PS1='$ '",
        )
    }

    /// zsh with no rc files, running `setup` as a user's .zshrc would.
    fn zsh(path: &OsString, kubeconfig: &Path, setup: &str) -> Self {
        Self::start("zsh -f", path, kubeconfig, &format!("{setup}; PS1='$ '"))
    }

    fn start(shell: &str, path: &OsString, kubeconfig: &Path, setup: &str) -> Self {
        // A server per terminal: tests run in parallel threads of one process, and a shared
        // server would let one test's capture-pane read, or its kill-server end, another's shell.
        let dir = tempfile::tempdir().expect("tempdir");
        let command = format!(
            "env -i HOME={home} TERM=xterm PATH={path} KUBECONFIG={kubeconfig} {shell}",
            home = std::env::var("HOME").unwrap_or_else(|_| "/root".into()),
            path = path.to_str().expect("utf-8 PATH"),
            kubeconfig = kubeconfig.display(),
        );
        let terminal = Self { dir };
        terminal.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            &command,
        ]);
        // Typed before the shell is up, the setup line would be echoed twice, once by the tty.
        env().eventually("the shell's first prompt", || {
            !terminal.screen().trim().is_empty()
        });
        terminal.type_line(setup);
        // Keys typed before the completion is loaded would get the shell's file completion.
        env().eventually("the shell to load the completion", || {
            terminal.screen().lines().rfind(|l| !l.trim().is_empty()) == Some("$")
        });
        terminal
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-S")
            .arg(self.socket())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux (apt-get install tmux; scripts/testenv install does)");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("tmux")
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    fn cursor_column(&self) -> usize {
        let x = self.tmux(&["display-message", "-p", "#{cursor_x}"]);
        x.trim().parse().expect("tmux's cursor_x")
    }

    fn type_line(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
        self.tmux(&["send-keys", "Enter"]);
    }

    /// Types `text`, presses TAB, and waits until the line reads `want`; then clears the line.
    /// Prints the screen before and after TAB (shown with --nocapture, or when the test fails).
    fn tab(&self, text: &str, want: &str) {
        self.tmux(&["send-keys", "-l", text]);
        let typed = format!("$ {text}");
        env().eventually(&format!("`{text}` to be typed"), || {
            self.screen()
                .lines()
                .any(|l| l.trim_end() == typed.trim_end())
        });
        eprintln!("before TAB:\n{}", self.screen().trim_end());
        self.tmux(&["send-keys", "Tab"]);
        let completed = format!("$ {want}");
        let mut after = String::new();
        // capture-pane drops trailing spaces: the cursor's column says whether `want`'s is there.
        env().eventually(&format!("`{text}<TAB>` to become `{want}`"), || {
            after = self.screen();
            after.lines().any(|l| l.trim_end() == completed.trim_end())
                && self.cursor_column() == completed.chars().count()
        });
        eprintln!(
            "after TAB (cursor at column {}):\n{}",
            completed.chars().count(),
            after.trim_end()
        );
        self.tmux(&["send-keys", "C-u"]);
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // What the shell showed when the test gave up on it; no tmux() here, whose assertion
            // would panic again while unwinding.
            if let Ok(output) = Command::new("tmux")
                .arg("-S")
                .arg(self.socket())
                .args(["capture-pane", "-p"])
                .output()
            {
                eprintln!("screen:\n{}", String::from_utf8_lossy(&output.stdout));
            }
        }
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(self.socket())
            .arg("kill-server")
            .output();
    }
}

#[test]
fn tab_in_a_real_bash_completes_the_subcommand_and_a_daemonset_name() {
    require_cluster!();
    let ns = Namespace::new("complete-bash");
    let ns = ns.name.as_str();
    env().apply(ns, &daemonset_yaml("agent", "busybox:1.36").yaml());
    let shim = Shim::install();
    let terminal = Terminal::bash(&shim.path(), env().kubeconfig.as_path());
    terminal.tab("kubectl ds ro", "kubectl ds rollout ");
    terminal.tab(
        &format!("kubectl ds -n {ns} rollout status a"),
        &format!("kubectl ds -n {ns} rollout status agent "),
    );
}

/// compinit without a dump file: parallel tests' shells would otherwise all write ~/.zcompdump.
const COMPINIT: &str = "autoload -U compinit; compinit -u -D";

#[test]
fn tab_in_a_real_zsh_completes_the_subcommand_and_a_daemonset_name() {
    require_cluster!();
    let ns = Namespace::new("complete-zsh");
    let ns = ns.name.as_str();
    env().apply(ns, &daemonset_yaml("agent", "busybox:1.36").yaml());
    let shim = Shim::install();
    let terminal = Terminal::zsh(
        &shim.path(),
        env().kubeconfig.as_path(),
        &format!("{COMPINIT}; source <(kubectl completion zsh)"),
    );
    terminal.tab("kubectl ds ro", "kubectl ds rollout ");
    terminal.tab(
        &format!("kubectl ds -n {ns} rollout status a"),
        &format!("kubectl ds -n {ns} rollout status agent "),
    );
}

/// The static script installed the way zsh finds completions: a file `_kubectl-ds` in a directory
/// on fpath before compinit.
#[test]
fn tab_in_a_real_zsh_completes_kubectl_ds_typed_directly_with_the_static_script() {
    require_cluster!();
    let dir = tempfile::tempdir().expect("tempdir");
    let run = ds_offline(dir.path(), &["completion", "zsh"], None);
    run.success();
    std::fs::write(dir.path().join("_kubectl-ds"), &run.stdout).expect("write script");
    let terminal = Terminal::zsh(
        &env().plugin_path().to_os_string(),
        env().kubeconfig.as_path(),
        &format!("fpath=({} $fpath); {COMPINIT}", dir.path().display()),
    );
    terminal.tab("kubectl-ds ro", "kubectl-ds rollout ");
}

#[test]
fn install_reports_is_idempotent_and_replaces_only_with_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    // kubectl-ds on PATH in a directory of its own, as krew's bin directory is.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubectl-ds"), bin.join("kubectl-ds"))
        .expect("link kubectl-ds");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let install = |args: &[&str]| {
        let run = Command::new("kubectl")
            .args(["ds", "completion", "install"])
            .args(args)
            .env("PATH", &path)
            .stdin(Stdio::null())
            .output()
            .expect("run kubectl ds completion install");
        Run::from_output(run)
    };
    let shim = bin.join("kubectl_complete-ds");

    // By default: beside the kubectl-ds kubectl runs, pointing at it by its own name.
    let first = install(&[]);
    first.success();
    assert!(
        first
            .stdout
            .contains(&format!("created {}", shim.display())),
        "{}",
        first.stdout
    );
    assert_eq!(
        std::fs::read_link(&shim).expect("link"),
        PathBuf::from("kubectl-ds")
    );
    let again = install(&[]);
    again.success();
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);

    // Something else there is kept unless --force.
    std::fs::remove_file(&shim).expect("remove");
    std::fs::write(&shim, "#!/bin/sh\n").expect("write");
    let refused = install(&[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(std::fs::read_to_string(&shim).expect("kept"), "#!/bin/sh\n");
    install(&["--force"]).success();
    assert_eq!(
        std::fs::read_link(&shim).expect("link"),
        PathBuf::from("kubectl-ds")
    );

    // A directory off PATH works, with a warning; a missing one is bad input.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    let off_path = install(&["--dir", elsewhere.to_str().expect("utf-8")]);
    off_path.success();
    assert!(
        off_path.stderr.contains("is not on PATH"),
        "{}",
        off_path.stderr
    );
    let missing = install(&["--dir", "/nonexistent/dir"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert_eq!(missing.stderr.lines().count(), 1, "{}", missing.stderr);
}

#[test]
fn static_scripts_print_and_complete_kubectl_ds_typed_directly() {
    require_cluster!();
    let dir = tempfile::tempdir().expect("tempdir");
    for (shell, file) in [
        ("bash", "kubectl-ds.bash"),
        ("zsh", "_kubectl-ds"),
        ("fish", "kubectl-ds.fish"),
        ("powershell", "_kubectl-ds.ps1"),
        ("elvish", "kubectl-ds.elv"),
    ] {
        let run = ds_offline(dir.path(), &["completion", shell], None);
        run.success();
        let checked_in = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        assert_eq!(
            run.stdout,
            std::fs::read_to_string(&checked_in).expect("checked-in script"),
            "{shell}"
        );
    }
    let script = dir.path().join("kubectl-ds.bash");
    std::fs::write(
        &script,
        ds_offline(dir.path(), &["completion", "bash"], None).stdout,
    )
    .expect("write script");
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!(
            "source {}; COMP_WORDS=(kubectl-ds rollout s); COMP_CWORD=2; \
             _kubectl__ds kubectl-ds s rollout; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    let words: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        words,
        ["status", "set-image"],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // fish, through its own completion engine.
    let fish_script = dir.path().join("kubectl-ds.fish");
    std::fs::write(
        &fish_script,
        ds_offline(dir.path(), &["completion", "fish"], None).stdout,
    )
    .expect("write script");
    let output = Command::new("fish")
        .arg("-c")
        .arg(format!(
            "source {}; complete -C 'kubectl-ds rollout s'",
            fish_script.display()
        ))
        .env("PATH", env().plugin_path())
        .stdin(Stdio::null())
        .output()
        .expect("fish (apt-get install fish; scripts/testenv install does)");
    let words: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        words,
        ["set-image", "status"],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
