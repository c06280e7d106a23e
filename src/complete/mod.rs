//! Live shell completion the way kubectl asks a plugin for it: Cobra's `__complete` protocol.
//!
//! kubectl (1.26 and newer) completes `kubectl ds ...<TAB>` by running `kubectl_complete-ds` with
//! the words after `ds`, the last one being the word under the cursor (often ""). The answer is
//! one candidate per line (`value<TAB>description`) and a last line `:<directive>`.
//!
//! Everything here is pure: the line is read against the clap definition (`cli.rs`, the one source
//! for help, static scripts and this), and the answer is built from candidates the caller fetched.
//! `commands/completion.rs` does the fetching (cluster, kubeconfig) under a short deadline.

use std::ffi::OsString;
use std::path::Path;

use clap::{Arg, ArgAction, Command, ValueHint};

/// The executable kubectl looks for on PATH to complete `kubectl ds` (dashes in a plugin's name
/// become underscores, hence the odd spelling).
pub const SHIM_NAME: &str = "kubectl_complete-ds";

/// Cobra's directive bits, the last line of an answer.
pub mod directive {
    pub const DEFAULT: u32 = 0;
    pub const NO_SPACE: u32 = 2;
    pub const NO_FILE_COMP: u32 = 4;
    pub const FILTER_FILE_EXT: u32 = 8;
    pub const FILTER_DIRS: u32 = 16;
}

/// The connection flags: typed earlier on the line, they pick the cluster candidates come from.
const CONNECTION_ARGS: &[&str] = &[
    "kubeconfig",
    "context",
    "cluster",
    "user",
    "namespace",
    "as_user",
    "as_group",
    "request_timeout",
];

/// A completion request: the words to complete, and whether descriptions are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub words: Vec<String>,
    pub descriptions: bool,
}

/// The process was started to complete, not to run a command: under the shim's name (a link to
/// the binary), or as `kubectl-ds __complete ...` / `__completeNoDesc ...` like a Cobra program.
pub fn invocation(args: &[OsString]) -> Option<Invocation> {
    let words = |from: usize| -> Vec<String> {
        args.iter()
            .skip(from)
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    };
    let program = args.first().map(Path::new)?;
    let stem = program.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let shim = stem == SHIM_NAME;
    let first = args.get(1).and_then(|a| a.to_str());
    let (skip, descriptions) = match (shim, first) {
        (_, Some("__complete")) => (2, true),
        (_, Some("__completeNoDesc")) => (2, false),
        (true, _) => (1, true),
        (false, _) => return None,
    };
    let mut words = words(skip);
    if words.is_empty() {
        words.push(String::new());
    }
    Some(Invocation {
        words,
        descriptions,
    })
}

/// What the word under the cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a flag: a subcommand or the next positional value.
    Word { prefix: String },
    /// A flag name being typed (`-`, `--na`).
    FlagName { prefix: String },
    /// The value of the flag `arg` (its clap id). `lead` is kept in front of every candidate: the
    /// values already typed in a comma-separated list.
    FlagValue {
        arg: String,
        lead: String,
        prefix: String,
    },
}

/// The line read against the clap definition.
#[derive(Debug)]
pub struct Line<'a> {
    /// The innermost subcommand typed (the root when none).
    pub command: &'a Command,
    /// Subcommand names from the root, e.g. `["rollout", "status"]`.
    pub path: Vec<String>,
    /// Positional values typed so far for `command`.
    pub positionals: Vec<String>,
    /// The connection flags as typed, each as one `--long=value` word, to reach the cluster the
    /// command itself would.
    pub connection: Vec<String>,
    /// The ids of the flags already given.
    pub given: Vec<String>,
    pub target: Target,
}

/// Reads `words` (the last is the word under the cursor) against `root`, which must be built
/// (`Command::build`), so global flags are known to every subcommand.
pub fn read_line<'a>(root: &'a Command, words: &[String]) -> Line<'a> {
    let (current, typed) = match words.split_last() {
        Some((current, typed)) => (current.as_str(), typed),
        None => ("", words),
    };
    let mut line = Line {
        command: root,
        path: Vec::new(),
        positionals: Vec::new(),
        connection: Vec::new(),
        given: Vec::new(),
        target: Target::Word {
            prefix: String::new(),
        },
    };
    let mut pending: Option<(&Arg, usize)> = None;
    let mut only_positionals = false;
    for word in typed {
        if let Some((arg, left)) = pending.take() {
            if accepts_value(arg, word) {
                line.record(arg, word);
                if left > 1 {
                    pending = Some((arg, left - 1));
                }
                continue;
            }
        }
        if only_positionals {
            line.positionals.push(word.clone());
        } else if word == "--" {
            only_positionals = true;
        } else if let Some(flag) = word.strip_prefix("--") {
            pending = line.long_flag(flag);
        } else if word.len() > 1 && word.starts_with('-') {
            pending = line.short_flags(&word[1..]);
        } else if let Some(sub) = line.subcommand(word) {
            line.path.push(sub.get_name().to_string());
            line.command = sub;
        } else {
            line.positionals.push(word.clone());
        }
    }
    line.target = match pending {
        Some((arg, _)) if accepts_value(arg, current) => value_target(arg, current),
        _ if only_positionals => Target::Word {
            prefix: current.to_string(),
        },
        _ => match current.strip_prefix("--").and_then(|f| f.split_once('=')) {
            Some((name, value)) => match find_long(line.command, name) {
                Some(arg) => value_target(arg, value),
                None => Target::Word {
                    prefix: String::new(),
                },
            },
            None if current.starts_with('-') => Target::FlagName {
                prefix: current.to_string(),
            },
            None => Target::Word {
                prefix: current.to_string(),
            },
        },
    };
    line
}

impl<'a> Line<'a> {
    fn record(&mut self, arg: &Arg, value: &str) {
        if CONNECTION_ARGS.contains(&arg.get_id().as_str()) {
            if let Some(long) = arg.get_long() {
                self.connection.push(format!("--{long}={value}"));
            }
        }
    }

    fn mark_given(&mut self, arg: &Arg) {
        self.given.push(arg.get_id().to_string());
    }

    /// `--name` or `--name=value`; returns the flag when its value is the next word.
    fn long_flag(&mut self, flag: &str) -> Option<(&'a Arg, usize)> {
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (flag, None),
        };
        let arg = find_long(self.command, name)?;
        self.mark_given(arg);
        if !takes_values(arg) {
            return None;
        }
        match value {
            Some(value) => {
                self.record(arg, value);
                None
            }
            None => Some((arg, max_values(arg))),
        }
    }

    /// `-v`, `-vv`, `-n NS`, `-nNS`, `-n=NS`, `-yo json`; returns the flag whose value is next.
    fn short_flags(&mut self, flags: &str) -> Option<(&'a Arg, usize)> {
        for (at, short) in flags.char_indices() {
            let arg = find_short(self.command, short)?;
            self.mark_given(arg);
            if takes_values(arg) {
                let rest = &flags[at + short.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if rest.is_empty() {
                    return Some((arg, max_values(arg)));
                }
                self.record(arg, rest);
                return None;
            }
        }
        None
    }

    /// A subcommand, by name or alias, when no positional value was typed yet.
    fn subcommand(&self, word: &str) -> Option<&'a Command> {
        if !self.positionals.is_empty() {
            return None;
        }
        self.command
            .get_subcommands()
            .find(|sub| sub.get_name() == word || sub.get_all_aliases().any(|a| a == word))
    }
}

fn value_target(arg: &Arg, typed: &str) -> Target {
    let delimited = arg.get_value_delimiter().is_some();
    let (lead, prefix) = match typed.rfind(',') {
        Some(at) if delimited => (&typed[..=at], &typed[at + 1..]),
        _ => ("", typed),
    };
    Target::FlagValue {
        arg: arg.get_id().to_string(),
        lead: lead.to_string(),
        prefix: prefix.to_string(),
    }
}

fn find_long<'a>(command: &'a Command, name: &str) -> Option<&'a Arg> {
    command.get_arguments().find(|arg| {
        arg.get_long() == Some(name) || arg.get_all_aliases().is_some_and(|a| a.contains(&name))
    })
}

fn find_short(command: &Command, short: char) -> Option<&Arg> {
    command
        .get_arguments()
        .find(|arg| arg.get_short() == Some(short))
}

fn takes_values(arg: &Arg) -> bool {
    !arg.is_positional() && arg.get_action().takes_values()
}

fn max_values(arg: &Arg) -> usize {
    arg.get_num_args()
        .map_or(1, |range| range.max_values())
        .max(1)
}

/// Whether `word` is the value of `arg` rather than the next flag: a flag whose value is optional
/// (`--cluster`, `--diff`) gives way to a following flag; negative numbers stay values.
fn accepts_value(arg: &Arg, word: &str) -> bool {
    if !word.starts_with('-') || word == "-" {
        return true;
    }
    let optional = arg.get_num_args().is_some_and(|r| r.min_values() == 0);
    let number = word[1..].parse::<i64>().is_ok();
    (arg.is_allow_negative_numbers_set() && number) || (!optional && !word.starts_with("--"))
}

/// Where the candidates for a target come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// Known without asking anyone: subcommands, flags, enum values, rule IDs.
    Choices(Vec<Candidate>),
    /// From the cluster or the kubeconfig.
    Live(Source),
    /// Files, optionally only these extensions.
    Files(Vec<&'static str>),
    Dirs,
    Nothing,
}

/// What a live completion lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    DaemonSets,
    Namespaces,
    Contexts,
    Clusters,
    Users,
    /// The revisions of the DaemonSet named on the line.
    Revisions,
    Nodes,
    /// `CONTAINER=` for each container of the DaemonSet named on the line.
    Containers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub description: String,
}

impl Candidate {
    pub fn new(value: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            description: description.into(),
        }
    }
}

/// Manifests: what `kubectl apply -f` completes to.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

impl Line<'_> {
    /// Where the candidates for the word under the cursor come from.
    pub fn wanted(&self) -> Wanted {
        match &self.target {
            Target::FlagName { prefix } => Wanted::Choices(self.flag_names(prefix)),
            Target::FlagValue { arg, .. } => match find_id(self.command, arg) {
                Some(arg) => flag_values(arg),
                None => Wanted::Nothing,
            },
            Target::Word { .. } => self.words(),
        }
    }

    /// The word the candidates must start with.
    pub fn prefix(&self) -> &str {
        match &self.target {
            Target::Word { prefix }
            | Target::FlagName { prefix }
            | Target::FlagValue { prefix, .. } => prefix,
        }
    }

    /// The DaemonSet named on the line (the first positional of commands that take one).
    pub fn daemonset(&self) -> Option<&str> {
        let named = self
            .command
            .get_positionals()
            .next()
            .is_some_and(is_daemonset_name);
        named.then(|| self.positionals.first().map(String::as_str))?
    }

    fn flag_names(&self, prefix: &str) -> Vec<Candidate> {
        let mut names = Vec::new();
        for arg in self.command.get_arguments() {
            let repeatable = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count);
            if arg.is_positional()
                || arg.is_hide_set()
                || (!repeatable && self.given.iter().any(|id| id == arg.get_id().as_str()))
            {
                continue;
            }
            let help = first_line(arg.get_help());
            if let Some(long) = arg.get_long() {
                names.push(Candidate::new(format!("--{long}"), help.clone()));
            }
            // Like Cobra: the one-letter forms only for a lone `-`.
            if let (Some(short), "-") = (arg.get_short(), prefix) {
                names.push(Candidate::new(format!("-{short}"), help));
            }
        }
        names
    }

    /// Subcommands, or the values of the next positional.
    fn words(&self) -> Wanted {
        let subcommands: Vec<Candidate> = self
            .command
            .get_subcommands()
            .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
            .map(|sub| Candidate::new(sub.get_name(), first_line(sub.get_about())))
            .collect();
        if !subcommands.is_empty() {
            // An unknown word where a subcommand belongs: nothing sensible follows it.
            return match self.positionals.is_empty() {
                true => Wanted::Choices(subcommands),
                false => Wanted::Nothing,
            };
        }
        let positionals: Vec<&Arg> = self.command.get_positionals().collect();
        let index = self.positionals.len();
        let next = positionals.get(index).or_else(|| {
            positionals
                .last()
                .filter(|arg| arg.get_num_args().is_some_and(|r| r.max_values() > 1))
        });
        match next {
            Some(arg) if is_daemonset_name(arg) => Wanted::Live(Source::DaemonSets),
            Some(arg) if arg.get_id() == "images" => Wanted::Live(Source::Containers),
            Some(arg) => flag_values(arg),
            None => Wanted::Nothing,
        }
    }
}

fn is_daemonset_name(arg: &Arg) -> bool {
    arg.is_positional()
        && arg
            .get_value_names()
            .is_some_and(|names| names.iter().any(|n| n == "NAME"))
}

fn find_id<'a>(command: &'a Command, id: &str) -> Option<&'a Arg> {
    command.get_arguments().find(|arg| arg.get_id() == id)
}

/// The values of one flag (or positional), by what the flag is.
fn flag_values(arg: &Arg) -> Wanted {
    let choices: Vec<Candidate> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| Candidate::new(value.get_name(), first_line(value.get_help())))
        .collect();
    if !choices.is_empty() {
        return Wanted::Choices(choices);
    }
    match arg.get_id().as_str() {
        "namespace" => return Wanted::Live(Source::Namespaces),
        "context" => return Wanted::Live(Source::Contexts),
        "cluster" => return Wanted::Live(Source::Clusters),
        "user" => return Wanted::Live(Source::Users),
        "revision" | "to_revision" | "diff" => return Wanted::Live(Source::Revisions),
        "canary_nodes" => return Wanted::Live(Source::Nodes),
        "explain" => return Wanted::Choices(rule_ids()),
        "node_order" => {
            return Wanted::Choices(vec![
                Candidate::new("name", "by node name"),
                Candidate::new(
                    "label:",
                    "grouped by a label's value, e.g. label:topology.kubernetes.io/zone",
                ),
                Candidate::new("list:", "these nodes first, e.g. list:node-a,node-b"),
            ])
        }
        _ => {}
    }
    match arg.get_value_hint() {
        ValueHint::DirPath => Wanted::Dirs,
        ValueHint::FilePath | ValueHint::AnyPath => {
            let manifests = matches!(arg.get_id().as_str(), "filenames" | "filename" | "paths");
            Wanted::Files(if manifests {
                MANIFEST_EXTENSIONS.to_vec()
            } else {
                Vec::new()
            })
        }
        _ => Wanted::Nothing,
    }
}

fn rule_ids() -> Vec<Candidate> {
    crate::lint::rules()
        .map(|rule| Candidate::new(rule.id, format!("{}: {}", rule.name, rule.summary)))
        .collect()
}

fn first_line(text: Option<&clap::builder::StyledStr>) -> String {
    text.map(|t| t.to_string())
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The answer: candidates and the directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub candidates: Vec<Candidate>,
    pub directive: u32,
}

impl Reply {
    /// The answer for `wanted`, given the live candidates when `wanted` is live (ignored
    /// otherwise): those starting with the typed prefix, `lead` in front.
    pub fn to(line: &Line, wanted: Wanted, live: Vec<Candidate>) -> Reply {
        let prefix = line.prefix();
        let lead = match &line.target {
            Target::FlagValue { lead, .. } => lead.as_str(),
            _ => "",
        };
        let (candidates, directive) = match wanted {
            Wanted::Choices(choices) => (choices, directive::NO_FILE_COMP),
            Wanted::Live(_) => (live, directive::NO_FILE_COMP),
            Wanted::Files(extensions) if extensions.is_empty() => {
                return Reply::bare(directive::DEFAULT)
            }
            Wanted::Files(extensions) => {
                let candidates = extensions.iter().map(|e| Candidate::new(*e, "")).collect();
                return Reply {
                    candidates,
                    directive: directive::FILTER_FILE_EXT,
                };
            }
            Wanted::Dirs => return Reply::bare(directive::FILTER_DIRS),
            Wanted::Nothing => return Reply::bare(directive::NO_FILE_COMP),
        };
        // A value already in the comma list is not offered again.
        let taken: Vec<&str> = lead.split(',').filter(|v| !v.is_empty()).collect();
        let candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| c.value.starts_with(prefix) && !taken.contains(&c.value.as_str()))
            .map(|c| Candidate::new(format!("{lead}{}", c.value), c.description))
            .collect();
        // `label:` and `CONTAINER=` go on with more typing: no space after them.
        let open = !candidates.is_empty()
            && candidates
                .iter()
                .all(|c| c.value.ends_with(':') || c.value.ends_with('='));
        let directive = if open {
            directive | directive::NO_SPACE
        } else {
            directive
        };
        Reply {
            candidates,
            directive,
        }
    }

    pub fn bare(directive: u32) -> Reply {
        Reply {
            candidates: Vec::new(),
            directive,
        }
    }

    /// Cobra's wire format.
    pub fn render(&self, descriptions: bool) -> String {
        let mut out = String::new();
        for candidate in &self.candidates {
            out.push_str(&candidate.value);
            let description = candidate.description.replace(['\t', '\n'], " ");
            if descriptions && !description.is_empty() {
                out.push('\t');
                out.push_str(&description);
            }
            out.push('\n');
        }
        out.push_str(&format!(":{}\n", self.directive));
        out
    }
}

#[cfg(test)]
mod tests;
