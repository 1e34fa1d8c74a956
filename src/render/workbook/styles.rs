//! The formats of the workbook: cells, headers, the bands' colours.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

use super::{FMT_INT, FMT_PCT, FMT_POINTS};
use crate::report::{BandView, Report};

pub(super) struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub heading: Format,
    pub label: Format,
    pub value: Format,
    pub value_int: Format,
    pub total: Format,
    pub note: Format,
    pub header: Format,
    pub text: Format,
    pub wrap: Format,
    pub int: Format,
    pub pct: Format,
    pub points: Format,
    pub center: Format,
    pub long: Format,
    /// Fills in the methodology's colours: (fill colour, format).
    pub green: Format,
    pub yellow: Format,
    pub red: Format,
    pub green_color: String,
    pub yellow_color: String,
    pub red_color: String,
    pub footer: String,
}

/// A conditional format: the band's colour as fill, white or black text.
pub(super) fn fill(color: &str) -> Format {
    let light = color_is_light(color);
    Format::new()
        .set_background_color(color)
        .set_font_color(if light { "#000000" } else { "#FFFFFF" })
        .set_bold()
}

fn color_is_light(color: &str) -> bool {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map(f64::from)
    };
    match (channel(0), channel(2), channel(4)) {
        (Some(r), Some(g), Some(b)) => 0.299 * r + 0.587 * g + 0.114 * b > 150.0,
        _ => true,
    }
}

/// The colour of a band by id, else by position (first = worst).
fn band_color(bands: &[BandView], id: &str, fallback: usize) -> String {
    bands
        .iter()
        .find(|b| b.id == id)
        .or_else(|| bands.get(fallback.min(bands.len().saturating_sub(1))))
        .map(|b| b.color.clone())
        .unwrap_or_else(|| "#FFFFFF".into())
}

impl Styles {
    pub fn new(r: &Report) -> Styles {
        let cell = || {
            Format::new()
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6")
                .set_align(FormatAlign::Top)
        };
        let n = r.bands.len();
        let green_color = band_color(&r.bands, "green", n.saturating_sub(1));
        let yellow_color = band_color(&r.bands, "yellow", n / 2);
        let red_color = band_color(&r.bands, "red", 0);
        let footer_text = format!("{} · {}", r.meta.region, r.meta.period_label).replace('&', "&&");
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_font_color("#595959"),
            heading: Format::new().set_bold().set_font_size(12).set_font_color("#1F3864"),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            value: Format::new().set_align(FormatAlign::Left).set_align(FormatAlign::Top),
            value_int: Format::new()
                .set_num_format(FMT_INT)
                .set_align(FormatAlign::Left)
                .set_bold(),
            total: Format::new()
                .set_num_format(FMT_POINTS)
                .set_align(FormatAlign::Left)
                .set_bold()
                .set_font_size(16),
            note: Format::new().set_italic().set_font_color("#595959"),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color("#FFFFFF")
                .set_background_color("#305496")
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6"),
            text: cell(),
            wrap: cell().set_text_wrap(),
            int: cell().set_num_format(FMT_INT),
            pct: cell().set_num_format(FMT_PCT).set_align(FormatAlign::Right),
            points: cell().set_num_format(FMT_POINTS).set_align(FormatAlign::Center),
            center: cell().set_align(FormatAlign::Center),
            long: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            green: fill(&green_color),
            yellow: fill(&yellow_color),
            red: fill(&red_color),
            green_color,
            yellow_color,
            red_color,
            footer: format!("&L{footer_text}&CЛист «&A»&RСтраница &P из &N"),
        }
    }
}
