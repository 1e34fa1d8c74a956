//! The virtual file system of a Typst project: path → bytes, embedded in
//! the binary or read from a folder, one set overlaid on another.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;

use typst::foundations::Bytes;
use typst::syntax::VirtualPath;

use super::TypstError;
use super::fonts::is_font_file;

/// Virtual file path (relative to the project root, `/`-separated) → bytes.
#[derive(Clone, Default)]
pub struct Templates {
    files: BTreeMap<String, Bytes>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Templates {
    /// An empty set.
    pub fn new() -> Templates {
        Templates::default()
    }

    /// From files compiled into the binary, e.g.
    /// `&[("deck.typ", include_bytes!("../../templates/deck.typ"))]`.
    /// Paths are normalised (`./a.typ` and `/a.typ` are `a.typ`).
    pub fn from_embedded(files: &[(&str, &[u8])]) -> Templates {
        let mut templates = Templates::new();
        for (path, data) in files {
            templates
                .files
                .insert(normalize_lenient(path), Bytes::new(data.to_vec()));
        }
        templates
    }

    /// Reads every file under `dir` (recursively). Hidden entries (names
    /// starting with `.`) and font files (`.ttf`, `.otf`, … — load those with
    /// [`super::Fonts::with_dirs`]) are skipped; symlinked directories are not
    /// followed.
    ///
    /// A file that is a link to a file outside `dir` is refused: the
    /// templates see nothing but their folders.
    pub fn from_dir(dir: &Path) -> Result<Templates, TypstError> {
        let mut templates = Templates::new();
        read_template_dir(dir, dir, "", &mut templates)?;
        Ok(templates)
    }

    /// Adds or replaces one file.
    pub fn insert(&mut self, path: &str, data: Vec<u8>) -> Result<(), TypstError> {
        let key = normalize_strict(path)?;
        self.files.insert(key, Bytes::new(data));
        Ok(())
    }

    /// Puts `upper` on top of `self`: files of `upper` replace files with the
    /// same path (user directory over embedded templates).
    pub fn overlay(&mut self, upper: &Templates) {
        for (path, data) in &upper.files {
            self.files.insert(path.clone(), data.clone());
        }
    }

    /// The bytes of one file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&normalize_lenient(path)).map(|b| b.as_slice())
    }

    /// The bytes of one file by its normalised key, shared.
    pub(super) fn bytes(&self, key: &str) -> Option<&Bytes> {
        self.files.get(key)
    }

    /// Whether a file exists.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(&normalize_lenient(path))
    }

    /// All virtual paths, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn read_template_dir(root: &Path, dir: &Path, prefix: &str, out: &mut Templates) -> Result<(), TypstError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TypstError::TemplateDir { path, source }
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        entries.push(entry.map_err(io_err(dir))?);
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            // A non-UTF-8 name can't be addressed from Typst anyway.
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let virt = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry.file_type().map_err(io_err(&path))?;
        if file_type.is_dir() {
            read_template_dir(root, &path, &virt, out)?;
        } else if !is_font_file(&path) {
            if file_type.is_symlink() {
                if !fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                    continue;
                }
                super::inside(root, &path)?;
            }
            let data = fs::read(&path).map_err(io_err(&path))?;
            // `virt` is built from plain segments; a name with a backslash
            // can't be addressed from Typst, so skip it.
            if let Ok(key) = normalize_strict(&virt) {
                out.files.insert(key, Bytes::new(data));
            }
        }
    }
    Ok(())
}

/// Normalises a virtual path to the form used as a key (`a/b.typ`).
pub(super) fn normalize_strict(path: &str) -> Result<String, TypstError> {
    VirtualPath::new(path)
        .map(|v| v.get_without_slash().to_string())
        .map_err(|err| TypstError::InvalidPath {
            path: path.to_string(),
            reason: match err {
                typst::syntax::PathError::Escapes => "путь выходит за корень проекта".into(),
                typst::syntax::PathError::Backslash => "обратная косая черта; используйте «/»".into(),
            },
        })
}

fn normalize_lenient(path: &str) -> String {
    let unified = path.replace('\\', "/");
    normalize_strict(&unified).unwrap_or(unified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_overlay_and_dir() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("parts")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join("deck.typ"), "#include \"parts/p.typ\"").unwrap();
        fs::write(dir.path().join("parts/p.typ"), "Из каталога").unwrap();
        fs::write(dir.path().join(".git/HEAD"), "x").unwrap();
        let user = Templates::from_dir(dir.path()).unwrap();
        assert_eq!(user.paths().collect::<Vec<_>>(), ["deck.typ", "parts/p.typ"]);

        let mut merged = Templates::from_embedded(&[("deck.typ", b"embedded"), ("./extra.typ", b"x")]);
        merged.overlay(&user);
        assert_eq!(merged.len(), 3);
        assert!(merged.contains("extra.typ"));
        assert_eq!(merged.get("deck.typ"), Some(&b"#include \"parts/p.typ\""[..]));

        // A link to a file outside the folder is refused.
        let secret = tempfile::NamedTempFile::new().unwrap();
        fs::write(secret.path(), "секрет").unwrap();
        std::os::unix::fs::symlink(secret.path(), dir.path().join("notes.txt")).unwrap();
        let err = Templates::from_dir(dir.path()).unwrap_err();
        assert!(matches!(err, TypstError::Outside { .. }), "{err:?}");
        fs::remove_file(dir.path().join("notes.txt")).unwrap();
        // A link inside the folder is fine.
        std::os::unix::fs::symlink(dir.path().join("deck.typ"), dir.path().join("alias.typ")).unwrap();
        assert!(Templates::from_dir(dir.path()).unwrap().contains("alias.typ"));

        let missing = Templates::from_dir(&dir.path().join("nope")).unwrap_err();
        assert!(
            missing.to_string().starts_with("не удалось прочитать шаблоны"),
            "{missing}"
        );
    }
}
