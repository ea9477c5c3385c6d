//! A counter, a page title and one server function behind a router: the floor of
//! `bench/run`. Only its browser half is built.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

#[server]
pub async fn double(n: i32) -> Result<i32, ServerFnError> {
    Ok(n * 2)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Floor"/>
        <Router>
            <main>
                <Routes fallback=|| "Not found.">
                    <Route path=StaticSegment("") view=Counter/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    let doubled = Action::new(|n: &i32| double(*n));
    view! {
        <button on:click=move |_| *count.write() += 1>"Clicked " {count} " times"</button>
        <button on:click=move |_| { doubled.dispatch(count.get()); }>"Double on the server"</button>
        <p>{move || doubled.value().get().map(|r| format!("{r:?}"))}</p>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
