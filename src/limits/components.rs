//! Usage meters, and editing a limit in place.

use leptos::{html, prelude::*};

use crate::{
    error::AppError,
    ids::OrganizationId,
    limits::{
        Level, LimitUsage, OrganizationLimits, SetOrganizationLimit, Setting,
        get_organization_limits,
    },
    ui::{form::FormAlert, session::SessionContext},
};

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
                            <Meters limits=l set active/>
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
    limits: OrganizationLimits,
    set: ServerAction<SetOrganizationLimit>,
    active: RwSignal<Option<Setting>>,
) -> impl IntoView {
    let organization = limits.organization;
    let can_edit = limits.can_edit;
    let unplaced = move || {
        active
            .get()
            .is_none()
            .then(|| set.value().get().and_then(Result::err))
            .flatten()
            .map(|e| view! { <p class="alert alert-error meters-alert" role="alert">{e.to_string()}</p> })
    };
    let meters = limits
        .items
        .into_iter()
        .map(|item| view! { <Meter item organization can_edit set active/> })
        .collect_view();
    view! {
        {unplaced}
        <div class="meters">{meters}</div>
    }
}

#[component]
fn Meter(
    item: LimitUsage,
    organization: OrganizationId,
    can_edit: bool,
    set: ServerAction<SetOrganizationLimit>,
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
            .then(|| set.value().get().and_then(Result::err))
            .flatten()
    });
    let editor = can_edit.then(|| {
        let field_error =
            move || error.get().and_then(|e| e.field_message("limit").map(str::to_owned));
        let input_id = format!("limit-{}", setting.as_str());
        // The panel re-renders in place after a save, so a `<details>` the user opened would
        // stay open: close it once this setting's save has succeeded.
        let details = NodeRef::<html::Details>::new();
        Effect::new(move |previous: Option<usize>| {
            let now = set.version().get();
            if previous.is_some_and(|p| p != now)
                && active.get_untracked() == Some(setting)
                && matches!(set.value().get_untracked(), Some(Ok(_)))
                && let Some(el) = details.get_untracked()
            {
                el.set_open(false);
            }
            now
        });
        view! {
            <details class="meter-edit" node_ref=details open=move || error.get().is_some()>
                <summary>"Edit limit"</summary>
                <ActionForm action=set attr:class="meter-form" attr:novalidate=true
                    on:submit:capture=move |_| active.set(Some(setting))>
                    <input type="hidden" name="organization_id" value=organization.to_string()/>
                    <input type="hidden" name="setting" value=format!("{setting:?}")/>
                    <label for=input_id.clone()>
                        {format!("{} limit ({}, up to {})", setting.label(), setting.unit(), item.max)}
                    </label>
                    <div class="inline-field">
                        <input id=input_id type="number" name="limit" min="0" max=item.max
                            step="1" inputmode="numeric" value=item.limit required
                            aria-invalid=move || field_error().is_some().then_some("true")/>
                        <button type="submit" class="button small primary">"Save"</button>
                    </div>
                    {move || field_error().map(|m| view! { <p class="field-error">{m}</p> })}
                    <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field_message("limit").is_none()))/>
                </ActionForm>
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
                <span class="muted">" / " {item.limit} " " {setting.unit()}</span>
            </div>
            <div class="meter-bar" role="meter" aria-label=format!("{} used", setting.label())
                aria-valuemin="0" aria-valuemax=item.limit aria-valuenow=item.usage
                aria-valuetext=format!("{usage} of {} {}", item.limit, setting.unit())>
                <span style=format!("width: {percent:.1}%")></span>
            </div>
            {item.breakdown.map(|b| view! { <p class="meter-note">{b}</p> })}
            {editor}
        </div>
    }
}
