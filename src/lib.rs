//! orgspace: organizations, members, workspaces and guests.
//!
//! One crate, built twice: with `ssr` it is the server (axum, sqlx, sessions), with `hydrate`
//! the WebAssembly that makes the server-rendered pages interactive. Domains have a folder each
//! (`accounts`, `organizations`, `workspaces`, `limits`), holding their shared types, their server
//! functions (one per file) and their pages; server-only modules are behind `ssr`.

pub mod accounts;
pub mod api_keys;
pub mod app;
pub mod audit;
pub mod channels;
pub mod error;
pub mod guests;
pub mod ids;
pub mod invitations;
pub mod limits;
pub mod members;
pub mod organizations;
pub mod roles;
pub mod timestamp;
pub mod ui;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod policy;
#[cfg(feature = "ssr")]
pub mod rate_limits;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod usage;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // As `leptos::mount::hydrate_lazy` (the page's own chunk of the bundle loads before the page
    // hydrates), then a mark on `<html>`: from `data-hydrated` on, the page is interactive.
    // Before it, a click on a form is a plain post (which works, without the hydrated page's
    // extras, such as the dialog with a new invitation's link); the browser tests wait for it.
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App)
            .await
            .forget();
        if let Some(root) = leptos::prelude::document().document_element() {
            _ = root.set_attribute("data-hydrated", "");
        }
    });
}
