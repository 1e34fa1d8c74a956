//! `max-rating forms`: a blank form for every body that submits data.

use std::path::Path;

use max_rating::app::exit;
use max_rating::pipeline::Sources;

pub fn run(sources: &Sources, out: &Path, period: Option<&str>) -> u8 {
    if let Err(e) = max_rating::pipeline::refuse_out_in_submissions(sources, out) {
        return super::fail(&e);
    }
    let forms = match max_rating::forms::blank_forms(sources, out, period) {
        Ok(f) => f,
        Err(e) => return super::fail(&e),
    };
    super::print_diagnostics(&forms.warnings);
    if let Err(e) = max_rating::outdir::write_outputs(out, &forms.files) {
        return super::fail(&e);
    }
    for f in &forms.files {
        println!("записана форма {}", out.join(&f.path).display());
    }
    exit::OK
}
