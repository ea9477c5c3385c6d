//! Email: the background sender that delivers the outbox over SMTP (lettre).
//!
//! Writes that send email queue it with `db::outbox::queue` in their own transaction and call
//! [`Outbox::wake`]; the sender delivers it, retrying with backoff while the mail server is
//! away, across restarts (the queue is in the database) and across instances (each email is
//! claimed before an attempt).

pub mod sender;

use std::sync::Arc;

use tokio::sync::Notify;

/// A handle to wake this instance's sender when an email was queued.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Tells the sender to look at the queue now rather than at its next poll. Call it after
    /// the transaction that queued an email has committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// Escapes text for an HTML email body.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The HTML of an orgspace email: the frame every one of them shares (a card on a grey page,
/// the name above a heading, a closing note in small print). `heading` and `note` are text,
/// escaped here; `body` is markup its caller escaped.
pub fn html_page(subject: &str, heading: &str, body: &str, note: &str) -> String {
    let h = html_escape;
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{subject}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="560" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border:1px solid #e5e7eb;border-radius:10px">
<tr><td style="padding:32px">
<p style="margin:0 0 8px;font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#6b7280">orgspace</p>
<h1 style="margin:0 0 16px;font-size:22px">{heading}</h1>
{body}
<p style="margin:16px 0 0;font-size:13px;color:#6b7280">{note}</p>
</td></tr></table>
</td></tr></table>
</body></html>
"#,
        subject = h(subject),
        heading = h(heading),
        note = h(note),
    )
}

/// A paragraph of an email's HTML body, from text.
pub fn html_paragraph(text: &str) -> String {
    format!(
        r#"<p style="margin:0 0 24px;font-size:15px;line-height:1.5">{}</p>"#,
        html_escape(text)
    )
}

/// An email's button to `link`, with the link written out beneath it for pasting.
pub fn html_button(label: &str, link: &str) -> String {
    format!(
        r#"<p style="margin:0 0 24px"><a href="{link}" style="display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:8px;font-weight:600;text-decoration:none">{label}</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#6b7280">Or paste this link into your browser:<br><a href="{link}" style="color:#4f46e5;word-break:break-all">{link}</a></p>"#,
        link = html_escape(link),
        label = html_escape(label),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_is_escaped() {
        assert_eq!(
            super::html_escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }
}
