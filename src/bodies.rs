//! Responsible bodies: who must do what. Names come from `region.toml`
//! (`[[bodies]]`, the steps' `responsible` lists) and from the submissions;
//! each body gets a stable ASCII slug for its folder and form.

use std::collections::BTreeSet;

use crate::region::{Body, Region};

/// Transliterates Russian text to a lowercase ASCII slug safe in file names:
/// `Минздрав` → `minzdrav`, `КГАУ «МФЦ»` → `kgau-mfts`.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let t: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(t);
    }
    let mut slug = String::new();
    for part in out.split('-').filter(|p| !p.is_empty()) {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(part);
    }
    let mut slug: String = slug.chars().take(60).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        return "body".into();
    }
    // Names Windows reserves for devices are not folder names there.
    let device = matches!(slug.as_str(), "con" | "prn" | "aux" | "nul")
        || (slug.len() == 4
            && (slug.starts_with("com") || slug.starts_with("lpt"))
            && slug.as_bytes()[3].is_ascii_digit());
    if device { format!("{slug}-body") } else { slug }
}

/// Only `[a-z0-9-]`, not empty, no leading dash: safe as a folder name.
pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A body as the outputs know it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BodyInfo {
    pub slug: String,
    pub name: String,
    pub full_name: String,
    /// The e-mail addresses of `[[bodies]]` (none for a body met only in
    /// the plan).
    pub emails: Vec<String>,
    /// The letter's addressee (dative), where given.
    pub head_position: Option<String>,
    pub head_name: Option<String>,
}

/// The registry of bodies of one build.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub bodies: Vec<BodyInfo>,
    aliases: Vec<(String, usize)>,
}

impl Registry {
    /// Builds the registry from the configured bodies, then adds every other
    /// name met in the steps (in order), with transliterated slugs made
    /// unique.
    pub fn new(region: &Region, extra_names: &[String]) -> Registry {
        let mut r = Registry::default();
        for b in &region.bodies {
            r.add_configured(b);
        }
        let mut names: Vec<String> = region.steps.iter().flat_map(|s| s.responsible.list()).collect();
        names.extend(extra_names.iter().cloned());
        for n in names {
            if r.find(&n).is_none() {
                r.add(&n, None, &n, &[]);
            }
        }
        r
    }

    fn add_configured(&mut self, b: &Body) {
        let slug = b.slug.clone().filter(|s| is_safe_slug(s));
        let full = b.full_name.clone().unwrap_or_else(|| b.name.clone());
        self.add(&b.name, slug, &full, &b.aliases);
        if let Some(last) = self.bodies.last_mut() {
            last.emails = b.email.list();
            last.head_position = b.head_position.clone();
            last.head_name = b.head_name.clone();
        }
    }

    fn add(&mut self, name: &str, slug: Option<String>, full: &str, aliases: &[String]) {
        let taken: BTreeSet<&str> = self.bodies.iter().map(|b| b.slug.as_str()).collect();
        let base = slug.unwrap_or_else(|| slugify(name));
        let mut slug = base.clone();
        let mut i = 2;
        while taken.contains(slug.as_str()) {
            slug = format!("{base}-{i}");
            i += 1;
        }
        let idx = self.bodies.len();
        self.bodies.push(BodyInfo {
            slug,
            name: name.to_string(),
            full_name: full.to_string(),
            emails: Vec::new(),
            head_position: None,
            head_name: None,
        });
        self.aliases.push((crate::names::key(name), idx));
        self.aliases.push((crate::names::key(full), idx));
        for a in aliases {
            self.aliases.push((crate::names::key(a), idx));
        }
    }

    /// The body a name refers to (by name, full name or alias; ignoring
    /// case, quotes and spacing).
    pub fn find(&self, name: &str) -> Option<&BodyInfo> {
        let n = crate::names::key(name);
        self.aliases
            .iter()
            .find(|(a, _)| *a == n)
            .map(|(_, i)| &self.bodies[*i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Минздрав"), "minzdrav");
        assert_eq!(slugify("Госжилинспекция"), "goszhilinspektsiya");
        assert_eq!(
            slugify("КГАУ «МФЦ Забайкальского края»"),
            "kgau-mfts-zabaykalskogo-kraya"
        );
        assert_eq!(slugify("Минэкономразвития"), "minekonomrazvitiya");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Отдел: \"А/Б\""), "otdel-a-b");
        assert_eq!(slugify("«»"), "body");
        assert_eq!(slugify("CON"), "con-body");
        assert_eq!(slugify("lpt1"), "lpt1-body");
        assert_eq!(slugify("Консалтинг"), "konsalting");
        assert!(is_safe_slug(&slugify("Щ/:*?\"<>|")));
    }

    #[test]
    fn registry_matches_aliases_and_dedupes() {
        let region = Region::parse(
            r#"
            [[bodies]]
            name = "КГАУ «МФЦ Забайкальского края»"
            slug = "mfc"
            aliases = ["КГАУ «МФЦ»"]
            [[steps]]
            key = "k2.mfc"
            responsible = "Минэкономразвития; КГАУ МФЦ"
            [[steps]]
            key = "x"
            responsible = ["Мин/здрав", "Мин:здрав"]
            "#,
            "r.toml",
        )
        .unwrap();
        let r = Registry::new(&region, &[]);
        assert_eq!(r.find("кгау  «мфц»").map(|b| b.slug.as_str()), Some("mfc"));
        assert_eq!(
            r.find("Минэкономразвития").map(|b| b.slug.as_str()),
            Some("minekonomrazvitiya")
        );
        let slugs: Vec<&str> = r.bodies.iter().map(|b| b.slug.as_str()).collect();
        assert!(
            slugs.contains(&"min-zdrav") && slugs.contains(&"min-zdrav-2"),
            "{slugs:?}"
        );
    }
}
