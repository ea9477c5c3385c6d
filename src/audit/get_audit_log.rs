use leptos::prelude::*;

use crate::{
    audit::{AuditFilter, AuditPage},
    error::AppError,
    ids::OrganizationId,
};

/// One page (50 events) of the organization's audit log, newest first, narrowed by the actor's
/// email, the action (`member.role_changed`…) and a range of days (`YYYY-MM-DD`, UTC,
/// inclusive); `before` is the `next` cursor of the page before. Answers the filter as it was
/// understood. Without an id: the caller's current organization.
///
/// Permissions: org admin.
#[server(prefix = "/api", endpoint = "get_audit_log")]
pub async fn get_audit_log(
    organization_id: Option<OrganizationId>,
    #[server(default)] actor: String,
    #[server(default)] action: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] before: String,
) -> Result<(AuditFilter, AuditPage), AppError> {
    use crate::{accounts::auth, audit::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::page(
        &state,
        &user,
        organization_id,
        (&actor, &action, &from, &to),
        &before,
    )
    .await
}
