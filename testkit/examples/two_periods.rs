//! A workspace of two quarters for a look at the dynamics: the seed's
//! 2026-Q1 and a 2026-Q2 with `CODE=VALUE` changes.
//!
//! `cargo run -p max-rating-testkit --example two_periods -- DIR [CODE=VALUE…]`

use std::path::PathBuf;

use max_rating_testkit::reference::Forms;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: two_periods DIR [CODE=VALUE…]")?);
    let changes: Vec<(String, u64)> = args
        .map(|a| {
            let (c, v) = a.split_once('=').ok_or("CODE=VALUE")?;
            Ok((c.to_string(), v.parse()?))
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    let changes: Vec<(&str, u64)> = changes.iter().map(|(c, v)| (c.as_str(), *v)).collect();
    Forms::seed().write(&dir.join("q1/submissions"))?;
    Forms::seed_quarter(2, &changes).write(&dir.join("inputs/submissions"))?;
    println!("{}", dir.display());
    Ok(())
}
