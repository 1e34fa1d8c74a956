//! Test-only code of max-rating, kept out of the product: used by the
//! integration tests, the benchmarks and the examples.
//!
//! - [`synth`] — synthetic regions with realistic figures, deterministic
//!   from a seed, written as inputs folders;
//! - [`reference`] — the reference forms of Забайкальский край (and the same
//!   forms with other figures);
//! - [`demo`] — the demonstration workspace of a fictional region;
//! - [`book`] — a workbook read back with its values and formulas, and an
//!   evaluator that checks every formula computes its stored result.

pub mod book;
pub mod demo;
pub mod reference;
pub mod synth;

/// Copies a folder recursively (the tests' and benchmarks' copies of the
/// shipped inputs).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), &dest)?;
        }
    }
    Ok(())
}
