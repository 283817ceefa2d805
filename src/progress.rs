//! Progress on a terminal, for runs that take a while: documents checked and lines blamed, with
//! a rate, on stderr.
//!
//! Shown only when [`enable`] was called (stderr is a terminal, `CI` is not set and the
//! report is for people), and only once a run has taken half a second, so that the usual
//! run, which takes less, never draws it. Hidden, a step costs an atomic add and a clock read.
//! One bar for the process: the stages run one after another.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before it shows its progress, unless `AIMS_LINT_PROGRESS_DELAY_MS` says
/// otherwise (the tests show it at once, on a pseudo-terminal).
const DELAY: Duration = Duration::from_millis(500);

static PROGRESS: OnceLock<Progress> = OnceLock::new();

struct Progress {
    started: Instant,
    delay: Duration,
    bar: ProgressBar,
    shown: AtomicBool,
}

/// Whether a run with this report format may show progress on this terminal: stderr is a
/// terminal and `CI` is not set.
#[must_use]
pub fn wanted(for_people: bool) -> bool {
    use std::io::IsTerminal;
    for_people && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// Show progress from now on, once the run passes half a second.
pub fn enable() {
    let _ = PROGRESS.set(Progress {
        started: Instant::now(),
        delay: std::env::var("AIMS_LINT_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DELAY, Duration::from_millis),
        bar: ProgressBar::hidden(),
        shown: AtomicBool::new(false),
    });
}

/// Begin a stage of `len` steps, named as `what` (`"checking documents"`).
pub fn stage(what: &'static str, len: usize) {
    if let Some(p) = PROGRESS.get() {
        p.bar.set_position(0);
        p.bar.set_length(len as u64);
        p.bar.set_message(what);
        p.bar.reset_eta();
        p.bar.reset_elapsed();
    }
}

/// `n` more steps of the stage done.
pub fn advance(n: usize) {
    let Some(p) = PROGRESS.get() else {
        return;
    };
    p.bar.inc(n as u64);
    if !p.shown.load(Ordering::Relaxed)
        && p.started.elapsed() >= p.delay
        && !p.shown.swap(true, Ordering::Relaxed)
    {
        let style = ProgressStyle::with_template(
            "{msg} {bar:30} {human_pos}/{human_len} ({per_sec}, {elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        p.bar.set_style(style);
        p.bar.set_draw_target(ProgressDrawTarget::stderr());
    }
}

/// Clear the bar before the report is written.
pub fn finish() {
    if let Some(p) = PROGRESS.get() {
        p.bar.finish_and_clear();
    }
}
