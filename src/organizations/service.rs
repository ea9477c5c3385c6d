//! Organization operations, below the server functions and above the data layer.

use crate::{
    accounts::{
        normalize_name,
        service::{Reach, current},
    },
    db::{
        Exec, organizations,
        users::{self, UserRecord},
    },
    error::AppError,
    ids::OrganizationId,
    organizations::{Dashboard, DashboardWorkspace, OrganizationSummary},
    policy::{Operation, authorize, authorize_in_organization},
    roles::Role,
    server::{memo::RequestMemo, state::AppState},
    timestamp::Timestamp,
};

/// The organization an operation is about: the one named, or else the caller's current one
/// (as the header shows it). Pages ask for "the current organization" this way, so that what
/// they load does not wait for the header's data.
pub async fn resolve(
    c: &mut impl Exec,
    user: &UserRecord,
    named: Option<OrganizationId>,
) -> Result<OrganizationId, AppError> {
    Ok(resolve_with_role(c, user, named).await?.0)
}

/// [`resolve`], and the caller's role there when finding the organization read it already.
async fn resolve_with_role(
    c: &mut impl Exec,
    user: &UserRecord,
    named: Option<OrganizationId>,
) -> Result<(OrganizationId, Option<Role>), AppError> {
    if let Some(id) = named {
        return Ok((id, None));
    }
    if let Some(last) = user.last_organization_id
        && let Some(role) = organizations::role_of(c, last, user.id).await?
    {
        return Ok((last, Some(role)));
    }
    let places = Reach::load(c, user.id).await?.places();
    current(&places, user.last_organization_id, user.last_workspace_id)
        .map(|here| (here.organization, None))
        .ok_or(AppError::NotFound)
}

/// The opening of every read of an organization: [`resolve`] the organization (named, or the
/// current one), then decide `op` on it. Answers the organization and the caller's role.
/// The current organization costs one query for both: its role was read to find it.
pub async fn resolve_for(
    c: &mut impl Exec,
    user: &UserRecord,
    named: Option<OrganizationId>,
    op: Operation,
) -> Result<(OrganizationId, Role), AppError> {
    if RequestMemo::current().is_some() {
        // A page render: every part of the page reads the caller's places from one lookup.
        let places = Reach::of_request(c, user.id).await?.places();
        let organization = match named {
            Some(id) => id,
            None => current(&places, user.last_organization_id, user.last_workspace_id)
                .map(|here| here.organization)
                .ok_or(AppError::NotFound)?,
        };
        let role = places.iter().find(|o| o.id == organization).map(|o| o.role);
        return Ok((organization, authorize(role, op)?));
    }
    let (organization, role) = resolve_with_role(c, user, named).await?;
    let role = match role {
        Some(role) => authorize(Some(role), op)?,
        None => authorize_in_organization(c, organization, user.id, op).await?,
    };
    Ok((organization, role))
}

pub async fn list(
    state: &AppState,
    user: &UserRecord,
) -> Result<Vec<OrganizationSummary>, AppError> {
    let mut c = state.db.conn().await?;
    let places = Reach::of_request(&mut c, user.id).await?.places();
    let here = current(&places, user.last_organization_id, user.last_workspace_id);
    Ok(places
        .into_iter()
        .map(|o| OrganizationSummary {
            current: here.as_ref().is_some_and(|h| h.organization == o.id),
            id: o.id,
            name: o.name,
            role: o.role,
            workspaces: o.workspaces.len(),
        })
        .collect())
}

pub async fn rename(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    raw_name: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    authorize_in_organization(&mut tx, organization, user.id, Operation::EditOrganization).await?;
    let name = normalize_name(raw_name, "a name").map_err(|m| AppError::field("name", m))?;
    let old = organizations::find_by_id(&mut tx, organization)
        .await?
        .ok_or(AppError::NotFound)?
        .name;
    organizations::rename(&mut tx, organization, &name, Timestamp::now()).await?;
    if old != name {
        let event = crate::audit::service::Event::new(
            crate::audit::Action::OrganizationRenamed,
            organization,
            crate::audit::service::Target::organization(organization, &name),
        )
        .before(serde_json::json!({ "name": old }))
        .after(serde_json::json!({ "name": name }));
        crate::audit::service::record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn dashboard(state: &AppState, user: &UserRecord) -> Result<Option<Dashboard>, AppError> {
    let mut c = state.db.conn().await?;
    let reach = Reach::of_request(&mut c, user.id).await?;
    let places = reach.places();
    let Some(here) = current(&places, user.last_organization_id, user.last_workspace_id) else {
        return Ok(None);
    };
    let Some(place) = places.iter().find(|o| o.id == here.organization) else {
        return Ok(None);
    };
    let role = authorize(Some(place.role), Operation::GetOrganization)?;
    let organization = organizations::find_by_id(&mut c, place.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let member_count = match authorize(Some(role), Operation::GetOrganizationMembers) {
        Ok(_) => Some(organizations::count_members(&mut c, place.id).await?),
        Err(_) => None,
    };
    let workspaces = reach
        .workspaces
        .iter()
        .filter(|w| w.organization_id == place.id)
        .filter_map(|w| {
            Some(DashboardWorkspace {
                id: w.id,
                name: w.name.clone(),
                description: w.description.clone(),
                role: w.role()?,
                created_at: w.created_at,
            })
        })
        .collect();
    Ok(Some(Dashboard {
        id: organization.id,
        name: organization.name,
        created_at: organization.created_at,
        role,
        member_count,
        workspaces,
        current_workspace: here.workspace,
    }))
}

/// Makes `organization` current, staying in the last workspace when it belongs there.
pub async fn switch(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let reach = Reach::load(&mut tx, user.id).await?;
    let places = reach.places();
    let role = places.iter().find(|o| o.id == organization).map(|o| o.role);
    authorize(role, Operation::SetOrganization)?;
    let here =
        current(&places, Some(organization), user.last_workspace_id).ok_or(AppError::NotFound)?;
    users::set_last_used(&mut tx, user.id, here.organization, here.workspace).await?;
    tx.commit().await?;
    Ok(())
}
