//! max-rating: the MAX adoption rating of a region, its plan to the year's
//! target, and the documents of the working group.
//!
//! Data flow: [`ingest`] (workbooks → values with their cells) →
//! [`methodology`] (the rules as data) → [`rating`] (points and plan, exact)
//! → [`report`] (the view model) → renderers. [`app`] ties them together
//! for the command line.

pub mod app;
pub mod batch;
pub mod bodies;
pub mod diag;
pub mod distribute;
pub mod fmt;
pub mod forms;
pub mod ingest;
pub mod methodology;
pub mod num;
pub mod rating;
pub mod region;
pub mod render;
pub mod report;
pub mod synth;
pub mod watch;
