//! aims-lint checks an AI management system's governance repository (model cards, dataset
//! sheets, policies, …) against rules derived from ISO/IEC 42001 Annex A.
//!
//! Data flows one way: discover → parse → classify → check (in parallel) → sort → report.

pub mod parse;
pub mod finding;
pub mod source;
pub mod config;
pub mod controls;
pub mod kinds;
pub mod check;
pub mod rules;
