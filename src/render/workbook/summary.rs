//! The sheet «Сводка»: the key figures (total with its zone, the year's
//! target and the gap), the components, the year targets, the colour
//! zones, and the chart of points against the required minimum.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, ColNum,
    ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula, FormatBorder, RowNum, Worksheet,
    XlsxError,
};

use super::chart_cache::ChartCache;
use super::formula::{Res, a1, a1_abs, lit, status_formula, write_formula};
use super::layout::{Fit, add_table, page_setup, text_fills, title_rows};
use super::styles::{Styles, fill};
use super::{DASH, NO_DATA, REGION_VALUE_NOTE};
use crate::rating::Status;
use crate::report::{BandView, BodyView, Report};

/// Column widths of «Сводка».
const SUM_WIDTHS: [f64; 8] = [26.0, 46.0, 16.0, 10.0, 11.0, 13.0, 17.0, 62.0];

/// The sheet «Сводка» under construction.
struct Summary<'a> {
    ws: Worksheet,
    fit: Fit,
    r: &'a Report,
    st: &'a Styles,
    body: Option<&'a BodyView>,
    /// The components' points cells on their sheets.
    points_cells: &'a [String],
    row: RowNum,
}

pub(super) fn summary_sheet(
    r: &Report,
    points_cells: &[String],
    body: Option<&BodyView>,
    st: &Styles,
) -> Result<(Worksheet, Option<ChartCache>), XlsxError> {
    let mut s = Summary {
        ws: Worksheet::new(),
        fit: Fit::new(&SUM_WIDTHS),
        r,
        st,
        body,
        points_cells,
        row: 3,
    };
    s.ws.set_name("Сводка")?;
    for (i, w) in SUM_WIDTHS.iter().enumerate() {
        s.ws.set_column_width(i as ColNum, *w)?;
    }
    let title = match body {
        Some(b) => format!(
            "Рейтинг внедрения национального мессенджера МАХ: показатели органа «{}»",
            b.name
        ),
        None => "Рейтинг внедрения национального мессенджера МАХ".to_string(),
    };
    title_rows(&mut s.ws, st, r, &title)?;
    s.key_figures()?;
    let header_row = s.components()?;
    let chart_row = s.row;
    s.targets_and_bands()?;
    let chart_cache = s.chart(header_row, chart_row)?;
    s.fit.apply(&mut s.ws)?;
    s.ws.set_freeze_panes(2, 0)?;
    page_setup(&mut s.ws, st, Some((header_row, header_row)))?;
    Ok((s.ws, chart_cache))
}

impl Summary<'_> {
    /// A label and its value on the next row.
    fn pair(&mut self, label: &str, value: &str) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(self.row, 0, label, &self.st.label)?;
        self.ws.write_string_with_format(self.row, 1, value, &self.st.value)?;
        self.row += 1;
        Ok(())
    }

    /// The body, region, period, methodology and meeting; the total, its
    /// zone, the year's target and the completeness.
    fn key_figures(&mut self) -> Result<(), XlsxError> {
        let r = self.r;
        if let Some(b) = self.body {
            self.pair("Орган", &b.full_name)?;
            self.pair("Поручения", &b.due_text)?;
        }
        self.pair("Регион", &r.meta.region)?;
        self.pair("Период", &format!("{} ({})", r.meta.period_label, r.meta.period))?;
        self.pair("Методика", &r.meta.methodology)?;
        if !r.meta.meeting_date_label.is_empty() {
            self.pair("Дата заседания", &r.meta.meeting_date_label)?;
        }
        let total_cell = self.total()?;
        self.zone(&total_cell)?;
        self.year_target(&total_cell)?;
        self.ws
            .write_string_with_format(self.row, 0, "Полнота расчёта", &self.st.label)?;
        self.ws
            .write_string_with_format(self.row, 1, &r.summary.completeness, &self.st.value)?;
        self.row += 2;
        Ok(())
    }

    /// The total: a SUM of the components' points cells (in a body's book,
    /// the region's value). Returns its cell.
    fn total(&mut self) -> Result<String, XlsxError> {
        let (ws, st, s) = (&mut self.ws, self.st, &self.r.summary);
        let row = self.row;
        ws.write_string_with_format(row, 0, "Итоговый балл", &st.label)?;
        if self.body.is_some() {
            // Only the body's components are in the book.
            ws.write_number_with_format(row, 1, f64::from(s.total), &st.total)?;
            ws.write_string_with_format(row, 2, format!("из {} — {REGION_VALUE_NOTE}", s.total_max), &st.note)?;
        } else {
            let formula = if self.points_cells.is_empty() {
                "=0".to_string()
            } else {
                format!("=SUM({})", self.points_cells.join(","))
            };
            write_formula(ws, row, 1, &formula, Res::Num(f64::from(s.total)), &st.total)?;
            ws.write_string_with_format(row, 2, format!("из {}", s.total_max), &st.value)?;
        }
        ws.set_row_height(row, 21)?;
        for b in &self.r.bands {
            let cf = ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::Between(b.from, b.to))
                .set_format(fill(&b.color));
            ws.add_conditional_format(row, 1, row, 1, &cf)?;
        }
        self.row += 1;
        Ok(a1_abs(row, 1))
    }

    /// The zone, by the bands' lower bounds.
    fn zone(&mut self, total_cell: &str) -> Result<(), XlsxError> {
        let (ws, st, r) = (&mut self.ws, self.st, self.r);
        let row = self.row;
        ws.write_string_with_format(row, 0, "Цветовая зона", &st.label)?;
        let mut bands: Vec<&BandView> = r.bands.iter().collect();
        bands.sort_by_key(|b| b.from);
        let zone_formula = match bands.split_first() {
            Some((lowest, rest)) => rest.iter().fold(lit(&lowest.name), |f, b| {
                format!("IF({total_cell}>={},{},{f})", b.from, lit(&b.name))
            }),
            None => lit(""),
        };
        let stored = Res::text(&r.summary.band.name);
        write_formula(ws, row, 1, &format!("={zone_formula}"), stored, &st.value)?;
        ws.write_string_with_format(row, 2, format!("({})", r.summary.band.label), &st.value)?;
        for b in &r.bands {
            let cf = ConditionalFormatFormula::new()
                .set_rule(format!("={}={}", a1(row, 1), lit(&b.name)).as_str())
                .set_format(fill(&b.color));
            ws.add_conditional_format(row, 1, row, 1, &cf)?;
        }
        self.row += 1;
        Ok(())
    }

    /// The year's target and what is missing to it.
    fn year_target(&mut self, total_cell: &str) -> Result<(), XlsxError> {
        let (ws, st, r) = (&mut self.ws, self.st, self.r);
        let row = self.row;
        ws.write_string_with_format(row, 0, format!("Цель {} года", r.meta.year), &st.label)?;
        let Some(t) = r.summary.year_target else {
            ws.write_string_with_format(row, 1, "не установлена", &st.value)?;
            self.row += 1;
            return Ok(());
        };
        ws.write_number_with_format(row, 1, f64::from(t), &st.value_int)?;
        ws.write_string_with_format(row + 1, 0, "Не хватает до цели", &st.label)?;
        write_formula(
            ws,
            row + 1,
            1,
            &format!("=MAX(0,{}-{total_cell})", a1(row, 1)),
            Res::Num(f64::from(r.summary.target_gap.unwrap_or(0))),
            &st.value_int,
        )?;
        ws.write_string_with_format(row + 1, 2, "баллов", &st.value)?;
        self.row += 2;
        Ok(())
    }

    /// The components table. Returns its header row.
    fn components(&mut self) -> Result<RowNum, XlsxError> {
        let (r, st) = (self.r, self.st);
        let heading = if self.body.is_some() {
            "Компоненты рейтинга с показателями органа"
        } else {
            "Компоненты рейтинга"
        };
        self.ws.write_string_with_format(self.row, 0, heading, &st.heading)?;
        let header_row = self.row + 1;
        let headers: Vec<String> = vec![
            "Компонент".into(),
            "Наименование".into(),
            "Тип".into(),
            "Баллы".into(),
            "Максимум".into(),
            format!("Необходимый минимум {}", r.meta.year),
            "Статус".into(),
            "Обоснование".into(),
        ];
        self.ws.set_row_height(header_row, 30)?;
        for i in 0..r.components.len() {
            self.component_row(header_row + 1 + i as RowNum, i)?;
        }
        let last = header_row + r.components.len() as RowNum;
        if !r.components.is_empty() {
            add_table(&mut self.ws, st, "Components", header_row, last, &headers, true)?;
            text_fills(
                &mut self.ws,
                header_row + 1,
                last,
                6,
                &[
                    (Status::Met.label(), &st.green),
                    (Status::Below.label(), &st.red),
                    (Status::NoData.label(), &st.yellow),
                ],
            )?;
        }
        self.row = last + 2;
        Ok(header_row)
    }

    fn component_row(&mut self, rr: RowNum, i: usize) -> Result<(), XlsxError> {
        let (ws, st, c) = (&mut self.ws, self.st, &self.r.components[i]);
        ws.write_string_with_format(rr, 0, &c.label, &st.center)?;
        self.fit.put(ws, rr, 1, &c.name, &st.wrap)?;
        ws.write_string_with_format(rr, 2, &c.kind_label, &st.text)?;
        let points = match c.points {
            Some(p) => Res::Num(f64::from(p)),
            None => Res::text(NO_DATA),
        };
        let cell = self.points_cells.get(i).map(String::as_str).unwrap_or("0");
        write_formula(ws, rr, 3, &format!("={cell}"), points, &st.points)?;
        ws.write_number_with_format(rr, 4, f64::from(c.max), &st.points)?;
        match c.required {
            Some(req) => {
                ws.write_number_with_format(rr, 5, f64::from(req), &st.points)?;
                let f = status_formula(&a1(rr, 3), &a1(rr, 5));
                write_formula(ws, rr, 6, &f, Res::text(&c.status_label), &st.center)?;
            }
            None => {
                ws.write_string_with_format(rr, 5, DASH, &st.center)?;
                ws.write_string_with_format(rr, 6, &c.status_label, &st.center)?;
            }
        }
        self.fit.put(ws, rr, 7, &c.reason, &st.wrap)?;
        Ok(())
    }

    /// The year targets and the colour zones.
    fn targets_and_bands(&mut self) -> Result<(), XlsxError> {
        let (ws, st, r) = (&mut self.ws, self.st, self.r);
        ws.write_string_with_format(self.row, 0, "Целевые значения по годам", &st.heading)?;
        let t_header = self.row + 1;
        for (i, t) in r.targets.iter().enumerate() {
            let rr = t_header + 1 + i as RowNum;
            ws.write_number_with_format(rr, 0, f64::from(t.year), &st.center)?;
            ws.write_number_with_format(rr, 1, f64::from(t.target), &st.points)?;
            ws.write_string_with_format(rr, 2, if t.current { "текущий год" } else { "" }, &st.text)?;
        }
        let mut row = if r.targets.is_empty() {
            ws.write_string_with_format(t_header, 0, "Цели не установлены", &st.note)?;
            t_header + 2
        } else {
            let last = t_header + r.targets.len() as RowNum;
            let headers = ["Год".into(), "Целевой балл".into(), "Примечание".into()];
            add_table(ws, st, "Targets", t_header, last, &headers, false)?;
            last + 2
        };
        ws.write_string_with_format(row, 0, "Цветовые зоны итогового балла", &st.heading)?;
        row += 1;
        for (i, b) in r.bands.iter().enumerate() {
            let rr = row + 1 + i as RowNum;
            let zone = fill(&b.color)
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6");
            ws.write_string_with_format(rr, 0, &b.name, &zone)?;
            ws.write_string_with_format(rr, 1, format!("{}–{} ({})", b.from, b.to, b.label), &st.text)?;
        }
        if !r.bands.is_empty() {
            let last = row + r.bands.len() as RowNum;
            add_table(ws, st, "Bands", row, last, &["Зона".into(), "Баллы".into()], false)?;
        }
        Ok(())
    }

    /// The chart: the components' points against the required minimum,
    /// with the values of its cache.
    fn chart(&mut self, header_row: RowNum, chart_row: RowNum) -> Result<Option<ChartCache>, XlsxError> {
        let r = self.r;
        if r.components.is_empty() {
            return Ok(None);
        }
        let first = header_row + 1;
        let last = header_row + r.components.len() as RowNum;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name("Баллы")
            .set_categories(("Сводка", first, 0, last, 0))
            .set_values(("Сводка", first, 3, last, 3))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color("#305496")))
            .set_data_label(ChartDataLabel::new().show_value());
        chart
            .add_series()
            .set_name(format!("Необходимый минимум {}", r.meta.year).as_str())
            .set_categories(("Сводка", first, 0, last, 0))
            .set_values(("Сводка", first, 5, last, 5))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color("#A6A6A6")))
            .set_data_label(ChartDataLabel::new().show_value());
        chart
            .title()
            .set_name("Баллы компонентов и необходимый минимум")
            .set_font(ChartFont::new().set_size(12).set_bold());
        chart.y_axis().set_min(0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(640).set_height(300);
        self.ws.insert_chart(chart_row, 3, &chart)?;
        Ok(Some(ChartCache {
            // A one-cell range is written as the cell alone.
            range: if first == last {
                format!("Сводка!$D${}", first + 1)
            } else {
                format!("Сводка!$D${}:$D${}", first + 1, last + 1)
            },
            values: r.components.iter().map(|c| c.points.map(f64::from)).collect(),
        }))
    }
}
