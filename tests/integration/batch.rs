//! `max-rating batch`: three synthetic regions, one of them broken → two
//! complete outputs, one reported failure, a ranking of two.

use std::path::Path;
use std::process::Command;

use calamine::{Data, DataType, Reader};
use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating_testkit::synth;
use serde_json::Value;

fn total(dir: &Path) -> u64 {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("rating.json")).unwrap()).unwrap();
    v["total"].as_u64().unwrap()
}

#[test]
fn batch_builds_the_good_regions_and_ranks_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("regions");
    let regions = synth::regions(42, 3);
    for r in &regions {
        synth::write_region(&dir.join(&r.folder), r).unwrap();
    }
    // The third region's Минтранс typed an Excel error instead of a number.
    let broken = &regions[2];
    let mut s = SubmissionSpec::new(
        &broken.name,
        &format!("Министерство транспорта {}", broken.genitive),
        "1 квартал 2026",
    );
    s.rows = vec![SpecRow::new(
        "k4.orgs.transport",
        "Организации транспорта",
        "шт.",
        Cell::Text("#DIV/0!".into()),
        "Минтранс",
    )];
    std::fs::write(
        dir.join(&broken.folder).join("submissions/mintrans.xlsx"),
        s.to_xlsx().unwrap(),
    )
    .unwrap();
    // Not regions: hidden folders and the shared templates folder.
    std::fs::create_dir_all(dir.join(".cache")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();

    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_max-rating"))
        .args(["batch", "--jobs", "2", "--out"])
        .arg(&out)
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    // The failure names the region's folder and the cell.
    assert!(stderr.contains(&format!("регион {}", broken.folder)), "{stderr}");
    assert!(stderr.contains("#DIV/0!"), "{stderr}");
    assert!(stdout.contains("Собрано регионов: 2 из 3"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "no progress bar when stdout is not a terminal: {stdout}"
    );

    let mut totals = Vec::new();
    for r in &regions[..2] {
        let d = out.join(&r.folder);
        for f in ["rating.json", "report.xlsx", "deck.pdf"] {
            assert!(d.join(f).is_file(), "{}/{f}", r.folder);
        }
        totals.push((r.name.clone(), total(&d)));
    }
    assert!(
        !out.join(&broken.folder).exists(),
        "nothing written for the broken region"
    );
    assert!(!out.join("templates").exists() && !out.join(".cache").exists());

    // The ranking: two rows, best first, with the totals of rating.json.
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut wb = calamine::open_workbook_auto(out.join("ranking.xlsx")).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.get(1) == Some(&Data::String("Регион".into())))
        .unwrap();
    let head: Vec<String> = rows[header].iter().map(|c| c.to_string()).collect();
    assert_eq!(head, ["Место", "Регион", "К1", "К2", "К3", "К4", "Итого", "Зона"]);
    let body: Vec<&[Data]> = rows[header + 1..]
        .iter()
        .copied()
        .filter(|r| !r[1].is_empty())
        .collect();
    assert_eq!(body.len(), 2, "{body:?}");
    for (row, (name, t)) in body.iter().zip(&totals) {
        assert_eq!(row[1].to_string(), *name);
        assert_eq!(row[6].as_f64(), Some(*t as f64));
        let sum: f64 = row[2..6].iter().filter_map(|c| c.as_f64()).sum();
        assert_eq!(sum, *t as f64, "К1..К4 add up to the total");
    }
    assert_eq!(body[0][0].as_f64(), Some(1.0));

    // The ranking workbook serves as a region's regions.xlsx.
    let table = max_rating::ingest::regions::read(&out.join("ranking.xlsx")).unwrap();
    let ranking = max_rating::report::Ranking::from_table(&table, &totals[0].0);
    assert_eq!(ranking.count, 2);
    assert_eq!(ranking.own_rank, Some(1));

    let pdf = std::fs::read(out.join("ranking.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&totals[0].0) && text.contains(&totals[1].0), "{text}");
    assert!(!text.contains(&broken.name), "{text}");
}

#[test]
fn batch_without_regions_is_a_configuration_error() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_max-rating"))
        .args(["batch", "--out"])
        .arg(tmp.path().join("out"))
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&run.stderr).contains("нет ни одной папки региона"));
}
