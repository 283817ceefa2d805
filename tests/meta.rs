//! Checks on the rule catalogue itself, so that a rule cannot land half-done.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use std::path::{Path, PathBuf};

use aims_lint::config::Settings;
use aims_lint::rules::{BUILTIN_RULES, Check, Registry};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

#[test]
fn every_rule_directory_is_a_built_in_rule_with_fixtures() {
    let mut dirs: Vec<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    dirs.sort();
    let registry = Registry::load(&Settings::defaults(rules_dir())).unwrap();
    let ids: Vec<&str> = registry
        .rules()
        .iter()
        .map(|r| r.info.id.as_str())
        .collect();
    assert_eq!(
        dirs, ids,
        "every directory in rules/ holds exactly one rule named after it"
    );
    assert_eq!(BUILTIN_RULES.len(), ids.len());
    for id in ids {
        for which in ["pass", "fail"] {
            let n = std::fs::read_dir(rules_dir().join(id).join(which)).map_or(0, Iterator::count);
            assert!(n > 0, "{id} has no {which} fixture");
        }
    }
}

#[test]
fn no_orphan_snapshots() {
    for entry in std::fs::read_dir(rules_dir())
        .unwrap()
        .filter_map(Result::ok)
    {
        let snaps = entry.path().join("snapshots");
        let Ok(files) = std::fs::read_dir(&snaps) else {
            continue;
        };
        for snap in files.filter_map(Result::ok) {
            let name = snap.file_name().to_string_lossy().to_string();
            let fixture = name
                .strip_suffix(".snap")
                .unwrap_or_else(|| panic!("stray file {name}"));
            assert!(
                entry.path().join("fail").join(fixture).exists(),
                "{} has no fail fixture `{fixture}`: delete the snapshot",
                snap.path().display()
            );
        }
    }
}

#[test]
fn docs_have_the_fixed_headings_and_messages_their_style() {
    let registry = Registry::load(&Settings::defaults(rules_dir())).unwrap();
    for rule in registry.rules() {
        for heading in ["## What it checks", "## Why it matters", "## References"] {
            assert!(
                rule.docs.contains(heading),
                "{}: docs lack `{heading}`",
                rule.info.id
            );
        }
        let m = &rule.info.message;
        assert!(
            m.chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '`'),
            "{}: {m}",
            rule.info.id
        );
        assert!(
            !m.ends_with('.'),
            "{}: message ends with a period",
            rule.info.id
        );
        assert!(!rule.info.help.trim().is_empty());
        // Named after what it flags: the kind it checks comes first, or, for a rule of every
        // governance document, `governance-document`. A check of aims-lint itself concerns
        // every file.
        assert!(
            rule.check.is_some_and(Check::is_builtin)
                || rule
                    .applies_to
                    .iter()
                    .any(|k| rule.info.id.starts_with(k.as_str()))
                || (rule.applies_to.len() > 2 && rule.info.id.starts_with("governance-document-")),
            "{}: a rule id starts with the document kind it checks",
            rule.info.id
        );
    }
}

#[test]
fn the_meta_schema_is_valid_json_schema() {
    let schema: serde_json::Value = serde_json::from_str(aims_lint::rules::META_SCHEMA).unwrap();
    assert!(aims_lint::rules::compile(&schema).is_ok());
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

/// Every finding aims-lint's own code reports has its rule file, with the check that reports
/// it, no control and no kinds; and the meta-schema names exactly these checks as built-in.
#[test]
fn every_built_in_check_is_tied_to_its_rule_files() {
    let registry = Registry::load(&Settings::defaults(rules_dir())).unwrap();
    let mut tied = 0;
    for check in Check::BUILTIN {
        assert!(check.is_builtin());
        let reported = check.reports();
        assert!(!reported.is_empty(), "{check:?} reports nothing");
        for info in reported {
            let rule = registry
                .rule(&info.id)
                .unwrap_or_else(|| panic!("`{}` has no rules/{0}/rule.yaml", info.id));
            assert_eq!(rule.check, Some(check), "{}", info.id);
            assert!(rule.info.control.is_none() && rule.applies_to.is_empty());
            // The finding and the rule share one metadata record.
            assert!(std::sync::Arc::ptr_eq(info, &rule.info), "{}", info.id);
            tied += 1;
        }
    }
    let builtin_rules = registry
        .rules()
        .iter()
        .filter(|r| r.check.is_some_and(Check::is_builtin))
        .count();
    assert_eq!(
        tied, builtin_rules,
        "a built-in rule that no Rust check reports"
    );
    let schema: serde_json::Value = serde_json::from_str(aims_lint::rules::META_SCHEMA).unwrap();
    let names: Vec<String> = Check::BUILTIN.iter().map(|c| c.name()).collect();
    assert_eq!(
        schema["if"]["properties"]["check"]["enum"],
        serde_json::json!(names)
    );
}
