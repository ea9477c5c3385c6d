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
