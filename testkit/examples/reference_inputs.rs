//! Regenerates the reference data set of Забайкальский край in
//! `inputs/submissions/`: one workbook per body, as each would send it.
//!
//! `cargo run -p max-rating-testkit --example reference_inputs [-- OUT_DIR]`
//!
//! The figures are those of the working group's deck of 16 April 2026.

use std::path::PathBuf;

use max_rating_testkit::reference::Forms;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("inputs/submissions"));
    for path in Forms::seed().write(&out)? {
        println!("{}", path.display());
    }
    Ok(())
}
