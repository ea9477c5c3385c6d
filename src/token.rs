//! Secret tokens (invitation links, access tokens): 256 bits from the operating system's random
//! source, base64url; only their SHA-256 is stored, so a copy of the database opens nothing.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub struct Token {
    /// What the link carries. Exists only until the response (and email) is made.
    pub raw: String,
    /// What the database keeps.
    pub hash: [u8; 32],
}

pub fn generate() -> Result<Token, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random source failed");
        AppError::Internal
    })?;
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&raw);
    Ok(Token { raw, hash })
}

pub fn hash(raw: &str) -> [u8; 32] {
    Sha256::digest(raw.as_bytes()).into()
}

/// The hash of a token as it was typed into a link's address (surrounding blanks ignored), or
/// `None` when it is not even shaped like one (43 base64url characters): such a link finds
/// nothing, without asking the database.
pub fn hash_of_link(raw: &str) -> Option<[u8; 32]> {
    let raw = raw.trim();
    let shaped = raw.len() == 43
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    shaped.then(|| hash(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_shaped_links_are_hashed() {
        let raw = "A".repeat(43);
        assert_eq!(hash_of_link(&format!(" {raw}\n")), Some(hash(&raw)));
        for bad in [
            "",
            "short",
            &"A".repeat(44),
            &format!("{}.", "A".repeat(42)),
            &"é".repeat(22),
        ] {
            assert_eq!(hash_of_link(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_256_random_bits_stored_as_their_hash() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.raw.len(), 43, "32 bytes in unpadded base64url");
        assert!(
            a.raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a.raw, b.raw);
        assert_eq!(hash(&a.raw), a.hash);
        assert_ne!(a.hash, b.hash);
    }
}
