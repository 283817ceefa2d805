//! Who last changed the line of each finding: git blame with gix, in-process.
//!
//! Only files that have findings are blamed, and only the lines of their findings, all of
//! them in one walk of the history ([`walk`](super::walk)). Blame starts from the working
//! tree, as `git blame <file>` does, so a line changed but not committed is reported as such.
//! Renames are followed and `.mailmap` is honoured, as git does by default.
//!
//! Shallow clones (CI checkouts with `fetch-depth: 1`) have no history past their boundary
//! commits: the walk stops there, lines older than the clone are attributed to the boundary
//! commit, as git does, and marked `boundary`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use serde::Serialize;

use super::walk;
use crate::finding::Finding;

/// How a line relates to the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Last changed by the commit named.
    Committed,
    /// Changed in the working tree and not committed.
    Uncommitted,
    /// The file is not in `HEAD`.
    Untracked,
    /// Older than a shallow clone's history: attributed to its boundary commit.
    Boundary,
}

/// Who last changed a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blame {
    /// See [`Status`].
    pub status: Status,
    /// Full commit id (committed and boundary lines).
    pub commit: Option<String>,
    /// Author name, after `.mailmap`.
    pub author_name: Option<String>,
    /// Author e-mail, after `.mailmap`.
    pub author_email: Option<String>,
    /// Author time, RFC 3339 with the author's offset.
    pub author_time: Option<String>,
    /// First line of the commit message.
    pub summary: Option<String>,
}

impl Blame {
    fn without_commit(status: Status) -> Self {
        Self {
            status,
            commit: None,
            author_name: None,
            author_email: None,
            author_time: None,
            summary: None,
        }
    }

    /// One line for people, e.g. `last changed by Ada <ada@example.org> in 1a2b3c4 on
    /// 2026-03-02: tighten provenance`.
    #[must_use]
    pub fn describe(&self) -> String {
        let short = self.commit.as_deref().map_or("", |c| &c[..c.len().min(7)]);
        let who = format!(
            "{} <{}>",
            self.author_name.as_deref().unwrap_or("?"),
            self.author_email.as_deref().unwrap_or("?")
        );
        let date = self
            .author_time
            .as_deref()
            .map_or("", |t| &t[..t.len().min(10)]);
        let summary = self.summary.as_deref().unwrap_or("");
        match self.status {
            Status::Committed => format!("last changed by {who} in {short} on {date}: {summary}"),
            Status::Boundary => format!(
                "last changed in or before {short} by {who} on {date}: {summary} (shallow clone: older history is not here)"
            ),
            Status::Uncommitted => "changed in the working tree, not committed yet".to_string(),
            Status::Untracked => "the file is not committed yet".to_string(),
        }
    }
}

/// A repository ready to blame.
pub struct Blamer {
    repo: gix::Repository,
    head: Option<ObjectId>,
    /// A shallow clone's boundary commits: their parents are not here.
    boundary: HashSet<ObjectId>,
}

impl Blamer {
    /// Blame with `repo` (a handle of the run's repository).
    #[must_use]
    pub fn new(repo: gix::Repository) -> Self {
        let head = repo.head_id().ok().map(gix::Id::detach);
        let boundary = match repo.shallow_commits() {
            Ok(Some(commits)) => commits.iter().copied().collect(),
            _ => HashSet::new(),
        };
        Self {
            repo,
            head,
            boundary,
        }
    }

    /// True in a shallow clone.
    #[must_use]
    pub fn is_shallow(&self) -> bool {
        !self.boundary.is_empty()
    }

    /// Set the blame of every finding in `findings` whose file is in the work tree.
    pub fn annotate(&self, root: &Path, findings: &mut [Finding]) {
        // By path: the lines, and the size the run read (the file is read again, no larger,
        // and never through a link: the text the run checked has its byte-order mark removed,
        // which git's blob still has).
        let mut by_path: BTreeMap<&str, (Vec<u32>, u64)> = BTreeMap::new();
        for f in findings.iter() {
            if !f.path().starts_with('/') {
                let size = f.source.len() as u64 + 3;
                by_path
                    .entry(f.path())
                    .or_insert((Vec::new(), size))
                    .0
                    .push(f.span.start.line);
            }
        }
        crate::progress::stage(
            "blaming lines",
            by_path.values().map(|(lines, _)| lines.len()).sum(),
        );
        // Each file is read, given to the walk and dropped: the walk keeps only the lines.
        let mut walk = self
            .head
            .map(|head| walk::Walk::new(&self.repo, head, &self.boundary));
        let mut files: Vec<(String, u32)> = Vec::new();
        let mut untracked = Vec::new();
        for (path, (lines, size)) in by_path {
            let Ok(contents) = crate::source::read_regular_bytes(&root.join(path), size) else {
                continue;
            };
            // gix counts a last line without a line break; a finding just past the end is
            // attributed to the last line.
            let count = contents.lines_with_terminator().count().max(1) as u32;
            let mut lines: Vec<u32> = lines.iter().map(|l| (*l).clamp(1, count)).collect();
            lines.sort_unstable();
            lines.dedup();
            files.push((path.to_owned(), count));
            match &mut walk {
                Some(walk) => walk.add(path.into(), &contents, &lines),
                None => untracked.push(
                    lines
                        .iter()
                        .map(|&l| (l, walk::Origin::Untracked))
                        .collect(),
                ),
            }
        }
        let origins = walk.map_or(untracked, walk::Walk::finish);
        let mailmap = Mailmap::new(&self.repo.open_mailmap());
        let mut commits: HashMap<walk::Origin, Arc<Blame>> = HashMap::new();
        let mut results: HashMap<&[u8], (u32, &HashMap<u32, walk::Origin>)> = HashMap::new();
        for ((path, count), origins) in files.iter().zip(&origins) {
            results.insert(path.as_bytes(), (*count, origins));
        }
        for f in findings.iter_mut() {
            let Some((count, origins)) = results.get(f.path().as_bytes()) else {
                continue;
            };
            let Some(origin) = origins.get(&f.span.start.line.clamp(1, *count)) else {
                continue;
            };
            let blame = commits
                .entry(*origin)
                .or_insert_with(|| Arc::new(self.describe(&mailmap, *origin)));
            f.blame = Some(Arc::clone(blame));
        }
    }

    fn describe(&self, mailmap: &Mailmap, origin: walk::Origin) -> Blame {
        match origin {
            walk::Origin::Uncommitted => Blame::without_commit(Status::Uncommitted),
            walk::Origin::Untracked => Blame::without_commit(Status::Untracked),
            walk::Origin::Commit(id) => self.describe_commit(mailmap, id),
        }
    }

    fn describe_commit(&self, mailmap: &Mailmap, id: ObjectId) -> Blame {
        let repo = &self.repo;
        let status = if self.boundary.contains(&id) {
            Status::Boundary
        } else {
            Status::Committed
        };
        let mut blame = Blame::without_commit(status);
        blame.commit = Some(id.to_string());
        if let Ok(commit) = repo.find_commit(id) {
            if let Ok(author) = commit.author() {
                let (name, email) = mailmap.resolve(author.name, author.email);
                blame.author_name = Some(name.to_string());
                blame.author_email = Some(email.to_string());
                blame.author_time = author
                    .time()
                    .ok()
                    .and_then(|t| rfc3339(t.seconds, t.offset));
            }
            blame.summary = commit.message().ok().map(|m| m.summary().to_string());
        }
        blame
    }
}

/// Seconds since the epoch and an offset east of UTC in seconds as RFC 3339 in that offset,
/// `2026-01-20T07:30:00+02:00`, as `git log --date=iso-strict` prints an author time.
///
/// The numbers are read off gix's time, not formatted by it: gix's date format types belong to
/// the gix-date that gix resolves to, and a patch release of another gix crate once brought a
/// second gix-date whose types no longer matched, so that aims-lint did not compile (issue 10).
fn rfc3339(seconds: i64, offset: i32) -> Option<String> {
    let offset = jiff::tz::Offset::from_seconds(offset).ok()?;
    let time = jiff::Timestamp::from_second(seconds).ok()?;
    Some(time.display_with_offset(offset).to_string())
}

/// `.mailmap`: the identity git shows for an author, looked up as git's `map_user` does.
///
/// gix parses and merges the files (`.mailmap`, `mailmap.file`, `mailmap.blob`); the lookup is
/// ours because gix-mailmap's takes a `gix_actor::SignatureRef`, and gix-mailmap may resolve to
/// a release that depends on another gix-actor than gix does (0.36.2 did, and aims-lint no
/// longer compiled where dependencies are resolved afresh, as `cargo install` and pre-commit
/// do: issue 10). Here names and e-mails are bytes, whatever versions resolve.
#[derive(Debug, Default)]
pub(crate) struct Mailmap {
    /// By the e-mail to replace, lower-cased: git compares e-mails and names without case.
    by_email: HashMap<Vec<u8>, Identities>,
}

/// The replacements for one e-mail: for any name, and for particular names.
#[derive(Debug, Default)]
struct Identities {
    any_name: Replacement,
    by_name: HashMap<Vec<u8>, Replacement>,
}

/// What a mailmap entry puts in place of the name and the e-mail (either may stay).
#[derive(Debug, Default)]
struct Replacement {
    name: Option<Vec<u8>>,
    email: Option<Vec<u8>>,
}

impl Mailmap {
    pub(crate) fn new(snapshot: &gix::mailmap::Snapshot) -> Self {
        let mut map = Self::default();
        // The snapshot has merged its entries already: one per e-mail without a name, and one
        // per e-mail and name.
        for entry in snapshot.iter() {
            let identities = map
                .by_email
                .entry(entry.old_email().to_ascii_lowercase())
                .or_default();
            let replacement = Replacement {
                name: entry.new_name().map(|n| n.to_vec()),
                email: entry.new_email().map(|e| e.to_vec()),
            };
            match entry.old_name() {
                Some(name) => {
                    identities
                        .by_name
                        .insert(name.to_ascii_lowercase(), replacement);
                }
                None => identities.any_name = replacement,
            }
        }
        map
    }

    /// The name and e-mail to show for `name <email>`.
    pub(crate) fn resolve<'a>(&'a self, name: &'a [u8], email: &'a [u8]) -> (&'a BStr, &'a BStr) {
        let found = self.by_email.get(&email.to_ascii_lowercase()).map(|ids| {
            ids.by_name
                .get(&name.to_ascii_lowercase())
                .unwrap_or(&ids.any_name)
        });
        let pick =
            |new: Option<&'a Vec<u8>>, old: &'a [u8]| new.map_or(old, Vec::as_slice).as_bstr();
        match found {
            Some(r) => (pick(r.name.as_ref(), name), pick(r.email.as_ref(), email)),
            None => (name.as_bstr(), email.as_bstr()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_times_are_rfc3339_in_the_authors_offset() {
        assert_eq!(
            rfc3339(1_768_887_000, 7200).as_deref(),
            Some("2026-01-20T07:30:00+02:00")
        );
        assert_eq!(
            rfc3339(1_767_628_800, -5 * 3600).as_deref(),
            Some("2026-01-05T11:00:00-05:00")
        );
        // Half-hour offsets, UTC written as +00:00 (not Z), and times before 1970.
        assert_eq!(
            rfc3339(0, 5 * 3600 + 1800).as_deref(),
            Some("1970-01-01T05:30:00+05:30")
        );
        assert_eq!(rfc3339(-1, 0).as_deref(), Some("1969-12-31T23:59:59+00:00"));
        // Out of range (a corrupt commit): no time rather than a wrong one.
        assert_eq!(rfc3339(i64::MAX, 0), None);
        assert_eq!(rfc3339(0, 100 * 3600), None);
    }

    #[test]
    fn mailmap_is_looked_up_as_git_does() {
        let snapshot = gix::mailmap::Snapshot::from_bytes(
            b"Eve Hopper <eve@example.org> <eve@old.example>\n\
              <ops@example.org> <OPS@Old.Example>\n\
              Build Bot <bot@example.org> ci <ci@example.org>\n\
              Ada Lovelace <ada@example.org> Ada <shared@example.org>\n\
              Bob Babbage <shared@example.org>\n",
        );
        let map = Mailmap::new(&snapshot);
        let resolve = |name: &str, email: &str| {
            let (n, e) = map.resolve(name.as_bytes(), email.as_bytes());
            (n.to_string(), e.to_string())
        };
        let pair = |n: &str, e: &str| (n.to_string(), e.to_string());
        // By e-mail, ignoring case; each field is replaced only when the entry gives it.
        assert_eq!(
            resolve("eve", "Eve@OLD.example"),
            pair("Eve Hopper", "eve@example.org")
        );
        assert_eq!(
            resolve("Ops", "ops@old.example"),
            pair("Ops", "ops@example.org")
        );
        // By name and e-mail: only that name is mapped.
        assert_eq!(
            resolve("CI", "ci@example.org"),
            pair("Build Bot", "bot@example.org")
        );
        assert_eq!(
            resolve("someone", "ci@example.org"),
            pair("someone", "ci@example.org")
        );
        // A name entry wins over the e-mail entry; other names fall back to the e-mail entry.
        assert_eq!(
            resolve("ada", "shared@example.org"),
            pair("Ada Lovelace", "ada@example.org")
        );
        assert_eq!(
            resolve("bob", "shared@example.org"),
            pair("Bob Babbage", "shared@example.org")
        );
        // Unknown identities stay as they are.
        assert_eq!(
            resolve("Zed", "zed@example.org"),
            pair("Zed", "zed@example.org")
        );
    }
}
