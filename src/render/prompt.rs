//! Questions asked on the terminal.

use std::io::IsTerminal;

use crate::error::Failure;

/// Asks on the terminal (stdin and stderr both terminals) unless `yes`; without a terminal and
/// without `--yes`, refuses with one line (exit 2) before anything is changed.
pub fn confirm(question: &str, yes: bool, what: &str) -> Result<bool, Failure> {
    if yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Failure::usage(format!(
            "refusing to {what} without confirmation: stdin is not a terminal to ask on; pass --yes to {what} without asking"
        )));
    }
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact_on(&dialoguer::console::Term::stderr())
        .map_err(|dialoguer::Error::IO(e)| match e.kind() {
            // Ctrl-C at the prompt.
            std::io::ErrorKind::Interrupted => Failure::interrupted(),
            _ => Failure::usage(format!("could not read the answer: {e}; pass --yes")),
        })
}
