//! The signed-in user and the actions that change who or where they are.
//!
//! The actions live here, above every page, so that the `me` resource refetches when any of
//! them completes: signing in or out, or switching organization or workspace, updates the header
//! and every page without a reload.

use leptos::prelude::*;
use leptos_router::hooks::use_url;

use crate::{
    accounts::{Me, SignIn, SignOut, SignUp, get_me},
    error::AppError,
    organizations::SwitchOrganization,
    workspaces::SwitchWorkspace,
};

#[derive(Clone, Copy)]
pub struct SessionContext {
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub switch_workspace: ServerAction<SwitchWorkspace>,
    pub switch_organization: ServerAction<SwitchOrganization>,
    /// Bumped by pages after a change that alters the user's places or names (renaming,
    /// leaving, accepting an invitation), so that the header and every page follow.
    changes: RwSignal<usize>,
    pub me: Resource<Result<Option<Me>, AppError>>,
}

impl SessionContext {
    /// Creates the actions and the `me` resource and provides them to every page below.
    /// Must be called inside the `<Router>`.
    pub fn provide() -> Self {
        // A form posted without JavaScript comes back with its error in the URL; the router
        // hands it to actions created below `<Routes>`, and these are created above, so they
        // are handed it here.
        use_url().read_untracked().provide_server_action_error();

        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let switch_workspace = ServerAction::<SwitchWorkspace>::new();
        let switch_organization = ServerAction::<SwitchOrganization>::new();
        let changes = RwSignal::new(0);
        let me = Resource::new(
            move || {
                (
                    sign_in.version().get(),
                    sign_up.version().get(),
                    sign_out.version().get(),
                    switch_workspace.version().get(),
                    switch_organization.version().get(),
                    changes.get(),
                )
            },
            |_| get_me(),
        );
        let context = Self {
            sign_in,
            sign_up,
            sign_out,
            switch_workspace,
            switch_organization,
            changes,
            me,
        };
        provide_context(context);
        context
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Changes whenever the place (organization, workspace) or the user may have changed:
    /// page resources that depend on where the user is track it.
    pub fn place_version(&self) -> usize {
        self.sign_in.version().get()
            + self.sign_up.version().get()
            + self.switch_workspace.version().get()
            + self.switch_organization.version().get()
            + self.changes.get()
    }

    /// Tells every page that the user's places or names changed.
    pub fn changed(&self) {
        self.changes.update(|n| *n += 1);
    }
}
