//! The subcommands: `check`, `files`, `rules`, `explain`, `init`.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use miette::IntoDiagnostic;

use crate::ExitStatus;
use crate::baseline::Baseline;
use crate::blame::Blamer;
use crate::changes::Changes;
use crate::cli::{
    BaselineArgs, CheckArgs, ColorChoice, CommonArgs, ExplainArgs, FailOn, FilesArgs, InitArgs,
    ListFormat, RulesArgs,
};
use crate::config::{self, Settings};
use crate::controls;
use crate::discover::{self, absolute};
use crate::explain;
use crate::finding::Finding;
use crate::finding::Severity;
use crate::init;
use crate::kinds;
use crate::lint::{self, History, Outcome};
use crate::policy::Selector;
use crate::report::{self, Options};
use crate::rules::{Registry, suggest_rule};
use crate::touched;
use crate::visible::visible;

/// The folder `path` is (absolute), or the folder it is in; `root` if it has none.
fn folder_of(path: &Path, root: &Path) -> PathBuf {
    let abs = absolute(path);
    if abs.is_dir() {
        abs
    } else {
        abs.parent()
            .map_or_else(|| root.to_path_buf(), Path::to_path_buf)
    }
}

/// The configuration that every path comes under: the nearest aims-lint.toml above the first,
/// and the same for all the others. With many files (as pre-commit passes them), a decoy
/// aims-lint.toml in a folder that sorts first must not decide for all of them.
fn configuration_of(
    paths: &[PathBuf],
    first: &Path,
    start_dir: &Path,
    root: &Path,
) -> miette::Result<Option<PathBuf>> {
    let file = config::find(start_dir, root);
    // Every path must come under the same configuration: with many files (as
    // pre-commit passes them), a decoy aims-lint.toml in a folder that sorts first
    // must not decide for all of them.
    for other in paths.iter().skip(1) {
        let theirs = config::find(&folder_of(other, root), root);
        if theirs != file {
            let name = |f: &Option<PathBuf>| {
                f.as_ref().map_or_else(
                    || "no configuration".to_string(),
                    |f| visible(&discover::display(f, root)).into_owned(),
                )
            };
            return Err(miette::miette!(
                help = "run aims-lint once per configuration, or name one with `--config`",
                "{} comes under {}, but {} comes under {}",
                visible(&discover::display(first, root)),
                name(&file),
                visible(&discover::display(other, root)),
                name(&theirs)
            ));
        }
    }
    Ok(file)
}

/// What every command needs: the root, the settings and the rules.
struct Project {
    root: PathBuf,
    /// The run's one handle of the git repository (blame, changes, history and discovery
    /// clone it), `None` outside one.
    git: Option<gix::ThreadSafeRepository>,
    settings: Settings,
    registry: Registry,
    /// Every rule id: the loaded rules and the checks without a control.
    known_ids: Vec<String>,
}

impl Project {
    fn load(paths: &[PathBuf], common: &CommonArgs) -> miette::Result<Self> {
        let first = paths
            .first()
            .map_or_else(|| PathBuf::from("."), Clone::clone);
        let root = discover::find_root(&first);
        let start_dir = folder_of(&first, &root);
        let file = match &common.config {
            Some(f) => Some(f.clone()),
            None => configuration_of(paths, &first, &start_dir, &root)?,
        };
        let mut settings = match file {
            Some(f) => config::load(&f).map_err(|e| miette::Report::new(*e))?,
            None => Settings::defaults(root.clone()),
        };
        if let Some(now) = &common.now {
            settings.today.clone_from(now);
        }
        let registry = Registry::load(&settings).map_err(|e| miette::Report::new(*e))?;
        let known_ids: Vec<String> = registry.rules().iter().map(|r| r.info.id.clone()).collect();
        let known: Vec<&str> = known_ids.iter().map(String::as_str).collect();
        settings
            .check_rule_ids(&known)
            .map_err(|e| miette::Report::new(*e))?;
        Ok(Self {
            git: crate::git::open(&root),
            root,
            settings,
            registry,
            known_ids,
        })
    }

    /// `--select` replaces the file's `select`; `--ignore` adds to its `ignore`.
    fn apply_cli_selection(&mut self, select: &[String], ignore: &[String]) -> miette::Result<()> {
        let known = &self.known_ids;
        let parse = |list: &[String]| -> miette::Result<Vec<Selector>> {
            list.iter()
                .map(|s| {
                    let selector = Selector::parse(s).map_err(|why| miette::miette!("{why}"))?;
                    if let Selector::Rule(id) = &selector
                        && !known.contains(id)
                    {
                        return Err(miette::miette!(
                            help = suggest_rule(id, known.iter().map(String::as_str)),
                            "no rule has the id `{id}`"
                        ));
                    }
                    Ok(selector)
                })
                .collect()
        };
        let select = if select.is_empty() {
            None
        } else {
            Some(parse(select)?)
        };
        let ignore = parse(ignore)?;
        if select.is_some() {
            self.settings.policy.select = select;
        }
        self.settings.policy.ignore.extend(ignore);
        Ok(())
    }

    /// The `[documents]` globs that match none of `candidates`.
    fn unmatched_globs(&self, candidates: &[discover::Candidate]) -> Vec<String> {
        let base = &self.settings.base;
        let rels: Vec<String> = candidates
            .iter()
            .map(|c| discover::display(&c.path, base))
            .collect();
        let mut out = Vec::new();
        for (kind, texts, _) in &self.settings.documents {
            for text in texts {
                let Ok(glob) = config::compile_glob(text) else {
                    continue;
                };
                let matcher = glob.compile_matcher();
                if !rels.iter().any(|r| matcher.is_match(r)) {
                    out.push(format!(
                        "aims-lint.toml: `[documents]` {kind} = \"{}\" matches no file of the repository: fix the glob (relative to the folder of aims-lint.toml), or remove it",
                        visible(text)
                    ));
                }
            }
        }
        out
    }

    fn lint(&self, paths: &[PathBuf], threads: Option<usize>) -> miette::Result<Outcome> {
        let paths = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        };
        let (candidates, skipped, mut errors) = discover::discover_in(
            &paths,
            &self.root,
            self.git.as_ref().map(crate::git::handle).as_ref(),
        );
        // On the whole repository, a `[documents]` glob that matches no file is a typo or a
        // folder renamed to escape it: it classifies nothing, and says so.
        if paths.iter().all(|p| absolute(p) == absolute(&self.root)) {
            errors.extend(self.unmatched_globs(&candidates));
        }
        // The corpus rules see every document under aims-lint.toml's folder: a run on some
        // files (as pre-commit makes it) reads the others for the corpus, and reports on the
        // files named only.
        let scope = absolute(&self.settings.base);
        let context: Vec<discover::Candidate> =
            if paths.iter().any(|p| scope.starts_with(absolute(p))) {
                Vec::new()
            } else {
                let (all, _, _) = discover::discover_in(
                    &[scope],
                    &self.root,
                    self.git.as_ref().map(crate::git::handle).as_ref(),
                );
                let named: std::collections::HashSet<&str> =
                    candidates.iter().map(|c| c.rel.as_str()).collect();
                all.into_iter()
                    .filter(|c| !named.contains(c.rel.as_str()))
                    .collect()
            };
        let run = || {
            lint::lint(
                &candidates,
                &context,
                &self.settings,
                &self.registry,
                &self.root,
                self.git.as_ref(),
            )
        };
        let mut outcome = match threads {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .into_diagnostic()?
                .install(run),
            None => run(),
        };
        outcome.skipped.extend(skipped);
        outcome.skipped.sort();
        outcome.errors.extend(errors);
        Ok(outcome)
    }
}

/// Whether to colour a stream.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("NO_COLOR") {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0" && !v.is_empty())
            {
                true
            } else {
                is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// Report per-file errors on stderr; they make the run exit with 2.
fn print_errors(errors: &[String]) {
    for e in errors {
        #[allow(clippy::print_stderr, reason = "errors about paths go to stderr")]
        {
            eprintln!("aims-lint: error: {}", crate::visible::visible_lines(e));
        }
    }
}

/// Write with `f`; a closed pipe (`aims-lint | head`) ends the run quietly.
fn emit(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> miette::Result<bool> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).into_diagnostic(),
    }
}

/// `https://github.com/<owner>/<repo>/blob/<sha>` inside GitHub Actions.
fn github_link_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

/// Keep the findings of changed files, apply the baseline as the merge base had it, and report
/// changes to the gate: the configuration, custom rules, suppression comments and the
/// baseline. These are added after the configuration and the baseline were applied, so that a
/// change cannot hide itself.
fn narrow_to_changes(
    project: &Project,
    changes: &Changes,
    outcome: &mut Outcome,
    baseline: Option<(&Path, &Baseline)>,
    allow_gate_changes: bool,
) -> miette::Result<()> {
    let mut since = changes.since();
    // A cross-document finding on an unchanged document is kept when the change broke it.
    since.unchanged = changes.retain_changed_or_broken(&mut outcome.findings, |f| {
        project
            .registry
            .rule(&f.rule.id)
            .is_some_and(|r| r.check == Some(crate::rules::Check::Reference))
    });
    outcome
        .suppressed
        .retain(|s| changes.is_changed(s.finding.path()));
    let settings = &project.settings;
    let mut gate: Vec<Finding> = Vec::new();
    if let Some((file, current)) = baseline {
        // Entries the merge base's baseline does not have waive nothing: a pull request
        // cannot regenerate the baseline to waive its own findings.
        let at_base = match changes.at_base(file) {
            Some(bytes) => Baseline::parse(&String::from_utf8_lossy(&bytes), file)
                .map_err(|e| miette::miette!("{e} (the baseline at the merge base)"))?,
            None => Baseline::default(),
        };
        outcome.baselined = current.common_with(&at_base).filter(&mut outcome.findings);
        gate.extend(changes.baseline_finding(file));
    }
    gate.extend(
        settings
            .file
            .as_deref()
            .and_then(|f| changes.config_finding(f)),
    );
    gate.extend(changes.config_gone_finding(settings.file.as_deref()));
    gate.extend(changes.rule_findings(&settings.rule_paths));
    gate.extend(changes.suppression_findings(&outcome.suppressions));
    let checked: Vec<&str> = outcome.documents.iter().map(|d| d.rel.as_str()).collect();
    gate.extend(changes.removed_documents(settings, &checked));
    let kinds: Vec<(&str, &str)> = outcome
        .documents
        .iter()
        .map(|d| (d.rel.as_str(), d.kind.as_str()))
        .collect();
    gate.extend(changes.kind_changes(settings, &kinds));
    if allow_gate_changes {
        for f in &mut gate {
            f.severity = Severity::Warning;
        }
    }
    outcome.findings.extend(gate);
    outcome
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.changed = Some(since);
    Ok(())
}

/// `aims-lint check`.
pub fn check(args: &CheckArgs) -> miette::Result<ExitStatus> {
    let mut project = Project::load(&args.paths, &args.common)?;
    project.apply_cli_selection(&args.select, &args.ignore)?;
    let changes = args
        .changed_since
        .as_deref()
        .map(|r| match &project.git {
            Some(repo) => Changes::new(crate::git::handle(repo), &project.root, r),
            None => Changes::open(&project.root, r),
        })
        .transpose()
        .map_err(|e| miette::miette!("{e}"))?;
    let baseline = args
        .baseline
        .as_deref()
        .map(|file| Baseline::read(file).map(|b| (file, b)))
        .transpose()
        .map_err(|e| miette::miette!("{e}"))?;
    let mut outcome = project.lint(&args.paths, args.common.threads)?;
    if let Some(changes) = &changes {
        let now = touched::errors_per_control(&outcome.findings, &project.registry);
        let at_base = if args.fail_on_regression {
            Some(
                touched::errors_at_base(
                    changes,
                    &project.settings,
                    &project.registry,
                    &project.root,
                )
                .map_err(|e| miette::miette!("{e}"))?,
            )
        } else {
            None
        };
        let baseline = baseline.as_ref().map(|(f, b)| (*f, b));
        narrow_to_changes(
            &project,
            changes,
            &mut outcome,
            baseline,
            args.allow_gate_changes,
        )?;
        let controls = touched::controls(
            &outcome,
            changes,
            &project.settings,
            &project.registry,
            &now,
            at_base.as_ref(),
        );
        if let Some(since) = &mut outcome.changed {
            since.controls = controls;
            since.fail_on_regression = args.fail_on_regression;
        }
    } else if let Some((_, baseline)) = &baseline {
        outcome.baselined = baseline.filter(&mut outcome.findings);
    }
    if !args.no_blame
        && !outcome.findings.is_empty()
        && let Some(blamer) = project
            .git
            .as_ref()
            .map(|r| Blamer::new(crate::git::handle(r)))
    {
        blamer.annotate(&project.root, &mut outcome.findings);
        outcome.history = if blamer.is_shallow() {
            History::Truncated
        } else {
            History::Complete
        };
    }
    let tty = io::stdout().is_terminal();
    let options = Options {
        concise_blame: args.concise_blame,
        link_base: github_link_base(),
        color: use_color(args.common.color, tty),
        width: if tty {
            terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
        } else {
            100
        },
    };
    if !emit(|out| report::write(out, &outcome, args.format, &options, &project.registry))? {
        return Ok(ExitStatus::Success);
    }
    print_errors(&outcome.errors);
    if !outcome.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| fails(&outcome, &project.registry, t));
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Whether the run fails at `threshold`: on any finding that severe or worse; with
/// `--fail-on-regression`, on a control that got worse, and on what no control's count can
/// hold: a file that cannot be read, a change to the gate, a finding from the history of a
/// changed file (the merge base is checked without a history).
fn fails(outcome: &Outcome, registry: &Registry, threshold: Severity) -> bool {
    let severe = |f: &&Finding| f.severity >= threshold;
    match outcome.changed.as_ref().filter(|c| c.fail_on_regression) {
        Some(since) => {
            since.controls.iter().any(touched::Control::regressed)
                || outcome.findings.iter().filter(severe).any(|f| {
                    f.rule.control.is_none()
                        || registry
                            .rule(&f.rule.id)
                            .and_then(|r| r.check)
                            .is_some_and(crate::rules::Check::is_history)
                })
        }
        None => outcome.findings.iter().any(|f| severe(&f)),
    }
}

/// `aims-lint files`.
pub fn files(args: &FilesArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    if args.kinds {
        let kinds = project.settings.kinds();
        emit(|out| {
            for k in kinds {
                let about = kinds::BUILTIN
                    .iter()
                    .find(|(b, _)| b == k)
                    .map_or("added in aims-lint.toml", |(_, a)| a);
                writeln!(out, "{k:<28} {about}")?;
            }
            Ok(())
        })?;
        return Ok(ExitStatus::Success);
    }
    let outcome = project.lint(&args.paths, args.common.threads)?;
    emit(|out| {
        let width = outcome
            .documents
            .iter()
            .map(|d| d.rel.len())
            .max()
            .unwrap_or(0);
        for d in &outcome.documents {
            writeln!(
                out,
                "{:<28} {:<width$}  {}",
                visible(&d.kind),
                visible(&d.rel),
                visible(&d.reason.to_string())
            )?;
        }
        if args.all {
            for s in &outcome.skipped {
                writeln!(
                    out,
                    "{:<28} {:<width$}  {}",
                    "(skipped)",
                    visible(&s.rel),
                    visible(&s.reason)
                )?;
            }
        }
        Ok(())
    })?;
    print_errors(&outcome.errors);
    Ok(if outcome.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// `aims-lint rules`.
pub fn rules(args: &RulesArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&[], &args.common)?;
    let rules = project.registry.rules();
    let n_covered = controls::CONTROLS
        .iter()
        .filter(|(id, _)| project.registry.for_control(id).next().is_some())
        .count();
    if args.format == ListFormat::Json {
        // A control or clause, and the rules that check it.
        let with_rules = |id: &str, title: &str| {
            serde_json::json!({
                "id": id,
                "title": title,
                "rules": project.registry
                    .for_control(id)
                    .map(|r| r.info.id.as_str())
                    .collect::<Vec<_>>(),
            })
        };
        let json = serde_json::json!({
            "version": 1,
            "rules": rules.iter().map(|r| serde_json::json!({
                "id": r.info.id,
                "control": r.info.control,
                "control_title": r.info.control.as_deref().and_then(controls::title),
                "title": r.title,
                "severity": r.info.severity.to_string(),
                "applies-to": r.applies_to,
                "message": r.info.message,
                "help": r.info.help,
                "origin": r.origin,
            })).collect::<Vec<_>>(),
            "controls": controls::CONTROLS.iter().map(|(id, title)| with_rules(id, title)).collect::<Vec<_>>(),
            // Clauses of the management system with rules (risk register, SoA).
            "clauses": controls::CLAUSES.iter().map(|(id, title, _)| with_rules(id, title)).collect::<Vec<_>>(),
            // Controls whose evidence cannot live in a repository; the catalog declares none.
            "out_of_scope": [],
        });
        emit(|out| {
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)
        })?;
        return Ok(ExitStatus::Success);
    }
    let builtin = rules.iter().filter(|r| r.info.control.is_none()).count();
    let clauses = controls::CLAUSES.map(|(id, _, _)| id);
    emit(|out| {
        writeln!(
            out,
            "{:<46} {:<8} {:<8} {:<28} TITLE",
            "RULE", "CONTROL", "SEVERITY", "APPLIES TO"
        )?;
        for r in rules {
            let applies = if r.applies_to.is_empty() {
                "(any)".to_string()
            } else {
                r.applies_to.join(",")
            };
            writeln!(
                out,
                "{:<46} {:<8} {:<8} {:<28} {}",
                r.info.id,
                r.info.control.as_deref().unwrap_or("-"),
                r.info.severity,
                applies,
                r.title
            )?;
        }
        writeln!(
            out,
            "\n{} rules and {} checks of aims-lint itself (control `-`); {n_covered} of {} Annex A controls have at least one rule, and so have clauses {} and {}. \
             `aims-lint explain <rule|control>` tells more.",
            rules.len() - builtin,
            builtin,
            controls::CONTROLS.len(),
            clauses[..clauses.len() - 1].join(", "),
            clauses[clauses.len() - 1]
        )
    })?;
    Ok(ExitStatus::Success)
}

/// `aims-lint explain`.
pub fn explain(args: &ExplainArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&[], &args.common)?;
    // Control ids are written `A.7.5`; accept `a.7.5` too.
    let name = args.name.trim();
    let upper;
    let name = match name.strip_prefix("a.") {
        Some(rest) => {
            upper = format!("A.{rest}");
            upper.as_str()
        }
        None => name,
    };
    let text = if let Some(rule) = project.registry.rules().iter().find(|r| r.info.id == name) {
        explain::rule_markdown(rule)
    } else if let Some(text) = explain::control_markdown(name, &project.registry) {
        text
    } else if name.starts_with("A.") || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(miette::miette!(
            help = "run `aims-lint rules` to see every control and its rules",
            "{}",
            controls::explain_unknown(name)
        ));
    } else {
        return Err(miette::miette!(
            help = suggest_rule(name, project.known_ids.iter().map(String::as_str)),
            "`{name}` is neither a rule nor an Annex A control"
        ));
    };
    emit(|out| out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Success)
}

/// Replace `path` with `bytes` whole: written to a new file beside it, then renamed over it,
/// so that a reader never sees half a file and a link in its place is replaced, not written
/// through. Unless the user named the path (`explicit`), a path that is or passes through a
/// symbolic link is refused: a link shipped in a repository must not redirect the write.
fn write_replacing(path: &Path, bytes: &[u8], explicit: bool) -> miette::Result<()> {
    let shown = || visible(&path.display().to_string()).into_owned();
    let mut target = path.to_path_buf();
    let mut prefix = PathBuf::new();
    for part in path.components() {
        prefix.push(part);
        if std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink()) {
            if !explicit {
                return Err(miette::miette!(
                    help = "remove the link, or name the file with `--output` to write through it",
                    "{} is or passes through a symbolic link ({}): not written",
                    shown(),
                    visible(&prefix.display().to_string())
                ));
            }
            target = path
                .canonicalize()
                .or_else(|_| {
                    path.parent()
                        .unwrap_or(Path::new("."))
                        .canonicalize()
                        .map(|d| d.join(path.file_name().unwrap_or_default()))
                })
                .into_diagnostic()?;
            break;
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(miette::miette!("cannot write {}: {e}", shown()));
    }
    Ok(())
}

/// `aims-lint baseline`.
pub fn baseline(args: &BaselineArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    let outcome = project.lint(&args.paths, args.common.threads)?;
    print_errors(&outcome.errors);
    if !outcome.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let baseline = Baseline::of(&outcome.findings);
    let mut text = serde_json::to_string_pretty(&baseline).into_diagnostic()?;
    text.push('\n');
    let explicit = args.output.is_some();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("aims-lint-baseline.json"));
    write_replacing(&output, text.as_bytes(), explicit)?;
    emit(|out| {
        writeln!(
            out,
            "wrote {} findings to {}; `aims-lint check --baseline {}` reports only new ones",
            baseline.findings.len(),
            visible(&output.display().to_string()),
            visible(&output.display().to_string())
        )
    })?;
    Ok(ExitStatus::Success)
}

/// `aims-lint init`.
pub fn init(args: &InitArgs) -> miette::Result<ExitStatus> {
    let written = init::init(&args.dir).map_err(miette::Report::new)?;
    let dir = args.dir.display();
    emit(|out| {
        writeln!(out, "wrote {} files to {dir}:", written.len())?;
        for rel in written.iter().filter(|r| !r.starts_with(init::SCHEMA_DIR)) {
            writeln!(out, "  {rel}")?;
        }
        writeln!(
            out,
            "  {}/ (JSON Schemas for editors)\n\nnext: aims-lint check {dir}",
            init::SCHEMA_DIR
        )
    })?;
    Ok(ExitStatus::Success)
}
