//! The seed's figures, exactly, through the whole pipeline on the shipped
//! inputs/ (Забайкальский край, 1 квартал 2026).

use max_rating::ingest::Period;
use max_rating::pipeline::{self, Loaded, Sources};
use max_rating::rating::Status;
use max_rating::report::{ComponentView, PlanRow};

fn load() -> Loaded {
    let src = Sources {
        inputs: concat!(env!("CARGO_MANIFEST_DIR"), "/inputs").into(),
        methodology: None,
        history: None,
    };
    pipeline::load(&src).unwrap()
}

fn component<'a>(l: &'a Loaded, id: &str) -> &'a ComponentView {
    l.report
        .as_ref()
        .unwrap()
        .components
        .iter()
        .find(|c| c.id == id)
        .unwrap()
}

fn row<'a>(l: &'a Loaded, measure: &str) -> &'a PlanRow {
    l.report
        .as_ref()
        .unwrap()
        .components
        .iter()
        .flat_map(|c| &c.rows)
        .find(|r| r.id == measure)
        .unwrap_or_else(|| panic!("no plan row {measure}"))
}

#[test]
fn inputs_read_without_problems() {
    let l = load();
    assert!(l.diagnostics().is_empty(), "{:#?}", l.diagnostics());
    assert_eq!(l.inputs.submissions.len(), 8);
    assert_eq!(
        l.inputs.period.as_ref().map(|p| p.0),
        Some(Period::Quarter { year: 2026, quarter: 1 })
    );
    assert_eq!(
        l.inputs.region.as_ref().map(|r| r.0.as_str()),
        Some("Забайкальский край")
    );
    for (code, value) in [
        ("region.internet_users", 691_417),
        ("k1.active_audience", 22_471),
        ("k3.active_audience", 150_964),
        ("k2.sick_leave.closed_in_max", 0),
        ("k2.sick_leave.total", 28_672),
        ("k2.mfc.notified_users", 14_670),
        ("k2.mfc.visitors", 62_372),
        ("k2.housing.chats_active", 19),
        ("k2.housing.chats_total", 2_805),
        ("k2.housing.channels_active", 5),
        ("k2.housing.channels_existing", 67),
        ("k2.housing.channels_base", 136),
        ("k4.scanning.api", 0),
        ("k4.scanning.goskan", 9),
        ("k4.orgs.transport", 113),
        ("k4.orgs.trade", 834),
        ("k4.orgs.culture", 368),
        ("k1.service.doctor_appointment.launched", 1),
        ("k1.service.mfc_bot.launched", 1),
    ] {
        assert_eq!(l.inputs.value(code), Some(value), "{code}");
    }
    // Traced to their cells.
    let o = &l.inputs.values["k1.active_audience"];
    assert_eq!(o.location.file, "submissions/federal/max_platform.xlsx");
    assert_eq!(o.location.sheet.as_deref(), Some("Показатели"));
    assert!(
        o.location.cell.as_deref().is_some_and(|c| c.starts_with('E')),
        "{:?}",
        o.location
    );
}

#[test]
fn points_total_and_band() {
    let l = load();
    let r = l.rating.as_ref().unwrap();
    let points: Vec<_> = r.components.iter().map(|c| (c.label.as_str(), c.points)).collect();
    assert_eq!(
        points,
        vec![("К1", Some(5)), ("К2", Some(0)), ("К3", Some(7)), ("К4", Some(0))]
    );
    assert_eq!(r.total, 12);
    assert_eq!(r.total_max, 100);
    assert_eq!(r.band, "red");
    assert_eq!(r.year, 2026);
    assert_eq!(r.year_target, Some(50));
    assert_eq!(r.incomplete, 0);
    let required: Vec<_> = r.components.iter().map(|c| c.required).collect();
    assert_eq!(required, vec![Some(10), Some(20), Some(10), Some(10)]);
    assert!(r.components.iter().all(|c| c.status == Status::Below));

    let rep = l.report.as_ref().unwrap();
    assert_eq!(rep.summary.total, 12);
    assert_eq!(rep.summary.band.id, "red");
    assert_eq!(rep.summary.year_target, Some(50));
    assert_eq!(rep.summary.target_gap, Some(38));
    assert_eq!(rep.summary.incomplete, 0);
    assert_eq!(rep.meta.period, "2026-Q1");
    assert_eq!(
        rep.targets.iter().map(|t| (t.year, t.target)).collect::<Vec<_>>(),
        vec![(2026, 50), (2027, 75), (2028, 100)]
    );
}

#[test]
fn plan_targets_exact() {
    let l = load();
    for (measure, target, value, base) in [
        ("k1.active_audience", 69_142, 22_471, 691_417),
        ("k3.active_audience", 345_709, 150_964, 691_417),
        ("k2.sick_leave", 1_434, 0, 28_672),
        ("k2.mfc", 31_186, 14_670, 62_372),
        ("k2.housing.chats", 1_403, 19, 2_805),
        ("k2.housing.channels", 68, 5, 136),
        ("k4.scanning", 263, 9, 1_315),
    ] {
        let r = row(&l, measure);
        assert_eq!(r.target, Some(target), "{measure}");
        assert_eq!(r.value, Some(value), "{measure}");
        assert_eq!(r.base, Some(base), "{measure}");
        assert_eq!(r.gap, Some(target - value), "{measure}");
    }
    assert_eq!(row(&l, "k1.active_audience").threshold, "> 10%");
    assert_eq!(row(&l, "k3.active_audience").threshold, "> 50%");
    assert_eq!(row(&l, "k4.scanning").threshold, "≥ 20%");
    assert_eq!(row(&l, "k2.housing.channels").threshold, "≥ 50%");
    assert_eq!(row(&l, "k1.active_audience").target_text, "69\u{202f}142 (> 10%)");
    // The existing channels are shown for information only.
    let ch = row(&l, "k2.housing.channels");
    assert_eq!(
        ch.info.iter().map(|p| (p.code.as_str(), p.value)).collect::<Vec<_>>(),
        vec![("k2.housing.channels_existing", Some(67))]
    );
}

#[test]
fn shares_as_shown() {
    let l = load();
    assert_eq!(row(&l, "k2.mfc").share_text, "23,5%");
    assert_eq!(row(&l, "k1.active_audience").share_text, "3,2%");
    assert_eq!(row(&l, "k3.active_audience").share_text, "21,8%");
    assert_eq!(row(&l, "k2.mfc").share_exact, Some([14_670, 62_372]));
}

#[test]
fn k2_combinations_and_reasons() {
    let l = load();
    let k2 = component(&l, "K2");
    assert_eq!(
        k2.combinations,
        vec!["ТМК (20 б.)".to_string(), "МФЦ + ЖКХ (10 + 10 б.)".to_string()]
    );
    assert_eq!(
        k2.criteria.iter().map(|c| c.passed).collect::<Vec<_>>(),
        vec![Some(false), Some(false), Some(false)]
    );
    assert!(
        k2.reason.contains("ТМК") && k2.reason.contains("МФЦ") && k2.reason.contains("ЖКХ"),
        "{}",
        k2.reason
    );
    let k1 = component(&l, "K1");
    assert!(k1.reason.contains("5 б."), "{}", k1.reason);
    assert!(k1.gate_failed.is_empty());
    let k3 = component(&l, "K3");
    assert!(k3.reason.contains("7 б."), "{}", k3.reason);
}
