//! Password hashing with argon2id (RustCrypto `argon2`, OWASP's parameters: 19 MiB, 2 passes).
//!
//! Hashing takes tens of milliseconds of CPU: it runs on tokio's blocking pool, never on an
//! async worker, and a semaphore bounds how many run at once so that a burst of sign-ins cannot
//! starve page rendering.

use std::sync::{Arc, OnceLock};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::Semaphore;

use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Passwords {
    /// At most `concurrency` hashes at once (at least one).
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// One hash per core but one: more would only queue inside the CPU, and the core left
    /// over keeps serving pages while a burst of sign-ins is hashed (`bench/run`'s storm row:
    /// with every core hashing, the dashboard's p99 grew two to three times; on two cores this
    /// halves how many sign-ins a second the server answers, about 50 rather than 100).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(cores.saturating_sub(1))
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `stored`. Without a stored hash (no such account) it checks
    /// against a throwaway hash, so that the answer takes the same time either way.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || {
            let (hash, real) = match &stored {
                Some(hash) => (hash.as_str(), true),
                None => (dummy_hash(), false),
            };
            let parsed = PasswordHash::new(hash).map_err(|e| {
                tracing::error!(error = %e, "stored password hash is unreadable");
                AppError::Internal
            })?;
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(real && matches)
        })
        .await?
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(work).await.map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })
    }
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("orgspace timing equaliser").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let p = Passwords::new(2);
        let hash = p.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            p.verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !p.verify("correct horse batterY".into(), Some(hash))
                .await
                .unwrap()
        );
        // No account: never a match, even for the dummy's own password.
        assert!(
            !p.verify("orgspace timing equaliser".into(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn same_password_hashes_differently() {
        let p = Passwords::new(1);
        let a = p.hash("password123".into()).await.unwrap();
        let b = p.hash("password123".into()).await.unwrap();
        assert_ne!(a, b, "each hash has its own salt");
    }
}
