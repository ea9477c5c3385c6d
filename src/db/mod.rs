//! The data layer: every SQL statement of orgspace lives under this module.
//!
//! One `Db` serves SQLite (the embedded default) or PostgreSQL, chosen by the URL. Each query
//! is written once, in SQL both backends accept (`$1` parameters, `RETURNING`, `ON CONFLICT`),
//! and [`run!`] expands it once per backend so that each gets its native types. Where the two
//! really differ, the difference is spelled out here and nowhere else.

/// Runs `$body` with `$x` bound to the backend's own connection type: the body is written once
/// and compiled once per backend. Exported for the integration tests; inside the crate it is
/// `run!`.
#[doc(hidden)]
#[macro_export]
macro_rules! db_run {
    ($c:expr, $x:ident => $body:expr) => {
        match $crate::db::Exec::exec($c) {
            $crate::db::Executor::Sqlite($x) => $body,
            $crate::db::Executor::Postgres($x) => $body,
        }
    };
}

macro_rules! run {
    ($($t:tt)*) => { $crate::db_run!($($t)*) };
}

/// Stores an enum with `as_str()` and `FromStr` as TEXT on both backends; the schema holds the
/// CHECK constraint listing its values.
macro_rules! text_enum {
    ($ty:ty) => {
        impl sqlx::Type<sqlx::Sqlite> for $ty {
            fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
                <&str as sqlx::Type<sqlx::Sqlite>>::type_info()
            }
            fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
            }
        }
        impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Sqlite>>::encode(self.as_str(), buf)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for $ty {
            fn decode(
                value: sqlx::sqlite::SqliteValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value)?.parse()?)
            }
        }
        impl sqlx::Type<sqlx::Postgres> for $ty {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }
        impl sqlx::Encode<'_, sqlx::Postgres> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'_, sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $ty {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?.parse()?)
            }
        }
    };
}
pub(crate) use text_enum;

pub mod access_tokens;
pub mod account_links;
pub mod api_keys;
pub mod audit;
pub mod channels;
pub mod invitations;
pub mod limits;
pub mod organizations;
pub mod outbox;
pub mod rate_limits;
pub mod usage;
pub mod users;
pub mod workspaces;

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
    pool::PoolConnection,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::error::AppError;

/// A pool over one of the supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What went wrong in the data layer, classified once so that callers never read error text.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unique constraint violated")]
    UniqueViolation,
    #[error("foreign key constraint violated")]
    ForeignKeyViolation,
    #[error("check constraint violated")]
    CheckViolation,
    /// Text the database cannot hold (PostgreSQL refuses the NUL character). Input is checked
    /// before it gets here; this is the net under those checks.
    #[error("text the database cannot store")]
    UnstorableText,
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                ErrorKind::UniqueViolation => return DbError::UniqueViolation,
                ErrorKind::ForeignKeyViolation => return DbError::ForeignKeyViolation,
                ErrorKind::CheckViolation => return DbError::CheckViolation,
                _ => {}
            }
            // 22021: character_not_in_repertoire ("invalid byte sequence for encoding UTF8:
            // 0x00").
            if db.code().as_deref() == Some("22021") {
                return DbError::UnstorableText;
            }
        }
        DbError::Sqlx(e)
    }
}

impl From<DbError> for AppError {
    /// Callers that expect a constraint violation match it first and say what it means; what
    /// reaches this conversion is unexpected, so it is logged and the user sees a plain sentence.
    fn from(e: DbError) -> Self {
        if matches!(e, DbError::UnstorableText) {
            tracing::warn!(error = %e, "input reached the database unchecked");
            return AppError::BadRequest;
        }
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

/// The default database: a SQLite file under `./data`, created on first start.
pub const DEFAULT_URL: &str = "sqlite://data/orgspace.db";

impl Db {
    /// Opens a pool for `url` (`sqlite://path`, `sqlite::memory:` is refused, `postgres://...`).
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            if url.contains(":memory:") || url.contains("mode=memory") {
                // Each pooled connection would get its own empty database.
                return Err(DbError::InvalidUrl(
                    "an in-memory SQLite database cannot be shared by a pool; use a file".into(),
                ));
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL in WAL mode loses nothing when the process dies; only a power cut
                // can drop the last transactions.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                // 1 MiB of page cache per connection rather than SQLite's 2: the operating
                // system caches the file as well, and eight connections that had each read a
                // search through 100,000 members held 16 MiB between them (bench/run's RSS).
                .pragma("cache_size", "-1024");
            if let Some(parent) = Path::new(options.get_filename()).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::InvalidUrl(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(DbError::InvalidUrl(
                "expected sqlite://FILE or postgres://USER@HOST/DATABASE".into(),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend (`migrations/sqlite`, `migrations/postgres`).
    /// On PostgreSQL sqlx holds an advisory lock meanwhile, so instances may start together.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers a query.
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut c = self.conn().await?;
        let one: i32 = run!(&mut c, x => sqlx::query_scalar("SELECT 1").fetch_one(x).await)?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// A pooled connection for reads (each statement is its own transaction).
    pub async fn conn(&self) -> Result<Conn, DbError> {
        Ok(match self {
            Db::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred transaction
    /// that reads and then writes fails at once under a concurrent writer, whatever the busy
    /// timeout, whereas an immediate one waits its turn.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// A pooled connection.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A borrowed connection of either backend: what every data-layer function runs on.
pub enum Executor<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Something queries can run on: a [`Conn`] or a [`Tx`].
pub trait Exec: Send {
    fn exec(&mut self) -> Executor<'_>;
}

impl Exec for Conn {
    fn exec(&mut self) -> Executor<'_> {
        match self {
            Conn::Sqlite(c) => Executor::Sqlite(c),
            Conn::Postgres(c) => Executor::Postgres(c),
        }
    }
}

impl Exec for Tx {
    fn exec(&mut self) -> Executor<'_> {
        match self {
            Tx::Sqlite(c) => Executor::Sqlite(c),
            Tx::Postgres(c) => Executor::Postgres(c),
        }
    }
}
