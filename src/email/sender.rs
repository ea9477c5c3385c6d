//! The background sender: polls the outbox, claims what is due, delivers it, and schedules a
//! retry with exponential backoff when delivery fails.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use crate::{
    db::{
        Db, DbError,
        outbox::{self, EmailRecord},
    },
    email::Outbox,
    timestamp::Timestamp,
};

/// How often the queue is read without being woken (emails queued by another instance, and
/// retries that fall due).
const POLL: Duration = Duration::from_secs(5);
/// How long an attempt holds its email before another sender may try it.
const LEASE_MS: i64 = 120_000;
const FIRST_RETRY_MS: i64 = 5_000;
const LAST_RETRY_MS: i64 = 3_600_000;
/// Emails per pass.
const BATCH: i64 = 20;

/// The wait before attempt `attempts + 1`: 5 s, 10 s, 20 s, ... up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doubled = FIRST_RETRY_MS.saturating_mul(1_i64 << attempts.clamp(0, 20));
    doubled.min(LAST_RETRY_MS)
}

/// Starts the sender for `smtp_url`; it runs until the process ends.
pub fn spawn(db: Db, outbox: Outbox, smtp_url: &url::Url, from: &str) -> Result<(), String> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url.as_str())
        .map_err(|e| format!("--smtp-url: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let from: Mailbox = from.parse().map_err(|e| format!("--smtp-from: {e}"))?;
    tokio::spawn(async move {
        loop {
            match pass(&db, &transport, &from).await {
                // A full batch: there may be more due already (a backlog after a restart, or a
                // burst of invitations): the next pass starts at once, not after the poll.
                Ok(delivered) if delivered >= BATCH as usize => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "email outbox: could not read the queue"),
            }
            tokio::select! {
                () = outbox.woken() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
    Ok(())
}

/// One pass over what is due (at most a batch). Answers how many were delivered.
pub async fn pass(
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
) -> Result<usize, DbError> {
    let now = Timestamp::now();
    let due = {
        let mut c = db.conn().await?;
        outbox::due(&mut c, now, BATCH).await?
    };
    let mut delivered = 0;
    for email in due {
        let mut c = db.conn().await?;
        let lease = Timestamp::from_unix_millis(now.unix_millis() + LEASE_MS);
        if !outbox::claim(&mut c, email.id, now, lease).await? {
            continue; // another instance has it
        }
        match deliver(transport, from, &email).await {
            Ok(()) => {
                outbox::mark_sent(&mut c, email.id, Timestamp::now()).await?;
                tracing::info!(email = %email.id, subject = %email.subject, "email sent");
                delivered += 1;
            }
            Err(e) => {
                let retry = Timestamp::from_unix_millis(
                    Timestamp::now().unix_millis() + backoff_ms(i64::from(email.attempts)),
                );
                tracing::warn!(
                    email = %email.id, attempts = email.attempts + 1, error = %e,
                    "email not delivered; will retry"
                );
                outbox::mark_failed(&mut c, email.id, &e, retry).await?;
            }
        }
    }
    Ok(delivered)
}

async fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    email: &EmailRecord,
) -> Result<(), String> {
    let to: Mailbox = email
        .recipient
        .parse()
        .map_err(|e| format!("recipient {:?}: {e}", email.recipient))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            email.body_html.clone(),
        ))
        .map_err(|e| e.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff_ms(0), 5_000);
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(5), 160_000);
        assert_eq!(backoff_ms(10), 3_600_000);
        assert_eq!(backoff_ms(10_000), 3_600_000);
    }
}
