//! Dialogs that are addresses: `?invite`, `?remove=ID`... open them, a link without the
//! parameter closes them. They work the same with and without JavaScript, the back button
//! closes them, and a dialog can be linked to.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The query parameters that open dialogs; dropped from the address when a dialog closes.
pub const DIALOG_PARAMS: [&str; 13] = [
    "invite", "remove", "role", "to", "leave", "revoke", "create", "edit", "delete", "add",
    "share", "new", "created",
];

/// A modal dialog over the page.
#[component]
pub fn Dialog(
    title: String,
    /// Where "Cancel" and the close button lead: the page without the dialog.
    #[prop(into)]
    close_href: String,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="modal-backdrop">
            <section class="modal" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
                <header class="modal-header">
                    <h2 id="dialog-title">{title}</h2>
                    <a href=close_href class="modal-close" aria-label="Close">"×"</a>
                </header>
                {children()}
            </section>
        </div>
    }
}

/// Cancel and confirm, at the foot of a dialog.
#[component]
pub fn DialogButtons(
    close_href: String,
    label: &'static str,
    #[prop(optional)] danger: bool,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="modal-actions">
            <a href=close_href class="button">"Cancel"</a>
            <button type="submit" class=if danger { "button danger" } else { "button primary" }
                aria-busy=move || pending.get().then_some("true")>
                {label}
            </button>
        </div>
    }
}

/// Goes to `href` each time `action` succeeds: the hydrated page's way of closing a dialog
/// (without JavaScript the server redirects instead).
pub fn close_on_success<I, O, E>(action: ServerAction<I>, href: impl Fn() -> String + 'static)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = E> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = action.version().get();
        let succeeded = action.value().with_untracked(|v| matches!(v, Some(Ok(_))));
        if previous.is_some_and(|p| p != version) && succeeded {
            navigate(&href(), Default::default());
        }
        version
    });
}
