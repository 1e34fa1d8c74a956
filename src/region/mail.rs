//! The parts of `region.toml` for the collection of forms and for the
//! letters: `[collection]` (the deadline of the forms), `[mail]` (the
//! sender of the e-mails), `[sender]` (the letterhead and signature of the
//! covering letters), and the checks of the e-mail addresses.

use serde::{Deserialize, Serialize};

use super::DeadlineDef;

/// `[collection]`: when the forms are due.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    /// `due = 2026-04-10` (or «10 апреля 2026 г.»).
    pub due: Option<DeadlineDef>,
}

/// `[mail]`: the sender of the e-mail drafts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    /// `"Секретариат рабочей группы <secretariat@region.example>"`.
    pub from: Option<String>,
    /// Where the answers go, when not to `from`.
    pub reply_to: Option<String>,
}

/// `[sender]`: the requisites of the covering letter (ГОСТ Р 7.0.97-2025).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// The organisation of the letterhead.
    pub organization: Option<String>,
    /// Its postal address.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The registration number, `{n}` standing for the letter's number in
    /// the mailing: `"01-12/{n}"`. Without it the date and number are
    /// blank lines to fill in by hand.
    pub registration: Option<String>,
    /// The signatory's position: «Заместитель председателя рабочей группы».
    pub signatory_position: Option<String>,
    /// «И. О. Фамилия».
    pub signatory_name: Option<String>,
    /// The executor: «Фамилия Имя Отчество».
    pub executor: Option<String>,
    pub executor_phone: Option<String>,
}

/// One address or several: `"a@x.example"` or `["a@x.example", "b@x.example"]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Addresses {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Addresses {
    /// The addresses, trimmed, empty ones dropped (a single string may list
    /// several separated by `,` or `;`).
    pub fn list(&self) -> Vec<String> {
        let raw: Vec<&str> = match self {
            Addresses::None => vec![],
            Addresses::One(s) => s.split([',', ';']).collect(),
            Addresses::Many(v) => v.iter().flat_map(|s| s.split([',', ';'])).collect(),
        };
        raw.into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}

/// Whether `text` is one e-mail address (`name@domain`, no display name).
pub fn is_address(text: &str) -> bool {
    text.parse::<lettre::Address>().is_ok()
}

/// Whether `text` is a mailbox: an address, or `Имя <address>`.
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<lettre::message::Mailbox>().is_ok()
}

/// The first address of the region's configuration that is not one, as a
/// message naming its key.
pub fn check_addresses(region: &super::Region) -> Option<String> {
    for b in &region.bodies {
        if let Some(bad) = b.email.list().into_iter().find(|a| !is_address(a)) {
            return Some(format!(
                "[[bodies]] «{}»: email «{bad}» не является адресом электронной почты (ожидалось имя@домен)",
                b.name
            ));
        }
    }
    let mailboxes = [
        ("[mail] from", &region.mail.from),
        ("[mail] reply_to", &region.mail.reply_to),
    ];
    for (key, value) in mailboxes {
        if let Some(v) = value
            && !is_mailbox(v)
        {
            return Some(format!(
                "{key} = «{v}» не является адресом электронной почты (ожидалось «Имя <имя@домен>» или имя@домен)"
            ));
        }
    }
    if let Some(e) = &region.sender.email
        && !is_address(e)
    {
        return Some(format!("[sender] email = «{e}» не является адресом электронной почты"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_one_or_many() {
        assert_eq!(
            Addresses::One("a@x.example; b@x.example".into()).list(),
            ["a@x.example", "b@x.example"]
        );
        assert_eq!(
            Addresses::Many(vec!["a@x.example".into(), " ".into()]).list(),
            ["a@x.example"]
        );
        assert!(Addresses::None.list().is_empty());
        assert!(is_address("minzdrav@zabaykalsky.example"));
        assert!(!is_address("Минздрав"));
        assert!(!is_address("a@b@c"));
        assert!(is_mailbox("Секретариат <s@x.example>"));
    }
}
