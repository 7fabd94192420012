//! Bundles the Terraform module (and the CLI configuration for the provider mirror) into the
//! binary, so `mbdeploy init` works offline and always writes the module it was built with.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../terraform");
    let module = root.join("modules/metabase");
    println!("cargo:rerun-if-changed={}", module.display());
    println!("cargo:rerun-if-changed={}", root.join("cli.tfrc").display());
    let mut files: Vec<_> =
        std::fs::read_dir(&module).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().map(|e| e == "tf" || e == "md").unwrap_or(false));
    files.sort();
    // An empty bundle would make `init` write a root module without its module: refuse to build.
    assert!(!files.is_empty(), "no .tf files in {}: the module must be bundled into the binary", module.display());
    let mut out = String::from("/// The files of terraform/modules/metabase: (name, contents).\npub static MODULE_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let path = f.canonicalize().unwrap();
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let tfrc = root.join("cli.tfrc").canonicalize().map(|p| p.display().to_string()).unwrap_or_default();
    if tfrc.is_empty() {
        out.push_str(
            "/// The project's Terraform CLI configuration (provider mirror).\npub static CLI_TFRC: &str = \"\";\n",
        );
    } else {
        writeln!(out, "/// The project's Terraform CLI configuration (provider mirror).\npub static CLI_TFRC: &str = include_str!({tfrc:?});").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundled.rs");
    std::fs::write(dest, out).unwrap();
}
