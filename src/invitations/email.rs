//! The invitation email: who invited whom to what, the link, and until when it works.

use crate::{db::outbox::NewEmail, email::html_escape, roles::Role, timestamp::Timestamp};

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
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{subject}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="560" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border:1px solid #e5e7eb;border-radius:10px">
<tr><td style="padding:32px">
<p style="margin:0 0 8px;font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#6b7280">orgspace</p>
<h1 style="margin:0 0 16px;font-size:22px">You are invited to {target}</h1>
<p style="margin:0 0 24px;font-size:15px;line-height:1.5"><strong>{inviter}</strong> ({inviter_email}) invited you to join {place} as {as_what}.</p>
<p style="margin:0 0 24px"><a href="{link}" style="display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:8px;font-weight:600;text-decoration:none">Open the invitation</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#6b7280">Or paste this link into your browser:<br><a href="{link}" style="color:#4f46e5;word-break:break-all">{link}</a></p>
<p style="margin:16px 0 0;font-size:13px;color:#6b7280">The link is for {to} only, works once, and expires on {expires}. If you did not expect this invitation, you can ignore this email: nothing happens unless you accept.</p>
</td></tr></table>
</td></tr></table>
</body></html>
"#,
        subject = h(&subject),
        target = h(target),
        inviter = h(e.inviter_name),
        inviter_email = h(e.inviter_email),
        place = h(&place),
        as_what = as_what,
        link = h(e.link),
        to = h(e.to),
        expires = h(&expires),
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
