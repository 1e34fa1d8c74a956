//! The chart's cache: rust_xlsxwriter caches a chart series' values only
//! for cells holding plain numbers; the points on «Сводка» are formulas, so
//! their series would be stored without values and viewers that draw from
//! the cache (previews, some mobile apps) would show empty bars. This
//! writes the engine's values into that cache.

/// The values a chart series shows, for its cache: `range` as the chart
/// refers to it (`Сводка!$D$16:$D$19`), one value a point (`None`: empty).
pub(super) struct ChartCache {
    pub range: String,
    pub values: Vec<Option<f64>>,
}

/// rust_xlsxwriter caches a chart series' values only for cells holding
/// plain numbers; the points on «Сводка» are formulas, so their series
/// would be stored without values and viewers that draw from the cache
/// (previews, some mobile apps) would show empty bars. This writes the
/// engine's values into that cache. The package is otherwise copied as it
/// is (same compressed bytes, same timestamps), so the output stays
/// deterministic; if anything is not as expected the book is returned
/// unchanged (Excel and LibreOffice redraw from the cells anyway).
pub(super) fn fill_chart_cache(bytes: Vec<u8>, cache: &ChartCache) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    fn rewrite(bytes: &[u8], cache: &ChartCache) -> Option<Vec<u8>> {
        let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let series = format!("<c:f>{}</c:f><c:numCache>", cache.range);
        let count = format!("<c:ptCount val=\"{}\"/>", cache.values.len());
        let points: String = cache
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("<c:pt idx=\"{i}\"><c:v>{v}</c:v></c:pt>")))
            .collect();
        let mut filled = false;
        for i in 0..zin.len() {
            let is_chart = zin.by_index_raw(i).ok()?.name().ok()?.starts_with("xl/charts/chart");
            if !is_chart || filled {
                out.raw_copy_file(zin.by_index_raw(i).ok()?).ok()?;
                continue;
            }
            let mut part = zin.by_index(i).ok()?;
            let mut xml = String::new();
            part.read_to_string(&mut xml).ok()?;
            if let Some(at) = xml.find(&series) {
                let after = at + series.len();
                let end = xml[after..].find("</c:numCache>")? + after;
                let insert = xml[after..end].find(&count)? + after + count.len();
                if xml[insert..end].contains("<c:pt ") {
                    return None;
                }
                xml.insert_str(insert, &points);
                filled = true;
            }
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(part.compression())
                .last_modified_time(part.last_modified().unwrap_or_default());
            let name = part.name().ok()?.into_owned();
            drop(part);
            out.start_file(name, opts).ok()?;
            out.write_all(xml.as_bytes()).ok()?;
        }
        if !filled {
            return None;
        }
        Some(out.finish().ok()?.into_inner())
    }
    rewrite(&bytes, cache).unwrap_or(bytes)
}
