//! Usage meters, and editing a limit in place.

use leptos::{html, prelude::*};

use crate::{
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
    limits::{
        Level, LimitUsage, SetOrganizationLimit, SetWorkspaceLimit, Setting,
        get_organization_limits, get_workspace_limits,
    },
    ui::{form::FormAlert, session::SessionContext, thousands},
};

/// Whose limits a set of meters edits, and the action that saves them.
#[derive(Clone, Copy)]
pub enum LimitSetter {
    Organization(OrganizationId, ServerAction<SetOrganizationLimit>),
    Workspace(WorkspaceId, ServerAction<SetWorkspaceLimit>),
}

impl LimitSetter {
    /// Moves each time a save completes.
    fn version(self) -> usize {
        match self {
            LimitSetter::Organization(_, a) => a.version().get(),
            LimitSetter::Workspace(_, a) => a.version().get(),
        }
    }

    /// The last save's error, if it failed.
    fn error(self) -> Option<AppError> {
        match self {
            LimitSetter::Organization(_, a) => a.value().get().and_then(Result::err),
            LimitSetter::Workspace(_, a) => a.value().get().and_then(Result::err),
        }
    }

    fn succeeded_untracked(self) -> bool {
        match self {
            LimitSetter::Organization(_, a) => {
                a.value().with_untracked(|v| matches!(v, Some(Ok(()))))
            }
            LimitSetter::Workspace(_, a) => a.value().with_untracked(|v| matches!(v, Some(Ok(())))),
        }
    }

    /// The form that saves one limit, around `body` (the fields after the owner's id).
    fn form<V: IntoView + 'static>(
        self,
        on_submit: impl Fn() + Send + Sync + 'static,
        body: impl Fn() -> V + Send + Sync + 'static,
    ) -> impl IntoView {
        match self {
            LimitSetter::Organization(id, action) => view! {
                <ActionForm action attr:class="meter-form" attr:novalidate=true
                    on:submit:capture=move |_| on_submit()>
                    <input type="hidden" name="organization_id" value=id.to_string()/>
                    {body()}
                </ActionForm>
            }
            .into_any(),
            LimitSetter::Workspace(id, action) => view! {
                <ActionForm action attr:class="meter-form" attr:novalidate=true
                    on:submit:capture=move |_| on_submit()>
                    <input type="hidden" name="workspace_id" value=id.to_string()/>
                    {body()}
                </ActionForm>
            }
            .into_any(),
        }
    }
}

/// The current organization's meters: every setting with its usage against its limit. Shows
/// nothing to a guest, who may not see them.
#[component]
pub fn OrganizationLimitsPanel() -> impl IntoView {
    let session = SessionContext::get();
    let set = ServerAction::<SetOrganizationLimit>::new();
    // The setting last submitted from this page, so that an error shows on its own meter.
    // (A form sent without JavaScript comes back without it: the error shows above them all.)
    let active = RwSignal::new(None::<Setting>);
    let limits = Resource::new(
        move || (session.place_version(), set.version().get()),
        |_| get_organization_limits(None),
    );
    view! {
        <Transition fallback=|| view! { <div class="card meters skeleton-block"></div> }>
            {move || Suspend::new(async move {
                match limits.await {
                    Ok(l) => view! {
                        <section class="card" aria-labelledby="limits-heading">
                            <div class="card-header">
                                <h2 id="limits-heading">"Usage and limits"</h2>
                                <span class="muted">"Compute time counts this calendar month (UTC)."</span>
                            </div>
                            <Meters items=l.items can_edit=l.can_edit
                                setter=LimitSetter::Organization(l.organization, set) active/>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::Forbidden | AppError::NotFound) => ().into_any(),
                    Err(e) => view! {
                        <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// A workspace's meters, for its members (guests see nothing); its admins edit them in place.
#[component]
pub fn WorkspaceLimitsPanel(
    workspace: WorkspaceId,
    /// Moves when something else on the page changed the usage (guests invited or removed).
    #[prop(optional, into)]
    refresh: Option<Signal<usize>>,
) -> impl IntoView {
    let set = ServerAction::<SetWorkspaceLimit>::new();
    let active = RwSignal::new(None::<Setting>);
    let limits = Resource::new(
        move || (set.version().get(), refresh.map(|r| r.get())),
        move |_| get_workspace_limits(workspace),
    );
    view! {
        <Transition fallback=|| view! { <div class="card meters skeleton-block"></div> }>
            {move || Suspend::new(async move {
                match limits.await {
                    Ok(l) => view! {
                        <section class="card" aria-labelledby="ws-limits-heading">
                            <div class="card-header">
                                <h2 id="ws-limits-heading">"Workspace limits"</h2>
                                <span class="muted">"Within the organization's limits."</span>
                            </div>
                            <Meters items=l.items can_edit=l.can_edit
                                setter=LimitSetter::Workspace(l.workspace, set) active/>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::Forbidden | AppError::NotFound) => ().into_any(),
                    Err(e) => view! {
                        <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Meters(
    items: Vec<LimitUsage>,
    can_edit: bool,
    setter: LimitSetter,
    active: RwSignal<Option<Setting>>,
) -> impl IntoView {
    let unplaced = move || {
        active
            .get()
            .is_none()
            .then(|| setter.error())
            .flatten()
            .map(|e| view! { <p class="alert alert-error meters-alert" role="alert">{e.to_string()}</p> })
    };
    let meters = items
        .into_iter()
        .map(|item| view! { <Meter item can_edit setter active/> })
        .collect_view();
    view! {
        {unplaced}
        <div class="meters">{meters}</div>
    }
}

#[component]
fn Meter(
    item: LimitUsage,
    can_edit: bool,
    setter: LimitSetter,
    active: RwSignal<Option<Setting>>,
) -> impl IntoView {
    let setting = item.setting;
    let level = match item.level() {
        Level::Ok => "ok",
        Level::Warning => "warning",
        Level::Full => "full",
    };
    let percent = (item.fraction() * 100.0).clamp(0.0, 100.0);
    let usage = item.usage_text();
    let status = match item.level() {
        Level::Full if item.usage > item.limit as f64 => "Over the limit",
        Level::Full => "Limit reached",
        Level::Warning => "Nearly full",
        Level::Ok => "",
    };
    // The server's answer concerns this meter only when it was this setting that was saved.
    let error = Signal::derive(move || {
        (active.get() == Some(setting))
            .then(|| setter.error())
            .flatten()
    });
    let editor = can_edit.then(|| {
        let field_error =
            move || error.get().and_then(|e| e.field_message("limit").map(str::to_owned));
        let input_id = format!("limit-{}", setting.as_str());
        let (max, limit) = (item.max, item.limit);
        // The panel re-renders in place after a save, so a `<details>` the user opened would
        // stay open: close it once this setting's save has succeeded.
        let details = NodeRef::<html::Details>::new();
        Effect::new(move |previous: Option<usize>| {
            let now = setter.version();
            if previous.is_some_and(|p| p != now)
                && active.get_untracked() == Some(setting)
                && setter.succeeded_untracked()
                && let Some(el) = details.get_untracked()
            {
                el.set_open(false);
            }
            now
        });
        view! {
            <details class="meter-edit" node_ref=details open=move || error.get().is_some()>
                <summary>"Edit limit"</summary>
                {setter.form(move || active.set(Some(setting)), move || {
                    let input_id = input_id.clone();
                    view! {
                        <input type="hidden" name="setting" value=format!("{setting:?}")/>
                        <label for=input_id.clone()>
                            {format!("{} limit ({}, up to {max})", setting.label(), setting.unit())}
                        </label>
                        <div class="inline-field">
                            <input id=input_id type="number" name="limit" min="0" max=max
                                step="1" inputmode="numeric" value=limit required
                                aria-invalid=move || field_error().is_some().then_some("true")/>
                            <button type="submit" class="button small primary">"Save"</button>
                        </div>
                        {move || field_error().map(|m| view! { <p class="field-error">{m}</p> })}
                        <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field_message("limit").is_none()))/>
                    }
                })}
            </details>
        }
    });
    view! {
        <div class=format!("meter level-{level}") role="group" aria-label=setting.label()>
            <div class="meter-top">
                <span class="meter-label">{setting.label()}</span>
                <span class="meter-status">{status}</span>
            </div>
            <div class="meter-figure">
                <strong>{usage.clone()}</strong>
                <span class="muted">" / " {thousands(item.limit)} " " {setting.unit()}</span>
            </div>
            <div class="meter-bar" role="meter" aria-label=format!("{} used", setting.label())
                aria-valuemin="0" aria-valuemax=item.limit aria-valuenow=item.usage
                aria-valuetext=format!("{usage} of {} {}", thousands(item.limit), setting.unit())>
                <span style=format!("width: {percent:.1}%")></span>
            </div>
            {item.breakdown.map(|b| view! { <p class="meter-note">{b}</p> })}
            {editor}
        </div>
    }
}
