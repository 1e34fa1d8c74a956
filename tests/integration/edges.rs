//! Honest figures at every threshold edge: a region whose every indicator
//! sits one unit below, or exactly at, the count of a band of its scale
//! (every band of К1, К3, К4, every criterion of К2). In every output that
//! shows a share — rating.json (the number and the reasons), the deck, the
//! workbook as displayed, the packs' PDFs and letters — the share shown is on
//! the same side of each threshold of its indicator as the exact share.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating::num::{Ratio, Threshold};
use serde_json::Value;

use crate::common::{bin, inputs_copy};

/// `≥ 2,5%` → the threshold.
fn threshold(label: &str) -> Threshold {
    let (sign, rest) = label.split_once(' ').unwrap();
    Threshold {
        value: Ratio::parse_percent(&rest.replace(['%', '\u{202F}'], "").replace(',', ".")).unwrap(),
        inclusive: sign == "≥",
    }
}

/// An indicator of rating.json: its exact share and the thresholds of its
/// levels.
#[derive(Debug, Clone)]
struct Indicator {
    code: String,
    share: Ratio,
    thresholds: Vec<Threshold>,
}

fn indicators(rating: &Value) -> Vec<Indicator> {
    let mut out = Vec::new();
    for c in rating["components"].as_array().unwrap() {
        for i in c["indicators"].as_array().unwrap() {
            let Some(exact) = i["share_exact"].as_array() else {
                continue;
            };
            let (n, d) = (exact[0].as_u64().unwrap(), exact[1].as_u64().unwrap());
            out.push(Indicator {
                code: i["code"].as_str().unwrap().to_string(),
                share: Ratio::share(n, d).unwrap(),
                thresholds: i["levels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| threshold(l["threshold"].as_str().unwrap()))
                    .collect(),
            });
        }
    }
    out
}

/// Whether a displayed share (a decimal number of percent) is on the side
/// of every threshold that the exact share is on.
fn consistent(shown: &Ratio, ind: &Indicator) -> bool {
    ind.thresholds
        .iter()
        .all(|t| t.is_met_by(shown) == t.is_met_by(&ind.share))
}

fn percent_ratio(digits: &str) -> Ratio {
    Ratio::parse_percent(&digits.replace(',', ".")).unwrap()
}

/// Every «12,5%» of a text that is a share (not a threshold: not after ≥,
/// >, ≤, <, «не менее», «более», «менее», «от», «до», not before ≤ or <).
fn shares_in(text: &str) -> Vec<String> {
    let text = text.replace(['\u{202F}', '\u{a0}'], " ");
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '%' {
            continue;
        }
        let mut j = i;
        while j > 0 && (chars[j - 1].is_ascii_digit() || chars[j - 1] == ',') {
            j -= 1;
        }
        if j == i || !chars[j].is_ascii_digit() {
            continue;
        }
        let before: String = chars[j.saturating_sub(9)..j].iter().collect();
        let after: String = chars[i + 1..(i + 4).min(chars.len())].iter().collect();
        let before = before.trim_end();
        if ["≥", ">", "≤", "<", "менее", "более", " от", " до"]
            .iter()
            .any(|s| before.ends_with(s))
            || after.trim_start().starts_with(['≤', '<'])
        {
            continue;
        }
        out.push(chars[j..i].iter().collect());
    }
    out
}

/// Checks every share shown in `text`: it belongs to the indicator whose
/// exact share is nearest, and must be on its side of its thresholds.
fn check_text(what: &str, text: &str, inds: &[Indicator]) -> usize {
    let mut checked = 0;
    for token in shares_in(text) {
        let shown = percent_ratio(&token);
        let nearest = inds
            .iter()
            .min_by(|a, b| distance(&shown, &a.share).total_cmp(&distance(&shown, &b.share)))
            .unwrap();
        if distance(&shown, &nearest.share) > 0.005 {
            continue; // not a display of an indicator's share
        }
        assert!(
            consistent(&shown, nearest),
            "{what}: «{token}%» is on the other side of a threshold of {} than {}",
            nearest.code,
            nearest.share
        );
        checked += 1;
    }
    checked
}

fn distance(a: &Ratio, b: &Ratio) -> f64 {
    (a.to_f64() - b.to_f64()).abs()
}

// ------------------------------------------------------------------ the inputs

/// The thresholds of each scale, in order (К1, К3, К4), and of the
/// criteria of К2.
const K1: [(&str, bool); 3] = [("2.5", true), ("5", true), ("10", false)];
const K3: [(&str, bool); 3] = [("10", true), ("20", true), ("50", false)];
const K4: [(&str, bool); 3] = [("20", true), ("40", true), ("70", false)];

fn min_count(pct: &str, inclusive: bool, base: u64) -> u64 {
    Threshold {
        value: Ratio::parse_percent(pct).unwrap(),
        inclusive,
    }
    .min_count(base)
}

/// The values of edge `band` of every scale; `below`: one unit below the
/// band's count, else exactly at it.
fn values(band: usize, below: bool) -> BTreeMap<&'static str, u64> {
    let d = u64::from(below);
    let users = 691_417;
    let orgs = (113, 834, 369);
    let org_base = orgs.0 + orgs.1 + orgs.2;
    let goskan = 9;
    let k4 = min_count(K4[band].0, K4[band].1, org_base) - d;
    BTreeMap::from([
        ("region.internet_users", users),
        ("k1.active_audience", min_count(K1[band].0, K1[band].1, users) - d),
        ("k3.active_audience", min_count(K3[band].0, K3[band].1, users) - d),
        ("k2.sick_leave.total", 28_672),
        ("k2.sick_leave.closed_in_max", min_count("5", true, 28_672) - d),
        ("k2.mfc.visitors", 30_001),
        ("k2.mfc.notified_users", min_count("50", true, 30_001) - d),
        ("k2.housing.chats_total", 2_805),
        ("k2.housing.chats_active", min_count("50", true, 2_805) - d),
        ("k2.housing.channels_base", 136),
        ("k2.housing.channels_active", min_count("50", true, 136) - d),
        ("k4.orgs.transport", orgs.0),
        ("k4.orgs.trade", orgs.1),
        ("k4.orgs.culture", orgs.2),
        ("k4.scanning.goskan", goskan),
        ("k4.scanning.api", k4 - goskan),
    ])
}

/// The reference inputs with their forms replaced by one holding `values`.
fn write_inputs(dir: &Path, values: &BTreeMap<&str, u64>) {
    let subs = dir.join("submissions");
    std::fs::remove_dir_all(&subs).unwrap();
    std::fs::create_dir_all(&subs).unwrap();
    let mut s = SubmissionSpec::new("Забайкальский край", "ООО «МАХ»", "1 квартал 2026");
    s.rows = values
        .iter()
        .map(|(code, v)| SpecRow::new(code, code, "шт.", Cell::Number(*v as f64), "ООО «МАХ»"))
        .collect();
    std::fs::write(subs.join("all.xlsx"), s.to_xlsx().unwrap()).unwrap();
}

// ------------------------------------------------------------------ the outputs

fn check_json(rating: &Value, inds: &[Indicator]) {
    for c in rating["components"].as_array().unwrap() {
        for i in c["indicators"].as_array().unwrap() {
            let Some(p) = i["share_percent"].as_f64() else { continue };
            let ind = inds.iter().find(|x| x.code == i["code"]).unwrap();
            for (l, t) in i["levels"].as_array().unwrap().iter().zip(&ind.thresholds) {
                let pct = t.value.to_f64() * 100.0;
                let shown_meets = if t.inclusive { p >= pct } else { p > pct };
                assert_eq!(
                    shown_meets,
                    l["reached"].as_bool().unwrap(),
                    "rating.json: share_percent {p} of {} against {}",
                    ind.code,
                    l["threshold"]
                );
            }
        }
        let reason = c["reason"].as_str().unwrap();
        check_text(&format!("reason of {}", c["id"]), reason, inds);
    }
}

/// The share cells of report.xlsx as displayed: the value at the cell's
/// number of decimals.
fn check_workbook(bytes: &[u8], inds: &[Indicator]) -> usize {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut checked = 0;
    let names = wb.sheet_names();
    for sheet in ["К1", "К2", "К3", "К4"]
        .into_iter()
        .filter(|s| names.iter().any(|n| n == s))
    {
        let range = wb.worksheet_range(sheet).unwrap();
        let styles = wb.worksheet_style(sheet).unwrap();
        let (r0, c0) = range.start().unwrap();
        // The plan table's header row holds «Доля».
        let Some((hr, col)) = range
            .used_cells()
            .find(|(_, _, v)| matches!(v, Data::String(s) if s == "Доля"))
            .map(|(r, c, _)| (r as u32 + r0, c as u32 + c0))
        else {
            panic!("{sheet}: no «Доля»");
        };
        for r in hr + 1..hr + 8 {
            let Some(Data::Float(v)) = range.get_value((r, col)) else {
                continue;
            };
            let format = styles
                .get((r, col))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone())
                .unwrap_or_default();
            if !format.contains('%') {
                continue; // past the plan table
            }
            let digits = format.split('.').nth(1).map_or(0, |d| d.matches('0').count());
            let shown = format!("{:.*}", digits, v * 100.0).replace('.', ",");
            let n = check_text(&format!("{sheet}!{r}:{col} ({format})"), &format!("{shown}%"), inds);
            assert_eq!(n, 1, "{sheet}: share cell {shown}% {format}");
            checked += 1;
        }
    }
    checked
}

fn pdf_text(path: &Path) -> String {
    let text = pdf_extract::extract_text_from_mem(&std::fs::read(path).unwrap()).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_output_keeps_each_share_on_its_side_of_every_threshold() {
    for band in 0..3 {
        for below in [true, false] {
            let (tmp, inputs) = inputs_copy();
            write_inputs(&inputs, &values(band, below));
            let out = tmp.path().join("out");
            let run = bin()
                .args(["build", "--inputs"])
                .arg(&inputs)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
            let rating: Value = serde_json::from_slice(&std::fs::read(out.join("rating.json")).unwrap()).unwrap();
            let inds = indicators(&rating);
            assert_eq!(inds.len(), 7);
            check_json(&rating, &inds);
            let deck = pdf_text(&out.join("deck.pdf"));
            assert!(check_text("deck.pdf", &deck, &inds) >= 7, "band {band}, below {below}");
            assert_eq!(
                check_workbook(&std::fs::read(out.join("report.xlsx")).unwrap(), &inds),
                7
            );
            let mut in_packs = 0;
            for e in std::fs::read_dir(out.join("bodies")).unwrap() {
                let dir = e.unwrap().path();
                in_packs += check_text("pack", &pdf_text(&dir.join("report.pdf")), &inds);
                in_packs += check_text(
                    "letter",
                    &std::fs::read_to_string(dir.join("letter.txt")).unwrap(),
                    &inds,
                );
                check_workbook(&std::fs::read(dir.join("report.xlsx")).unwrap(), &inds);
            }
            assert!(
                in_packs > 0 || !below,
                "the packs show shares (band {band}, below {below})"
            );
        }
    }
}

#[test]
fn the_examples_of_the_issue() {
    let (tmp, inputs) = inputs_copy();
    write_inputs(&inputs, &values(2, true));
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let deck = pdf_text(&out.join("deck.pdf")).replace('\u{202F}', " ");
    assert!(deck.contains("49,998%"), "МФЦ 15 000 of 30 001");
    assert!(deck.contains("4,998%"), "1 433 of 28 672");
    let rating = std::fs::read_to_string(out.join("rating.json")).unwrap();
    assert!(rating.contains("МФЦ: 49,998%, нужно ≥ 50% — не выполнен"), "{rating}");
    let letter = std::fs::read_to_string(out.join("bodies/mfc/letter.txt")).unwrap();
    assert!(letter.contains("49,998% от 30\u{202F}001"), "{letter}");
}
