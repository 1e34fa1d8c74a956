//! Regenerates the reference data set of Забайкальский край in
//! `inputs/submissions/`: one workbook per body, as each would send it.
//!
//! `cargo run --example reference_inputs [-- OUT_DIR]`
//!
//! The figures are those of the working group's deck of 16 April 2026.

use std::path::PathBuf;

use max_rating::forms::{Cell, Column, SpecRow, SubmissionSpec};

const REGION: &str = "Забайкальский край";

fn spec(body: &str, period: &str, author: &str) -> SubmissionSpec {
    let mut s = SubmissionSpec::new(REGION, body, period);
    s.meta.push(("Дата".into(), "10.04.2026".into()));
    s.meta.push(("Исполнитель".into(), author.into()));
    s
}

fn n(v: f64) -> Cell {
    Cell::Number(v)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("inputs/submissions"));
    let mut files: Vec<(&str, SubmissionSpec)> = Vec::new();

    // Минздрав: TMK sick leaves and the SFR base; the services it owns.
    let mut s = spec(
        "Министерство здравоохранения Забайкальского края",
        "1 квартал 2026",
        "Петрова А. С., отдел цифрового здравоохранения, 8 (3022) 21-00-00",
    );
    s.rows = vec![
        SpecRow::new(
            "k2.sick_leave.closed_in_max",
            "Количество больничных листов, закрытых с использованием сервиса ТМК в МАХ",
            "шт.",
            n(0.0),
            "МИС Минздрава Забайкальского края",
        )
        .comment("Доработка МИС для учета транзакций ТМК в МАХ не завершена"),
        SpecRow::new(
            "k2.sick_leave.total",
            "Общее количество закрытых больничных листов (1 квартал 2026 г.)",
            "шт.",
            Cell::Text("28\u{a0}672".into()),
            "СФР",
        ),
        SpecRow::new(
            "k1.service.doctor_appointment.launched",
            "Сервис «Запись на прием к врачу» запущен",
            "да/нет",
            Cell::Text("да".into()),
            "Минздрав Забайкальского края",
        ),
        SpecRow::new(
            "k1.service.sick_leave_tmk.launched",
            "Сервис «Закрытие больничных и консультации» запущен",
            "да/нет",
            n(1.0),
            "Минздрав Забайкальского края",
        ),
    ];
    files.push(("minzdrav.xlsx", s));

    // МФЦ: notifications in MAX, the visitors' base (Минцифры России).
    let mut s = spec(
        "КГАУ «МФЦ Забайкальского края»; Минэкономразвития Забайкальского края",
        "2026-Q1",
        "Сидоров В. П., 8 (3022) 21-10-10",
    );
    s.columns = vec![
        Column::No,
        Column::Code,
        Column::Name,
        Column::Value,
        Column::Unit,
        Column::Source,
    ];
    s.rows = vec![
        SpecRow::new(
            "k2.mfc.notified_users",
            "Количество уникальных пользователей, получивших уведомления от МФЦ в МАХ",
            "чел.",
            Cell::Text("14670,0".into()),
            "КГАУ «МФЦ Забайкальского края»",
        ),
        SpecRow::new(
            "k2.mfc.visitors",
            "Общее количество посетителей МФЦ (1 квартал 2026 г.)",
            "чел.",
            Cell::Text("62 372".into()),
            "Минцифры России",
        ),
        SpecRow::new(
            "k1.service.mfc_bot.launched",
            "Чат-бот МФЦ в МАХ запущен",
            "1/0",
            n(1.0),
            "КГАУ «МФЦ Забайкальского края»",
        ),
    ];
    files.push(("mfc.xlsx", s));

    // Госжилинспекция: the channel base (Минстрой plan) and existing channels.
    let mut s = spec(
        "Государственная жилищная инспекция Забайкальского края",
        "1 квартал 2026",
        "Кузнецова Е. Н.",
    );
    s.rows = vec![
        SpecRow::new(
            "k2.housing.channels_base",
            "Количество информационных каналов управляющих компаний (план Минстроя России)",
            "шт.",
            n(136.0),
            "Минстрой России",
        ),
        SpecRow::new(
            "k2.housing.channels_existing",
            "Количество созданных информационных каналов УК на отчетную дату",
            "шт.",
            n(67.0),
            "Госжилинспекция Забайкальского края",
        ),
    ];
    files.push(("gzhi.xlsx", s));

    // Минтранс: transport organisations.
    let mut s = spec(
        "Министерство транспорта Забайкальского края",
        "1 квартал 2026",
        "Орлов Д. А.",
    );
    s.rows = vec![SpecRow::new(
        "k4.orgs.transport",
        "Общее количество организаций в сфере транспорта",
        "шт.",
        n(113.0),
        "Минтранс России",
    )];
    files.push(("mintrans.xlsx", s));

    // Минкультуры: culture organisations, a total by formula over details.
    let mut s = spec(
        "Министерство культуры Забайкальского края",
        "1 квартал 2026",
        "Лебедева О. В.",
    );
    s.columns = vec![
        Column::Name,
        Column::Code,
        Column::Value,
        Column::Unit,
        Column::Source,
        Column::Comment,
    ];
    let detail = |name: &str, v: f64| SpecRow {
        code: String::new(),
        name: name.into(),
        unit: "шт.".into(),
        value: n(v),
        source: "Росстат".into(),
        comment: "справочно".into(),
        kind: None,
        previous: None,
    };
    s.rows = vec![
        detail("в т.ч. библиотеки", 214.0),
        detail("в т.ч. культурно-досуговые учреждения", 118.0),
        detail("в т.ч. музеи, театры, концертные организации", 36.0),
        SpecRow::new(
            "k4.orgs.culture",
            "Общее количество организаций в сфере культуры",
            "шт.",
            Cell::Formula {
                formula: "=SUM(C10:C12)".into(),
                result: 368.0,
            },
            "Росстат",
        ),
    ];
    files.push(("minkult.xlsx", s));

    // Минэкономразвития / РСТ: trade organisations.
    let mut s = spec(
        "Минэкономразвития Забайкальского края; РСТ Забайкальского края",
        "1 квартал 2026",
        "Николаев С. И.",
    );
    s.rows = vec![SpecRow::new(
        "k4.orgs.trade",
        "Общее количество организаций в сфере торговли",
        "шт.",
        n(834.0),
        "Росстат",
    )];
    files.push(("minek_rst.xlsx", s));

    // ООО «МАХ»: platform data.
    let mut s = spec("ООО «МАХ»", "2026-Q1", "Цифровая платформа МАХ, выгрузка от 09.04.2026");
    s.title = "Данные Цифровой платформы МАХ по субъекту Российской Федерации".into();
    s.rows = vec![
        SpecRow::new(
            "k1.active_audience",
            "Месячная активная аудитория региональных сервисов",
            "чел.",
            Cell::Text("22\u{202f}471".into()),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k1.service.doctor_appointment.audience",
            "в т.ч. «Запись на прием к врачу»",
            "чел.",
            n(9_842.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k1.service.mfc_bot.audience",
            "в т.ч. чат-бот МФЦ",
            "чел.",
            n(8_113.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k3.active_audience",
            "Месячная активная аудитория региональных государственных каналов",
            "чел.",
            n(150_964.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k2.housing.chats_active",
            "Количество активных домовых чатов",
            "шт.",
            n(19.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k2.housing.chats_total",
            "Общее количество домовых чатов",
            "шт.",
            n(2_805.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k2.housing.channels_active",
            "Количество активных информационных каналов УК",
            "шт.",
            n(5.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k4.scanning.api",
            "Организации, где зафиксировано сканирование Цифрового ID через API MAX",
            "шт.",
            n(0.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k4.scanning.goskan",
            "Организации, где зафиксировано сканирование через «Госскан»",
            "шт.",
            n(9.0),
            "ООО «МАХ»",
        ),
    ];
    files.push(("federal/max_platform.xlsx", s));

    // Росстат: internet users.
    let mut s = spec("Забайкалкрайстат (Росстат)", "2026", "Отдел статистики");
    s.meta.retain(|(k, _)| k != "Период");
    s.rows = vec![SpecRow::new(
        "region.internet_users",
        "Численность интернет-пользователей субъекта Российской Федерации",
        "чел.",
        n(691_417.0),
        "Росстат",
    )];
    files.push(("federal/rosstat.xlsx", s));

    for (name, spec) in files {
        let path = out.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, spec.to_xlsx()?)?;
        println!("{}", path.display());
    }
    Ok(())
}
