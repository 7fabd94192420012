//! Running Terraform: it is the engine, never reimplemented. Output is streamed to the user.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A Terraform working directory and how to call Terraform in it.
pub struct Terraform {
    bin: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Terraform {
    /// `MBDEPLOY_TERRAFORM` names the binary (tests use it to inject failures); default `terraform`.
    pub fn new(dir: &Path) -> Result<Terraform, String> {
        let bin =
            std::env::var_os("MBDEPLOY_TERRAFORM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("terraform"));
        let mut env = vec![("TF_IN_AUTOMATION".to_string(), "1".to_string())];
        // Use the project's provider mirror when this machine has it and the user chose no
        // configuration (or named one that does not exist).
        let user_config = std::env::var_os("TF_CLI_CONFIG_FILE").map(PathBuf::from).filter(|p| p.is_file());
        if user_config.is_none() && Path::new("/opt/tf-plugins").is_dir() && !crate::init::CLI_TFRC.is_empty() {
            let state = dir.join(".mbdeploy");
            std::fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
            let tfrc = state.join("terraform.tfrc");
            std::fs::write(&tfrc, crate::init::CLI_TFRC).map_err(|e| format!("{}: {e}", tfrc.display()))?;
            env.push(("TF_CLI_CONFIG_FILE".into(), tfrc.display().to_string()));
        }
        Ok(Terraform { bin, dir: dir.to_path_buf(), env })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args).current_dir(&self.dir).envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// Runs Terraform with its output streamed to our stderr (stdout stays clean for reports).
    pub fn run(&self, args: &[&str]) -> Result<(), String> {
        let status = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::io::stderr().as_fd_owned()?))
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| {
                format!(
                    "cannot run `{}`: {e} (is Terraform installed? set MBDEPLOY_TERRAFORM to its path)",
                    self.bin.display()
                )
            })?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "`terraform {}` exited with {}",
                args.join(" "),
                status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into())
            ))
        }
    }

    /// Runs Terraform and captures its standard output (e.g. `show -json`).
    pub fn output(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command(args)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", self.bin.display()))?;
        if !out.status.success() {
            return Err(format!("`terraform {}` failed", args.join(" ")));
        }
        String::from_utf8(out.stdout).map_err(|_| format!("`terraform {}` printed invalid UTF-8", args.join(" ")))
    }
}

/// Duplicates stderr so a child's stdout can be sent there.
trait AsFdOwned {
    fn as_fd_owned(&self) -> Result<std::os::fd::OwnedFd, String>;
}

impl AsFdOwned for std::io::Stderr {
    fn as_fd_owned(&self) -> Result<std::os::fd::OwnedFd, String> {
        use std::os::fd::AsFd;
        self.as_fd().try_clone_to_owned().map_err(|e| e.to_string())
    }
}

/// Counts of a plan's actions, from `terraform show -json`.
#[derive(Debug, Default, PartialEq)]
pub struct PlanSummary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub replace: usize,
}

pub fn summarize(plan_json: &str) -> Result<PlanSummary, String> {
    let v: serde_json::Value = serde_json::from_str(plan_json).map_err(|e| format!("plan JSON: {e}"))?;
    let mut s = PlanSummary::default();
    for rc in v.get("resource_changes").and_then(|r| r.as_array()).into_iter().flatten() {
        let actions: Vec<&str> = rc
            .pointer("/change/actions")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str())
            .collect();
        match actions.as_slice() {
            ["create"] => s.add += 1,
            ["update"] => s.change += 1,
            ["delete"] => s.destroy += 1,
            ["delete", "create"] | ["create", "delete"] => s.replace += 1,
            _ => {}
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_actions_are_counted() {
        let plan = r#"{"resource_changes": [
            {"change": {"actions": ["create"]}}, {"change": {"actions": ["create"]}},
            {"change": {"actions": ["update"]}}, {"change": {"actions": ["delete", "create"]}},
            {"change": {"actions": ["no-op"]}}]}"#;
        let s = super::summarize(plan).unwrap();
        assert_eq!((s.add, s.change, s.destroy, s.replace), (2, 1, 0, 1));
    }
}
