//! The errors of the commands and the exit code of each: one variant per
//! meaning, one Russian message each (the CLI prints `ошибка: <message>`).

use std::path::PathBuf;

use crate::ingest::IngestError;
use crate::methodology::MethodologyError;
use crate::region::RegionError;
use crate::render::RenderError;

/// Exit codes of the command line.
pub mod exit {
    /// Success (warnings allowed).
    pub const OK: u8 = 0;
    /// The submissions have errors: nothing was built (`batch`: some region
    /// was not built).
    pub const DATA: u8 = 1;
    /// Wrong arguments (clap's own code).
    pub const USAGE: u8 = 2;
    /// The methodology, the region plan or the inputs folder is wrong.
    pub const CONFIG: u8 = 3;
    /// The outputs could not be written.
    pub const OUTPUT: u8 = 4;
    /// A template failed to render.
    pub const RENDER: u8 = 5;
    /// The output folder is locked by another build that is still running.
    pub const BUSY: u8 = 6;
    /// The system refused a resource the tool needs (worker threads).
    pub const SYSTEM: u8 = 7;
    /// `send`: some messages were not delivered (a recipient refused, the
    /// connection lost); the others were, and the journal has them.
    pub const MAIL_PARTIAL: u8 = 8;
    /// `send`: the server could not be reached or refused the login or the
    /// TLS connection; nothing was sent.
    pub const MAIL_SERVER: u8 = 9;
    /// Standard output was closed by its reader (`max-rating check |
    /// head`): the command stopped quietly, with the code of a Unix tool
    /// stopped by SIGPIPE (128 + 13).
    pub const CLOSED_OUTPUT: u8 = 141;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Methodology(#[from] MethodologyError),
    #[error(transparent)]
    Region(#[from] RegionError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("в исходных данных есть ошибки ({0}) — выходные файлы не созданы")]
    Data(usize),
    #[error(
        "период не указан ни в одной форме (строка «Период» над таблицей), ни в region.toml (period = \"2026-Q1\")"
    )]
    NoPeriod,
    #[error("{}: в формах нет строки «Период» — период не записан (укажите период в формах)", .0.display())]
    NoFolderPeriod(std::path::PathBuf),
    #[error("не указан период форм: задайте --period 2026-Q2 или period в region.toml")]
    NoFormPeriod,
    #[error("период «{0}» не распознан: ожидалось «2026-Q2», «2026-04» или «2026»")]
    UnknownPeriod(String),
    #[error(
        "ни у одного органа нет кодов для формы: задайте [[bodies]] с codes или [[steps]] с responsible в region.toml"
    )]
    NoFormCodes,
    #[error(
        "в папке {} нет ни одной папки региона (ожидались подпапки с submissions/ и region.toml)",
        .0.display()
    )]
    NoRegions(PathBuf),
    #[error("не удалось записать {}: {}", .path.display(), crate::diag::io_reason(.source))]
    Output { path: PathBuf, source: std::io::Error },
    #[error("{} — это файл, а не папка: укажите для результатов папку (--out ПАПКА)", .0.display())]
    OutNotDir(PathBuf),
    #[error(
        "папка результатов {} внутри папки форм {}: следующая сборка прочла бы свои же результаты как формы — укажите --out вне её",
        .out.display(),
        .submissions.display()
    )]
    OutInsideSubmissions { out: PathBuf, submissions: PathBuf },
    #[error("файлы уже существуют (добавьте --force, чтобы перезаписать): {}", .0.join(", "))]
    Exists(Vec<String>),
    #[error(
        "папка {} занята другой сборкой (pid {}) — дождитесь её окончания; если сборка не идёт, удалите {}",
        .out.display(),
        .pid.map_or_else(|| "неизвестен".to_string(), |p| p.to_string()),
        .lock.display()
    )]
    Busy {
        out: PathBuf,
        pid: Option<u32>,
        lock: PathBuf,
    },
    #[error("не удалось запустить потоки обработки: {0}")]
    Threads(String),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Methodology(_)
            | AppError::Region(_)
            | AppError::Ingest(_)
            | AppError::NoPeriod
            | AppError::NoFolderPeriod(_)
            | AppError::NoFormPeriod
            | AppError::UnknownPeriod(_)
            | AppError::NoFormCodes
            | AppError::NoRegions(_) => exit::CONFIG,
            AppError::Render(e) if e.is_input() => exit::CONFIG,
            AppError::Render(_) => exit::RENDER,
            AppError::Data(_) => exit::DATA,
            AppError::Output { .. } | AppError::OutNotDir(_) | AppError::Exists(_) | AppError::History(_) => {
                exit::OUTPUT
            }
            AppError::Busy { .. } => exit::BUSY,
            AppError::OutInsideSubmissions { .. } => exit::USAGE,
            AppError::Threads(_) => exit::SYSTEM,
        }
    }
}
