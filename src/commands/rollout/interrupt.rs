//! Ctrl-C during a rollout: on a terminal, ask whether to pause the rollout or keep going; without
//! one (CI, a pipe), pause cleanly. Either way nothing is left half-done: the caller records the
//! pause on the DaemonSet before it exits, and `kubectl ds rollout resume NAME` continues.

use std::io::IsTerminal;

/// What to do after Ctrl-C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Pause,
    KeepGoing,
}

/// Asks on the terminal (stdin and stderr both terminals), or answers Pause without one. A second
/// Ctrl-C or Esc at the prompt also pauses.
pub async fn decide(name: &str) -> Interrupt {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Interrupt::Pause;
    }
    let prompt = format!("Interrupted: pause the rollout of daemonset {name:?}, or keep going?");
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
