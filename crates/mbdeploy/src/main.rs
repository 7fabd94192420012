//! The `mbdeploy` binary: wires the crates together. Logic lives in the library crates; this
//! file only parses flags, dispatches and turns outcomes into exit codes.

mod audit;
mod cli;
mod config;
mod discover;
mod rules_cmd;
mod verify;

use clap::Parser;

/// Documented exit codes (README, "Exit codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Nothing at or above the severity threshold.
    Clean = 0,
    /// Findings at or above the threshold.
    Findings = 1,
    /// Usage error, unreadable or invalid input.
    InputError = 2,
}

fn main() {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Audit(args) => audit::run(&args).unwrap_or_else(|message| {
            eprintln!("error: {message}");
            ExitCode::InputError
        }),
        cli::Command::Rules { format } => rules_cmd::list(&format),
        cli::Command::Explain { rule } => rules_cmd::explain(&rule),
        cli::Command::Verify(args) => verify::run(&args).unwrap_or_else(|message| {
            eprintln!("error: {message}");
            ExitCode::InputError
        }),
        cli::Command::IamPolicy => verify::iam_policy(),
    };
    std::process::exit(code as i32);
}
