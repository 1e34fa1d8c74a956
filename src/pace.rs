//! Periods in time, the pace a target needs and the trend of recorded
//! periods: months left to a deadline, the growth needed per month (exact,
//! in integers), a least-squares line over the recorded shares and the
//! month it reaches a threshold (an estimate, in floats, labelled so).

use crate::ingest::Period;
use crate::ingest::period::days_in_month;
use crate::num::Threshold;

/// A month as one number: `year × 12 + month` (2026-03 → 24 315).
pub fn month_index(year: i32, month: u8) -> i64 {
    i64::from(year) * 12 + i64::from(month)
}

/// (year, month) of a month index.
pub fn month_of(index: i64) -> (i32, u8) {
    let year = (index - 1).div_euclid(12);
    let month = (index - 1).rem_euclid(12) + 1;
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u8::try_from(month).unwrap_or(12),
    )
}

/// The month index of a period's end, from its code (`2026-Q1` → 24 315).
pub fn month_index_of_code(code: &str) -> Option<i64> {
    Period::parse(code).map(|p| end_month(&p))
}

/// A date as Excel's serial number (days since 30 December 1899).
pub fn excel_serial(year: i32, month: u8, day: u8) -> f64 {
    let (y, m) = (i64::from(year), i64::from(month));
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 + 25_569) as f64
}

/// The month a period ends in (2026-Q1 → March 2026).
pub fn end_month(p: &Period) -> i64 {
    let (y, m, _) = p.last_day();
    month_index(y, m)
}

/// The last month that counts for a deadline: the last whole month ending
/// on or before it. A month's figure is known at its end, so with a
/// deadline of 15 September 2026 the last month that counts is August; with
/// 30 September, September. Both the months left and «в графике» use it.
pub fn last_month(deadline: (i32, u8, u8)) -> i64 {
    let (y, m, d) = deadline;
    if d >= days_in_month(y, m) {
        month_index(y, m)
    } else {
        month_index(y, m) - 1
    }
}

/// The whole months from the period's end to the deadline: the month-ends
/// after the period's end and not after the deadline (2026-Q1 to 31
/// December 2026: 9; 2026-Q4: 0).
pub fn months_left(p: &Period, deadline: (i32, u8, u8)) -> u32 {
    u32::try_from((last_month(deadline) - end_month(p)).max(0)).unwrap_or(u32::MAX)
}

/// Whether a target reached at the end of `month` (a month index) is in
/// time for the deadline: `month` is not after [`last_month`].
pub fn in_time(month: i64, deadline: (i32, u8, u8)) -> bool {
    month <= last_month(deadline)
}

/// The growth a target needs per month: `ceil((target − value) / months)`;
/// the whole gap when no month is left; None when the target is met.
pub fn growth_needed(target: u64, value: u64, months: u32) -> Option<u64> {
    let gap = target.checked_sub(value).filter(|g| *g > 0)?;
    Some(if months == 0 {
        gap
    } else {
        gap.div_ceil(u64::from(months))
    })
}

/// A least-squares line `y = intercept + slope × x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub slope: f64,
    pub intercept: f64,
}

/// The ordinary least-squares line through the points (x: month index, y:
/// share); None with fewer than two distinct months.
pub fn fit(points: &[(i64, f64)]) -> Option<Line> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0 as f64).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 as f64 - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 as f64 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some(Line {
        slope,
        intercept: my - slope * mx,
    })
}

/// The first month-end after `current` at which the line reaches the
/// threshold; None when it never does (a flat or falling line).
pub fn reaches(line: &Line, t: &Threshold, current: i64) -> Option<i64> {
    if line.slope <= 0.0 {
        return None;
    }
    let crossing = (t.value.to_f64() - line.intercept) / line.slope;
    // ≥: the first month at or after the crossing; >: strictly after it.
    let month = if t.inclusive {
        crossing.ceil()
    } else {
        crossing.floor() + 1.0
    };
    if !month.is_finite() || month.abs() > 1e9 {
        return None;
    }
    Some((month as i64).max(current + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::Ratio;

    #[test]
    fn months_left_to_the_deadline() {
        let q1 = Period::Quarter { year: 2026, quarter: 1 };
        assert_eq!(months_left(&q1, (2026, 12, 31)), 9);
        assert_eq!(months_left(&Period::Month { year: 2026, month: 3 }, (2026, 12, 31)), 9);
        assert_eq!(
            months_left(&Period::Quarter { year: 2026, quarter: 4 }, (2026, 12, 31)),
            0
        );
        assert_eq!(months_left(&Period::Year { year: 2026 }, (2026, 12, 31)), 0);
        assert_eq!(months_left(&q1, (2026, 9, 30)), 6);
        assert_eq!(months_left(&q1, (2026, 9, 15)), 5);
        // After the deadline: none left.
        assert_eq!(months_left(&Period::Month { year: 2027, month: 2 }, (2026, 12, 31)), 0);
    }

    #[test]
    fn the_last_month_that_counts() {
        // The last day of a month: that month; any other day: the month before.
        assert_eq!(month_of(last_month((2026, 9, 30))), (2026, 9));
        assert_eq!(month_of(last_month((2026, 9, 15))), (2026, 8));
        assert_eq!(month_of(last_month((2026, 9, 29))), (2026, 8));
        assert_eq!(month_of(last_month((2028, 2, 29))), (2028, 2), "leap year");
        assert_eq!(month_of(last_month((2026, 2, 28))), (2026, 2));
        assert_eq!(month_of(last_month((2026, 1, 1))), (2025, 12));
        // «В графике» and the months left agree at the edge: a September
        // forecast is in time for 30 September, not for 15 September, and
        // September is counted in the months left only for the first.
        let september = month_index(2026, 9);
        assert!(in_time(september, (2026, 9, 30)));
        assert!(!in_time(september, (2026, 9, 15)));
        assert!(in_time(month_index(2026, 8), (2026, 9, 15)));
        let q2 = Period::Quarter { year: 2026, quarter: 2 };
        assert_eq!(months_left(&q2, (2026, 9, 30)), 3);
        assert_eq!(months_left(&q2, (2026, 9, 15)), 2);
        for deadline in [(2026, 9, 30), (2026, 9, 15), (2026, 12, 31), (2026, 11, 1)] {
            let left = i64::from(months_left(&q2, deadline));
            let last_in_time = end_month(&q2) + left;
            assert!(in_time(last_in_time, deadline), "{deadline:?}");
            assert!(!in_time(last_in_time + 1, deadline), "{deadline:?}");
        }
    }

    #[test]
    fn seed_growth_needed() {
        // 2026-Q1, 9 months to 31 December 2026.
        for (target, value, per_month) in [
            (69_142, 22_471, 5_186),
            (345_709, 150_964, 21_639),
            (1_434, 0, 160),
            (31_186, 14_670, 1_836),
            (1_403, 19, 154),
            (68, 5, 7),
            (263, 9, 29),
        ] {
            assert_eq!(growth_needed(target, value, 9), Some(per_month), "{target}");
        }
        assert_eq!(growth_needed(100, 100, 9), None);
        assert_eq!(growth_needed(100, 40, 0), Some(60));
    }

    #[test]
    fn trend_and_forecast_of_the_example() {
        // Q1 0, Q2 600 of 28 672: 200 a month, 1 434 (≥ 5%) in month 10.17.
        let base = 28_672.0;
        let line = fit(&[(month_index(2026, 3), 0.0), (month_index(2026, 6), 600.0 / base)]).unwrap();
        assert!((line.slope * base - 200.0).abs() < 1e-9);
        let ge5 = Threshold {
            value: Ratio::parse_percent("5").unwrap(),
            inclusive: true,
        };
        let m = reaches(&line, &ge5, month_index(2026, 6)).unwrap();
        assert_eq!(month_of(m), (2026, 11));
        // A falling line never reaches it.
        let down = fit(&[(month_index(2026, 3), 0.03), (month_index(2026, 6), 0.02)]).unwrap();
        assert_eq!(reaches(&down, &ge5, month_index(2026, 6)), None);
        assert!(fit(&[(5, 0.1)]).is_none());
        assert!(fit(&[(5, 0.1), (5, 0.2)]).is_none());
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial(1970, 1, 1), 25_569.0);
        assert_eq!(excel_serial(2026, 4, 1), 46_113.0);
        assert_eq!(
            crate::ingest::period::excel_serial_to_ymd(excel_serial(2026, 11, 1)),
            Some((2026, 11, 1))
        );
    }

    #[test]
    fn month_indices_round_trip() {
        assert_eq!(month_of(month_index(2026, 12)), (2026, 12));
        assert_eq!(month_of(month_index(2027, 1)), (2027, 1));
    }
}
