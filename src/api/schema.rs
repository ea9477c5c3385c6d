//! The operations, by their anatools names (async-graphql turns `get_organizations` into
//! `getOrganizations`, and `organization_id` into `organizationId`). Every root field is
//! nullable, so that a refusal answers `{"data": {"op": null}, "errors": [...]}` as the SDK
//! expects, with the same sentence the web UI shows.

use std::collections::HashSet;

use async_graphql::{Context, MergedObject, Object, ServerError, SimpleObject};

use crate::{
    accounts::{normalize_email, service as accounts},
    api::{
        auth::{self, Caller},
        members::{MembersMutation, MembersQuery},
        places::{PlacesMutation, PlacesQuery},
    },
    channels::{self, Kind},
    db::{
        channels::{self as db_channels, VisibleRow},
        users::UserRecord,
        workspaces,
    },
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
    organizations::service as organizations,
    server::state::AppState,
};

pub(super) type Result<T> = async_graphql::Result<Option<T>>;

/// A resolver's outcome as the SDK reads it: the value, or `null` with the sentence the web UI
/// would show in `errors`. Reported through the context rather than returned, so that a
/// refused mutation also answers `{"data": {"op": null}}` (async-graphql would null the whole
/// `data` of a mutation that fails).
pub(super) fn answer<T>(ctx: &Context<'_>, outcome: std::result::Result<T, AppError>) -> Result<T> {
    match outcome {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            let message = match &e {
                AppError::Validation(errors) => errors
                    .0
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => e.to_string(),
            };
            let error = ServerError::new(message, Some(ctx.item.pos));
            ctx.add_error(ctx.set_error_path(error));
            Ok(None)
        }
    }
}

pub(super) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub(super) fn user<'a>(ctx: &Context<'a>) -> std::result::Result<&'a UserRecord, AppError> {
    ctx.data_unchecked::<Caller>().user()
}

/// An id typed by a script: one that does not parse names nothing, like one that does not exist.
pub(super) fn parse<T: std::str::FromStr>(
    raw: Option<&str>,
) -> std::result::Result<Option<T>, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| AppError::NotFound),
    }
}

#[derive(SimpleObject)]
pub struct SignedIn {
    uid: String,
    idtoken: String,
    /// When the token expires, in Unix seconds (anatools 3.0.0 compares it with `time.time()`).
    expires: i64,
}

#[derive(SimpleObject)]
pub struct CurrentUser {
    user_id: String,
    name: String,
    email: String,
}

#[derive(SimpleObject)]
pub struct Organization {
    organization_id: String,
    name: String,
    role: String,
    /// orgspace has no subscriptions: never expired.
    expired: bool,
    expiration_date: Option<String>,
}

#[derive(SimpleObject)]
pub struct Channel {
    channel_id: String,
    name: String,
    description: String,
    organization_id: String,
    organization: String,
    created_at: String,
    updated_at: String,
}

#[derive(SimpleObject)]
pub struct Volume {
    volume_id: String,
    name: String,
    description: String,
    organization_id: String,
    organization: String,
    permission: String,
    created_at: String,
    updated_at: String,
}

#[derive(SimpleObject)]
pub struct Workspace {
    workspace_id: String,
    name: String,
    description: String,
    organization_id: String,
    organization: String,
    role: String,
    created_at: String,
    updated_at: String,
}

/// Every query: the ones here, and those of the other modules.
#[derive(MergedObject, Default)]
pub struct Query(BaseQuery, MembersQuery, PlacesQuery);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(BaseMutation, MembersMutation, PlacesMutation);

#[derive(Default)]
pub struct BaseQuery;

#[Object]
impl BaseQuery {
    /// The signed-in user.
    async fn get_current_user(&self, ctx: &Context<'_>) -> Result<CurrentUser> {
        answer(
            ctx,
            user(ctx).map(|user| CurrentUser {
                user_id: user.id.to_string(),
                name: user.name.clone(),
                email: user.email.clone(),
            }),
        )
    }

    /// The caller's organizations with their role in each; one of them with `organizationId`.
    async fn get_organizations(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
    ) -> Result<Vec<Organization>> {
        answer(ctx, organizations_of(ctx, organization_id).await)
    }

    /// The channels the caller sees: their organizations' registries and what is shared with
    /// the workspaces they are a guest of; or those shared with one workspace, or of one
    /// organization, or one channel.
    async fn get_channels(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        channel_id: Option<String>,
    ) -> Result<Vec<Channel>> {
        let rows = registry_of(
            ctx,
            Kind::Channel,
            organization_id,
            workspace_id,
            channel_id,
        )
        .await;
        answer(
            ctx,
            rows.map(|rows| {
                rows.into_iter()
                    .map(|r| Channel {
                        channel_id: r.id.to_string(),
                        name: r.name,
                        description: r.description,
                        organization_id: r.organization_id.to_string(),
                        organization: r.organization,
                        created_at: r.created_at.to_string(),
                        updated_at: r.updated_at.to_string(),
                    })
                    .collect()
            }),
        )
    }

    /// The volumes the caller sees, the same way as `getChannels`.
    async fn get_volumes(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        volume_id: Option<String>,
    ) -> Result<Vec<Volume>> {
        let rows = registry_of(ctx, Kind::Volume, organization_id, None, volume_id).await;
        answer(
            ctx,
            rows.map(|rows| {
                rows.into_iter()
                    .map(|r| Volume {
                        volume_id: r.id.to_string(),
                        name: r.name,
                        description: r.description,
                        organization_id: r.organization_id.to_string(),
                        organization: r.organization,
                        // Members of the owning organization manage it; guests only use it.
                        permission: if r.member { "write" } else { "read" }.to_owned(),
                        created_at: r.created_at.to_string(),
                        updated_at: r.updated_at.to_string(),
                    })
                    .collect()
            }),
        )
    }

    /// Every workspace the caller reaches, or those of one organization, or one workspace.
    async fn get_workspaces(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
    ) -> Result<Vec<Workspace>> {
        answer(ctx, workspaces_of(ctx, organization_id, workspace_id).await)
    }
}

async fn organizations_of(
    ctx: &Context<'_>,
    organization_id: Option<String>,
) -> std::result::Result<Vec<Organization>, AppError> {
    let user = user(ctx)?;
    let wanted: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let list = organizations::list(state(ctx), user).await?;
    if let Some(wanted) = wanted
        && !list.iter().any(|o| o.id == wanted)
    {
        return Err(AppError::NotFound);
    }
    Ok(list
        .into_iter()
        .filter(|o| wanted.is_none_or(|w| w == o.id))
        .map(|o| Organization {
            organization_id: o.id.to_string(),
            name: o.name,
            role: o.role.as_str().to_owned(),
            expired: false,
            expiration_date: None,
        })
        .collect())
}

/// The entries of one registry the caller sees, narrowed as the arguments ask. A named
/// organization, workspace or entry out of reach answers "not found".
async fn registry_of(
    ctx: &Context<'_>,
    kind: Kind,
    organization_id: Option<String>,
    workspace_id: Option<String>,
    id: Option<String>,
) -> std::result::Result<Vec<VisibleRow>, AppError> {
    let user = user(ctx)?;
    let state = state(ctx);
    let organization: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let workspace: Option<WorkspaceId> = parse(workspace_id.as_deref())?;
    let wanted: Option<uuid::Uuid> = parse(id.as_deref())?;
    // What the workspace shares, asked through the same service (and policy) as its page.
    let shared: Option<HashSet<uuid::Uuid>> = match workspace {
        Some(ws) => {
            let shared = channels::service::shared(state, user, ws).await?;
            Some(match kind {
                Kind::Channel => shared.channels.iter().map(|c| c.id.0).collect(),
                Kind::Volume => shared.volumes.iter().map(|v| v.id.0).collect(),
            })
        }
        None => None,
    };
    if let Some(organization) = organization
        && !organizations::list(state, user)
            .await?
            .iter()
            .any(|o| o.id == organization)
    {
        return Err(AppError::NotFound);
    }
    let mut c = state.db.conn().await?;
    let rows: Vec<VisibleRow> = db_channels::visible_to(&mut c, kind, user.id)
        .await?
        .into_iter()
        .filter(|r| organization.is_none_or(|o| o == r.organization_id))
        .filter(|r| shared.as_ref().is_none_or(|s| s.contains(&r.id)))
        .filter(|r| wanted.is_none_or(|w| w == r.id))
        .collect();
    if wanted.is_some() && rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows)
}

async fn workspaces_of(
    ctx: &Context<'_>,
    organization_id: Option<String>,
    workspace_id: Option<String>,
) -> std::result::Result<Vec<Workspace>, AppError> {
    let user = user(ctx)?;
    let organization: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let workspace: Option<WorkspaceId> = parse(workspace_id.as_deref())?;
    let mut c = state(ctx).db.conn().await?;
    let chosen: Vec<Workspace> = workspaces::reachable_by(&mut c, user.id)
        .await?
        .into_iter()
        .filter(|w| organization.is_none_or(|o| o == w.organization_id))
        .filter(|w| workspace.is_none_or(|id| id == w.id))
        .filter_map(|w| {
            Some(Workspace {
                role: w.role()?.as_str().to_owned(),
                workspace_id: w.id.to_string(),
                name: w.name,
                description: w.description,
                organization_id: w.organization_id.to_string(),
                organization: w.organization_name,
                created_at: w.created_at.to_string(),
                updated_at: w.updated_at.to_string(),
            })
        })
        .collect();
    // A named workspace or organization out of reach answers like one that does not exist.
    if chosen.is_empty() && (organization.is_some() || workspace.is_some()) {
        return Err(AppError::NotFound);
    }
    Ok(chosen)
}

#[derive(Default)]
pub struct BaseMutation;

#[Object]
impl BaseMutation {
    /// Signs in with email and password; answers an access token for the `uid` and `idtoken`
    /// headers (or `Authorization: Bearer`). The same answer for an unknown email and a wrong
    /// password.
    async fn sign_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<SignedIn> {
        answer(ctx, sign_in(state(ctx), &email, password).await)
    }
}

async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
) -> std::result::Result<SignedIn, AppError> {
    let email = normalize_email(email).map_err(|_| AppError::InvalidCredentials)?;
    let user = accounts::sign_in(state, &email, password).await?;
    let (idtoken, expires_at) = auth::issue(state, user).await?;
    tracing::info!(%user, "signed in for the API");
    Ok(SignedIn {
        uid: user.to_string(),
        idtoken,
        expires: expires_at.unix_millis() / 1000,
    })
}
