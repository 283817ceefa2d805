//! Blame on findings agrees with `git blame --porcelain`, on histories with several authors,
//! fixed dates, merges, a rename, `.mailmap`, lines changed in the working tree, untracked
//! files, and shallow clones.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::{Repo, run_in, stderr, stdout};
use serde_json::Value;

/// A rule that makes every top-level value that is not a string a finding on its own line, so
/// that a test can put findings on the lines it wants.
const RULE: &str = "id: x-not-text\ncontrol: A.2.2\ntitle: t\nseverity: error\napplies-to: [note]\nmessage: value is not text\nhelp: quote it\ndocs: d\nschema:\n  additionalProperties: {type: string}\n";

const ADA: (&str, &str) = ("Ada Lovelace", "ada@example.org");
const BOB: (&str, &str) = ("Bob Babbage", "bob@example.org");
const CAROL: (&str, &str) = ("Carol Shaw", "carol@example.org");
const EVE_OLD: (&str, &str) = ("eve", "eve@old.example");

fn policy(values: &[(usize, &str)]) -> String {
    (1..=10).fold(String::new(), |mut out, i| {
        let v = values
            .iter()
            .find(|(k, _)| *k == i)
            .map_or(i.to_string(), |(_, v)| (*v).to_string());
        let _ = writeln!(out, "k{i}: {v}");
        out
    })
}

/// The history every test starts from; returns the repository.
fn history() -> Repo {
    let repo = Repo::new();
    let c = |who: (&str, &str), date: &str, msg: &str| repo.commit_as(who.0, who.1, date, msg);
    repo.write(
        "aims-lint.toml",
        "[documents]\nnote = [\"notes/*.yaml\"]\n\n[rules]\npaths = [\"org-rules\"]\n",
    )
    .write("org-rules/x-not-text.yaml", RULE)
    .write("notes/a.yaml", policy(&[]));
    c(ADA, "2026-01-01T09:00:00+01:00", "first policy");
    repo.write("notes/a.yaml", policy(&[(3, "30"), (7, "70")]));
    c(BOB, "2026-01-05T10:00:00-05:00", "raise three and seven");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes/a.yaml", policy(&[(3, "30"), (7, "70"), (5, "50")]));
    c(CAROL, "2026-01-10T11:00:00+00:00", "five on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("notes/a.yaml", policy(&[(3, "30"), (7, "70"), (9, "90")]));
    c(BOB, "2026-01-11T12:00:00+00:00", "nine on main");
    repo.git_as(
        &["merge", "-q", "--no-ff", "-m", "merge feature", "feature"],
        ADA.0,
        ADA.1,
        "2026-01-12T08:00:00+00:00",
    );
    repo.git_as(
        &["mv", "notes/a.yaml", "notes/b.yaml"],
        ADA.0,
        ADA.1,
        "2026-01-15T08:00:00+00:00",
    );
    c(ADA, "2026-01-15T08:00:00+00:00", "rename a to b");
    repo.write(
        "notes/b.yaml",
        policy(&[(3, "30"), (7, "70"), (9, "90"), (5, "50"), (2, "20")]),
    )
    .write(
        ".mailmap",
        "Eve Hopper <eve@example.org> <eve@old.example>\n",
    );
    c(EVE_OLD, "2026-01-20T07:30:00+02:00", "two, and a mailmap");
    repo
}

/// What `git blame --porcelain` says of `line` of `path`, in the same shape as our JSON.
/// With `root`, git reports the first commit as the origin of its lines rather than as a
/// `boundary` (our `boundary` means only the edge of a shallow clone).
fn git_blame(dir: &Path, path: &str, line: u64, root: bool) -> Value {
    let range = format!("{line},{line}");
    let mut args = vec!["blame", "--porcelain", "-L", &range];
    if root {
        args.push("--root");
    }
    args.extend(["--", path]);
    let out = Command::new("git")
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let commit = lines.next().unwrap().split(' ').next().unwrap().to_string();
    let (mut name, mut email, mut time, mut tz, mut summary, mut boundary) = (
        String::new(),
        String::new(),
        0i64,
        String::new(),
        String::new(),
        false,
    );
    for l in lines {
        if let Some(v) = l.strip_prefix("author ") {
            name = v.to_string();
        } else if let Some(v) = l.strip_prefix("author-mail ") {
            email = v.trim_matches(['<', '>']).to_string();
        } else if let Some(v) = l.strip_prefix("author-time ") {
            time = v.parse().unwrap();
        } else if let Some(v) = l.strip_prefix("author-tz ") {
            tz = v.to_string();
        } else if let Some(v) = l.strip_prefix("summary ") {
            summary = v.to_string();
        } else if l == "boundary" {
            boundary = true;
        }
    }
    if commit.chars().all(|c| c == '0') {
        return serde_json::json!({"status": "uncommitted", "commit": null, "author_name": null,
            "author_email": null, "author_time": null, "summary": null});
    }
    serde_json::json!({
        "status": if boundary { "boundary" } else { "committed" },
        "commit": commit,
        "author_name": name,
        "author_email": email,
        "author_time": rfc3339(time, &tz),
        "summary": summary,
    })
}

/// Epoch seconds and a git offset (`+0130`) as RFC 3339 in that offset.
fn rfc3339(epoch: i64, tz: &str) -> String {
    let sign = if tz.starts_with('-') { -1 } else { 1 };
    let (h, m): (i64, i64) = (tz[1..3].parse().unwrap(), tz[3..5].parse().unwrap());
    let local = epoch + sign * (h * 3600 + m * 60);
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}{h:02}:{m:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        if sign < 0 { '-' } else { '+' }
    )
}

fn findings(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let o = run_in(dir, &all, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn blame_agrees_with_git_blame_on_every_finding() {
    let repo = history();
    // A line changed in the working tree, and a file git does not know.
    repo.write(
        "notes/b.yaml",
        policy(&[
            (3, "30"),
            (7, "70"),
            (9, "90"),
            (5, "50"),
            (2, "20"),
            (4, "44"),
        ]),
    )
    .write("notes/new.yaml", "fresh: 1\n");
    let found = findings(repo.path(), &[]);
    let mut statuses = Vec::new();
    for f in &found {
        let path = f["path"].as_str().unwrap();
        if path == "notes/new.yaml" {
            assert_eq!(f["blame"]["status"], "untracked");
            assert!(f["blame"]["commit"].is_null());
            continue;
        }
        let line = f["span"]["start"]["line"].as_u64().unwrap();
        assert_eq!(
            f["blame"],
            git_blame(repo.path(), path, line, true),
            "{path}:{line}"
        );
        statuses.push(f["blame"]["status"].as_str().unwrap().to_string());
    }
    assert_eq!(found.len(), 11);
    assert!(statuses.contains(&"uncommitted".to_string()));
    let authors: Vec<&str> = found
        .iter()
        .filter_map(|f| f["blame"]["author_name"].as_str())
        .collect();
    for who in ["Ada Lovelace", "Bob Babbage", "Carol Shaw", "Eve Hopper"] {
        assert!(authors.contains(&who), "{who} not in {authors:?}");
    }
    // .mailmap applied: the old identity is gone.
    assert!(!authors.contains(&"eve"));
}

#[test]
fn shallow_clones_attribute_old_lines_to_the_boundary_as_git_does() {
    let repo = history();
    for depth in ["1", "2"] {
        let clone = tempfile::tempdir().unwrap();
        let url = format!("file://{}", repo.path().display());
        let status = Command::new("git")
            .args(["clone", "-q", "--depth", depth, &url])
            .arg(clone.path().join("c"))
            .status()
            .unwrap();
        assert!(status.success());
        let dir = clone.path().join("c");
        let o = run_in(&dir, &["--format", "json"], &[]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["summary"]["history"], "truncated");
        let found = v["findings"].as_array().unwrap();
        assert_eq!(found.len(), 10);
        let mut boundary = 0;
        for f in found {
            let line = f["span"]["start"]["line"].as_u64().unwrap();
            assert_eq!(
                f["blame"],
                git_blame(&dir, "notes/b.yaml", line, false),
                "depth {depth}, line {line}"
            );
            boundary += usize::from(f["blame"]["status"] == "boundary");
        }
        assert!(
            boundary > 0,
            "depth {depth}: some lines are older than the clone"
        );
        let human = stdout(&run_in(&dir, &[], &[]));
        assert!(human.contains("note: this is a shallow clone"), "{human}");
        assert!(human.contains("fetch-depth: 0"), "{human}");
    }
}

#[test]
fn human_and_concise_output_name_the_author() {
    let repo = history();
    let out = stdout(&repo.run(&["--format", "concise", "--concise-blame"]));
    let line = out
        .lines()
        .find(|l| l.starts_with("notes/b.yaml:2:"))
        .unwrap();
    let commit = git_blame(repo.path(), "notes/b.yaml", 2, true)["commit"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        line.ends_with(&format!(
            "[Eve Hopper <eve@example.org> {} 2026-01-20]",
            &commit[..7]
        )),
        "{line}"
    );
    let human = stdout(&repo.run(&[]));
    assert!(
        human.contains(&format!(
            "last changed by Eve Hopper <eve@example.org> in {} on 2026-01-20: two, and a mailmap",
            &commit[..7]
        )),
        "{human}"
    );
    // Without --concise-blame, concise lines are unchanged.
    let plain = stdout(&repo.run(&["--format", "concise"]));
    assert!(
        plain
            .lines()
            .all(|l| l.ends_with("(value is not of type \"string\")")),
        "{plain}"
    );
}

#[test]
fn no_blame_outside_git_or_when_turned_off() {
    let repo = history();
    for f in findings(repo.path(), &["--no-blame"]) {
        assert!(f["blame"].is_null());
    }
    let plain = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(plain.path().join("policies")).unwrap();
    std::fs::write(
        plain.path().join("policies/p.yaml"),
        "aims-kind: ai-policy\nowner: 3\n",
    )
    .unwrap();
    let o = run_in(plain.path(), &["--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["summary"]["history"].is_null());
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["blame"].is_null())
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_repository_without_commits_has_only_untracked_lines() {
    let repo = Repo::new();
    repo.write("policies/p.yaml", "aims-kind: ai-policy\nowner: 3\n");
    let found = findings(repo.path(), &[]);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|f| f["blame"]["status"] == "untracked"),
        "{found:#?}"
    );
}

#[test]
fn mailmap_entries_of_every_form_map_authors_as_git_does() {
    // One line by each identity; the mailmap maps some by e-mail (in another case), some by
    // name and e-mail, and leaves one alone.
    let repo = Repo::new();
    repo.write(
        "aims-lint.toml",
        "[documents]\nnote = [\"notes/*.yaml\"]\n\n[rules]\npaths = [\"org-rules\"]\n",
    )
    .write("org-rules/x-not-text.yaml", RULE)
    .write(
        ".mailmap",
        "Eve Hopper <eve@example.org> <EVE@old.example>\n\
         <ops@example.org> <ops@old.example>\n\
         Build Bot <bot@example.org> ci <ci@example.org>\n\
         Ada Lovelace <ada@example.org> Ada <shared@example.org>\n\
         Bob Babbage <shared@example.org>\n",
    );
    let authors = [
        ("eve", "eve@old.example"),
        ("Ops", "OPS@old.example"),
        ("CI", "ci@example.org"),
        ("someone", "ci@example.org"),
        ("ada", "shared@example.org"),
        ("bob", "shared@example.org"),
        ("Zed", "zed@example.org"),
    ];
    for (i, (name, email)) in authors.iter().enumerate() {
        let text = (1..=authors.len()).fold(String::new(), |mut out, k| {
            let v = if k <= i + 1 { "1" } else { "\"x\"" };
            let _ = writeln!(out, "k{k}: {v}");
            out
        });
        repo.write("notes/a.yaml", text);
        repo.commit_as(
            name,
            email,
            &format!("2026-02-0{}T09:00:00+00:00", i + 1),
            "one more",
        );
    }
    let found = findings(repo.path(), &[]);
    assert_eq!(found.len(), authors.len());
    for f in &found {
        let line = f["span"]["start"]["line"].as_u64().unwrap();
        assert_eq!(
            f["blame"],
            git_blame(repo.path(), "notes/a.yaml", line, true),
            "line {line}"
        );
    }
    let shown: Vec<String> = found
        .iter()
        .map(|f| {
            format!(
                "{} <{}>",
                f["blame"]["author_name"].as_str().unwrap(),
                f["blame"]["author_email"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "Eve Hopper <eve@example.org>",
            "Ops <ops@example.org>",
            "Build Bot <bot@example.org>",
            "someone <ci@example.org>",
            "Ada Lovelace <ada@example.org>",
            "Bob Babbage <shared@example.org>",
            "Zed <zed@example.org>",
        ]
    );
}
