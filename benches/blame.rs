//! Benchmark: what blame adds to a check with hundreds of findings on a long history, against
//! `git blame --porcelain -L` for the same lines; and how often the two agree.
//!
//! `cargo bench --bench blame -- [--commits N] [--files N] [--runs R] [--repo DIR]`; with
//! `--repo`, an existing repository is measured instead (a clone of
//! `../shared/histories/hf-datasets-cards.bundle`). The history is
//! generated with `git fast-import` (fixed seed: the same every run): N commits by six authors,
//! each changing a few lines of one file, sometimes inserting a comment line so that lines move.
//! Every eighth value line is a number, which a rule of the benchmark reports, so each file has
//! findings spread over it.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark prints its figures and stops at the first failure"
)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Lcg;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_aims-lint");

const RULE: &str = "id: x-number\ncontrol: A.2.2\ntitle: t\nseverity: error\napplies-to: [note]\nmessage: value is a number\nhelp: h\ndocs: d\nschema:\n  additionalProperties: {type: string}\n";

const AUTHORS: [(&str, &str); 6] = [
    ("Ada Lovelace", "ada@example.org"),
    ("Bob Babbage", "bob@example.org"),
    ("Carol Shaw", "carol@example.org"),
    ("Dan Knuth", "dan@example.org"),
    ("Eve Hopper", "eve@example.org"),
    ("Frank Allen", "frank@example.org"),
];

/// One file: value lines `k<id>: <value>` and comment lines.
struct File {
    lines: Vec<String>,
    next_id: usize,
}

impl File {
    fn value(id: usize, version: usize) -> String {
        if id.is_multiple_of(8) {
            format!("k{id}: {version}")
        } else {
            format!("k{id}: \"v{version}\"")
        }
    }

    fn text(&self) -> String {
        self.lines.iter().fold(String::new(), |mut s, l| {
            let _ = writeln!(s, "{l}");
            s
        })
    }
}

fn generate(root: &Path, commits: usize, files: usize) {
    let run = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(root)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    run(&["init", "-q", "-b", "main"]);
    std::fs::write(
        root.join("aims-lint.toml"),
        "[documents]\nnote = [\"notes/*.yaml\"]\n\n[rules]\npaths = [\"rules\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("rules")).unwrap();
    std::fs::write(root.join("rules/x-number.yaml"), RULE).unwrap();

    let mut rng = Lcg(7);
    let mut state: Vec<File> = (0..files)
        .map(|_| File {
            lines: (0..80).map(|id| File::value(id, 0)).collect(),
            next_id: 80,
        })
        .collect();
    let mut stream = Vec::new();
    let base_time = 1_704_067_200; // 2024-01-01
    for c in 0..commits {
        let (name, email) = AUTHORS[rng.next(AUTHORS.len())];
        let time = base_time + c * 3600;
        let f = if c < files { c } else { rng.next(files) };
        let file = &mut state[f];
        if c >= files {
            for _ in 0..=rng.next(4) {
                let i = rng.next(file.lines.len());
                if let Some(id) = file.lines[i]
                    .strip_prefix('k')
                    .and_then(|r| r.split(':').next())
                    .and_then(|n| n.parse().ok())
                {
                    file.lines[i] = File::value(id, c);
                }
            }
            if rng.next(5) == 0 {
                let at = rng.next(file.lines.len());
                file.lines.insert(at, format!("# note {c}"));
            }
            if rng.next(10) == 0 {
                let at = rng.next(file.lines.len());
                let id = file.next_id;
                file.next_id += 1;
                file.lines.insert(at, File::value(id, c));
            }
        }
        let content = file.text();
        let message = format!("change {f} ({c})");
        let header = format!(
            "commit refs/heads/main\nmark :{}\nauthor {name} <{email}> {time} +0000\ncommitter {name} <{email}> {time} +0000\ndata {}\n{message}\n{}M 100644 inline notes/file-{f:03}.yaml\ndata {}\n",
            c + 1,
            message.len() + 1,
            if c == 0 {
                String::new()
            } else {
                format!("from :{c}\n")
            },
            content.len()
        );
        stream.extend_from_slice(header.as_bytes());
        stream.extend_from_slice(content.as_bytes());
        stream.push(b'\n');
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    run(&["reset", "-q", "--hard", "main"]);
}

fn median_of(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn aims(root: &Path, extra: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["check", "--format", "json"])
        .args(extra)
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

/// `git blame --porcelain --root` of `lines` of `path`: final line → commit.
fn git_blame(root: &Path, path: &str, lines: &[u64]) -> HashMap<u64, String> {
    let mut args = vec!["blame".to_string(), "--porcelain".into(), "--root".into()];
    for l in lines {
        args.push("-L".into());
        args.push(format!("{l},{l}"));
    }
    args.push("--".into());
    args.push(path.into());
    let out = Command::new("git")
        .args(&args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map = HashMap::new();
    for l in String::from_utf8(out.stdout).unwrap().lines() {
        let mut parts = l.split(' ');
        let (Some(sha), Some(_), Some(fin)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if sha.len() == 40
            && sha.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(n) = fin.parse()
        {
            map.insert(n, sha.to_string());
        }
    }
    map
}

fn write_commit_graph(root: &Path) {
    let ok = Command::new("git")
        .args(["commit-graph", "write", "--reachable", "--changed-paths"])
        .current_dir(root)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut commits, mut files, mut runs) = (2500, 50, 5);
    let mut commit_graph = false;
    let mut keep: Option<std::path::PathBuf> = None;
    let mut repo: Option<std::path::PathBuf> = None;
    while let Some(a) = args.next() {
        let mut value = |d| args.next().and_then(|v| v.parse().ok()).unwrap_or(d);
        match a.as_str() {
            "--commits" => commits = value(commits),
            "--files" => files = value(files),
            "--runs" => runs = value(runs),
            // git reads changed-path Bloom filters from a commit-graph; gix 0.91 does not.
            "--commit-graph" => commit_graph = true,
            // Generate into this (new) folder and keep it, to measure by hand.
            "--keep" => keep = args.next().map(Into::into),
            // Measure an existing repository instead (a clone of ../shared/histories).
            "--repo" => repo = args.next().map(Into::into),
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = match (&repo, &keep) {
        (Some(r), _) => r.as_path(),
        (None, Some(k)) => {
            std::fs::create_dir_all(k).unwrap();
            k.as_path()
        }
        (None, None) => dir.path(),
    };
    if repo.is_none() {
        let start = Instant::now();
        generate(root, commits, files);
        println!("generated in {:.1} s", start.elapsed().as_secs_f64());
    }
    if keep.is_some() {
        return;
    }
    if commit_graph {
        write_commit_graph(root);
    }
    let report: serde_json::Value = serde_json::from_str(&aims(root, &[])).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let mut by_file: HashMap<String, Vec<u64>> = HashMap::new();
    for f in findings {
        by_file
            .entry(f["path"].as_str().unwrap().to_string())
            .or_default()
            .push(f["span"]["start"]["line"].as_u64().unwrap());
    }
    println!(
        "history: {}{}; {} findings in {} files; {runs} runs each",
        repo.as_ref().map_or_else(
            || format!(
                "{commits} commits by {} authors, {files} files",
                AUTHORS.len()
            ),
            |r| r.display().to_string()
        ),
        if commit_graph {
            ", commit-graph with changed paths"
        } else {
            ""
        },
        findings.len(),
        by_file.len(),
    );

    let with = median_of(runs, || drop(aims(root, &[])));
    let without = median_of(runs, || drop(aims(root, &["--no-blame"])));
    let with_1 = median_of(runs, || drop(aims(root, &["-j", "1"])));
    let without_1 = median_of(runs, || drop(aims(root, &["-j", "1", "--no-blame"])));
    let git = median_of(runs, || {
        for (path, lines) in &by_file {
            git_blame(root, path, lines);
        }
    });
    let added = with.saturating_sub(without);
    let added_1 = with_1.saturating_sub(without_1);
    println!(
        "aims-lint check, blame on          median {:>10}  (--no-blame {})",
        ms(with),
        ms(without)
    );
    println!(
        "  time blame adds (all cores)             {:>10}",
        ms(added)
    );
    println!(
        "  time blame adds (-j 1)                  {:>10}",
        ms(added_1)
    );
    println!(
        "git blame --porcelain -L, same lines median {:>10}  ({} processes, one per file)",
        ms(git),
        by_file.len()
    );
    println!(
        "ratio git / time blame adds: {:.2}x (all cores), {:.2}x (-j 1)",
        git.as_secs_f64() / added.as_secs_f64(),
        git.as_secs_f64() / added_1.as_secs_f64()
    );

    agreement(root, findings, &by_file);
}

/// Compare each finding's blame with `git blame` for its line, and print the agreement.
fn agreement(root: &Path, findings: &[serde_json::Value], by_file: &HashMap<String, Vec<u64>>) {
    let mut same = 0;
    let mut differ = Vec::new();
    for (path, lines) in by_file {
        let theirs = git_blame(root, path, lines);
        for f in findings.iter().filter(|f| f["path"] == path.as_str()) {
            let line = f["span"]["start"]["line"].as_u64().unwrap();
            let ours = f["blame"]["commit"].as_str().unwrap_or("");
            if theirs.get(&line).map(String::as_str) == Some(ours) {
                same += 1;
            } else {
                differ.push(format!(
                    "{path}:{line} ours {ours:.7} git {:.7}",
                    theirs.get(&line).map_or("-", String::as_str)
                ));
            }
        }
    }
    println!(
        "agreement with git blame: {same} of {} lines ({:.2}%)",
        findings.len(),
        100.0 * f64::from(same) / f64::from(u32::try_from(findings.len()).unwrap())
    );
    for d in differ.iter().take(20) {
        println!("  differs: {d}");
    }
}
