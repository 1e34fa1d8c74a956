//! Hostile and broken inputs: the corpus in `tests/corpus/` (small files
//! committed, large ones generated here into a temporary folder), each run
//! through the binary with its expected message and exit code from
//! `tests/corpus/expected.toml`: one clear message naming the file (and the
//! cell where there is one), no panic, no hang, no output folder.
//! Then the cell-value parser under property tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use max_rating::ingest::value::{CellValue, Decimal, classify, is_oversized_number, parse_number_text};
use max_rating::ingest::workbook::{Format as BookFormat, MAX_ROWS, MAX_UNPACKED_BYTES, read_submission};
use proptest::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Formula, Workbook};
use serde::Deserialize;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

// ------------------------------------------------------------------ the small corpus files

/// A value cell of a corpus form.
enum V {
    N(f64),
    S(&'static str),
    /// A formula and its cached result (an error literal).
    Err(&'static str, &'static str),
}

/// A submission: metadata in rows 1–3 (period 2026-Q1), the header in row
/// 5 (`Код | Значение | Показатель`), the rows from row 6: the value of row
/// `i` is in `B{6 + i}`.
fn form(rows: &[(&str, V)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    // Fixed document date: the committed files are reproducible.
    let date = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name("Показатели").unwrap();
    for (r, (label, value)) in [
        ("Регион:", "Тестовая область"),
        ("Ведомство:", "Тестовое ведомство"),
        ("Период:", "2026-Q1"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(r as u32, 0, *label).unwrap();
        ws.write_string(r as u32, 1, *value).unwrap();
    }
    for (c, h) in ["Код", "Значение", "Показатель"].iter().enumerate() {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    for (i, (code, v)) in rows.iter().enumerate() {
        let r = 5 + i as u32;
        ws.write_string(r, 0, *code).unwrap();
        match v {
            V::N(n) => {
                ws.write_number(r, 1, *n).unwrap();
            }
            V::S(s) => {
                ws.write_string(r, 1, *s).unwrap();
            }
            V::Err(f, result) => {
                ws.write_formula(r, 1, Formula::new(*f).set_result(*result)).unwrap();
            }
        }
        ws.write_string(r, 2, "показатель").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The committed corpus files made by this file (the others are made by
/// hand, see `tests/corpus/README.md`).
fn generated_small() -> Vec<(&'static str, Vec<u8>)> {
    let valid = || {
        form(&[
            ("k3.active_audience", V::N(150_964.0)),
            ("k1.active_audience", V::N(22_471.0)),
        ])
    };
    let mut far = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    far.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = far.add_worksheet();
    ws.set_name("Показатели").unwrap();
    ws.write_string(0, 0, "Код").unwrap();
    ws.write_string(0, 1, "Значение").unwrap();
    ws.write_string(1, 0, "k3.active_audience").unwrap();
    ws.write_number(1, 1, 5.0).unwrap();
    // One stray value in the last row of the sheet.
    ws.write_number(1_048_575, 1, 1.0).unwrap();
    let far = far.save_to_buffer().unwrap();
    // A valid form with stray values in XFD1 and B49999: a dense range over
    // them would be 819 million cells (26 GB); columns past the read area
    // are ignored, so the range stays small.
    let mut corner = Workbook::new();
    corner.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = corner.add_worksheet();
    ws.set_name("Показатели").unwrap();
    ws.write_string(0, 0, "Период:").unwrap();
    ws.write_string(0, 1, "2026-Q1").unwrap();
    ws.write_string(2, 0, "Код").unwrap();
    ws.write_string(2, 1, "Значение").unwrap();
    ws.write_string(3, 0, "k3.active_audience").unwrap();
    ws.write_number(3, 1, 5.0).unwrap();
    ws.write_number(0, 16_383, 1.0).unwrap();
    ws.write_number(49_998, 1, 1.0).unwrap();
    let corner = corner.save_to_buffer().unwrap();
    vec![
        ("valid.xlsx", valid()),
        (
            "formula-error.xlsx",
            form(&[("k3.active_audience", V::Err("=1/0", "#DIV/0!"))]),
        ),
        ("negative.xlsx", form(&[("k3.active_audience", V::N(-150_964.0))])),
        ("fractional.xlsx", form(&[("k3.active_audience", V::N(150_964.5))])),
        ("huge.xlsx", form(&[("k3.active_audience", V::N(1e20))])),
        ("astronomical.xlsx", form(&[("k3.active_audience", V::N(1e300))])),
        (
            "huge-text.xlsx",
            form(&[("k3.active_audience", V::S("1 000 000 000 000 000"))]),
        ),
        (
            "giant-text.xlsx",
            form(&[(
                "k3.active_audience",
                V::S("1 000 000 000 000 000 000 000 000 000 000 000 000 000 000"),
            )]),
        ),
        ("negative-text.xlsx", form(&[("k3.active_audience", V::S("−1 500"))])),
        (
            "fractional-text.xlsx",
            form(&[("k3.active_audience", V::S("1 500,25"))]),
        ),
        ("far-cell.xlsx", far),
        ("far-corner.xlsx", corner),
    ]
}

/// Regenerates the committed corpus files made here:
/// `cargo test --test hostile -- --ignored write_corpus`.
#[test]
#[ignore]
fn write_corpus() {
    for (name, bytes) in generated_small() {
        std::fs::write(corpus().join(name), bytes).unwrap();
    }
}

#[test]
fn committed_corpus_files_are_current() {
    for (name, bytes) in generated_small() {
        let committed = std::fs::read(corpus().join(name)).unwrap();
        assert!(
            committed == bytes,
            "tests/corpus/{name} differs from its generator: cargo test --test hostile -- --ignored write_corpus"
        );
    }
}

// ------------------------------------------------------------------ the large corpus files

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// A zip being written in memory.
type Zip = zip::ZipWriter<std::io::Cursor<Vec<u8>>>;

/// An inline-string cell.
fn s_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A minimal .xlsx written part by part: one sheet «Показатели» whose
/// `<sheetData>` rows are written by `rows` straight into the deflater (a
/// million rows never sit in memory), then `extra` parts.
fn xlsx_package(
    rows: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    extra: &mut dyn FnMut(&mut Zip),
) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Показатели" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
    ];
    for (name, text) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts.large_file(true)).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}"><sheetData>"#
    )
    .unwrap();
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut z);
        rows(&mut buffered).unwrap();
        buffered.flush().unwrap();
    }
    write!(z, "</sheetData></worksheet>").unwrap();
    extra(&mut z);
    z.finish().unwrap().into_inner()
}

/// The header rows of a generated form: period in B1, header in row 3.
fn header_rows(w: &mut dyn Write) -> std::io::Result<()> {
    write!(
        w,
        r#"<row r="1">{}{}</row><row r="3">{}{}</row>"#,
        s_cell("A1", "Период:"),
        s_cell("B1", "2026-Q1"),
        s_cell("A3", "Код"),
        s_cell("B3", "Значение")
    )
}

/// The forms of the quirks real submissions have (`case.quirk-*`).
fn quirk(name: &str) -> Option<Vec<u8>> {
    let one = |code: &'static str, v: V| form(&[(code, v)]);
    Some(match name {
        // Cyrillic к and е typed for Latin k and e.
        "cyrillic-code.xlsx" => one("к2.sicк_lеavе.total", V::N(28_672.0)),
        // A zero-width space, a no-break space, a soft hyphen.
        "invisible-code.xlsx" => form(&[
            ("k2.mfc\u{200B}.visitors\u{00A0}", V::N(62_372.0)),
            ("k3.active_\u{00AD}audience", V::N(150_964.0)),
        ]),
        "typo-code.xlsx" => one("k2.mfc.visitor", V::N(62_372.0)),
        "two-sheets.xlsx" => two_indicator_sheets(),
        "float-1e31.xlsx" => one("k3.active_audience", V::N(1e31)),
        "float-1e35.xlsx" => one("k3.active_audience", V::N(1e35)),
        // A formula with no cached result (as openpyxl saves it), and one
        // whose cached result is an empty string.
        "uncomputed.xlsx" => uncomputed(r#"<c r="B4"><f>SUM(100,200)</f></c>"#),
        "uncomputed-empty.xlsx" => uncomputed(r#"<c r="B4" t="str"><f>A1&amp;""</f><v></v></c>"#),
        "period-date.xlsx" => period_as_date(),
        "quarter.xlsx" => one("k1.active_audience", V::N(22_471.0)),
        // A CSV saved in Windows-1251 under a workbook's name.
        "cp1251.xlsx" => {
            let mut b =
                b"\xca\xee\xe4;\xc7\xed\xe0\xf7\xe5\xed\xe8\xe5;\xcf\xee\xea\xe0\xe7\xe0\xf2\xe5\xeb\xfc\r\n".to_vec();
            b.extend_from_slice(b"k3.active_audience;150964;\xc0\xf3\xe4\xe8\xf2\xee\xf0\xe8\xff\r\n");
            b
        }
        _ => return None,
    })
}

/// A workbook with two sheets that both read as «Показатели».
fn two_indicator_sheets() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    for (name, v) in [("Показатели", 1.0), (" показатели ", 2.0)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "Код").unwrap();
        ws.write_string(0, 1, "Значение").unwrap();
        ws.write_string(1, 0, "k3.active_audience").unwrap();
        ws.write_number(1, 1, v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// A form whose value B4 is `cell`: a formula without a usable result.
fn uncomputed(cell: &str) -> Vec<u8> {
    let cell = cell.to_string();
    xlsx_package(
        &mut |w| {
            header_rows(w)?;
            write!(w, r#"<row r="4">{}{cell}</row>"#, s_cell("A4", "k3.active_audience"))
        },
        &mut |_| {},
    )
}

/// A form whose «Период» is the date 01.03.2026.
fn period_as_date() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name("Показатели").unwrap();
    ws.write_string(0, 0, "Период:").unwrap();
    let day = ExcelDateTime::from_ymd(2026, 3, 1).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    ws.write_datetime_with_format(0, 1, &day, &fmt).unwrap();
    ws.write_string(2, 0, "Код").unwrap();
    ws.write_string(2, 1, "Значение").unwrap();
    ws.write_string(3, 0, "k3.active_audience").unwrap();
    ws.write_number(3, 1, 150_964.0).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn quirks_of_real_submissions() {
    let cases = cases();
    let quirks: Vec<_> = cases.iter().filter(|(id, _)| id.starts_with("quirk-")).collect();
    assert!(quirks.len() >= 10, "{}", quirks.len());
    std::thread::scope(|s| {
        for (id, case) in quirks {
            s.spawn(move || run_case(id, case));
        }
    });
}

/// A form with a million rows of values (about 60 MB of sheet XML, 1 MB
/// zipped): under the unpacked-size limit, so the row limit must stop it.
fn million_rows() -> Vec<u8> {
    xlsx_package(
        &mut |w| {
            header_rows(w)?;
            for r in 4..=1_000_000u32 {
                write!(
                    w,
                    r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>k3.active_audience</t></is></c><c r="B{r}"><v>{r}</v></c></row>"#
                )?;
            }
            Ok(())
        },
        &mut |_| {},
    )
}

/// The rows of a valid small form: the header and one value.
fn one_value_form(w: &mut dyn Write) -> std::io::Result<()> {
    header_rows(w)?;
    write!(
        w,
        r#"<row r="4">{}<c r="B4"><v>7</v></c></row>"#,
        s_cell("A4", "k3.active_audience")
    )
}

/// A valid small form with one more part of 1 GiB of zeros: the file is
/// about 1 MB and inflates to a gigabyte.
fn zip_bomb() -> Vec<u8> {
    xlsx_package(&mut one_value_form, &mut |z| {
        use zip::write::SimpleFileOptions;
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .large_file(true);
        z.start_file("xl/media/image1.bin", opts).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            z.write_all(&zeros).unwrap();
        }
    })
}

/// A form with 10 000 rows of codes that are not in the catalogue.
fn unknown_codes() -> Vec<u8> {
    xlsx_package(
        &mut |w| {
            header_rows(w)?;
            write!(
                w,
                r#"<row r="4">{}<c r="B4"><v>7</v></c></row>"#,
                s_cell("A4", "k3.active_audience")
            )?;
            for i in 0..10_000u32 {
                let r = 5 + i;
                write!(
                    w,
                    r#"<row r="{r}">{}<c r="B{r}"><v>{i}</v></c></row>"#,
                    s_cell(&format!("A{r}"), &format!("k9.unknown_{i}"))
                )?;
            }
            Ok(())
        },
        &mut |_| {},
    )
}

/// A zip of 10 001 empty parts.
fn many_parts() -> Vec<u8> {
    xlsx_package(&mut header_rows, &mut |z| {
        use zip::write::SimpleFileOptions;
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..10_001 {
            z.start_file(format!("xl/media/p{i}.bin"), opts).unwrap();
        }
    })
}

/// An OpenDocument form of a few hundred bytes whose last row repeats one
/// valued cell `rows` times down and `cols` times across: calamine would
/// expand it into `rows × cols` cells.
fn ods_repeated(rows: u64, cols: u64) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Показатели">
<table:table-row><table:table-cell office:value-type="string"><text:p>Код</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Значение</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>k3.active_audience</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/><table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    z.start_file("META-INF/manifest.xml", deflated).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    z.start_file("content.xml", deflated).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

/// The .xls fixture with its sheet's DIMENSIONS record (BIFF8: first row
/// u32, end row u32, first column u16, end column u16) rewritten: calamine
/// reserves memory for the area it claims.
fn xls_dimensions(first_row: u32, end_row: u32, end_col: u16) -> Vec<u8> {
    let mut b = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/submission.xls")).unwrap();
    let at = b
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("the fixture has a DIMENSIONS record")
        + 4;
    b[at..at + 4].copy_from_slice(&first_row.to_le_bytes());
    b[at + 4..at + 8].copy_from_slice(&end_row.to_le_bytes());
    b[at + 10..at + 12].copy_from_slice(&end_col.to_le_bytes());
    b
}

/// A valid small form with a shared-string table: `claimed` in its
/// `uniqueCount`, and `empty` empty `<si/>` elements.
fn shared_strings(claimed: u128, empty: u64) -> Vec<u8> {
    xlsx_package(&mut one_value_form, &mut |z| {
        use zip::write::SimpleFileOptions;
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        z.start_file("xl/sharedStrings.xml", opts).unwrap();
        write!(
                z,
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{NS}" count="{claimed}" uniqueCount="{claimed}">"#
            )
            .unwrap();
        let chunk = "<si/>".repeat(10_000);
        for _ in 0..empty / 10_000 {
            z.write_all(chunk.as_bytes()).unwrap();
        }
        z.write_all("<si/>".repeat((empty % 10_000) as usize).as_bytes())
            .unwrap();
        z.write_all(b"</sst>").unwrap();
    })
}

fn generated_large(name: &str) -> Vec<u8> {
    match name {
        // A hundred trillion strings claimed: calamine aborts the process
        // reserving memory for them.
        "sst-claim.xlsx" => shared_strings(100_000_000_000_000, 0),
        // Two million empty strings (10 MB of XML, 20 KB zipped).
        "sst-flood.xlsx" => shared_strings(0, 2_000_000),
        // An 8 KB file claiming 4 294 967 280 rows × 65 535 columns: calamine
        // aborts the process on the reservation.
        "xls-dimensions.xls" => xls_dimensions(0, 0xFFFF_FFF0, 0xFFFF),
        // First row after the last: calamine's subtraction overflows.
        "xls-inverted-dimensions.xls" => xls_dimensions(100, 5, 4),
        // 1 048 576 rows × 16 384 columns: 17 billion cells.
        "ods-repeated-rows.ods" => ods_repeated(1_048_576, 16_384),
        // 40 000 rows × 2 000 columns: 80 million cells, within the row limit.
        "ods-repeated-area.ods" => ods_repeated(40_000, 2_000),
        "million-rows.xlsx" => million_rows(),
        "zip-bomb.xlsx" => zip_bomb(),
        "unknown-codes.xlsx" => unknown_codes(),
        "many-parts.xlsx" => many_parts(),
        other => quirk(other).unwrap_or_else(|| panic!("no generator for {other}")),
    }
}

// ------------------------------------------------------------------ running the corpus

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Files of `tests/corpus/`, or made by `generated_large` when
    /// `generated`.
    files: Vec<String>,
    /// Their names in `submissions/` (default: the same).
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    generated: bool,
    /// `build` (default) or `check`.
    #[serde(default = "default_command")]
    command: String,
    exit: i32,
    /// The file the message names (default: the first name).
    #[serde(default)]
    about: Option<String>,
    /// Fragments the one message about the file contains; none: there is
    /// no message about the file.
    message: Vec<String>,
    /// The cell it names, if any.
    #[serde(default)]
    cell: Option<String>,
    /// The severity of that message.
    #[serde(default = "default_severity")]
    severity: String,
}

fn default_command() -> String {
    "build".into()
}

fn default_severity() -> String {
    "ошибка".into()
}

fn cases() -> BTreeMap<String, Case> {
    #[derive(Deserialize)]
    struct File {
        case: BTreeMap<String, Case>,
    }
    let text = std::fs::read_to_string(corpus().join("expected.toml")).unwrap();
    toml::from_str::<File>(&text).unwrap().case
}

/// Runs one case in a fresh inputs folder and checks everything the
/// corpus promises.
fn run_case(id: &str, case: &Case) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    let subs = inputs.join("submissions");
    std::fs::create_dir_all(&subs).unwrap();
    // The period comes from here when no readable form gives one.
    std::fs::write(inputs.join("region.toml"), "period = \"2026-Q1\"\n").unwrap();
    let names = if case.names.is_empty() {
        &case.files
    } else {
        &case.names
    };
    assert_eq!(names.len(), case.files.len(), "{id}: names");
    for (file, name) in case.files.iter().zip(names) {
        let bytes = if case.generated {
            generated_large(file)
        } else {
            std::fs::read(corpus().join(file)).unwrap()
        };
        std::fs::write(subs.join(name), bytes).unwrap();
    }
    let out = tmp.path().join("out");
    // On Linux, within 1 GB of address space: a reader that built a huge
    // range would abort.
    let bin = assert_cmd::cargo::cargo_bin("max-rating");
    let mut cmd = if cfg!(target_os = "linux") && Path::new("/bin/sh").exists() {
        let mut c = std::process::Command::new("/bin/sh");
        c.arg("-c").arg("ulimit -v 1048576 && exec \"$0\" \"$@\"").arg(&bin);
        Command::from_std(c)
    } else {
        Command::new(&bin)
    };
    cmd.arg(&case.command).arg("--inputs").arg(&inputs);
    if case.command == "build" {
        cmd.arg("--out").arg(&out);
    }
    let start = Instant::now();
    let output = cmd.timeout(Duration::from_secs(120)).output().unwrap();
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{id}: panic\n{stderr}");
    assert_eq!(output.status.code(), Some(case.exit), "{id}: exit code\n{stderr}");
    assert!(elapsed < Duration::from_secs(60), "{id}: took {elapsed:?}");
    let about = case.about.as_deref().unwrap_or(&names[0]);
    let named: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(&format!("submissions/{about}")))
        .collect();
    if case.message.is_empty() {
        assert!(named.is_empty(), "{id}: no message about {about}\n{stderr}");
        return;
    }
    assert_eq!(named.len(), 1, "{id}: one message about {about}\n{stderr}");
    let line = named[0].replace(['\u{a0}', '\u{202f}'], " ");
    let line = line.as_str();
    assert!(
        line.starts_with(&format!("{}: ", case.severity)),
        "{id}: severity\n{line}"
    );
    for fragment in &case.message {
        assert!(line.contains(fragment.as_str()), "{id}: «{fragment}» not in\n{line}");
    }
    if let Some(cell) = &case.cell {
        assert!(line.contains(&format!("ячейка {cell}")), "{id}: cell {cell}\n{line}");
    }
    // No output when the build fails (and `check` never writes).
    if case.exit != 0 || case.command == "check" {
        assert!(!out.exists(), "{id}: out/ was created");
    }
    if case.exit == 1 {
        assert!(
            stderr.contains("ошибка: в исходных данных есть ошибки"),
            "{id}\n{stderr}"
        );
    }
}

#[test]
fn committed_corpus() {
    let cases = cases();
    let small: Vec<_> = cases.iter().filter(|(_, c)| !c.generated).collect();
    assert!(small.len() >= 15, "{}", small.len());
    // Every committed file is in a case.
    for e in std::fs::read_dir(corpus()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") || name.ends_with(".md") {
            continue;
        }
        assert!(small.iter().any(|(_, c)| c.files.contains(&name)), "{name}: no case");
    }
    std::thread::scope(|s| {
        for (id, case) in small {
            s.spawn(move || run_case(id, case));
        }
    });
}

fn generated_case(file: &str) {
    let cases = cases();
    let (id, case) = cases
        .iter()
        .find(|(_, c)| c.generated && c.files.iter().any(|f| f == file))
        .unwrap_or_else(|| panic!("no case for {file}"));
    run_case(id, case);
}

#[test]
fn million_rows_are_refused_at_the_row_limit() {
    generated_case("million-rows.xlsx");
}

#[test]
fn zip_bomb_is_refused_before_inflating() {
    generated_case("zip-bomb.xlsx");
}

#[test]
fn ten_thousand_unknown_codes_give_one_warning() {
    generated_case("unknown-codes.xlsx");
}

#[test]
fn an_ods_repeating_a_cell_down_a_million_rows_is_refused_at_the_row_limit() {
    generated_case("ods-repeated-rows.ods");
}

#[test]
fn an_ods_repeating_a_cell_over_a_huge_area_is_refused_before_calamine() {
    generated_case("ods-repeated-area.ods");
    // The reader alone: instant, nothing expanded.
    let start = Instant::now();
    let d = read_submission("a.ods", BookFormat::Ods, ods_repeated(40_000, 2_000)).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert!(d.message.contains("лист слишком велик"), "{d}");
    // A small repeat is an ordinary form.
    assert!(read_submission("ok.ods", BookFormat::Ods, ods_repeated(3, 2)).is_ok());
}

#[test]
fn an_xls_claiming_billions_of_rows_is_refused_before_calamine() {
    generated_case("xls-dimensions.xls");
    generated_case("xls-inverted-dimensions.xls");
    // The untouched fixture still reads.
    assert!(read_submission("ok.xls", BookFormat::Xls, xls_dimensions(0, 13, 7)).is_ok());
}

#[test]
fn a_shared_string_table_beyond_the_limit_is_refused_before_calamine() {
    generated_case("sst-claim.xlsx");
    generated_case("sst-flood.xlsx");
    // At the limit, claimed or real, the table is read.
    let limit = max_rating::ingest::workbook::MAX_SHARED_STRINGS;
    assert!(read_submission("ok.xlsx", BookFormat::Xlsx, shared_strings(u128::from(limit), 0)).is_ok());
    assert!(read_submission("ok.xlsx", BookFormat::Xlsx, shared_strings(3, limit)).is_ok());
    let over = read_submission("no.xlsx", BookFormat::Xlsx, shared_strings(3, limit + 1)).unwrap_err();
    let count = format!("{} общих строк", max_rating::fmt::int(limit + 1));
    assert!(over.message.contains(&count), "{over}");
}

#[test]
fn an_xlsb_shared_string_table_beyond_the_limit_is_refused() {
    use max_rating::ingest::workbook::MAX_XLSB_SHARED_STRINGS_BYTES;
    let book = |size: u64| {
        use zip::write::SimpleFileOptions;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/workbook.bin", opts).unwrap();
        z.start_file("xl/sharedStrings.bin", opts).unwrap();
        z.write_all(&vec![0u8; size as usize]).unwrap();
        z.finish().unwrap().into_inner()
    };
    let d = read_submission("b.xlsb", BookFormat::Xlsb, book(MAX_XLSB_SHARED_STRINGS_BYTES + 1)).unwrap_err();
    assert!(
        d.message.contains("общая таблица строк книги (xl/sharedStrings.bin)"),
        "{d}"
    );
    assert!(d.message.contains("не более 16 МБ"), "{d}");
    // At the limit the table passes this check (calamine then finds the
    // book broken, with its own message).
    let d = read_submission("b.xlsb", BookFormat::Xlsb, book(MAX_XLSB_SHARED_STRINGS_BYTES)).unwrap_err();
    assert!(!d.message.contains("общая таблица строк"), "{d}");
}

#[test]
fn too_many_zip_parts_are_refused() {
    generated_case("many-parts.xlsx");
}

// ------------------------------------------------------------------ the reader alone

#[test]
fn the_reader_stops_at_the_row_limit_quickly() {
    let bytes = million_rows();
    let start = Instant::now();
    let d = read_submission("m.xlsx", BookFormat::Xlsx, bytes).unwrap_err();
    let elapsed = start.elapsed();
    // The read stops at the first row past the limit: it does not walk
    // the million rows (that alone takes longer in a debug build).
    assert_eq!(
        d.location.as_ref().and_then(|l| l.cell.clone()),
        Some(format!("A{}", MAX_ROWS + 1)),
        "{d}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn the_reader_refuses_a_bomb_from_its_directory() {
    let bytes = zip_bomb();
    assert!(bytes.len() < 5 << 20, "{}", bytes.len());
    let start = Instant::now();
    let d = read_submission("b.xlsx", BookFormat::Xlsx, bytes).unwrap_err();
    // Nothing is inflated: this is instant.
    assert!(start.elapsed() < Duration::from_millis(500), "{:?}", start.elapsed());
    let limit = format!("не более {} МБ", MAX_UNPACKED_BYTES / (1024 * 1024));
    assert!(d.message.contains(&limit), "{d}");
}

#[test]
fn the_same_hostile_file_as_ods_or_xlsb_is_one_message() {
    // Broken files under the other extensions: one message each.
    for (ext, format) in [
        ("ods", BookFormat::Ods),
        ("xlsb", BookFormat::Xlsb),
        ("xls", BookFormat::Xls),
    ] {
        for (what, bytes) in [
            ("empty", Vec::new()),
            ("text", "Код;Значение\nk3.active_audience;5\n".as_bytes().to_vec()),
            ("truncated", std::fs::read(corpus().join("truncated.xlsx")).unwrap()),
            ("encrypted", std::fs::read(corpus().join("encrypted.xlsx")).unwrap()),
            ("bomb-ish", vec![0xFF; 300]),
        ] {
            let name = format!("{what}.{ext}");
            let d = read_submission(&name, format, bytes).unwrap_err();
            assert_eq!(d.location.as_ref().map(|l| l.file.as_str()), Some(name.as_str()), "{d}");
            assert!(d.is_error(), "{d}");
        }
    }
}

// ------------------------------------------------------------------ the cell-value parser

/// The Russian way of writing a value: digit groups separated by `sep`, a
/// decimal comma: `-1 234 567,25`.
fn ru(d: &Decimal, sep: char) -> String {
    let plain = d.to_string();
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Strings made of what numbers are written with, so that many of them
/// parse.
fn numberish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("0"),
            Just("1"),
            Just("7"),
            Just("9"),
            Just("123"),
            Just(" "),
            Just("\u{a0}"),
            Just("\u{202f}"),
            Just("\u{2009}"),
            Just(","),
            Just("."),
            Just("-"),
            Just("−"),
            Just("+"),
            Just("%"),
            Just("e"),
            Just("'"),
            Just("#"),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_never_panics_on_any_string(s in any::<String>()) {
        let _ = parse_number_text(&s);
        let _ = is_oversized_number(&s);
        let _ = classify(&calamine::Data::String(s.clone()));
    }

    #[test]
    fn parser_never_panics_on_number_like_strings(s in numberish()) {
        let _ = parse_number_text(&s);
        let _ = is_oversized_number(&s);
        let _ = classify(&calamine::Data::String(s));
    }

    #[test]
    fn accepted_numbers_round_trip(s in numberish()) {
        if let Some((d, percent)) = parse_number_text(&s) {
            // The value written back the Russian way reads the same, with
            // any of the spaces people use between digit groups.
            for sep in [' ', '\u{a0}', '\u{202f}'] {
                let mut text = ru(&d, sep);
                if percent {
                    // Back from the fraction to the percent written.
                    let p = Decimal { mantissa: d.mantissa, scale: d.scale.saturating_sub(2) };
                    let whole = if d.scale >= 2 { p } else { Decimal { mantissa: d.mantissa * 10i128.pow(2 - d.scale), scale: 0 } };
                    text = format!("{}%", ru(&whole, sep));
                }
                prop_assert_eq!(parse_number_text(&text), Some((d, percent)), "{:?} → {:?}", s, text);
            }
            // The plain form (a point, no groups) too.
            prop_assert_eq!(parse_number_text(&d.to_string()), Some((d, false)));
            // Normalised: no trailing zero in the fraction.
            prop_assert!(d.scale == 0 || d.mantissa % 10 != 0);
        }
    }

    #[test]
    fn any_decimal_round_trips(mantissa in -(10i128.pow(30))..10i128.pow(30), scale in 0u32..=18) {
        let mut m = mantissa;
        let mut sc = scale;
        while sc > 0 && m % 10 == 0 {
            m /= 10;
            sc -= 1;
        }
        let d = Decimal { mantissa: m, scale: sc };
        for sep in [' ', '\u{a0}', '\u{202f}'] {
            prop_assert_eq!(parse_number_text(&ru(&d, sep)), Some((d, false)));
        }
        prop_assert_eq!(classify(&calamine::Data::String(ru(&d, ' '))), CellValue::Number { value: d, percent: false });
    }

    #[test]
    fn floats_read_as_their_value(f in any::<f64>()) {
        if let CellValue::Number { value, .. } = classify(&calamine::Data::Float(f)) {
            let back = value.to_f64();
            prop_assert!((back - f).abs() <= 1e-9 * f.abs().max(1.0), "{} → {}", f, value);
        }
    }

    #[test]
    fn long_numerals_are_numbers_or_oversized(digits in "[1-9][0-9]{0,60}") {
        // A numeral is never taken for text: it is read, or it is too long.
        prop_assert!(parse_number_text(&digits).is_some() != is_oversized_number(&digits), "{}", digits);
    }
}

#[test]
fn a_broken_form_is_named_even_when_no_period_is_known() {
    // The only form is unreadable and region.toml gives no period: the
    // message is about the file (exit 1), not the missing period (exit 3).
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(inputs.join("submissions")).unwrap();
    std::fs::copy(
        corpus().join("encrypted.xlsx"),
        inputs.join("submissions/минздрав.xlsx"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    for cmd in ["check", "build"] {
        let mut c = Command::cargo_bin("max-rating").unwrap();
        c.args([cmd, "--inputs"]).arg(&inputs);
        if cmd == "build" {
            c.arg("--out").arg(&out);
        }
        let res = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(1), "{cmd}: {stderr}");
        assert!(
            stderr.contains("ошибка: submissions/минздрав.xlsx: книга защищена паролем"),
            "{cmd}: {stderr}"
        );
        assert!(!stderr.contains("период не указан"), "{cmd}: {stderr}");
        assert!(!out.exists());
    }
}

// ------------------------------------------------------------------ floods of diagnostics

fn read_folder(files: &[(&str, Vec<u8>)]) -> max_rating::ingest::Inputs {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("submissions")).unwrap();
    for (name, bytes) in files {
        std::fs::write(tmp.path().join("submissions").join(name), bytes).unwrap();
    }
    let m = max_rating::methodology::Methodology::parse(max_rating::methodology::DEFAULT_TOML, "default").unwrap();
    max_rating::ingest::read_inputs(tmp.path(), &m).unwrap()
}

#[test]
fn a_few_unknown_codes_are_listed_one_by_one_more_are_summarised() {
    let codes: Vec<String> = (0..7).map(|i| format!("k9.x{i}")).collect();
    let rows = |n: usize| -> Vec<(&str, V)> { codes[..n].iter().map(|c| (c.as_str(), V::N(1.0))).collect() };
    // Five: five warnings, each at its cell.
    let i = read_folder(&[("a.xlsx", form(&rows(5)))]);
    assert_eq!(i.diagnostics.len(), 5, "{:#?}", i.diagnostics);
    assert_eq!(i.diagnostics[4].location.as_ref().unwrap().cell.as_deref(), Some("A10"));
    // Seven: one warning, counting them and naming the first five cells.
    let i = read_folder(&[("a.xlsx", form(&rows(7)))]);
    assert_eq!(i.diagnostics.len(), 1, "{:#?}", i.diagnostics);
    let d = &i.diagnostics[0];
    assert!(!d.is_error());
    assert!(d.message.starts_with("7 неизвестных кодов"), "{}", d.message);
    assert!(d.message.contains("«k9.x0» (A6), «k9.x1» (A7)"), "{}", d.message);
    assert!(
        d.message.contains("«k9.x4» (A10)") && !d.message.contains("k9.x5"),
        "{}",
        d.message
    );
    assert_eq!(d.location.as_ref().unwrap().sheet.as_deref(), Some("Показатели"));
    // 21: the Russian plural.
    let many: Vec<String> = (0..21).map(|i| format!("k9.y{i}")).collect();
    let rows: Vec<(&str, V)> = many.iter().map(|c| (c.as_str(), V::N(1.0))).collect();
    let i = read_folder(&[("a.xlsx", form(&rows))]);
    assert!(
        i.diagnostics[0].message.starts_with("21 неизвестный код —"),
        "{}",
        i.diagnostics[0].message
    );
}

#[test]
fn a_flood_of_bad_rows_is_cut_with_a_count() {
    // 120 rows of the same code with different values: 119 conflicts.
    let rows: Vec<(&str, V)> = (0..120).map(|i| ("k3.active_audience", V::N(f64::from(i)))).collect();
    let i = read_folder(&[("a.xlsx", form(&rows))]);
    let max = max_rating::ingest::MAX_ROW_DIAGNOSTICS;
    assert_eq!(i.diagnostics.len(), max + 1, "{:#?}", i.diagnostics.len());
    let last = i.diagnostics.last().unwrap();
    assert!(last.is_error());
    assert!(
        last.message
            .replace('\u{202f}', " ")
            .contains(&format!("и ещё {} ошибок", 119 - max)),
        "{}",
        last.message
    );
    assert!(i.has_errors());
}
