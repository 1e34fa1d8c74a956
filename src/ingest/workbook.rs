//! Reading one submission workbook (format v1) into rows with their cells.

use std::io::Cursor;

use calamine::{Cell, Data, DataRef, Ods, Range, Reader, Sheets, Xls, Xlsb, Xlsx};

use super::period::Period;
use super::value::{CellValue, cell_text, classify};
use crate::diag::{Diagnostic, Location, quoted};

/// Files larger than this are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// A zipped workbook (.xlsx, .xlsm, .xlsb, .ods) whose parts add up to more
/// than this once unpacked is refused before it is parsed: the sizes are
/// those declared in the archive's central directory, which the zip reader
/// also enforces while inflating (so a part cannot inflate beyond them).
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// A zipped workbook with more parts than this is refused.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Sheets with a value in a row below this many are refused: a submission
/// has a few dozen rows (a sheet of 10 000 stray codes is still read, and
/// warned about once). In .xlsx/.xlsm/.xlsb the cells are streamed and the
/// read stops at the first such cell, before any range is built.
pub const MAX_ROWS: u32 = 50_000;
/// Columns read (from A): cells to the right are ignored. With
/// [`MAX_ROWS`] this bounds the range of one sheet to 2 500 000 cells
/// (about 80 MB) whatever the file says.
pub const MAX_COLS: u32 = 50;

/// The name of the required sheet.
pub const SHEET_NAME: &str = "Показатели";

/// Metadata found above the table.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub region: Option<(String, Location)>,
    pub body: Option<(String, Location)>,
    /// The period, its cell, and how a date written there was understood.
    pub period: Option<(Period, Location, Option<String>)>,
    pub date: Option<String>,
    /// «Дата» understood as a date.
    pub date_ymd: Option<(i32, u8, u8)>,
    pub author: Option<String>,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub code: String,
    pub code_loc: Location,
    pub value: CellValue,
    pub value_loc: Location,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Submission {
    /// Path relative to the inputs folder, `/`-separated.
    pub file: String,
    pub sheet: String,
    pub meta: Meta,
    pub rows: Vec<Row>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
}

impl Format {
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "xlsb" => Some(Format::Xlsb),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = [b'P', b'K', 3, 4];

/// Reads the sheet «Показатели» of one workbook given as bytes.
/// `file` is the name used in diagnostics.
///
/// Hostile or broken files give one diagnostic naming the file: an empty
/// file, a file of another type under a workbook's name, a password-protected
/// workbook, a truncated or corrupt archive, an archive that unpacks to more
/// than [`MAX_UNPACKED_BYTES`], a sheet longer than [`MAX_ROWS`].
pub fn read_submission(file: &str, format: Format, bytes: Vec<u8>) -> Result<Submission, Diagnostic> {
    let sheet = open_sheet(file, format, bytes, &|names| indicators_sheet(file, names))?;
    read_sheet(file, &sheet.name, &sheet.range, &sheet.styles, &sheet.formulas)
}

/// One sheet of a workbook, read within the limits.
pub struct OpenedSheet {
    pub name: String,
    pub range: Range<Data>,
    /// Number formats (xlsx only in calamine).
    pub styles: calamine::StyleRange,
    /// The sheet's formulas (empty when the format gives none).
    pub formulas: Range<String>,
}

/// Chooses the sheet to read among the workbook's sheet names.
pub type SheetPicker<'a> = dyn Fn(&[String]) -> Result<String, Diagnostic> + 'a;

/// Opens one sheet of a workbook given as bytes, with every guard of the
/// forms: the file's type and size, the archive's directory, the sheet's
/// area, and calamine's panics (see [`read_submission`]). Any workbook the
/// tool reads goes through here.
pub fn open_sheet(
    file: &str,
    format: Format,
    bytes: Vec<u8>,
    pick: &SheetPicker<'_>,
) -> Result<OpenedSheet, Diagnostic> {
    check_bytes(file, format, &bytes)?;
    guarded(|| read_checked(file, format, bytes, pick)).unwrap_or_else(|| {
        Err(Diagnostic::error(
            Some(Location::file(file)),
            format!(
                "не удалось прочитать книгу {}: файл повреждён (в нём недопустимые данные) — пересохраните книгу в Excel и отправьте заново",
                format_name(format)
            ),
        ))
    })
}

/// The checks of a workbook's bytes before calamine reads them: not
/// empty, of the type its name says, not encrypted, a sound archive within
/// the limits, sheets within the area limits.
fn check_bytes(file: &str, format: Format, bytes: &[u8]) -> Result<(), Diagnostic> {
    let loc = || Some(Location::file(file));
    if bytes.is_empty() {
        return Err(Diagnostic::error(loc(), "файл пуст (0 байт) — ожидалась книга Excel"));
    }
    let is_cfb = bytes.starts_with(&CFB_MAGIC);
    let is_zip = bytes.starts_with(&ZIP_MAGIC);
    if let Some(message) = wrong_type(format, bytes, is_cfb, is_zip) {
        return Err(Diagnostic::error(loc(), message));
    }
    if is_zip {
        check_zip(bytes, format).map_err(|m| Diagnostic::error(loc(), m))?;
    }
    // calamine expands an .ods's repeated rows and columns and reserves
    // the area an .xls sheet claims: both are measured first.
    match format {
        Format::Ods => check_area(file, super::ods_scan::check(bytes)),
        Format::Xls => check_area(file, super::xls_scan::check(bytes)),
        _ => Ok(()),
    }
}

/// Why a file is not a workbook of its name's type, if it is not.
fn wrong_type(format: Format, bytes: &[u8], is_cfb: bool, is_zip: bool) -> Option<String> {
    match format {
        Format::Xlsx | Format::Xlsb if is_cfb => Some(if is_encrypted_cfb(bytes) {
            PASSWORD.to_string()
        } else {
            format!(
                "файл в формате Excel 97–2003, а не {}: переименуйте его в .xls или пересохраните как «Книга Excel (.xlsx)»",
                format_name(format)
            )
        }),
        Format::Xlsx | Format::Xlsb | Format::Ods if !is_zip => Some(format!(
            "файл не является книгой {}: {} — откройте его в Excel и сохраните как «Книга Excel (.xlsx)»",
            format_name(format),
            what_it_is(bytes)
        )),
        Format::Xls if !is_cfb => {
            let what = if is_zip {
                "это книга нового формата (.xlsx или .ods) — переименуйте файл".to_string()
            } else {
                format!(
                    "{} — откройте его в Excel и сохраните как «Книга Excel (.xlsx)»",
                    what_it_is(bytes)
                )
            };
            Some(format!("файл не является книгой Excel 97–2003 (.xls): {what}"))
        }
        _ => None,
    }
}

thread_local! {
    /// Set while [`guarded`] runs: the panic hook stays silent.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (calamine on a hostile file), turning a panic in it into `None`
/// without the panic message on stderr. The process's panic hook is wrapped
/// once; panics elsewhere are reported as before.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.ok()
}

/// The sheet «Показатели» (name matched by [`crate::names::key`]), or the
/// only sheet of a one-sheet workbook. Two sheets that both match are an
/// error: which one holds the figures cannot be guessed.
fn indicators_sheet(file: &str, names: &[String]) -> Result<String, Diagnostic> {
    let matching: Vec<&String> = names.iter().filter(|n| crate::names::same(n, SHEET_NAME)).collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] if names.len() == 1 => Ok(names[0].clone()),
        [] => {
            let list = names.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(", ");
            Err(Diagnostic::error(
                Some(Location::file(file)),
                format!("нет листа «{SHEET_NAME}»: ожидался лист с таким именем, в книге листы {list}"),
            ))
        }
        several => {
            let list = several.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(" и ");
            Err(Diagnostic::error(
                Some(Location::file(file)),
                format!(
                    "в книге несколько листов «{SHEET_NAME}»: {list} — оставьте один лист с показателями (остальные переименуйте или удалите) и отправьте книгу заново"
                ),
            ))
        }
    }
}

/// [`open_sheet`] past the checks of the bytes: calamine reads the
/// workbook.
fn read_checked(file: &str, format: Format, bytes: Vec<u8>, pick: &SheetPicker<'_>) -> Result<OpenedSheet, Diagnostic> {
    let cursor = Cursor::new(bytes);
    let opened: Result<Sheets<Cursor<Vec<u8>>>, String> = match format {
        Format::Xlsx => calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
        Format::Xls => calamine::open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        Format::Xlsb => calamine::open_workbook_from_rs::<Xlsb<_>, _>(cursor)
            .map(Sheets::Xlsb)
            .map_err(|e| e.to_string()),
        Format::Ods => calamine::open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string()),
    };
    let mut wb = opened.map_err(|e| open_error(file, format, &e))?;
    let sheet = pick(&wb.sheet_names())?;
    let sheet_error = |e: String| open_error(file, format, &e);
    // Xlsx and Xlsb: the cells are streamed and bounded before any range is
    // built; Xls and Ods are read whole by calamine (their ranges are
    // bounded by the pre-scans), then checked.
    let range = match &mut wb {
        Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(&sheet)
                .map_err(|e| sheet_error(e.to_string()))?;
            bounded_range(file, &sheet, || reader.next_cell().map_err(|e| e.to_string()))
                .map_err(|e| e.into_diagnostic(&sheet_error))?
        }
        Sheets::Xlsb(x) => {
            let mut reader = x
                .worksheet_cells_reader(&sheet)
                .map_err(|e| sheet_error(e.to_string()))?;
            bounded_range(file, &sheet, || reader.next_cell().map_err(|e| e.to_string()))
                .map_err(|e| e.into_diagnostic(&sheet_error))?
        }
        _ => wb.worksheet_range(&sheet).map_err(|e| sheet_error(e.to_string()))?,
    };
    // Number formats (xlsx only in calamine): a percent-formatted cell is
    // a share, not a count.
    let styles = wb
        .worksheet_style(&sheet)
        .unwrap_or_else(|_| calamine::StyleRange::empty());
    // Formulas, to tell a formula without a saved result from an empty
    // cell; the sheet is already bounded.
    let formulas = wb.worksheet_formula(&sheet).unwrap_or_else(|_| Range::empty());
    Ok(OpenedSheet {
        name: sheet,
        range,
        styles,
        formulas,
    })
}

const PASSWORD: &str =
    "книга защищена паролем (зашифрована) — такие файлы прочитать нельзя; снимите пароль и отправьте файл заново";

/// Whether an OLE compound file is an encrypted Office Open XML package:
/// its directory has the stream «EncryptedPackage» (names are UTF-16LE).
fn is_encrypted_cfb(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// What a file that is not a workbook looks like, for the message.
fn what_it_is(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(4096)];
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let lower = String::from_utf8_lossy(text).trim_start().to_lowercase();
    if head.starts_with(b"%PDF") {
        "это документ PDF"
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<table") {
        "это веб-страница (HTML)"
    } else if lower.starts_with("<?xml") {
        "это файл XML (возможно, «Таблица XML 2003»)"
    } else if head.starts_with(b"{\\rtf") {
        "это документ RTF"
    } else if !head.contains(&0) && (std::str::from_utf8(text).is_ok() || utf8_cut(text) || eight_bit_text(text)) {
        "это текстовый файл (например, CSV)"
    } else {
        "это двоичные данные неизвестного типа (файл повреждён или другого формата)"
    }
}

/// Text in a Cyrillic 8-bit code page (Windows-1251, KOI8-R, CP866): no
/// control bytes but line breaks and tabs, the rest printable ASCII or
/// upper-half letters.
fn eight_bit_text(text: &[u8]) -> bool {
    !text.is_empty()
        && text
            .iter()
            .all(|&b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7E | 0x80..=0xFF))
        && text.iter().any(|b| matches!(b, b'\n' | b',' | b';' | b'\t' | b' '))
}

/// Valid UTF-8 but cut inside a character by the 4 KiB window.
fn utf8_cut(text: &[u8]) -> bool {
    matches!(std::str::from_utf8(text), Err(e) if e.error_len().is_none())
}

/// Checks a zipped workbook's central directory before calamine reads it:
/// it must be readable (a truncated file is not), with at most
/// [`MAX_ZIP_ENTRIES`] parts adding up to at most [`MAX_UNPACKED_BYTES`].
fn check_zip(bytes: &[u8], format: Format) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        format!(
            "файл повреждён или обрезан: архив книги {} не читается (например, файл скопирован или загружен не полностью) — попросите прислать его заново",
            format_name(format)
        )
    })?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(format!(
            "в архиве книги {} частей — допускается не более {}: это не книга с формой",
            crate::fmt::int(archive.len() as u64),
            crate::fmt::int(MAX_ZIP_ENTRIES as u64)
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_data(i).map(|e| e.size()).unwrap_or(u64::MAX);
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES {
        const MB: u64 = 1024 * 1024;
        let shown = if total == u64::MAX {
            "неизвестный объём".to_string()
        } else {
            format!("{} МБ", crate::fmt::int(total.div_ceil(MB)))
        };
        return Err(format!(
            "книга распаковывается в {shown} — допускается не более {} МБ (это «zip-бомба» или в книгу вложены большие файлы); файл не прочитан",
            MAX_UNPACKED_BYTES / MB
        ));
    }
    match format {
        Format::Xlsx => check_shared_strings(&mut archive)?,
        Format::Xlsb => check_binary_shared_strings(&mut archive)?,
        _ => {}
    }
    Ok(())
}

/// The largest shared-string table of an .xlsb, unpacked: calamine keeps
/// every string it holds (at least 9 bytes each, so at most about 1,8
/// million strings).
pub const MAX_XLSB_SHARED_STRINGS_BYTES: u64 = 16 * 1024 * 1024;

/// The shared-string table of an .xlsb, bounded by its unpacked size (the
/// size the zip directory declares, which the reader enforces).
fn check_binary_shared_strings(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), String> {
    const MB: u64 = 1024 * 1024;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            continue;
        };
        let Ok(name) = part.name() else {
            continue;
        };
        if name.to_ascii_lowercase().ends_with("sharedstrings.bin") && part.size() > MAX_XLSB_SHARED_STRINGS_BYTES {
            return Err(format!(
                "общая таблица строк книги ({name}) распаковывается в {} МБ — допускается не более {} МБ: это не книга с формой; файл не прочитан",
                crate::fmt::int(part.size().div_ceil(MB)),
                MAX_XLSB_SHARED_STRINGS_BYTES / MB
            ));
        }
    }
    Ok(())
}

/// A workbook with more shared strings than this is refused (a form has a
/// few hundred).
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// The shared-string table of an .xlsx: calamine reserves memory for the
/// count its `uniqueCount` attribute claims (a lie of a hundred trillion
/// aborts the process on the allocation) and keeps every `<si>` it reads
/// (a part of millions of empty `<si/>` inflates to a gigabyte of strings).
/// Both are counted first, streaming the part without keeping it.
fn check_shared_strings(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), String> {
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in parts {
        let Ok(mut part) = archive.by_name(&name) else {
            continue;
        };
        let (claimed, found) = count_shared_strings(&mut part);
        let n = claimed.max(found);
        if n > u128::from(MAX_SHARED_STRINGS) {
            return Err(format!(
                "в книге {} общих строк ({name}) — допускается не более {}: это не книга с формой (или файл повреждён); файл не прочитан",
                if n > u128::from(u64::MAX) {
                    "больше 10^19".to_string()
                } else {
                    crate::fmt::int(n as u64)
                },
                crate::fmt::int(MAX_SHARED_STRINGS)
            ));
        }
    }
    Ok(())
}

/// `(uniqueCount as claimed, <si> elements found)` in a shared-strings part.
/// A claim that is not a plain number is 0 (calamine then reserves nothing).
fn count_shared_strings(part: &mut impl std::io::Read) -> (u128, u128) {
    const ATTR: &[u8] = b"uniqueCount=\"";
    let mut claimed: Option<u128> = None;
    let mut found: u128 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    // The tail of the previous chunk, so that a pattern split across two
    // reads is still seen.
    let mut window: Vec<u8> = Vec::new();
    let mut head: Vec<u8> = Vec::new();
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if head.len() < 4096 {
            head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
        }
        // The carried tail is 3 bytes: every 4-byte window is new.
        window.extend_from_slice(&buf[..n]);
        // `<si>`, `<si `, `<si/>` and prefixed `<x:si>`; not `</si>`. (A
        // prefixed element's closing `</x:si>` counts too: an upper bound.)
        found += window
            .windows(4)
            .filter(|w| {
                matches!(w[0], b'<' | b':')
                    && &w[1..3] == b"si"
                    && matches!(w[3], b'>' | b' ' | b'/' | b'\t' | b'\r' | b'\n')
            })
            .count() as u128;
        let tail = window.len().saturating_sub(3);
        window.drain(..tail);
        if claimed.is_none()
            && let Some(at) = head.windows(ATTR.len()).position(|w| w == ATTR)
            && (head[at + ATTR.len()..].contains(&b'"') || head.len() >= 4096)
        {
            let digits: Vec<u8> = head[at + ATTR.len()..]
                .iter()
                .copied()
                .take_while(|&b| b != b'"')
                .collect();
            claimed = Some(
                std::str::from_utf8(&digits)
                    .ok()
                    .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| d.parse::<u128>().ok().or(Some(u128::MAX)))
                    .unwrap_or(0),
            );
        }
    }
    (claimed.unwrap_or(0), found)
}

/// The largest area (rows × columns) of filled cells one sheet of an .ods
/// or .xls may cover: as much as the .xlsx reader ever keeps
/// (`MAX_ROWS × MAX_COLS`).
pub const MAX_CELLS: u64 = MAX_ROWS as u64 * MAX_COLS as u64;

/// Why the pre-scan of an .ods or .xls ([`super::ods_scan`],
/// [`super::xls_scan`]) refuses a file before calamine expands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetLimit {
    /// A filled cell at or below row [`MAX_ROWS`] (zero-based row and
    /// column, saturated to `u32`).
    TooLong { sheet: String, row: u32, col: u32 },
    /// Filled cells (or, in an .xls, the area the sheet claims) covering
    /// more than [`MAX_CELLS`] cells.
    TooLarge { sheet: String, rows: u64, cols: u64 },
    /// An .xls DIMENSIONS record whose first row lies after its last one.
    BadDimensions { sheet: String },
    /// Not readable by the scan: calamine reports the details.
    Unreadable,
}

/// The diagnostic of a [`SheetLimit`] (none for `Unreadable`).
fn check_area(file: &str, scanned: Result<(), SheetLimit>) -> Result<(), Diagnostic> {
    match scanned {
        Ok(()) | Err(SheetLimit::Unreadable) => Ok(()),
        Err(SheetLimit::TooLong { sheet, row, col }) => Err(too_long(file, &sheet, row, col)),
        Err(SheetLimit::TooLarge { sheet, rows, cols }) => Err(Diagnostic::error(
            Some(Location::sheet(file, sheet)),
            format!(
                "лист слишком велик: заполненные ячейки занимают {} × {} — допускается не более {} ячеек (форма содержит несколько десятков строк и до десяти столбцов); удалите лишние данные справа и снизу от таблицы; файл не прочитан",
                crate::fmt::count(rows, "строка", "строки", "строк"),
                crate::fmt::count(cols, "столбец", "столбца", "столбцов"),
                crate::fmt::int(MAX_CELLS)
            ),
        )),
        Err(SheetLimit::BadDimensions { sheet }) => Err(Diagnostic::error(
            Some(Location::sheet(file, sheet)),
            "файл повреждён: размеры листа (запись DIMENSIONS) противоречивы — пересохраните книгу в Excel как «Книга Excel (.xlsx)» и отправьте заново",
        )),
    }
}

/// A failure of [`bounded_range`].
enum Bounded {
    /// The reader failed (a corrupt sheet).
    Read(String),
    /// The sheet is too long.
    TooLong(Diagnostic),
}

impl Bounded {
    fn into_diagnostic(self, read_error: &impl Fn(String) -> Diagnostic) -> Diagnostic {
        match self {
            Bounded::Read(e) => read_error(e),
            Bounded::TooLong(d) => d,
        }
    }
}

/// The diagnostic of a sheet with a value in row `row` (zero-based) at or
/// beyond [`MAX_ROWS`].
fn too_long(file: &str, sheet: &str, row: u32, col: u32) -> Diagnostic {
    Diagnostic::error(
        Some(Location::cell(file, sheet, row, col)),
        format!(
            "лист слишком длинный: заполнена строка {} — допускается не более {} строк (форма содержит несколько десятков строк); файл не прочитан",
            crate::fmt::int(u64::from(row) + 1),
            crate::fmt::int(u64::from(MAX_ROWS))
        ),
    )
}

/// Builds the range of a sheet from its streamed cells, keeping non-empty
/// cells within [`MAX_COLS`] columns, and stopping at the first value in a
/// row at or beyond [`MAX_ROWS`]: the range built is at most
/// `MAX_ROWS × MAX_COLS` cells whatever the file says.
fn bounded_range<'a>(
    file: &str,
    sheet: &str,
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, String>,
) -> Result<Range<Data>, Bounded> {
    let mut cells = Vec::new();
    while let Some(cell) = next().map_err(Bounded::Read)? {
        let (row, col) = cell.get_position();
        if matches!(cell.get_value(), DataRef::Empty) || col >= MAX_COLS {
            continue;
        }
        if row >= MAX_ROWS {
            return Err(Bounded::TooLong(too_long(file, sheet, row, col)));
        }
        cells.push(Cell::new((row, col), Data::from(cell.get_value().clone())));
    }
    Ok(Range::from_sparse(cells))
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Xlsx => "Excel (.xlsx)",
        Format::Xls => "Excel 97–2003 (.xls)",
        Format::Xlsb => "Excel (.xlsb)",
        Format::Ods => "OpenDocument (.ods)",
    }
}

fn open_error(file: &str, format: Format, err: &str) -> Diagnostic {
    let lower = err.to_lowercase();
    let msg = if lower.contains("password") || lower.contains("encrypt") {
        PASSWORD.to_string()
    } else {
        format!(
            "не удалось прочитать книгу {}: файл повреждён или обрезан — попросите прислать его заново",
            format_name(format)
        )
    };
    Diagnostic::error(Some(Location::file(file)), msg)
}

#[derive(Default)]
struct Columns {
    code: Option<u32>,
    value: Option<u32>,
    name: Option<u32>,
    unit: Option<u32>,
    source: Option<u32>,
    comment: Option<u32>,
}

fn header_kind(text: &str) -> Option<&'static str> {
    let t = crate::names::key(&text.replace(['.', ','], " "));
    match t.as_str() {
        "код" | "код показателя" => Some("code"),
        "значение" | "значение показателя" => Some("value"),
        "показатель" | "наименование показателя" | "наименование" => {
            Some("name")
        }
        "ед изм" | "единица измерения" | "едизм" | "ед" => Some("unit"),
        "источник" | "источник данных" => Some("source"),
        "комментарий" | "примечание" => Some("comment"),
        _ => None,
    }
}

/// The metadata label a row starts with, as matched.
fn meta_label(label: &str) -> Option<&'static str> {
    match label {
        "регион" | "субъект" | "субъект рф" => Some("region"),
        "ведомство" | "орган" | "организация" => Some("body"),
        "период" | "отчетный период" => Some("period"),
        "дата" => Some("date"),
        "исполнитель" => Some("author"),
        _ => None,
    }
}

/// One sheet being read: its cells, number formats and formulas.
struct SheetReader<'a> {
    file: &'a str,
    sheet: &'a str,
    range: &'a Range<Data>,
    styles: &'a calamine::StyleRange,
    formulas: &'a Range<String>,
}

impl SheetReader<'_> {
    fn get(&self, r: u32, c: u32) -> &Data {
        self.range.get_value((r, c)).unwrap_or(&Data::Empty)
    }

    fn here(&self, r: u32, c: u32) -> Location {
        Location::cell(self.file, self.sheet, r, c)
    }

    /// The header's columns when row `r` has a cell «Код».
    fn header(&self, r: u32, cols: std::ops::RangeInclusive<u32>) -> Option<Columns> {
        let mut found = Columns::default();
        for c in cols {
            let kind = match self.get(r, c) {
                Data::String(s) => header_kind(s),
                _ => None,
            };
            let slot = match kind {
                Some("code") => &mut found.code,
                Some("value") => &mut found.value,
                Some("name") => &mut found.name,
                Some("unit") => &mut found.unit,
                Some("source") => &mut found.source,
                Some("comment") => &mut found.comment,
                _ => continue,
            };
            slot.get_or_insert(c);
        }
        found.code.is_some().then_some(found)
    }

    /// A metadata row above the table: label in column A, value in B.
    fn meta_row(&self, r: u32, meta: &mut Meta) -> Result<(), Diagnostic> {
        let label = crate::names::key(&cell_text(self.get(r, 0)));
        let value_cell = self.get(r, 1);
        let value = cell_text(value_cell);
        if value.is_empty() {
            return Ok(());
        }
        let at = self.here(r, 1);
        match meta_label(&label) {
            Some("region") => meta.region = Some((value, at)),
            Some("body") => meta.body = Some((value, at)),
            Some("period") => meta.period = Some(period_cell(value_cell, &value, at)?),
            Some("date") => {
                meta.date_ymd = match value_cell {
                    Data::DateTime(dt) => super::period::excel_serial_to_ymd(dt.as_f64()),
                    _ => crate::region::parse_russian_date(&value),
                };
                meta.date = Some(value);
            }
            Some("author") => meta.author = Some(value),
            _ => {}
        }
        Ok(())
    }

    /// The value of a row: the cell classified, a percent format applied;
    /// a formula whose result was not saved is said to be one.
    fn value(&self, r: u32, c: u32) -> CellValue {
        let cell = self.get(r, c);
        let blank = matches!(cell, Data::Empty) || matches!(cell, Data::String(s) if s.trim().is_empty());
        if blank && let Some(f) = self.formulas.get_value((r, c)).filter(|f| !f.trim().is_empty()) {
            return CellValue::Uncomputed(f.clone());
        }
        with_number_format(classify(cell), self.styles, (r, c))
    }

    /// The rows of the table under header row `hr`.
    fn rows(&self, hr: u32, last: u32, cols: &Columns, code_col: u32, value_col: u32) -> Vec<Row> {
        let opt_text = |r: u32, c: Option<u32>| c.map(|c| cell_text(self.get(r, c))).filter(|s| !s.is_empty());
        let mut rows = Vec::new();
        for r in hr + 1..=last {
            let code = cell_text(self.get(r, code_col));
            if code.is_empty() {
                continue;
            }
            rows.push(Row {
                code: super::codes::clean(&code),
                code_loc: self.here(r, code_col),
                value: self.value(r, value_col),
                value_loc: self.here(r, value_col),
                name: opt_text(r, cols.name),
                unit: opt_text(r, cols.unit),
                source: opt_text(r, cols.source),
                comment: opt_text(r, cols.comment),
            });
        }
        rows
    }
}

/// The «Период» cell: a period written in any accepted form, or a date
/// (then its month, and how the date was understood, for messages).
fn period_cell(cell: &Data, value: &str, at: Location) -> Result<(Period, Location, Option<String>), Diagnostic> {
    let date = match cell {
        Data::DateTime(dt) => super::period::excel_serial_to_ymd(dt.as_f64()),
        _ => super::period::parse_date_text(value),
    };
    if let Some((y, m, d)) = date {
        let p = Period::Month { year: y, month: m };
        let note = format!("дата {d:02}.{m:02}.{y} в ячейке «Период» понята как {}", p.label());
        return Ok((p, at, Some(note)));
    }
    match Period::parse(value) {
        Some(p) => Ok((p, at, None)),
        None => Err(Diagnostic::error(
            Some(at),
            format!(
                "период не распознан: ожидалось «2026-03», «2026-Q1», «2026», «март 2026» или «1 квартал 2026», найдено {}",
                quoted(value)
            ),
        )),
    }
}

/// Reads the metadata, the header and the rows of one sheet. `formulas`
/// are the sheet's formulas (empty when the format gives none).
pub fn read_sheet(
    file: &str,
    sheet: &str,
    range: &Range<Data>,
    styles: &calamine::StyleRange,
    formulas: &Range<String>,
) -> Result<Submission, Diagnostic> {
    let Some((r0, c0)) = range.start() else {
        return Err(Diagnostic::error(
            Some(Location::sheet(file, sheet)),
            "лист пуст: ожидалась таблица с заголовками «Код» и «Значение»",
        ));
    };
    let (r1, c1) = range.end().unwrap_or((r0, c0));
    if r1 >= MAX_ROWS {
        return Err(too_long(file, sheet, r1, c0));
    }
    let c1 = c1.min(c0.saturating_add(MAX_COLS));
    let rd = SheetReader {
        file,
        sheet,
        range,
        styles,
        formulas,
    };
    let mut meta = Meta::default();
    let mut header = None;
    for r in r0..=r1 {
        // Header: the first row with a cell «Код»; metadata above it.
        if let Some(cols) = rd.header(r, c0..=c1) {
            header = Some((r, cols));
            break;
        }
        rd.meta_row(r, &mut meta)?;
    }
    let Some((hr, cols)) = header else {
        return Err(Diagnostic::error(
            Some(Location::sheet(file, sheet)),
            "не найдена строка заголовков: ожидалась ячейка «Код» (и «Значение») над таблицей показателей",
        ));
    };
    let (Some(code_col), Some(value_col)) = (cols.code, cols.value) else {
        return Err(Diagnostic::error(
            Some(rd.here(hr, cols.code.unwrap_or(0))),
            "в строке заголовков нет столбца «Значение»: ожидались заголовки «Код» и «Значение»",
        ));
    };
    let rows = rd.rows(hr, r1, &cols, code_col, value_col);
    Ok(Submission {
        file: file.to_string(),
        sheet: sheet.to_string(),
        meta,
        rows,
    })
}

/// Marks a number as a percentage when its cell is formatted as percent.
fn with_number_format(value: CellValue, styles: &calamine::StyleRange, pos: (u32, u32)) -> CellValue {
    let percent_format = styles
        .get(pos)
        .and_then(|s| s.number_format.as_ref())
        .is_some_and(|f| f.format_code.contains('%'));
    match value {
        CellValue::Number { value, percent } => CellValue::Number {
            value,
            percent: percent || percent_format,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_guard_is_an_error_not_a_crash() {
        assert_eq!(guarded(|| 5), Some(5));
        let slice: &[u8] = &[1, 2, 3];
        let n = std::hint::black_box(8);
        assert_eq!(guarded(|| slice[4..n].len()), None);
        // Nested guards restore the outer state.
        assert_eq!(guarded(|| guarded(|| -> u8 { panic!("inner") })), Some(None));
    }

    #[test]
    fn shared_strings_are_counted_across_reads() {
        // One byte at a time: every pattern is split across reads.
        struct Trickle<'a>(&'a [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let xml =
            br#"<?xml version="1.0"?><sst count="9" uniqueCount="12"><si><t>a</t></si><si/><x:si><t>b</t></x:si><si
><t>c</t></si></sst>"#;
        // Four strings; the prefixed one's closing tag counts too.
        assert_eq!(count_shared_strings(&mut Trickle(xml)), (12, 5));
        assert_eq!(count_shared_strings(&mut &xml[..]), (12, 5));
        // Not a plain number: calamine reserves nothing, neither do we count it.
        assert_eq!(count_shared_strings(&mut &br#"<sst uniqueCount="1e9">"#[..]), (0, 0));
        assert_eq!(
            count_shared_strings(&mut &br#"<sst uniqueCount="999999999999999999999999999999999999999999">"#[..]),
            (u128::MAX, 0)
        );
    }
}
