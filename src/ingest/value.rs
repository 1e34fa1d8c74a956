//! Reading one cell's value the way a person wrote it: numbers typed as
//! numbers or as text (`22 471`, `14670,0`, `23,5%`), flags, blanks, errors.

use std::fmt;

/// An exact decimal `mantissa · 10^-scale`, normalised (no trailing zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

/// The largest magnitude of a fractional number read from a binary float
/// (10^15): beyond it a float has no exact fractional digits left.
pub const MAX_ABS: i128 = 1_000_000_000_000_000;

/// The most significant digits a number typed as text may have (the
/// mantissa then fits an `i128` with room to spare); longer numerals are
/// still recognised as numbers by [`is_oversized_number`].
pub const MAX_DIGITS: usize = 36;
/// The most digits after the decimal separator.
pub const MAX_FRACTION_DIGITS: usize = 18;

impl Decimal {
    fn new(mantissa: i128, scale: u32) -> Decimal {
        let (mut m, mut s) = (mantissa, scale);
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        Decimal { mantissa: m, scale: s }
    }

    pub fn integer(n: i128) -> Decimal {
        Decimal { mantissa: n, scale: 0 }
    }

    /// The whole value when there is no fractional part.
    pub fn as_integer(&self) -> Option<i128> {
        (self.scale == 0).then_some(self.mantissa)
    }

    pub fn to_f64(&self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    /// From a binary float read from a cell: whole numbers within a tiny
    /// epsilon (calamine's `7.0000000000000009`) become integers; others keep
    /// their shortest decimal representation.
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let r = f.round();
        // A whole number stays a number however large (a huge count is then
        // refused by range, not mistaken for text); the tolerance is relative
        // and tight, so that 1 000 000 000,5 is not taken for a whole number.
        if r.abs() < 1e38 && (f - r).abs() <= 1e-12 * r.abs().max(1.0) {
            return Some(Decimal::integer(r as i128));
        }
        if f.abs() >= MAX_ABS as f64 {
            return None;
        }
        parse_plain(&format!("{f}"))
    }
}

impl fmt::Display for Decimal {
    /// Plain notation with a point: `-12.5`, `22471`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        // Digit by digit, so that any scale is printed (no power of ten).
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let digits = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = digits.split_at(digits.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

/// A cell's content, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    /// A number; `percent` when it was written with `%` (the value is then
    /// the fraction: `23,5%` → 0.235).
    Number {
        value: Decimal,
        percent: bool,
    },
    Bool(bool),
    /// Text that is not a number (`н/д`, `да`).
    Text(String),
    /// A formula error such as `#DIV/0!`.
    Error(String),
    /// A date typed as a date (Excel serial).
    Date(f64),
    /// A number too large to be held exactly (a float beyond 10^38).
    Huge(f64),
    /// A formula whose result the workbook does not hold (saved by a
    /// program that does not calculate): the formula.
    Uncomputed(String),
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2007}' | '\u{2008}' | '\u{200a}' | '\t' | '\''
    )
}

/// Parses `123`, `-12.5`, `.5` in plain notation (no separators), at most
/// 18 fractional digits.
fn parse_plain(t: &str) -> Option<Decimal> {
    let (neg, t) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    // Exponent notation from float formatting, e.g. 1e-7.
    if let Some((m, e)) = t.split_once(['e', 'E']) {
        let exp: i32 = e.parse().ok()?;
        if exp.unsigned_abs() > MAX_DIGITS as u32 {
            return None;
        }
        let base = parse_plain(m)?;
        let scale = base.scale as i32 - exp;
        let d = if scale >= 0 {
            Decimal::new(base.mantissa, u32::try_from(scale).ok()?)
        } else {
            Decimal::integer(
                base.mantissa
                    .checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)?,
            )
        };
        return Some(if neg { Decimal::new(-d.mantissa, d.scale) } else { d });
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Leading zeros carry no value; the rest must fit the mantissa. A
    // number too long for it is not taken for text: see
    // [`is_oversized_number`].
    let int = int.trim_start_matches('0');
    if int.len() + frac.len() > MAX_DIGITS || frac.len() > MAX_FRACTION_DIGITS {
        return None;
    }
    let digits = format!("{int}{frac}");
    let m: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some(Decimal::new(if neg { -m } else { m }, frac.len() as u32))
}

/// Text written like a number (digits, digit-group spaces, a sign, a decimal
/// comma or point, a `%`) with too many digits to be read as one, such as a
/// 40-digit numeral or a huge float printed in full: as a count it is an
/// input error, never "text".
pub fn is_oversized_number(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{202f}');
    let t = t.strip_suffix('%').unwrap_or(t);
    let t = t.strip_prefix(['-', '−', '+']).unwrap_or(t);
    let compact: String = t.chars().filter(|c| !is_space(*c)).collect();
    let (int, frac) = compact.split_once([',', '.']).unwrap_or((&compact, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let int = int.trim_start_matches('0');
    !(int.is_empty() && frac.is_empty())
        && all_digits(int)
        && all_digits(frac)
        && (int.len() + frac.len() > MAX_DIGITS || frac.len() > MAX_FRACTION_DIGITS)
}

/// Parses a number written as text, as people write them in Russian
/// spreadsheets: thousands separated by spaces (normal, no-break, thin),
/// a decimal comma or point, an optional trailing `%`.
/// Returns the value and whether it was a percentage.
pub fn parse_number_text(text: &str) -> Option<(Decimal, bool)> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{202f}');
    if t.is_empty() {
        return None;
    }
    let (body, percent) = match t.strip_suffix('%') {
        Some(b) => (b.trim_end_matches(is_space), true),
        None => (t, false),
    };
    // Separators between digit groups only: "22 471", not "2 2" in odd places.
    let compact: String = body.chars().filter(|c| !is_space(*c)).collect();
    if compact.is_empty() {
        return None;
    }
    // Space-separated groups must be groups of three after the first.
    let groups: Vec<&str> = body.split(is_space).filter(|g| !g.is_empty()).collect();
    if groups.len() > 1 {
        let int_groups = &groups[..groups.len() - 1];
        let last = groups[groups.len() - 1];
        let last_int = last.split([',', '.']).next().unwrap_or("");
        let first_ok = int_groups[0].trim_start_matches(['-', '−', '+']).len() <= 3;
        if !first_ok || int_groups[1..].iter().any(|g| g.len() != 3) || last_int.len() != 3 {
            return None;
        }
    }
    // A comma is the decimal separator; a point is accepted too, but not both.
    let normal = if compact.contains(',') {
        if compact.contains('.') || compact.matches(',').count() > 1 {
            return None;
        }
        compact.replace(',', ".")
    } else {
        compact
    };
    // Exponent notation is for floats read from cells, not for typed text.
    if normal.contains(['e', 'E']) {
        return None;
    }
    let d = parse_plain(&normal)?;
    if percent {
        Some((Decimal::new(d.mantissa, d.scale + 2), true))
    } else {
        Some((d, false))
    }
}

/// Classifies a calamine cell.
pub fn classify(cell: &calamine::Data) -> CellValue {
    use calamine::Data;
    match cell {
        Data::Empty => CellValue::Empty,
        Data::Int(i) => CellValue::Number {
            value: Decimal::integer(i128::from(*i)),
            percent: false,
        },
        Data::Float(f) => match Decimal::from_f64(*f) {
            Some(value) => CellValue::Number { value, percent: false },
            None if f.is_finite() => CellValue::Huge(*f),
            None => CellValue::Text(format!("{f}")),
        },
        Data::Bool(b) => CellValue::Bool(*b),
        Data::String(s) => {
            let trimmed = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{202f}');
            if trimmed.is_empty() {
                CellValue::Empty
            } else if let Some((value, percent)) = parse_number_text(trimmed) {
                CellValue::Number { value, percent }
            } else if trimmed.starts_with('#') && is_error_literal(trimmed) {
                CellValue::Error(trimmed.to_string())
            } else {
                CellValue::Text(trimmed.to_string())
            }
        }
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::DateTime(dt) => CellValue::Date(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Text(s.clone()),
    }
}

fn is_error_literal(s: &str) -> bool {
    matches!(
        s.to_uppercase().as_str(),
        "#DIV/0!"
            | "#N/A"
            | "#NAME?"
            | "#NULL!"
            | "#NUM!"
            | "#REF!"
            | "#VALUE!"
            | "#GETTING_DATA"
            | "#SPILL!"
            | "#CALC!"
    )
}

/// The text of a cell as a label (codes, names, metadata).
pub fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => match Decimal::from_f64(*f) {
            Some(d) => d.to_string(),
            None => f.to_string(),
        },
        Data::Bool(b) => if *b { "ИСТИНА" } else { "ЛОЖЬ" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Option<(String, bool)> {
        parse_number_text(text).map(|(d, p)| (d.to_string(), p))
    }

    #[test]
    fn russian_number_texts() {
        assert_eq!(n("22 471"), Some(("22471".into(), false)));
        assert_eq!(n("22\u{a0}471"), Some(("22471".into(), false)));
        assert_eq!(n("22\u{2009}471"), Some(("22471".into(), false)));
        assert_eq!(n("22\u{202f}471"), Some(("22471".into(), false)));
        assert_eq!(n("691 417"), Some(("691417".into(), false)));
        assert_eq!(n("1 234 567"), Some(("1234567".into(), false)));
        assert_eq!(n("14670,0"), Some(("14670".into(), false)));
        assert_eq!(n("14670.5"), Some(("14670.5".into(), false)));
        assert_eq!(n("23,5%"), Some(("0.235".into(), true)));
        assert_eq!(n("23,5 %"), Some(("0.235".into(), true)));
        assert_eq!(n("-5"), Some(("-5".into(), false)));
        assert_eq!(n(" 0 "), Some(("0".into(), false)));
    }

    #[test]
    fn not_numbers() {
        for t in [
            "н/д",
            "",
            "1,2,3",
            "1.2,3",
            "2 2",
            "12 34",
            "1 2345",
            "abc",
            "%",
            "1e5",
            "--1",
            "1 234,5 6",
        ] {
            assert_eq!(n(t), None, "{t:?}");
        }
    }

    #[test]
    fn long_numbers_are_read_or_oversized() {
        assert_eq!(n("1 000 000 000 000 000"), Some(("1000000000000000".into(), false)));
        assert_eq!(n(&"9".repeat(MAX_DIGITS)), Some(("9".repeat(MAX_DIGITS), false)));
        assert_eq!(n(&"9".repeat(MAX_DIGITS + 1)), None);
        assert!(is_oversized_number(&"9".repeat(MAX_DIGITS + 1)));
        assert!(is_oversized_number(
            "-1 000 000 000 000 000 000 000 000 000 000 000 000 000,5"
        ));
        assert!(!is_oversized_number("12"));
        assert!(!is_oversized_number("н/д"));
        assert!(!is_oversized_number(""));
        assert_eq!(n("000123"), Some(("123".into(), false)));
    }

    #[test]
    fn plain_display_of_any_scale() {
        let d = |m: i128, s: u32| Decimal { mantissa: m, scale: s };
        assert_eq!(d(-123_456_725, 2).to_string(), "-1234567.25");
        assert_eq!(d(5, 3).to_string(), "0.005");
        assert_eq!(d(1, 40).to_string(), format!("0.{}1", "0".repeat(39)));
    }

    #[test]
    fn float_noise_is_whole() {
        assert_eq!(Decimal::from_f64(7.000_000_000_000_001), Some(Decimal::integer(7)));
        assert_eq!(Decimal::from_f64(0.235).map(|d| d.to_string()), Some("0.235".into()));
        assert_eq!(Decimal::from_f64(f64::INFINITY), None);
        assert!(Decimal::from_f64(1e31).is_some_and(|d| d.scale == 0 && d.mantissa > 10i128.pow(30)));
        assert_eq!(Decimal::from_f64(1e300), None);
    }

    #[test]
    fn classify_cells() {
        use calamine::{CellErrorType, Data};
        assert_eq!(classify(&Data::String("  ".into())), CellValue::Empty);
        assert_eq!(classify(&Data::String("н/д".into())), CellValue::Text("н/д".into()));
        assert_eq!(
            classify(&Data::Error(CellErrorType::Div0)),
            CellValue::Error("#DIV/0!".into())
        );
        assert_eq!(
            classify(&Data::String("#REF!".into())),
            CellValue::Error("#REF!".into())
        );
        assert!(matches!(
            classify(&Data::Float(0.235)),
            CellValue::Number { percent: false, .. }
        ));
    }
}
