//! The `mbdeploy` binary: wires the crates together. Logic lives in the library crates; this
//! file only parses flags, dispatches and turns outcomes into exit codes.

mod audit;
mod cli;
mod config;
mod discover;
mod emulator;
mod init;
mod ops_cmd;
mod rules_cmd;
mod terraform;
mod up;
mod verify;
mod verify_hook;

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
    /// `up`/`down`: a step failed (it is named; what came before is kept).
    StepFailed = 3,
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
        cli::Command::Init(args) => report_error(init::run(&args)),
        cli::Command::Up(args) => report_error(up::up(&args)),
        cli::Command::Down(args) => report_error(up::down(&args)),
        cli::Command::Verify(args) => verify::run(&args).unwrap_or_else(|message| {
            eprintln!("error: {message}");
            ExitCode::InputError
        }),
        cli::Command::IamPolicy => verify::iam_policy(),
        cli::Command::Status(args) => report_error(ops_cmd::status(&args)),
        cli::Command::Doctor(args) => report_error(ops_cmd::doctor(&args)),
        cli::Command::Logs(args) => report_error(ops_cmd::logs(&args)),
        cli::Command::Rotate(args) => report_error(ops_cmd::rotate(&args)),
    };
    std::process::exit(code as i32);
}

fn report_error(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::InputError
    })
}
