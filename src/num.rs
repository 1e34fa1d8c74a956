//! Exact arithmetic for shares and thresholds.
//!
//! Shares are never compared as floats: a threshold is a rational number
//! (parsed from the decimal text of the methodology) and every comparison is
//! made by cross-multiplication in `u128`.

use std::cmp::Ordering;
use std::fmt;

/// A non-negative rational number `num / den`, kept in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: u128,
    den: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// `num / den`; `None` when `den` is zero.
    pub fn new(num: u128, den: u128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Ratio {
            num: num / g,
            den: den / g,
        })
    }

    pub fn zero() -> Ratio {
        Ratio { num: 0, den: 1 }
    }

    pub fn numer(&self) -> u128 {
        self.num
    }

    pub fn denom(&self) -> u128 {
        self.den
    }

    /// Parses a non-negative decimal written with a point or a comma
    /// (`"2.5"`, `"2,5"`, `"10"`), at most 9 fractional digits.
    pub fn parse_decimal(text: &str) -> Option<Ratio> {
        let t = text.trim().replace(',', ".");
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t.as_str(), ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if int.len() > 18 || frac.len() > 9 {
            return None;
        }
        let int_v: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let frac_v: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
        let scale = 10u128.pow(frac.len() as u32);
        Ratio::new(int_v * scale + frac_v, scale)
    }

    /// Parses a percentage written as a decimal number of percent
    /// (`"2.5"` → 2,5 % → 1/40).
    pub fn parse_percent(text: &str) -> Option<Ratio> {
        let r = Ratio::parse_decimal(text.trim().trim_end_matches('%'))?;
        Ratio::new(r.num, r.den.checked_mul(100)?)
    }

    /// The share `part / whole`; `None` when `whole` is zero.
    pub fn share(part: u64, whole: u64) -> Option<Ratio> {
        Ratio::new(part as u128, whole as u128)
    }

    /// For display only.
    pub fn to_f64(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The value in percent, for display only.
    pub fn percent_f64(&self) -> f64 {
        self.to_f64() * 100.0
    }

    /// The value times 100 as an exact decimal string with up to `digits`
    /// fractional digits, rounded half up (for display: `23.5`).
    pub fn percent_rounded(&self, digits: u32) -> (u128, u128) {
        // returns (scaled value, 10^digits): value = scaled / 10^digits percent
        let scale = 10u128.pow(digits);
        let n = self.num * 100 * scale;
        let q = n / self.den;
        let r = n % self.den;
        let rounded = if r * 2 >= self.den { q + 1 } else { q };
        (rounded, scale)
    }
}

impl Ratio {
    /// The value in percent at `digits` decimals, rounded down and up:
    /// `(floor, ceil, 10^digits)` as scaled integers.
    pub fn percent_bounds(&self, digits: u32) -> (u128, u128, u128) {
        let scale = 10u128.pow(digits);
        let n = self.num * 100 * scale;
        let q = n / self.den;
        (q, if n.is_multiple_of(self.den) { q } else { q + 1 }, scale)
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// A lower bound on a share: `share ≥ value` (inclusive) or `share > value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    pub value: Ratio,
    pub inclusive: bool,
}

impl Threshold {
    /// Whether `count / base` satisfies the threshold. A zero base satisfies
    /// nothing.
    pub fn is_met(&self, count: u64, base: u64) -> bool {
        if base == 0 {
            return false;
        }
        let lhs = count as u128 * self.value.denom();
        let rhs = self.value.numer() * base as u128;
        if self.inclusive { lhs >= rhs } else { lhs > rhs }
    }

    /// Whether a share meets the threshold.
    pub fn is_met_by(&self, share: &Ratio) -> bool {
        match share.cmp(&self.value) {
            Ordering::Greater => true,
            Ordering::Equal => self.inclusive,
            Ordering::Less => false,
        }
    }

    /// The smallest count `n` with `n / base` meeting the threshold:
    /// `ceil(t·b)` for ≥ and `floor(t·b) + 1` for >.
    pub fn min_count(&self, base: u64) -> u64 {
        let prod = self.value.numer() * base as u128;
        let den = self.value.denom();
        let n = if self.inclusive {
            prod.div_ceil(den)
        } else {
            prod / den + 1
        };
        u64::try_from(n).unwrap_or(u64::MAX)
    }

    /// Orders thresholds: a higher value is stricter; at equal value the
    /// strict one (>) is stricter than the inclusive one (≥).
    pub fn strictness_cmp(&self, other: &Threshold) -> Ordering {
        self.value
            .cmp(&other.value)
            .then_with(|| other.inclusive.cmp(&self.inclusive))
    }

    /// `≥ 5%` / `> 10%` in Russian formatting.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            if self.inclusive { "≥" } else { ">" },
            crate::fmt::percent(&self.value, 1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str, inclusive: bool) -> Threshold {
        Threshold {
            value: Ratio::parse_percent(s).unwrap(),
            inclusive,
        }
    }

    #[test]
    fn seed_targets_exact() {
        assert_eq!(pct("10", false).min_count(691_417), 69_142);
        assert_eq!(pct("50", false).min_count(691_417), 345_709);
        assert_eq!(pct("5", true).min_count(28_672), 1_434);
        assert_eq!(pct("50", true).min_count(62_372), 31_186);
        assert_eq!(pct("50", true).min_count(2_805), 1_403);
        assert_eq!(pct("50", true).min_count(136), 68);
        assert_eq!(pct("20", true).min_count(1_315), 263);
    }

    #[test]
    fn parse() {
        assert_eq!(Ratio::parse_percent("2,5"), Ratio::new(1, 40));
        assert_eq!(Ratio::parse_percent("2.5%"), Ratio::new(1, 40));
        assert_eq!(Ratio::parse_decimal("abc"), None);
        assert_eq!(Ratio::parse_decimal("-1"), None);
        assert_eq!(Ratio::parse_decimal(""), None);
        assert_eq!(Ratio::parse_decimal("."), None);
    }

    #[test]
    fn zero_base_meets_nothing() {
        assert!(!pct("0", true).is_met(0, 0));
    }

    #[test]
    fn rounding_for_display() {
        let r = Ratio::share(14_670, 62_372).unwrap();
        assert_eq!(r.percent_rounded(1), (235, 10));
    }
}
