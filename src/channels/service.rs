//! Channel and volume operations, below the server functions and above the data layer. Each
//! is written once for both kinds, through their typed ids.

use std::collections::HashSet;

use serde_json::json;

use crate::{
    accounts::{normalize_description, normalize_name},
    audit::{
        Action,
        service::{Event, Target, record},
    },
    channels::{DESCRIPTION_MAX, Kind, KindId, Registry, Section, WorkspaceChannels},
    db::{
        DbError, Exec, channels as db, limits::organization_counts, organizations,
        users::UserRecord,
    },
    error::{AppError, FieldErrors},
    ids::{ChannelId, OrganizationId, VolumeId, WorkspaceId},
    limits::service::{ensure_within, organization_limit},
    organizations::service::resolve_for,
    policy::{Operation, authorize, authorize_in_organization, authorize_in_workspace},
    server::{config::Config, state::AppState},
    timestamp::Timestamp,
};

/// The organization's registry (named, or the caller's current one), with its limits.
pub async fn registry(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<Registry, AppError> {
    let mut c = state.db.conn().await?;
    let (organization, _) =
        resolve_for(&mut c, user, organization, Operation::GetChannelRegistry).await?;
    let organization_name = organizations::find_by_id(&mut c, organization)
        .await?
        .ok_or(AppError::NotFound)?
        .name;
    Ok(Registry {
        organization,
        organization_name,
        channels: section(&mut c, &state.config, organization).await?,
        volumes: section(&mut c, &state.config, organization).await?,
    })
}

async fn section<Id: KindId>(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
) -> Result<Section<Id>, DbError> {
    Ok(Section {
        items: db::list(c, organization).await?,
        limit: organization_limit(c, config, organization, Id::KIND.setting()).await?,
    })
}

/// What an add form carries, checked.
fn validate(kind: Kind, name: &str, description: &str) -> Result<(String, String), AppError> {
    let mut errors = FieldErrors::default();
    let what = match kind {
        Kind::Channel => "a channel name",
        Kind::Volume => "a volume name",
    };
    let name = normalize_name(name, what)
        .map_err(|m| errors.add("name", m))
        .ok();
    let description = normalize_description(description, DESCRIPTION_MAX)
        .map_err(|m| errors.add("description", m))
        .ok();
    match (name, description) {
        (Some(name), Some(description)) => Ok((name, description)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Adds a channel or volume to the organization's registry, within its Managed Channels or
/// Managed Volumes limit: the organization's row stays locked from the count to the insert,
/// so that concurrent additions never overshoot.
pub async fn add<Id: KindId>(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    name: &str,
    description: &str,
) -> Result<Id, AppError> {
    let kind = Id::KIND;
    let mut tx = state.db.begin().await?;
    if !organizations::lock(&mut tx, organization).await? {
        return Err(AppError::NotFound);
    }
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::ManageChannelRegistry,
    )
    .await?;
    let (name, description) = validate(kind, name, description)?;
    let now = Timestamp::now();
    let counts = organization_counts(&mut tx, organization, now).await?;
    let usage = match kind {
        Kind::Channel => counts.channels,
        Kind::Volume => counts.volumes,
    };
    ensure_within(
        &mut tx,
        &state.config,
        organization,
        kind.setting(),
        usage,
        usage + 1,
    )
    .await?;
    let id = Id::from_uuid(uuid::Uuid::now_v7());
    match db::create(&mut tx, id, organization, &name, &description, now).await {
        Err(DbError::UniqueViolation) => {
            return Err(AppError::field(
                "name",
                format!("This organization already has a {kind} named {name}."),
            ));
        }
        other => other?,
    }
    let action = match kind {
        Kind::Channel => Action::ChannelAdded,
        Kind::Volume => Action::VolumeAdded,
    };
    let event = Event::new(
        action,
        organization,
        Target::other(kind.as_str(), Some(id.uuid().to_string()), &name),
    )
    .after(crate::workspaces::service::named(&name, &description));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    tracing::info!(%organization, %id, %kind, "added to the registry");
    Ok(id)
}

/// Removes a channel or volume from its organization's registry; every workspace sharing it
/// loses it. An id of an organization the caller is not in answers like one that does not exist.
pub async fn remove<Id: KindId>(
    state: &AppState,
    user: &UserRecord,
    id: Id,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let (organization, name) = db::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::ManageChannelRegistry,
    )
    .await?;
    let sharing = db::list::<Id>(&mut tx, organization)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .map_or(0, |r| r.workspaces);
    db::delete(&mut tx, id).await?;
    let action = match Id::KIND {
        Kind::Channel => Action::ChannelRemoved,
        Kind::Volume => Action::VolumeRemoved,
    };
    let event = Event::new(
        action,
        organization,
        Target::other(Id::KIND.as_str(), Some(id.uuid().to_string()), &name),
    )
    .before(json!({ "name": name, "shared_with_workspaces": sharing }));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    tracing::info!(%organization, %id, kind = %Id::KIND, "removed from the registry");
    Ok(())
}

/// The channels and volumes shared with the workspace (anyone in it, guests included).
pub async fn shared(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<WorkspaceChannels, AppError> {
    let mut c = state.db.conn().await?;
    let access = authorize_in_workspace(&mut c, workspace, user.id, Operation::GetChannels).await?;
    Ok(WorkspaceChannels {
        workspace,
        organization: access.organization_id,
        channels: db::shared_with(&mut c, workspace).await?,
        volumes: db::shared_with(&mut c, workspace).await?,
        can_share: authorize(access.role(), Operation::EditWorkspace).is_ok(),
    })
}

/// Makes `channels` and `volumes` exactly what the workspace shares (workspace admins). Every
/// id must be in the workspace's organization's registry; otherwise nothing changes.
pub async fn share(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    channels: &[ChannelId],
    volumes: &[VolumeId],
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::EditWorkspace).await?;
    let organization = access.organization_id;
    let names = |c: Vec<crate::channels::Shared<ChannelId>>,
                 v: Vec<crate::channels::Shared<VolumeId>>| {
        json!({
            "channels": c.into_iter().map(|s| s.name).collect::<Vec<_>>(),
            "volumes": v.into_iter().map(|s| s.name).collect::<Vec<_>>(),
        })
    };
    let before = names(
        db::shared_with(&mut tx, workspace).await?,
        db::shared_with(&mut tx, workspace).await?,
    );
    replace(&mut tx, workspace, organization, channels).await?;
    replace(&mut tx, workspace, organization, volumes).await?;
    let after = names(
        db::shared_with(&mut tx, workspace).await?,
        db::shared_with(&mut tx, workspace).await?,
    );
    if before != after {
        let label = workspaces_name(&mut tx, workspace).await?;
        let event = Event::new(
            Action::WorkspaceChannelsChanged,
            organization,
            Target::workspace(workspace, &label),
        )
        .in_workspace(workspace)
        .before(before)
        .after(after);
        record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn workspaces_name(c: &mut impl Exec, workspace: WorkspaceId) -> Result<String, AppError> {
    crate::db::workspaces::name_of(c, workspace)
        .await?
        .ok_or(AppError::NotFound)
}

async fn replace<Id: KindId>(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    organization: OrganizationId,
    chosen: &[Id],
) -> Result<(), AppError> {
    let known = db::ids_of::<Id>(c, organization).await?;
    let ids = within_registry(chosen, &known)?;
    match db::replace_shared(c, workspace, organization, &ids).await {
        // Removed from the registry between our read and the insert.
        Err(DbError::ForeignKeyViolation) => Err(not_in_registry(Id::KIND)),
        other => Ok(other?),
    }
}

/// The chosen ids once each, in the order given, when all are in the registry (`known`).
fn within_registry<Id: KindId>(chosen: &[Id], known: &[Id]) -> Result<Vec<Id>, AppError> {
    let known: HashSet<Id> = known.iter().copied().collect();
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for &id in chosen {
        if !known.contains(&id) {
            return Err(not_in_registry(Id::KIND));
        }
        if seen.insert(id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The same answer for an id of another organization and one that does not exist.
fn not_in_registry(kind: Kind) -> AppError {
    AppError::field(
        &format!("{kind}_ids"),
        format!(
            "A chosen {kind} is not in this organization's registry (it may have just been removed). Reload the page and choose again."
        ),
    )
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn the_chosen_ids_must_be_in_the_registry_and_count_once() {
        let id = |n: u128| ChannelId(Uuid::from_u128(n));
        let known = [id(1), id(2), id(3)];
        assert_eq!(
            within_registry(&[id(3), id(1), id(3)], &known),
            Ok(vec![id(3), id(1)])
        );
        assert_eq!(within_registry(&[], &known), Ok(vec![]));
        let refused = within_registry(&[id(1), id(9)], &known).unwrap_err();
        assert!(
            refused
                .field_message("channel_ids")
                .is_some_and(|m| m.starts_with("A chosen channel is not in")),
            "{refused:?}"
        );
    }

    #[test]
    fn add_forms_are_checked_field_by_field() {
        assert_eq!(
            validate(Kind::Volume, "  Scratch ", " Fast disks "),
            Ok(("Scratch".to_owned(), "Fast disks".to_owned()))
        );
        let both = validate(Kind::Channel, " ", &"x".repeat(DESCRIPTION_MAX + 1)).unwrap_err();
        assert_eq!(both.field_message("name"), Some("Enter a channel name."));
        assert!(both.field_message("description").is_some());
    }
}
