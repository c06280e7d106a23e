//! One check command: `sh -c COMMAND` in a process group of its own, the last lines of its output
//! (stdout and stderr as they arrive) kept, and the whole group killed at the timeout, so that
//! what the shell started dies with it.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// Lines of output a check reports, the last ones.
const KEEP_LINES: usize = 10;
/// Characters kept of each line.
const LINE_CHARS: usize = 200;
/// Bytes buffered of a line: enough for `LINE_CHARS` characters of any UTF-8, so a check that
/// writes megabytes without a newline costs no memory.
const LINE_BYTES: usize = LINE_CHARS * 4;
/// How long the output is still read once the check ended and its group was killed: only a
/// process that left the group (`setsid`) can still hold the pipes open, and it is not waited for.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exit(i32),
    Signal(i32),
    TimedOut(Duration),
    /// It could not be started or waited for.
    Failed(String),
}

impl Ending {
    pub fn passed(&self) -> bool {
        *self == Ending::Exit(0)
    }

    /// `exit 3`, `killed by signal 9`, `timed out after 5s`: the detail of the check's event.
    pub fn detail(&self) -> String {
        match self {
            Ending::Exit(code) => format!("exit {code}"),
            Ending::Signal(signal) => format!("killed by signal {signal}"),
            Ending::TimedOut(after) => {
                format!("timed out after {}", crate::clock::format_duration(*after))
            }
            Ending::Failed(why) => why.clone(),
        }
    }
}

/// What a check did: how it ended and its last lines of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ending: Ending,
    pub output: Vec<String>,
}

/// Runs `sh -c command` with `env` added to the inherited environment and stdin closed; kills
/// its process group after `timeout` (and, once it ended, whatever it left running).
pub async fn run(command: &str, timeout: Duration, env: &[(String, String)]) -> Outcome {
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A dropped gate (Ctrl-C) must not leave the shell running; `Group` kills the rest.
        .kill_on_drop(true);
    #[cfg(unix)]
    shell.process_group(0);
    let mut child = match shell.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Outcome {
                ending: Ending::Failed(format!("could not start sh: {e}")),
                output: Vec::new(),
            }
        }
    };
    let group = Group(child.id());
    let tail = Arc::new(Mutex::new(Tail::default()));
    let readers = [
        child.stdout.take().map(|out| read_into(out, tail.clone())),
        child.stderr.take().map(|err| read_into(err, tail.clone())),
    ];
    let ending = wait(&mut child, timeout, &group).await;
    drop(group);
    for reader in readers.into_iter().flatten() {
        drain(reader).await;
    }
    let output = tail
        .lock()
        .map_or_else(|e| e.into_inner().lines(), |t| t.lines());
    Outcome { ending, output }
}

/// Waits for the shell until `timeout`; at the timeout kills the group and reaps the shell.
async fn wait(child: &mut Child, timeout: Duration, group: &Group) -> Ending {
    match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => ending_of(status),
        Ok(Err(e)) => Ending::Failed(format!("could not wait for the check: {e}")),
        Err(_) => {
            group.kill();
            let _ = child.start_kill();
            let _ = child.wait().await;
            Ending::TimedOut(timeout)
        }
    }
}

fn ending_of(status: std::process::ExitStatus) -> Ending {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Ending::Signal(signal);
        }
    }
    match status.code() {
        Some(code) => Ending::Exit(code),
        None => Ending::Failed(format!("ended without an exit code ({status})")),
    }
}

/// Waits for a reader to see the end of its pipe, for at most `DRAIN_GRACE`.
async fn drain(reader: JoinHandle<()>) {
    let abort = reader.abort_handle();
    if tokio::time::timeout(DRAIN_GRACE, reader).await.is_err() {
        abort.abort();
    }
}

/// The check's process group (the shell is its leader), killed when dropped: at the timeout,
/// when the check is done (what it left in the background would hold the output pipes open and
/// outlive the gate), and when the gate itself is dropped.
struct Group(Option<u32>);

impl Group {
    fn kill(&self) {
        #[cfg(unix)]
        if let Some(pid) = self
            .0
            .and_then(|id| i32::try_from(id).ok())
            .and_then(rustix::process::Pid::from_raw)
        {
            // Fails only when the group is gone already, which is the point.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads one pipe into the shared tail until it ends.
fn read_into(
    mut pipe: impl AsyncRead + Unpin + Send + 'static,
    tail: Arc<Mutex<Tail>>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut partial = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            let read = pipe.read(&mut buffer).await.unwrap_or(0);
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            if read == 0 {
                tail.finish(&mut partial);
                return;
            }
            tail.push(&mut partial, &buffer[..read]);
        }
    })
}

/// The last complete lines of both streams in the order they arrived; each stream keeps its own
/// unfinished line.
#[derive(Debug, Default)]
pub struct Tail {
    lines: VecDeque<String>,
}

impl Tail {
    pub fn push(&mut self, partial: &mut Vec<u8>, bytes: &[u8]) {
        for &byte in bytes {
            match byte {
                b'\n' => self.finish(partial),
                _ if partial.len() < LINE_BYTES => partial.push(byte),
                _ => {}
            }
        }
    }

    /// Ends the stream's current line (at a newline, or at the end of the stream if it has one).
    pub fn finish(&mut self, partial: &mut Vec<u8>) {
        if partial.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(partial);
        let line: String = text.trim_end().chars().take(LINE_CHARS).collect();
        partial.clear();
        self.lines.push_back(line);
        if self.lines.len() > KEEP_LINES {
            self.lines.pop_front();
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }
}

/// Words that start compound commands or mark shell syntax: what follows them is not a command
/// name the preflight can look up.
const SHELL_KEYWORDS: [&str; 20] = [
    "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if",
    "in", "select", "then", "time", "until", "while", "[[",
];

/// What the preflight looks up for a check: the command's first word after `VAR=value`
/// assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandWord {
    /// A name looked up on PATH (or a builtin).
    Name(String),
    /// A path, which must be an executable file.
    Path(String),
    /// Nothing to look up: only assignments, a keyword, or quoting, expansions and other shell
    /// syntax the preflight does not interpret.
    Unknown,
}

/// The first word of `command` after its leading `VAR=value` assignments, read by whitespace.
pub fn command_word(command: &str) -> CommandWord {
    let Some(word) = command.split_whitespace().find(|w| !is_assignment(w)) else {
        return CommandWord::Unknown;
    };
    let syntax = |c: char| "$`'\"\\()<>;&|*?[]~#{}=".contains(c);
    if SHELL_KEYWORDS.contains(&word) || word.contains(syntax) {
        return CommandWord::Unknown;
    }
    match word.contains('/') {
        true => CommandWord::Path(word.to_string()),
        false => CommandWord::Name(word.to_string()),
    }
}

/// `NAME=value`, NAME a shell variable name.
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether the shell finds `name` (on PATH, or as a builtin or function).
pub async fn on_path(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", "command -v -- \"$1\"", "sh", name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success())
}

/// Whether `path` is a file that can be executed.
pub fn executable(path: &str) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    metadata.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_read_as_the_event_detail() {
        let cases = [
            (Ending::Exit(0), "exit 0", true),
            (Ending::Exit(3), "exit 3", false),
            (Ending::Signal(9), "killed by signal 9", false),
            (
                Ending::TimedOut(Duration::from_secs(5)),
                "timed out after 5s",
                false,
            ),
            (
                Ending::TimedOut(Duration::from_millis(300)),
                "timed out after 300ms",
                false,
            ),
            (
                Ending::TimedOut(Duration::from_secs(90)),
                "timed out after 1m30s",
                false,
            ),
            (
                Ending::TimedOut(Duration::from_secs(3600)),
                "timed out after 1h",
                false,
            ),
            (
                Ending::Failed("could not start sh: x".into()),
                "could not start sh: x",
                false,
            ),
        ];
        for (ending, detail, passed) in cases {
            assert_eq!(
                (ending.detail().as_str(), ending.passed()),
                (detail, passed)
            );
        }
    }

    #[test]
    fn the_tail_keeps_the_last_lines_of_both_streams_as_they_arrive() {
        let mut tail = Tail::default();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        tail.push(&mut out, b"starting\nhalf of ");
        tail.push(&mut err, b"warning: x\r\n");
        tail.push(&mut out, b"a line\n\xffbad utf-8\n");
        tail.push(&mut err, b"no newline at the end");
        tail.finish(&mut out);
        tail.finish(&mut err);
        assert_eq!(
            tail.lines(),
            [
                "starting",
                "warning: x",
                "half of a line",
                "\u{fffd}bad utf-8",
                "no newline at the end"
            ]
        );

        let mut tail = Tail::default();
        let mut partial = Vec::new();
        let many: String = (1..=15).map(|n| format!("line {n}\n")).collect();
        tail.push(&mut partial, many.as_bytes());
        tail.push(&mut partial, "é".repeat(5000).as_bytes());
        tail.finish(&mut partial);
        let lines = tail.lines();
        assert_eq!(lines.len(), KEEP_LINES);
        assert_eq!(lines[0], "line 7");
        assert_eq!(lines[9], "é".repeat(LINE_CHARS));
    }

    #[test]
    fn the_command_word_follows_the_assignments() {
        let name = |w: &str| CommandWord::Name(w.into());
        let path = |w: &str| CommandWord::Path(w.into());
        let cases = [
            ("curl -sf http://localhost:9102/healthz", name("curl")),
            ("  LANG=C  FOO_1=x kubectl get pods", name("kubectl")),
            ("./probe-network.sh --wave 2", path("./probe-network.sh")),
            ("/usr/local/bin/check", path("/usr/local/bin/check")),
            ("A=1 B=2", CommandWord::Unknown),
            ("if true; then exit 0; fi", CommandWord::Unknown),
            ("! grep -q error log", CommandWord::Unknown),
            ("[[ -f x ]]", CommandWord::Unknown),
            ("(cd /tmp && ./x)", CommandWord::Unknown),
            ("$HOME/bin/probe", CommandWord::Unknown),
            ("'my probe' x", CommandWord::Unknown),
            ("~/probe.sh", CommandWord::Unknown),
            ("1X=2 true", CommandWord::Unknown),
            ("test -n \"$KDS_PODS\"", name("test")),
        ];
        for (command, want) in cases {
            assert_eq!(command_word(command), want, "{command}");
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn commands_are_found_on_path_or_as_builtins() {
        assert!(on_path("sh").await);
        assert!(on_path("cd").await);
        assert!(!on_path("kds-no-such-command").await);
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe.sh");
        std::fs::write(&probe, "exit 0\n").unwrap();
        std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o644)).unwrap();
        let probe_path = probe.to_str().unwrap();
        assert!(!executable(probe_path));
        std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(executable(probe_path));
        assert!(!executable(dir.path().to_str().unwrap()));
        assert!(!executable("/nonexistent/x"));
    }

    #[tokio::test]
    async fn a_check_killed_by_a_signal_says_so_with_its_stderr() {
        let outcome = run("echo dying >&2; kill -9 $$", Duration::from_secs(10), &[]).await;
        assert_eq!(outcome.ending, Ending::Signal(9));
        assert_eq!(outcome.output, ["dying"]);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn what_a_check_leaves_in_the_background_dies_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pid");
        let command = format!("echo $$ > {}; sleep 30 & echo started", file.display());
        let outcome = run(&command, Duration::from_secs(10), &[]).await;
        assert_eq!(outcome.ending, Ending::Exit(0));
        assert_eq!(outcome.output, ["started"]);
        let group: i32 = std::fs::read_to_string(&file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(
            super::super::testing::members_left(group).await,
            Vec::<i32>::new()
        );
    }
}
