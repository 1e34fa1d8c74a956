//! max-rating: the MAX adoption rating of a region, its plan to the year's
//! target, and the documents of the working group.
//!
//! Data flow (see `docs/architecture.md`): [`ingest`] (workbooks → values
//! with their cells) → [`methodology`] (the rules as data) → [`rating`]
//! (points and plan, exact) → [`report`] (the view model) → [`render`]
//! (deck, workbook, packs, JSON). [`pipeline`] runs that chain for a build
//! and writes through [`outdir`]; the command line (`src/main.rs`,
//! `src/commands/`) only orchestrates and prints.

pub mod app;
pub mod bodies;
pub mod collection;
pub mod diag;
pub mod fmt;
pub mod forms;
pub mod history;
pub mod ingest;
pub mod layout;
pub mod mail;
pub mod methodology;
pub mod names;
pub mod num;
pub mod outdir;
pub mod pace;
pub mod pipeline;
pub mod rating;
pub mod region;
pub mod render;
pub mod report;
pub mod subjects;
pub mod tomlerr;
pub mod watcher;
