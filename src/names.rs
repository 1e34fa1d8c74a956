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

/// The edit distance (Levenshtein, in characters) between two words.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, when it is near enough to be a typo
/// (at most a third of the word's letters differ, at least one).
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
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
    fn nearest_names() {
        assert_eq!(distance("perod", "period"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(nearest("perod", &["region", "period"]), Some("period"));
        assert_eq!(
            nearest("k2.mfc.visitor", &["k2.mfc.visitors", "k2.mfc.notified_users"]),
            Some("k2.mfc.visitors")
        );
        assert_eq!(nearest("zzz", &["region", "period"]), None);
    }

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
        assert!(same(
            "Республика Северная Осетия — Алания",
            "республика северная осетия-алания"
        ));
        assert!(!same("Мин/здрав", "Мин:здрав"));
        assert!(!same("Минздрав", "Минтранс"));
        assert_eq!(key("«»"), "");
        // Only the whole word: «Maxima» stays.
        assert_eq!(key("Maxima"), "maxima");
    }
}
