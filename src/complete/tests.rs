use std::ffi::OsString;

use clap::CommandFactory;

use super::*;

fn root() -> Command {
    let mut root = crate::cli::Cli::command();
    root.build();
    root
}

fn words(line: &[&str]) -> Vec<String> {
    line.iter().map(|w| w.to_string()).collect()
}

fn values(reply: &Reply) -> Vec<&str> {
    reply.candidates.iter().map(|c| c.value.as_str()).collect()
}

/// The reply for a line whose candidates are known without a cluster (live ones get `live`).
fn reply(line: &[&str], live: &[&str]) -> Reply {
    let root = root();
    let line = read_line(&root, &words(line));
    let wanted = line.wanted();
    let live = live.iter().map(|v| Candidate::new(*v, "")).collect();
    Reply::to(&line, wanted, live)
}

#[test]
fn what_each_line_asks_for() {
    use Source::*;
    let cases: &[(&[&str], Wanted)] = &[
        (&["rollout", "status", ""], Wanted::Live(DaemonSets)),
        (
            &["-n", "kube-system", "rollout", "pause", "a"],
            Wanted::Live(DaemonSets),
        ),
        (&["delete", "agent", ""], Wanted::Live(DaemonSets)),
        (&["plan", ""], Wanted::Live(DaemonSets)),
        (&["-n", ""], Wanted::Live(Namespaces)),
        (&["list", "--namespace="], Wanted::Live(Namespaces)),
        (&["--context", ""], Wanted::Live(Contexts)),
        (&["lint", "--cluster", ""], Wanted::Live(Clusters)),
        (&["--user", ""], Wanted::Live(Users)),
        (
            &["history", "agent", "--revision", ""],
            Wanted::Live(Revisions),
        ),
        (
            &["history", "agent", "--diff", "1", ""],
            Wanted::Live(Revisions),
        ),
        (
            &["rollout", "undo", "agent", "--to-revision", ""],
            Wanted::Live(Revisions),
        ),
        (
            &["rollout", "restart", "agent", "--canary-nodes", "a,"],
            Wanted::Live(Nodes),
        ),
        (
            &["rollout", "set-image", "agent", ""],
            Wanted::Live(Containers),
        ),
        (
            &["rollout", "set-image", "agent", "main=x", ""],
            Wanted::Live(Containers),
        ),
        (
            &["rollout", "apply", "-f", ""],
            Wanted::Files(vec!["yaml", "yml", "json"]),
        ),
        (&["lint", ""], Wanted::Files(vec!["yaml", "yml", "json"])),
        (
            &["lint", "--cluster", "-f", ""],
            Wanted::Files(vec!["yaml", "yml", "json"]),
        ),
        (&["--kubeconfig", ""], Wanted::Files(vec![])),
        (
            &["plan", "-f", "a.yaml", "--nodes", ""],
            Wanted::Files(vec![]),
        ),
        (&["completion", "install", "--dir", ""], Wanted::Dirs),
        (
            &["history", "agent", "--diff", "1", "2", ""],
            Wanted::Nothing,
        ),
        (&["rollout", "status", "agent", ""], Wanted::Nothing),
        (&["list", "-l", ""], Wanted::Nothing),
    ];
    let root = root();
    for (line, want) in cases {
        let got = read_line(&root, &words(line)).wanted();
        assert_eq!(&got, want, "{line:?}");
    }
}

/// (line, live candidates, expected values, directive)
type ReplyCase<'a> = (&'a [&'a str], &'a [&'a str], &'a [&'a str], u32);

fn check_replies(cases: &[ReplyCase]) {
    for (line, live, want, directive) in cases {
        let got = reply(line, live);
        assert_eq!(values(&got), *want, "{line:?}");
        assert_eq!(got.directive, *directive, "{line:?}");
    }
}

#[test]
fn subcommands_flags_and_fixed_values_filter_by_the_typed_prefix() {
    check_replies(&[
        (&["ro"], &[], &["rollout"], directive::NO_FILE_COMP),
        (
            &["rollout", "s"],
            &[],
            &["status", "set-image"],
            directive::NO_FILE_COMP,
        ),
        (
            &["completion", ""],
            &[],
            &["install", "bash", "zsh", "fish", "powershell", "elvish"],
            4,
        ),
        (
            &["list", "-o", "y"],
            &[],
            &["yaml"],
            directive::NO_FILE_COMP,
        ),
        (&["--color=n"], &[], &["never"], directive::NO_FILE_COMP),
        (
            &["rollout", "status", "--watch", "--w"],
            &[],
            &[],
            directive::NO_FILE_COMP,
        ),
        (
            &["rollout", "status", "--wa"],
            &[],
            &["--watch"],
            directive::NO_FILE_COMP,
        ),
        (
            &["rollout", "apply", "-f", "a.yaml", "--node-order", "l"],
            &[],
            &["label:", "list:"],
            directive::NO_FILE_COMP | directive::NO_SPACE,
        ),
        (&["nosuch", ""], &[], &[], directive::NO_FILE_COMP),
    ]);
}

#[test]
fn live_values_filter_by_the_typed_prefix() {
    check_replies(&[
        (
            &["rollout", "status", "a"],
            &["agent", "other", "audit"],
            &["agent", "audit"],
            4,
        ),
        (
            &["rollout", "restart", "a", "--canary-nodes", "n1,n"],
            &["n1", "n2", "n3"],
            &["n1,n2", "n1,n3"],
            directive::NO_FILE_COMP,
        ),
        (
            &["rollout", "set-image", "agent", "m"],
            &["main=", "metrics=", "*="],
            &["main=", "metrics="],
            directive::NO_FILE_COMP | directive::NO_SPACE,
        ),
    ]);
}

#[test]
fn files_and_directories_are_left_to_the_shell() {
    check_replies(&[
        (
            &["rollout", "apply", "-f", ""],
            &[],
            &["yaml", "yml", "json"],
            directive::FILTER_FILE_EXT,
        ),
        (&["--kubeconfig", ""], &[], &[], directive::DEFAULT),
        (
            &["completion", "install", "--dir", ""],
            &[],
            &[],
            directive::FILTER_DIRS,
        ),
    ]);
}

#[test]
fn hidden_and_help_subcommands_are_not_offered() {
    let got = reply(&[""], &[]);
    let got = values(&got);
    for command in [
        "list",
        "lint",
        "plan",
        "diff",
        "history",
        "rollout",
        "delete",
        "migrate",
        "completion",
    ] {
        assert!(got.contains(&command), "{command} missing from {got:?}");
    }
    assert!(!got.contains(&"generate"), "{got:?}");
    assert!(!got.contains(&"help"), "{got:?}");
}

#[test]
fn rule_ids_complete_for_lint_explain() {
    let got = reply(&["lint", "--explain", "DS20"], &[]);
    assert!(!got.candidates.is_empty());
    assert!(got.candidates.iter().all(|c| c.value.starts_with("DS20")));
    assert!(got
        .candidates
        .iter()
        .any(|c| c.value == "DS202" && c.description.starts_with("host-port-with-surge: ")));
}

#[test]
fn flag_names_leave_out_given_flags_and_offer_shorthands_for_a_lone_dash() {
    let dash = reply(&["rollout", "status", "-"], &[]);
    let dash = values(&dash);
    assert!(
        dash.contains(&"--watch") && dash.contains(&"-w"),
        "{dash:?}"
    );
    assert!(
        dash.contains(&"-n") && dash.contains(&"--namespace"),
        "{dash:?}"
    );
    let long = reply(&["rollout", "status", "-w", "--"], &[]);
    let long = values(&long);
    assert!(!long.contains(&"--watch"), "{long:?}");
    assert!(!long.contains(&"-n"), "{long:?}");
    assert!(long.contains(&"--namespace"), "{long:?}");
    // Repeatable flags stay on offer.
    let repeat = reply(&["list", "-v", "--"], &[]);
    assert!(values(&repeat).contains(&"--verbose"));
}

#[test]
fn the_connection_typed_earlier_is_kept_in_every_spelling() {
    let root = root();
    let cases: &[(&[&str], &[&str])] = &[
        (&["-n", "ns1", "list", ""], &["--namespace=ns1"]),
        (&["-nns1", "rollout", "status", ""], &["--namespace=ns1"]),
        (&["rollout", "status", "-n=ns1", ""], &["--namespace=ns1"]),
        (
            &[
                "--context",
                "c1",
                "history",
                "--kubeconfig=/k",
                "agent",
                "--revision",
                "",
            ],
            &["--context=c1", "--kubeconfig=/k"],
        ),
        (
            &["--as", "me", "--as-group", "g", "list", ""],
            &["--as=me", "--as-group=g"],
        ),
        (&["-o", "json", "list", ""], &[]),
    ];
    for (line, want) in cases {
        let got = read_line(&root, &words(line));
        assert_eq!(got.connection, *want, "{line:?}");
    }
    let line = read_line(
        &root,
        &words(&["-n", "ns1", "history", "agent", "--diff", "-1", ""]),
    );
    assert_eq!(line.path, ["history"]);
    assert_eq!(line.daemonset(), Some("agent"));
    assert_eq!(line.wanted(), Wanted::Live(Source::Revisions));
    let list = read_line(&root, &words(&["list", ""]));
    assert_eq!(list.daemonset(), None);
}

#[test]
fn render_is_cobras_wire_format() {
    let reply = Reply {
        candidates: vec![
            Candidate::new("agent", "DaemonSet in default"),
            Candidate::new("other", ""),
            Candidate::new("tabbed", "a\tb\nc"),
        ],
        directive: 4,
    };
    assert_eq!(
        reply.render(true),
        "agent\tDaemonSet in default\nother\ntabbed\ta b c\n:4\n"
    );
    assert_eq!(reply.render(false), "agent\nother\ntabbed\n:4\n");
    assert_eq!(Reply::bare(0).render(true), ":0\n");
}

#[test]
fn the_shim_name_or_dunder_complete_starts_a_completion() {
    let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
    /// (argv, expected words and descriptions)
    type Case<'a> = (&'a [&'a str], Option<(&'a [&'a str], bool)>);
    let cases: &[Case] = &[
        (
            &["/usr/local/bin/kubectl_complete-ds", "rollout", ""],
            Some((&["rollout", ""], true)),
        ),
        (&["kubectl_complete-ds"], Some((&[""], true))),
        (
            &["C:\\bin\\kubectl_complete-ds.exe", "li"],
            Some((&["li"], true)),
        ),
        (
            &["kubectl-ds", "__complete", "list", ""],
            Some((&["list", ""], true)),
        ),
        (
            &["kubectl-ds", "__completeNoDesc", ""],
            Some((&[""], false)),
        ),
        (&["kubectl-ds", "list"], None),
        (&["kubectl-ds"], None),
    ];
    for (argv, want) in cases {
        let got = invocation(&args(argv));
        let want = want.map(|(words, descriptions)| Invocation {
            words: words.iter().map(|w| w.to_string()).collect(),
            descriptions,
        });
        if cfg!(windows) || !argv[0].contains('\\') {
            assert_eq!(got, want, "{argv:?}");
        }
    }
}
