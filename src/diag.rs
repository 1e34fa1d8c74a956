//! Diagnostics: every problem found in the inputs, in Russian, with the
//! file, sheet and cell it concerns.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "ошибка",
            Severity::Warning => "предупреждение",
        }
    }
}

/// Where a value or a problem is: a file (relative to the inputs folder,
/// with `/` separators), optionally a sheet and an A1 cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            sheet: None,
            cell: None,
        }
    }

    pub fn sheet(file: impl Into<String>, sheet: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            sheet: Some(sheet.into()),
            cell: None,
        }
    }

    pub fn cell(file: impl Into<String>, sheet: impl Into<String>, row: u32, col: u32) -> Location {
        Location {
            file: file.into(),
            sheet: Some(sheet.into()),
            cell: Some(a1(row, col)),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ", лист «{s}»")?;
        }
        if let Some(c) = &self.cell {
            write!(f, ", ячейка {c}")?;
        }
        Ok(())
    }
}

/// A1 notation of a zero-based (row, column).
pub fn a1(row: u32, col: u32) -> String {
    let mut c = col as u64 + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = ((c - 1) % 26) as u8;
        letters.push((b'A' + r) as char);
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row as u64 + 1).to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub message: String,
    /// The indicator code of the form's row it is about, where it is one
    /// (for the collection status: whose form it is); not serialised.
    #[serde(skip)]
    pub code: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
            code: None,
        }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            location,
            message: message.into(),
            code: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{}: {l}: {}", self.severity.label(), self.message),
            None => write!(f, "{}: {}", self.severity.label(), self.message),
        }
    }
}

/// The reason of an I/O error in Russian, for messages: the common
/// operating-system errors by kind, never the system's English text. An
/// error made by this program (with its own Russian message) keeps it.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if let Some(inner) = e.get_ref() {
        let text = inner.to_string();
        // Ours are Russian; another library's English text is not shown.
        if text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')) {
            return text;
        }
        if text.contains("lookup") || text.contains("resolve") || text.contains("Name or service") {
            return "имя сервера не найдено (DNS): проверьте адрес".into();
        }
    }
    let text = match e.kind() {
        K::NotFound => "не найден (нет такого файла или папки)",
        K::PermissionDenied => "нет прав доступа",
        K::AlreadyExists => "уже существует",
        K::IsADirectory => "это папка, а ожидался файл",
        K::NotADirectory => "это файл (или путь проходит через файл), а ожидалась папка",
        K::StorageFull => "на диске нет свободного места",
        K::QuotaExceeded => "превышена квота диска",
        K::ReadOnlyFilesystem => "файловая система доступна только для чтения",
        K::DirectoryNotEmpty => "папка не пуста",
        K::FileTooLarge => "файл слишком большой",
        K::InvalidFilename => "недопустимое имя файла",
        K::ResourceBusy => "файл или папка заняты другим процессом",
        K::CrossesDevices => "перенос между разными дисками невозможен",
        K::TimedOut | K::WouldBlock => "превышено время ожидания",
        K::Interrupted => "операция прервана",
        K::UnexpectedEof => "файл обрезан (неожиданный конец данных)",
        K::InvalidData => "недопустимые данные",
        K::ConnectionRefused => "соединение отклонено: на этом адресе и порту сервер не принимает подключения",
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "сервер разорвал соединение",
        K::NotConnected => "соединение не установлено",
        K::HostUnreachable => "сервер недоступен (нет маршрута до узла)",
        K::NetworkUnreachable | K::NetworkDown => "сеть недоступна",
        K::AddrNotAvailable | K::AddrInUse => "адрес недоступен на этом компьютере",
        _ => match e.raw_os_error() {
            Some(40) => "слишком много уровней символических ссылок (ссылки образуют цикл)",
            Some(code) => return format!("ошибка ввода-вывода (код системы {code})"),
            None => "ошибка ввода-вывода",
        },
    };
    text.to_string()
}

/// Quotes a found value for a message: «н/д».
pub fn quoted(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        t.push('…');
    }
    format!("«{t}»")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_notation() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 2), "C12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(9, 701), "ZZ10");
        assert_eq!(a1(0, 702), "AAA1");
    }

    #[test]
    fn io_reasons_are_russian() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            io_reason(&Error::from(ErrorKind::NotFound)),
            "не найден (нет такого файла или папки)"
        );
        assert_eq!(
            io_reason(&Error::from_raw_os_error(28)),
            "на диске нет свободного места"
        );
        assert_eq!(io_reason(&Error::from_raw_os_error(13)), "нет прав доступа");
        assert_eq!(io_reason(&Error::other("своё сообщение")), "своё сообщение");
        assert!(io_reason(&Error::from_raw_os_error(40)).contains("цикл"));
        assert!(!io_reason(&Error::from_raw_os_error(5)).is_ascii());
        assert!(io_reason(&Error::from_raw_os_error(111)).contains("соединение отклонено"));
        assert!(!io_reason(&Error::other("failed to lookup address information")).is_ascii());
        assert!(!io_reason(&Error::other("some library text")).is_ascii());
    }

    #[test]
    fn display() {
        let d = Diagnostic::error(Some(Location::cell("a.xlsx", "Показатели", 11, 2)), "ожидалось число");
        assert_eq!(
            d.to_string(),
            "ошибка: a.xlsx, лист «Показатели», ячейка C12: ожидалось число"
        );
    }
}
