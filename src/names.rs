//! The one rule by which names are matched: sheet names, metadata labels
//! and column headers of the forms, region names (across forms, in
//! `regions.xlsx`), bodies' names and aliases.

/// The key under which a name matches another: lower case, `ё` as `е`,
/// quotes dropped, dashes and every kind of space (no-break, narrow, thin)
/// as one space, no space at the ends, no trailing colon, and the Latin
/// word «MAX» as the Cyrillic «МАХ» (the documents spell the messenger
/// both ways).
///
/// `key("  Отчётный  период: ")` = `key("отчетный период")`;
/// `key("ООО «МАХ»")` = `key("ООО \"MAX\"")`;
/// `key("Кабардино-Балкарская Республика")` =
/// `key("Кабардино — Балкарская республика")`.
pub fn key(name: &str) -> String {
    let mapped: String = name
        .chars()
        .filter(|c| !is_quote(*c))
        .map(|c| if is_dash(c) || c.is_whitespace() { ' ' } else { c })
        .collect();
    let lower = mapped.to_lowercase().replace('ё', "е");
    let trimmed = lower.trim().trim_end_matches(':');
    trimmed
        .split_whitespace()
        .map(|w| if w == "max" { "мах" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two names are the same under [`key`].
pub fn same(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

fn is_quote(c: char) -> bool {
    matches!(c, '«' | '»' | '"' | '\'' | '“' | '”' | '„' | '‘' | '’')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '−')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_name() {
        assert_eq!(key("  Показатели "), "показатели");
        assert_eq!(key("Отчётный\u{a0}период:"), "отчетный период");
        assert_eq!(key("Ед.\u{202f}изм."), "ед. изм.");
        assert!(same("ООО «МАХ»", "ООО \"MAX\""));
        assert!(same("КГАУ «МФЦ»", "кгау  мфц"));
        assert!(same(
            "Кабардино-Балкарская Республика",
            "Кабардино — Балкарская республика"
        ));
        assert!(same("Республика Северная Осетия — Алания", "республика северная осетия-алания"));
        assert!(!same("Мин/здрав", "Мин:здрав"));
        assert!(!same("Минздрав", "Минтранс"));
        assert_eq!(key("«»"), "");
        // Only the whole word: «Maxima» stays.
        assert_eq!(key("Maxima"), "maxima");
    }
}
