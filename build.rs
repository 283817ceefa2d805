//! Embeds the built-in rules: every `rules/<id>/rule.yaml` becomes an entry of
//! `BUILTIN_RULES`, so that a new directory is a new rule and `cargo install` needs no files.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = root.join("rules");
    println!("cargo::rerun-if-changed=rules");
    let mut dirs: Vec<_> = std::fs::read_dir(&rules)
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("rule.yaml").is_file())
        .collect();
    dirs.sort();
    let mut out = String::from(
        "/// `(path, text)` of every built-in rule file.\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n",
    );
    for dir in dirs {
        let file = dir.join("rule.yaml");
        println!("cargo::rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(root).expect("inside the crate");
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            rel.to_string_lossy().replace('\\', "/"),
            file.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(dest, out).expect("write builtin_rules.rs");
}
