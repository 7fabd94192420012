//! A module's declarations, gathered from all its files.

use crate::parse::{dedupe_key, parse};
use crate::source::{read_text, SourceFile};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::Span;
use indexmap::IndexMap;
use mbdeploy_model::deployment::{LoadError, LoadIssue, Suppression};
use mbdeploy_model::tf::Mode;
use mbdeploy_model::Location;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A block and the file it is in.
pub struct Decl {
    pub block: Block,
    pub file: usize,
}

pub struct ResourceDecl {
    pub mode: Mode,
    pub resource_type: String,
    pub name: String,
    pub decl: Decl,
}

impl ResourceDecl {
    /// `aws_lb.this` or `data.aws_iam_policy_document.x`, without module path.
    pub fn local_address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.resource_type, self.name),
            Mode::Data => format!("data.{}.{}", self.resource_type, self.name),
        }
    }
}

pub struct LocalDecl {
    pub expr: Expression,
    pub file: usize,
}

/// Everything declared in one module directory.
pub struct ModuleConfig {
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
    pub variables: IndexMap<String, Decl>,
    pub locals: IndexMap<String, LocalDecl>,
    pub resources: IndexMap<String, ResourceDecl>,
    pub module_calls: IndexMap<String, Decl>,
    pub outputs: IndexMap<String, Decl>,
    pub terraform_blocks: Vec<Decl>,
    pub issues: Vec<LoadIssue>,
    pub errors: Vec<LoadError>,
    pub suppressions: Vec<Suppression>,
}

pub fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

/// The Terraform files of a directory, sorted (Terraform reads them in lexical order).
pub fn terraform_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (name.ends_with(".tf") || name.ends_with(".tf.json")) && !name.starts_with('.')
        })
        .collect();
    files.sort();
    Ok(files)
}

impl ModuleConfig {
    /// Reads every `.tf` and `.tf.json` file in `dir`. Files that cannot be read or parsed become
    /// errors; the rest of the module is still read.
    pub fn load(dir: &Path, shown_prefix: &str) -> std::io::Result<ModuleConfig> {
        let mut texts = Vec::new();
        for path in terraform_files(dir)? {
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
            texts.push((path, format!("{shown_prefix}{file_name}")));
        }
        let mut cfg = ModuleConfig::empty(dir);
        for (path, shown) in texts {
            let shown: Arc<str> = Arc::from(shown.as_str());
            match read_text(&path, &shown) {
                Ok(text) => cfg.add_text(shown, text),
                Err(e) => cfg.errors.push(e),
            }
        }
        Ok(cfg)
    }

    pub fn empty(dir: &Path) -> ModuleConfig {
        ModuleConfig {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            variables: IndexMap::new(),
            locals: IndexMap::new(),
            resources: IndexMap::new(),
            module_calls: IndexMap::new(),
            outputs: IndexMap::new(),
            terraform_blocks: Vec::new(),
            issues: Vec::new(),
            errors: Vec::new(),
            suppressions: Vec::new(),
        }
    }

    /// Adds one file's text (`.tf` or `.tf.json` by its name).
    pub fn add_text(&mut self, shown: Arc<str>, text: String) {
        let body = if shown.ends_with(".json") {
            match crate::json::to_hcl(&text) {
                Ok(hcl) => {
                    let file = SourceFile::new(shown.clone(), hcl);
                    parse(file)
                }
                Err(message) => Err(LoadError {
                    loc: Location::file_only(shown.clone()),
                    message,
                    help: "fix the JSON syntax of this .tf.json file".into(),
                }),
            }
        } else {
            parse(SourceFile::new(shown.clone(), text))
        };
        match body {
            Ok(parsed) => {
                self.issues.extend(parsed.issues);
                self.suppressions.extend(crate::suppress::scan(&parsed.file, &parsed.body));
                let index = self.files.len();
                self.files.push(parsed.file);
                self.add_body(parsed.body, index);
            }
            Err(e) => self.errors.push(e),
        }
    }

    fn add_body(&mut self, body: Body, file: usize) {
        for block in body.into_blocks() {
            let labels: Vec<String> = block.labels.iter().map(|l| label(l).to_string()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    self.variables.insert(name.clone(), Decl { block, file });
                }
                ("locals", []) => {
                    for attr in block.body.into_attributes() {
                        let key = dedupe_key(attr.key.as_str()).to_string();
                        self.locals.insert(key, LocalDecl { expr: attr.value, file });
                    }
                }
                ("resource", [t, n]) | ("data", [t, n]) => {
                    let mode = if block.ident.as_str() == "data" { Mode::Data } else { Mode::Managed };
                    let decl =
                        ResourceDecl { mode, resource_type: t.clone(), name: n.clone(), decl: Decl { block, file } };
                    self.resources.insert(decl.local_address(), decl);
                }
                ("module", [name]) => {
                    self.module_calls.insert(name.clone(), Decl { block, file });
                }
                ("output", [name]) => {
                    self.outputs.insert(name.clone(), Decl { block, file });
                }
                ("terraform", []) => self.terraform_blocks.push(Decl { block, file }),
                _ => {}
            }
        }
    }

    pub fn block_loc(&self, decl: &Decl) -> Location {
        self.files[decl.file].loc(decl.block.span().map(|s| s.start).unwrap_or(0))
    }

    pub fn block_end_line(&self, decl: &Decl) -> u32 {
        let f = &self.files[decl.file];
        f.line_of(decl.block.span().map(|s| s.end.saturating_sub(1)).unwrap_or(0))
    }
}

/// An attribute of a body by its real name (the last definition wins, as in Terraform).
pub fn attribute<'a>(body: &'a Body, key: &str) -> Option<&'a hcl_edit::structure::Attribute> {
    body.attributes().filter(|a| dedupe_key(a.key.as_str()) == key).last()
}
