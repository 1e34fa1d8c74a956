//! Blank submission forms: one per body, format v1, and a round trip
//! through the reader with zero warnings.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use max_rating::bodies::Registry;
use max_rating::forms::{Cell, blank_form, codes_for};
use max_rating::ingest::Period;
use max_rating::methodology::Methodology;
use max_rating::pipeline::{self, Sources};
use max_rating::region::Region;

fn sources(inputs: &Path) -> Sources {
    Sources {
        inputs: inputs.to_path_buf(),
        methodology: None,
        history: None,
    }
}

#[test]
fn a_form_per_body_with_its_codes_and_metadata() {
    let out = tempfile::tempdir().unwrap();
    let files = max_rating::forms::blank_forms(&sources(Path::new("inputs")), out.path(), None)
        .unwrap()
        .files;
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for slug in [
        "minzdrav",
        "mfc",
        "gzhi",
        "mintrans",
        "minkultury",
        "minekonomrazvitiya",
        "max",
        "rosstat",
    ] {
        assert!(
            names.contains(&format!("forms/{slug}.xlsx").as_str()),
            "{slug} missing in {names:?}"
        );
    }
    // Bodies configured with `codes = []` get no form.
    assert!(
        !names.iter().any(|n| n.contains("omsu") || n.contains("rst.xlsx")),
        "{names:?}"
    );

    let f = files.iter().find(|f| f.path == "forms/minzdrav.xlsx").unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(f.bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Показатели", "Инструкция"]);
    let range = wb.worksheet_range("Показатели").unwrap();
    let text: Vec<String> = range.cells().map(|(_, _, d)| d.to_string()).collect();
    for expected in [
        "Забайкальский край",
        "Министерство здравоохранения Забайкальского края",
        "2026-Q1",
        "k2.sick_leave.closed_in_max",
        "k2.sick_leave.total",
        "Код",
        "Значение",
    ] {
        assert!(text.iter().any(|t| t == expected), "{expected} not in the form");
    }
    // No value is prefilled.
    let value_col = range
        .rows()
        .find_map(|r| r.iter().position(|c| *c == Data::String("Значение".into())))
        .unwrap();
    let header_row = range
        .rows()
        .position(|r| r.iter().any(|c| *c == Data::String("Код".into())))
        .unwrap();
    for row in range.rows().skip(header_row + 1) {
        assert_eq!(row.get(value_col), Some(&Data::Empty));
    }
}

#[test]
fn previous_values_are_shown_for_reference() {
    let out = tempfile::tempdir().unwrap();
    let loaded = pipeline::load(&sources(Path::new("inputs"))).unwrap();
    let fonts = max_rating::render::typst::Fonts::embedded();
    let built = pipeline::render(&loaded, &Default::default(), &fonts).unwrap().files;
    let json = built.iter().find(|f| f.path == "rating.json").unwrap();
    std::fs::write(out.path().join("rating.json"), &json.bytes).unwrap();
    let forms = max_rating::forms::blank_forms(&sources(Path::new("inputs")), out.path(), Some("2026-Q2")).unwrap();
    assert!(forms.warnings.is_empty(), "{:?}", forms.warnings);
    let text = form_text(&forms.files, "rosstat");
    assert!(text.iter().any(|t| t == "2026-Q2"));
    assert!(text.iter().any(|t| t == "691\u{202f}417"), "{text:?}");
}

/// The texts of the «Показатели» sheet of `slug`'s blank form.
fn form_text(files: &[max_rating::render::OutputFile], slug: &str) -> Vec<String> {
    let path = format!("forms/{slug}.xlsx");
    let f = files.iter().find(|f| f.path == path).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(f.bytes.clone())).unwrap();
    let range = wb.worksheet_range("Показатели").unwrap();
    range.cells().map(|(_, _, d)| d.to_string()).collect()
}

#[test]
fn an_older_rating_json_still_gives_the_previous_values() {
    let out = tempfile::tempdir().unwrap();
    let loaded = pipeline::load(&sources(Path::new("inputs"))).unwrap();
    let fonts = max_rating::render::typst::Fonts::embedded();
    let built = pipeline::render(&loaded, &Default::default(), &fonts).unwrap().files;
    let json = built.iter().find(|f| f.path == "rating.json").unwrap();
    // A rating.json of a build from before `history` and `collection`.
    let mut old: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
    let fields = old.as_object_mut().unwrap();
    assert!(fields.remove("history").is_some() && fields.remove("collection").is_some());
    for c in fields["components"].as_array_mut().unwrap() {
        for i in c["indicators"].as_array_mut().unwrap() {
            let i = i.as_object_mut().unwrap();
            for newer in [
                "previous",
                "change",
                "months_left",
                "growth_needed_per_month",
                "trend_per_month",
                "forecast",
                "next_level",
            ] {
                i.remove(newer);
            }
        }
    }
    let rating_json = out.path().join("rating.json");
    std::fs::write(&rating_json, serde_json::to_vec(&old).unwrap()).unwrap();
    let run = crate::common::bin()
        .args(["forms", "--inputs", "inputs", "--period", "2026-Q2", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.stderr.is_empty(), "{}", String::from_utf8_lossy(&run.stderr));
    // The previous period's value is in the written form.
    let written = max_rating::render::OutputFile::new(
        "forms/rosstat.xlsx",
        std::fs::read(out.path().join("forms/rosstat.xlsx")).unwrap(),
    );
    let text = form_text(&[written], "rosstat");
    assert!(
        text.iter().any(|t| t == "691\u{202f}417"),
        "previous values shown: {text:?}"
    );
    // Without region.toml's period the older file's period is the forms'.
    let previous = max_rating::forms::previous_build(out.path()).unwrap().unwrap();
    assert_eq!(previous.period, Period::parse("2026-Q1"));

    // A rating.json that cannot be used at all: a warning naming it, and
    // the forms are written without previous values.
    for broken in ["{ оборван", r#"{"region": "Забайкальский край", "values": {}}"#] {
        std::fs::write(&rating_json, broken).unwrap();
        let run = crate::common::bin()
            .args(["forms", "--inputs", "inputs", "--period", "2026-Q2", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains("предупреждение:")
                && stderr.contains(&rating_json.display().to_string())
                && stderr.contains("прошлая сборка не прочитана")
                && stderr.contains("значения прошлого периода в формах не показаны"),
            "{stderr}"
        );
        let forms = max_rating::forms::blank_forms(&sources(Path::new("inputs")), out.path(), Some("2026-Q2")).unwrap();
        assert_eq!(forms.warnings.len(), 1);
        assert!(!form_text(&forms.files, "rosstat").iter().any(|t| t == "691\u{202f}417"));
    }
}

#[test]
fn round_trip_filled_forms_read_back_with_no_warnings() {
    let m = Methodology::builtin().unwrap();
    let region = Region::load_from(Path::new("inputs")).unwrap();
    let reg = Registry::new(&region, &[]);
    let period = Period::parse("2026-Q1").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(inputs.join("submissions")).unwrap();
    std::fs::copy("inputs/region.toml", inputs.join("region.toml")).unwrap();
    let mut expected = BTreeMap::new();
    let mut n = 0u64;
    for body in &reg.bodies {
        let codes = codes_for(&m, &region, &reg, &body.slug);
        if codes.is_empty() {
            continue;
        }
        let mut spec = blank_form(
            &m,
            "Забайкальский край",
            body,
            &codes,
            &period,
            &BTreeMap::new(),
            (2026, 7, 1),
        );
        for row in &mut spec.rows {
            n += 1;
            let is_flag = row.code.ends_with(".launched");
            let v = if is_flag { 1 } else { 1_000 + n * 37 };
            // Bases must exceed numerators: make base-like codes large.
            let v = if row.code.contains("total")
                || row.code.contains("visitors")
                || row.code.contains("internet")
                || row.code.contains("orgs")
                || row.code.contains("base")
            {
                v * 1_000
            } else {
                v
            };
            row.value = Cell::Number(v as f64);
            expected.insert(row.code.clone(), v);
        }
        std::fs::write(
            inputs.join("submissions").join(format!("{}.xlsx", body.slug)),
            spec.to_xlsx().unwrap(),
        )
        .unwrap();
    }
    let loaded = pipeline::load(&sources(&inputs)).unwrap();
    let diags = loaded.diagnostics();
    assert!(diags.is_empty(), "{diags:#?}");
    let got: BTreeMap<String, u64> = loaded.inputs.values.iter().map(|(k, o)| (k.clone(), o.value)).collect();
    assert_eq!(got, expected);
    assert_eq!(loaded.rating.unwrap().period, period);
}
