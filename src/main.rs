//! `kubectl-ds`: parse the command line, run the command, map the outcome to an exit code.

mod cli;
mod cluster;
mod commands;
mod daemonset;
mod error;
mod logging;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints help/version and exits 0, or prints a usage error and exits 2.
    let cli = cli::Cli::parse();
    logging::init(cli.global.verbose);
    match commands::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => {
            let (message, status) = error::report(&error);
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            ExitCode::from(status.code())
        }
    }
}
