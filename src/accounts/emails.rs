//! The emails about an account: verify an address, a new address is on its way, reset a
//! password, and someone tried to sign up with your address. Each has a plain-text body and an
//! HTML one with the same words.

use crate::{db::outbox::NewEmail, email, timestamp::Timestamp};

pub struct Rendered {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Rendered {
    pub fn as_new_email(&self) -> NewEmail<'_> {
        NewEmail {
            recipient: &self.to,
            subject: &self.subject,
            body_text: &self.text,
            body_html: &self.html,
        }
    }
}

/// One email: a heading, paragraphs (plain text, escaped here), an optional button, and a
/// closing note.
struct Letter<'a> {
    to: &'a str,
    subject: String,
    heading: String,
    paragraphs: Vec<String>,
    button: Option<(&'a str, &'a str)>,
    note: String,
}

fn render(l: Letter<'_>) -> Rendered {
    let mut text = String::from("Hello,\n\n");
    for p in &l.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((_, link)) = l.button {
        text.push_str(link);
        text.push_str("\n\n");
    }
    text.push_str(&l.note);
    text.push('\n');
    let mut body: String = l
        .paragraphs
        .iter()
        .map(|p| email::html_paragraph(p))
        .collect();
    if let Some((label, link)) = l.button {
        body.push_str(&email::html_button(label, link));
    }
    let html = email::html_page(&l.subject, &l.heading, &body, &l.note);
    Rendered {
        to: l.to.to_owned(),
        subject: l.subject,
        text,
        html,
    }
}

/// "Confirm your address": at sign-up, on request, or for the address an account changes to.
pub fn verification(
    to: &str,
    name: &str,
    link: &str,
    expires_at: Timestamp,
    change: bool,
) -> Rendered {
    let why = if change {
        format!(
            "{name}, you asked to use {to} for your orgspace account. Confirm it to make the change: until then, your account keeps its current address."
        )
    } else {
        format!(
            "{name}, confirm that {to} is your address. Invitations sent to it show up in orgspace once it is confirmed."
        )
    };
    render(Letter {
        to,
        subject: "Confirm your email address for orgspace".to_owned(),
        heading: "Confirm your email address".to_owned(),
        paragraphs: vec![
            why,
            "Open this link and press the button on its page:".to_owned(),
        ],
        button: Some(("Confirm my address", link)),
        note: format!(
            "The link works once and expires on {}. If you did not ask for this, ignore this email: nothing changes unless the link is used.",
            expires_at.human_date_time()
        ),
    })
}

/// To the old address, when a change to `new_email` was asked for.
pub fn change_notice(to: &str, name: &str, new_email: &str) -> Rendered {
    render(Letter {
        to,
        subject: "Your orgspace address is about to change".to_owned(),
        heading: "A new address was asked for".to_owned(),
        paragraphs: vec![
            format!("{name}, someone signed in to your orgspace account asked to change its address from {to} to {new_email}."),
            "The change happens only once the link sent to the new address is opened. Until then, nothing has changed.".to_owned(),
        ],
        button: None,
        note: "If it was not you, sign in and change your password, then sign out everywhere else from your account page.".to_owned(),
    })
}

/// A password reset link.
pub fn reset(to: &str, name: &str, link: &str, expires_at: Timestamp) -> Rendered {
    render(Letter {
        to,
        subject: "Reset your orgspace password".to_owned(),
        heading: "Reset your password".to_owned(),
        paragraphs: vec![
            format!("{name}, someone (hopefully you) asked to reset the password of the orgspace account of {to}."),
            "Open this link to choose a new password. Every session and script signed in to the account will be signed out; API keys keep working.".to_owned(),
        ],
        button: Some(("Choose a new password", link)),
        note: format!(
            "The link works once and expires on {}. If you did not ask for it, ignore this email: your password stays as it is.",
            expires_at.human_date_time()
        ),
    })
}

/// To the owner of an address someone tried to sign up with.
pub fn sign_up_attempt(to: &str, sign_in: &str, forgot: &str) -> Rendered {
    render(Letter {
        to,
        subject: "Someone tried to create an orgspace account with your address".to_owned(),
        heading: "Your address is already in use".to_owned(),
        paragraphs: vec![
            format!(
                "Someone tried to create an orgspace account with {to}, which already has one."
            ),
            format!("If it was you: sign in at {sign_in}, or reset your password at {forgot}."),
        ],
        button: None,
        note: "If it was not you, nothing changed: no account was created and yours is as it was."
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_say_what_happens_and_escape_what_they_quote() {
        let expires = Timestamp::from_unix_millis(1_796_000_000_000);
        let v = verification(
            "ada@example.com",
            "Ada <L>",
            "https://o.example/verify/abc",
            expires,
            false,
        );
        assert!(v.text.contains("https://o.example/verify/abc"));
        assert!(v.text.contains("expires on Nov 30, 2026"));
        assert!(v.html.contains("Ada &lt;L&gt;"));
        assert!(!v.html.contains("<L>"));
        let c = verification(
            "new@example.com",
            "Ada",
            "https://o.example/verify/x",
            expires,
            true,
        );
        assert!(c.text.contains("keeps its current address"));
        let n = change_notice("old@example.com", "Ada", "new@example.com");
        assert!(n.text.contains("from old@example.com to new@example.com"));
        let r = reset(
            "ada@example.com",
            "Ada",
            "https://o.example/reset-password/t",
            expires,
        );
        assert!(r.text.contains("API keys keep working"));
        let s = sign_up_attempt(
            "ada@example.com",
            "https://o.example/signin",
            "https://o.example/forgot-password",
        );
        assert!(s.text.contains("nothing changed"));
        assert!(s.text.contains("https://o.example/forgot-password"));
    }
}
