//! Benchmark: aims-lint at scale, against its own parse floor and against JSON Schema peers on
//! the same files and schemas, measured in one run.
//!
//! `cargo bench --bench scale -- [--docs 1000,10000,100000] [--runs R] [--peer-cli-max N]
//! [--keep DIR]`
//!
//! For each size it generates a repository of copies of the `aims-lint init` starter (21 kinds
//! of document: Markdown cards and policies with front matter, YAML records, and three records
//! a copy written as JSON), each copy under `unit-N/` with its own ids and references, every
//! document padded with prose to a size drawn log-uniformly between 0.5 and 20 KB, and about one
//! document in ten with a required field removed. It commits the repository to git, then
//! changes one file in a second commit. Then it times, as whole processes, warm file cache:
//!
//! - `check --no-blame`, `check` (with blame), `check --changed-since HEAD~1` and `check
//!   --no-blame FILE` on the changed file; the same with `--cache` once one run has made the
//!   cache (as the pre-commit hooks run it), and `git status --porcelain` beside it;
//! - the floor, in this benchmark's own binary built on the same library: the same walk of
//!   the repository and reading every document (`read`), and that plus aims-lint's parse with
//!   spans of every document (`parse`), with the allocator the binary has; and the libraries
//!   alone on the same bytes (`parsers`:
//!   saphyr-parser's events for YAML and front matter, pulldown-cmark's events for Markdown
//!   bodies, `serde_json` for JSON);
//! - peers, given every rule's JSON Schema (its `schema` as aims-lint compiles it, with
//!   `$schema` 2020-12) and the YAML and JSON documents each rule applies to: ajv as a library
//!   in one Node process that compiles every schema once (`benches/ajv-peer.cjs`, which also
//!   reads Markdown front matter, so it validates every document aims-lint does), and, up to
//!   `--peer-cli-max` documents, check-jsonschema and ajv-cli run once per schema as users
//!   run them (YAML and JSON files only: neither reads front matter).
//!
//! Peers are found on PATH (`check-jsonschema`, `ajv`, `node` with `ajv`, `ajv-formats` and
//! `js-yaml` where `NODE_PATH` or `AIMS_LINT_NODE_MODULES` points); a missing one is reported
//! and skipped. Peak memory is GNU time's maximum resident set size of one more run of each
//! (`/usr/bin/time`). Figures: median, min and max of R runs.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_precision_loss,
    reason = "a benchmark prints its figures and stops at the first failure"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// The floors allocate as `aims-lint` does (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{Value, json};

use aims_lint::parse::Format;
use common::Lcg;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_aims-lint");

/// The starter's three records that each copy writes as JSON.
const AS_JSON: [&str; 3] = [
    "customers/brokers.yaml",
    "suppliers/cloudnimbus.yaml",
    "governance/risk-register.yaml",
];

/// Prose the padding is made of: sentences a governance document would hold.
const SENTENCES: [&str; 12] = [
    "The system owner reviews this record each quarter and after any significant change to the system.",
    "Handlers can see every routing decision and change it; changes are logged with the reason given.",
    "The data steward confirms that no personal data beyond what the purpose needs is kept for training.",
    "Results are compared across customer segments before each release, and the gaps are recorded.",
    "Suppliers are asked for evidence of their own controls when the contract is renewed.",
    "Incidents are reported to the governance lead within one working day of being noticed.",
    "The monitoring dashboard shows drift in the input distribution and in the share of each queue.",
    "Training runs are reproducible from the tagged commit, the dataset version and the configuration.",
    "People affected by a decision can ask for it to be reviewed by a person, free of charge.",
    "Retired models are archived with their cards, evaluation reports and the data versions they used.",
    "Every change to this document goes through a pull request reviewed by the document's owner.",
    "The assessment is repeated when the purpose, the users or the data of the system change.",
];

/// A size between 500 and 20,000 bytes, log-uniform.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "between 500 and 20,000"
)]
fn doc_size(rng: &mut Lcg) -> usize {
    let r = rng.next(1_000_000) as f64 / 1_000_000.0;
    (500.0 * 40f64.powf(r)) as usize
}

/// Prose lines until `text` would reach `target` bytes, each made by `line`.
fn pad(text: &mut String, target: usize, rng: &mut Lcg, line: impl Fn(&str) -> String) {
    while text.len() < target {
        let s = SENTENCES[rng.next(SENTENCES.len())];
        text.push_str(&line(s));
    }
}

/// One generated document.
struct Doc {
    rel: String,
    text: String,
    /// A required field was removed: it must have findings (the others must not).
    broken: bool,
}

/// The starter's documents (not its configuration, README or schemas).
fn starter() -> Vec<(String, &'static str)> {
    aims_lint::init::files()
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".aims-lint/") && p != "aims-lint.toml" && p != "README.md")
        .collect()
}

/// Copy `unit` of the starter: ids and file names suffixed, references rewritten, padded, and
/// about one in ten with its `owner` removed.
fn unit(u: usize, rng: &mut Lcg, out: &mut Vec<Doc>) {
    let rename = |s: &str| {
        s.replace("claims-triage", &format!("claims-triage-u{u}"))
            .replace("claims-2024", &format!("claims-2024-u{u}"))
    };
    let to_json = |p: &str| {
        if AS_JSON.contains(&p) {
            p.replace(".yaml", ".json")
        } else {
            p.to_string()
        }
    };
    let starter = starter();
    // Every path a document may name, as the copy names it.
    let paths: Vec<(String, String)> = starter
        .iter()
        .map(|(p, _)| {
            let renamed = rename(p);
            let target = format!("unit-{u}/{}", to_json(&renamed));
            (renamed, target)
        })
        .collect();
    for (p, t) in &starter {
        let mut text = rename(t).replace("../.aims-lint/", "../../.aims-lint/");
        for (from, to) in &paths {
            text = text.replace(from.as_str(), to);
        }
        let broken = rng.next(10) == 0;
        if broken {
            // A dataset sheet's owner is optional; when it was last updated is not.
            let field = if p.starts_with("datasheets/") {
                "last_updated: "
            } else {
                "owner: "
            };
            text = remove_line(&text, field);
        }
        let target = doc_size(rng);
        let rel = format!("unit-{u}/{}", to_json(&rename(p)));
        if AS_JSON.contains(&p.as_str()) {
            text = json_record(&text, target, rng);
        } else if is(p, Format::Markdown) {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("\n## Notes\n\n");
            pad(&mut text, target, rng, |s| format!("{s}\n"));
        } else {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("notes:\n");
            pad(&mut text, target, rng, |s| format!("  - {s}\n"));
        }
        out.push(Doc { rel, text, broken });
    }
}

/// The text without its first line (at any indent) that starts with `field`.
fn remove_line(text: &str, field: &str) -> String {
    let mut removed = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !removed && line.trim_start().starts_with(field) {
            removed = true;
            continue;
        }
        out.push_str(line);
    }
    assert!(removed, "a starter document without `{field}`");
    out
}

/// A YAML record as pretty-printed JSON, with prose notes up to `target` bytes.
fn json_record(yaml: &str, target: usize, rng: &mut Lcg) -> String {
    let source = aims_lint::source::SourceFile::new("record.yaml", yaml.to_string());
    let (doc, findings) = aims_lint::parse::parse(
        &source,
        Format::Yaml,
        aims_lint::parse::yaml::Limits::default(),
    );
    assert!(findings.is_empty(), "a starter record does not parse");
    let mut value = doc.data[0].node.to_json();
    let base = serde_json::to_string_pretty(&value).unwrap().len();
    let mut notes = Vec::new();
    let mut len = base;
    while len < target {
        let s = SENTENCES[rng.next(SENTENCES.len())];
        len += s.len() + 8;
        notes.push(Value::String(s.to_string()));
    }
    value["notes"] = Value::Array(notes);
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

/// A generated repository.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
    docs: Vec<Doc>,
    bytes: u64,
    /// The file the second commit changed.
    changed: String,
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-02T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-02T10:00:00Z")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?} failed");
}

fn generate(docs: usize, keep: Option<&Path>) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let root = keep.map_or_else(|| dir.path().to_path_buf(), Path::to_path_buf);
    let mut rng = Lcg(42);
    let per_unit = starter().len();
    let mut all = Vec::new();
    // Whole copies only, so that every reference resolves: `docs` rounded to a multiple of
    // the starter's documents.
    for u in 0..(docs / per_unit).max(1) {
        unit(u, &mut rng, &mut all);
    }
    let mut bytes = 0;
    for (path, text) in aims_lint::init::files() {
        if path.starts_with(".aims-lint/") || path == "aims-lint.toml" {
            std::fs::create_dir_all(root.join(&path).parent().unwrap()).unwrap();
            std::fs::write(root.join(&path), text).unwrap();
        }
    }
    for d in &all {
        let path = root.join(&d.rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &d.text).unwrap();
        bytes += d.text.len() as u64;
    }
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "governance repository"]);
    // One change, as a pull request or a commit makes it: a note added to a clean record.
    let changed = all
        .iter()
        .find(|d| !d.broken && d.rel.ends_with("procedures/concern-reporting.yaml"))
        .unwrap()
        .rel
        .clone();
    let mut text = std::fs::read_to_string(root.join(&changed)).unwrap();
    text.push_str("  - Concerns can also be raised with the works council.\n");
    std::fs::write(root.join(&changed), text).unwrap();
    git(
        &root,
        &["commit", "-q", "-am", "concern reporting: works council"],
    );
    Repo {
        _dir: dir,
        root,
        docs: all,
        bytes,
        changed,
    }
}

/// Median, min and max of `runs` runs of a whole process.
#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    min: Duration,
    max: Duration,
}

fn time(runs: usize, mut cmd: impl FnMut() -> Command, ok: &[i32]) -> Timing {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut c = cmd();
            let start = Instant::now();
            let out = c
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            let took = start.elapsed();
            assert!(
                out.status.code().is_some_and(|c| ok.contains(&c)),
                "benchmark command {c:?} failed: {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    times.sort();
    Timing {
        median: times[runs / 2],
        min: times[0],
        max: times[runs - 1],
    }
}

/// Peak resident memory of one run of `cmd`, in MB, by GNU time; `None` without it.
fn peak_mb(cmd: &Command) -> Option<f64> {
    let gnu_time = Path::new("/usr/bin/time");
    if !gnu_time.exists() {
        return None;
    }
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut c = Command::new(gnu_time);
    c.args(["-f", "%M", "-o"]).arg(out.path());
    c.arg(cmd.get_program()).args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        c.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let kb: f64 = std::fs::read_to_string(out.path())
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1000.0)
}

/// One row of the table.
struct Row {
    what: String,
    timing: Timing,
    peak: Option<f64>,
    /// Bytes it read, for MB/s.
    bytes: u64,
}

fn measure(
    rows: &mut Vec<Row>,
    what: impl Into<String>,
    runs: usize,
    bytes: u64,
    ok: &[i32],
    cmd: impl Fn() -> Command,
) {
    let what = what.into();
    let timing = time(runs, &cmd, ok);
    let peak = peak_mb(&cmd());
    println!(
        "  {what:<58} median {:>9}  (min {}, max {})  peak {}",
        ms(timing.median),
        ms(timing.min),
        ms(timing.max),
        peak.map_or_else(|| "-".to_string(), |p| format!("{p:.0} MB"))
    );
    rows.push(Row {
        what,
        timing,
        peak,
        bytes,
    });
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

// ---- The floor: run as `scale --floor MODE ROOT` in a process of its own ----

/// Read (and parse) every document the walk finds, on every core; prints what it did.
fn floor(mode: &str, root: &Path) {
    let (candidates, _, errors) = aims_lint::discover::discover(&[root.to_path_buf()], root);
    assert!(errors.is_empty(), "{errors:?}");
    let limits = aims_lint::parse::yaml::Limits::default();
    let work = |c: &aims_lint::discover::Candidate| -> usize {
        let text = String::from_utf8(std::fs::read(&c.path).unwrap()).unwrap();
        let Some(format) = Format::from_path(&c.rel) else {
            return 0;
        };
        match mode {
            "read" => text.len(),
            "parse" => {
                let source = aims_lint::source::SourceFile::new(c.rel.clone(), text);
                let (doc, findings) = aims_lint::parse::parse(&source, format, limits);
                doc.data.len() + doc.body.headings.len() + findings.len()
            }
            "parsers" => parsers_alone(&text, format),
            _ => panic!("unknown floor mode {mode}"),
        }
    };
    let n: usize = candidates.par_iter().map(work).sum();
    println!("{} documents, {n}", candidates.len());
}

/// The libraries alone: every event of saphyr-parser (YAML, front matter), pulldown-cmark
/// (Markdown body) and `serde_json` (JSON), building no tree of our own.
fn parsers_alone(text: &str, format: Format) -> usize {
    let yaml = |s: &str| {
        let mut n = 0;
        let mut parser = saphyr_parser::Parser::new_from_str(s);
        while let Some(event) = parser.next_event() {
            event.unwrap();
            n += 1;
        }
        n
    };
    match format {
        Format::Yaml => yaml(text),
        Format::Json => match serde_json::from_str::<Value>(text).unwrap() {
            Value::Object(m) => m.len(),
            _ => 1,
        },
        Format::Markdown => {
            let (front, body) = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n"))
                .unwrap_or(("", text));
            yaml(front) + pulldown_cmark::Parser::new(body).count()
        }
    }
}

// ---- Peers ----

/// Every rule's schema, as the peers get it, and the kinds it applies to.
fn schemas(root: &Path) -> Vec<(String, Value, Vec<String>)> {
    let settings = aims_lint::config::load(&root.join("aims-lint.toml")).unwrap();
    let registry = aims_lint::rules::Registry::load(&settings).unwrap();
    registry
        .rules()
        .iter()
        .filter_map(|r| {
            let mut schema = r.schema_json.clone()?;
            if let Value::Object(m) = &mut schema {
                m.entry("$schema")
                    .or_insert_with(|| json!("https://json-schema.org/draft/2020-12/schema"));
            }
            Some((r.info.id.clone(), schema, r.applies_to.clone()))
        })
        .collect()
}

/// The kind aims-lint gives each document, from `aims-lint files` (kind, path, reason).
fn kinds(root: &Path) -> BTreeMap<String, String> {
    let out = Command::new(BIN)
        .arg("files")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let kind = words.next()?;
            Some((words.next()?.to_string(), kind.to_string()))
        })
        .collect()
}

fn on_path(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Each rule's schema file and the YAML/JSON documents it applies to (the CLI peers cannot
/// read Markdown front matter; the library peer's manifest has the Markdown cards too).
struct PeerJob {
    schema: PathBuf,
    files: Vec<String>,
}

fn peer_jobs(root: &Path, dir: &Path) -> (Vec<PeerJob>, PathBuf) {
    let kinds = kinds(root);
    let mut jobs = Vec::new();
    let mut manifest = Vec::new();
    for (id, schema, applies) in schemas(root) {
        let path = dir.join(format!("{id}.schema.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
        let (mut files, mut markdown) = (Vec::new(), Vec::new());
        for (rel, kind) in &kinds {
            if applies.contains(kind) {
                if is(rel, Format::Markdown) {
                    markdown.push(rel.clone());
                } else {
                    files.push(rel.clone());
                }
            }
        }
        manifest.push(json!({
            "schema": path,
            "files": files.iter().chain(&markdown).collect::<Vec<_>>(),
        }));
        jobs.push(PeerJob {
            schema: path,
            files,
        });
    }
    let manifest_path = dir.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();
    (jobs, manifest_path)
}

#[allow(
    clippy::too_many_lines,
    reason = "one size's rows, in the order printed"
)]
fn size(docs: usize, runs: usize, peer_cli_max: usize, keep: Option<&Path>) -> Vec<Row> {
    let started = Instant::now();
    let repo = generate(docs, keep);
    let root = repo.root.clone();
    let broken = repo.docs.iter().filter(|d| d.broken).count();
    let md = repo
        .docs
        .iter()
        .filter(|d| is(&d.rel, Format::Markdown))
        .count();
    let json = repo
        .docs
        .iter()
        .filter(|d| is(&d.rel, Format::Json))
        .count();
    let docs = repo.docs.len();
    println!(
        "\n{docs} documents ({md} Markdown, {} YAML, {json} JSON; {broken} with a required field removed), {:.1} MB, generated and committed in {:.1} s",
        docs - md - json,
        repo.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    verify(&repo);
    if keep.is_some() {
        return Vec::new();
    }

    let aims = |args: &'static [&'static str]| {
        let root = root.clone();
        move || {
            let mut c = Command::new(BIN);
            c.arg("check").args(args).current_dir(&root);
            c
        }
    };
    let mut rows = Vec::new();
    let bytes = repo.bytes;
    measure(
        &mut rows,
        "check --no-blame",
        runs,
        bytes,
        &[1],
        aims(&["--no-blame", "--format", "concise"]),
    );
    measure(
        &mut rows,
        "check (with blame)",
        runs,
        bytes,
        &[1],
        aims(&["--format", "concise"]),
    );
    measure(
        &mut rows,
        "check --changed-since HEAD~1",
        runs,
        bytes,
        &[0],
        aims(&["--changed-since", "HEAD~1", "--format", "concise"]),
    );
    let changed = repo.changed.clone();
    measure(
        &mut rows,
        "check --no-blame FILE (pre-commit, one changed file)",
        runs,
        0,
        &[0],
        || {
            let mut c = Command::new(BIN);
            c.args(["check", "--no-blame", "--format", "concise", &changed])
                .current_dir(&root);
            c
        },
    );
    // The same with the corpus cache, as the hooks run it (`--cache`): made by one run once the
    // files have settled (a file is kept 3 s after its last change), then reused. Beside it,
    // `git status`, which also looks at every file of the work tree: the floor of any run that
    // must know which files changed.
    std::thread::sleep(Duration::from_millis(3_500));
    let cached = {
        let (root, changed) = (root.clone(), changed.clone());
        move || {
            let mut c = Command::new(BIN);
            c.args([
                "check",
                "--no-blame",
                "--cache",
                "--format",
                "concise",
                &changed,
            ])
            .current_dir(&root);
            c
        }
    };
    let made = cached().output().unwrap();
    assert!(
        made.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    measure(
        &mut rows,
        "check --no-blame --cache FILE (pre-commit with the cache)",
        runs,
        0,
        &[0],
        cached,
    );
    let git_root = root.clone();
    measure(
        &mut rows,
        "peer: git status --porcelain (the same work tree)",
        runs,
        0,
        &[0],
        move || {
            let mut c = Command::new("git");
            c.args(["status", "--porcelain"]).current_dir(&git_root);
            c
        },
    );
    // Progress costs nothing when it is not drawn, and little when it is: the same check on a
    // pseudo-terminal (util-linux `script`, human report), with `CI` set (no bar), as users get
    // it (drawn once the run passes half a second: hidden below that) and drawn from the first
    // document, measured alike.
    if on_path("script", "--version") {
        for (what, delay) in [
            ("terminal: check --no-blame, no progress (CI set)", None),
            (
                "terminal: check --no-blame, progress after 0.5 s (default)",
                Some("500"),
            ),
            (
                "terminal: check --no-blame, progress shown at once",
                Some("0"),
            ),
        ] {
            let root = root.clone();
            measure(&mut rows, what, runs, bytes, &[1], move || {
                let mut c = Command::new("script");
                c.arg("-qec")
                    .arg(format!("{} check --no-blame", shell_quote(BIN)))
                    .arg("/dev/null")
                    .current_dir(&root);
                match delay {
                    Some(ms) => c.env_remove("CI").env("AIMS_LINT_PROGRESS_DELAY_MS", ms),
                    None => c.env("CI", "true"),
                };
                c
            });
        }
    }
    let me = std::env::current_exe().unwrap();
    for (mode, what) in [
        ("read", "floor: walk and read every document"),
        (
            "parse",
            "floor: walk, read and parse with spans (aims-lint's parse)",
        ),
        (
            "parsers",
            "floor: saphyr-parser + pulldown-cmark + serde_json alone",
        ),
    ] {
        let me = me.clone();
        let root = root.clone();
        measure(&mut rows, what, runs, bytes, &[0], move || {
            let mut c = Command::new(&me);
            c.args(["--floor", mode]).arg(&root);
            c
        });
    }

    let work = tempfile::tempdir().unwrap();
    let (jobs, manifest) = peer_jobs(&root, work.path());
    let node_modules =
        std::env::var_os("AIMS_LINT_NODE_MODULES").or_else(|| std::env::var_os("NODE_PATH"));
    if let Some(modules) = node_modules.filter(|_| on_path("node", "--version")) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ajv-peer.cjs");
        let root = root.clone();
        measure(
            &mut rows,
            "peer: ajv library, one Node process, every schema once",
            runs,
            bytes,
            &[0, 1],
            move || {
                let mut c = Command::new("node");
                c.arg(&script)
                    .arg(&manifest)
                    .current_dir(&root)
                    .env("NODE_PATH", &modules);
                c
            },
        );
    } else {
        println!(
            "  ajv library peer not measured: set AIMS_LINT_NODE_MODULES to a node_modules with ajv, ajv-formats and js-yaml"
        );
    }
    if docs <= peer_cli_max {
        let yaml_bytes: u64 = repo
            .docs
            .iter()
            .filter(|d| !is(&d.rel, Format::Markdown))
            .map(|d| d.text.len() as u64)
            .sum();
        let jobs: Arc<Vec<(PathBuf, Vec<String>)>> = Arc::new(
            jobs.iter()
                .filter(|j| !j.files.is_empty())
                .map(|j| (j.schema.clone(), j.files.clone()))
                .collect(),
        );
        let peers: [(&str, &str, &str, PeerCommand); 2] = [
            (
                "check-jsonschema",
                "check-jsonschema",
                "--version",
                check_jsonschema,
            ),
            ("ajv-cli", "ajv", "help", ajv_cli),
        ];
        for (name, program, probe, one) in peers {
            if !on_path(program, probe) {
                println!("  {name} not measured: not on PATH");
                continue;
            }
            let (root, jobs) = (root.clone(), Arc::clone(&jobs));
            measure(
                &mut rows,
                format!(
                    "peer: {name}, {} processes (one per schema), YAML/JSON",
                    jobs.len()
                ),
                runs,
                yaml_bytes,
                &[0, 1],
                move || per_schema(&root, &jobs, one),
            );
        }
    }
    rows
}

/// How a CLI peer is run on some files against one schema.
type PeerCommand = fn(&Path, &[String]) -> Command;

/// check-jsonschema on `files` against `schema`.
fn check_jsonschema(schema: &Path, files: &[String]) -> Command {
    let mut c = Command::new("check-jsonschema");
    c.arg("--schemafile").arg(schema).args(files);
    c
}

/// ajv-cli on `files` against `schema`: draft 2020-12, formats, no error listing.
fn ajv_cli(schema: &Path, files: &[String]) -> Command {
    let mut c = Command::new("ajv");
    c.args([
        "validate",
        "--spec=draft2020",
        "--strict=false",
        "-c",
        "ajv-formats",
        "--errors=no",
    ])
    .arg("-s")
    .arg(schema);
    for f in files {
        c.arg("-d").arg(f);
    }
    c
}

/// A shell line that runs one peer process per schema, one after another, as a CI step does;
/// timed as one command.
fn per_schema(
    root: &Path,
    jobs: &[(PathBuf, Vec<String>)],
    one: impl Fn(&Path, &[String]) -> Command,
) -> Command {
    let mut script = String::from("status=0\n");
    for (schema, files) in jobs {
        let c = one(schema, files);
        let mut line = shell_quote(&c.get_program().to_string_lossy());
        for a in c.get_args() {
            line.push(' ');
            line.push_str(&shell_quote(&a.to_string_lossy()));
        }
        let _ = writeln!(script, "{line} >/dev/null 2>&1 || status=1");
    }
    script.push_str("exit $status\n");
    let mut c = Command::new("sh");
    c.arg("-c").arg(script).current_dir(root);
    c
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The repository checks as generated: every finding is in a document with a field removed,
/// and every such document has one.
fn verify(repo: &Repo) {
    let out = Command::new(BIN)
        .args(["check", "--no-blame", "--format", "json"])
        .current_dir(&repo.root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let mut with_findings = std::collections::BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap().to_string();
        // A Statement of Applicability that marks a control implemented while its evidence
        // has errors is reported too: a consequence of a broken document, not a finding of
        // its own.
        if f["rule"] != "statement-of-applicability-implemented-with-errors" {
            with_findings.insert(path);
        }
    }
    let broken: std::collections::BTreeSet<String> = repo
        .docs
        .iter()
        .filter(|d| d.broken)
        .map(|d| d.rel.clone())
        .collect();
    let unexpected: Vec<_> = with_findings.difference(&broken).take(5).collect();
    let missed: Vec<_> = broken.difference(&with_findings).take(5).collect();
    assert!(
        unexpected.is_empty() && missed.is_empty(),
        "findings outside the broken documents: {unexpected:?}; broken documents without findings: {missed:?}"
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut sizes = vec![1_000, 10_000, 100_000];
    let mut runs = 5;
    let mut peer_cli_max = 1_000;
    let mut keep: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--floor" => {
                let mode = args.next().unwrap();
                let root = PathBuf::from(args.next().unwrap());
                floor(&mode, &root);
                return;
            }
            "--docs" => {
                sizes = args
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|s| s.replace('_', "").parse().unwrap())
                    .collect();
            }
            "--runs" => runs = args.next().unwrap().parse().unwrap(),
            "--peer-cli-max" => peer_cli_max = args.next().unwrap().parse().unwrap(),
            // Generate the first size into DIR, check it, keep it and stop (for profiling).
            "--keep" => keep = args.next().map(PathBuf::from),
            _ => {} // cargo passes --bench
        }
    }
    println!(
        "aims-lint scale benchmark: {} cores, {runs} runs each, warm file cache",
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );
    if let Some(dir) = keep {
        std::fs::create_dir_all(&dir).unwrap();
        size(sizes[0], runs, peer_cli_max, Some(&dir));
        println!("kept in {}", dir.display());
        return;
    }
    let mut table = String::new();
    for &docs in &sizes {
        let rows = size(docs, runs, peer_cli_max, None);
        summary(docs, &rows, &mut table);
    }
    println!("\n{table}");
}

/// Markdown rows of the documentation's table, with the ratios the issue asks for.
fn summary(docs: usize, rows: &[Row], table: &mut String) {
    let find = |prefix: &str| rows.iter().find(|r| r.what.starts_with(prefix));
    for r in rows {
        let mbps = if r.bytes > 0 {
            format!(
                "{:.0}",
                r.bytes as f64 / 1e6 / r.timing.median.as_secs_f64()
            )
        } else {
            "-".to_string()
        };
        let _ = writeln!(
            table,
            "| {docs} | {} | {} ({} to {}) | {} | {mbps} |",
            r.what,
            ms(r.timing.median),
            ms(r.timing.min),
            ms(r.timing.max),
            r.peak
                .map_or_else(|| "-".to_string(), |p| format!("{p:.0} MB")),
        );
    }
    let ratio = |a: &str, b: &str| {
        Some(find(a)?.timing.median.as_secs_f64() / find(b)?.timing.median.as_secs_f64())
    };
    let mut ratios = Vec::new();
    if let Some(r) = ratio("check --no-blame", "floor: walk, read and parse") {
        ratios.push(format!("check / parse floor {r:.2}x"));
    }
    if let Some(r) = ratio("floor: walk, read and parse", "floor: saphyr") {
        ratios.push(format!("parse floor / parsers alone {r:.2}x"));
    }
    if let Some(r) = ratio(
        "terminal: check --no-blame, progress",
        "terminal: check --no-blame, no",
    ) {
        ratios.push(format!("progress shown / no progress {r:.2}x"));
    }
    if let Some(r) = ratio("check --no-blame FILE", "check --no-blame --cache FILE") {
        ratios.push(format!("pre-commit without / with the cache {r:.1}x"));
    }
    if let Some(r) = ratio("check --no-blame --cache FILE", "peer: git status") {
        ratios.push(format!("pre-commit with the cache / git status {r:.2}x"));
    }
    if let Some(r) = ratio("peer: ajv library", "check --no-blame") {
        ratios.push(format!("ajv library / check {r:.1}x"));
    }
    if let Some(r) = ratio("peer: check-jsonschema", "check --no-blame") {
        ratios.push(format!("check-jsonschema / check {r:.1}x"));
    }
    if let Some(r) = ratio("peer: ajv-cli", "check --no-blame") {
        ratios.push(format!("ajv-cli / check {r:.1}x"));
    }
    let _ = writeln!(table, "| {docs} | ratios: {} | | | |", ratios.join("; "));
}

/// Whether aims-lint reads the file at `p` as `format`.
fn is(p: &str, format: Format) -> bool {
    Format::from_path(p) == Some(format)
}
