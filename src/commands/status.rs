//! `max-rating status`: who has sent its form — one row per body that owes
//! one, the codes received, missing and wrong, the deadline and, against
//! today's date, how long a missing form is overdue. Writes nothing; exits
//! 0 whenever the folder could be read (the status is information).

use max_rating::app::exit;
use max_rating::bodies::Registry;
use max_rating::collection::Collection;
use max_rating::pipeline::{self, Sources};
use max_rating::render::console::collection_table;
use max_rating::report::collection::CollectionView;

pub fn run(sources: &Sources, today: Option<(i32, u8, u8)>) -> u8 {
    let loaded = match pipeline::load(sources) {
        Ok(l) => l,
        Err(e) => return super::fail(&e),
    };
    let today = today.unwrap_or_else(max_rating::history::today_utc);
    let (view, title) = match &loaded.report {
        Some(r) => (
            r.collection.clone(),
            format!("{}, {}", r.meta.region, r.meta.period_label),
        ),
        None => {
            let c = Collection::new(&loaded.region, &Registry::new(&loaded.region, &[]), &loaded.inputs);
            let title = loaded
                .region
                .region
                .clone()
                .unwrap_or_else(|| "период не определён".into());
            (
                CollectionView::new(&c, None, &|code| {
                    max_rating::report::indicator_name(&loaded.methodology, code)
                }),
                title,
            )
        }
    };
    print!("{}", collection_table(&view, &title, today));
    let errors = loaded.error_count();
    if errors > 0 {
        println!("Замечаний к формам: {errors} (подробно: max-rating check).");
    }
    exit::OK
}
