//! Embeds the built-in rules: every `rules/<id>/rule.yaml` becomes an entry of
//! `BUILTIN_RULES`, so that a new directory is a new rule and `cargo install` needs no files.
//! Also embeds the starter repository of `aims-lint init` and the JSON Schemas.

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
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("builtin_rules.rs"), out)
        .expect("write builtin_rules.rs");
    let mut embedded = String::new();
    embed_tree(
        &mut embedded,
        root,
        "src/starter",
        "STARTER",
        "every file `aims-lint init` writes",
    );
    embed_tree(
        &mut embedded,
        root,
        "schemas",
        "SCHEMAS",
        "every JSON Schema in `schemas/`",
    );
    std::fs::write(Path::new(&out_dir).join("embedded.rs"), embedded).expect("write embedded.rs");
}

/// Append `pub const NAME: &[(&str, &str)]`: `(path relative to dir, text)` of every file under
/// `dir`, sorted.
fn embed_tree(out: &mut String, root: &Path, dir: &str, name: &str, what: &str) {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("readable directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let base = root.join(dir);
    println!("cargo::rerun-if-changed={dir}");
    let mut files = Vec::new();
    walk(&base, &mut files);
    files.sort();
    writeln!(
        out,
        "/// `(path, text)` of {what}.\npub const {name}: &[(&str, &str)] = &["
    )
    .expect("write");
    for file in files {
        println!("cargo::rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&base).expect("inside the directory");
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            rel.to_string_lossy().replace('\\', "/"),
            file.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
}
