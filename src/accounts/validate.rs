//! Validation shared by the browser (instant feedback) and the server (always).

use crate::error::FieldErrors;

pub const NAME_MAX: usize = 100;
pub const PASSWORD_MIN: usize = 8;
/// Long enough for any passphrase or password manager; short enough that hashing it is cheap.
pub const PASSWORD_MAX: usize = 256;
pub const EMAIL_MAX: usize = 254;

/// Trims and lowercases an email address, or says what is wrong with it.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.");
    }
    if email.chars().count() > EMAIL_MAX {
        return Err("That email address is too long.");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err("Enter an email address like name@example.com.");
    };
    let bad_char =
        |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"');
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || local.len() > 64 || !domain_ok || email.chars().any(bad_char) {
        return Err("Enter an email address like name@example.com.");
    }
    Ok(email)
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn normalize_name(raw: &str, what: &'static str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!("Keep {what} to {NAME_MAX} characters or fewer."));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("Remove the special characters from {what}."));
    }
    Ok(name.to_owned())
}

/// An optional description: trimmed, at most `max` characters, no control characters other
/// than line breaks and tabs.
pub fn normalize_description(raw: &str, max: usize) -> Result<String, String> {
    let description = raw.trim();
    if description.chars().count() > max {
        return Err(format!(
            "Keep the description to {max} characters or fewer."
        ));
    }
    if description
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("Remove the special characters from the description.".to_owned());
    }
    Ok(description.to_owned())
}

/// Passwords: 8 to 256 characters, no composition rules (NIST SP 800-63B). Never trimmed.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters."));
    }
    if n > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters."));
    }
    Ok(())
}

/// A sign-up form after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub organization: String,
}

pub fn validate_sign_up(
    name: &str,
    email: &str,
    password: &str,
    organization: &str,
) -> Result<ValidSignUp, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = normalize_name(name, "your name")
        .map_err(|m| errors.add("name", m))
        .ok();
    let email = normalize_email(email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let password_ok = check_password(password)
        .map_err(|m| errors.add("password", m))
        .is_ok();
    let organization = normalize_name(organization, "an organization name")
        .map_err(|m| errors.add("organization", m))
        .ok();
    match (name, email, password_ok, organization) {
        (Some(name), Some(email), true, Some(organization)) if errors.is_empty() => {
            Ok(ValidSignUp {
                name,
                email,
                password: password.to_owned(),
                organization,
            })
        }
        _ => Err(errors),
    }
}

/// Sign-in only checks that something was typed: the password rules may have changed since
/// the account was made, and a wrong password must answer the same as a wrong email.
pub fn validate_sign_in(email: &str, password: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = normalize_email(email)
        .map_err(|m| errors.add("email", m))
        .ok();
    if password.is_empty() {
        errors.add("password", "Enter your password.");
    } else if password.chars().count() > PASSWORD_MAX {
        errors.add("password", "That password is too long.");
    }
    match email {
        Some(email) if errors.is_empty() => Ok(email),
        _ => Err(errors),
    }
}

/// Where to go after signing in: only a path on this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_trimmed_bounded_and_plain() {
        assert_eq!(
            normalize_description("  Two lines\nand a\ttab  ", 100),
            Ok("Two lines\nand a\ttab".to_owned())
        );
        assert_eq!(normalize_description("", 100), Ok(String::new()));
        assert_eq!(normalize_description(&"é".repeat(5), 5), Ok("é".repeat(5)));
        assert_eq!(
            normalize_description(&"é".repeat(6), 5),
            Err("Keep the description to 5 characters or fewer.".to_owned())
        );
        assert_eq!(
            normalize_description("bell\u{7}", 100),
            Err("Remove the special characters from the description.".to_owned())
        );
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalize_email("  Ada@Example.COM "),
            Ok("ada@example.com".into())
        );
        assert_eq!(
            normalize_email("ÉLODIE@exämple.fr"),
            Ok("élodie@exämple.fr".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@.example.com",
            "ada@example.com.",
            "a da@example.com",
            "ada@exa..mple.com",
            "<ada@example.com>",
            "ada\u{7}@example.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(normalize_email(&long).is_err());
    }

    #[test]
    fn passwords_have_a_length_and_nothing_else() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password("ñññññññ").is_err(), "counted in characters");
        assert!(check_password(&"x".repeat(256)).is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn sign_up_reports_every_field() {
        let errors = validate_sign_up(" ", "nope", "short", "").unwrap_err();
        for field in ["name", "email", "password", "organization"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = validate_sign_up(
            " Ada Lovelace ",
            "ADA@example.com",
            "analytical engine",
            " Engines ",
        )
        .unwrap();
        assert_eq!(ok.name, "Ada Lovelace");
        assert_eq!(ok.email, "ada@example.com");
        assert_eq!(ok.organization, "Engines");
        assert!(validate_sign_up("Ada\u{0}", "ada@example.com", "12345678", "x").is_err());
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/invitations/abc?x=1")),
            "/invitations/abc?x=1"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
