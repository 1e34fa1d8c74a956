//! TOML errors of `region.toml` and `methodology.toml` in Russian: the
//! file, line and column, the offending line quoted with a caret, what was
//! expected, and for an unknown key the nearest valid one. The parser's own
//! English text never reaches the user.

/// The message of a TOML error in `text` read from `file`.
pub fn describe(file: &str, text: &str, e: &toml::de::Error) -> String {
    let what = translate(e.message());
    match e.span() {
        Some(span) => {
            let (line, col, source_line) = position(text, span.start);
            let caret = format!(
                "{}^",
                " ".repeat(source_line[..col_byte(source_line, col)].chars().count())
            );
            format!("{file}:{line}:{col}: {what}\n  {line:>4} | {source_line}\n       | {caret}")
        }
        None => format!("{file}: {what}"),
    }
}

/// (1-based line, 1-based column in characters, the line's text).
fn position(text: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(text.len());
    let offset = (0..=offset).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..offset].matches('\n').count() + 1;
    let col = text[start..offset].chars().count() + 1;
    (line, col, text[start..end].trim_end_matches('\r'))
}

/// The byte offset of 1-based column `col` in `line`.
fn col_byte(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

/// The names between backticks in a message: `` `a`, `b` `` → [a, b].
fn quoted_names(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// The parser's message in Russian.
fn translate(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = quoted_names(rest);
        let (unknown, valid) = names.split_first().map_or(("", &[][..]), |(u, v)| (*u, v));
        return match crate::names::nearest(unknown, valid) {
            Some(near) => format!("неизвестный ключ {unknown} — возможно, {near}"),
            None if valid.is_empty() => format!("неизвестный ключ {unknown}: здесь ключей нет"),
            None => format!("неизвестный ключ {unknown}: допустимы {}", valid.join(", ")),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = quoted_names(rest);
        let (unknown, valid) = names.split_first().map_or(("", &[][..]), |(u, v)| (*u, v));
        return format!("недопустимое значение «{unknown}»: допустимы {}", valid.join(", "));
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!(
            "не хватает ключа {}",
            quoted_names(rest).first().copied().unwrap_or(rest)
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate key ") {
        return format!(
            "ключ {} задан дважды",
            quoted_names(rest).first().copied().unwrap_or(rest)
        );
    }
    if msg.starts_with("invalid type") {
        return format!("неверный тип значения: {}", types(msg));
    }
    syntax(msg).to_string()
}

/// «найдено …, ожидалось …» for an `invalid type: X, expected Y` message.
fn types(msg: &str) -> String {
    let body = msg.trim_start_matches("invalid type:").trim();
    let (found, expected) = body.split_once(", expected ").unwrap_or((body, ""));
    let kind = |s: &str| {
        let s = s.trim();
        if s.starts_with("string") {
            "строка"
        } else if s.starts_with("integer") || s.contains("u32") || s.contains("i32") || s.contains("u64") {
            "целое число"
        } else if s.starts_with("float") {
            "дробное число"
        } else if s.starts_with("boolean") || s.contains("bool") {
            "логическое значение (true/false)"
        } else if s.contains("sequence") || s.starts_with("array") {
            "список [ … ]"
        } else if s.contains("map") || s.contains("table") || s.starts_with("struct") {
            "таблица (раздел)"
        } else if s.contains("date") {
            "дата"
        } else {
            "значение другого вида"
        }
    };
    format!("найдено: {}, ожидалось: {}", kind(found), kind(expected))
}

/// A syntax error: what was expected, in Russian.
fn syntax(msg: &str) -> &'static str {
    let m = msg.to_lowercase();
    if m.contains("must be quoted") {
        "значение не указано или не в кавычках: текст пишется в кавычках (\"…\"), числа и даты — без"
    } else if m.contains("unexpected key or value") {
        "после значения ожидался конец строки (или комментарий #)"
    } else if m.contains("basic string") || m.contains("expected `\"`") || m.contains("literal string") {
        "строка не закрыта: ожидалась закрывающая кавычка"
    } else if m.contains("invalid escape") {
        "недопустимая escape-последовательность в строке: обратную косую черту \\ пишите как \\\\"
    } else if m.contains("expected `=`") || m.contains("key with no value") {
        "ожидался знак «=» между ключом и значением"
    } else if m.contains("expected `]`") || m.contains("unclosed") {
        "не закрыта скобка: ожидалась «]»"
    } else if m.contains("expected `}`") || m.contains("inline table") {
        "не закрыта таблица в фигурных скобках: ожидалась «}»"
    } else if m.contains("newline") || m.contains("expected newline") {
        "после значения ожидался конец строки"
    } else if m.contains("invalid number") || m.contains("invalid integer") || m.contains("invalid float") {
        "недопустимое число"
    } else if m.contains("date") || m.contains("time") {
        "недопустимая дата: ожидалась дата вида 2026-04-16"
    } else if m.contains("invalid key") || m.contains("invalid unquoted key") {
        "недопустимый ключ: ключ пишется латинскими буквами, цифрами, «_» или «-» (или в кавычках)"
    } else if m.contains("duplicate") || m.contains("defined") {
        "ключ или раздел задан дважды"
    } else if m.contains("string") {
        "ошибка в строке: проверьте кавычки"
    } else {
        "файл не разобран как TOML: проверьте кавычки, скобки и знаки «=» в этой строке"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        period: Option<String>,
        region: Option<String>,
        year: Option<u32>,
    }

    fn err(text: &str) -> String {
        let e = toml::from_str::<Doc>(text).unwrap_err();
        describe("region.toml", text, &e)
    }

    #[test]
    fn unknown_key_names_the_nearest() {
        let m = err("region = \"А\"\nperod = \"2026-Q1\"\n");
        assert!(
            m.starts_with("region.toml:2:1: неизвестный ключ perod — возможно, period"),
            "{m}"
        );
        assert!(m.contains("   2 | perod = \"2026-Q1\""), "{m}");
        assert!(m.ends_with("       | ^"), "{m}");
        assert!(m.is_char_boundary(0) && !m.contains("unknown"), "{m}");
    }

    #[test]
    fn syntax_and_types_are_russian() {
        let m = err("region = \"Забайкальский край\nperiod = 1");
        assert!(m.starts_with("region.toml:1:"), "{m}");
        assert!(m.contains("кавычка"), "{m}");
        let m = err("year = \"две тысячи\"\n");
        assert!(
            m.contains("неверный тип значения: найдено: строка, ожидалось: целое число"),
            "{m}"
        );
        for text in ["a b", "[x", "region = ", "region = 'a' b", "x = 1\nx = 2"] {
            let m = err(text);
            assert!(m.starts_with("region.toml:"), "{m}");
            let english = m.split_whitespace().any(|w| {
                w.len() > 3
                    && w.chars().all(|c| c.is_ascii_lowercase())
                    && !["region", "period", "year", "toml"].contains(&w)
            });
            assert!(!english, "English in {m:?}");
        }
    }
}
