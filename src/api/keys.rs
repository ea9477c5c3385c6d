//! API keys, as anatools 6.x manages them: made, listed and deleted by a signed-in user (never
//! with a key), and `getAPIKeyContext`, which the SDK asks when it starts with a key.

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    api::schema::{Result, answer, caller, parse, state},
    api_keys::{ApiKey, service as api_keys},
    error::AppError,
    timestamp::Timestamp,
};

const SUCCESS: &str = "success";

#[derive(SimpleObject)]
#[graphql(name = "APIKey")]
pub struct ApiKeyInfo {
    name: String,
    /// `user`, `organization` or `workspace`.
    scope: String,
    organization_id: Option<String>,
    workspace_id: Option<String>,
    /// The key's first characters, to tell keys apart.
    prefix: String,
    created_at: String,
    /// ISO 8601 in UTC; none for a key that never expires.
    expires_at: Option<String>,
    last_used_at: Option<String>,
}

impl From<ApiKey> for ApiKeyInfo {
    fn from(k: ApiKey) -> Self {
        ApiKeyInfo {
            scope: k.scope.kind().to_owned(),
            organization_id: k.scope.organization_id().map(|o| o.to_string()),
            workspace_id: k.scope.workspace_id().map(|w| w.to_string()),
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at.to_string(),
            expires_at: k.expires_at.map(|e| e.to_string()),
            last_used_at: k.last_used_at.map(|l| l.to_string()),
        }
    }
}

#[derive(Default)]
pub struct KeysQuery;

#[Object]
impl KeysQuery {
    /// My API keys (never the keys themselves), or the one named `name`, or the one `apiKey` is.
    #[graphql(name = "getAPIKeys")]
    async fn get_api_keys(
        &self,
        ctx: &Context<'_>,
        api_key: Option<String>,
        name: Option<String>,
    ) -> Result<Vec<ApiKeyInfo>> {
        let outcome = async {
            let user = caller(ctx).user_without_key()?;
            let state = state(ctx);
            // The key itself, when sent, must be one of mine: its name says which.
            let by_key = match api_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                Some(raw) => match api_keys::authenticate(state, raw).await? {
                    Some(k) if k.user.id == user.id => Some(k.key.name),
                    _ => return Err(AppError::InvalidApiKey),
                },
                None => None,
            };
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            Ok(api_keys::list(state, user)
                .await?
                .keys
                .into_iter()
                .filter(|k| name.is_none_or(|n| k.name == n))
                .filter(|k| by_key.as_ref().is_none_or(|n| &k.name == n))
                .map(ApiKeyInfo::from)
                .collect())
        };
        answer(ctx, outcome.await)
    }

    /// What a key is (its name, scope and expiry), for the one who holds it.
    #[graphql(name = "getAPIKeyContext")]
    async fn get_api_key_context(&self, ctx: &Context<'_>, api_key: String) -> Result<ApiKeyInfo> {
        let outcome = async {
            match api_keys::authenticate(state(ctx), &api_key).await? {
                Some(k) => Ok(ApiKeyInfo::from(k.key)),
                None => Err(AppError::InvalidApiKey),
            }
        };
        answer(ctx, outcome.await)
    }
}

#[derive(Default)]
pub struct KeysMutation;

#[Object]
impl KeysMutation {
    /// Makes a key reaching everything I can do (`scope` user), one organization or one
    /// workspace; `expiresAt` (a date or an ISO 8601 time) is optional. Answers the key, which
    /// is never shown again.
    #[graphql(name = "createAPIKey")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        name: String,
        scope: Option<String>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        expires_at: Option<String>,
    ) -> Result<String> {
        let outcome = async {
            let user = caller(ctx).user_without_key()?;
            let scope = api_keys::scope_from_parts(
                scope.as_deref(),
                parse(organization_id.as_deref())?,
                parse(workspace_id.as_deref())?,
            )?;
            let expires_at = api_keys::parse_expiry_time(expires_at.as_deref(), Timestamp::now())?;
            let created = api_keys::create(state(ctx), user, &name, scope, expires_at).await?;
            Ok(created.key)
        };
        answer(ctx, outcome.await)
    }

    /// Deletes my key of that name; scripts using it are refused from the next request.
    #[graphql(name = "deleteAPIKey")]
    async fn delete_api_key(&self, ctx: &Context<'_>, name: String) -> Result<String> {
        let outcome = async {
            let user = caller(ctx).user_without_key()?;
            api_keys::delete(state(ctx), user, &name).await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }
}
