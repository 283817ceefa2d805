//! What every command needs: the repository's root, the configuration every path comes under,
//! the settings and rules it gives, and the run's one handle of the git repository.

use std::path::{Path, PathBuf};

use crate::cli::CommonArgs;
use crate::config::{self, Settings};
use crate::discover::{self, absolute};
use crate::rules::{Registry, suggest_rule};
use crate::selection::Selector;
use crate::visible::visible;

use super::Outcome;

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
pub struct Project {
    /// The repository's root (the work tree), or the folder checked outside git.
    pub root: PathBuf,
    /// The run's one handle of the git repository (blame, changes, history and discovery
    /// clone it), `None` outside one.
    pub git: Option<gix::ThreadSafeRepository>,
    /// The settings of the configuration every path comes under.
    pub settings: Settings,
    /// The built-in rules and the configuration's own.
    pub registry: Registry,
    /// Every rule id.
    pub known_ids: Vec<String>,
}

impl Project {
    /// Find the repository, the configuration every path comes under, its settings (with
    /// `--now`), the rules, and the git repository.
    ///
    /// # Errors
    /// A configuration or rule file that cannot be used, or paths under different
    /// configurations.
    pub fn load(paths: &[PathBuf], common: &CommonArgs) -> miette::Result<Self> {
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
    /// # Errors
    /// A selector that names no rule or control.
    pub fn apply_cli_selection(
        &mut self,
        select: &[String],
        ignore: &[String],
    ) -> miette::Result<()> {
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
            self.settings.selection.select = select;
        }
        self.settings.selection.ignore.extend(ignore);
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

    /// Discover the documents under `paths` and run [`super::lint`] on them (with `threads`
    /// worker threads, or one per core).
    ///
    /// # Errors
    /// The thread pool cannot be built.
    pub fn lint(&self, paths: &[PathBuf], threads: Option<usize>) -> miette::Result<Outcome> {
        self.lint_with(paths, threads, &self.settings)
    }

    /// [`Project::lint`] with `settings` in place of the project's (the same, with what a
    /// command adds to them).
    ///
    /// # Errors
    /// The thread pool cannot be built.
    pub fn lint_with(
        &self,
        paths: &[PathBuf],
        threads: Option<usize>,
        settings: &crate::config::Settings,
    ) -> miette::Result<Outcome> {
        let paths = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        };
        // Discovery walks folders on the same threads as the checks.
        let run = || {
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
            let scope = absolute(&settings.base);
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
            let mut outcome = super::lint(
                candidates,
                context,
                settings,
                &self.registry,
                &self.root,
                self.git.as_ref(),
            );
            // A link or a special file where a document would be stays skipped (`files` says
            // why) and is a finding: the gate does not pass over a document it did not read.
            outcome.findings.extend(
                skipped
                    .iter()
                    .filter_map(|s| super::files::not_regular(s, settings, &self.root)),
            );
            outcome.skipped.extend(skipped);
            outcome
                .findings
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            outcome.skipped.sort();
            outcome.errors.extend(errors);
            outcome
        };
        on_threads(threads, run)
    }
}

/// Run `f` on `threads` worker threads (`--threads`), or on the threads it is on when that is
/// already so or `threads` is `None` (one per core): a run that `aims_lint::run` put on its
/// pool does not start a second one.
///
/// # Errors
/// The threads cannot be started.
pub fn on_threads<R: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> R + Send,
) -> miette::Result<R> {
    // Outside a pool, asking for the thread count would start rayon's global pool.
    let on_a_pool_of =
        |n| rayon::current_thread_index().is_some() && rayon::current_num_threads() == n;
    match threads {
        Some(n) if !on_a_pool_of(n) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| miette::miette!("cannot start {n} worker threads: {e}"))?
            .install(f)),
        _ => Ok(f()),
    }
}

#[cfg(test)]
mod tests {
    use super::on_threads;

    #[test]
    fn a_run_on_n_threads_starts_a_pool_only_where_it_is_not_already_on_one_of_n() {
        let here = std::thread::current().id();
        // No count asked: where it is.
        assert_eq!(
            on_threads(None, || std::thread::current().id()).unwrap(),
            here
        );
        let (outer, inner, threads, other) = on_threads(Some(1), || {
            let outer = std::thread::current().id();
            // Asked again for the same count: the same pool, so the same one thread.
            let inner = on_threads(Some(1), || std::thread::current().id()).unwrap();
            let threads = rayon::current_num_threads();
            let other = on_threads(Some(2), rayon::current_num_threads).unwrap();
            (outer, inner, threads, other)
        })
        .unwrap();
        assert_ne!(outer, here);
        assert_eq!(inner, outer);
        assert_eq!((threads, other), (1, 2));
    }
}
