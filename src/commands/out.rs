//! Standard output and error of the commands (`println!`, `print!` and
//! `eprintln!` of this binary are macros of `main.rs` that write here).
//!
//! std's macros panic when a write fails, so `max-rating send --dry-run |
//! head` ended with a Rust backtrace once `head` had closed the pipe. Here a
//! failed write to stdout ends the command instead: the main thread unwinds
//! with an [`Ended`] payload (no panic message, destructors run: the output
//! folder's lock is released) and [`until_closed`] turns it into the exit
//! code — [`exit::CLOSED_OUTPUT`] for a closed pipe, as for a Unix tool
//! stopped by SIGPIPE; [`exit::OUTPUT`] with one Russian message for any
//! other failure (a full disk). Other threads only stop writing; the main
//! thread ends at its next line. A closed stderr is ignored.

use std::fmt;
use std::io::Write as _;
use std::sync::OnceLock;

use max_rating::app::exit;

/// The exit code once stdout failed.
static ENDED: OnceLock<u8> = OnceLock::new();

/// The payload the main thread unwinds with when stdout failed.
struct Ended(u8);

fn on_main_thread() -> bool {
    std::thread::current().name() == Some("main")
}

/// Writes to stdout; a failed write ends the command (see the module).
pub fn stdout(args: fmt::Arguments<'_>) {
    if ENDED.get().is_none()
        && let Err(e) = std::io::stdout().lock().write_fmt(args)
    {
        let code = if e.kind() == std::io::ErrorKind::BrokenPipe {
            exit::CLOSED_OUTPUT
        } else {
            stderr(format_args!(
                "ошибка: не удалось вывести результат: {}\n",
                max_rating::diag::io_reason(&e)
            ));
            exit::OUTPUT
        };
        let _ = ENDED.set(code);
    }
    if let Some(code) = ENDED.get().copied()
        && on_main_thread()
    {
        std::panic::resume_unwind(Box::new(Ended(code)));
    }
}

/// Writes to stderr; a closed stderr is ignored (there is nowhere left to
/// say anything).
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Runs a command; its exit code, or the code of a failed stdout. Other
/// panics go on as they were.
pub fn until_closed(run: impl FnOnce() -> u8) -> u8 {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(code) => code,
        Err(payload) => match payload.downcast::<Ended>() {
            Ok(ended) => ended.0,
            Err(other) => std::panic::resume_unwind(other),
        },
    }
}
