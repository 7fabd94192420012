//! `mbdeploy rules` and `mbdeploy explain`.

use crate::ExitCode;
use mbdeploy_rules::{engine, rules, Applies, Rule};

pub fn list(format: &str) -> ExitCode {
    let all = rules::all();
    match format {
        "json" => {
            let items: Vec<serde_json::Value> = all.iter().map(|r| rule_json(r)).collect();
            println!("{}", serde_json::to_string_pretty(&items).unwrap_or_default());
        }
        "markdown" => {
            println!("| ID | Name | Severity | Document section | Title |");
            println!("|---|---|---|---|---|");
            for r in all {
                let m = &r.meta;
                println!(
                    "| {} | `{}` | {} | {} | {} |",
                    m.id,
                    m.name,
                    m.severity,
                    m.section,
                    m.title.replace('|', "\\|")
                );
            }
        }
        _ => {
            println!("{:<12} {:<9} {:<34} TITLE", "ID", "SEVERITY", "NAME");
            for r in all {
                let m = &r.meta;
                println!("{:<12} {:<9} {:<34} {}", m.id, m.severity, m.name, m.title);
            }
            println!("\n{} rules. `mbdeploy explain ID` for details.", all.len());
        }
    }
    ExitCode::Clean
}

fn rule_json(r: &Rule) -> serde_json::Value {
    let m = &r.meta;
    serde_json::json!({
        "id": m.id, "name": m.name, "title": m.title, "severity": m.severity, "section": m.section,
        "rationale": m.rationale, "remediation": m.remediation,
        "applies_to": match m.applies { Applies::Everywhere => "terraform, plan, live", Applies::TerraformOnly => "terraform, plan" },
    })
}

pub fn explain(id: &str) -> ExitCode {
    let Some(rule) = engine::find_rule(id) else {
        let needle = id.to_ascii_lowercase();
        let close: Vec<&str> = rules::all()
            .iter()
            .filter(|r| {
                r.meta.id.to_ascii_lowercase().contains(&needle)
                    || r.meta.name.contains(&needle)
                    || needle.contains(&r.meta.id.to_ascii_lowercase())
            })
            .map(|r| r.meta.id)
            .collect();
        eprintln!("error: no rule `{id}`");
        if !close.is_empty() {
            eprintln!("  did you mean: {}", close.join(", "));
        }
        eprintln!("  help: `mbdeploy rules` lists every rule");
        return ExitCode::InputError;
    };
    let m = &rule.meta;
    println!("{} {} ({})", m.id, m.title, m.name);
    println!("severity: {}", m.severity);
    println!("document: {}", m.section);
    println!(
        "applies to: {}",
        match m.applies {
            Applies::Everywhere => "Terraform source, plans and live accounts",
            Applies::TerraformOnly => "Terraform source and plans",
        }
    );
    println!("\nWhy:\n  {}", wrap(m.rationale));
    println!("\nFix:\n  {}", wrap(m.remediation));
    if !m.bad_example.trim().is_empty() {
        println!("\nFlagged:\n{}", indent(m.bad_example.trim_matches('\n')));
        println!("\nPasses:\n{}", indent(m.good_example.trim_matches('\n')));
    }
    println!("\nSuppress one finding with a comment on or above the block:\n  # mbdeploy:ignore {} <reason>", m.id);
    ExitCode::Clean
}

fn wrap(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut lines = vec![String::new()];
    for w in words {
        if lines.last().unwrap().len() + w.len() > 96 {
            lines.push(String::new());
        }
        let last = lines.last_mut().unwrap();
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(w);
    }
    lines.join("\n  ")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}
