//! The `rate_limits` table: fixed-window counters, shared by every instance on the database.

use crate::{
    db::{DbError, Exec},
    timestamp::Timestamp,
};

/// Counts one more hit of `bucket` in the window starting at `window_start` (a new window
/// starts from nothing); answers the hits of the window, this one included.
pub async fn hit(c: &mut impl Exec, bucket: &str, window_start: Timestamp) -> Result<i64, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
            hits = CASE WHEN rate_limits.window_start = excluded.window_start
                        THEN rate_limits.hits + 1 ELSE 1 END,
            window_start = excluded.window_start
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(x)
    .await)?)
}

/// The hits of `bucket` in the window starting at `window_start`, counting nothing.
pub async fn hits(
    c: &mut impl Exec,
    bucket: &str,
    window_start: Timestamp,
) -> Result<i64, DbError> {
    let found: Option<i64> = run!(c, x => sqlx::query_scalar(
        "SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_optional(x)
    .await)?;
    Ok(found.unwrap_or(0))
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
