//! The demonstration workspace `examples/demo/`: a fictional region,
//! «Демонстрационная область», with four monthly periods of forms made by
//! the reference generator (January–March 2026 in `periods/`, April in
//! `inputs/`), its plan (`inputs/region.toml`, the reference plan renamed)
//! and a ranking of fictional regions (`inputs/regions.xlsx`).
//!
//! Every figure is invented; the reference data of Забайкальский край are
//! not used.

use std::path::Path;

use crate::reference::Forms;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

const REGION: &str = "Демонстрационная область";
const GENITIVE: &str = "Демонстрационной области";

/// The forms of month `m` (1 = January 2026).
fn month(m: u8) -> Forms {
    let i = u64::from(m - 1);
    let mut f = Forms::seed();
    f.region = REGION.into();
    f.genitive = GENITIVE.into();
    let name = max_rating::fmt::month_name(m);
    f.period_text = format!("{name} 2026");
    f.period_code = format!("2026-{m:02}");
    f.period_label = format!("{name} 2026 г.");
    f.date = format!("05.{:02}.2026", m + 1);
    f.platform_date = format!("04.{:02}.2026", m + 1);
    f.statistics_body = "Демостат (вымышленная служба статистики)".into();
    let values = [
        ("region.internet_users", 1_200_000),
        ("k1.active_audience", 30_000 + 23_000 * i),
        ("k1.service.doctor_appointment.audience", 12_000 + 9_000 * i),
        ("k1.service.mfc_bot.audience", 8_000 + 6_000 * i),
        ("k3.active_audience", 150_000 + 25_000 * i),
        ("k2.sick_leave.total", 50_000),
        ("k2.sick_leave.closed_in_max", 1_000 + 550 * i),
        ("k2.mfc.visitors", 80_000),
        ("k2.mfc.notified_users", 20_000 + 3_000 * i),
        ("k2.housing.chats_total", 3_000),
        ("k2.housing.chats_active", 300 + 150 * i),
        ("k2.housing.channels_base", 200),
        ("k2.housing.channels_existing", 150),
        // Falling: the channels lose their weekly posts.
        ("k2.housing.channels_active", [70, 65, 62, 60][i as usize]),
        ("k4.orgs.transport", 150),
        ("k4.orgs.trade", 1_000),
        ("k4.orgs.culture", 400),
        ("k4.scanning.api", 100 + 40 * i),
        ("k4.scanning.goskan", 20),
    ];
    for (code, v) in values {
        f.values.insert(code.into(), v);
    }
    f
}

/// A ranking of fictional regions, the demonstration region among them.
fn regions_xlsx() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 5, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name("Рейтинг")?;
    ws.write_string(0, 0, "Рейтинг вымышленных регионов (данные для демонстрации)")?;
    for (c, h) in ["Регион", "К1", "К2", "К3", "К4", "Итого"].iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    let rows: [(&str, [f64; 4]); 6] = [
        ("Образцовый край", [10.0, 40.0, 7.0, 20.0]),
        ("Учебная область", [7.0, 20.0, 10.0, 10.0]),
        (REGION, [7.0, 20.0, 5.0, 0.0]),
        ("Условная республика", [5.0, 10.0, 7.0, 10.0]),
        ("Пробный край", [5.0, 20.0, 5.0, 0.0]),
        ("Примерный автономный округ", [0.0, 10.0, 5.0, 0.0]),
    ];
    for (r, (name, points)) in rows.iter().enumerate() {
        let row = 3 + r as u32;
        ws.write_string(row, 0, *name)?;
        for (c, p) in points.iter().enumerate() {
            ws.write_number(row, 1 + c as u16, *p)?;
        }
        ws.write_number(row, 5, points.iter().sum::<f64>())?;
    }
    wb.save_to_buffer()
}

/// The reference plan made fictional: names, meeting, no results of a
/// real year.
fn region_toml() -> String {
    let real = include_str!("../../inputs/region.toml");
    let cut = real.find("# Итоги прошлого года").unwrap_or(real.len());
    real[..cut]
        .replace(
            "title = \"Заседание рабочей группы по внедрению и популяризации национального мессенджера на территории Забайкальского края\"",
            "title = \"Заседание рабочей группы по внедрению и популяризации национального мессенджера на территории Демонстрационной области (вымышленный регион, данные для примера)\"",
        )
        .replace("Забайкальский край", REGION)
        .replace("zabaykalsky.example", "demo-oblast.example")
        .replace("г. Чита, 672000", "г. Демоград, 000000")
        .replace("(3022)", "(000)")
        .replace("Забайкальского края", GENITIVE)
        .replace("Заб. края", "Демонстрационной обл.")
        .replace("Забайкалкрайстат (Росстат)", "Демостат (вымышленная служба статистики)")
        .replace("period = \"2026-Q1\"", "period = \"2026-04\"")
        .replace("date = 2026-04-16", "date = 2026-05-14")
        .replace("due = 2026-04-10", "due = 2026-05-08")
        .replace(
            "# План региона для max-rating",
            "# ВЫМЫШЛЕННЫЙ РЕГИОН: демонстрационный план для max-rating (все цифры придуманы).\n# План региона для max-rating",
        )
}

/// Writes the workspace into `dir` (its `inputs/` and `periods/`; the
/// history is recorded by the `history` command).
pub fn write(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    for m in 1..=3 {
        let d = dir.join(format!("periods/2026-{m:02}/submissions"));
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
        month(m).write(&d)?;
    }
    let inputs = dir.join("inputs");
    let subs = inputs.join("submissions");
    if subs.exists() {
        std::fs::remove_dir_all(&subs)?;
    }
    month(4).write(&subs)?;
    std::fs::write(inputs.join("region.toml"), region_toml())?;
    std::fs::write(inputs.join("regions.xlsx"), regions_xlsx()?)?;
    Ok(())
}
