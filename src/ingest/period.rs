//! Reporting periods: `2026-03`, `2026-Q1`, `2026`, «март 2026», «1 квартал 2026».

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month { year: i32, month: u8 },
    Quarter { year: i32, quarter: u8 },
    Year { year: i32 },
}

impl Period {
    pub fn year(&self) -> i32 {
        match *self {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year { year } => year,
        }
    }

    /// The canonical code: `2026-03`, `2026-Q1`, `2026`.
    pub fn code(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{year}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Year { year } => format!("{year}"),
        }
    }

    /// Russian: «март 2026 г.», «1 квартал 2026 г.», «2026 г.».
    pub fn label(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{} {year} г.", crate::fmt::month_name(month)),
            Period::Quarter { year, quarter } => format!("{quarter} квартал {year} г."),
            Period::Year { year } => format!("{year} г."),
        }
    }

    /// The last day of the period (year, month, day).
    pub fn last_day(&self) -> (i32, u8, u8) {
        let (y, m) = match *self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3),
            Period::Year { year } => (year, 12),
        };
        (y, m, days_in_month(y, m))
    }

    /// Parses the accepted written forms. `None` when the text is not a period.
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim().to_lowercase().replace('\u{a0}', " ");
        let t = t
            .trim_end_matches('.')
            .trim_end_matches(" г")
            .trim_end_matches(" года")
            .trim();
        let valid_year = |y: i32| (2000..=2100).contains(&y).then_some(y);
        // 2026
        if let Ok(y) = t.parse::<i32>() {
            return valid_year(y).map(|year| Period::Year { year });
        }
        // 2026-03, 2026-Q1, 2026-q1, 2026.03
        if let Some((y, rest)) = t.split_once(['-', '.', '/'])
            && let Ok(y) = y.trim().parse::<i32>()
        {
            let year = valid_year(y)?;
            let rest = rest.trim();
            if let Some(q) = rest.strip_prefix('q').or_else(|| rest.strip_prefix('к')) {
                let quarter: u8 = q.parse().ok()?;
                return (1..=4).contains(&quarter).then_some(Period::Quarter { year, quarter });
            }
            let month: u8 = rest.parse().ok()?;
            return (1..=12).contains(&month).then_some(Period::Month { year, month });
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            // «март 2026»
            [m, y] => {
                let month = crate::fmt::month_from_name(m)?;
                let year = valid_year(y.parse().ok()?)?;
                Some(Period::Month { year, month })
            }
            // «1 квартал 2026», «I квартал 2026», «1-й квартал 2026»
            [q, kw, y] if kw.starts_with("кв") => {
                let q = q.trim_end_matches("-й").trim_end_matches('й').trim_end_matches('-');
                let quarter = match q {
                    "1" | "i" => 1,
                    "2" | "ii" => 2,
                    "3" | "iii" => 3,
                    "4" | "iv" => 4,
                    _ => return None,
                };
                let year = valid_year(y.parse().ok()?)?;
                Some(Period::Quarter { year, quarter })
            }
            _ => None,
        }
    }

    /// A period from an Excel date serial (a «Период» cell typed as a date):
    /// the month of that date.
    pub fn from_excel_serial(serial: f64) -> Option<Period> {
        let (year, month, _) = excel_serial_to_ymd(serial)?;
        Some(Period::Month { year, month })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// A date typed as text: `01.03.2026`, `1.3.2026`, `2026-03-01`.
pub fn parse_date_text(text: &str) -> Option<(i32, u8, u8)> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['.', '-', '/']).collect();
    let (y, m, d) = match parts.as_slice() {
        [d, m, y] if y.len() == 4 && d.len() <= 2 => (*y, *m, *d),
        [y, m, d] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => (*y, *m, *d),
        _ => return None,
    };
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((2000..=2100).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 30,
    }
}

/// Converts an Excel 1900-system serial to (year, month, day).
pub fn excel_serial_to_ymd(serial: f64) -> Option<(i32, u8, u8)> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Days since 1899-12-30 (Excel's epoch, accounting for the 1900 leap bug).
    let days = serial.floor() as i64;
    // Civil-from-days (Howard Hinnant), with 1970-01-01 = serial 25569.
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = if m <= 2 { y + 1 } else { y };
    Some((i32::try_from(y).ok()?, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        let q1 = Some(Period::Quarter { year: 2026, quarter: 1 });
        let mar = Some(Period::Month { year: 2026, month: 3 });
        assert_eq!(Period::parse("2026-Q1"), q1);
        assert_eq!(Period::parse("2026-q1"), q1);
        assert_eq!(Period::parse("1 квартал 2026"), q1);
        assert_eq!(Period::parse("I квартал 2026 г."), q1);
        assert_eq!(Period::parse("1 квартал 2026 года"), q1);
        assert_eq!(Period::parse("2026-03"), mar);
        assert_eq!(Period::parse("март 2026"), mar);
        assert_eq!(Period::parse("Март 2026 г."), mar);
        assert_eq!(Period::parse("2026"), Some(Period::Year { year: 2026 }));
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("5 квартал 2026"), None);
        assert_eq!(Period::parse("вчера"), None);
        assert_eq!(Period::parse(""), None);
    }

    #[test]
    fn labels() {
        assert_eq!(Period::Quarter { year: 2026, quarter: 1 }.label(), "1 квартал 2026 г.");
        assert_eq!(Period::Month { year: 2026, month: 3 }.label(), "март 2026 г.");
        assert_eq!(Period::Quarter { year: 2026, quarter: 1 }.last_day(), (2026, 3, 31));
    }

    #[test]
    fn dates_as_text() {
        assert_eq!(parse_date_text("01.03.2026"), Some((2026, 3, 1)));
        assert_eq!(parse_date_text("2026-03-31"), Some((2026, 3, 31)));
        assert_eq!(parse_date_text("31.02.2026"), None);
        assert_eq!(parse_date_text("2026-03"), None);
        assert_eq!(parse_date_text("2026-Q1"), None);
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_serial_to_ymd(46_113.0), Some((2026, 4, 1)));
        assert_eq!(excel_serial_to_ymd(25_569.0), Some((1970, 1, 1)));
        assert_eq!(excel_serial_to_ymd(f64::NAN), None);
    }
}
