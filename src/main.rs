//! The `max-rating` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Parser, Subcommand};
use max_rating::app::{self, AppError, Sources, exit};
use max_rating::diag::Severity;

const HELP: &str = "{about}\n\nИспользование: {usage}\n\n{all-args}{after-help}";

const EXIT_CODES: &str = "Коды завершения: 0 — успешно; 1 — ошибки в исходных данных; 2 — неверные аргументы; \
3 — ошибка в методике, region.toml или папке исходных данных; 4 — не удалось записать результаты; \
5 — ошибка шаблона; 6 — папка результатов занята другой сборкой.";

const BATCH_EXIT_CODES: &str = "Коды завершения: 0 — все регионы собраны; 1 — хотя бы один регион не собран \
(остальные записаны, рейтинг — по собранным); 2 — неверные аргументы; 3 — папка не читается или в ней нет регионов; \
4 — не удалось записать рейтинг; 5 — ошибка шаблона рейтинга.";

#[derive(Parser)]
#[command(
    name = "max-rating",
    version,
    about = "Рейтинг внедрения национального мессенджера MAX: проверка форм, расчёт, план, презентация и отчёты",
    long_about = None,
    help_template = HELP,
    override_usage = "max-rating <КОМАНДА> [ПАРАМЕТРЫ]",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true,
    subcommand_help_heading = "Команды",
    subcommand_value_name = "КОМАНДА",
    next_help_heading = "Параметры",
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

#[derive(clap::Args, Clone)]
#[command(next_help_heading = "Параметры")]
struct InputArgs {
    /// Папка с исходными данными: формы в submissions/, region.toml (по умолчанию inputs)
    #[arg(long, value_name = "ПАПКА", default_value = "inputs", hide_default_value = true)]
    inputs: PathBuf,
    /// Файл методики вместо встроенной (и вместо <inputs>/methodology.toml)
    #[arg(long, value_name = "ФАЙЛ")]
    methodology: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Проверить формы ведомств и показать расчёт, ничего не записывая
    #[command(help_template = HELP, after_help = EXIT_CODES, override_usage = "max-rating check [ПАРАМЕТРЫ]")]
    Check {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Рассчитать рейтинг и записать презентацию, книгу XLSX, пакеты органов и rating.json
    #[command(help_template = HELP, after_help = EXIT_CODES, override_usage = "max-rating build [ПАРАМЕТРЫ]")]
    Build {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out)
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Записать пустые формы для ведомств (по одной на орган) в <out>/forms/
    #[command(help_template = HELP, after_help = EXIT_CODES, override_usage = "max-rating forms [ПАРАМЕТРЫ]")]
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
    #[command(help_template = HELP, after_help = EXIT_CODES, override_usage = "max-rating init ПАПКА [--force]")]
    Init {
        /// Папка, которую создать
        #[arg(value_name = "ПАПКА", help_heading = "Аргументы")]
        dir: PathBuf,
        /// Перезаписать существующие файлы
        #[arg(long, help_heading = "Параметры")]
        force: bool,
    },
    /// Собрать и пересобирать при каждом изменении форм, region.toml или шаблонов (Ctrl-C — выход)
    #[command(help_template = HELP, after_help = EXIT_CODES, override_usage = "max-rating watch [ПАРАМЕТРЫ]")]
    Watch {
        #[command(flatten)]
        input: InputArgs,
        /// Папка для результатов (по умолчанию out); изменения в ней не отслеживаются
        #[arg(long, value_name = "ПАПКА", default_value = "out", hide_default_value = true)]
        out: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
        /// Опрашивать папки каждые 0,5 с вместо уведомлений системы (для сетевых папок)
        #[arg(long)]
        poll: bool,
        /// Завершиться после N сборок (для тестов)
        #[arg(long = "max-builds", value_name = "N", hide = true)]
        max_builds: Option<usize>,
    },
    /// Собрать все регионы папки (подпапка — регион) параллельно и записать федеральный рейтинг
    #[command(help_template = HELP, after_help = BATCH_EXIT_CODES, override_usage = "max-rating batch ПАПКА [ПАРАМЕТРЫ]")]
    Batch {
        /// Папка с папками регионов (в каждой — submissions/ и region.toml; templates/ — общие шаблоны)
        #[arg(value_name = "ПАПКА", help_heading = "Аргументы")]
        dir: PathBuf,
        /// Папка для результатов (по умолчанию out): <out>/<регион>/…, ranking.xlsx, ranking.pdf
        #[arg(
            long,
            value_name = "ПАПКА",
            default_value = "out",
            hide_default_value = true,
            help_heading = "Параметры"
        )]
        out: PathBuf,
        /// Сколько регионов собирать одновременно (по умолчанию — по числу ядер)
        #[arg(long, short = 'j', value_name = "N", help_heading = "Параметры")]
        jobs: Option<usize>,
        /// Файл методики вместо встроенной (для всех регионов)
        #[arg(long, value_name = "ФАЙЛ", help_heading = "Параметры")]
        methodology: Option<PathBuf>,
        #[command(flatten)]
        render: RenderArgs,
    },
}

#[derive(clap::Args, Clone)]
#[command(next_help_heading = "Параметры")]
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
enum PdfStandard {
    /// PDF/A-2b (ГОСТ Р ИСО 19005-2)
    #[value(name = "a-2b")]
    A2b,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return ExitCode::from(usage_error(&e)),
    };
    let code = match cli.command {
        Command::Check { input } => check(&input),
        Command::Build { input, out, render } => build(&input, out, &render),
        Command::Forms { input, out, period } => forms(&input, out, period.as_deref()),
        Command::Init { dir, force } => init(dir, force),
        Command::Watch {
            input,
            out,
            render,
            poll,
            max_builds,
        } => watch(&input, out, &render, poll, max_builds),
        Command::Batch {
            dir,
            out,
            jobs,
            methodology,
            render,
        } => batch(dir, out, jobs, methodology, &render),
    };
    ExitCode::from(code)
}

/// Prints clap's help and version as they are, and its errors in Russian.
fn usage_error(e: &clap::Error) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return exit::OK;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
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
        _ => format!("неверные аргументы: {}", e.kind()),
    };
    eprintln!("ошибка: {msg}\nСправка: max-rating --help");
    exit::USAGE
}

fn sources(input: &InputArgs) -> Sources {
    Sources {
        inputs: input.inputs.clone(),
        methodology: input.methodology.clone(),
    }
}

fn fail(e: &AppError) -> u8 {
    eprintln!("ошибка: {e}");
    e.exit_code()
}

fn print_diagnostics(loaded: &app::Loaded) -> (usize, usize) {
    let diags = loaded.diagnostics();
    for d in &diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    (errors, diags.len() - errors)
}

fn check(input: &InputArgs) -> u8 {
    let loaded = match app::load(&sources(input)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let (errors, warnings) = print_diagnostics(&loaded);
    if let Some(report) = &loaded.report {
        print!("{}", max_rating::render::text::summary_table(report));
    }
    println!(
        "Форм прочитано: {}; ошибок: {errors}; предупреждений: {warnings}.",
        loaded.inputs.submissions.len()
    );
    if errors > 0 { exit::DATA } else { exit::OK }
}

fn build(input: &InputArgs, out: PathBuf, render: &RenderArgs) -> u8 {
    // One build at a time per output folder, for the whole build.
    let _lock = match app::OutLock::acquire(&out) {
        Ok(lock) => {
            if let Some(w) = &lock.taken_over {
                eprintln!("предупреждение: {w}");
            }
            lock
        }
        Err(e) => return fail(&e),
    };
    let loaded = match app::load(&sources(input)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let (errors, _) = print_diagnostics(&loaded);
    if errors > 0 {
        return fail(&AppError::Data(errors));
    }
    let opts = app::RenderOptions {
        inputs: Some(input.inputs.clone()),
        templates: render.templates.clone(),
        font_paths: render.font_path.clone(),
        pdfa: render.pdf_standard == Some(PdfStandard::A2b),
        no_packs: render.no_packs,
        fonts: None,
    };
    let files = match app::render_all(&loaded, &opts) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    if let Err(e) = app::write_build_outputs(&out, &files) {
        return fail(&e);
    }
    if let Some(report) = &loaded.report {
        print!("{}", max_rating::render::text::summary_table(report));
    }
    let mut packs = std::collections::BTreeSet::new();
    for f in &files {
        match f.path.strip_prefix("bodies/").and_then(|p| p.split('/').next()) {
            Some(slug) => {
                packs.insert(slug.to_string());
            }
            None => println!("записан {}", out.join(&f.path).display()),
        }
    }
    if !packs.is_empty() {
        println!("пакеты органов: {} в {}", packs.len(), out.join("bodies").display());
    }
    exit::OK
}

fn forms(input: &InputArgs, out: PathBuf, period: Option<&str>) -> u8 {
    let files = match max_rating::distribute::forms(&sources(input), &out, period) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    if let Err(e) = app::write_outputs(&out, &files) {
        return fail(&e);
    }
    for f in &files {
        println!("записана форма {}", out.join(&f.path).display());
    }
    exit::OK
}

fn init(dir: PathBuf, force: bool) -> u8 {
    match max_rating::distribute::init(&dir, max_rating::render::deck::TEMPLATE_FILES, force) {
        Ok(r) => {
            for p in &r.written {
                println!("создан {}", p.display());
            }
            println!(
                "Готово. Положите формы ведомств в {}, заполните {} и запустите: max-rating build --inputs {} --out {}",
                dir.join("inputs").join("submissions").display(),
                dir.join("inputs").join("region.toml").display(),
                dir.join("inputs").display(),
                dir.join("out").display()
            );
            exit::OK
        }
        Err(e) => fail(&e),
    }
}

/// The render options of `build`, `watch` and `batch`.
fn render_options(inputs: Option<PathBuf>, render: &RenderArgs) -> app::RenderOptions {
    app::RenderOptions {
        inputs,
        templates: render.templates.clone(),
        font_paths: render.font_path.clone(),
        pdfa: render.pdf_standard == Some(PdfStandard::A2b),
        no_packs: render.no_packs,
        ..Default::default()
    }
}

/// `1,25 с`.
fn seconds(d: std::time::Duration) -> String {
    format!("{:.2} с", d.as_secs_f64()).replace('.', ",")
}

/// `Республика Адыгея: 37 из 100 (жёлтая зона)`.
fn total_line(report: &max_rating::report::Report) -> String {
    format!(
        "{}: {} из {} ({})",
        report.meta.region, report.summary.total, report.summary.total_max, report.summary.band.name
    )
}

fn watch(input: &InputArgs, out: PathBuf, render: &RenderArgs, poll: bool, max_builds: Option<usize>) -> u8 {
    use max_rating::watch::{self, Event, WatchOptions};
    let mut opts = WatchOptions::new(
        sources(input),
        out.clone(),
        render_options(Some(input.inputs.clone()), render),
    );
    opts.poll = poll.then_some(watch::POLL);
    opts.max_builds = max_builds;
    let mut last_error = exit::OK;
    let mut report = |ev: Event<'_>| match ev {
        Event::Watching { roots, polling } => {
            let how = if polling {
                "опрос каждые 0,5 с"
            } else {
                "уведомления системы"
            };
            println!("Слежение ({how}) за: {}. Выход — Ctrl-C.", roots.join(", "));
        }
        Event::Fallback(msg) => eprintln!("предупреждение: {msg}"),
        Event::Changed(paths) => println!("Изменено: {}", paths.join(", ")),
        Event::Built { n, built, elapsed } => {
            for d in &built.diagnostics {
                eprintln!("{d}");
            }
            last_error = exit::OK;
            println!(
                "Сборка {n}: {} — {}; результаты в {}",
                total_line(&built.report),
                seconds(elapsed),
                out.display()
            );
        }
        Event::Failed { n, failure, elapsed } => {
            for d in &failure.diagnostics {
                eprintln!("{d}");
            }
            last_error = failure.error.exit_code();
            eprintln!("ошибка: {}", failure.error);
            println!(
                "Сборка {n} не удалась ({}); прежние результаты в {} сохранены. Жду изменений…",
                seconds(elapsed),
                out.display()
            );
        }
    };
    match watch::run(&opts, &mut report) {
        Ok(_) => last_error,
        Err(e) => fail(&e),
    }
}

fn batch(dir: PathBuf, out: PathBuf, jobs: Option<usize>, methodology: Option<PathBuf>, render: &RenderArgs) -> u8 {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use max_rating::batch::{self, BatchOptions, RegionOutcome};
    use std::io::IsTerminal;
    let start = std::time::Instant::now();
    let opts = BatchOptions {
        out: out.clone(),
        jobs: jobs.unwrap_or(0),
        methodology,
        render: render_options(None, render),
    };
    let count = batch::region_dirs(&dir, &out).map(|d| d.len()).unwrap_or(0);
    let bar = (std::io::stdout().is_terminal() && count > 0).then(|| {
        let pb = ProgressBar::with_draw_target(Some(count as u64), ProgressDrawTarget::stdout());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40.blue/white} {pos}/{len} регионов · {elapsed} · осталось ~{eta}")
        {
            pb.set_style(style);
        }
        pb
    });
    let say = |line: String| match &bar {
        Some(pb) => pb.println(line),
        None => println!("{line}"),
    };
    let on_done = |o: &RegionOutcome| {
        match &o.result {
            Ok(built) => say(format!(
                "готово: {} — {}, {}",
                o.folder,
                total_line(&built.report),
                seconds(o.elapsed)
            )),
            Err(f) => {
                let mut msg = format!("ошибка: регион {}: {}", o.folder, f.error);
                for d in f.diagnostics.iter().filter(|d| d.is_error()) {
                    msg.push_str(&format!("\n  {d}"));
                }
                match &bar {
                    Some(pb) => pb.suspend(|| eprintln!("{msg}")),
                    None => eprintln!("{msg}"),
                }
            }
        }
        if let Some(pb) = &bar {
            pb.inc(1);
        }
    };
    let result = batch::run(&dir, &opts, &on_done);
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let result = match result {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let failed: Vec<&str> = result
        .outcomes
        .iter()
        .filter(|o| o.result.is_err())
        .map(|o| o.folder.as_str())
        .collect();
    let built = result.outcomes.len() - failed.len();
    let mut code = exit::OK;
    match &result.summary {
        Ok(files) => {
            for f in files {
                println!("записан {}", out.join(f).display());
            }
        }
        Err(e) => code = fail(e),
    }
    println!(
        "Собрано регионов: {built} из {} за {}{}",
        result.outcomes.len(),
        seconds(start.elapsed()),
        if failed.is_empty() {
            String::new()
        } else {
            format!("; не собраны ({}): {}", failed.len(), failed.join(", "))
        }
    );
    if code != exit::OK {
        code
    } else if failed.is_empty() {
        exit::OK
    } else {
        exit::DATA
    }
}
