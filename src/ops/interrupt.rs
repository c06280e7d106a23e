//! Ctrl-C during a rollout: on a terminal, ask whether to pause the rollout or keep going; without
//! one (CI, a pipe), pause cleanly. Either way nothing is left half-done: the caller records the
//! pause on the DaemonSet before it exits, and `kubectl ds rollout resume NAME` continues.

use std::io::IsTerminal;

use crate::render::progress::Progress;

/// What to do after Ctrl-C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Pause,
    KeepGoing,
}

/// What to do after `signal`: SIGINT asks (on a terminal), SIGTERM pauses. Awaited on its own, not
/// raced against the rollout, so nothing happens while the question is open.
pub async fn answer(
    signal: Signal,
    namespace: &str,
    name: &str,
    progress: &mut Progress,
) -> Interrupt {
    match signal {
        Signal::Interrupt => {
            progress.clear();
            progress.after_prompt(decide(namespace, name).await)
        }
        Signal::Terminate => Interrupt::Pause,
    }
}

/// Asks on the terminal (stdin and stderr both terminals), or answers Pause without one. A second
/// Ctrl-C or Esc at the prompt also pauses.
async fn decide(namespace: &str, name: &str) -> Interrupt {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Interrupt::Pause;
    }
    let prompt =
        format!("Interrupted: pause the rollout of daemonset {namespace}/{name}, or keep going?");
    let choice = tokio::task::spawn_blocking(move || {
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items([
                "pause (kubectl ds rollout resume continues it later)",
                "keep going",
            ])
            .default(0)
            .interact_opt()
    })
    .await;
    match choice {
        Ok(Ok(Some(1))) => Interrupt::KeepGoing,
        _ => Interrupt::Pause,
    }
}

pub enum Signal {
    /// Ctrl-C.
    Interrupt,
    /// SIGTERM (a CI job cancelled, a pod stopping): pause without asking. Windows has none.
    #[cfg_attr(not(unix), allow(dead_code))]
    Terminate,
}

/// SIGINT and SIGTERM, buffered so one that arrives while a step runs is not lost.
pub struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}

impl Signals {
    pub fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// The next SIGINT or SIGTERM.
    pub async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = recv(&mut self.interrupt) => Signal::Interrupt,
                _ = recv(&mut self.terminate) => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }
}
