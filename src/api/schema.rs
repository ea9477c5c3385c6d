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
        keys::{KeysMutation, KeysQuery},
        members::{MembersMutation, MembersQuery},
        places::{PlacesMutation, PlacesQuery},
        usage::{UsageMutation, UsageQuery},
    },
    api_keys::service::Reach,
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
            if let AppError::RateLimited { retry_after_secs } = &e {
                ctx.insert_http_header(
                    axum::http::header::RETRY_AFTER,
                    retry_after_secs.to_string(),
                );
            }
            let error = ServerError::new(message, Some(ctx.item.pos));
            ctx.add_error(ctx.set_error_path(error));
            Ok(None)
        }
    }
}

pub(super) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub(super) fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

/// The user, for operations not about one organization or workspace (closed to scoped keys).
pub(super) fn user<'a>(ctx: &Context<'a>) -> std::result::Result<&'a UserRecord, AppError> {
    caller(ctx).user()
}

/// The user, for an operation on `organization` as a whole.
pub(super) fn user_in_organization<'a>(
    ctx: &Context<'a>,
    organization: OrganizationId,
) -> std::result::Result<&'a UserRecord, AppError> {
    caller(ctx).in_organization(organization)
}

/// The user, for an operation on `workspace`.
pub(super) async fn user_in_workspace<'a>(
    ctx: &Context<'a>,
    workspace: WorkspaceId,
) -> std::result::Result<&'a UserRecord, AppError> {
    let mut c = state(ctx).db.conn().await?;
    caller(ctx).in_workspace(&mut c, workspace).await
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

/// Named as newer SDKs look it up by introspection.
#[derive(SimpleObject)]
#[graphql(name = "UserCredentials")]
pub struct SignedIn {
    uid: String,
    idtoken: String,
    /// When the token expires, in Unix seconds (anatools 3.0.0 compares it with `time.time()`).
    expires: i64,
}

#[derive(SimpleObject)]
#[graphql(name = "User")]
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

/// What newer SDKs may filter workspaces by (they send `{}` by default).
#[derive(async_graphql::InputObject, Default)]
pub struct WorkspaceFilter {
    /// Only workspaces whose name contains this, ignoring case.
    name: Option<String>,
}

/// How the server answers the SDK's version check (anatools 6.x).
#[derive(SimpleObject)]
#[graphql(name = "SDKCompatibility")]
pub struct SdkCompatibility {
    version: String,
    message: String,
}

/// The anatools version whose operations orgspace answers.
const SDK_VERSION: &str = "3.0.0";

/// One page of `items` after `cursor` (an id the previous page ended with), at most `limit`
/// long: the paging newer SDKs ask for. Without either, everything.
fn page<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    limit: Option<i32>,
    cursor: Option<&str>,
) -> Vec<T> {
    let start = cursor
        .filter(|c| !c.is_empty())
        .and_then(|c| items.iter().position(|i| id(i) == c).map(|p| p + 1))
        .unwrap_or(0);
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l.max(0)).unwrap_or(0));
    items.into_iter().skip(start).take(limit).collect()
}

#[derive(SimpleObject)]
pub struct Workspace {
    workspace_id: String,
    name: String,
    description: String,
    organization_id: String,
    organization: String,
    role: String,
    /// The fields newer SDKs ask for by default; orgspace has no objectives, statuses, tags
    /// or edit history for workspaces, so they answer empty values.
    objective: String,
    status: String,
    tags: Vec<String>,
    created_at: String,
    /// The id of the user who created it (none once they are gone).
    created_by: Option<String>,
    updated_at: String,
    updated_by: Option<String>,
}

/// Every query: the ones here, and those of the other modules.
#[derive(MergedObject, Default)]
pub struct Query(BaseQuery, MembersQuery, PlacesQuery, KeysQuery, UsageQuery);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    BaseMutation,
    MembersMutation,
    PlacesMutation,
    KeysMutation,
    UsageMutation,
);

#[derive(Default)]
pub struct BaseQuery;

#[Object]
impl BaseQuery {
    /// The signed-in user.
    async fn get_current_user(&self, ctx: &Context<'_>) -> Result<CurrentUser> {
        answer(
            ctx,
            caller(ctx).user_and_reach().map(|(user, _)| CurrentUser {
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
        limit: Option<i32>,
        cursor: Option<String>,
    ) -> Result<Vec<Organization>> {
        let list = organizations_of(ctx, organization_id).await;
        let list = list.map(|l| page(l, |o| &o.organization_id, limit, cursor.as_deref()));
        answer(ctx, list)
    }

    /// Answers newer SDKs' version check: orgspace speaks anatools 3.0.0's operations.
    #[graphql(name = "getSDKCompatibility")]
    async fn get_sdk_compatibility(
        &self,
        os: Option<String>,
        python: Option<String>,
        anatools: Option<String>,
    ) -> SdkCompatibility {
        let _ = (os, python);
        let sent = anatools.unwrap_or_default();
        SdkCompatibility {
            version: SDK_VERSION.to_owned(),
            message: if sent == SDK_VERSION {
                format!("anatools {SDK_VERSION} is the SDK orgspace answers.")
            } else {
                format!(
                    "orgspace answers the operations of anatools {SDK_VERSION}; with anatools {sent}, organizations, members, workspaces and limits work, other calls may not."
                )
            },
        }
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
    #[allow(clippy::too_many_arguments)]
    async fn get_workspaces(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        limit: Option<i32>,
        cursor: Option<String>,
        filters: Option<WorkspaceFilter>,
    ) -> Result<Vec<Workspace>> {
        let name = filters
            .and_then(|f| f.name)
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty());
        let list = workspaces_of(ctx, organization_id, workspace_id)
            .await
            .map(|l| {
                let l = l
                    .into_iter()
                    .filter(|w| {
                        name.as_ref()
                            .is_none_or(|n| w.name.to_lowercase().contains(n))
                    })
                    .collect();
                page(l, |w| &w.workspace_id, limit, cursor.as_deref())
            });
        answer(ctx, list)
    }
}

async fn organizations_of(
    ctx: &Context<'_>,
    organization_id: Option<String>,
) -> std::result::Result<Vec<Organization>, AppError> {
    let (user, reach) = caller(ctx).user_and_reach()?;
    let wanted: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let list = organizations::list(state(ctx), user).await?;
    // A scoped key sees its organization only (a workspace key, its workspace's).
    let list: Vec<_> = match reach {
        Reach::Everything => list,
        Reach::Organization(o)
        | Reach::Workspace {
            organization: o, ..
        } => list.into_iter().filter(|l| l.id == o).collect(),
    };
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
    let (user, reach) = caller(ctx).user_and_reach()?;
    let state = state(ctx);
    let mut organization: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let mut workspace: Option<WorkspaceId> = parse(workspace_id.as_deref())?;
    let wanted: Option<uuid::Uuid> = parse(id.as_deref())?;
    // A scoped key sees its organization's registry, or what its workspace shares.
    match reach {
        Reach::Everything => {}
        Reach::Organization(o) => {
            if organization.is_some_and(|org| org != o) {
                return Err(AppError::OutsideKeyScope);
            }
            organization = Some(o);
            if let Some(ws) = workspace {
                caller(ctx)
                    .in_workspace(&mut state.db.conn().await?, ws)
                    .await?;
            }
        }
        Reach::Workspace {
            organization: o,
            workspace: w,
        } => {
            if organization.is_some_and(|org| org != o) || workspace.is_some_and(|ws| ws != w) {
                return Err(AppError::OutsideKeyScope);
            }
            workspace = Some(w);
        }
    }
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
    let (user, reach) = caller(ctx).user_and_reach()?;
    let organization: Option<OrganizationId> = parse(organization_id.as_deref())?;
    let workspace: Option<WorkspaceId> = parse(workspace_id.as_deref())?;
    let mut c = state(ctx).db.conn().await?;
    let chosen: Vec<Workspace> = workspaces::reachable_by(&mut c, user.id)
        .await?
        .into_iter()
        // A scoped key sees its organization's workspaces, or its workspace.
        .filter(|w| match reach {
            Reach::Everything => true,
            Reach::Organization(o) => w.organization_id == o,
            Reach::Workspace { workspace, .. } => w.id == workspace,
        })
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
                objective: String::new(),
                status: "ready".to_owned(),
                tags: Vec::new(),
                created_at: w.created_at.to_string(),
                created_by: w.created_by.map(|u| u.to_string()),
                updated_at: w.updated_at.to_string(),
                updated_by: None,
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
        let address = ctx
            .data_unchecked::<crate::api::ClientAddress>()
            .0
            .as_deref();
        answer(ctx, sign_in(state(ctx), &email, password, address).await)
    }
}

async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    address: Option<&str>,
) -> std::result::Result<SignedIn, AppError> {
    let email = normalize_email(email).map_err(|_| AppError::InvalidCredentials)?;
    let user = accounts::sign_in(state, &email, password, address).await?;
    let (idtoken, expires_at) = auth::issue(state, user).await?;
    tracing::info!(%user, "signed in for the API");
    Ok(SignedIn {
        uid: user.to_string(),
        idtoken,
        expires: expires_at.unix_millis() / 1000,
    })
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_follow_the_cursor_and_the_limit() {
        fn id<'a>(s: &'a &str) -> &'a str {
            s
        }
        let items = vec!["a", "b", "c", "d"];
        assert_eq!(page(items.clone(), id, None, None), ["a", "b", "c", "d"]);
        assert_eq!(page(items.clone(), id, Some(2), None), ["a", "b"]);
        assert_eq!(page(items.clone(), id, Some(2), Some("b")), ["c", "d"]);
        assert_eq!(page(items.clone(), id, None, Some("d")), Vec::<&str>::new());
        // An unknown cursor starts at the beginning; a negative limit gives nothing.
        assert_eq!(page(items.clone(), id, Some(1), Some("zz")), ["a"]);
        assert_eq!(page(items, id, Some(-3), None), Vec::<&str>::new());
    }
}
