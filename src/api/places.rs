//! Organizations, workspaces and their limits, as anatools names them.

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    api::schema::{Result, answer, parse, state, user_in_organization, user_in_workspace},
    channels::service as channels,
    db::users::UserRecord,
    error::AppError,
    ids::{ChannelId, OrganizationId, VolumeId, WorkspaceId},
    limits::{LimitUsage, Setting, service as limits},
    organizations::service as organizations,
    server::state::AppState,
    workspaces::service as workspaces,
};

const SUCCESS: &str = "success";

#[derive(SimpleObject)]
pub struct OrganizationLimit {
    organization_id: String,
    setting: String,
    limit: i64,
    usage: f64,
}

#[derive(SimpleObject)]
pub struct WorkspaceLimit {
    workspace_id: String,
    setting: String,
    limit: i64,
    usage: f64,
}

/// A required id: missing or malformed names nothing.
fn id<T: std::str::FromStr>(raw: &str) -> std::result::Result<T, AppError> {
    parse(Some(raw))?.ok_or(AppError::NotFound)
}

/// A setting as the SDK names it ("Members", "Compute Time", "members").
fn setting(raw: &str) -> std::result::Result<Setting, AppError> {
    raw.parse()
        .map_err(|_| AppError::field("setting", format!("There is no limit named {raw:?}.")))
}

/// Keeps the meters of `setting` (all of them without one).
fn only(
    items: Vec<LimitUsage>,
    wanted: Option<&str>,
) -> std::result::Result<Vec<LimitUsage>, AppError> {
    let wanted = wanted
        .filter(|s| !s.trim().is_empty())
        .map(setting)
        .transpose()?;
    Ok(items
        .into_iter()
        .filter(|i| wanted.is_none_or(|w| w == i.setting))
        .collect())
}

/// Ids of the registry as the SDK sends them.
fn ids<T: std::str::FromStr>(raw: &[String]) -> std::result::Result<Vec<T>, AppError> {
    raw.iter().map(|r| id(r)).collect()
}

#[derive(Default)]
pub struct PlacesQuery;

#[Object]
impl PlacesQuery {
    /// The organization's limits and usage, or one setting's.
    async fn get_organization_limits(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        setting: Option<String>,
    ) -> Result<Vec<OrganizationLimit>> {
        let outcome = async {
            let org: OrganizationId = id(&organization_id)?;
            let l = limits::get(state(ctx), user_in_organization(ctx, org)?, Some(org)).await?;
            Ok(only(l.items, setting.as_deref())?
                .into_iter()
                .map(|i| OrganizationLimit {
                    organization_id: org.to_string(),
                    setting: i.setting.label().to_owned(),
                    limit: i.limit,
                    usage: i.usage,
                })
                .collect())
        };
        answer(ctx, outcome.await)
    }

    /// The workspace's limits and usage, or one setting's.
    async fn get_workspace_limits(
        &self,
        ctx: &Context<'_>,
        workspace_id: String,
        setting: Option<String>,
    ) -> Result<Vec<WorkspaceLimit>> {
        let outcome = async {
            let ws: WorkspaceId = id(&workspace_id)?;
            let l =
                limits::get_workspace(state(ctx), user_in_workspace(ctx, ws).await?, ws).await?;
            Ok(only(l.items, setting.as_deref())?
                .into_iter()
                .map(|i| WorkspaceLimit {
                    workspace_id: ws.to_string(),
                    setting: i.setting.label().to_owned(),
                    limit: i.limit,
                    usage: i.usage,
                })
                .collect())
        };
        answer(ctx, outcome.await)
    }
}

#[derive(Default)]
pub struct PlacesMutation;

#[Object]
impl PlacesMutation {
    /// Renames the organization.
    async fn edit_organization(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        name: String,
    ) -> Result<String> {
        let outcome = async {
            let org: OrganizationId = id(&organization_id)?;
            organizations::rename(state(ctx), user_in_organization(ctx, org)?, org, &name).await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    async fn set_organization_limits(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        setting: String,
        limit: i64,
    ) -> Result<String> {
        let outcome = async {
            let org: OrganizationId = id(&organization_id)?;
            let setting = self::setting(&setting)?;
            limits::set(
                state(ctx),
                user_in_organization(ctx, org)?,
                org,
                setting,
                &limit.to_string(),
            )
            .await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    async fn set_workspace_limits(
        &self,
        ctx: &Context<'_>,
        workspace_id: String,
        setting: String,
        limit: i64,
    ) -> Result<String> {
        let outcome = async {
            let ws: WorkspaceId = id(&workspace_id)?;
            let setting = self::setting(&setting)?;
            limits::set_workspace(
                state(ctx),
                user_in_workspace(ctx, ws).await?,
                ws,
                setting,
                &limit.to_string(),
            )
            .await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    /// Creates a workspace sharing the given channels and volumes; answers its id. (`code`, a
    /// Rendered.ai content code, has no meaning here and is accepted as sent.)
    async fn create_workspace(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        name: String,
        channel_ids: Vec<String>,
        volume_ids: Vec<String>,
        #[graphql(default)] code: Option<String>,
    ) -> Result<String> {
        let _ = code;
        let outcome = async {
            let state = state(ctx);
            let org: OrganizationId = id(&organization_id)?;
            let user = user_in_organization(ctx, org)?;
            let (channel_ids, volume_ids) = (ids(&channel_ids)?, ids(&volume_ids)?);
            let ws = workspaces::create(state, user, org, &name, "").await?;
            if !channel_ids.is_empty() || !volume_ids.is_empty() {
                // Ids outside the registry are refused: the workspace is not left half made.
                if let Err(e) = channels::share(state, user, ws, &channel_ids, &volume_ids).await {
                    workspaces::delete(state, user, ws).await?;
                    return Err(e);
                }
            }
            Ok(ws.to_string())
        };
        answer(ctx, outcome.await)
    }

    /// Renames the workspace and sets what it shares; what is not sent stays as it is.
    #[allow(clippy::too_many_arguments)]
    async fn edit_workspace(
        &self,
        ctx: &Context<'_>,
        workspace_id: String,
        name: Option<String>,
        channel_ids: Option<Vec<String>>,
        volume_ids: Option<Vec<String>>,
        gan_ids: Option<Vec<String>>,
        map_ids: Option<Vec<String>>,
    ) -> Result<String> {
        let _ = (gan_ids, map_ids); // GAN models and maps are not part of orgspace.
        let outcome = async {
            let state = state(ctx);
            let ws: WorkspaceId = id(&workspace_id)?;
            let user = user_in_workspace(ctx, ws).await?;
            if let Some(name) = name {
                let description = description_of(state, user, ws).await?;
                workspaces::edit(state, user, ws, &name, &description).await?;
            }
            if channel_ids.is_some() || volume_ids.is_some() {
                let now = channels::shared(state, user, ws).await?;
                let channel_ids: Vec<ChannelId> = match &channel_ids {
                    Some(raw) => ids(raw)?,
                    None => now.channels.iter().map(|c| c.id).collect(),
                };
                let volume_ids: Vec<VolumeId> = match &volume_ids {
                    Some(raw) => ids(raw)?,
                    None => now.volumes.iter().map(|v| v.id).collect(),
                };
                channels::share(state, user, ws, &channel_ids, &volume_ids).await?;
            }
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    async fn delete_workspace(&self, ctx: &Context<'_>, workspace_id: String) -> Result<String> {
        let outcome = async {
            let ws: WorkspaceId = id(&workspace_id)?;
            workspaces::delete(state(ctx), user_in_workspace(ctx, ws).await?, ws).await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }
}

/// The workspace's description, which the SDK's `editWorkspace` cannot send but must keep.
async fn description_of(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> std::result::Result<String, AppError> {
    let mut c = state.db.conn().await?;
    Ok(crate::db::workspaces::reachable_by(&mut c, user.id)
        .await?
        .into_iter()
        .find(|w| w.id == workspace)
        .map(|w| w.description)
        .unwrap_or_default())
}
