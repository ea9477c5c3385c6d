//! Who is calling the API, and how far they reach: an access token from `signIn`, sent as the
//! headers `uid` and `idtoken` (anatools 3.x) or as `Authorization: Bearer` (newer SDKs), or an
//! API key in the header `apikey`.
//!
//! A scoped key reaches one organization or one workspace. Resolvers get the user through the
//! functions here, which say where the operation acts ([`Caller::in_organization`],
//! [`Caller::in_workspace`]); [`Caller::user`] itself refuses scoped keys, so that an operation
//! that forgets to say where it acts is closed to them rather than open.

use axum::http::HeaderMap;

use crate::{
    api_keys::{
        ApiKey,
        service::{self as api_keys, Reach},
    },
    db::{Exec, access_tokens, users::UserRecord, workspaces},
    error::AppError,
    ids::{OrganizationId, UserId, WorkspaceId},
    server::state::AppState,
    timestamp::Timestamp,
    token,
};

/// How long an access token lasts; the SDK signs in again when it runs out.
pub const ACCESS_TOKEN_HOURS: i64 = 12;

/// The caller of one request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// `None`: nobody (who may only sign in), or a key or token that was refused (`refused`).
    user: Option<UserRecord>,
    reach: Reach,
    /// The key the request came with, if any.
    key: Option<ApiKey>,
    refused: Option<AppError>,
}

impl Caller {
    pub fn anonymous() -> Caller {
        Caller {
            user: None,
            reach: Reach::Everything,
            key: None,
            refused: None,
        }
    }

    fn signed_in(&self) -> Result<&UserRecord, AppError> {
        self.user
            .as_ref()
            .ok_or_else(|| self.refused.clone().unwrap_or(AppError::Unauthenticated))
    }

    /// The user, for operations that act on their account or anywhere they reach: closed to
    /// scoped keys.
    pub fn user(&self) -> Result<&UserRecord, AppError> {
        let user = self.signed_in()?;
        match self.reach {
            Reach::Everything => Ok(user),
            _ => Err(AppError::OutsideKeyScope),
        }
    }

    /// The user, for operations that change credentials (API keys): closed to every key.
    pub fn user_without_key(&self) -> Result<&UserRecord, AppError> {
        let user = self.signed_in()?;
        if self.key.is_some() {
            return Err(AppError::NeedsSignIn);
        }
        Ok(user)
    }

    /// The user and how far the request reaches, for lists that the reach narrows.
    pub fn user_and_reach(&self) -> Result<(&UserRecord, Reach), AppError> {
        Ok((self.signed_in()?, self.reach))
    }

    /// The user, for an operation on `organization` as a whole.
    pub fn in_organization(&self, organization: OrganizationId) -> Result<&UserRecord, AppError> {
        let user = self.signed_in()?;
        match self.reach {
            Reach::Everything => Ok(user),
            Reach::Organization(o) if o == organization => Ok(user),
            _ => Err(AppError::OutsideKeyScope),
        }
    }

    /// The organization an operation acts on when the script names none: the key's, or the
    /// user's current one (`None`).
    pub fn default_organization(&self) -> Result<Option<OrganizationId>, AppError> {
        self.signed_in()?;
        match self.reach {
            Reach::Everything => Ok(None),
            Reach::Organization(o) => Ok(Some(o)),
            Reach::Workspace { .. } => Err(AppError::OutsideKeyScope),
        }
    }

    /// The user, for an operation on `workspace`. An organization key reaches the workspaces of
    /// its organization; one that is elsewhere, or does not exist, answers alike.
    pub async fn in_workspace(
        &self,
        c: &mut impl Exec,
        workspace: WorkspaceId,
    ) -> Result<&UserRecord, AppError> {
        let user = self.signed_in()?;
        match self.reach {
            Reach::Everything => Ok(user),
            Reach::Workspace { workspace: w, .. } if w == workspace => Ok(user),
            Reach::Organization(o)
                if workspaces::organization_of(c, workspace).await? == Some(o) =>
            {
                Ok(user)
            }
            _ => Err(AppError::OutsideKeyScope),
        }
    }
}

/// Reads the credentials from the headers. None makes an anonymous caller; a key or token that
/// is unknown, expired, or another user's than `uid` says makes a refused one, whose every
/// operation but signing in answers why.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, AppError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let refused = |error: AppError| Caller {
        refused: Some(error),
        ..Caller::anonymous()
    };
    if let Some(key) = header("apikey") {
        return Ok(match api_keys::authenticate(state, key).await? {
            Some(k) => Caller {
                user: Some(k.user),
                reach: k.reach,
                key: Some(k.key),
                refused: None,
            },
            None => refused(AppError::InvalidApiKey),
        });
    }
    let bearer = header("authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
            .map(str::trim)
    });
    let Some(raw) = header("idtoken").or(bearer) else {
        return Ok(Caller::anonymous());
    };
    let uid = match header("uid") {
        Some(uid) => match uid.parse::<UserId>() {
            Ok(uid) => Some(uid),
            Err(_) => return Ok(refused(AppError::Unauthenticated)),
        },
        None => None,
    };
    let mut c = state.db.conn().await?;
    let user = access_tokens::user_of(&mut c, uid, &token::hash(raw), Timestamp::now()).await?;
    Ok(match user {
        Some(user) => Caller {
            user: Some(user),
            ..Caller::anonymous()
        },
        None => refused(AppError::Unauthenticated),
    })
}

/// A new access token for `user`: (the token, its expiry).
pub async fn issue(state: &AppState, user: UserId) -> Result<(String, Timestamp), AppError> {
    let token = token::generate()?;
    let now = Timestamp::now();
    let expires_at =
        Timestamp::from_unix_millis(now.unix_millis() + ACCESS_TOKEN_HOURS * 3_600_000);
    let mut tx = state.db.begin().await?;
    // Expired tokens are swept as new ones are made: the table stays the size of its live part.
    access_tokens::delete_expired(&mut tx, now).await?;
    access_tokens::create(&mut tx, user, &token.hash, now, expires_at).await?;
    tx.commit().await?;
    Ok((token.raw, expires_at))
}
