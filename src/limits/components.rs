//! Usage meters, and editing a limit in place.

use leptos::prelude::*;

use crate::{
    ids::OrganizationId,
    limits::{
        Level, LimitUsage, OrganizationLimits, SetOrganizationLimit, Setting,
        get_organization_limits,
    },
    ui::form::FormAlert,
};

/// The organization's meters: every setting with its usage against its limit.
#[component]
pub fn OrganizationLimitsPanel(organization: OrganizationId) -> impl IntoView {
    let set = ServerAction::<SetOrganizationLimit>::new();
    let limits = Resource::new(
        move || (organization, set.version().get()),
        |(organization, _)| get_organization_limits(organization),
    );
    view! {
        <section class="card" aria-labelledby="limits-heading">
            <div class="card-header">
                <h2 id="limits-heading">"Usage and limits"</h2>
                <span class="muted">"Compute time counts this calendar month (UTC)."</span>
            </div>
            <Transition fallback=|| view! { <div class="meters skeleton-block"></div> }>
                {move || Suspend::new(async move {
                    match limits.await {
                        Ok(l) => view! { <Meters limits=l set/> }.into_any(),
                        Err(e) => view! {
                            <p class="alert alert-error" role="alert">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Meters(limits: OrganizationLimits, set: ServerAction<SetOrganizationLimit>) -> impl IntoView {
    let organization = limits.organization;
    let can_edit = limits.can_edit;
    // The setting last submitted from this page, so that an error shows on its own meter.
    // (A form sent without JavaScript comes back without it: the error shows above them all.)
    let active = RwSignal::new(None::<Setting>);
    let unplaced = Signal::derive(move || {
        active
            .get()
            .is_none()
            .then(|| set.value().get().and_then(Result::err))
            .flatten()
    });
    let meters = limits
        .items
        .into_iter()
        .map(|item| view! { <Meter item organization can_edit set active/> })
        .collect_view();
    view! {
        <FormAlert error=unplaced/>
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
        view! {
            <details class="meter-edit" open=move || error.get().is_some()>
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
            {editor}
        </div>
    }
}
