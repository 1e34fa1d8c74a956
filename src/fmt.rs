//! Russian formatting of numbers, percentages, dates and plurals.
//!
//! Typst and Excel viewers have no Russian locale of their own: every string
//! a reader sees is formatted here, once, in the view model.

use crate::num::{Ratio, Threshold};

/// The thousands separator: a narrow no-break space (U+202F).
pub const THIN_NBSP: char = '\u{202F}';

/// `22471` → `22 471` (narrow no-break space between groups).
pub fn int(n: u64) -> String {
    group_digits(&n.to_string())
}

/// Signed variant of [`int`].
pub fn int_signed(n: i64) -> String {
    if n < 0 {
        format!("−{}", int(n.unsigned_abs()))
    } else {
        int(n as u64)
    }
}

fn group_digits(digits: &str) -> String {
    let len = digits.len();
    if len <= 4 {
        // Russian typography leaves four-digit numbers ungrouped in running
        // text, but tables align better grouped: group from 4 digits on.
        if len < 4 {
            return digits.to_string();
        }
    }
    let mut out = String::with_capacity(len + len / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(THIN_NBSP);
        }
        out.push(c);
    }
    out
}

/// A share as percent with at most `digits` fractional digits, decimal
/// comma, trailing zeros dropped: `23,5%`, `50%`, `2,5%`.
pub fn percent(r: &Ratio, digits: u32) -> String {
    let (scaled, scale) = r.percent_rounded(digits);
    decimal(scaled, scale) + "%"
}

/// The most decimals a share is shown with.
const MAX_SHARE_DIGITS: u32 = 12;

/// The number of decimals (at least `digits`) at which a share shown in
/// percent lies on the same side of every one of `thresholds` as the exact
/// share, however the last digit is rounded (down, up or half up): 49,998%
/// is never shown as 50% against «≥ 50%», nor 10,0001% as 10% against
/// «> 10%».
pub fn share_digits(share: &Ratio, digits: u32, thresholds: &[Threshold]) -> u32 {
    (digits..=MAX_SHARE_DIGITS.max(digits))
        .find(|&k| {
            let (lo, hi, scale) = share.percent_bounds(k);
            let as_share = |scaled: u128| Ratio::new(scaled, scale * 100);
            thresholds.iter().all(|t| {
                let exact = t.is_met_by(share);
                [lo, hi]
                    .iter()
                    .all(|&v| as_share(v).is_some_and(|r| t.is_met_by(&r) == exact))
            })
        })
        .unwrap_or(MAX_SHARE_DIGITS.max(digits))
}

/// A share in percent with at least `digits` decimals and as many more as
/// it takes to stay on the exact share's side of each threshold
/// ([`share_digits`]); trailing zeros dropped: `23,5%`, `49,998%`.
pub fn share(share: &Ratio, digits: u32, thresholds: &[Threshold]) -> String {
    percent(share, share_digits(share, digits, thresholds))
}

/// The share in percent as [`share`] shows it, as a number (for JSON).
pub fn share_value(share: &Ratio, digits: u32, thresholds: &[Threshold]) -> f64 {
    let (scaled, scale) = share.percent_rounded(share_digits(share, digits, thresholds));
    scaled as f64 / scale as f64
}

/// `scaled / scale` as a decimal with comma, trailing zeros dropped.
pub fn decimal(scaled: u128, scale: u128) -> String {
    let int_part = scaled / scale;
    let frac = scaled % scale;
    let mut s = group_digits(&int_part.to_string());
    if frac > 0 {
        let width = scale.ilog10() as usize;
        let mut digits = format!("{frac:0width$}");
        while digits.ends_with('0') {
            digits.pop();
        }
        s.push(',');
        s.push_str(&digits);
    }
    s
}

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

const MONTHS_NOMINATIVE: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

const MONTHS_PREPOSITIONAL: [&str; 12] = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
];

/// «в ноябре»: the month name after «в», 1-based.
pub fn month_prepositional(month: u8) -> &'static str {
    MONTHS_PREPOSITIONAL
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

/// `16 апреля 2026 г.`
pub fn date(year: i32, month: u8, day: u8) -> String {
    let m = MONTHS_GENITIVE
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("?");
    format!("{day} {m} {year} г.")
}

/// The nominative month name (`март`), 1-based.
pub fn month_name(month: u8) -> &'static str {
    MONTHS_NOMINATIVE
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

/// All month names, nominative and genitive, for parsing.
pub fn month_from_name(word: &str) -> Option<u8> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    for (i, (nom, gen_)) in MONTHS_NOMINATIVE.iter().zip(MONTHS_GENITIVE).enumerate() {
        let stem: String = nom.chars().take(3).collect();
        if w == *nom || w == gen_ || (w.chars().count() >= 3 && w.starts_with(&stem) && nom.starts_with(w)) {
            return Some(i as u8 + 1);
        }
    }
    None
}

/// One full stop where a sentence ends with an abbreviation: «срок — 10
/// апреля 2026 г.» + «.» is «… 2026 г.», not «… 2026 г..» (a value ending
/// in «г.», «шт.», «чел.» before the sentence's own stop). Exactly two
/// stops become one; an ellipsis («...») stays as it is.
pub fn single_stops(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("..") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut run = 0;
    while let Some(c) = chars.next() {
        if c == '.' {
            run += 1;
            if chars.peek() != Some(&'.') {
                let stops = if run == 2 { 1 } else { run };
                out.extend(std::iter::repeat_n('.', stops));
                run = 0;
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A number with its word: `count(1_048_576, "строка", "строки", "строк")` →
/// `1 048 576 строк`.
pub fn count(n: u64, one: &str, few: &str, many: &str) -> String {
    format!("{} {}", int(n), plural(n, one, few, many))
}

/// Chooses the Russian plural form: `plural(5, "организация", "организации",
/// "организаций")` → `организаций`.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n100 = n % 100;
    let n10 = n % 10;
    if (11..=14).contains(&n100) {
        many
    } else if n10 == 1 {
        one
    } else if (2..=4).contains(&n10) {
        few
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(int(22_471), "22\u{202F}471");
        assert_eq!(int(691_417), "691\u{202F}417");
        assert_eq!(int(1_434), "1\u{202F}434");
        assert_eq!(int(68), "68");
        assert_eq!(int(0), "0");
        assert_eq!(int(1_000_000), "1\u{202F}000\u{202F}000");
        assert_eq!(int_signed(-1_500), "−1\u{202F}500");
    }

    #[test]
    fn percents() {
        assert_eq!(percent(&Ratio::share(14_670, 62_372).unwrap(), 1), "23,5%");
        assert_eq!(percent(&Ratio::share(1, 2).unwrap(), 1), "50%");
        assert_eq!(percent(&Ratio::parse_percent("2.5").unwrap(), 1), "2,5%");
        assert_eq!(percent(&Ratio::share(150_964, 691_417).unwrap(), 1), "21,8%");
    }

    fn t(pct: &str, inclusive: bool) -> Threshold {
        Threshold {
            value: Ratio::parse_percent(pct).unwrap(),
            inclusive,
        }
    }

    #[test]
    fn shares_stay_on_their_side_of_the_thresholds() {
        let ge50 = [t("50", true)];
        assert_eq!(share(&Ratio::share(15_000, 30_001).unwrap(), 1, &ge50), "49,998%");
        assert_eq!(share(&Ratio::share(15_000, 30_000).unwrap(), 1, &ge50), "50%");
        assert_eq!(share(&Ratio::share(15_001, 30_000).unwrap(), 1, &ge50), "50%");
        assert_eq!(
            share(&Ratio::share(1_433, 28_672).unwrap(), 1, &[t("5", true)]),
            "4,998%"
        );
        let k1 = [t("2.5", true), t("5", true), t("10", false)];
        assert_eq!(share(&Ratio::share(69_142, 691_417).unwrap(), 1, &k1), "10,00004%");
        assert_eq!(share(&Ratio::share(69_141, 691_417).unwrap(), 1, &k1), "10%");
        // Exactly at a strict threshold: 10% does not meet «> 10%», nor does «10%».
        assert_eq!(share(&Ratio::share(100, 1_000).unwrap(), 1, &k1), "10%");
        // Far from every threshold: one decimal, as always.
        assert_eq!(share(&Ratio::share(14_670, 62_372).unwrap(), 1, &ge50), "23,5%");
        assert_eq!(share(&Ratio::share(22_471, 691_417).unwrap(), 2, &k1), "3,25%");
        assert_eq!(share_value(&Ratio::share(15_000, 30_001).unwrap(), 2, &ge50), 49.998);
    }

    #[test]
    fn dates() {
        assert_eq!(date(2026, 4, 16), "16 апреля 2026 г.");
        assert_eq!(month_from_name("Март"), Some(3));
        assert_eq!(month_from_name("марта"), Some(3));
        assert_eq!(month_from_name("мая"), Some(5));
        assert_eq!(month_from_name("xyz"), None);
    }

    #[test]
    fn one_stop_after_an_abbreviation() {
        assert_eq!(single_stops("Срок — 10 апреля 2026 г.."), "Срок — 10 апреля 2026 г.");
        assert_eq!(
            single_stops("Сейчас: 0 шт.. План: 5 чел.."),
            "Сейчас: 0 шт. План: 5 чел."
        );
        assert_eq!(single_stops("и так далее... конец."), "и так далее... конец.");
        assert_eq!(single_stops("г. (просрочен)."), "г. (просрочен).");
        assert_eq!(single_stops("...."), "....");
        assert_eq!(single_stops(""), "");
    }

    #[test]
    fn plurals() {
        let f = |n| plural(n, "организация", "организации", "организаций");
        for (n, w) in [
            (1, "организация"),
            (2, "организации"),
            (5, "организаций"),
            (11, "организаций"),
            (21, "организация"),
            (22, "организации"),
            (25, "организаций"),
            (101, "организация"),
            (111, "организаций"),
        ] {
            assert_eq!(f(n), w, "{n}");
        }
    }
}
