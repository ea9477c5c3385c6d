//! Who may create an account: the operator's `--sign-up` policy.

use serde::{Deserialize, Serialize};

/// `open` (anyone), `invite-only` (only invitation links make accounts, but for the first
/// account of an empty instance) or `domains:example.com,example.org` (only addresses at those
/// domains). Invitation links are never refused by it: an admin chose that address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignUpPolicy {
    #[default]
    Open,
    InviteOnly,
    /// Lowercased, without a leading `@`.
    Domains(Vec<String>),
}

impl SignUpPolicy {
    pub fn parse(raw: &str) -> Result<SignUpPolicy, String> {
        let raw = raw.trim();
        match raw.to_ascii_lowercase().as_str() {
            "open" => return Ok(SignUpPolicy::Open),
            "invite-only" => return Ok(SignUpPolicy::InviteOnly),
            _ => {}
        }
        let Some(list) = raw.strip_prefix("domains:") else {
            return Err(format!(
                "{raw:?}: expected open, invite-only or domains:example.com,example.org"
            ));
        };
        let mut domains = Vec::new();
        for d in list.split(',').map(|d| d.trim().trim_start_matches('@')) {
            let d = d.to_ascii_lowercase();
            let plain = !d.is_empty()
                && d.len() <= 253
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !plain {
                return Err(format!("{raw:?}: {d:?} is not a domain name"));
            }
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
        Ok(SignUpPolicy::Domains(domains))
    }

    /// Whether a plain sign-up (not through an invitation) may make an account for `email`
    /// (normalised), `first` saying whether the instance has no account yet.
    pub fn admits(&self, email: &str, first: bool) -> Result<(), String> {
        match self {
            SignUpPolicy::Open => Ok(()),
            SignUpPolicy::InviteOnly if first => Ok(()),
            SignUpPolicy::InviteOnly => Err(
                "Accounts here are made through invitations: ask an admin of your organization to invite you."
                    .to_owned(),
            ),
            SignUpPolicy::Domains(domains) => {
                let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
                if domains.iter().any(|d| d == domain) {
                    Ok(())
                } else {
                    Err(format!(
                        "Accounts here are for addresses at {}.",
                        list_of(domains)
                    ))
                }
            }
        }
    }
}

/// `a.com`, `a.com or b.org`, `a.com, b.org or c.net`.
pub fn list_of(domains: &[String]) -> String {
    match domains {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_read_from_the_flag() {
        assert_eq!(SignUpPolicy::parse("open"), Ok(SignUpPolicy::Open));
        assert_eq!(
            SignUpPolicy::parse(" Invite-Only "),
            Ok(SignUpPolicy::InviteOnly)
        );
        assert_eq!(
            SignUpPolicy::parse("domains:Example.com, @example.org,example.com"),
            Ok(SignUpPolicy::Domains(vec![
                "example.com".into(),
                "example.org".into()
            ]))
        );
        for bad in [
            "",
            "closed",
            "domains:",
            "domains:example",
            "domains:a..b,",
            "domains:ex ample.com",
        ] {
            assert!(SignUpPolicy::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_policy_admits_what_it_says() {
        assert!(SignUpPolicy::Open.admits("a@b.c", false).is_ok());
        assert!(SignUpPolicy::InviteOnly.admits("a@b.c", true).is_ok());
        assert!(SignUpPolicy::InviteOnly.admits("a@b.c", false).is_err());
        let d = SignUpPolicy::parse("domains:example.com,example.org").unwrap();
        assert!(d.admits("ada@example.org", false).is_ok());
        assert_eq!(
            d.admits("ada@evil.example.com", false),
            Err("Accounts here are for addresses at example.com or example.org.".to_owned())
        );
        assert!(d.admits("ada@example.com.evil", true).is_err());
    }
}
