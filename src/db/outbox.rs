//! The `email_outbox` table: emails queued in the transaction of the write that causes them,
//! delivered by the background sender (`crate::email::sender`).

use crate::{
    db::{DbError, Exec},
    ids::EmailId,
    timestamp::Timestamp,
};

pub struct NewEmail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmailRecord {
    pub id: EmailId,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
}

pub async fn queue(
    c: &mut impl Exec,
    email: NewEmail<'_>,
    now: Timestamp,
) -> Result<EmailId, DbError> {
    let id = EmailId::new();
    run!(c, x => sqlx::query(
        "INSERT INTO email_outbox (id, recipient, subject, body_text, body_html, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id)
    .bind(email.recipient)
    .bind(email.subject)
    .bind(email.body_text)
    .bind(email.body_html)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(id)
}

/// Emails due for an attempt, oldest first.
pub async fn due(
    c: &mut impl Exec,
    now: Timestamp,
    limit: i64,
) -> Result<Vec<EmailRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT id, recipient, subject, body_text, body_html, attempts FROM email_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(x)
    .await)?)
}

/// Takes the email for one attempt, until `lease_until`: another sender (another instance)
/// that read it as due too finds it taken. False when someone else took it first.
pub async fn claim(
    c: &mut impl Exec,
    id: EmailId,
    now: Timestamp,
    lease_until: Timestamp,
) -> Result<bool, DbError> {
    let done = run!(c, x => sqlx::query(
        "UPDATE email_outbox SET next_attempt_at = $3
         WHERE id = $1 AND sent_at IS NULL AND next_attempt_at <= $2",
    )
    .bind(id)
    .bind(now)
    .bind(lease_until)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Marks it delivered, and drops its bodies: they hold the invitation link, which the database
/// keeps no longer than it must.
pub async fn mark_sent(c: &mut impl Exec, id: EmailId, now: Timestamp) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE email_outbox SET sent_at = $2, attempts = attempts + 1, body_text = '', body_html = '',
            last_error = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(
    c: &mut impl Exec,
    id: EmailId,
    error: &str,
    next_attempt_at: Timestamp,
) -> Result<(), DbError> {
    let error: String = error.chars().take(1000).collect();
    run!(c, x => sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(next_attempt_at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}
