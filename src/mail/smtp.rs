//! Delivery over SMTP with lettre's blocking transport: STARTTLS by
//! default, implicit TLS, or plain for a relay on the loopback or inside
//! the ministry's network; the password only from the environment. Every
//! failure is one Russian message; the server's own text stays in the
//! journal, never in a message.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport};

/// The environment variable the password is read from.
pub const PASSWORD_VAR: &str = "MAX_RATING_SMTP_PASSWORD";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required), port 587.
    StartTls,
    /// TLS from the first byte, port 465.
    Tls,
    /// No encryption, port 25: a relay on the loopback or the local network.
    None,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// The server and how to log in.
#[derive(Debug, Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Extra root certificates (PEM), for a server with a private CA.
    pub ca_pem: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl Server {
    /// `host` or `host:port` (`[::1]:2525` for IPv6).
    pub fn parse_address(text: &str, security: Security) -> Result<(String, u16), SmtpError> {
        let bad = || SmtpError::Address(text.to_string());
        let t = text.trim();
        let (host, port) = if let Some(rest) = t.strip_prefix('[') {
            let (h, after) = rest.split_once(']').ok_or_else(bad)?;
            (h, after.strip_prefix(':'))
        } else {
            match t.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                _ => (t, None),
            }
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(bad());
        }
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?,
            None => security.default_port(),
        };
        Ok((host.to_string(), port))
    }

    /// `host:port`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// A delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpError {
    #[error("адрес сервера «{0}» не распознан: ожидалось ИМЯ или ИМЯ:ПОРТ (smtp.example.ru:587)")]
    Address(String),
    #[error("указан --user, но пароль не задан: задайте его в переменной окружения {PASSWORD_VAR}")]
    NoPassword,
    #[error("не удалось прочитать сертификат {0}: ожидался файл PEM")]
    Certificate(String),
    #[error("не удалось подключиться к серверу {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error(
        "не удалось установить защищённое соединение с сервером {server}: проверьте --tls (starttls, tls или none) и сертификат сервера (--ca-cert)"
    )]
    Tls { server: String },
    #[error("сервер {server} отклонил имя пользователя или пароль (код {code}): проверьте --user и {PASSWORD_VAR}")]
    Auth { server: String, code: u16 },
    #[error("сервер {server} требует входа (код {code}): укажите --user и пароль в {PASSWORD_VAR}")]
    AuthRequired { server: String, code: u16 },
    #[error("сервер отклонил письмо для {address} (код {code})")]
    Rejected { address: String, code: u16 },
    #[error("сервер временно не принял письмо для {address} (код {code}): повторите send позже")]
    Deferred { address: String, code: u16 },
    #[error("{0}")]
    Message(String),
    #[error("соединение с сервером {server} прервано: {reason}")]
    Dropped { server: String, reason: String },
}

impl SmtpError {
    /// Whether the failure concerns this message only (the others may
    /// still go), rather than the server or the connection.
    pub fn is_per_message(&self) -> bool {
        matches!(
            self,
            SmtpError::Rejected { .. } | SmtpError::Deferred { .. } | SmtpError::Message(_)
        )
    }
}

/// The Russian reason of the first I/O error behind `e`.
fn io_reason(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(crate::diag::io_reason(io));
        }
        source = err.source();
    }
    None
}

/// Maps lettre's error: `address` the recipient (none while connecting and
/// logging in: a failure there is the server's or the address's; with an
/// address, after the check passed, a lost connection is a drop).
fn classify(e: &lettre::transport::smtp::Error, server: &Server, address: Option<&str>) -> SmtpError {
    let label = server.label();
    if let Some(code) = e.status() {
        let code = u16::from(code);
        return match (code, address) {
            (530, _) => SmtpError::AuthRequired { server: label, code },
            (534 | 535 | 538, _) => SmtpError::Auth { server: label, code },
            (421, _) => SmtpError::Dropped {
                server: label,
                reason: format!("сервер закрыл соединение (код {code})"),
            },
            (c, Some(a)) if c >= 500 => SmtpError::Rejected {
                address: a.to_string(),
                code,
            },
            (_, Some(a)) => SmtpError::Deferred {
                address: a.to_string(),
                code,
            },
            (_, None) => SmtpError::Connect {
                server: label,
                reason: format!("сервер отказал в обслуживании (код {code})"),
            },
        };
    }
    if e.is_tls() {
        return SmtpError::Tls { server: label };
    }
    if e.is_client()
        && server.security == Security::StartTls
        && address.is_none()
        && !format!("{e:?}").contains("authentication")
    {
        return SmtpError::Connect {
            server: label,
            reason: "сервер не поддерживает STARTTLS: для сервера в своей сети укажите --tls none, для защищённого порта — --tls tls".into(),
        };
    }
    if e.is_client() && server.user.is_some() && address.is_none() {
        return SmtpError::Connect {
            server: label,
            reason: "сервер не предлагает вход по имени и паролю (AUTH): уберите --user или проверьте --tls".into(),
        };
    }
    if server.security == Security::Tls && address.is_none() && !e.is_timeout() && !e.is_response() {
        return SmtpError::Tls { server: label };
    }
    match address {
        // Sending: the server answered the check, so a reply cut off or
        // not understood is a connection that broke (a server that went
        // away), never a wrong port.
        Some(_) => SmtpError::Dropped {
            server: label,
            reason: dropped_reason(e),
        },
        None => SmtpError::Connect {
            server: label,
            reason: connect_reason(e),
        },
    }
}

/// Why connecting failed (no message sent on this connection yet).
fn connect_reason(e: &lettre::transport::smtp::Error) -> String {
    if e.is_timeout() {
        "сервер не отвечает (истекло время ожидания)".to_string()
    } else if e.is_response() {
        "ответ сервера не по протоколу SMTP: проверьте адрес, порт и --tls".to_string()
    } else {
        io_reason(e).unwrap_or_else(|| "соединение разорвано".to_string())
    }
}

/// Why a connection broke while sending.
fn dropped_reason(e: &lettre::transport::smtp::Error) -> String {
    if e.is_timeout() {
        "сервер перестал отвечать (истекло время ожидания)".to_string()
    } else {
        io_reason(e).unwrap_or_else(|| "сервер закрыл соединение, не ответив на команду".to_string())
    }
}

/// A transport to `server`. The host is not contacted yet.
pub fn transport(server: &Server) -> Result<SmtpTransport, SmtpError> {
    if server.user.is_some() && server.password.is_none() {
        return Err(SmtpError::NoPassword);
    }
    let tls = match server.security {
        Security::None => Tls::None,
        sec => {
            let mut b = TlsParameters::builder(server.host.clone());
            if let Some(pem) = &server.ca_pem {
                let cert = Certificate::from_pem(pem).map_err(|_| SmtpError::Certificate(server.host.clone()))?;
                b = b.add_root_certificate(cert);
            }
            let params = b
                .build_rustls()
                .map_err(|_| SmtpError::Tls { server: server.label() })?;
            if sec == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };
    let mut b = SmtpTransport::builder_dangerous(server.host.clone())
        .port(server.port)
        .tls(tls)
        .timeout(Some(server.timeout));
    if let (Some(u), Some(p)) = (&server.user, &server.password) {
        b = b.credentials(Credentials::new(u.clone(), p.clone()));
    }
    Ok(b.build())
}

/// Connects, says hello and logs in, then leaves: an unreachable server or
/// a wrong password is found before anything is sent.
pub fn check(t: &SmtpTransport, server: &Server) -> Result<(), SmtpError> {
    match t.test_connection() {
        Ok(true) => Ok(()),
        Ok(false) => Err(SmtpError::Connect {
            server: server.label(),
            reason: "сервер не ответил на проверку соединения".into(),
        }),
        Err(e) => Err(classify(&e, server, None)),
    }
}

/// Sends `bytes` from `from` to one address; the server's reply on success.
pub fn deliver(t: &SmtpTransport, server: &Server, from: &str, to: &str, bytes: &[u8]) -> Result<String, SmtpError> {
    let bad = |a: &str| SmtpError::Message(format!("«{a}» не является адресом электронной почты"));
    let from = from.parse::<lettre::message::Mailbox>().map_err(|_| bad(from))?.email;
    let rcpt = to.parse::<Address>().map_err(|_| bad(to))?;
    let envelope = Envelope::new(Some(from), vec![rcpt]).map_err(|_| bad(to))?;
    match t.send_raw(&envelope, bytes) {
        Ok(r) => {
            let text: Vec<&str> = r.message().collect();
            Ok(format!("{} {}", u16::from(r.code()), text.join(" ")).trim().to_string())
        }
        Err(e) => Err(classify(&e, server, Some(to))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        assert_eq!(
            Server::parse_address("smtp.example.ru", Security::StartTls).unwrap(),
            ("smtp.example.ru".into(), 587)
        );
        assert_eq!(
            Server::parse_address("127.0.0.1:2525", Security::None).unwrap(),
            ("127.0.0.1".into(), 2525)
        );
        assert_eq!(
            Server::parse_address("[::1]:25", Security::None).unwrap(),
            ("::1".into(), 25)
        );
        assert!(Server::parse_address("host:порт", Security::None).is_err());
        assert!(Server::parse_address("", Security::None).is_err());
    }
}
