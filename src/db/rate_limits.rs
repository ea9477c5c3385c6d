//! The `rate_limits` table: counters over a window that opens at a bucket's first hit, shared by every instance on the database.

use crate::{
    db::{DbError, Exec},
    timestamp::Timestamp,
};

/// Counts one more hit of `bucket` at `now`. A bucket's window starts at its first hit and lasts
/// `window_ms`; a hit after it starts a new window from nothing. Answers the hits of the window,
/// this one included, and when the window started.
pub async fn hit(
    c: &mut impl Exec,
    bucket: &str,
    now: Timestamp,
    window_ms: i64,
) -> Result<(i64, Timestamp), DbError> {
    let since = Timestamp::from_unix_millis(now.unix_millis() - window_ms);
    Ok(run!(c, x => sqlx::query_as(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
            hits = CASE WHEN rate_limits.window_start > $3
                        THEN rate_limits.hits + 1 ELSE 1 END,
            window_start = CASE WHEN rate_limits.window_start > $3
                        THEN rate_limits.window_start ELSE excluded.window_start END
         RETURNING hits, window_start",
    )
    .bind(bucket)
    .bind(now)
    .bind(since)
    .fetch_one(x)
    .await)?)
}

/// Takes one hit back from `bucket`'s window still open at `now` (none below zero; a window
/// that has closed is left alone).
pub async fn release(
    c: &mut impl Exec,
    bucket: &str,
    now: Timestamp,
    window_ms: i64,
) -> Result<(), DbError> {
    let since = Timestamp::from_unix_millis(now.unix_millis() - window_ms);
    run!(c, x => sqlx::query(
        "UPDATE rate_limits SET hits = hits - 1
         WHERE bucket = $1 AND window_start > $2 AND hits > 0",
    )
    .bind(bucket)
    .bind(since)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Forgets the counter of `bucket`.
pub async fn forget(c: &mut impl Exec, bucket: &str) -> Result<(), DbError> {
    run!(c, x => sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
        .bind(bucket)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Forgets counters whose window started before `before`.
pub async fn sweep(c: &mut impl Exec, before: Timestamp) -> Result<u64, DbError> {
    Ok(
        run!(c, x => sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(before)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))?,
    )
}
