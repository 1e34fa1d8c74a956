//! The reference data set, written as each body would send it: one
//! workbook per body, with the quirks real forms have (numbers typed as
//! text with no-break spaces or a decimal comma, a total by formula over
//! details, a form without a period, files in a subfolder). The figures of
//! Забайкальский край are those of the working group's deck of 16 April
//! 2026 ([`Forms::seed`]); the same forms with other figures make the
//! demonstration workspace.

use std::collections::BTreeMap;
use std::path::Path;

use max_rating::forms::{Cell, Column, SpecRow, SubmissionSpec};

/// One period's forms of a region.
#[derive(Debug, Clone)]
pub struct Forms {
    pub region: String,
    /// «Забайкальского края», in the bodies' names.
    pub genitive: String,
    /// The period as most bodies write it: «1 квартал 2026».
    pub period_text: String,
    /// The period as the others write it: `2026-Q1`.
    pub period_code: String,
    /// «1 квартал 2026 г.», in the rows' names.
    pub period_label: String,
    /// «Дата» of the forms: `10.04.2026`.
    pub date: String,
    /// The date of the platform's export: `09.04.2026`.
    pub platform_date: String,
    /// The statistics office: «Забайкалкрайстат (Росстат)».
    pub statistics_body: String,
    /// Every code's value.
    pub values: BTreeMap<String, u64>,
}

/// `28 672` with `sep` between digit groups.
fn grouped(v: u64, sep: char) -> String {
    max_rating::fmt::int(v).replace('\u{202F}', &sep.to_string())
}

fn n(v: u64) -> Cell {
    Cell::Number(v as f64)
}

impl Forms {
    /// Забайкальский край, 1 квартал 2026 г.
    pub fn seed() -> Forms {
        Forms {
            region: "Забайкальский край".into(),
            genitive: "Забайкальского края".into(),
            period_text: "1 квартал 2026".into(),
            period_code: "2026-Q1".into(),
            period_label: "1 квартал 2026 г.".into(),
            date: "10.04.2026".into(),
            platform_date: "09.04.2026".into(),
            statistics_body: "Забайкалкрайстат (Росстат)".into(),
            values: SEED.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
        }
    }

    /// The seed's forms for another quarter of 2026, `changes` applied
    /// (the other figures as in the seed).
    pub fn seed_quarter(quarter: u8, changes: &[(&str, u64)]) -> Forms {
        let mut f = Forms::seed();
        f.period_text = format!("{quarter} квартал 2026");
        f.period_code = format!("2026-Q{quarter}");
        f.period_label = format!("{quarter} квартал 2026 г.");
        for (code, v) in changes {
            f.values.insert(code.to_string(), *v);
        }
        f
    }

    fn spec(&self, body: &str, period: &str, author: &str) -> SubmissionSpec {
        let mut s = SubmissionSpec::new(&self.region, body, period);
        s.meta.push(("Дата".into(), self.date.clone()));
        s.meta.push(("Исполнитель".into(), author.into()));
        s
    }

    /// The workbooks: (path inside `submissions/`, form).
    pub fn workbooks(&self) -> Vec<(&'static str, SubmissionSpec)> {
        let f = self;
        let g = &self.genitive;
        let v = |code: &str| self.values.get(code).copied().unwrap_or(0);
        let n = |x: u64| n(x);
        let culture = culture_details(v("k4.orgs.culture"));
        let mut files: Vec<(&str, SubmissionSpec)> = Vec::new();

        // Минздрав: TMK sick leaves and the SFR base; the services it owns.
        let mut s = f.spec(
            &format!("Министерство здравоохранения {g}"),
            &f.period_text,
            "Петрова А. С., отдел цифрового здравоохранения, 8 (3022) 21-00-00",
        );
        s.rows = vec![
            SpecRow::new(
                "k2.sick_leave.closed_in_max",
                "Количество больничных листов, закрытых с использованием сервиса ТМК в МАХ",
                "шт.",
                n(v("k2.sick_leave.closed_in_max")),
                &format!("МИС Минздрава {g}"),
            )
            .comment("Доработка МИС для учета транзакций ТМК в МАХ не завершена"),
            SpecRow::new(
                "k2.sick_leave.total",
                &format!("Общее количество закрытых больничных листов ({})", f.period_label),
                "шт.",
                Cell::Text(grouped(v("k2.sick_leave.total"), '\u{a0}')),
                "СФР",
            ),
            SpecRow::new(
                "k1.service.doctor_appointment.launched",
                "Сервис «Запись на прием к врачу» запущен",
                "да/нет",
                Cell::Text("да".into()),
                &format!("Минздрав {g}"),
            ),
            SpecRow::new(
                "k1.service.sick_leave_tmk.launched",
                "Сервис «Закрытие больничных и консультации» запущен",
                "да/нет",
                n(1),
                &format!("Минздрав {g}"),
            ),
        ];
        files.push(("minzdrav.xlsx", s));

        // МФЦ: notifications in MAX, the visitors' base (Минцифры России).
        let mut s = f.spec(
            &format!("КГАУ «МФЦ {g}»; Минэкономразвития {g}"),
            &f.period_code,
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
                Cell::Text(format!("{},0", v("k2.mfc.notified_users"))),
                &format!("КГАУ «МФЦ {g}»"),
            ),
            SpecRow::new(
                "k2.mfc.visitors",
                &format!("Общее количество посетителей МФЦ ({})", f.period_label),
                "чел.",
                Cell::Text(grouped(v("k2.mfc.visitors"), ' ')),
                "Минцифры России",
            ),
            SpecRow::new(
                "k1.service.mfc_bot.launched",
                "Чат-бот МФЦ в МАХ запущен",
                "1/0",
                n(1),
                &format!("КГАУ «МФЦ {g}»"),
            ),
        ];
        files.push(("mfc.xlsx", s));

        // Госжилинспекция: the channel base (Минстрой plan) and existing channels.
        let mut s = f.spec(
            &format!("Государственная жилищная инспекция {g}"),
            &f.period_text,
            "Кузнецова Е. Н.",
        );
        s.rows = vec![
            SpecRow::new(
                "k2.housing.channels_base",
                "Количество информационных каналов управляющих компаний (план Минстроя России)",
                "шт.",
                n(v("k2.housing.channels_base")),
                "Минстрой России",
            ),
            SpecRow::new(
                "k2.housing.channels_existing",
                "Количество созданных информационных каналов УК на отчетную дату",
                "шт.",
                n(v("k2.housing.channels_existing")),
                &format!("Госжилинспекция {g}"),
            ),
        ];
        files.push(("gzhi.xlsx", s));

        // Минтранс: transport organisations.
        let mut s = f.spec(&format!("Министерство транспорта {g}"), &f.period_text, "Орлов Д. А.");
        s.rows = vec![SpecRow::new(
            "k4.orgs.transport",
            "Общее количество организаций в сфере транспорта",
            "шт.",
            n(v("k4.orgs.transport")),
            "Минтранс России",
        )];
        files.push(("mintrans.xlsx", s));

        // Минкультуры: culture organisations, a total by formula over details.
        let mut s = f.spec(&format!("Министерство культуры {g}"), &f.period_text, "Лебедева О. В.");
        s.columns = vec![
            Column::Name,
            Column::Code,
            Column::Value,
            Column::Unit,
            Column::Source,
            Column::Comment,
        ];
        let detail = |name: &str, v: u64| SpecRow {
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
            detail("в т.ч. библиотеки", culture[0]),
            detail("в т.ч. культурно-досуговые учреждения", culture[1]),
            detail("в т.ч. музеи, театры, концертные организации", culture[2]),
            SpecRow::new(
                "k4.orgs.culture",
                "Общее количество организаций в сфере культуры",
                "шт.",
                Cell::Formula {
                    formula: "=SUM(C10:C12)".into(),
                    result: v("k4.orgs.culture") as f64,
                },
                "Росстат",
            ),
        ];
        files.push(("minkult.xlsx", s));

        // Минэкономразвития / РСТ: trade organisations.
        let mut s = f.spec(
            &format!("Минэкономразвития {g}; РСТ {g}"),
            &f.period_text,
            "Николаев С. И.",
        );
        s.rows = vec![SpecRow::new(
            "k4.orgs.trade",
            "Общее количество организаций в сфере торговли",
            "шт.",
            n(v("k4.orgs.trade")),
            "Росстат",
        )];
        files.push(("minek_rst.xlsx", s));

        // ООО «МАХ»: platform data.
        let mut s = f.spec(
            "ООО «МАХ»",
            &f.period_code,
            &format!("Цифровая платформа МАХ, выгрузка от {}", f.platform_date),
        );
        s.title = "Данные Цифровой платформы МАХ по субъекту Российской Федерации".into();
        s.rows = vec![
            SpecRow::new(
                "k1.active_audience",
                "Месячная активная аудитория региональных сервисов",
                "чел.",
                Cell::Text(grouped(v("k1.active_audience"), '\u{202f}')),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k1.service.doctor_appointment.audience",
                "в т.ч. «Запись на прием к врачу»",
                "чел.",
                n(v("k1.service.doctor_appointment.audience")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k1.service.mfc_bot.audience",
                "в т.ч. чат-бот МФЦ",
                "чел.",
                n(v("k1.service.mfc_bot.audience")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k3.active_audience",
                "Месячная активная аудитория региональных государственных каналов",
                "чел.",
                n(v("k3.active_audience")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k2.housing.chats_active",
                "Количество активных домовых чатов",
                "шт.",
                n(v("k2.housing.chats_active")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k2.housing.chats_total",
                "Общее количество домовых чатов",
                "шт.",
                n(v("k2.housing.chats_total")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k2.housing.channels_active",
                "Количество активных информационных каналов УК",
                "шт.",
                n(v("k2.housing.channels_active")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k4.scanning.api",
                "Организации, где зафиксировано сканирование Цифрового ID через API MAX",
                "шт.",
                n(v("k4.scanning.api")),
                "ООО «МАХ»",
            ),
            SpecRow::new(
                "k4.scanning.goskan",
                "Организации, где зафиксировано сканирование через «Госскан»",
                "шт.",
                n(v("k4.scanning.goskan")),
                "ООО «МАХ»",
            ),
        ];
        files.push(("federal/max_platform.xlsx", s));

        // Росстат: internet users.
        let mut s = f.spec(&f.statistics_body, "2026", "Отдел статистики");
        s.meta.retain(|(k, _)| k != "Период");
        s.rows = vec![SpecRow::new(
            "region.internet_users",
            "Численность интернет-пользователей субъекта Российской Федерации",
            "чел.",
            n(v("region.internet_users")),
            "Росстат",
        )];
        files.push(("federal/rosstat.xlsx", s));

        files
    }

    /// Writes the workbooks into `dir` (its `federal/` subfolder made).
    pub fn write(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>, Box<dyn std::error::Error>> {
        let mut written = Vec::new();
        for (name, spec) in self.workbooks() {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, spec.to_xlsx()?)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The seed's figures.
const SEED: &[(&str, u64)] = &[
    ("region.internet_users", 691_417),
    ("k1.active_audience", 22_471),
    ("k1.service.doctor_appointment.audience", 9_842),
    ("k1.service.mfc_bot.audience", 8_113),
    ("k3.active_audience", 150_964),
    ("k2.sick_leave.closed_in_max", 0),
    ("k2.sick_leave.total", 28_672),
    ("k2.mfc.notified_users", 14_670),
    ("k2.mfc.visitors", 62_372),
    ("k2.housing.chats_active", 19),
    ("k2.housing.chats_total", 2_805),
    ("k2.housing.channels_active", 5),
    ("k2.housing.channels_base", 136),
    ("k2.housing.channels_existing", 67),
    ("k4.scanning.api", 0),
    ("k4.scanning.goskan", 9),
    ("k4.orgs.transport", 113),
    ("k4.orgs.trade", 834),
    ("k4.orgs.culture", 368),
];

/// The culture organisations by kind (libraries, clubs, museums and
/// theatres) adding up to `total`: 214 + 118 + 36 for the seed's 368.
fn culture_details(total: u64) -> [u64; 3] {
    let libraries = total * 214 / 368;
    let clubs = total * 118 / 368;
    [libraries, clubs, total - libraries - clubs]
}
