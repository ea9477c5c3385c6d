//! The invitation email: who invited whom to what, the link, and until when it works.

use crate::{
    db::outbox::NewEmail,
    email::{self, html_escape},
    roles::Role,
    timestamp::Timestamp,
};

pub struct InvitationEmail<'a> {
    pub to: &'a str,
    pub inviter_name: &'a str,
    pub inviter_email: &'a str,
    pub organization: &'a str,
    /// For a workspace guest: the workspace.
    pub workspace: Option<&'a str>,
    pub role: Role,
    pub link: &'a str,
    pub expires_at: Timestamp,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Rendered {
    pub fn as_new_email<'a>(&'a self, to: &'a str) -> NewEmail<'a> {
        NewEmail {
            recipient: to,
            subject: &self.subject,
            body_text: &self.text,
            body_html: &self.html,
        }
    }
}

pub fn render(e: &InvitationEmail<'_>) -> Rendered {
    let (place, as_what) = match (e.workspace, e.role) {
        (Some(ws), _) => (
            format!("the {ws} workspace of {}", e.organization),
            "a guest".to_owned(),
        ),
        (None, Role::Admin) => (e.organization.to_owned(), "an admin".to_owned()),
        (None, _) => (e.organization.to_owned(), "a member".to_owned()),
    };
    let target = e.workspace.unwrap_or(e.organization);
    let subject = format!("{} invited you to {target} on orgspace", e.inviter_name);
    let expires = e.expires_at.human_date_time();
    let text = format!(
        "Hello,\n\n\
         {inviter} ({inviter_email}) invited you to join {place} as {as_what} on orgspace.\n\n\
         Open this link to accept or decline:\n{link}\n\n\
         The link is for {to} only, works once, and expires on {expires}.\n\n\
         If you did not expect this invitation, you can ignore this email: nothing happens \
         unless you accept.\n",
        inviter = e.inviter_name,
        inviter_email = e.inviter_email,
        link = e.link,
        to = e.to,
    );
    let h = html_escape;
    let body = format!(
        r#"<p style="margin:0 0 24px;font-size:15px;line-height:1.5"><strong>{inviter}</strong> ({inviter_email}) invited you to join {place} as {as_what}.</p>
{button}"#,
        inviter = h(e.inviter_name),
        inviter_email = h(e.inviter_email),
        place = h(&place),
        button = email::html_button("Open the invitation", e.link),
    );
    let html = email::html_page(
        &subject,
        &format!("You are invited to {target}"),
        &body,
        &format!(
            "The link is for {} only, works once, and expires on {expires}. If you did not expect this invitation, you can ignore this email: nothing happens unless you accept.",
            e.to
        ),
    );
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_names_who_invited_whom_to_what_with_link_and_expiry() {
        let r = render(&InvitationEmail {
            to: "new@example.com",
            inviter_name: "Ada <Lovelace>",
            inviter_email: "ada@example.com",
            organization: "Engines & Co",
            workspace: None,
            role: Role::Admin,
            link: "https://orgs.example.com/invite/abc",
            expires_at: Timestamp::from_unix_millis(1_796_000_000_000),
        });
        assert_eq!(
            r.subject,
            "Ada <Lovelace> invited you to Engines & Co on orgspace"
        );
        assert!(r.text.contains(
            "Ada <Lovelace> (ada@example.com) invited you to join Engines & Co as an admin"
        ));
        assert!(r.text.contains("https://orgs.example.com/invite/abc"));
        assert!(r.text.contains("for new@example.com only"));
        assert!(r.text.contains("expires on Nov 30, 2026 at"));
        assert!(r.html.contains("Ada &lt;Lovelace&gt;"));
        assert!(r.html.contains("Engines &amp; Co"));
        assert!(!r.html.contains("<Lovelace>"));
    }
}
