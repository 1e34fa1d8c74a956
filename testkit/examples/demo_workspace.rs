//! Writes the demonstration workspace (see `max_rating_testkit::demo`):
//! `cargo run -p max-rating-testkit --example demo_workspace [-- DIR]`,
//! then its history with `max-rating history --inputs DIR/inputs record
//! DIR/periods/*`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("examples/demo"));
    max_rating_testkit::demo::write(&dir)?;
    println!("{}", dir.display());
    Ok(())
}
