//! Benchmark: `aims-lint check` on a generated governance repository, against
//! check-jsonschema (a popular JSON-Schema validator for YAML files) on the same YAML files
//! with the equivalent schema, measured in the same run.
//!
//! `cargo bench --bench check -- [--docs N] [--runs R] [--against OTHER-AIMS-LINT] [--keep DIR]`. The peer is used if
//! `check-jsonschema` is on PATH (`pip install check-jsonschema`); otherwise only aims-lint is
//! measured. Figures are medians of R runs of the whole process, warm file cache.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark prints its figures and stops at the first failure"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Lcg;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_aims-lint");

/// The provenance rule's schema, as check-jsonschema gets it.
const PROVENANCE_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["provenance"],
  "properties": {"provenance": {"type": "object", "required": ["source", "collection_method"],
    "properties": {"source": {"type": "string", "minLength": 1},
                   "collection_method": {"type": "string", "minLength": 1},
                   "collection_date": {"type": "string", "format": "date"}}}}
}"#;

fn model_card(i: usize, rng: &mut Lcg) -> String {
    let license = if rng.next(10) == 0 {
        ""
    } else {
        "license: apache-2.0\n"
    };
    let mut s = format!(
        "---\n{license}pipeline_tag: text-classification\nlibrary_name: transformers\ntags: [support, routing]\nmodel-index:\n  - name: router-{i}\n    results:\n      - task: {{type: text-classification}}\n        dataset: {{type: acme/tickets, name: ACME tickets}}\n        metrics:\n          - {{type: accuracy, value: 0.9{}}}\n---\n# Router {i}\n\n",
        rng.next(10)
    );
    for section in [
        "Model Details",
        "Uses",
        "Out-of-Scope Use",
        "Bias, Risks, and Limitations",
        "Training Data",
        "Evaluation",
    ] {
        let _ = write!(s, "## {section}\n\n");
        if rng.next(20) == 0 {
            s.push_str("[More Information Needed]\n\n");
        } else {
            for _ in 0..6 {
                s.push_str("The model routes support tickets to the team that can resolve them, using the text and the product field.\n");
            }
            s.push('\n');
        }
    }
    s
}

fn dataset_sheet(i: usize, rng: &mut Lcg) -> String {
    let method = if rng.next(10) == 0 {
        ""
    } else {
        "  collection_method: nightly export of closed tickets\n"
    };
    let mut s = format!(
        "aims-kind: dataset-sheet\nname: tickets-{i}\nprovenance:\n  source: ACME helpdesk\n{method}  collection_date: 2025-06-{:02}\ncomposition:\n  instances: {}\n  fields:\n",
        rng.next(28) + 1,
        rng.next(1_000_000)
    );
    for f in 0..20 {
        let _ = writeln!(
            s,
            "    - {{name: field_{f}, type: string, personal_data: false}}"
        );
    }
    s
}

fn policy(i: usize, rng: &mut Lcg) -> String {
    let reviewed = if rng.next(10) == 0 {
        ""
    } else {
        "last_reviewed: 2026-01-15\nreview_interval_months: 12\n"
    };
    let mut s = format!(
        "---\nowner: ai-governance-lead\napproved_by: Grace Hopper\napproval_date: 2026-01-15\nversion: \"{i}.0\"\nscope: all AI systems of unit {i}\n{reviewed}---\n# AI policy {i}\n\n"
    );
    for _ in 0..30 {
        s.push_str("The organisation develops and uses AI systems responsibly, within the limits this policy sets.\n");
    }
    s
}

fn generate(root: &Path, docs: usize) -> (Vec<PathBuf>, u64) {
    let mut rng = Lcg(42);
    let mut yaml = Vec::new();
    let mut bytes = 0;
    for i in 0..docs {
        let (rel, text) = match i % 5 {
            0 | 1 => (
                format!("model-cards/team-{}/router-{i}.md", i % 40),
                model_card(i, &mut rng),
            ),
            2 | 3 => (
                format!("datasets/team-{}/tickets-{i}.yaml", i % 40),
                dataset_sheet(i, &mut rng),
            ),
            _ => (
                format!("policies/unit-{}/policy-{i}.md", i % 40),
                policy(i, &mut rng),
            ),
        };
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        bytes += text.len() as u64;
        std::fs::write(&path, text).unwrap();
        if i % 5 == 2 || i % 5 == 3 {
            yaml.push(path);
        }
    }
    (yaml, bytes)
}

fn median_of(runs: usize, mut cmd: impl FnMut() -> Command) -> (Duration, Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let status = cmd()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            let took = start.elapsed();
            // 1 = findings (expected: the repository has deliberate ones).
            assert!(
                matches!(status.code(), Some(0 | 1)),
                "benchmark command failed: {status}"
            );
            took
        })
        .collect();
    times.sort();
    (times[runs / 2], times[0], times[runs - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut docs, mut runs) = (5000, 10);
    // Another build of aims-lint (an earlier commit's) to time in the same run.
    let mut against: Option<PathBuf> = None;
    let mut keep: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--docs" => docs = args.next().and_then(|v| v.parse().ok()).unwrap_or(docs),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--against" => against = args.next().map(PathBuf::from),
            // Generate the repository into DIR and keep it (for profiling), then stop.
            "--keep" => keep = args.next().map(PathBuf::from),
            _ => {} // cargo passes --bench
        }
    }
    if let Some(dir) = keep {
        std::fs::create_dir_all(&dir).unwrap();
        let (yaml, bytes) = generate(&dir, docs);
        println!(
            "{docs} documents ({} YAML), {bytes} bytes in {}",
            yaml.len(),
            dir.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (yaml, bytes) = generate(root, docs);
    let yaml_dir = root.join("datasets");
    println!(
        "repository: {docs} documents ({} YAML dataset sheets), {} MB; {runs} runs each; {} cores",
        yaml.len(),
        bytes / 1_000_000,
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );

    let aims_with = |bin: PathBuf, threads: Option<&'static str>, path: PathBuf| {
        move || {
            let mut c = Command::new(&bin);
            c.arg("check")
                .arg(&path)
                .args(["--format", "concise"])
                .current_dir(root);
            if let Some(t) = threads {
                c.args(["-j", t]);
            }
            c
        }
    };
    let aims = |threads, path| aims_with(PathBuf::from(BIN), threads, path);
    let mut rows = vec![
        (
            "aims-lint, whole repository, all cores",
            median_of(runs, aims(None, root.to_path_buf())),
        ),
        (
            "aims-lint, whole repository, 1 thread",
            median_of(runs, aims(Some("1"), root.to_path_buf())),
        ),
        (
            "aims-lint, YAML dataset sheets only",
            median_of(runs, aims(None, yaml_dir.clone())),
        ),
        (
            "aims-lint, YAML dataset sheets only, 1 thread",
            median_of(runs, aims(Some("1"), yaml_dir.clone())),
        ),
    ];
    if let Some(other) = &against {
        rows.push((
            "  --against build, whole repository, all cores",
            median_of(runs, aims_with(other.clone(), None, root.to_path_buf())),
        ));
        rows.push((
            "  --against build, YAML dataset sheets only",
            median_of(runs, aims_with(other.clone(), None, yaml_dir.clone())),
        ));
    }
    for (name, (median, min, max)) in &rows {
        println!(
            "{name:<48} median {:>10}  (min {}, max {})",
            ms(*median),
            ms(*min),
            ms(*max)
        );
    }
    time_peer(root, &yaml, runs, rows[2].1.0, rows[3].1.0);
}

/// check-jsonschema on the same YAML files, with the ratio to aims-lint's medians.
fn time_peer(
    root: &Path,
    yaml: &[PathBuf],
    runs: usize,
    all_cores: Duration,
    one_thread: Duration,
) {
    let peer = Command::new("check-jsonschema").arg("--version").output();
    if peer.is_ok_and(|o| o.status.success()) {
        let schema = root.join("provenance.schema.json");
        std::fs::write(&schema, PROVENANCE_SCHEMA).unwrap();
        let (median, min, max) = median_of(runs, || {
            let mut c = Command::new("check-jsonschema");
            c.arg("--schemafile").arg(&schema).args(yaml);
            c
        });
        println!(
            "{:<48} median {:>10}  (min {}, max {})",
            "check-jsonschema, YAML dataset sheets only",
            ms(median),
            ms(min),
            ms(max)
        );
        println!(
            "ratio on the same {} files: check-jsonschema / aims-lint = {:.1}x (all cores), {:.1}x (1 thread)",
            yaml.len(),
            median.as_secs_f64() / all_cores.as_secs_f64(),
            median.as_secs_f64() / one_thread.as_secs_f64()
        );
    } else {
        println!(
            "check-jsonschema is not installed (pip install check-jsonschema): peer not measured"
        );
    }
}
