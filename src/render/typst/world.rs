//! The Typst `World` of one compile: the standard library (built once per
//! process), the shared fonts, the templates and the data files, all in
//! memory. Nothing is read from disk here and nothing is downloaded:
//! `@preview/…` imports fail with a clear error.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};

use super::{Fonts, Templates, TypstError};

/// Hint attached to the error of any `@preview/…` (or other package) import.
pub(super) const PACKAGES_UNSUPPORTED: &str = "пакеты Typst Universe не поддерживаются";

/// Serves templates and data files from memory; refuses packages.
pub(super) struct MemoryLoader<'a> {
    pub templates: &'a Templates,
    pub data: HashMap<String, Bytes>,
}

impl FileLoader for MemoryLoader<'_> {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        match id.root() {
            VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(typst::ecow::eco_format!(
                "{spec}: {PACKAGES_UNSUPPORTED}, программа работает без сети"
            ))))),
            VirtualRoot::Project => {
                let path = id.vpath().get_without_slash();
                self.data
                    .get(path)
                    .or_else(|| self.templates.bytes(path))
                    .cloned()
                    .ok_or_else(|| FileError::NotFound(PathBuf::from(path)))
            }
        }
    }
}

pub(super) struct EngineWorld<'a> {
    pub library: &'static LazyHash<Library>,
    pub fonts: &'a Fonts,
    pub main: FileId,
    pub files: FileStore<MemoryLoader<'a>>,
    pub today: Datetime,
}

impl World for EngineWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// The standard library, built once per process.
pub(super) fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// A file id in the project root. Ids are interned process-wide (at most
/// 2^16), so only fixed template/data paths should go through here.
pub(super) fn project_id(path: &str) -> Result<FileId, TypstError> {
    let vpath = VirtualPath::new(path).map_err(|err| TypstError::InvalidPath {
        path: path.to_string(),
        reason: err.to_string(),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}
