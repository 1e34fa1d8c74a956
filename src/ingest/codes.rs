//! Codes as people type them: invisible characters (zero-width spaces,
//! no-break spaces, soft hyphens) are removed; a code typed with Cyrillic
//! letters that look Latin (`к2.sicк_lеavе.total`) is taken for the known
//! code it spells, with a warning naming the letters; an unknown code gets
//! the nearest known one suggested.

use crate::methodology::Methodology;

/// A code read from a cell, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeText {
    /// The code to look up.
    pub code: String,
    /// Cyrillic look-alike letters that were read as Latin, in order of
    /// first appearance.
    pub cyrillic: Vec<char>,
}

/// Characters that do not show: zero-width spaces and joiners, the word
/// joiner, the byte-order mark, soft hyphens, and every kind of space.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
        || c.is_whitespace()
}

/// The Latin letter a Cyrillic one looks like (lower case).
fn latin_twin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        _ => return None,
    })
}

/// The code of a cell: lower case, invisible characters removed.
pub fn clean(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_invisible(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Resolves a cleaned code against the catalogue: itself when known, else
/// the known code its Cyrillic look-alikes spell (with the letters).
pub fn resolve(code: &str, m: &Methodology) -> Option<CodeText> {
    if m.indicator(code).is_some() {
        return Some(CodeText {
            code: code.to_string(),
            cyrillic: Vec::new(),
        });
    }
    let mut cyrillic = Vec::new();
    let latin: String = code
        .chars()
        .map(|c| match latin_twin(c) {
            Some(l) => {
                if !cyrillic.contains(&c) {
                    cyrillic.push(c);
                }
                l
            }
            None => c,
        })
        .collect();
    (!cyrillic.is_empty() && m.indicator(&latin).is_some()).then_some(CodeText { code: latin, cyrillic })
}

/// The known code nearest to an unknown one, to suggest: an exact code of
/// the catalogue, or a pattern with its `*` shown as `<…>`.
pub fn suggest(code: &str, m: &Methodology) -> Option<String> {
    let exact: Vec<&str> = m
        .indicators
        .iter()
        .map(|i| i.code.as_str())
        .filter(|c| !c.contains('*'))
        .collect();
    if let Some(near) = crate::names::nearest(code, &exact) {
        return Some(near.to_string());
    }
    // A pattern: the unknown code with its segments in the pattern's shape.
    let parts: Vec<&str> = code.split('.').collect();
    m.indicators
        .iter()
        .filter(|i| i.code.contains('*'))
        .find(|i| {
            let p: Vec<&str> = i.code.split('.').collect();
            p.len() == parts.len()
                && p.iter().zip(&parts).filter(|(a, b)| **a != "*" && a != b).count() == 1
                && p.iter()
                    .zip(&parts)
                    .all(|(a, b)| *a == "*" || crate::names::distance(a, b) <= 2)
        })
        .map(|i| {
            i.code
                .split('.')
                .zip(&parts)
                .map(|(a, b)| if a == "*" { (*b).to_string() } else { a.to_string() })
                .collect::<Vec<_>>()
                .join(".")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> Methodology {
        Methodology::builtin().unwrap()
    }

    #[test]
    fn invisible_characters_go() {
        assert_eq!(clean("k2.mfc\u{200B}.visitors\u{00A0}"), "k2.mfc.visitors");
        assert_eq!(clean(" K2.MFC.VISI\u{00AD}TORS"), "k2.mfc.visitors");
    }

    #[test]
    fn cyrillic_look_alikes_resolve_with_their_letters() {
        let r = resolve("к2.sicк_lеavе.total", &m()).unwrap();
        assert_eq!(r.code, "k2.sick_leave.total");
        assert_eq!(r.cyrillic, ['к', 'е']);
        assert_eq!(
            resolve("k2.sick_leave.total", &m()).unwrap().cyrillic,
            Vec::<char>::new()
        );
        assert!(resolve("к2.нет.такого", &m()).is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("k2.mfc.visitor", &m()).as_deref(), Some("k2.mfc.visitors"));
        assert_eq!(suggest("k2.mfc.vistors", &m()).as_deref(), Some("k2.mfc.visitors"));
        assert_eq!(
            suggest("k1.service.mfc_bot.lanched", &m()).as_deref(),
            Some("k1.service.mfc_bot.launched")
        );
        assert_eq!(suggest("совсем.другое", &m()), None);
    }
}
