//! The fonts of every PDF: the vendored PT Sans / PT Sans Narrow, plus the
//! fonts of `--font-path` folders, loaded once and shared cheaply.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

use super::TypstError;

/// The vendored fonts (ParaType Free Font License, see
/// `templates/fonts/LICENSE-ParaType.txt`).
const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    (
        "PTSans-Regular.ttf",
        include_bytes!("../../../templates/fonts/PTSans-Regular.ttf"),
    ),
    (
        "PTSans-Bold.ttf",
        include_bytes!("../../../templates/fonts/PTSans-Bold.ttf"),
    ),
    (
        "PTSans-Italic.ttf",
        include_bytes!("../../../templates/fonts/PTSans-Italic.ttf"),
    ),
    (
        "PTSans-BoldItalic.ttf",
        include_bytes!("../../../templates/fonts/PTSans-BoldItalic.ttf"),
    ),
    (
        "PTSansNarrow-Regular.ttf",
        include_bytes!("../../../templates/fonts/PTSansNarrow-Regular.ttf"),
    ),
    (
        "PTSansNarrow-Bold.ttf",
        include_bytes!("../../../templates/fonts/PTSansNarrow-Bold.ttf"),
    ),
];

/// File extensions treated as fonts (case-insensitive).
const FONT_EXTENSIONS: &[&str] = &["ttf", "otf", "ttc", "otc"];

/// A font book with its fonts, built once and shared (cheap `Clone`,
/// `Send + Sync`).
#[derive(Clone)]
pub struct Fonts {
    store: Arc<FontStore>,
    /// Unique per loaded set (clones share it).
    id: u64,
}

/// The next [`Fonts::fingerprint`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts").field("families", &self.families()).finish()
    }
}

impl Fonts {
    /// Identifies this set of fonts (and its clones) among the sets loaded
    /// by the process: what a cache of compiled PDFs is valid for.
    pub fn fingerprint(&self) -> u128 {
        u128::from(self.id)
    }

    /// Only the vendored fonts: PT Sans (regular, bold, italic, bold italic)
    /// and PT Sans Narrow (regular, bold).
    ///
    /// Typst files PT Sans Narrow under the family "PT Sans" with a condensed
    /// width, so templates select it with `text(font: "PT Sans", stretch:
    /// 75%)`; `font: "PT Sans Narrow"` is an unknown family.
    pub fn embedded() -> Fonts {
        let mut store = FontStore::new();
        push_embedded(&mut store);
        Fonts {
            store: Arc::new(store),
            id: next_id(),
        }
    }

    /// The vendored fonts plus every `.ttf`/`.otf`/`.ttc`/`.otc` file found
    /// (recursively) in `dirs`. Fonts from the directories come first, so a
    /// user's face of the same family and style wins over the vendored one.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Fonts, TypstError> {
        let mut store = FontStore::new();
        for dir in dirs {
            let mut files = Vec::new();
            collect_font_files(dir, dir, &mut files)?;
            files.sort();
            for path in files {
                let data = fs::read(&path).map_err(|source| TypstError::Font {
                    message: crate::diag::io_reason(&source),
                    path: path.clone(),
                })?;
                if push_font_data(&mut store, Bytes::new(data)) == 0 {
                    return Err(TypstError::Font {
                        path,
                        message: "файл не распознан как шрифт".to_string(),
                    });
                }
            }
        }
        push_embedded(&mut store);
        Ok(Fonts {
            store: Arc::new(store),
            id: next_id(),
        })
    }

    /// The embedded fonts, or those plus the fonts of `dirs` when any.
    pub fn load(dirs: &[PathBuf]) -> Result<Fonts, TypstError> {
        if dirs.is_empty() {
            Ok(Fonts::embedded())
        } else {
            Fonts::with_dirs(dirs)
        }
    }

    /// Font family names as Typst sees them, in book order. Note that Typst
    /// strips width words: PT Sans Narrow is the family "PT Sans" with
    /// `stretch: 75%`.
    pub fn families(&self) -> Vec<String> {
        self.store.book().families().map(|(name, _)| name.to_string()).collect()
    }

    pub(super) fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub(super) fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }
}

fn push_embedded(store: &mut FontStore) {
    for (_, data) in EMBEDDED_FONTS {
        push_font_data(store, Bytes::new(*data));
    }
}

/// Adds every face in `data`; returns how many were added.
fn push_font_data(store: &mut FontStore, data: Bytes) -> usize {
    let mut added = 0;
    for font in Font::iter(data) {
        let info = font.info().clone();
        store.push((font, info));
        added += 1;
    }
    added
}

fn collect_font_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TypstError> {
    let io_err = |source| TypstError::FontDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_err)?;
        if file_type.is_dir() {
            collect_font_files(root, &path, out)?;
        } else if is_font_file(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            if file_type.is_symlink() {
                super::inside(root, &path)?;
            }
            out.push(path);
        }
    }
    Ok(())
}

pub(super) fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| FONT_EXTENSIONS.iter().any(|f| ext.eq_ignore_ascii_case(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face_count(fonts: &Fonts) -> usize {
        (0..).take_while(|i| fonts.book().info(*i).is_some()).count()
    }

    #[test]
    fn fonts_are_embedded() {
        let fonts = Fonts::embedded();
        // Typst folds "PT Sans Narrow" into the family "PT Sans" (stretch 75%).
        assert_eq!(fonts.families(), ["PT Sans"]);
        assert_eq!(face_count(&fonts), 6);
        let book = fonts.book();
        let narrow = (0..face_count(&fonts))
            .filter_map(|i| book.info(i))
            .filter(|info| info.variant.stretch.to_ratio().get() < 0.8)
            .count();
        assert_eq!(narrow, 2, "PT Sans Narrow regular and bold");
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<Fonts>();
    }

    #[test]
    fn fonts_from_dirs() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Narrow.TTF"),
            include_bytes!("../../../templates/fonts/PTSansNarrow-Regular.ttf"),
        )
        .unwrap();
        let fonts = Fonts::with_dirs(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(face_count(&fonts), 7);
        // The user's face comes first, so it wins a tie with the vendored one.
        let first = fonts.book().info(0).map(|i| i.variant.stretch.to_ratio().get());
        assert_eq!(first, Some(0.75));

        fs::write(dir.path().join("broken.otf"), b"not a font").unwrap();
        let err = Fonts::with_dirs(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(matches!(err, TypstError::Font { .. }), "{err:?}");
        let err = Fonts::with_dirs(&[dir.path().join("none")]).unwrap_err();
        assert!(matches!(err, TypstError::FontDir { .. }), "{err:?}");
    }
}
