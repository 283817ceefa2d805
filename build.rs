//! Embeds the built-in rules: every `rules/<id>/rule.yaml` becomes an entry of
//! `BUILTIN_RULES`, so that a new directory is a new rule and `cargo install` needs no files.
//! Also embeds the starter repository of `aims-lint init` and the JSON Schemas.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not when it is compiled: cargo reuses a compiled build script
    // for a copy of the package elsewhere (its hash does not include the path), and the
    // compile-time value would point at the old place.
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = root.as_path();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));

    println!("cargo::rerun-if-changed=rules");
    let mut rules: Vec<PathBuf> = std::fs::read_dir(root.join("rules"))
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path().join("rule.yaml"))
        .filter(|p| p.is_file())
        .collect();
    rules.sort();
    let mut out = String::new();
    embed(
        &mut out,
        "BUILTIN_RULES",
        "every built-in rule file",
        root,
        &rules,
    );
    std::fs::write(out_dir.join("builtin_rules.rs"), out).expect("write builtin_rules.rs");

    let mut out = String::new();
    for (dir, name, what) in [
        (
            "src/starter",
            "STARTER",
            "every file `aims-lint init` writes",
        ),
        ("schemas", "SCHEMAS", "every JSON Schema in `schemas/`"),
    ] {
        println!("cargo::rerun-if-changed={dir}");
        let base = root.join(dir);
        let mut files = Vec::new();
        walk(&base, &mut files);
        files.sort();
        embed(&mut out, name, what, &base, &files);
    }
    std::fs::write(out_dir.join("embedded.rs"), out).expect("write embedded.rs");

    // A digest of the sources, rules and schemas this build is made of: the corpus cache of
    // `check --cache` is not reused by another build (its entries could be made otherwise).
    println!("cargo::rerun-if-changed=src");
    let mut files = Vec::new();
    for dir in ["src", "rules", "schemas"] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let rel = file.strip_prefix(root).expect("inside the package");
        let text = std::fs::read(file).expect("readable source");
        for byte in rel
            .to_string_lossy()
            .bytes()
            .chain([0])
            .chain(text)
            .chain([0])
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo::rustc-env=AIMS_LINT_SOURCE_DIGEST={hash:016x}");
}

/// Every file below `dir`.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
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

/// Append `pub const NAME: &[(&str, &str)]`: `(path relative to base, text)` of each file.
fn embed(out: &mut String, name: &str, what: &str, base: &Path, files: &[PathBuf]) {
    writeln!(
        out,
        "/// `(path, text)` of {what}.\npub const {name}: &[(&str, &str)] = &["
    )
    .expect("write to string");
    for file in files {
        println!("cargo::rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(base).expect("inside the directory");
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
