//! The `max-rating` command line: parses the arguments and runs one of the
//! commands (`src/commands/`, one file each), which orchestrate the library
//! and print.

/// `println!` and `print!` of this binary (every command): standard output
/// through [`commands::out::stdout`], where a closed pipe (`max-rating send
/// --dry-run | head`) ends the command quietly instead of a panic. Defined
/// before the modules so that it replaces std's macro in all of them.
macro_rules! println {
    () => {
        $crate::commands::out::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::commands::out::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// See [`println!`].
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::commands::out::stdout(format_args!($($arg)*))
    };
}

/// `eprintln!` of this binary: standard error through
/// [`commands::out::stderr`], which ignores a closed stderr.
macro_rules! eprintln {
    () => {
        $crate::commands::out::stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::commands::out::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use max_rating::app::exit;
use max_rating::pipeline::{BuildOptions, Sources};
use max_rating::render::RenderFlags;

const HELP: &str = "{about}\n\nИспользование: {usage}\n\n{all-args}{after-help}";

const EXIT_CODES: &str = "Коды завершения: 0 — успешно; 1 — ошибки в исходных данных; 2 — неверные аргументы; \
3 — ошибка в методике, region.toml или папке исходных данных; 4 — не удалось записать результаты; \
5 — ошибка шаблона; 6 — папка результатов занята другой сборкой; 7 — система не дала запустить потоки обработки.";

const BATCH_EXIT_CODES: &str = "Коды завершения: 0 — все регионы собраны; 1 — хотя бы один регион не собран \
(остальные записаны, рейтинг — по собранным); 2 — неверные аргументы; 3 — папка не читается или в ней нет регионов; \
4 — не удалось записать рейтинг; 5 — ошибка шаблона рейтинга; 7 — система не дала запустить потоки обработки.";

const STATUS_EXIT_CODES: &str = "Коды завершения: 0 — состояние показано (и при ошибках в формах: это сведения, \
а не сбой); 2 — неверные аргументы; 3 — ошибка в методике, region.toml или папке исходных данных.";

const SEND_EXIT_CODES: &str = "Коды завершения: 0 — все письма отправлены (или уже были отправлены); 2 — неверные аргументы; \
3 — нет черновиков или файлы изменены после сборки; 4 — не удалось записать журнал отправки; 6 — папка занята сборкой; \
8 — часть писем не отправлена (остальные отправлены и записаны в журнал); 9 — сервер недоступен или отклонил вход: ничего не отправлено.";

/// `--today`: a date as in region.toml (`2026-04-15`, `15.04.2026`, «15 апреля 2026 г.»).
fn parse_date(text: &str) -> Result<(i32, u8, u8), String> {
    max_rating::region::parse_russian_date(text).ok_or_else(|| "ожидалась дата вида 2026-04-15".to_string())
}

#[derive(Parser)]
#[command(
    name = "max-rating",
    version,
    about = "Рейтинг внедрения национального мессенджера МАХ: проверка форм, расчёт, план, презентация и отчёты",
    long_about = None,
    override_usage = "max-rating <КОМАНДА> [ПАРАМЕТРЫ]",
    disable_help_flag = true,
    disable_version_flag = true,
    subcommand_value_name = "КОМАНДА",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Показать справку
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Показать версию
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

/// The inputs of a command. Global: a command with actions (`history`)
/// takes them before or after the action.
#[derive(clap::Args, Clone)]
struct InputArgs {
    /// Папка с исходными данными: формы в submissions/, region.toml (по умолчанию inputs)
    #[arg(
        long,
        value_name = "ПАПКА",
        default_value = "inputs",
        hide_default_value = true,
        global = true
    )]
    inputs: PathBuf,
    /// Файл методики вместо встроенной (и вместо <inputs>/methodology.toml)
    #[arg(long, value_name = "ФАЙЛ", global = true)]
    methodology: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Проверить формы ведомств и показать расчёт, ничего не записывая
    #[command(after_help = EXIT_CODES, override_usage = "max-rating check [ПАРАМЕТРЫ]")]
    Check {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Показать, какие органы представили формы: получено, нет, с ошибками, срок
    #[command(after_help = STATUS_EXIT_CODES, override_usage = "max-rating status [ПАРАМЕТРЫ]")]
    Status {
        #[command(flatten)]
        input: InputArgs,
        /// Дата, на которую считать просрочку (по умолчанию сегодня): 2026-04-15
        #[arg(long, value_name = "ДАТА", value_parser = parse_date)]
        today: Option<(i32, u8, u8)>,
    },
    /// Записать напоминания органам, чьи формы не получены, неполны или с ошибками (с пустой формой)
    #[command(after_help = EXIT_CODES, override_usage = "max-rating remind [ПАРАМЕТРЫ]")]
    Remind {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out): напоминания — в <out>/reminders/
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        /// Папка шаблонов (reminder.hbs): заменяет встроенные по файлам
        #[arg(long, value_name = "ПАПКА")]
        templates: Option<PathBuf>,
        /// Дата напоминания и расчёта просрочки (по умолчанию сегодня): 2026-04-15
        #[arg(long, value_name = "ДАТА", value_parser = parse_date)]
        today: Option<(i32, u8, u8)>,
    },
    /// Отправить по SMTP черновики писем последней сборки (или напоминания), каждое письмо один раз
    #[command(after_help = SEND_EXIT_CODES, override_usage = "max-rating send --smtp СЕРВЕР[:ПОРТ] [ПАРАМЕТРЫ]")]
    Send {
        /// Папка результатов сборки (по умолчанию out)
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        /// Сервер SMTP: ИМЯ или ИМЯ:ПОРТ (порт по умолчанию: 587, с --tls tls — 465, с --tls none — 25)
        #[arg(long, value_name = "СЕРВЕР")]
        smtp: Option<String>,
        /// Защита соединения: starttls (по умолчанию), tls или none (только для сервера в своей сети)
        #[arg(
            long,
            value_name = "РЕЖИМ",
            default_value = "starttls",
            hide_default_value = true,
            hide_possible_values = true
        )]
        tls: TlsMode,
        /// Имя пользователя на сервере; пароль — только из переменной окружения MAX_RATING_SMTP_PASSWORD
        #[arg(long, value_name = "ИМЯ")]
        user: Option<String>,
        /// Корневой сертификат (PEM) сервера с собственным удостоверяющим центром
        #[arg(long = "ca-cert", value_name = "ФАЙЛ")]
        ca_cert: Option<PathBuf>,
        /// Только показать адреса, темы и вложения, ничего не отправляя
        #[arg(long = "dry-run")]
        dry_run: bool,
        /// Отправить снова и уже отправленные письма
        #[arg(long)]
        force: bool,
        /// Отправить напоминания (max-rating remind) вместо писем с пакетами
        #[arg(long)]
        reminders: bool,
    },
    /// Рассчитать рейтинг и записать презентацию, книгу XLSX, пакеты органов и rating.json
    #[command(after_help = EXIT_CODES, override_usage = "max-rating build [ПАРАМЕТРЫ]")]
    Build {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out)
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
        #[command(flatten)]
        history: HistoryArgs,
    },
    /// Записать пустые формы для ведомств (по одной на орган) в <out>/forms/
    #[command(after_help = EXIT_CODES, override_usage = "max-rating forms [ПАРАМЕТРЫ]")]
    Forms {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out)
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        /// Период форм: 2026-Q2, 2026-04 или 2026 (по умолчанию из region.toml или прошлой сборки)
        #[arg(long, value_name = "ПЕРИОД")]
        period: Option<String>,
    },
    /// Создать рабочую папку нового региона: inputs/region.toml, inputs/submissions/, templates/
    #[command(after_help = EXIT_CODES, override_usage = "max-rating init ПАПКА [--force]")]
    Init {
        /// Папка, которую создать
        #[arg(value_name = "ПАПКА")]
        dir: PathBuf,
        /// Перезаписать существующие файлы
        #[arg(long)]
        force: bool,
    },
    /// Собрать и пересобирать при каждом изменении форм, region.toml или шаблонов (Ctrl-C — выход)
    #[command(after_help = EXIT_CODES, override_usage = "max-rating watch [ПАРАМЕТРЫ]")]
    Watch {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out); изменения в ней не отслеживаются
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
        #[command(flatten)]
        history: HistoryArgs,
        /// Опрашивать папки каждые 0,5 с вместо уведомлений системы (для сетевых папок)
        #[arg(long)]
        poll: bool,
        /// Завершиться после N сборок (для тестов)
        #[arg(long = "max-builds", value_name = "N", hide = true)]
        max_builds: Option<usize>,
    },
    /// Собрать все регионы папки (подпапка — регион) параллельно и записать федеральный рейтинг
    #[command(after_help = BATCH_EXIT_CODES, override_usage = "max-rating batch ПАПКА [ПАРАМЕТРЫ]")]
    Batch {
        /// Папка с папками регионов (в каждой — submissions/ и region.toml; templates/ — общие шаблоны)
        #[arg(value_name = "ПАПКА")]
        dir: PathBuf,
        /// Папка для результатов (по умолчанию out): <out>/<регион>/…, ranking.xlsx, ranking.pdf
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        /// Сколько регионов собирать одновременно (по умолчанию — по числу ядер)
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Файл методики вместо встроенной (для всех регионов)
        #[arg(long, value_name = "ФАЙЛ")]
        methodology: Option<PathBuf>,
        #[command(flatten)]
        render: RenderArgs,
        /// Папка историй регионов (по умолчанию history рядом с ПАПКОЙ): история региона — в <папка>/<регион>/
        #[arg(long, value_name = "ПАПКА")]
        history: Option<PathBuf>,
        /// Не вести историю периодов
        #[arg(long = "no-history", conflicts_with = "history")]
        no_history: bool,
    },
    /// История периодов: список, запись прошлых периодов из их форм, удаление периода
    #[command(
        after_help = EXIT_CODES,
        override_usage = "max-rating history [ДЕЙСТВИЕ] [ПАРАМЕТРЫ]",
        subcommand_help_heading = "Действия",
        subcommand_value_name = "ДЕЙСТВИЕ"
    )]
    History {
        #[command(flatten)]
        input: InputArgs,
        /// Папка истории (по умолчанию history рядом с папкой исходных данных)
        #[arg(long, value_name = "ПАПКА", global = true)]
        history: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<HistoryAction>,
    },
}

#[derive(Subcommand)]
enum HistoryAction {
    /// Показать записанные периоды с итогом и зоной (по умолчанию)
    #[command(after_help = EXIT_CODES, override_usage = "max-rating history list [ПАРАМЕТРЫ]")]
    List,
    /// Записать периоды из папок форм прошлых периодов (без презентации и книг)
    #[command(after_help = EXIT_CODES, override_usage = "max-rating history record ПАПКА… [ПАРАМЕТРЫ]")]
    Record {
        /// Папки форм (или папки исходных данных с submissions/) прошлых периодов
        #[arg(value_name = "ПАПКА", required = true)]
        folders: Vec<PathBuf>,
    },
    /// Удалить запись одного периода
    #[command(after_help = EXIT_CODES, override_usage = "max-rating history remove ПЕРИОД [ПАРАМЕТРЫ]")]
    Remove {
        /// Период: 2026-Q1, 2026-03 или 2026
        #[arg(value_name = "ПЕРИОД")]
        period: String,
    },
}

#[derive(clap::Args, Clone)]
struct HistoryArgs {
    /// Папка истории периодов (по умолчанию history рядом с папкой исходных данных)
    #[arg(long, value_name = "ПАПКА")]
    history: Option<PathBuf>,
    /// Не записывать период в историю (расчёт «что если»)
    #[arg(long = "no-history", conflicts_with = "history")]
    no_history: bool,
}

#[derive(clap::Args, Clone)]
struct RenderArgs {
    /// Папка шаблонов (deck.typ, theme.typ, texts.hbs, letter.hbs…): заменяет встроенные по файлам
    #[arg(long, value_name = "ПАПКА")]
    templates: Option<PathBuf>,
    /// Папка со шрифтами для PDF (можно указать несколько раз)
    #[arg(long = "font-path", value_name = "ПАПКА")]
    font_path: Vec<PathBuf>,
    /// Стандарт PDF: a-2b — архивный PDF/A-2b
    #[arg(long = "pdf-standard", value_name = "СТАНДАРТ", hide_possible_values = true)]
    pdf_standard: Option<PdfStandard>,
    /// Не создавать пакеты для органов (out/bodies/ прошлой сборки удаляется)
    #[arg(long = "no-packs")]
    no_packs: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    Starttls,
    Tls,
    None,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum PdfStandard {
    /// PDF/A-2b (ГОСТ Р ИСО 19005-2)
    #[value(name = "a-2b")]
    A2b,
}

/// Russian help in every command and subcommand: clap's template and its
/// headings («Options», «Arguments», «Commands») are English and are not
/// inherited by subcommands, so they are set here on each, recursively.
fn russian(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.help_template(HELP).disable_help_subcommand(true).mut_args(|a| {
        if a.get_help_heading().is_some() {
            a
        } else if a.is_positional() {
            a.help_heading("Аргументы")
        } else {
            a.help_heading("Параметры")
        }
    });
    if cmd.has_subcommands() {
        if cmd.get_subcommand_help_heading().is_none() {
            cmd = cmd.subcommand_help_heading("Команды");
        }
        if cmd.get_subcommand_value_name().is_none() {
            cmd = cmd.subcommand_value_name("КОМАНДА");
        }
    }
    cmd.mut_subcommands(russian)
}

fn parse() -> Result<Cli, clap::Error> {
    let matches = russian(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(c) => c,
        Err(e) => return ExitCode::from(usage_error(&e)),
    };
    ExitCode::from(commands::out::until_closed(|| run(cli)))
}

/// Runs the command; its exit code.
fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check { input } => commands::check::run(&input.sources_without_history()),
        Command::Status { input, today } => commands::status::run(&input.sources_without_history(), today),
        Command::Remind {
            input,
            out,
            templates,
            today,
        } => commands::remind::run(&input.sources_without_history(), &out, templates.as_deref(), today),
        Command::Send {
            out,
            smtp,
            tls,
            user,
            ca_cert,
            dry_run,
            force,
            reminders,
        } => commands::send::run(&commands::send::Request {
            out,
            smtp,
            security: match tls {
                TlsMode::Starttls => max_rating::mail::smtp::Security::StartTls,
                TlsMode::Tls => max_rating::mail::smtp::Security::Tls,
                TlsMode::None => max_rating::mail::smtp::Security::None,
            },
            user,
            ca_cert,
            dry_run,
            force,
            reminders,
        }),
        Command::Build {
            input,
            out,
            render,
            history,
        } => commands::build::run(
            &input.sources_with(&history),
            &out,
            &render.options(),
            &render.font_path,
        ),
        Command::Forms { input, out, period } => {
            commands::forms::run(&input.sources_without_history(), &out, period.as_deref())
        }
        Command::Init { dir, force } => commands::init::run(&dir, force),
        Command::Watch {
            input,
            out,
            render,
            history,
            poll,
            max_builds,
        } => commands::watch::run(
            &input.sources_with(&history),
            &out,
            &render.options(),
            &render.font_path,
            commands::watch::Mode { poll, max_builds },
        ),
        Command::Batch {
            dir,
            out,
            jobs,
            methodology,
            render,
            history,
            no_history,
        } => commands::batch::run(
            &dir,
            max_rating::pipeline::batch::BatchOptions {
                out,
                jobs: jobs.unwrap_or(0),
                methodology,
                build: render.options(),
                history: (!no_history)
                    .then(|| history.unwrap_or_else(|| max_rating::pipeline::batch::default_history_root(&dir))),
            },
            &render.font_path,
        ),
        Command::History { input, history, action } => {
            let sources = input.sources_with(&HistoryArgs {
                history,
                no_history: false,
            });
            match action.unwrap_or(HistoryAction::List) {
                HistoryAction::List => commands::history::list(&sources),
                HistoryAction::Record { folders } => commands::history::record(&sources, &folders),
                HistoryAction::Remove { period } => commands::history::remove(&sources, &period),
            }
        }
    }
}

/// Prints clap's help and version as they are, and its errors in Russian.
fn usage_error(e: &clap::Error) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return exit::OK;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return exit::USAGE;
        }
        _ => {}
    }
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let msg = match e.kind() {
        ErrorKind::InvalidSubcommand => format!("неизвестная команда «{}»", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingSubcommand => "не указана команда".to_string(),
        ErrorKind::UnknownArgument => format!("неизвестный параметр «{}»", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            let mut m = format!(
                "недопустимое значение «{}» параметра {}",
                ctx(ContextKind::InvalidValue),
                ctx(ContextKind::InvalidArg)
            );
            if !valid.is_empty() {
                m.push_str(&format!(" (допустимо: {valid})"));
            }
            m
        }
        ErrorKind::MissingRequiredArgument => {
            format!("не указан обязательный параметр {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!(
                "лишнее значение, повтор или несовместимый параметр {}",
                ctx(ContextKind::InvalidArg)
            )
        }
        _ => "неверные аргументы командной строки".to_string(),
    };
    eprintln!("ошибка: {msg}\nСправка: max-rating --help");
    exit::USAGE
}

impl InputArgs {
    /// The sources with the history of `--history`, or the default beside
    /// the inputs, or none with `--no-history`.
    fn sources_with(&self, h: &HistoryArgs) -> Sources {
        let mut s = Sources::new(self.inputs.clone(), self.methodology.clone());
        if h.no_history {
            s.history = None;
        } else if let Some(dir) = &h.history {
            s.history = Some(dir.clone());
        }
        s
    }

    /// `check` reads no history and writes none.
    fn sources_without_history(&self) -> Sources {
        Sources {
            inputs: self.inputs.clone(),
            methodology: self.methodology.clone(),
            history: None,
        }
    }
}

impl RenderArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            templates: self.templates.clone(),
            flags: RenderFlags {
                pdfa: self.pdf_standard == Some(PdfStandard::A2b),
                no_packs: self.no_packs,
                sequential: false,
            },
            cache: None,
        }
    }
}
