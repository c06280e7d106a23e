//! `kubectl-ds`: parse the command line, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

use kubectl_ds::error::{self, ExitStatus};
use kubectl_ds::{cli, commands, complete, logging};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Started as kubectl_complete-ds (or with `__complete`): answer kubectl's completion request.
    if let Some(request) = complete::invocation(&args) {
        print!("{}", commands::complete(&request));
        return ExitCode::SUCCESS;
    }
    install_panic_hook();
    let cli = match cli::Cli::try_parse_from(cli::normalize_args(args)) {
        Ok(cli) => cli,
        Err(usage) => return usage_exit(usage),
    };
    logging::init(cli.global.verbosity());
    match commands::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => {
            let (message, status) = error::report(&error);
            if !message.is_empty() {
                eprintln!("error: {}", logging::redact(&message));
            }
            ExitCode::from(status.code())
        }
    }
}

/// Help and version print as clap renders them; a usage error becomes one line, exit 2.
fn usage_exit(usage: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match usage.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = usage.print();
            let code = if usage.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitStatus::Usage
            } else {
                ExitStatus::Ok
            };
            ExitCode::from(code.code())
        }
        _ => {
            let rendered = usage.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("error: {first}; see 'kubectl ds --help'");
            ExitCode::from(ExitStatus::Usage.code())
        }
    }
}

/// A bug must still end in one line and the documented code, not a backtrace and 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        if error::stdout_closed(&what) {
            // `kubectl ds ... | head`: the reader had enough, as with a broken pipe returned.
            std::process::exit(0);
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error{place}: {}; please report this bug",
            logging::redact(&error::one_line(&what))
        );
        std::process::exit(ExitStatus::Internal.code().into());
    }));
}
