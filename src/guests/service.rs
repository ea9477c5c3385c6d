//! Listing and removing a workspace's guests. Inviting them is the invitation flow's
//! (`invitations::service::invite_guest`).

use serde_json::json;

use crate::{
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{
        users::{self, UserRecord},
        workspaces,
    },
    error::AppError,
    guests::Guest,
    ids::{UserId, WorkspaceId},
    policy::{Operation, authorize_in_workspace},
    server::state::AppState,
};

pub async fn list(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<Vec<Guest>, AppError> {
    let mut c = state.db.conn().await?;
    authorize_in_workspace(&mut c, workspace, user.id, Operation::GetWorkspaceGuests).await?;
    Ok(workspaces::guests(&mut c, workspace)
        .await?
        .into_iter()
        .map(|g| Guest {
            user_id: g.user_id,
            name: g.name,
            email: g.email,
            since: g.created_at,
        })
        .collect())
}

/// Ends `guest`'s access to the workspace at once. Someone who is not a guest of it (a member,
/// or nobody) answers "not found".
pub async fn remove(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    guest: UserId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::RemoveWorkspaceGuest)
            .await?;
    if !workspaces::remove_guest(&mut tx, workspace, guest).await? {
        return Err(AppError::NotFound);
    }
    let person = users::find_by_id(&mut tx, guest)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new(
        Action::GuestRemoved,
        access.organization_id,
        Target::person(Some(guest), &person.name, &person.email),
    )
    .in_workspace(workspace)
    .before(json!({ "role": crate::roles::Role::Guest }));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    tracing::info!(%workspace, %guest, "guest removed");
    Ok(())
}
