//! Rankings of regions, one type for both: the one a region's deck shows
//! (from `regions.xlsx`, the own region marked) and the federal one that
//! `batch` writes (from the regions it built). Places are competition
//! ranks, computed here once: equal totals share a place (1, 2, 2, 4).

use serde::Serialize;

use super::{BandView, Report};
use crate::ingest::regions::RegionsTable;

/// One region of a ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    /// Competition rank.
    pub rank: usize,
    pub region: String,
    /// The region's folder (`batch`), empty for `regions.xlsx`.
    pub folder: String,
    /// Points per component column (None: no data).
    pub points: Vec<Option<f64>>,
    /// `12`, `12,5` or `—` per component column.
    pub points_text: Vec<String>,
    pub total: f64,
    pub total_text: String,
    /// The colour band (`batch`; None for `regions.xlsx`).
    pub band: Option<BandView>,
    /// The region of the deck.
    pub own: bool,
}

/// A ranking: rows sorted by total (best first), then by name.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// Component columns (`К1`…`К4`).
    pub columns: Vec<String>,
    pub rows: Vec<RankRow>,
    pub count: usize,
    /// The total a full bar stands for.
    pub scale: f64,
    /// The place of the own region, if it is in the table.
    pub own_rank: Option<usize>,
    /// The own region's name as the table spells it (else the report's).
    pub own_region: String,
}

/// The federal ranking of `batch`, with what its document shows besides.
#[derive(Debug, Clone, Serialize)]
pub struct FederalRanking {
    #[serde(flatten)]
    pub ranking: Ranking,
    pub total_max: u32,
    /// «1 квартал 2026 г.» (several labels joined when regions differ).
    pub period_label: String,
    /// The colour bands of the methodology.
    pub bands: Vec<BandView>,
    /// Regions per band, in the order of `bands`.
    pub band_counts: Vec<usize>,
    /// The document date: the latest of the regions'.
    pub date: (i32, u8, u8),
}

/// A points value with at most two decimals: `12`, `12,5`.
fn points_text(v: f64) -> String {
    let scaled = (v.max(0.0) * 100.0).round() as u128;
    crate::fmt::decimal(scaled, 100)
}

impl Ranking {
    /// Sorts `rows` (best first, then by name and folder) and gives each its
    /// competition rank.
    fn new(columns: Vec<String>, mut rows: Vec<RankRow>, scale: f64, own_region: &str) -> Ranking {
        rows.sort_by(|a, b| {
            b.total
                .total_cmp(&a.total)
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.folder.cmp(&b.folder))
        });
        for i in 0..rows.len() {
            rows[i].rank = if i > 0 && rows[i].total == rows[i - 1].total {
                rows[i - 1].rank
            } else {
                i + 1
            };
        }
        let own = rows.iter().find(|r| r.own);
        Ranking {
            columns,
            count: rows.len(),
            scale,
            own_rank: own.map(|r| r.rank),
            own_region: own.map_or_else(|| own_region.to_string(), |r| r.region.clone()),
            rows,
        }
    }

    /// The ranking of `regions.xlsx` for the deck of `own_region` (matched
    /// by [`crate::names::same`]); bars scaled to the best total.
    pub fn from_table(table: &RegionsTable, own_region: &str) -> Ranking {
        let rows: Vec<RankRow> = table
            .rows
            .iter()
            .map(|r| RankRow {
                rank: 0,
                own: crate::names::same(&r.name, own_region),
                region: r.name.clone(),
                folder: String::new(),
                points_text: r
                    .points
                    .iter()
                    .map(|p| p.map_or_else(|| "—".to_string(), points_text))
                    .collect(),
                points: r.points.clone(),
                total: r.total,
                total_text: points_text(r.total),
                band: None,
            })
            .collect();
        let scale = rows.iter().map(|r| r.total).fold(0.0, f64::max);
        Ranking::new(table.columns.clone(), rows, scale, own_region)
    }
}

impl FederalRanking {
    /// The ranking of the regions built (folder, report); None when none
    /// was. Bars are scaled to the methodology's maximum.
    pub fn new(built: &[(&str, &Report)]) -> Option<FederalRanking> {
        let (_, first) = built.first()?;
        let columns: Vec<String> = first.components.iter().map(|c| c.label.clone()).collect();
        let rows: Vec<RankRow> = built.iter().map(|(folder, r)| federal_row(folder, r, first)).collect();
        let total_max = first.summary.total_max;
        let ranking = Ranking::new(columns, rows, f64::from(total_max), "");
        let mut periods: Vec<String> = built.iter().map(|(_, r)| r.meta.period_label.clone()).collect();
        periods.sort();
        periods.dedup();
        let bands = first.bands.clone();
        let band_counts = bands
            .iter()
            .map(|b| {
                ranking
                    .rows
                    .iter()
                    .filter(|r| r.band.as_ref().is_some_and(|x| x.id == b.id))
                    .count()
            })
            .collect();
        let date = built
            .iter()
            .map(|(_, r)| r.meta.document_date)
            .fold(first.meta.document_date, std::cmp::max);
        Some(FederalRanking {
            ranking,
            total_max,
            period_label: periods.join(", "),
            bands,
            band_counts,
            date,
        })
    }

    /// «Рейтинг внедрения МАХ по субъектам Российской Федерации — …».
    pub fn title(&self) -> String {
        format!(
            "Рейтинг внедрения МАХ по субъектам Российской Федерации — {}",
            self.period_label
        )
    }
}

/// One region's row, its components in the order of `first`'s.
fn federal_row(folder: &str, r: &Report, first: &Report) -> RankRow {
    let points: Vec<Option<f64>> = first
        .components
        .iter()
        .map(|c| {
            r.components
                .iter()
                .find(|x| x.id == c.id)
                .and_then(|x| x.points)
                .map(f64::from)
        })
        .collect();
    RankRow {
        rank: 0,
        region: r.meta.region.clone(),
        folder: folder.to_string(),
        points_text: points
            .iter()
            .map(|p| p.map_or_else(|| "—".to_string(), points_text))
            .collect(),
        points,
        total: f64::from(r.summary.total),
        total_text: r.summary.total.to_string(),
        band: Some(r.summary.band.clone()),
        own: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::regions::RegionsRow;

    #[test]
    fn competition_ranks_and_own_region() {
        let row = |name: &str, total: f64| RegionsRow {
            name: name.into(),
            points: vec![Some(total)],
            total,
        };
        let table = RegionsTable {
            columns: vec!["К1".into()],
            rows: vec![
                row("Б", 20.0),
                row("А", 30.0),
                row("Забайкальский край", 20.0),
                row("В", 12.5),
            ],
        };
        let r = Ranking::from_table(&table, "забайкальский  край");
        let ranks: Vec<(usize, &str)> = r.rows.iter().map(|x| (x.rank, x.region.as_str())).collect();
        assert_eq!(ranks, [(1, "А"), (2, "Б"), (2, "Забайкальский край"), (4, "В")]);
        assert_eq!(r.own_rank, Some(2));
        assert_eq!(r.own_region, "Забайкальский край");
        assert_eq!(r.rows[3].total_text, "12,5");
        assert_eq!(r.scale, 30.0);
    }
}
