//! Synthetic regions for tests and benchmarks: realistic figures, fully
//! determined by a seed, written as inputs folders (`region.toml` and one
//! submission workbook per body, through [`SubmissionSpec`]).
//!
//! Figures: internet users from 100 000 to 10 000 000 (log-uniform); every
//! share (audience, sick leaves, МФЦ, housing chats and channels, Digital ID
//! scans) is drawn in a band of the methodology chosen at random, so the
//! totals spread over the red, yellow and green zones. Each region has the
//! usual bodies with their codes and the plan's steps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating::region::mail::{Addresses, Mail};
use max_rating::region::{Body, Meeting, Names, Region, Step};

/// A small deterministic generator (xorshift64*): no `rand` needed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed: never zero, and close seeds diverge.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// The 89 subjects of the Russian Federation.
pub const REGIONS: &[&str] = max_rating::subjects::SUBJECTS;

/// The genitive of a region's name: «Тверская область» → «Тверской
/// области», «Республика Коми» → «Республики Коми».
pub fn genitive(name: &str) -> String {
    match name {
        "г. Москва" => return "г. Москвы".into(),
        "г. Санкт-Петербург" => return "г. Санкт-Петербурга".into(),
        "г. Севастополь" => return "г. Севастополя".into(),
        _ => {}
    }
    if let Some(rest) = name.strip_prefix("Республика ") {
        return format!("Республики {rest}");
    }
    let (head, tail) = match name.split_once(" — ") {
        Some((h, t)) => (h, Some(t)),
        None => (name, None),
    };
    let word = |w: &str| -> String {
        match w {
            "область" => "области".into(),
            "край" => "края".into(),
            "округ" => "округа".into(),
            "Республика" => "Республики".into(),
            "Югра" => "Югры".into(),
            "Кузбасс" => "Кузбасса".into(),
            w if w.ends_with("ая") => format!("{}ой", w.strip_suffix("ая").unwrap_or(w)),
            w if w.ends_with("ий") || w.ends_with("ый") => format!("{}ого", &w[..w.len() - "ий".len()]),
            w => w.into(),
        }
    };
    let convert = |s: &str| s.split(' ').map(word).collect::<Vec<_>>().join(" ");
    match tail {
        Some(t) => format!("{} — {}", convert(head), convert(t)),
        None => convert(head),
    }
}

/// One synthetic region: its name, the folder name and every value.
#[derive(Debug, Clone)]
pub struct SynthRegion {
    /// Folder name: `01-respublika-adygeya`.
    pub folder: String,
    pub name: String,
    pub genitive: String,
    /// Code → value, as the bodies submit them.
    pub values: BTreeMap<String, u64>,
}

/// A share (in percent) inside one of the bands delimited by `edges`
/// (ascending, in percent), band chosen at random; `top` caps the last.
fn banded_share(rng: &mut Rng, edges: &[f64], top: f64) -> f64 {
    let band = rng.below(edges.len() + 1);
    let lo = if band == 0 { edges[0] * 0.2 } else { edges[band - 1] };
    let hi = if band == edges.len() { top } else { edges[band] };
    // Stay clear of the exact edges: the rating is exact, the drawing not.
    rng.range(lo + (hi - lo) * 0.05, hi - (hi - lo) * 0.05) / 100.0
}

fn of(base: u64, share: f64) -> u64 {
    ((base as f64) * share).round() as u64
}

/// `n` regions (at most 89, one per subject), deterministic from `seed`.
pub fn regions(seed: u64, n: usize) -> Vec<SynthRegion> {
    let mut rng = Rng::new(seed);
    (0..n.min(REGIONS.len()))
        .map(|i| {
            let name = REGIONS[i].to_string();
            let mut v = BTreeMap::new();
            let mut put = |code: &str, value: u64| {
                v.insert(code.to_string(), value);
            };
            // Internet users: log-uniform in 100 000 – 10 000 000.
            let users = 10f64.powf(rng.range(5.0, 7.0)).round() as u64;
            put("region.internet_users", users);
            // К1: audience of regional services (bands 2.5 / 5 / 10 %).
            let k1 = of(users, banded_share(&mut rng, &[2.5, 5.0, 10.0], 16.0));
            put("k1.active_audience", k1);
            let services = ["doctor_appointment", "sick_leave_tmk", "mfc_bot"];
            let mut left = k1;
            for s in services {
                // Most regions have launched the basic services.
                put(&format!("k1.service.{s}.launched"), u64::from(!rng.chance(0.08)));
                let part = of(left, rng.range(0.2, 0.5));
                left -= part;
                put(&format!("k1.service.{s}.audience"), part);
            }
            // К3: audience of the regional channels (10 / 20 / 50 %).
            put(
                "k3.active_audience",
                of(users, banded_share(&mut rng, &[10.0, 20.0, 50.0], 70.0)),
            );
            // К2: sick leaves (5 %), МФЦ (50 %), housing chats and channels (50 %).
            let sick_total = of(users, rng.range(0.02, 0.06)).max(100);
            put("k2.sick_leave.total", sick_total);
            put(
                "k2.sick_leave.closed_in_max",
                of(sick_total, banded_share(&mut rng, &[5.0], 12.0)),
            );
            let visitors = of(users, rng.range(0.05, 0.15)).max(100);
            put("k2.mfc.visitors", visitors);
            put(
                "k2.mfc.notified_users",
                of(visitors, banded_share(&mut rng, &[50.0], 90.0)),
            );
            let chats = (users / rng.range(200.0, 600.0) as u64).max(10);
            put("k2.housing.chats_total", chats);
            put(
                "k2.housing.chats_active",
                of(chats, banded_share(&mut rng, &[50.0], 90.0)),
            );
            let channels = (users / rng.range(3_000.0, 8_000.0) as u64).max(10);
            put("k2.housing.channels_base", channels);
            let existing = of(channels, rng.range(0.4, 1.0));
            put("k2.housing.channels_existing", existing);
            put(
                "k2.housing.channels_active",
                of(channels, banded_share(&mut rng, &[50.0], 90.0)).min(existing.max(1)),
            );
            // К4: organisations (bases) and Digital ID scans (20 / 40 / 70 %).
            let transport = (users / rng.range(3_000.0, 9_000.0) as u64).max(5);
            let trade = (users / rng.range(500.0, 1_500.0) as u64).max(20);
            let culture = (users / rng.range(1_000.0, 3_000.0) as u64).max(10);
            put("k4.orgs.transport", transport);
            put("k4.orgs.trade", trade);
            put("k4.orgs.culture", culture);
            let scanned = of(
                transport + trade + culture,
                banded_share(&mut rng, &[20.0, 40.0, 70.0], 95.0),
            );
            let api = of(scanned, rng.range(0.0, 0.4));
            put("k4.scanning.api", api);
            put("k4.scanning.goskan", scanned - api);
            SynthRegion {
                folder: format!("{:02}-{}", i + 1, max_rating::bodies::slugify(&name)),
                genitive: genitive(&name),
                name,
                values: v,
            }
        })
        .collect()
}

/// One body of a synthetic region: display name, slug, full name, form file
/// and codes.
struct BodyDef {
    name: &'static str,
    slug: &'static str,
    full: String,
    file: &'static str,
    codes: &'static [&'static str],
}

fn bodies(genitive: &str) -> Vec<BodyDef> {
    let full = |s: &str| format!("{s} {genitive}");
    vec![
        BodyDef {
            name: "Минздрав",
            slug: "minzdrav",
            full: full("Министерство здравоохранения"),
            file: "minzdrav.xlsx",
            codes: &[
                "k2.sick_leave.closed_in_max",
                "k2.sick_leave.total",
                "k1.service.doctor_appointment.launched",
                "k1.service.sick_leave_tmk.launched",
            ],
        },
        BodyDef {
            name: "Минэкономразвития",
            slug: "minekonomrazvitiya",
            full: full("Министерство экономического развития"),
            file: "minek.xlsx",
            codes: &["k4.orgs.trade"],
        },
        BodyDef {
            name: "МФЦ",
            slug: "mfc",
            full: full("Многофункциональный центр"),
            file: "mfc.xlsx",
            codes: &[
                "k2.mfc.notified_users",
                "k2.mfc.visitors",
                "k1.service.mfc_bot.launched",
            ],
        },
        BodyDef {
            name: "Госжилинспекция",
            slug: "gzhi",
            full: full("Государственная жилищная инспекция"),
            file: "gzhi.xlsx",
            codes: &["k2.housing.channels_base", "k2.housing.channels_existing"],
        },
        BodyDef {
            name: "ОМСУ",
            slug: "omsu",
            full: full("Органы местного самоуправления"),
            file: "",
            codes: &[],
        },
        BodyDef {
            name: "Минтранс",
            slug: "mintrans",
            full: full("Министерство транспорта"),
            file: "mintrans.xlsx",
            codes: &["k4.orgs.transport"],
        },
        BodyDef {
            name: "Минкультуры",
            slug: "minkultury",
            full: full("Министерство культуры"),
            file: "minkult.xlsx",
            codes: &["k4.orgs.culture"],
        },
        BodyDef {
            name: "ООО «МАХ»",
            slug: "max",
            full: "ООО «МАХ» (Цифровая платформа МАХ)".into(),
            file: "federal/max_platform.xlsx",
            codes: &[
                "k1.active_audience",
                "k1.service.doctor_appointment.audience",
                "k1.service.sick_leave_tmk.audience",
                "k1.service.mfc_bot.audience",
                "k3.active_audience",
                "k2.housing.chats_active",
                "k2.housing.chats_total",
                "k2.housing.channels_active",
                "k4.scanning.api",
                "k4.scanning.goskan",
            ],
        },
        BodyDef {
            name: "Росстат",
            slug: "rosstat",
            full: format!("Росстат (территориальный орган, {genitive})"),
            file: "federal/rosstat.xlsx",
            codes: &["region.internet_users"],
        },
    ]
}

fn step(key: &str, responsible: &str, works: Option<&str>) -> Step {
    Step {
        key: key.into(),
        responsible: Names::One(responsible.into()),
        works: works.map(String::from),
        deadline: None,
    }
}

/// The plan of a synthetic region (`region.toml`).
pub fn region_plan(r: &SynthRegion) -> Region {
    let defs = bodies(&r.genitive);
    let domain = max_rating::bodies::slugify(&r.name);
    Region {
        mail: Mail {
            from: Some(format!("Секретариат рабочей группы <secretariat@{domain}.example>")),
            reply_to: None,
        },
        region: Some(r.name.clone()),
        region_genitive: Some(r.genitive.clone()),
        period: Some("2026-Q1".into()),
        meeting: Meeting {
            date: "2026-04-16".parse().ok(),
            ..Meeting::default()
        },
        bodies: defs
            .iter()
            .map(|b| Body {
                name: b.name.into(),
                slug: Some(b.slug.into()),
                full_name: Some(b.full.clone()),
                email: Addresses::One(format!("{}@{domain}.example", b.slug)),
                head_position: None,
                head_name: None,
                aliases: Vec::new(),
                codes: Some(b.codes.iter().map(|c| c.to_string()).collect()),
            })
            .collect(),
        steps: vec![
            step(
                "k1.active_audience",
                "Все владельцы сервисов МАХ",
                Some("Популяризация сервисов МАХ среди населения, повышение их качества и востребованности"),
            ),
            step(
                "k3.active_audience",
                "Все владельцы каналов МАХ",
                Some("Регулярные публикации и актуальная повестка каналов МАХ"),
            ),
            step(
                "k2.sick_leave",
                "Минздрав",
                Some("Приоритизация сервиса ТМК, доработка МИС для учёта транзакций"),
            ),
            step(
                "k2.mfc",
                "Минэкономразвития; МФЦ",
                Some("Уведомления МФЦ в МАХ для всех посетителей"),
            ),
            step(
                "k2.housing.chats",
                "Госжилинспекция; ОМСУ",
                Some("Публикации УК в домовых чатах не реже раза в неделю"),
            ),
            step(
                "k2.housing.channels",
                "Госжилинспекция; ОМСУ",
                Some("Официальные каналы всех УК, публикации не реже раза в неделю"),
            ),
            step(
                "k4.scanning",
                "Минтранс; Минэкономразвития; Минкультуры",
                Some("Инфраструктура приёма Цифрового ID в транспорте, торговле и культуре"),
            ),
            step("k4.orgs.transport", "Минтранс", None),
            step("k4.orgs.trade", "Минэкономразвития", None),
            step("k4.orgs.culture", "Минкультуры", None),
        ],
        ..Region::default()
    }
}

/// The submission workbooks of a synthetic region: (path under
/// `submissions/`, workbook).
pub fn submissions(r: &SynthRegion) -> Vec<(String, SubmissionSpec)> {
    let methodology = max_rating::methodology::Methodology::builtin().ok();
    let name_of = |code: &str| {
        methodology
            .as_ref()
            .and_then(|m| m.indicators.iter().find(|i| i.code == code || wildcard(&i.code, code)))
            .map(|i| (i.name.clone(), i.unit.clone()))
            .unwrap_or_else(|| (code.to_string(), "шт.".into()))
    };
    bodies(&r.genitive)
        .into_iter()
        .filter(|b| !b.file.is_empty())
        .map(|b| {
            let mut spec = SubmissionSpec::new(&r.name, &b.full, "1 квартал 2026");
            spec.meta.push(("Исполнитель".into(), "Иванов И. И.".into()));
            spec.rows = b
                .codes
                .iter()
                .filter_map(|code| {
                    let value = *r.values.get(*code)?;
                    let (name, unit) = name_of(code);
                    Some(SpecRow::new(code, &name, &unit, Cell::Number(value as f64), b.name))
                })
                .collect();
            (b.file.to_string(), spec)
        })
        .collect()
}

/// `k1.service.*.launched` matches `k1.service.mfc_bot.launched`.
fn wildcard(pattern: &str, code: &str) -> bool {
    match pattern.split_once('*') {
        Some((pre, post)) => code.len() > pre.len() + post.len() && code.starts_with(pre) && code.ends_with(post),
        None => false,
    }
}

/// Errors of writing a synthetic region.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("не удалось записать {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Other(String),
}

/// Writes one region's inputs folder: `region.toml` and `submissions/…`.
pub fn write_region(dir: &Path, r: &SynthRegion) -> Result<(), SynthError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SynthError::Io { path, source }
    };
    let subs = dir.join(max_rating::layout::SUBMISSIONS_DIR);
    std::fs::create_dir_all(subs.join("federal")).map_err(io(&subs))?;
    let toml = toml::to_string(&region_plan(r)).map_err(|e| SynthError::Other(e.to_string()))?;
    let path = dir.join(max_rating::layout::REGION_FILE);
    std::fs::write(&path, format!("# Синтетический регион (max_rating::synth)\n{toml}")).map_err(io(&path))?;
    for (file, spec) in submissions(r) {
        let path = subs.join(&file);
        let bytes = spec.to_xlsx().map_err(|e| SynthError::Other(format!("{file}: {e}")))?;
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    Ok(())
}

/// Writes `n` synthetic regions as subfolders of `dir` (the layout of
/// `max-rating batch`); returns their folders.
pub fn write_regions(dir: &Path, seed: u64, n: usize) -> Result<Vec<PathBuf>, SynthError> {
    regions(seed, n)
        .iter()
        .map(|r| {
            let path = dir.join(&r.folder);
            write_region(&path, r).map(|()| path)
        })
        .collect()
}

/// Writes `n` submission workbooks into `<dir>/submissions/` (one inputs
/// folder), taken from synthetic regions in turn: `<region folder>/<form>`.
/// The regions' codes overlap, so reading them reports conflicts; this is
/// a load for the reader, not a region. Returns the number written.
pub fn write_submissions(dir: &Path, seed: u64, n: usize) -> Result<usize, SynthError> {
    let subs = dir.join(max_rating::layout::SUBMISSIONS_DIR);
    let mut written = 0;
    for r in regions(seed, REGIONS.len()) {
        for (file, spec) in submissions(&r) {
            if written == n {
                return Ok(written);
            }
            let path = subs.join(&r.folder).join(file.replace('/', "-"));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| SynthError::Io {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            let bytes = spec.to_xlsx().map_err(|e| SynthError::Other(e.to_string()))?;
            std::fs::write(&path, bytes).map_err(|source| SynthError::Io { path, source })?;
            written += 1;
        }
    }
    Ok(written)
}
