//! One compile: templates and data files in, PDF bytes and warnings out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use typst::foundations::{Bytes, Datetime, Smart};
use typst_kit::files::FileStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::diagnostics::{Diagnostics, TemplateDiagnostic, convert};
use super::files::normalize_strict;
use super::world::{EngineWorld, MemoryLoader, library, project_id};
use super::{Fonts, Templates, TypstError};

/// PDF export options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PdfOpts {
    /// Title used only when the template doesn't `set document(title: ..)`.
    pub title: String,
    /// Author used only when the template doesn't `set document(author: ..)`.
    pub author: String,
    /// The document date (year, month, day): PDF timestamp and
    /// `datetime.today()`. Fixed input, never the clock.
    pub date: (i32, u8, u8),
    /// Produce PDF/A-2b.
    pub pdfa: bool,
    /// Stable document identifier (hashed into the PDF's /ID). Empty: derived
    /// from title and author.
    pub ident: String,
}

/// A finished PDF with the compiler's warnings.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Warnings (e.g. an unknown font family); never fatal.
    pub warnings: Vec<TemplateDiagnostic>,
    /// The number of pages.
    pub pages: usize,
}

/// Compiles `main` (a path among `templates` or `data`) to PDF.
///
/// `data` are extra virtual files that take precedence over templates of the
/// same path (e.g. `("data.json", bytes)`, read with `json("data.json")`).
/// Memoised work of older compiles is evicted afterwards, so long-running
/// modes (watch, batch) do not grow.
pub fn compile(
    fonts: &Fonts,
    templates: &Templates,
    main: &str,
    data: &[(&str, Vec<u8>)],
    opts: &PdfOpts,
) -> Result<Compiled, TypstError> {
    let result = compile_inner(fonts, templates, main, data, opts);
    typst::comemo::evict(MEMO_AGE.load(Ordering::Relaxed));
    result
}

/// How many compiles a memoised result survives unused (Typst's cache is
/// process-wide). 10 keeps the deck's work until the next build of a
/// `watch` session, which then lays out only what changed.
static MEMO_AGE: AtomicUsize = AtomicUsize::new(10);

/// Sets how many compiles a memoised result survives unused: `batch`, where
/// nothing is built twice, keeps less (3: measured 174 MB instead of
/// 210 MB at the peak for 89 regions, and no slower).
pub fn keep_memo(compiles: usize) {
    MEMO_AGE.store(compiles, Ordering::Relaxed);
}

fn compile_inner(
    fonts: &Fonts,
    templates: &Templates,
    main: &str,
    data: &[(&str, Vec<u8>)],
    opts: &PdfOpts,
) -> Result<Compiled, TypstError> {
    let (year, month, day) = opts.date;
    let bad_date = || TypstError::InvalidDate { year, month, day };
    let today = Datetime::from_ymd(year, month, day).ok_or_else(bad_date)?;
    let stamp = Datetime::from_ymd_hms(year, month, day, 0, 0, 0).ok_or_else(bad_date)?;

    let mut data_files = HashMap::new();
    for (path, bytes) in data {
        data_files.insert(normalize_strict(path)?, Bytes::new(bytes.clone()));
    }
    let main_key = normalize_strict(main)?;
    if !data_files.contains_key(&main_key) && templates.bytes(&main_key).is_none() {
        return Err(TypstError::MissingMain {
            main: main.to_string(),
            available: templates
                .paths()
                .filter(|p| p.ends_with(".typ"))
                .map(str::to_owned)
                .collect(),
        });
    }
    let world = EngineWorld {
        library: library(),
        fonts,
        main: project_id(&main_key)?,
        files: FileStore::new(MemoryLoader {
            templates,
            data: data_files,
        }),
        today,
    };

    let warned = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<TemplateDiagnostic> = warned.warnings.iter().map(|d| convert(&world, d)).collect();
    let mut document = warned
        .output
        .map_err(|errors| TypstError::Compile(Diagnostics(errors.iter().map(|d| convert(&world, d)).collect())))?;

    let info = document.info_mut();
    if info.title.is_none() && !opts.title.is_empty() {
        info.title = Some(opts.title.as_str().into());
    }
    if info.author.is_empty() && !opts.author.is_empty() {
        info.author = vec![opts.author.as_str().into()];
    }
    // The timestamp always comes from `opts.date`, even if the template sets
    // `document(date: ..)`, so that the caller controls reproducibility.
    info.date = Smart::Auto;

    let standards = if opts.pdfa {
        PdfStandards::new(&[PdfStandard::A_2b])
    } else {
        PdfStandards::new(&[])
    }
    .map_err(|err| TypstError::PdfStandard(err.message().to_string()))?;
    let options = PdfOptions {
        ident: if opts.ident.is_empty() {
            Smart::Auto
        } else {
            Smart::Custom(opts.ident.clone())
        },
        timestamp: Some(Timestamp::new_utc(stamp)),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| TypstError::Export(Diagnostics(errors.iter().map(|d| convert(&world, d)).collect())))?;
    Ok(Compiled {
        pdf,
        warnings,
        pages: document.pages().len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = r#"#let d = json("data.json")
#set document(title: d.title, author: "Тест")
#set page(width: 200mm, height: 120mm, margin: 10mm)
#set text(font: "PT Sans", lang: "ru", size: 14pt)
= #d.title
Привет, мир! Дата: #datetime.today().display("[day].[month].[year]")

#text(stretch: 75%)[Узкий шрифт: #d.regions.join(", ")]

*Жирный* и _курсив_.
"#;

    const DATA: &str = r#"{"title": "Рейтинг внедрения", "regions": ["Тверская область", "Якутия"]}"#;

    fn opts(pdfa: bool) -> PdfOpts {
        PdfOpts {
            title: "Рейтинг".into(),
            author: "Автор".into(),
            date: (2025, 3, 14),
            pdfa,
            ident: "max-rating-test".into(),
        }
    }

    fn templates() -> Templates {
        Templates::from_embedded(&[("deck.typ", DECK.as_bytes())])
    }

    fn data() -> Vec<(&'static str, Vec<u8>)> {
        vec![("data.json", DATA.as_bytes().to_vec())]
    }

    fn pdf(templates: &Templates, data: &[(&str, Vec<u8>)], opts: &PdfOpts) -> Result<Vec<u8>, TypstError> {
        compile(&Fonts::embedded(), templates, "deck.typ", data, opts).map(|c| c.pdf)
    }

    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("pdf text");
        // Normalise whitespace so that line breaks don't matter.
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn compiles_cyrillic_deterministically() {
        let out = compile(&Fonts::embedded(), &templates(), "deck.typ", &data(), &opts(false))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.pdf.starts_with(b"%PDF"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let again = pdf(&templates(), &data(), &opts(false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.pdf, again, "two compiles must give identical bytes");

        let text = text_of(&out.pdf);
        for needle in [
            "Рейтинг внедрения",
            "Привет, мир!",
            "14.03.2025",
            "Узкий шрифт: Тверская область, Якутия",
            "Жирный",
            "курсив",
        ] {
            assert!(text.contains(needle), "{needle:?} not in {text:?}");
        }
        // Title from the template, date from opts, never from the clock.
        let raw = String::from_utf8_lossy(&out.pdf);
        assert!(raw.contains("2025-03-14") || raw.contains("D:20250314"), "no date");
        for face in ["PTSans-Regular", "PTSans-Narrow", "PTSans-Bold", "PTSans-Italic"] {
            assert!(raw.contains(face), "{face} not embedded");
        }
    }

    #[test]
    fn a_warning_comes_back_with_its_position() {
        let src = "#set text(font: \"Нет такого\")\nТекст";
        let t = Templates::from_embedded(&[("deck.typ", src.as_bytes())]);
        let out = compile(&Fonts::embedded(), &t, "deck.typ", &[], &opts(false)).unwrap();
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        let d = out.warnings[0].to_diagnostic();
        assert!(
            d.to_string().starts_with("предупреждение: в шаблоне deck.typ:1:"),
            "{d}"
        );
    }

    #[test]
    fn different_date_changes_only_by_input() {
        let mut other = opts(false);
        other.date = (2024, 12, 31);
        let a = pdf(&templates(), &data(), &opts(false)).unwrap();
        let b = pdf(&templates(), &data(), &other).unwrap();
        assert_ne!(a, b);
        assert!(text_of(&b).contains("31.12.2024"));
    }

    #[test]
    fn broken_template_names_file_line_column() {
        let broken = "= Заголовок\n\nТекст\n#let x = 1\nещё #foo и всё\n";
        let templates = Templates::from_embedded(&[("deck.typ", broken.as_bytes())]);
        let err = pdf(&templates, &[], &opts(false)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, TypstError::Compile(_)), "{err:?}");
        assert!(
            msg.starts_with("в шаблоне deck.typ:5:6: unknown variable: foo"),
            "{msg}"
        );
    }

    #[test]
    fn error_in_imported_module_and_data() {
        let main = "#import \"lib/util.typ\": f\n#f()\n";
        let util = "#let f() = {\n  let y = 1 + \"a\"\n  y\n}\n";
        let templates = Templates::from_embedded(&[("deck.typ", main.as_bytes()), ("lib/util.typ", util.as_bytes())]);
        let msg = pdf(&templates, &[], &opts(false)).unwrap_err().to_string();
        assert!(msg.starts_with("в шаблоне lib/util.typ:2:11:"), "{msg}");
        assert!(msg.contains("deck.typ:2:2"), "{msg}");

        // A JSON syntax error points into data.json.
        let templates = Templates::from_embedded(&[("deck.typ", b"#json(\"data.json\")")]);
        let bad = vec![("data.json", b"{\n  \"a\": 1,\n  oops\n}".to_vec())];
        let msg = pdf(&templates, &bad, &opts(false)).unwrap_err().to_string();
        assert!(msg.contains("data.json:3:"), "{msg}");
    }

    #[test]
    fn missing_main_and_packages() {
        let fonts = Fonts::embedded();
        let err = compile(&fonts, &templates(), "other.typ", &[], &opts(false)).unwrap_err();
        assert!(matches!(err, TypstError::MissingMain { .. }));
        assert_eq!(
            err.to_string(),
            "не найден главный файл шаблона «other.typ» (есть: deck.typ)"
        );

        let pkg =
            Templates::from_embedded(&[("deck.typ", "#import \"@preview/cetz:0.3.4\": canvas\nТекст".as_bytes())]);
        let msg = pdf(&pkg, &[], &opts(false)).unwrap_err().to_string();
        assert!(msg.contains("пакеты Typst Universe не поддерживаются"), "{msg}");
        assert!(msg.contains("deck.typ:1:9"), "{msg}");

        let err = compile(&fonts, &templates(), "../deck.typ", &[], &opts(false)).unwrap_err();
        assert!(matches!(err, TypstError::InvalidPath { .. }), "{err:?}");

        let mut bad_date = opts(false);
        bad_date.date = (2025, 2, 30);
        let err = pdf(&templates(), &data(), &bad_date).unwrap_err();
        assert!(matches!(err, TypstError::InvalidDate { .. }), "{err:?}");
    }

    #[test]
    fn pdfa_2b() {
        let a = pdf(&templates(), &data(), &opts(true)).unwrap_or_else(|e| panic!("{e}"));
        let b = pdf(&templates(), &data(), &opts(true)).unwrap();
        assert_eq!(a, b);
        let raw = String::from_utf8_lossy(&a);
        assert!(raw.contains("pdfaid:part"), "no PDF/A identification");
        assert!(raw.contains("OutputIntent"), "no output intent");
        assert!(text_of(&a).contains("Привет, мир!"));
    }

    #[test]
    fn title_and_author_fallback() {
        let plain = Templates::from_embedded(&[("deck.typ", "#set text(font: \"PT Sans\")\nБез заголовка".as_bytes())]);
        let pdf = pdf(&plain, &[], &opts(true)).unwrap();
        let raw = String::from_utf8_lossy(&pdf);
        // XMP metadata is plain UTF-8 text.
        assert!(raw.contains("Рейтинг"), "title fallback missing");
        assert!(raw.contains("Автор"), "author fallback missing");
    }

    #[test]
    fn templates_from_a_folder_compile() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("parts")).unwrap();
        std::fs::write(dir.path().join("deck.typ"), "#include \"parts/p.typ\"").unwrap();
        std::fs::write(
            dir.path().join("parts/p.typ"),
            "#set text(font: \"PT Sans\")\nИз каталога",
        )
        .unwrap();
        let t = Templates::from_dir(dir.path()).unwrap();
        assert!(text_of(&pdf(&t, &[], &opts(false)).unwrap()).contains("Из каталога"));
    }
}
