//! Writes synthetic regions (realistic figures, deterministic from a seed)
//! as the layout of `max-rating batch`: one inputs folder per region; or,
//! with `--submissions`, N submission workbooks in one inputs folder (a
//! load for the reader).
//!
//! `cargo run --example synth_regions -- DIR [N=89] [SEED=1]`
//! `cargo run --example synth_regions -- --submissions DIR [N=100] [SEED=1]`

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let submissions = args.first().is_some_and(|a| a == "--submissions");
    if submissions {
        args.remove(0);
    }
    let mut args = args.into_iter();
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: synth_regions [--submissions] DIR [N] [SEED]")?,
    );
    let n: Option<usize> = args.next().map(|s| s.parse()).transpose()?;
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    if submissions {
        let written = max_rating_testkit::synth::write_submissions(&dir, seed, n.unwrap_or(100))?;
        println!("{written} форм в {}", dir.join("submissions").display());
    } else {
        let written = max_rating_testkit::synth::write_regions(&dir, seed, n.unwrap_or(89))?;
        println!("{} регионов в {}", written.len(), dir.display());
    }
    Ok(())
}
