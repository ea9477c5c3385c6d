//! Usage: anatools' `getOrganizationUsage` (monthly Compute Time) and `reportUsage`, with which
//! the platform's services report what they use (with an organization- or workspace-scoped
//! API key; the same as `POST /api/usage`).

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    api::schema::{Result, answer, caller, parse, state, user_in_organization, user_in_workspace},
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
    usage::service::{self as usage, Report},
};

#[derive(SimpleObject)]
pub struct OrganizationUsage {
    channel: Option<String>,
    instance_type: Option<String>,
    /// Compute time in the month, in seconds.
    time: i64,
}

#[derive(SimpleObject)]
pub struct UsageReported {
    organization_id: String,
    workspace_id: Option<String>,
    setting: String,
    /// The setting's usage after the report: this month's Compute Time, or the level reported.
    usage: f64,
    /// The limit it was measured against (the workspace's, for a workspace report).
    limit: i64,
}

#[derive(Default)]
pub struct UsageQuery;

#[Object]
impl UsageQuery {
    /// The organization's Compute Time in one month, by channel and instance type; of one of
    /// its workspaces, and of one member (by email), when named.
    #[allow(clippy::too_many_arguments)]
    async fn get_organization_usage(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        workspace_id: Option<String>,
        member: Option<String>,
        year: String,
        month: String,
    ) -> Result<Vec<OrganizationUsage>> {
        let outcome = async {
            let org: OrganizationId = parse(Some(&organization_id))?.ok_or(AppError::NotFound)?;
            let workspace: Option<WorkspaceId> = parse(workspace_id.as_deref())?;
            let user = match workspace {
                // A workspace key reads its own workspace's usage.
                Some(ws) => user_in_workspace(ctx, ws).await?,
                None => user_in_organization(ctx, org)?,
            };
            let month = usage::month_of(&year, &month)?;
            let rows =
                usage::monthly(state(ctx), user, org, workspace, member.as_deref(), month).await?;
            Ok(rows
                .into_iter()
                .map(|r| OrganizationUsage {
                    channel: r.channel,
                    instance_type: r.instance_type,
                    time: r.seconds,
                })
                .collect())
        };
        answer(ctx, outcome.await)
    }
}

#[derive(Default)]
pub struct UsageMutation;

#[Object]
impl UsageMutation {
    /// Reports usage of a metered setting: Compute Time as hours used since the last report,
    /// the others (Dataset Storage, Volume Storage in GB; Instances; Datasets) as the level now.
    /// For the key's organization or workspace unless another of its reach is named. Refused
    /// when it would pass a limit.
    #[allow(clippy::too_many_arguments)]
    async fn report_usage(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        setting: String,
        amount: f64,
        channel: Option<String>,
        instance_type: Option<String>,
        member: Option<String>,
    ) -> Result<UsageReported> {
        let outcome = async {
            let (user, reach) = caller(ctx).user_and_reach()?;
            let place = usage::place_for(
                reach,
                parse(organization_id.as_deref())?,
                parse(workspace_id.as_deref())?,
            )?;
            let r = usage::report(
                state(ctx),
                user,
                reach,
                place,
                Report {
                    setting,
                    amount,
                    channel,
                    instance_type,
                    member,
                },
            )
            .await?;
            Ok(UsageReported {
                organization_id: r.organization.to_string(),
                workspace_id: r.workspace.map(|w| w.to_string()),
                setting: r.setting.label().to_owned(),
                usage: r.usage,
                limit: r.limit,
            })
        };
        answer(ctx, outcome.await)
    }
}
