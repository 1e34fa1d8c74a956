//! The file system as users leave it: pipes, link loops, dangling links,
//! an output folder in the wrong place, a file where a folder should be,
//! links out of the template folders, broken TOML.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{bin, inputs_copy};

/// `check` on `inputs`, within 60 s (a FIFO opened for reading would block
/// forever).
fn check(inputs: &Path) -> assert_cmd::assert::Assert {
    bin()
        .arg("check")
        .arg("--inputs")
        .arg(inputs)
        .timeout(Duration::from_secs(60))
        .assert()
}

#[test]
fn a_named_pipe_is_skipped_with_a_warning() {
    let (_tmp, inputs) = inputs_copy();
    let pipe = inputs.join("submissions/pipe.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    check(&inputs)
        .code(0)
        .stderr(predicate::str::contains("submissions/pipe.xlsx: это не обычный файл").count(1));
}

#[test]
fn a_link_loop_is_read_once_with_one_warning() {
    let (_tmp, inputs) = inputs_copy();
    symlink(".", inputs.join("submissions/loop")).unwrap();
    symlink("..", inputs.join("submissions/federal/up")).unwrap();
    let out = check(&inputs).code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.matches("цикл").count(), 2, "{stderr}");
    assert!(stderr.contains("submissions/loop: папка уже прочитана"), "{stderr}");
    // Every form once: no «совпадает побайтно» about copies read again.
    assert!(!stderr.contains("побайтно"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("Итого: 12 из 100"), "{stdout}");
}

#[test]
fn a_dangling_link_is_one_warning() {
    let (_tmp, inputs) = inputs_copy();
    symlink("/nonexistent/ghost.xlsx", inputs.join("submissions/ghost.xlsx")).unwrap();
    check(&inputs).code(0).stderr(
        predicate::str::contains("submissions/ghost.xlsx: ссылка никуда не ведёт")
            .and(predicate::str::contains("No such file").not()),
    );
}

#[test]
fn an_output_folder_inside_the_submissions_is_refused() {
    let (_tmp, inputs) = inputs_copy();
    for cmd in ["build", "forms"] {
        bin()
            .arg(cmd)
            .arg("--inputs")
            .arg(&inputs)
            .arg("--out")
            .arg(inputs.join("submissions/out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("внутри папки форм"));
    }
    assert!(!inputs.join("submissions/out").exists());
}

#[test]
fn an_output_path_that_is_a_file_says_so() {
    let (tmp, inputs) = inputs_copy();
    let file = tmp.path().join("out");
    std::fs::write(&file, "x").unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&file)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("это файл, а не папка")
                .and(predicate::str::contains("os error").not())
                .and(predicate::str::contains("File exists").not()),
        );
}

#[test]
fn a_slide_linking_outside_its_folder_is_refused() {
    let (tmp, inputs) = inputs_copy();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "СЕКРЕТНОЕ СОДЕРЖИМОЕ").unwrap();
    symlink(&secret, inputs.join("slides/notes.txt")).unwrap();
    std::fs::write(inputs.join("slides/02-leak.typ"), "#raw(read(\"/slides/notes.txt\"))\n").unwrap();
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("символическая ссылка ведёт за пределы папки"));
    assert!(!out.join("deck.pdf").exists());
    // The same through a template override and a font folder.
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    symlink(&secret, templates.join("theme.typ")).unwrap();
    std::fs::remove_file(inputs.join("slides/notes.txt")).unwrap();
    std::fs::remove_file(inputs.join("slides/02-leak.typ")).unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("theme.typ — символическая ссылка"));
    std::fs::remove_file(templates.join("theme.typ")).unwrap();
    let fonts = tmp.path().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    symlink(&secret, fonts.join("x.ttf")).unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .arg("--font-path")
        .arg(&fonts)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("x.ttf — символическая ссылка"));
}

#[test]
fn toml_errors_are_russian_with_the_line_and_the_nearest_key() {
    let (_tmp, inputs) = inputs_copy();
    let text = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(inputs.join("region.toml"), text.replacen("period = ", "perod = ", 1)).unwrap();
    let out = check(&inputs).code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("region.toml:"), "{stderr}");
    assert!(stderr.contains("неизвестный ключ perod — возможно, period"), "{stderr}");
    assert!(stderr.contains("| perod = \"2026-Q1\""), "{stderr}");
    assert!(!stderr.contains("unknown field"), "{stderr}");
    std::fs::write(inputs.join("region.toml"), "region = \"Забайкальский край\ngoal = 1\n").unwrap();
    let out = check(&inputs).code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("region.toml:1:29: строка не закрыта"), "{stderr}");
    assert!(stderr.contains("^"), "{stderr}");
    assert!(
        !stderr.contains("TOML parse error") && !stderr.contains("expected"),
        "{stderr}"
    );
}
