//! The README and the `--help` examples stay honest, without a cluster: every `$ kubectl ds ...`
//! line in README.md's example blocks (which `scripts/readme-examples` regenerates from real runs)
//! and every `kubectl ds ...` line in a command's `--help` parses with the current clap
//! definition, the way `main` parses it; every example marker is closed; every command's help has
//! examples that run it; README.md and the script name the same examples.

use std::collections::BTreeSet;

use clap::{CommandFactory, Parser};
use kubectl_ds::cli::{normalize_args, Cli};

const README: &str = include_str!("../README.md");
const SCRIPT: &str = include_str!("../scripts/readme-examples");
const OPEN: &str = "<!-- example: ";
const CLOSE: &str = "<!-- /example -->";

/// One example block of README.md: its name and the lines between the markers.
struct Example {
    name: String,
    line: usize,
    body: Vec<String>,
}

/// The example blocks, checking that the markers pair up, names are unique and each block is one
/// fenced code block.
fn readme_examples() -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut open: Option<Example> = None;
    for (index, text) in README.lines().enumerate() {
        let line = index + 1;
        if let Some(rest) = text.strip_prefix(OPEN) {
            let name = rest
                .strip_suffix(" -->")
                .unwrap_or_else(|| panic!("README.md:{line}: malformed marker {text:?}"));
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "README.md:{line}: example names are lower-case words with dashes: {name:?}"
            );
            if let Some(previous) = &open {
                panic!(
                    "README.md:{line}: example {name:?} starts before example {:?} (line {}) \
                     is closed with {CLOSE}",
                    previous.name, previous.line
                );
            }
            open = Some(Example {
                name: name.to_string(),
                line,
                body: Vec::new(),
            });
        } else if text == CLOSE {
            let example = open
                .take()
                .unwrap_or_else(|| panic!("README.md:{line}: {CLOSE} without an opening marker"));
            examples.push(example);
        } else if text.contains("<!-- example") || text.contains("<!-- /example") {
            panic!("README.md:{line}: malformed marker {text:?}");
        } else if let Some(example) = &mut open {
            example.body.push(text.to_string());
        }
    }
    if let Some(example) = open {
        panic!(
            "README.md:{}: example {:?} is never closed with {CLOSE}",
            example.line, example.name
        );
    }
    let mut names = BTreeSet::new();
    for example in &examples {
        assert!(
            names.insert(example.name.clone()),
            "README.md:{}: a second example named {:?}",
            example.line,
            example.name
        );
        let body = &example.body;
        assert!(
            body.len() >= 2 && body[0] == "```" && body[body.len() - 1] == "```",
            "README.md:{}: example {:?} must be exactly one fenced code block",
            example.line,
            example.name
        );
        assert!(
            body[1..body.len() - 1]
                .iter()
                .all(|l| !l.starts_with("```")),
            "README.md:{}: example {:?} has more than one fenced block",
            example.line,
            example.name
        );
    }
    examples
}

/// The words of a command line as a shell splits them, as far as the examples use shell syntax:
/// single and double quotes and backslashes; the command ends at a comment, a pipe, a redirect,
/// `;` or `&`.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        _ => w.push(q),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => break,
            '|' | ';' | '&' => break,
            '>' | '<' => {
                // `2>&1`, `> file`: a redirect, and the file descriptor before it is no word.
                if word
                    .as_deref()
                    .is_some_and(|w| w.chars().all(|d| d.is_ascii_digit()))
                {
                    word = None;
                }
                break;
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The `kubectl ds ...` commands in a line: the line itself, or a part of a pipeline.
fn kubectl_ds_commands(line: &str) -> Vec<Vec<String>> {
    line.split('|')
        .map(str::trim_start)
        .filter(|part| part.starts_with("kubectl ds "))
        .map(shell_words)
        .collect()
}

/// The words after `kubectl __complete ds` (what kubectl hands the completion shim).
fn completion_request(line: &str) -> Option<Vec<String>> {
    let words = shell_words(line);
    (words.len() > 3 && words[..3] == ["kubectl", "__complete", "ds"]).then(|| words[3..].to_vec())
}

/// A completion request still reaches a subcommand and asks for something under the current
/// definitions (a renamed command or flag would leave it asking for nothing).
fn completes(words: &[String]) -> Result<(), String> {
    let mut root = Cli::command();
    root.build();
    let line = kubectl_ds::complete::read_line(&root, words);
    if line.path.is_empty() {
        return Err("reaches no subcommand".into());
    }
    match line.wanted() {
        kubectl_ds::complete::Wanted::Nothing => Err(format!(
            "asks for nothing under `kubectl ds {}`",
            line.path.join(" ")
        )),
        _ => Ok(()),
    }
}

/// Parses `kubectl ds ARGS` (words) as `main` does; the subcommand path on success.
fn parse(words: &[String]) -> Result<Vec<String>, String> {
    assert_eq!(&words[..2], ["kubectl", "ds"]);
    let argv = normalize_args(
        std::iter::once("kubectl-ds".into()).chain(words[2..].iter().map(Into::into)),
    );
    Cli::try_parse_from(&argv).map_err(|e| e.render().to_string())?;
    let matches = Cli::command()
        .try_get_matches_from(&argv)
        .map_err(|e| e.render().to_string())?;
    let mut path = Vec::new();
    let mut current = &matches;
    while let Some((name, sub)) = current.subcommand() {
        path.push(name.to_string());
        current = sub;
    }
    Ok(path)
}

#[test]
fn readme_example_markers_pair_up_and_match_the_script() {
    let examples = readme_examples();
    assert!(!examples.is_empty(), "README.md has no example markers");
    let in_readme: BTreeSet<String> = examples.iter().map(|e| e.name.clone()).collect();
    // `show [--cut H,T] NAME EXIT 'COMMAND'` lines of scripts/readme-examples.
    let in_script: BTreeSet<String> = SCRIPT
        .lines()
        .filter_map(|line| line.strip_prefix("show "))
        .map(|rest| {
            let words = shell_words(rest);
            let words = if words[0] == "--cut" {
                &words[2..]
            } else {
                &words[..]
            };
            words[0].clone()
        })
        .collect();
    assert_eq!(
        in_readme, in_script,
        "README.md's example markers and the examples scripts/readme-examples makes differ"
    );
}

#[test]
fn every_readme_example_command_parses() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for example in readme_examples() {
        let mut in_example = 0;
        for line in &example.body {
            let Some(command) = line.strip_prefix("$ ") else {
                continue;
            };
            for words in kubectl_ds_commands(command) {
                in_example += 1;
                if let Err(error) = parse(&words) {
                    failures.push(format!(
                        "README.md example {:?}: `{command}` no longer parses:\n{error}",
                        example.name
                    ));
                }
            }
            if let Some(words) = completion_request(command) {
                in_example += 1;
                if let Err(error) = completes(&words) {
                    failures.push(format!(
                        "README.md example {:?}: `{command}`: {error}",
                        example.name
                    ));
                }
            }
        }
        assert!(
            in_example > 0,
            "README.md example {:?} (line {}) shows no `$ kubectl ds ...` (or `kubectl __complete ds`) command",
            example.name,
            example.line
        );
        checked += in_example;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked >= 10, "only {checked} commands found in README.md");
}

/// Every command under `command` with its path, e.g. (["rollout", "status"], its Command).
fn subcommands(
    command: &clap::Command,
    path: Vec<String>,
    out: &mut Vec<(Vec<String>, clap::Command)>,
) {
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut sub_path = path.clone();
        sub_path.push(sub.get_name().to_string());
        out.push((sub_path.clone(), sub.clone()));
        subcommands(sub, sub_path, out);
    }
}

#[test]
fn every_command_has_help_examples_that_parse_and_run_it() {
    let mut all = Vec::new();
    subcommands(&Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 10, "only {} subcommands found", all.len());
    let mut failures = Vec::new();
    for (path, command) in &all {
        let shown = path.join(" ");
        let help: String = [command.get_after_help(), command.get_after_long_help()]
            .into_iter()
            .flatten()
            .map(|text| text.to_string() + "\n")
            .collect();
        if !help.contains("Examples:") {
            failures.push(format!(
                "`kubectl ds {shown}` has no \"Examples:\" block in its after_help (src/cli.rs)"
            ));
            continue;
        }
        let mut runs_it = false;
        for line in help.lines() {
            // clap wraps help at 100 columns when it cannot ask the terminal: a longer example
            // would be split over two lines.
            let commands = kubectl_ds_commands(line.trim());
            if !commands.is_empty() && line.chars().count() > 100 {
                failures.push(format!(
                    "`kubectl ds {shown} --help`: the example `{}` is longer than 100 columns",
                    line.trim()
                ));
            }
            for words in commands {
                match parse(&words) {
                    Ok(parsed) => runs_it |= parsed.starts_with(path),
                    Err(error) => failures.push(format!(
                        "`kubectl ds {shown} --help`: the example `{}` does not parse:\n{error}",
                        line.trim()
                    )),
                }
            }
        }
        if !runs_it {
            failures.push(format!(
                "`kubectl ds {shown} --help`: no example runs `kubectl ds {shown}` (or, for a group, one of its commands)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn shell_words_split_like_a_shell() {
    let cases: &[(&str, &[&str])] = &[
        ("kubectl ds list -A", &["kubectl", "ds", "list", "-A"]),
        (
            "kubectl ds rollout set-image agent '*=img:1' --canary 10%",
            &[
                "kubectl",
                "ds",
                "rollout",
                "set-image",
                "agent",
                "*=img:1",
                "--canary",
                "10%",
            ],
        ),
        (
            r#"kubectl ds list -l "app in (a, b)" # a comment"#,
            &["kubectl", "ds", "list", "-l", "app in (a, b)"],
        ),
        (
            "kubectl ds lint dir/ -o sarif > lint.sarif",
            &["kubectl", "ds", "lint", "dir/", "-o", "sarif"],
        ),
        (
            "kubectl ds lint -f x 2>&1",
            &["kubectl", "ds", "lint", "-f", "x"],
        ),
        (r"kubectl ds list a\ b", &["kubectl", "ds", "list", "a b"]),
        (
            "kubectl ds history agent --diff",
            &["kubectl", "ds", "history", "agent", "--diff"],
        ),
    ];
    for (line, want) in cases {
        assert_eq!(shell_words(line), *want, "{line}");
    }
    assert_eq!(
        kubectl_ds_commands("helm template agent ./chart | kubectl ds lint -f -"),
        [["kubectl", "ds", "lint", "-f", "-"]]
    );
    assert!(kubectl_ds_commands("kubectl get pods").is_empty());
    // A renamed flag or command fails.
    assert!(parse(&shell_words("kubectl ds list --all")).is_err());
    assert!(parse(&shell_words("kubectl ds rollout stat agent")).is_err());
    assert_eq!(
        parse(&shell_words("kubectl ds ls -A -v=6")),
        Ok(vec!["list".to_string()])
    );
}
