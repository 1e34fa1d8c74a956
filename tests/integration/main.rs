//! The integration tests, one binary: the command line, the outputs read
//! back (PDF text, workbook values and formulas), the hostile-input corpus.

mod atomic;
mod batch;
mod cli;
mod collection;
mod common;
mod deck;
mod demo;
mod edges;
mod files;
mod forms;
mod hostile;
mod ingest;
mod mail;
mod packs;
mod periods;
mod rating_seed;
mod synth;
mod watch;
mod workbook;
