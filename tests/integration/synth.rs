//! The synthetic regions of the testkit: deterministic, realistic, with
//! plans that read back.

use max_rating::region::Region;
use max_rating_testkit::synth::*;

#[test]
fn eighty_nine_regions_with_genitives() {
    assert_eq!(REGIONS.len(), 89);
    let mut seen = std::collections::BTreeSet::new();
    assert!(REGIONS.iter().all(|r| seen.insert(*r)), "duplicate region");
    assert_eq!(genitive("Тверская область"), "Тверской области");
    assert_eq!(genitive("Забайкальский край"), "Забайкальского края");
    assert_eq!(genitive("Республика Саха (Якутия)"), "Республики Саха (Якутия)");
    assert_eq!(genitive("Чувашская Республика"), "Чувашской Республики");
    assert_eq!(genitive("Донецкая Народная Республика"), "Донецкой Народной Республики");
    assert_eq!(
        genitive("Ханты-Мансийский автономный округ — Югра"),
        "Ханты-Мансийского автономного округа — Югры"
    );
    assert_eq!(
        genitive("Кемеровская область — Кузбасс"),
        "Кемеровской области — Кузбасса"
    );
    assert_eq!(genitive("Еврейская автономная область"), "Еврейской автономной области");
    assert_eq!(genitive("г. Москва"), "г. Москвы");
}

#[test]
fn deterministic_and_realistic() {
    let a = regions(7, 89);
    let b = regions(7, 89);
    assert_eq!(a.len(), 89);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.values, y.values);
    }
    assert_ne!(regions(8, 1)[0].values, a[0].values);
    for r in &a {
        let users = r.values["region.internet_users"];
        assert!((100_000..=10_000_000).contains(&users), "{users}");
        assert!(r.values["k2.sick_leave.closed_in_max"] <= r.values["k2.sick_leave.total"]);
        assert!(r.values["k2.housing.chats_active"] <= r.values["k2.housing.chats_total"]);
        assert!(max_rating::bodies::is_safe_slug(&r.folder), "{}", r.folder);
    }
}

#[test]
fn plan_round_trips() {
    let r = &regions(1, 1)[0];
    let text = toml::to_string(&region_plan(r)).unwrap();
    let back = Region::parse(&text, "region.toml").unwrap();
    assert_eq!(back.region.as_deref(), Some(r.name.as_str()));
    assert_eq!(back.bodies.len(), 9);
    assert_eq!(back.meeting_date(), Some((2026, 4, 16)));
}
