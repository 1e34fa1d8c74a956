//! The rating engine on values built in memory: every band edge of every
//! component, the К2 criteria, the К1 gate, missing data, the plan's targets.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::diag::{Location, Severity};
use crate::ingest::{Inputs, Observation, Period};
use crate::methodology::{DEFAULT_TOML, Methodology, YearTarget};
use crate::num::{Ratio, Threshold};

const Q1: Period = Period::Quarter { year: 2026, quarter: 1 };

/// An `Inputs` holding exactly these values, each in its own cell of a
/// notional `test.xlsx`.
fn inputs(pairs: &[(&str, u64)]) -> Inputs {
    let mut values = BTreeMap::new();
    let mut observations = Vec::new();
    for (i, (code, value)) in pairs.iter().enumerate() {
        let obs = Observation {
            code: (*code).to_string(),
            value: *value,
            location: Location::cell("test.xlsx", "Показатели", 5 + i as u32, 4),
            body: None,
            source: None,
            name: None,
        };
        assert!(
            values.insert((*code).to_string(), obs.clone()).is_none(),
            "{code} twice"
        );
        observations.push(obs);
    }
    Inputs {
        values,
        observations,
        ..Inputs::default()
    }
}

fn builtin() -> Methodology {
    Methodology::builtin().unwrap()
}

fn variant(from: &str, to: &str) -> Methodology {
    let text = DEFAULT_TOML.replacen(from, to, 1);
    assert_ne!(text, DEFAULT_TOML, "pattern not found: {from}");
    Methodology::parse(&text, "variant.toml").unwrap()
}

fn rate(m: &Methodology, pairs: &[(&str, u64)]) -> Rating {
    compute(m, &inputs(pairs), Q1, &[])
}

fn comp<'a>(r: &'a Rating, id: &str) -> &'a ComponentResult {
    r.components.iter().find(|c| c.id == id).unwrap()
}

fn points(m: &Methodology, id: &str, pairs: &[(&str, u64)]) -> Option<u32> {
    comp(&rate(m, pairs), id).points
}

/// The seed's full data set (Забайкальский край, 1 квартал 2026).
const SEED: &[(&str, u64)] = &[
    ("region.internet_users", 691_417),
    ("k1.active_audience", 22_471),
    ("k2.sick_leave.closed_in_max", 0),
    ("k2.sick_leave.total", 28_672),
    ("k2.mfc.notified_users", 14_670),
    ("k2.mfc.visitors", 62_372),
    ("k2.housing.chats_active", 19),
    ("k2.housing.chats_total", 2_805),
    ("k2.housing.channels_active", 5),
    ("k2.housing.channels_base", 136),
    ("k2.housing.channels_existing", 67),
    ("k3.active_audience", 150_964),
    ("k4.scanning.api", 0),
    ("k4.scanning.goskan", 9),
    ("k4.orgs.transport", 113),
    ("k4.orgs.trade", 834),
    ("k4.orgs.culture", 368),
];

// ------------------------------------------------------------------ К1

fn k1(active: u64, users: u64) -> Option<u32> {
    points(
        &builtin(),
        "K1",
        &[("k1.active_audience", active), ("region.internet_users", users)],
    )
}

#[test]
fn k1_band_edges_base_1000() {
    // 2,5% of 1000 = 25; 5% = 50; 10% = 100.
    assert_eq!(k1(0, 1000), Some(0));
    assert_eq!(k1(24, 1000), Some(0));
    assert_eq!(k1(25, 1000), Some(5), "exactly 2,5% → 5");
    assert_eq!(k1(26, 1000), Some(5));
    assert_eq!(k1(49, 1000), Some(5));
    assert_eq!(k1(50, 1000), Some(7), "exactly 5% → 7");
    assert_eq!(k1(51, 1000), Some(7));
    assert_eq!(k1(99, 1000), Some(7));
    assert_eq!(k1(100, 1000), Some(7), "exactly 10% stays 7");
    assert_eq!(k1(101, 1000), Some(10), "more than 10% → 10");
    assert_eq!(k1(1000, 1000), Some(10));
}

#[test]
fn k1_band_edges_base_10000() {
    assert_eq!(k1(249, 10_000), Some(0));
    assert_eq!(k1(250, 10_000), Some(5));
    assert_eq!(k1(251, 10_000), Some(5));
    assert_eq!(k1(499, 10_000), Some(5));
    assert_eq!(k1(500, 10_000), Some(7));
    assert_eq!(k1(501, 10_000), Some(7));
    assert_eq!(k1(999, 10_000), Some(7));
    assert_eq!(k1(1000, 10_000), Some(7));
    assert_eq!(k1(1001, 10_000), Some(10));
}

#[test]
fn k1_reason_names_the_band() {
    let r = rate(
        &builtin(),
        &[("k1.active_audience", 100), ("region.internet_users", 1000)],
    );
    let c = comp(&r, "K1");
    assert!(c.reason.contains("10%"), "{}", c.reason);
    assert!(c.reason.contains("7 б."), "{}", c.reason);
    let r = rate(
        &builtin(),
        &[("k1.active_audience", 24), ("region.internet_users", 1000)],
    );
    let c = comp(&r, "K1");
    assert!(c.reason.contains("ниже порога"), "{}", c.reason);
    assert!(c.reason.contains("0 б."), "{}", c.reason);
}

// ------------------------------------------------------------------ К3

fn k3(active: u64, users: u64) -> Option<u32> {
    points(
        &builtin(),
        "K3",
        &[("k3.active_audience", active), ("region.internet_users", users)],
    )
}

#[test]
fn k3_band_edges() {
    // 10% of 1000 = 100; 20% = 200; 50% = 500.
    assert_eq!(k3(99, 1000), Some(0));
    assert_eq!(k3(100, 1000), Some(5), "exactly 10% → 5");
    assert_eq!(k3(101, 1000), Some(5));
    assert_eq!(k3(199, 1000), Some(5));
    assert_eq!(k3(200, 1000), Some(7), "exactly 20% → 7");
    assert_eq!(k3(201, 1000), Some(7));
    assert_eq!(k3(499, 1000), Some(7));
    assert_eq!(k3(500, 1000), Some(7), "exactly 50% stays 7");
    assert_eq!(k3(501, 1000), Some(10), "more than 50% → 10");
    // Same edges on a base of 10 000.
    assert_eq!(k3(999, 10_000), Some(0));
    assert_eq!(k3(1000, 10_000), Some(5));
    assert_eq!(k3(1999, 10_000), Some(5));
    assert_eq!(k3(2000, 10_000), Some(7));
    assert_eq!(k3(5000, 10_000), Some(7));
    assert_eq!(k3(5001, 10_000), Some(10));
}

// ------------------------------------------------------------------ К4

fn k4(api: u64, goskan: u64) -> Option<u32> {
    // Base: 100 + 500 + 400 = 1000 organisations.
    points(
        &builtin(),
        "K4",
        &[
            ("k4.scanning.api", api),
            ("k4.scanning.goskan", goskan),
            ("k4.orgs.transport", 100),
            ("k4.orgs.trade", 500),
            ("k4.orgs.culture", 400),
        ],
    )
}

#[test]
fn k4_band_edges() {
    assert_eq!(k4(0, 199), Some(0));
    assert_eq!(k4(0, 200), Some(10), "exactly 20% → 10");
    assert_eq!(k4(100, 101), Some(10));
    assert_eq!(k4(399, 0), Some(10));
    assert_eq!(k4(400, 0), Some(20), "exactly 40% → 20");
    assert_eq!(k4(200, 201), Some(20));
    assert_eq!(k4(699, 0), Some(20));
    assert_eq!(k4(350, 350), Some(20), "exactly 70% stays 20");
    assert_eq!(k4(350, 351), Some(40), "more than 70% → 40");
    assert_eq!(k4(1000, 0), Some(40));
}

#[test]
fn k4_counts_both_channels_over_all_three_sectors() {
    let r = rate(
        &builtin(),
        &[
            ("k4.scanning.api", 3),
            ("k4.scanning.goskan", 9),
            ("k4.orgs.transport", 113),
            ("k4.orgs.trade", 834),
            ("k4.orgs.culture", 368),
        ],
    );
    let mr = &comp(&r, "K4").measures[0];
    assert_eq!(mr.value, Some(12));
    assert_eq!(mr.base, Some(1_315));
    assert_eq!(mr.share, Ratio::share(12, 1_315));
}

// ------------------------------------------------------------------ К2

fn k2_full(sick: (u64, u64), mfc: (u64, u64), chats: (u64, u64), channels: (u64, u64)) -> Vec<(&'static str, u64)> {
    vec![
        ("k2.sick_leave.closed_in_max", sick.0),
        ("k2.sick_leave.total", sick.1),
        ("k2.mfc.notified_users", mfc.0),
        ("k2.mfc.visitors", mfc.1),
        ("k2.housing.chats_active", chats.0),
        ("k2.housing.chats_total", chats.1),
        ("k2.housing.channels_active", channels.0),
        ("k2.housing.channels_base", channels.1),
    ]
}

fn criteria(r: &Rating) -> Vec<(String, Option<bool>)> {
    comp(r, "K2")
        .criteria
        .iter()
        .map(|c| (c.id.clone(), c.passed))
        .collect()
}

#[test]
fn k2_sick_leave_5_percent_inclusive() {
    let m = builtin();
    let r = rate(&m, &k2_full((50, 1000), (0, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(20), "exactly 5% passes");
    let r = rate(&m, &k2_full((49, 1000), (0, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(0), "one below 5% fails");
    let r = rate(&m, &k2_full((500, 10_000), (0, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(20));
    let r = rate(&m, &k2_full((499, 10_000), (0, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(0));
    assert_eq!(
        criteria(&r),
        vec![
            ("sick_leave".into(), Some(false)),
            ("mfc".into(), Some(false)),
            ("housing".into(), Some(false))
        ]
    );
}

#[test]
fn k2_mfc_50_percent_inclusive() {
    let m = builtin();
    let r = rate(&m, &k2_full((0, 1000), (500, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(10), "exactly 50% passes");
    assert_eq!(criteria(&r)[1], ("mfc".into(), Some(true)));
    let r = rate(&m, &k2_full((0, 1000), (499, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(0), "one below 50% fails");
}

#[test]
fn k2_housing_each_part_50_percent_inclusive() {
    let m = builtin();
    let r = rate(&m, &k2_full((0, 1000), (0, 1000), (500, 1000), (50, 100)));
    assert_eq!(comp(&r, "K2").points, Some(10), "both exactly 50% pass");
    let r = rate(&m, &k2_full((0, 1000), (0, 1000), (499, 1000), (50, 100)));
    assert_eq!(comp(&r, "K2").points, Some(0), "chats one below fail");
    let r = rate(&m, &k2_full((0, 1000), (0, 1000), (500, 1000), (49, 100)));
    assert_eq!(comp(&r, "K2").points, Some(0), "channels one below fail");
}

#[test]
fn k2_criteria_add_up() {
    let m = builtin();
    let r = rate(&m, &k2_full((50, 1000), (500, 1000), (500, 1000), (50, 100)));
    assert_eq!(comp(&r, "K2").points, Some(40));
    let r = rate(&m, &k2_full((50, 1000), (500, 1000), (0, 1000), (50, 100)));
    assert_eq!(comp(&r, "K2").points, Some(30));
    let r = rate(&m, &k2_full((0, 1000), (500, 1000), (500, 1000), (50, 100)));
    let c = comp(&r, "K2");
    assert_eq!(c.points, Some(20));
    assert_eq!(c.status, Status::Met, "20 reaches the 2026 minimum of 20");
}

#[test]
fn k2_housing_each_versus_pooled() {
    let each = builtin();
    let pooled = variant(r#"combine = "each""#, r#"combine = "pooled""#);
    // Chats 90% active, channels 10%: pooled 910 / 1100 = 82,7% passes,
    // but channels alone do not reach 50%.
    let data = k2_full((0, 1000), (0, 1000), (900, 1000), (10, 100));
    assert_eq!(points(&each, "K2", &data), Some(0));
    assert_eq!(points(&pooled, "K2", &data), Some(10));
    let r = rate(&pooled, &data);
    let housing: Vec<_> = comp(&r, "K2")
        .measures
        .iter()
        .filter(|m| m.criterion.as_deref() == Some("housing"))
        .collect();
    assert_eq!(housing.len(), 1, "pooled: one measure");
    assert_eq!(housing[0].value, Some(910));
    assert_eq!(housing[0].base, Some(1100));
    let r = rate(&each, &data);
    let housing = comp(&r, "K2")
        .measures
        .iter()
        .filter(|m| m.criterion.as_deref() == Some("housing"))
        .count();
    assert_eq!(housing, 2, "each: one measure per part");

    // The pooled edge: 550 / 1100 = 50% exactly passes, 549 fails.
    assert_eq!(
        points(&pooled, "K2", &k2_full((0, 1000), (0, 1000), (540, 1000), (10, 100))),
        Some(10)
    );
    assert_eq!(
        points(&pooled, "K2", &k2_full((0, 1000), (0, 1000), (539, 1000), (10, 100))),
        Some(0)
    );
    // Where both parts reach 50% the two settings agree.
    let data = k2_full((0, 1000), (0, 1000), (500, 1000), (50, 100));
    assert_eq!(points(&each, "K2", &data), points(&pooled, "K2", &data));
}

#[test]
fn k2_combinations_for_the_minimum() {
    let r = rate(&builtin(), SEED);
    assert_eq!(
        comp(&r, "K2").combinations,
        vec![vec!["ТМК".to_string()], vec!["МФЦ".to_string(), "ЖКХ".to_string()]]
    );
    // With a minimum of 10 every criterion suffices alone, in the
    // criteria's order.
    let over = [YearTarget {
        year: 2026,
        target: 50,
        required: [("K2".to_string(), 10)].into_iter().collect(),
    }];
    let r = compute(&builtin(), &inputs(SEED), Q1, &over);
    assert_eq!(
        comp(&r, "K2").combinations,
        vec![
            vec!["ТМК".to_string()],
            vec!["МФЦ".to_string()],
            vec!["ЖКХ".to_string()]
        ]
    );
    // 40: all three.
    assert_eq!(
        minimal_combinations(vec![("a".into(), 20), ("b".into(), 10), ("c".into(), 10)], 40),
        vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]
    );
    // Pairs in the criteria's order.
    assert_eq!(
        minimal_combinations(vec![("a".into(), 10), ("b".into(), 10), ("c".into(), 10)], 20),
        vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["a".to_string(), "c".to_string()],
            vec!["b".to_string(), "c".to_string()]
        ]
    );
}

// ------------------------------------------------------------------ totals

#[test]
fn total_bands_from_methodology() {
    let m = builtin();
    for (total, band) in [
        (0, "red"),
        (12, "red"),
        (25, "red"),
        (26, "yellow"),
        (50, "yellow"),
        (51, "green"),
        (100, "green"),
    ] {
        assert_eq!(m.band_for(total).map(|b| b.id.as_str()), Some(band), "{total}");
    }
    assert!(m.band_for(101).is_none());
}

#[test]
fn total_bands_from_computed_ratings() {
    // With the built-in points (К1, К3 ∈ {0, 5, 7, 10}; К2, К4 multiples of
    // 10) the totals 26 and 51 cannot occur; a variant with 6 points for
    // the К1 band «от 2,5%» reaches them.
    let m = variant(
        r#"{ from = "2.5", inclusive = true, points = 5 }"#,
        r#"{ from = "2.5", inclusive = true, points = 6 }"#,
    );
    let base = |k1: u64, k3: u64, sick: u64, mfc: u64, housing: u64, k4: u64| {
        let mut v = vec![
            ("region.internet_users", 1000),
            ("k1.active_audience", k1),
            ("k3.active_audience", k3),
            ("k4.scanning.api", k4),
            ("k4.scanning.goskan", 0),
            ("k4.orgs.transport", 1000),
            ("k4.orgs.trade", 0),
            ("k4.orgs.culture", 0),
        ];
        v.extend(k2_full((sick, 1000), (mfc, 1000), (housing, 1000), (housing / 10, 100)));
        v
    };
    let cases = [
        // К1 0 + К2 20 + К3 5 + К4 0 = 25
        (base(0, 100, 50, 0, 0, 0), 25, "red"),
        // К1 6 + К2 20 = 26
        (base(25, 0, 50, 0, 0, 0), 26, "yellow"),
        // К1 10 + К3 0 + К2 40 = 50
        (base(101, 0, 50, 500, 500, 0), 50, "yellow"),
        // К1 6 + К3 5 + К4 40 = 51
        (base(25, 100, 0, 0, 0, 701), 51, "green"),
    ];
    for (data, total, band) in cases {
        let r = rate(&m, &data);
        assert_eq!(r.incomplete, 0);
        assert_eq!(
            r.total,
            total,
            "{:?}",
            r.components.iter().map(|c| c.points).collect::<Vec<_>>()
        );
        assert_eq!(r.band, band, "{total}");
    }
    // The built-in methodology: 25 red, 50 yellow.
    let m = builtin();
    let r = rate(&m, &base(25, 0, 50, 0, 0, 0));
    assert_eq!((r.total, r.band.as_str()), (25, "red"));
    let r = rate(&m, &base(0, 0, 50, 500, 500, 200));
    assert_eq!((r.total, r.band.as_str()), (50, "yellow"));
}

// ------------------------------------------------------------------ the seed

#[test]
fn seed_in_memory() {
    let r = rate(&builtin(), SEED);
    let pts: Vec<_> = r.components.iter().map(|c| (c.id.as_str(), c.points)).collect();
    assert_eq!(
        pts,
        vec![("K1", Some(5)), ("K2", Some(0)), ("K3", Some(7)), ("K4", Some(0))]
    );
    assert_eq!(r.total, 12);
    assert_eq!(r.band, "red");
    assert_eq!(r.incomplete, 0);
    assert_eq!(r.year_target, Some(50));
    let targets: Vec<(String, Option<u64>)> = r
        .components
        .iter()
        .flat_map(|c| {
            c.measures
                .iter()
                .map(|m| (m.id.clone(), m.target_level().and_then(|t| t.count)))
        })
        .collect();
    assert_eq!(
        targets,
        vec![
            ("k1.active_audience".to_string(), Some(69_142)),
            ("k2.sick_leave".to_string(), Some(1_434)),
            ("k2.mfc".to_string(), Some(31_186)),
            ("k2.housing.chats".to_string(), Some(1_403)),
            ("k2.housing.channels".to_string(), Some(68)),
            ("k3.active_audience".to_string(), Some(345_709)),
            ("k4.scanning".to_string(), Some(263)),
        ]
    );
    // Gaps are target − today.
    let k1 = &comp(&r, "K1").measures[0];
    assert_eq!(k1.target_level().unwrap().gap, Some(69_142 - 22_471));
    for c in &r.components {
        assert_eq!(c.status, Status::Below, "{}", c.id);
    }
    // No warnings on the complete seed.
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn met_component_has_no_target() {
    let r = rate(
        &builtin(),
        &[("k1.active_audience", 101), ("region.internet_users", 1000)],
    );
    let c = comp(&r, "K1");
    assert_eq!(c.status, Status::Met);
    assert!(c.measures[0].target.is_none());
    // Every band's count is still there for the plan.
    let counts: Vec<_> = c.measures[0]
        .levels
        .iter()
        .map(|l| (l.count, l.points, l.reached))
        .collect();
    assert_eq!(
        counts,
        vec![(Some(25), 5, true), (Some(50), 7, true), (Some(101), 10, true)]
    );
}

// ------------------------------------------------------------------ the К1 gate

#[test]
fn k1_gate_not_launched_zeroes_with_the_service_name() {
    let mut data = SEED.to_vec();
    data.push(("k1.service.mfc_bot.launched", 0));
    data.push(("k1.service.doctor_appointment.launched", 1));
    let r = rate(&builtin(), &data);
    let c = comp(&r, "K1");
    assert_eq!(c.points, Some(0));
    assert_eq!(c.gate_failed, vec!["Чат-бот МФЦ".to_string()]);
    assert!(c.reason.contains("Чат-бот МФЦ"), "{}", c.reason);
    assert!(
        c.reason.contains("Запущены базовые сервисы для граждан"),
        "{}",
        c.reason
    );
    assert_eq!(c.status, Status::Below);
    assert_eq!(r.total, 7);
    // The region's own service: its slug is shown.
    let mut data = SEED.to_vec();
    data.push(("k1.service.own_bot.launched", 0));
    let c = comp(&rate(&builtin(), &data), "K1").clone();
    assert_eq!(c.points, Some(0));
    assert!(c.reason.contains("own_bot"), "{}", c.reason);
}

#[test]
fn k1_gate_absent_or_launched_flags_score_normally() {
    let r = rate(&builtin(), SEED);
    assert_eq!(comp(&r, "K1").points, Some(5));
    assert!(comp(&r, "K1").gate_failed.is_empty());
    let mut data = SEED.to_vec();
    for s in ["doctor_appointment", "sick_leave_tmk", "mfc_bot", "direct_line"] {
        data.push((Box::leak(format!("k1.service.{s}.launched").into_boxed_str()), 1));
    }
    let r = rate(&builtin(), &data);
    assert_eq!(comp(&r, "K1").points, Some(5));
    // The gate does not touch other components.
    let mut data = SEED.to_vec();
    data.push(("k1.service.mfc_bot.launched", 0));
    let r = rate(&builtin(), &data);
    assert_eq!(comp(&r, "K3").points, Some(7));
}

// ------------------------------------------------------------------ missing data

#[test]
fn missing_input_is_no_data_never_zero() {
    let data: Vec<_> = SEED
        .iter()
        .copied()
        .filter(|(c, _)| *c != "k3.active_audience")
        .collect();
    let r = rate(&builtin(), &data);
    let c = comp(&r, "K3");
    assert_eq!(c.points, None);
    assert_eq!(c.status, Status::NoData);
    assert!(c.reason.contains("k3.active_audience"), "{}", c.reason);
    assert_eq!(r.incomplete, 1);
    assert_eq!(r.total, 5, "К1 5 + К2 0 + К4 0, К3 not counted");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning && d.message.contains("К3") && d.message.contains("не рассчитан")),
        "{:?}",
        r.diagnostics
    );
    assert_eq!(c.measures[0].missing, vec!["k3.active_audience".to_string()]);
}

#[test]
fn missing_base_or_one_criterion_part() {
    // Without internet users both К1 and К3 have no data.
    let data: Vec<_> = SEED
        .iter()
        .copied()
        .filter(|(c, _)| *c != "region.internet_users")
        .collect();
    let r = rate(&builtin(), &data);
    assert_eq!(comp(&r, "K1").points, None);
    assert_eq!(comp(&r, "K3").points, None);
    assert_eq!(r.incomplete, 2);
    assert_eq!(
        r.diagnostics
            .iter()
            .filter(|d| d.message.contains("не рассчитан"))
            .count(),
        2
    );
    // One missing part of the housing criterion leaves К2 without data,
    // even though the other criteria are known.
    let data: Vec<_> = SEED
        .iter()
        .copied()
        .filter(|(c, _)| *c != "k2.housing.channels_base")
        .collect();
    let r = rate(&builtin(), &data);
    let c = comp(&r, "K2");
    assert_eq!(c.points, None);
    assert_eq!(c.status, Status::NoData);
    assert_eq!(
        c.criteria.iter().map(|c| c.passed).collect::<Vec<_>>(),
        vec![Some(false), Some(false), None]
    );
    assert!(c.reason.contains("k2.housing.channels_base"), "{}", c.reason);
    assert_eq!(r.incomplete, 1);
    // One missing К4 sector base.
    let data: Vec<_> = SEED.iter().copied().filter(|(c, _)| *c != "k4.orgs.trade").collect();
    let r = rate(&builtin(), &data);
    assert_eq!(comp(&r, "K4").points, None);
    assert_eq!(comp(&r, "K4").status, Status::NoData);
}

#[test]
fn nothing_submitted() {
    let r = rate(&builtin(), &[]);
    assert_eq!(r.incomplete, 4);
    assert_eq!(r.total, 0);
    assert!(
        r.components
            .iter()
            .all(|c| c.points.is_none() && c.status == Status::NoData)
    );
    assert_eq!(
        r.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        4
    );
}

#[test]
fn numerator_above_base_is_reported_not_capped() {
    let r = rate(
        &builtin(),
        &[("k1.active_audience", 2000), ("region.internet_users", 1000)],
    );
    let c = comp(&r, "K1");
    assert_eq!(c.points, Some(10));
    let mr = &c.measures[0];
    assert_eq!(mr.value, Some(2000), "not capped");
    assert_eq!(mr.share, Ratio::new(2, 1));
    let w: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("больше расчётной базы"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(
        w[0].location.as_ref().and_then(|l| l.cell.clone()).as_deref(),
        Some("E6"),
        "the numerator's cell"
    );
    // In a criterion as well.
    let r = rate(&builtin(), &k2_full((0, 1000), (1500, 1000), (0, 1000), (0, 100)));
    assert_eq!(comp(&r, "K2").points, Some(10));
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.message.contains("больше расчётной базы"))
    );
}

#[test]
fn zero_base_is_no_data_with_a_warning() {
    let r = rate(
        &builtin(),
        &[
            ("k1.active_audience", 0),
            ("region.internet_users", 0),
            ("k3.active_audience", 5),
        ],
    );
    for id in ["K1", "K3"] {
        let c = comp(&r, id);
        assert_eq!(c.points, None, "{id}");
        assert_eq!(c.status, Status::NoData, "{id}");
        assert!(c.measures[0].levels.iter().all(|l| l.count.is_none()), "{id}");
    }
    let zero: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("равна нулю"))
        .collect();
    assert_eq!(zero.len(), 2, "{:?}", r.diagnostics);
    assert!(zero.iter().all(|d| d.severity == Severity::Warning));
    assert!(zero[0].location.is_some(), "the base's cell");
    assert_eq!(r.incomplete, 4);
}

// ------------------------------------------------------------------ region overrides

#[test]
fn region_overrides_replace_the_year() {
    let over = [YearTarget {
        year: 2026,
        target: 40,
        required: [("K1".to_string(), 5)].into_iter().collect(),
    }];
    let r = compute(&builtin(), &inputs(SEED), Q1, &over);
    assert_eq!(r.year_target, Some(40));
    assert_eq!(comp(&r, "K1").status, Status::Met);
    assert_eq!(comp(&r, "K3").status, Status::NoRequirement);
    assert_eq!(
        r.targets.iter().map(|t| (t.year, t.target)).collect::<Vec<_>>(),
        vec![(2026, 40), (2027, 75), (2028, 100)]
    );
    // A year without an entry: no target, no minimum.
    let r = compute(&builtin(), &inputs(SEED), Period::Year { year: 2030 }, &[]);
    assert_eq!(r.year_target, None);
    assert!(r.components.iter().all(|c| c.status == Status::NoRequirement));
}

// ------------------------------------------------------------------ properties

fn threshold() -> impl Strategy<Value = Threshold> {
    (1u128..=1_000_000, any::<bool>())
        .prop_flat_map(|(den, inclusive)| (0..=den, Just(den), Just(inclusive)))
        .prop_map(|(num, den, inclusive)| Threshold {
            value: Ratio::new(num, den).unwrap(),
            inclusive,
        })
}

proptest! {
    #[test]
    fn min_count_is_the_smallest_count_meeting_the_threshold(t in threshold(), base in 1u64..=1_000_000_000) {
        let n = t.min_count(base);
        prop_assert!(t.is_met(n, base), "{n} does not meet {t:?} on {base}");
        if n > 0 {
            prop_assert!(!t.is_met(n - 1, base), "{} already meets {t:?} on {base}", n - 1);
        }
        // The formulas of the methodology: ceil(t·b) for ≥, floor(t·b) + 1 for >.
        let prod = t.value.numer() * u128::from(base);
        let den = t.value.denom();
        let expected = if t.inclusive { prod.div_ceil(den) } else { prod / den + 1 };
        prop_assert_eq!(u128::from(n), expected);
    }

    #[test]
    fn k1_target_is_the_smallest_count_reaching_the_required_band(
        base in 1u64..=1_000_000_000,
        frac in 0u64..=1_000_000,
        required in prop::sample::select(vec![5u32, 7, 10]),
    ) {
        let value = (u128::from(base) * u128::from(frac) / 1_000_000) as u64;
        let over = [YearTarget {
            year: 2026,
            target: 50,
            required: [("K1".to_string(), required)].into_iter().collect(),
        }];
        let m = builtin();
        let k1_at = |v: u64| {
            let r = compute(&m, &inputs(&[("k1.active_audience", v), ("region.internet_users", base)]), Q1, &over);
            comp(&r, "K1").clone()
        };
        let c = k1_at(value);
        let points = c.points.unwrap();
        if points >= required {
            prop_assert_eq!(c.status, Status::Met);
            prop_assert!(c.measures[0].target.is_none());
        } else {
            prop_assert_eq!(c.status, Status::Below);
            let target = c.measures[0].target_level().cloned().unwrap();
            let n = target.count.unwrap();
            prop_assert!(n > value);
            prop_assert_eq!(target.gap, Some(n - value));
            prop_assert!(k1_at(n).points.unwrap() >= required, "target {n} on {base} does not reach {required}");
            prop_assert!(k1_at(n - 1).points.unwrap() < required, "{} on {base} already reaches {required}", n - 1);
        }
    }
}
