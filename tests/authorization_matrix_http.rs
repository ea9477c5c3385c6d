//! The authorization matrix over HTTP, on both backends. Every server function and every GraphQL
//! operation (and the two plain routes that act on a place: the audit log's CSV export and the
//! usage report) is called as eight callers: anonymous, a signed-in outsider (Olly), the admin
//! of another organization (Bea), a guest of workspace W (Gus), a member of organization A
//! (Mel), A's admin (Ada), and two API keys of Ada's scoped elsewhere: to organization B (where
//! Ada is a member), and to A's other workspace W2. What each cell must answer is derived from
//! one table ([`server_function_rows`], [`graphql_rows`], [`route_rows`]) that mirrors spec.md
//! §3; nothing is hard-coded per cell. Proven:
//!
//! - no caller gets past authorization where the table says no (zero unexpected successes), and
//!   every refusal is the one the spec names: 401 when signed out (API keys open no server
//!   function), 404 where the caller holds no role, 403 where the role is too low, and for keys
//!   outside their scope the scope sentence (or 404, where the operation lists what a key reaches);
//! - a refused call changes nothing in the database (a snapshot of every domain table, before and
//!   after);
//! - for callers who cannot reach A, an id of A's (the organization, a workspace, an invitation, a
//!   member, a guest, a channel, a volume) answers byte for byte like a random id that does not
//!   exist: for the outsider and Bea, for the out-of-scope keys (where keys are read: GraphQL and
//!   the usage route), for the guest about the sibling workspace W2, and when a caller names a
//!   place of their own (Olly's, Bea's, B) with an id of A's; and, accounts being the whole
//!   instance's, where a role is too low (403) an email of an account elsewhere answers like an
//!   address nobody has;
//! - no answer to a caller carries an id of what that caller cannot reach;
//! - the table lists exactly the server functions the app registers and the operations the
//!   GraphQL schema answers (introspection): one added later fails this test until it is placed
//!   in the table. (The plain routes are listed by hand.)
//!
//! Refused callers are called first, on the real ids. Allowed cells that consume their target
//! (revoke, remove, delete, resend) get a fresh one of the same shape, made by Ada right before
//! the call; the member and the guest that cells act on (Max, Gil) are none of the callers, and
//! those who leave A in the leaving rows join it again.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Client, Response, TestApp, TestDb};
use orgspace::{db::Db, error::AppError};
use serde_json::{Map, Value, json};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// The table's vocabulary

/// Roles as spec.md §3 orders them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Guest,
    Member,
    Admin,
}

/// Who may perform an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Anyone, signed in or not: signing in and up, opening an invitation link.
    Public,
    /// Anyone signed in, about themselves.
    SignedIn,
    /// Only the address the invitation is for; anyone else signed in gets this refusal. The
    /// target is an invitation of A's to an address none of the callers has, so that even A's
    /// admin, who sent it, is refused.
    Invitee(Denial),
    /// At least this role in organization A (a guest of one of its workspaces is an org guest).
    Org(Role),
    /// At least this effective role in workspace W.
    Workspace(Role),
    /// Reporting metered usage: an API key scoped to the place, of one of its admins.
    ScopedKey,
}

/// How a GraphQL operation treats API keys (server functions take none).
#[derive(Clone, Copy, Debug)]
enum Keys {
    /// A key acts as its owner: for operations about the caller, and lists it narrows.
    AsOwner,
    /// No key may (making and listing keys takes a signed-in user).
    Never,
    /// A place outside the key's scope answers `outside`. With `narrows`, a workspace key
    /// asking about its own workspace's organization gets that workspace's part of it.
    Scoped { outside: Denial, narrows: bool },
}

/// Out of scope: the key-scope sentence.
const GUARDED: Keys = Keys::Scoped {
    outside: Denial::OutsideKeyScope,
    narrows: false,
};
/// Out of scope: the key-scope sentence; a workspace key sees its workspace's part of its
/// organization.
const GUARDED_NARROWING: Keys = Keys::Scoped {
    outside: Denial::OutsideKeyScope,
    narrows: true,
};
/// A list filtered by the key's reach: what is outside is "not found"; a workspace key sees its
/// workspace's part of its organization.
const LISTED: Keys = Keys::Scoped {
    outside: Denial::NotFound,
    narrows: true,
};
/// Out of scope answers "not found": the id alone says nothing of where it leads.
const HIDDEN: Keys = Keys::Scoped {
    outside: Denial::NotFound,
    narrows: false,
};

/// A refusal that says nothing of what was asked for beyond who may ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Denial {
    Unauthenticated,
    NotFound,
    Forbidden,
    OutsideKeyScope,
    NeedsSignIn,
    /// Usage reports need a scoped key: a session or a sign-in token is refused with this.
    NeedsScopedKey,
}

const NEEDS_SCOPED_KEY: &str = "Usage is reported with an API key limited to the organization or workspace it is about: make one on the API keys page.";

impl Denial {
    const ALL: [Denial; 6] = [
        Denial::Unauthenticated,
        Denial::NotFound,
        Denial::Forbidden,
        Denial::OutsideKeyScope,
        Denial::NeedsSignIn,
        Denial::NeedsScopedKey,
    ];

    fn error(self) -> AppError {
        match self {
            Denial::Unauthenticated => AppError::Unauthenticated,
            Denial::NotFound => AppError::NotFound,
            Denial::Forbidden => AppError::Forbidden,
            Denial::OutsideKeyScope => AppError::OutsideKeyScope,
            Denial::NeedsSignIn => AppError::NeedsSignIn,
            Denial::NeedsScopedKey => AppError::Conflict(NEEDS_SCOPED_KEY.to_owned()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Past authorization: a success, or a refusal by a domain rule (409, 422).
    Allowed,
    Denied(Denial),
}

/// The callers of every cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Outsider,
    OtherAdmin,
    Guest,
    Member,
    Admin,
    KeyOfB,
    KeyOfW2,
}

impl Who {
    const ALL: [Who; 8] = [
        Who::Anonymous,
        Who::Outsider,
        Who::OtherAdmin,
        Who::Guest,
        Who::Member,
        Who::Admin,
        Who::KeyOfB,
        Who::KeyOfW2,
    ];

    fn label(self) -> &'static str {
        match self {
            Who::Anonymous => "anonymous",
            Who::Outsider => "outsider Olly",
            Who::OtherAdmin => "B's admin Bea",
            Who::Guest => "W's guest Gus",
            Who::Member => "A's member Mel",
            Who::Admin => "A's admin Ada",
            Who::KeyOfB => "Ada's key scoped to B",
            Who::KeyOfW2 => "Ada's key scoped to W2",
        }
    }

    fn is_key(self) -> bool {
        matches!(self, Who::KeyOfB | Who::KeyOfW2)
    }

    /// Signed in with a session (server functions) or a sign-in token (GraphQL).
    fn signed_in(self) -> bool {
        self != Who::Anonymous && !self.is_key()
    }

    /// The caller's role in organization A, as the world below is built.
    fn role_in_a(self) -> Option<Role> {
        match self {
            Who::Guest => Some(Role::Guest),
            Who::Member => Some(Role::Member),
            Who::Admin => Some(Role::Admin),
            _ => None,
        }
    }

    /// The effective role in workspace W: Gus's explicit grant, or implied by the org role.
    fn role_in_w(self) -> Option<Role> {
        self.role_in_a()
    }
}

/// The keys' owner, Ada, is A's admin: what a key reaches, it reaches with her role.
const KEY_OWNER_ROLE_IN_A: Role = Role::Admin;

fn by_role(held: Option<Role>, least: Role) -> Expect {
    match held {
        None => Expect::Denied(Denial::NotFound),
        Some(role) if role < least => Expect::Denied(Denial::Forbidden),
        Some(_) => Expect::Allowed,
    }
}

/// A server function's answer: with a session; keys open none (a key alone is anonymous).
fn expected_server_fn(need: Need, who: Who) -> Expect {
    match need {
        Need::Public => Expect::Allowed,
        _ if !who.signed_in() => Expect::Denied(Denial::Unauthenticated),
        Need::SignedIn => Expect::Allowed,
        Need::Invitee(denial) => Expect::Denied(denial),
        Need::Org(least) => by_role(who.role_in_a(), least),
        Need::Workspace(least) => by_role(who.role_in_w(), least),
        Need::ScopedKey => Expect::Denied(Denial::NeedsScopedKey),
    }
}

/// A GraphQL operation's answer: a sign-in token works like a session; keys as `keys` says.
fn expected_graphql(need: Need, keys: Keys, who: Who) -> Expect {
    if need == Need::Public {
        return Expect::Allowed;
    }
    if !who.is_key() {
        return expected_server_fn(need, who);
    }
    match (keys, need) {
        (Keys::Never, _) => Expect::Denied(Denial::NeedsSignIn),
        (_, Need::SignedIn) => Expect::Allowed,
        (Keys::Scoped { narrows: true, .. }, Need::Org(least)) if who == Who::KeyOfW2 => {
            by_role(Some(KEY_OWNER_ROLE_IN_A), least)
        }
        (Keys::Scoped { outside, .. }, _) => Expect::Denied(outside),
        (Keys::AsOwner, _) => panic!("AsOwner is for operations about the caller ({need:?})"),
    }
}

// ---------------------------------------------------------------------------------------------
// The table

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Surface {
    ServerFn,
    GraphQl,
    /// A plain GET route of the browser's: its session cookie, like a server function.
    SessionRoute,
    /// A plain JSON route for machines: an `apikey` header and nothing else.
    KeyRoute,
}

/// An id a cell names (an email names an account as well as an id does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Org,
    Ws,
    OrgInvitation,
    WsInvitation,
    Member,
    MemberEmail,
    Guest,
    GuestEmail,
    Channel,
    Volume,
}

impl Field {
    fn is_email(self) -> bool {
        matches!(self, Field::MemberEmail | Field::GuestEmail)
    }

    /// A value of this field that names nothing.
    fn nothing(self) -> String {
        match self {
            _ if self.is_email() => new_email("nobody"),
            _ => random_id(),
        }
    }
}

/// What an allowed call of a destructive or once-only operation gets made for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fresh {
    No,
    OrgInvitation,
    WsInvitation,
    Member,
    Guest,
    Workspace,
    Channel,
    Volume,
    /// A key of the caller's own, to delete.
    OwnKey,
    /// A fresh invitation link to sign up through.
    SignUpToken,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Session {
    /// The caller's session.
    Main,
    /// A new session of the same caller (signing in or up replaces the session it is made in).
    New,
}

/// The places and things a cell is called on.
#[derive(Clone, Debug, Default)]
struct Target {
    org: String,
    org_name: String,
    ws: String,
    ws_name: String,
    ws_description: String,
    /// A's pending invitation to an address none of the callers has.
    org_invitation: String,
    /// Its link's token.
    token: String,
    /// W's pending guest invitation to an address none of the callers has.
    ws_invitation: String,
    member: String,
    member_email: String,
    guest: String,
    guest_email: String,
    channel: String,
    volume: String,
    /// The caller's key to delete, by name.
    key_name: String,
    /// A live key, for `getAPIKeyContext`.
    api_key: String,
    signup_token: String,
}

impl Target {
    fn field(&mut self, field: Field) -> &mut String {
        match field {
            Field::Org => &mut self.org,
            Field::Ws => &mut self.ws,
            Field::OrgInvitation => &mut self.org_invitation,
            Field::WsInvitation => &mut self.ws_invitation,
            Field::Member => &mut self.member,
            Field::MemberEmail => &mut self.member_email,
            Field::Guest => &mut self.guest,
            Field::GuestEmail => &mut self.guest_email,
            Field::Channel => &mut self.channel,
            Field::Volume => &mut self.volume,
        }
    }

    fn get(&self, field: Field) -> &str {
        match field {
            Field::Org => &self.org,
            Field::Ws => &self.ws,
            Field::OrgInvitation => &self.org_invitation,
            Field::WsInvitation => &self.ws_invitation,
            Field::Member => &self.member,
            Field::MemberEmail => &self.member_email,
            Field::Guest => &self.guest,
            Field::GuestEmail => &self.guest_email,
            Field::Channel => &self.channel,
            Field::Volume => &self.volume,
        }
    }

    fn with(&self, field: Field, value: &str) -> Target {
        let mut target = self.clone();
        *target.field(field) = value.to_owned();
        target
    }
}

/// Who the caller is: their id, email and password (a visitor's for those who have none).
#[derive(Clone, Debug)]
struct Creds {
    id: String,
    email: String,
    password: String,
}

type Args = Vec<(&'static str, Value)>;
type ArgsFn = fn(&Target, &Creds) -> Args;

/// One row: an operation called with one set of arguments.
struct Row {
    surface: Surface,
    name: &'static str,
    variant: &'static str,
    need: Need,
    keys: Keys,
    fresh: Fresh,
    session: Session,
    /// The id that names where the call acts (or what it acts on).
    place: Option<Field>,
    /// Other ids of A's the call names.
    secondary: &'static [Field],
    args: ArgsFn,
    /// Whether the members who left A through this row join again after it.
    rejoin: bool,
}

impl Row {
    fn new(surface: Surface, name: &'static str, need: Need, keys: Keys, args: ArgsFn) -> Row {
        Row {
            surface,
            name,
            variant: "",
            need,
            keys,
            fresh: Fresh::No,
            session: Session::Main,
            place: match need {
                Need::Org(_) => Some(Field::Org),
                Need::Workspace(_) => Some(Field::Ws),
                _ => None,
            },
            secondary: &[],
            args,
            rejoin: false,
        }
    }

    fn variant(mut self, variant: &'static str) -> Row {
        self.variant = variant;
        self
    }

    fn fresh(mut self, fresh: Fresh) -> Row {
        self.fresh = fresh;
        self
    }

    fn place(mut self, place: Field) -> Row {
        self.place = Some(place);
        self
    }

    fn secondary(mut self, ids: &'static [Field]) -> Row {
        self.secondary = ids;
        self
    }

    /// A row in which members leave A: they join again after it, for the rows that follow.
    fn rejoin(mut self) -> Row {
        self.rejoin = true;
        self
    }

    fn new_session(mut self) -> Row {
        self.session = Session::New;
        self
    }

    fn expected(&self, who: Who) -> Expect {
        match self.surface {
            Surface::ServerFn | Surface::SessionRoute => expected_server_fn(self.need, who),
            Surface::GraphQl => expected_graphql(self.need, self.keys, who),
            // It reads no session and no sign-in token: without a key, nobody is calling.
            Surface::KeyRoute if !who.is_key() => Expect::Denied(Denial::Unauthenticated),
            Surface::KeyRoute => expected_graphql(self.need, self.keys, who),
        }
    }

    fn label(&self) -> String {
        match self.surface {
            Surface::ServerFn => format!("server fn {}{}", self.name, self.variant),
            Surface::GraphQl | Surface::KeyRoute => {
                let args = (self.args)(&Target::default(), &no_creds());
                let names: Vec<&str> = args.iter().map(|(n, _)| *n).collect();
                let kind = match self.surface {
                    Surface::GraphQl => "GraphQL",
                    _ => "POST",
                };
                format!("{kind} {}({}){}", self.name, names.join(", "), self.variant)
            }
            Surface::SessionRoute => format!("GET {}{}", self.name, self.variant),
        }
    }
}

fn no_creds() -> Creds {
    Creds {
        id: String::new(),
        email: String::new(),
        password: String::new(),
    }
}

fn server_fn(name: &'static str, need: Need, args: ArgsFn) -> Row {
    Row::new(Surface::ServerFn, name, need, Keys::Never, args)
}

fn graphql(name: &'static str, need: Need, keys: Keys, args: ArgsFn) -> Row {
    Row::new(Surface::GraphQl, name, need, keys, args)
}

fn route(surface: Surface, path: &'static str, need: Need, args: ArgsFn) -> Row {
    Row::new(surface, path, need, GUARDED, args)
}

fn s(value: &str) -> Value {
    Value::String(value.to_owned())
}

/// A name nothing has yet.
fn unique(prefix: &str) -> String {
    format!("{prefix} {}", Uuid::now_v7().simple())
}

/// An address nobody has yet.
fn new_email(name: &str) -> String {
    format!("{name}-{}@example.com", Uuid::now_v7().simple())
}

/// An id that names nothing.
fn random_id() -> String {
    Uuid::now_v7().to_string()
}

fn none(_: &Target, _: &Creds) -> Args {
    Vec::new()
}

fn org(t: &Target, _: &Creds) -> Args {
    vec![("organization_id", s(&t.org))]
}

fn ws(t: &Target, _: &Creds) -> Args {
    vec![("workspace_id", s(&t.ws))]
}

fn org_gql(t: &Target, _: &Creds) -> Args {
    vec![("organizationId", s(&t.org))]
}

fn ws_gql(t: &Target, _: &Creds) -> Args {
    vec![("workspaceId", s(&t.ws))]
}

const PASSWORD: &str = "a long enough password";

/// Every server function (spec.md §3 and §5-§7), in the order they are called: the ones that
/// end sessions last.
fn server_function_rows() -> Vec<Row> {
    use Field as F;
    use Need::*;
    vec![
        // Anyone signed in, about themselves.
        server_fn("get_me", Public, none),
        server_fn("get_organizations", SignedIn, none),
        server_fn("get_dashboard", SignedIn, none),
        server_fn("get_my_invitations", SignedIn, none),
        server_fn("get_api_keys", SignedIn, none),
        server_fn("create_api_key", SignedIn, |_, _| {
            vec![
                ("name", s(&unique("matrix key"))),
                ("scope", s("user")),
                ("expires", s("30")),
            ]
        })
        .variant(" (scope user)"),
        // A scoped key needs a role in its place.
        server_fn("create_api_key", Org(Role::Guest), |t, _| {
            vec![
                ("name", s(&unique("matrix key"))),
                ("scope", s(&format!("organization:{}", t.org))),
                ("expires", s("30")),
            ]
        })
        .variant(" (scope organization A)"),
        server_fn("create_api_key", Workspace(Role::Guest), |t, _| {
            vec![
                ("name", s(&unique("matrix key"))),
                ("scope", s(&format!("workspace:{}", t.ws))),
                ("expires", s("30")),
            ]
        })
        .variant(" (scope workspace W)"),
        server_fn("delete_api_key", SignedIn, |t, _| {
            vec![("name", s(&t.key_name))]
        })
        .fresh(Fresh::OwnKey),
        // Invitations: the link shows what it is for to whoever holds it; only the invited
        // address answers it.
        server_fn("get_invitation_link", Public, |t, _| {
            vec![("token", s(&t.token))]
        }),
        server_fn("accept_invitation", Invitee(Denial::NotFound), |t, _| {
            vec![("invitation_id", s(&t.org_invitation))]
        })
        .place(F::OrgInvitation),
        server_fn("decline_invitation", Invitee(Denial::NotFound), |t, _| {
            vec![("invitation_id", s(&t.org_invitation))]
        })
        .place(F::OrgInvitation),
        server_fn(
            "accept_invitation_link",
            Invitee(Denial::Forbidden),
            |t, _| vec![("token", s(&t.token))],
        ),
        server_fn(
            "decline_invitation_link",
            Invitee(Denial::Forbidden),
            |t, _| vec![("token", s(&t.token))],
        ),
        // `set_organization` / `get_organization`: any role in the organization.
        server_fn("switch_organization", Org(Role::Guest), org),
        // Org member.
        server_fn("get_organization_limits", Org(Role::Member), org),
        server_fn("get_organization_members", Org(Role::Member), org),
        server_fn("get_organization_invites", Org(Role::Member), org),
        server_fn("add_organization_member", Org(Role::Member), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("email", s(&new_email("invitee"))),
                ("role", s("member")),
            ]
        })
        .variant(" (role member)"),
        server_fn(
            "remove_organization_invitation",
            Org(Role::Member),
            |t, _| {
                vec![
                    ("organization_id", s(&t.org)),
                    ("invitation_id", s(&t.org_invitation)),
                ]
            },
        )
        .fresh(Fresh::OrgInvitation)
        .secondary(&[F::OrgInvitation]),
        server_fn(
            "resend_organization_invitation",
            Org(Role::Member),
            |t, _| {
                vec![
                    ("organization_id", s(&t.org)),
                    ("invitation_id", s(&t.org_invitation)),
                ]
            },
        )
        .fresh(Fresh::OrgInvitation)
        .secondary(&[F::OrgInvitation]),
        server_fn("create_workspace", Org(Role::Member), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("name", s(&unique("Workspace"))),
            ]
        }),
        // The channel registry: org members.
        server_fn("get_organization_channels", Org(Role::Member), org),
        server_fn("add_channel", Org(Role::Member), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("name", s(&unique("Channel"))),
            ]
        }),
        server_fn("add_volume", Org(Role::Member), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("name", s(&unique("Volume"))),
            ]
        }),
        server_fn("remove_channel", Org(Role::Member), |t, _| {
            vec![("channel_id", s(&t.channel))]
        })
        .fresh(Fresh::Channel)
        .place(F::Channel),
        server_fn("remove_volume", Org(Role::Member), |t, _| {
            vec![("volume_id", s(&t.volume))]
        })
        .fresh(Fresh::Volume)
        .place(F::Volume),
        // Org admin.
        server_fn("get_organization_invitation_history", Org(Role::Admin), org),
        server_fn("add_organization_member", Org(Role::Admin), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("email", s(&new_email("invitee"))),
                ("role", s("admin")),
            ]
        })
        .variant(" (role admin)"),
        server_fn("edit_organization_member", Org(Role::Admin), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("user_id", s(&t.member)),
                ("role", s("member")),
            ]
        })
        .secondary(&[F::Member]),
        server_fn("remove_organization_member", Org(Role::Admin), |t, _| {
            vec![("organization_id", s(&t.org)), ("user_id", s(&t.member))]
        })
        .fresh(Fresh::Member)
        .secondary(&[F::Member]),
        server_fn("set_organization_limit", Org(Role::Admin), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("setting", s("Instances")),
                ("limit", s("4")),
            ]
        }),
        server_fn("edit_organization", Org(Role::Admin), |t, _| {
            vec![("organization_id", s(&t.org)), ("name", s(&t.org_name))]
        }),
        server_fn("get_audit_log", Org(Role::Admin), |t, _| {
            vec![
                ("organization_id", s(&t.org)),
                ("actor", s("")),
                ("action", s("")),
                ("from", s("")),
                ("to", s("")),
                ("before", s("")),
            ]
        }),
        // `get_workspaces` / `set_workspace` / `get_workspace`, `get_channels`: workspace guest.
        server_fn("switch_workspace", Workspace(Role::Guest), ws),
        server_fn("get_channels", Workspace(Role::Guest), ws),
        // Workspace member.
        server_fn("get_workspace_guests", Workspace(Role::Member), ws),
        server_fn("get_workspace_invites", Workspace(Role::Member), ws),
        server_fn("get_workspace_limits", Workspace(Role::Member), ws),
        server_fn("add_workspace_guest", Workspace(Role::Member), |t, _| {
            vec![
                ("workspace_id", s(&t.ws)),
                ("email", s(&new_email("guest"))),
            ]
        }),
        server_fn("remove_workspace_guest", Workspace(Role::Member), |t, _| {
            vec![("workspace_id", s(&t.ws)), ("user_id", s(&t.guest))]
        })
        .fresh(Fresh::Guest)
        .secondary(&[F::Guest]),
        server_fn(
            "remove_workspace_invitation",
            Workspace(Role::Member),
            |t, _| {
                vec![
                    ("workspace_id", s(&t.ws)),
                    ("invitation_id", s(&t.ws_invitation)),
                ]
            },
        )
        .fresh(Fresh::WsInvitation)
        .secondary(&[F::WsInvitation]),
        server_fn(
            "resend_workspace_invitation",
            Workspace(Role::Member),
            |t, _| {
                vec![
                    ("workspace_id", s(&t.ws)),
                    ("invitation_id", s(&t.ws_invitation)),
                ]
            },
        )
        .fresh(Fresh::WsInvitation)
        .secondary(&[F::WsInvitation]),
        // Workspace admin.
        server_fn("edit_workspace", Workspace(Role::Admin), |t, _| {
            vec![
                ("workspace_id", s(&t.ws)),
                ("name", s(&t.ws_name)),
                ("description", s(&t.ws_description)),
            ]
        }),
        server_fn("set_workspace_limit", Workspace(Role::Admin), |t, _| {
            vec![
                ("workspace_id", s(&t.ws)),
                ("setting", s("Instances")),
                ("limit", s("4")),
            ]
        }),
        server_fn("set_workspace_channels", Workspace(Role::Admin), |t, _| {
            vec![
                ("workspace_id", s(&t.ws)),
                ("channel_ids[]", s(&t.channel)),
                ("volume_ids[]", s(&t.volume)),
            ]
        })
        .secondary(&[F::Channel, F::Volume]),
        server_fn("delete_workspace", Workspace(Role::Admin), ws).fresh(Fresh::Workspace),
        // Anyone may leave by themselves (A's only admin is refused by the last-admin rule).
        server_fn("remove_organization_member", Org(Role::Member), |t, c| {
            vec![("organization_id", s(&t.org)), ("user_id", s(&c.id))]
        })
        .variant(" (own id: leaving)")
        .rejoin(),
        // The account's own links and "Forgot password?": public, the link (or the inbox it
        // reaches) being the proof. Names of links nobody was sent answer a sentence each.
        server_fn("get_sign_up_policy", Public, none),
        server_fn("get_email_link", Public, |_, _| {
            vec![("token", s(&"x".repeat(43)))]
        }),
        server_fn("verify_email", Public, |_, _| {
            vec![("token", s(&"x".repeat(43)))]
        }),
        server_fn("get_reset_link", Public, |_, _| {
            vec![("token", s(&"x".repeat(43)))]
        }),
        server_fn("reset_password", Public, |_, _| {
            vec![("token", s(&"x".repeat(43))), ("password", s(PASSWORD))]
        }),
        server_fn("request_password_reset", Public, |_, _| {
            vec![("email", s(&new_email("forgetful")))]
        }),
        // About the caller's own account.
        server_fn("resend_verification", SignedIn, none),
        server_fn("edit_profile", SignedIn, |_, c| {
            vec![("name", s("Matrix Caller")), ("email", s(&c.email))]
        }),
        // Signing in and up replace the session they are made in: each gets a new session of
        // the caller's. Then the calls that end sessions, last.
        server_fn("sign_in", Public, |_, c| {
            vec![("email", s(&c.email)), ("password", s(&c.password))]
        })
        .new_session(),
        server_fn("sign_up", Public, |_, _| {
            vec![
                ("name", s("Newcomer")),
                ("email", s(&new_email("newcomer"))),
                ("password", s(PASSWORD)),
                ("organization", s("Newcomers")),
            ]
        })
        .new_session(),
        server_fn("sign_up_with_invitation", Public, |t, _| {
            vec![
                ("token", s(&t.signup_token)),
                ("name", s("Joiner")),
                ("password", s(PASSWORD)),
            ]
        })
        .fresh(Fresh::SignUpToken)
        .new_session(),
        server_fn("change_password", SignedIn, |_, c| {
            vec![
                ("current_password", s(&c.password)),
                ("new_password", s("another long enough password")),
            ]
        }),
        server_fn("sign_out_elsewhere", SignedIn, none),
        server_fn("sign_out", Public, none),
    ]
}

/// Every GraphQL operation (the anatools names of spec.md §3), with each way of naming the place
/// it acts on.
fn graphql_rows() -> Vec<Row> {
    use Field as F;
    use Keys::{AsOwner, Never};
    use Need::*;
    vec![
        // About the caller: a key acts as its owner, within its reach.
        graphql("getCurrentUser", SignedIn, AsOwner, none),
        graphql("getOrganizations", SignedIn, AsOwner, none),
        graphql("getWorkspaces", SignedIn, AsOwner, none),
        graphql("getSDKCompatibility", Public, AsOwner, |_, _| {
            vec![("anatools", s("3.0.0"))]
        }),
        graphql("signIn", Public, AsOwner, |_, c| {
            vec![("email", s(&c.email)), ("password", s(&c.password))]
        }),
        // Whoever holds a key may ask what it is.
        graphql("getAPIKeyContext", Public, AsOwner, |t, _| {
            vec![("apiKey", s(&t.api_key))]
        }),
        // Keys never make, list or delete keys.
        graphql("getAPIKeys", SignedIn, Never, none),
        graphql("createAPIKey", SignedIn, Never, |_, _| {
            vec![("name", s(&unique("matrix key")))]
        }),
        graphql("createAPIKey", Org(Role::Guest), Never, |t, _| {
            vec![
                ("name", s(&unique("matrix key"))),
                ("organizationId", s(&t.org)),
            ]
        }),
        graphql("createAPIKey", Workspace(Role::Guest), Never, |t, _| {
            vec![
                ("name", s(&unique("matrix key"))),
                ("workspaceId", s(&t.ws)),
            ]
        }),
        graphql("deleteAPIKey", SignedIn, Never, |t, _| {
            vec![("name", s(&t.key_name))]
        })
        .fresh(Fresh::OwnKey),
        // `get_organizations` with an id, `get_workspaces`, `get_channels`: any role there
        // (what an org guest sees of the registry is what W shares).
        graphql("getOrganizations", Org(Role::Guest), LISTED, org_gql),
        graphql("getWorkspaces", Org(Role::Guest), LISTED, org_gql),
        graphql("getWorkspaces", Workspace(Role::Guest), LISTED, ws_gql),
        graphql("getChannels", Org(Role::Guest), GUARDED_NARROWING, org_gql),
        graphql("getChannels", Workspace(Role::Guest), GUARDED, ws_gql),
        // The channel and volume are shared with W: whoever is in W sees them.
        graphql("getChannels", Workspace(Role::Guest), HIDDEN, |t, _| {
            vec![("channelId", s(&t.channel))]
        })
        .place(F::Channel),
        graphql("getVolumes", Org(Role::Guest), GUARDED_NARROWING, org_gql),
        graphql("getVolumes", Workspace(Role::Guest), HIDDEN, |t, _| {
            vec![("volumeId", s(&t.volume))]
        })
        .place(F::Volume),
        // Org member.
        graphql("getMembers", Org(Role::Member), GUARDED, org_gql),
        graphql("getInvitations", Org(Role::Member), GUARDED, org_gql),
        graphql("getOrganizationLimits", Org(Role::Member), GUARDED, org_gql),
        graphql(
            "getOrganizationUsage",
            Org(Role::Member),
            GUARDED,
            |t, _| {
                vec![
                    ("organizationId", s(&t.org)),
                    ("year", s("2026")),
                    ("month", s("1")),
                ]
            },
        ),
        graphql(
            "getOrganizationUsage",
            Org(Role::Member),
            GUARDED,
            |t, _| {
                vec![
                    ("organizationId", s(&t.org)),
                    ("workspaceId", s(&t.ws)),
                    ("year", s("2026")),
                    ("month", s("1")),
                ]
            },
        )
        .secondary(&[F::Ws]),
        graphql("addMember", Org(Role::Member), GUARDED, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("email", s(&new_email("invitee"))),
            ]
        }),
        graphql("createWorkspace", Org(Role::Member), GUARDED, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("name", s(&unique("Workspace"))),
                ("channelIds", json!([t.channel])),
                ("volumeIds", json!([t.volume])),
            ]
        })
        .secondary(&[F::Channel, F::Volume]),
        // Revoking an invitation by its id alone: out of a key's reach answers "not found".
        graphql("removeMember", Org(Role::Member), HIDDEN, |t, _| {
            vec![("invitationId", s(&t.org_invitation))]
        })
        .fresh(Fresh::OrgInvitation)
        .place(F::OrgInvitation),
        graphql("removeMember", Org(Role::Member), HIDDEN, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("invitationId", s(&t.org_invitation)),
            ]
        })
        .fresh(Fresh::OrgInvitation)
        .secondary(&[F::OrgInvitation]),
        // Org admin.
        graphql("addMember", Org(Role::Admin), GUARDED, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("email", s(&new_email("invitee"))),
                ("role", s("admin")),
            ]
        }),
        graphql("removeMember", Org(Role::Admin), GUARDED, |t, _| {
            vec![("organizationId", s(&t.org)), ("email", s(&t.member_email))]
        })
        .fresh(Fresh::Member)
        .secondary(&[F::MemberEmail]),
        graphql("editMember", Org(Role::Admin), GUARDED, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("email", s(&t.member_email)),
                ("role", s("member")),
            ]
        })
        .secondary(&[F::MemberEmail]),
        graphql("editOrganization", Org(Role::Admin), GUARDED, |t, _| {
            vec![("organizationId", s(&t.org)), ("name", s(&t.org_name))]
        }),
        graphql(
            "setOrganizationLimits",
            Org(Role::Admin),
            GUARDED,
            |t, _| {
                vec![
                    ("organizationId", s(&t.org)),
                    ("setting", s("Instances")),
                    ("limit", json!(4)),
                ]
            },
        ),
        // Workspace member.
        graphql("getMembers", Workspace(Role::Member), GUARDED, ws_gql),
        graphql("getInvitations", Workspace(Role::Member), GUARDED, ws_gql),
        graphql(
            "getWorkspaceLimits",
            Workspace(Role::Member),
            GUARDED,
            ws_gql,
        ),
        graphql("addMember", Workspace(Role::Member), GUARDED, |t, _| {
            vec![("workspaceId", s(&t.ws)), ("email", s(&new_email("guest")))]
        }),
        graphql("removeMember", Workspace(Role::Member), GUARDED, |t, _| {
            vec![("workspaceId", s(&t.ws)), ("email", s(&t.guest_email))]
        })
        .fresh(Fresh::Guest)
        .secondary(&[F::GuestEmail]),
        graphql("removeMember", Workspace(Role::Member), HIDDEN, |t, _| {
            vec![
                ("workspaceId", s(&t.ws)),
                ("invitationId", s(&t.ws_invitation)),
            ]
        })
        .fresh(Fresh::WsInvitation)
        .secondary(&[F::WsInvitation]),
        // Workspace admin.
        graphql("editWorkspace", Workspace(Role::Admin), GUARDED, |t, _| {
            vec![("workspaceId", s(&t.ws)), ("name", s(&t.ws_name))]
        }),
        graphql("editWorkspace", Workspace(Role::Admin), GUARDED, |t, _| {
            vec![
                ("workspaceId", s(&t.ws)),
                ("channelIds", json!([t.channel])),
                ("volumeIds", json!([t.volume])),
            ]
        })
        .secondary(&[F::Channel, F::Volume]),
        graphql(
            "setWorkspaceLimits",
            Workspace(Role::Admin),
            GUARDED,
            |t, _| {
                vec![
                    ("workspaceId", s(&t.ws)),
                    ("setting", s("Instances")),
                    ("limit", json!(4)),
                ]
            },
        ),
        graphql("deleteWorkspace", Workspace(Role::Admin), GUARDED, ws_gql).fresh(Fresh::Workspace),
        // Anyone may leave by themselves (A's only admin is refused by the last-admin rule).
        graphql("removeMember", Org(Role::Member), GUARDED, |t, c| {
            vec![("organizationId", s(&t.org)), ("email", s(&c.email))]
        })
        .variant(" (own email: leaving)")
        .rejoin(),
        // Metered usage: scoped keys of the place's admins only.
        graphql("reportUsage", ScopedKey, GUARDED, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("setting", s("Instances")),
                ("amount", json!(1.0)),
            ]
        })
        .place(F::Org),
        graphql("reportUsage", ScopedKey, GUARDED, |t, _| {
            vec![
                ("workspaceId", s(&t.ws)),
                ("setting", s("Instances")),
                ("amount", json!(1.0)),
            ]
        })
        .place(F::Ws),
    ]
}

/// The plain routes beside them that act on a place (listed by hand: the router cannot be
/// asked for its routes). `/graphql` and `POST /` are the GraphQL rows; `/healthz`, `/readyz`
/// and the pages reveal nothing of a place.
fn route_rows() -> Vec<Row> {
    use Need::*;
    vec![
        // The audit log's CSV export: the same operation as `get_audit_log`.
        route(
            Surface::SessionRoute,
            "/audit/export.csv",
            Org(Role::Admin),
            |t, _| vec![("organization", s(&t.org))],
        ),
        // Usage reports for machines that speak no GraphQL: `reportUsage`.
        route(Surface::KeyRoute, "/api/usage", ScopedKey, |t, _| {
            vec![
                ("organizationId", s(&t.org)),
                ("setting", s("Instances")),
                ("amount", json!(1.0)),
            ]
        }),
        route(Surface::KeyRoute, "/api/usage", ScopedKey, |t, _| {
            vec![
                ("workspaceId", s(&t.ws)),
                ("setting", s("Instances")),
                ("amount", json!(1.0)),
            ]
        })
        .place(Field::Ws),
    ]
}

// ---------------------------------------------------------------------------------------------
// HTTP

/// A server function call as the browser makes it (with its cookie, and its Origin), or as a
/// script does (no Origin; an `apikey` header for a key).
async fn call_server_fn(
    client: &mut Client,
    headers: &[(String, String)],
    function: &str,
    form: &[(String, String)],
) -> Response {
    let body = serde_urlencoded::to_string(form).unwrap();
    let mut b = Request::builder()
        .method("POST")
        .uri(format!("/api/{function}"))
        .header(header::HOST, "orgspace.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(origin) = &client.origin {
        b = b.header(header::ORIGIN, origin);
    }
    if let Some(cookie) = &client.cookie {
        b = b.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        b = b.header(name.as_str(), value.as_str());
    }
    client.send(b.body(Body::from(body)).unwrap()).await
}

/// A GET of the browser's (its cookie), or of a script's (its headers).
async fn call_get(client: &mut Client, headers: &[(String, String)], uri: &str) -> Response {
    let mut b = Request::builder()
        .method("GET")
        .uri(uri)
        .header(header::HOST, "orgspace.test");
    if let Some(cookie) = &client.cookie {
        b = b.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        b = b.header(name.as_str(), value.as_str());
    }
    client.send(b.body(Body::empty()).unwrap()).await
}

/// A JSON POST of a script's: no cookie, no Origin, its headers.
async fn call_json(
    client: &mut Client,
    headers: &[(String, String)],
    path: &str,
    body: Value,
) -> Response {
    let mut b = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "orgspace.test")
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        b = b.header(name.as_str(), value.as_str());
    }
    client
        .send(b.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn call_graphql(
    client: &mut Client,
    headers: &[(String, String)],
    query: &str,
    variables: Value,
) -> Response {
    let body = json!({ "operationName": "matrix", "query": query, "variables": variables });
    let mut b = Request::builder()
        .method("POST")
        .uri("/graphql")
        .header(header::HOST, "orgspace.test")
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        b = b.header(name.as_str(), value.as_str());
    }
    client
        .send(b.body(Body::from(body.to_string())).unwrap())
        .await
}

/// A form as `serde_urlencoded` writes it: lists as repeated fields.
fn form_of(args: &Args) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (name, value) in args {
        match value {
            Value::String(v) => form.push((name.to_string(), v.clone())),
            other => panic!("{name}: a server function form takes strings, not {other}"),
        }
    }
    form
}

/// A GraphQL root field as introspection describes it.
struct GqlOp {
    kind: &'static str,
    args: BTreeMap<String, Value>,
    /// Every scalar field of its result (nothing for a scalar result).
    selection: String,
}

impl GqlOp {
    fn document(&self, name: &str, variables: &Map<String, Value>) -> String {
        let declared: Vec<String> = variables
            .keys()
            .map(|k| {
                let ty = self
                    .args
                    .get(k)
                    .unwrap_or_else(|| panic!("{name} takes no argument {k}"));
                format!("${k}: {}", type_name(ty))
            })
            .collect();
        let passed: Vec<String> = variables.keys().map(|k| format!("{k}: ${k}")).collect();
        let parens = |items: Vec<String>| {
            if items.is_empty() {
                String::new()
            } else {
                format!("({})", items.join(", "))
            }
        };
        format!(
            "{} matrix{} {{ {name}{} {} }}",
            self.kind,
            parens(declared),
            parens(passed),
            self.selection
        )
    }
}

const TYPE_FRAGMENT: &str = "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// `String!`, `[String!]!`...: the type as a variable declaration writes it.
fn type_name(ty: &Value) -> String {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", type_name(&ty["ofType"])),
        "LIST" => format!("[{}]", type_name(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap().to_owned(),
    }
}

/// The innermost named type.
fn named(ty: &Value) -> &Value {
    if ty["ofType"].is_null() {
        ty
    } else {
        named(&ty["ofType"])
    }
}

/// Every root field of the schema, read by introspection.
async fn schema_operations(
    script: &mut Client,
    headers: &[(String, String)],
) -> BTreeMap<String, GqlOp> {
    let query = format!(
        "query matrix {{ __schema {{
            queryType {{ fields {{ name args {{ name type {{ ...T }} }} type {{ ...T }} }} }}
            mutationType {{ fields {{ name args {{ name type {{ ...T }} }} type {{ ...T }} }} }} }} }}
         {TYPE_FRAGMENT}"
    );
    let r = call_graphql(script, headers, &query, json!({})).await;
    let v = r.json();
    assert!(v.get("errors").is_none(), "introspection: {v}");
    let mut ops = BTreeMap::new();
    for (kind, root) in [("query", "queryType"), ("mutation", "mutationType")] {
        for field in v["data"]["__schema"][root]["fields"].as_array().unwrap() {
            let result = named(&field["type"]);
            let selection = match result["kind"].as_str().unwrap() {
                "OBJECT" => scalar_fields(script, headers, result["name"].as_str().unwrap()).await,
                _ => String::new(),
            };
            let args = field["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| (a["name"].as_str().unwrap().to_owned(), a["type"].clone()))
                .collect();
            ops.insert(
                field["name"].as_str().unwrap().to_owned(),
                GqlOp {
                    kind,
                    args,
                    selection,
                },
            );
        }
    }
    ops
}

/// `{ a b c }`: every field of an object type whose value is a scalar, so that an answer shows
/// all it carries (and the leak check reads it all).
async fn scalar_fields(script: &mut Client, headers: &[(String, String)], ty: &str) -> String {
    let query = format!(
        "query matrix($name: String!) {{ __type(name: $name) {{ fields {{ name args {{ name }} type {{ ...T }} }} }} }} {TYPE_FRAGMENT}"
    );
    let r = call_graphql(script, headers, &query, json!({ "name": ty })).await;
    let v = r.json();
    let names: Vec<&str> = v["data"]["__type"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("fields of {ty}: {v}"))
        .iter()
        .filter(|f| f["args"].as_array().is_none_or(|a| a.is_empty()))
        .filter(|f| matches!(named(&f["type"])["kind"].as_str(), Some("SCALAR" | "ENUM")))
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    if names.is_empty() {
        "{ __typename }".to_owned()
    } else {
        format!("{{ {} }}", names.join(" "))
    }
}

/// What an answer was, as far as authorization goes.
#[derive(Debug, PartialEq, Eq)]
enum Got {
    Success,
    /// Refused by a domain rule (conflict, validation, a limit): past authorization.
    Rule(String),
    Denied(Denial),
    /// Anything else: a server error, a bad request, an unreadable answer.
    Other,
}

impl Got {
    fn fits(&self, expect: Expect) -> bool {
        match (self, expect) {
            (Got::Success | Got::Rule(_), Expect::Allowed) => true,
            (Got::Denied(got), Expect::Denied(wanted)) => *got == wanted,
            _ => false,
        }
    }
}

fn classify(surface: Surface, op: &str, r: &Response) -> Got {
    match surface {
        Surface::ServerFn => classify_server_fn(r),
        Surface::GraphQl => classify_graphql(op, r),
        Surface::SessionRoute | Surface::KeyRoute => classify_route(r),
    }
}

/// A plain route refuses with the error's status and its sentence: as text (the export) or as
/// `{"error", "message"}` (the usage route).
fn classify_route(r: &Response) -> Got {
    if r.status.is_success() {
        return Got::Success;
    }
    let message = match serde_json::from_str::<Value>(&r.body) {
        Ok(v) => v["message"].as_str().unwrap_or_default().to_owned(),
        Err(_) => r.body.clone(),
    };
    let status = r.status.as_u16();
    if let Some(denial) = Denial::ALL
        .into_iter()
        .find(|d| d.error().to_string() == message && d.error().status() == status)
    {
        return Got::Denied(denial);
    }
    if matches!(status, 409 | 422) {
        Got::Rule(message)
    } else {
        Got::Other
    }
}

fn classify_server_fn(r: &Response) -> Got {
    if r.status.is_success() {
        return Got::Success;
    }
    let Ok(error) = serde_json::from_str::<AppError>(&r.body) else {
        return Got::Other;
    };
    if error.status() != r.status.as_u16() {
        return Got::Other;
    }
    if let Some(denial) = Denial::ALL.into_iter().find(|d| d.error() == error) {
        return Got::Denied(denial);
    }
    match error {
        AppError::Conflict(_)
        | AppError::Validation(_)
        | AppError::LimitReached { .. }
        | AppError::UsageOverLimit { .. } => Got::Rule(error.to_string()),
        _ => Got::Other,
    }
}

fn classify_graphql(op: &str, r: &Response) -> Got {
    if r.status != StatusCode::OK {
        return Got::Other;
    }
    let Ok(v) = serde_json::from_str::<Value>(&r.body) else {
        return Got::Other;
    };
    let Some(message) = v["errors"][0]["message"].as_str() else {
        return if v["data"][op].is_null() {
            Got::Other
        } else {
            Got::Success
        };
    };
    if !v["data"][op].is_null() {
        return Got::Other;
    }
    if let Some(denial) = Denial::ALL
        .into_iter()
        .find(|d| d.error().to_string() == message)
    {
        return Got::Denied(denial);
    }
    let unexpected = [
        AppError::Internal,
        AppError::BadRequest,
        AppError::InvalidApiKey,
        AppError::InvalidCredentials,
    ];
    if unexpected.iter().any(|e| e.to_string() == message) {
        Got::Other
    } else {
        Got::Rule(message.to_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// The database, before and after a refused call

/// Every domain table, row by row (not the sessions, rate-limit counters, audit events or a
/// key's last use, which a refused call may touch).
async fn snapshot(db: &Db) -> Vec<String> {
    let mut c = db.conn().await.expect("a connection");
    let mut rows = Vec::new();
    macro_rules! dump {
        ($ty:ty, $sql:expr) => {{
            let found: Vec<$ty> = orgspace::db_run!(&mut c, x =>
                sqlx::query_as::<_, $ty>($sql).fetch_all(x).await)
            .expect($sql);
            rows.extend(found.into_iter().map(|r| format!("{}: {r:?}", $sql)));
        }};
    }
    dump!(
        (Uuid, String),
        "SELECT id, name FROM organizations ORDER BY id"
    );
    dump!(
        (Uuid, String, String, String, Option<Uuid>, Option<Uuid>),
        "SELECT id, email, name, password_hash, last_organization_id, last_workspace_id FROM users ORDER BY id"
    );
    dump!(
        (Uuid, Uuid, String),
        "SELECT organization_id, user_id, role FROM organization_members ORDER BY organization_id, user_id"
    );
    dump!(
        (Uuid, Uuid, String, String),
        "SELECT id, organization_id, name, description FROM workspaces ORDER BY id"
    );
    dump!(
        (Uuid, Uuid, String),
        "SELECT workspace_id, user_id, role FROM workspace_members ORDER BY workspace_id, user_id"
    );
    dump!(
        (Uuid, String, String, Vec<u8>, bool, bool, bool),
        "SELECT id, email, role, token_hash, accepted_at IS NULL, declined_at IS NULL, revoked_at IS NULL FROM invitations ORDER BY id"
    );
    dump!(
        (Uuid, String, i64),
        "SELECT organization_id, setting, limit_value FROM organization_limits ORDER BY organization_id, setting"
    );
    dump!(
        (Uuid, String, i64),
        "SELECT workspace_id, setting, limit_value FROM workspace_limits ORDER BY workspace_id, setting"
    );
    dump!(
        (Uuid, Uuid, String, String),
        "SELECT id, organization_id, name, description FROM channels ORDER BY id"
    );
    dump!(
        (Uuid, Uuid, String, String),
        "SELECT id, organization_id, name, description FROM volumes ORDER BY id"
    );
    dump!(
        (Uuid, Uuid),
        "SELECT workspace_id, channel_id FROM workspace_channels ORDER BY workspace_id, channel_id"
    );
    dump!(
        (Uuid, Uuid),
        "SELECT workspace_id, volume_id FROM workspace_volumes ORDER BY workspace_id, volume_id"
    );
    dump!(
        (Uuid, Uuid, String, Option<Uuid>, Option<Uuid>),
        "SELECT id, user_id, name, organization_id, workspace_id FROM api_keys ORDER BY id"
    );
    dump!((i64,), "SELECT COUNT(*) FROM usage_reports");
    dump!((i64,), "SELECT COUNT(*) FROM email_outbox");
    dump!((i64,), "SELECT COUNT(*) FROM access_tokens");
    rows
}

// ---------------------------------------------------------------------------------------------
// The world

struct Caller {
    who: Who,
    /// The browser: its session cookie (none for anonymous and keys).
    browser: Client,
    /// The script for GraphQL: no cookie, no Origin.
    script: Client,
    /// What a call other than GraphQL carries besides the cookie: a key's `apikey`.
    key_headers: Vec<(String, String)>,
    /// What a GraphQL call carries: a sign-in token, or a key.
    graphql_headers: Vec<(String, String)>,
    creds: Option<Creds>,
    /// A place of the caller's own, to name with an id of A's.
    own_org: Option<String>,
    own_ws: Option<String>,
    /// A workspace of A's the caller has no role in, though they have one in A.
    sibling_ws: Option<String>,
    /// Ids that must never appear in an answer to this caller.
    unreachable: Vec<(&'static str, String)>,
}

/// What every cell shares.
struct Ctx {
    app: TestApp,
    db: Db,
    ops: BTreeMap<String, GqlOp>,
    stable: Target,
    /// Credentials for a sign-in by those who have none (anonymous, keys).
    visitor: Creds,
}

/// The figures and failures of a run.
#[derive(Default)]
struct Tally {
    server_fn_cells: usize,
    graphql_cells: usize,
    route_cells: usize,
    pairs: usize,
    mismatches: Vec<String>,
    /// Allowed cells that a domain rule refused (past authorization, but worth a look).
    refused_by_rule: Vec<String>,
}

fn shorten(body: &str) -> String {
    let body: String = body.chars().take(400).collect();
    body.replace('\n', " ")
}

/// A call made to set things up: its answer, or why it failed.
async fn try_ok(
    client: &mut Client,
    function: &str,
    form: &[(&str, &str)],
) -> Result<Value, String> {
    let r = client.call(function, form).await;
    if r.status.is_success() {
        Ok(r.json())
    } else {
        Err(format!("{function} {form:?}: {} {}", r.status, r.body))
    }
}

async fn ok(client: &mut Client, function: &str, form: &[(&str, &str)]) -> Value {
    try_ok(client, function, form)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn token_of(sent: &Value) -> String {
    let link = sent["link"].as_str().expect("a link");
    link.rsplit('/').next().unwrap().to_owned()
}

/// Invites `email` to the organization as a member: (invitation id, link token).
async fn invite_member(
    client: &mut Client,
    org: &str,
    email: &str,
) -> Result<(String, String), String> {
    let sent = try_ok(
        client,
        "add_organization_member",
        &[
            ("organization_id", org),
            ("email", email),
            ("role", "member"),
        ],
    )
    .await?;
    Ok((
        sent["invitation"]["id"].as_str().unwrap().to_owned(),
        token_of(&sent),
    ))
}

/// Invites `email` to the workspace as a guest: (invitation id, link token).
async fn invite_guest(
    client: &mut Client,
    ws: &str,
    email: &str,
) -> Result<(String, String), String> {
    let sent = try_ok(
        client,
        "add_workspace_guest",
        &[("workspace_id", ws), ("email", email)],
    )
    .await?;
    Ok((
        sent["invitation"]["id"].as_str().unwrap().to_owned(),
        token_of(&sent),
    ))
}

/// A new person who signs up through the link: signed in, with [`PASSWORD`].
async fn join(app: &TestApp, token: &str, name: &str) -> Result<Client, String> {
    let mut client = app.client();
    try_ok(
        &mut client,
        "sign_up_with_invitation",
        &[("token", token), ("name", name), ("password", PASSWORD)],
    )
    .await?;
    Ok(client)
}

async fn id_of(client: &mut Client) -> String {
    client.me().await["id"].as_str().unwrap().to_owned()
}

async fn make_key(client: &mut Client, name: &str, scope: &str) -> Result<String, String> {
    let v = try_ok(
        client,
        "create_api_key",
        &[("name", name), ("scope", scope), ("expires", "30")],
    )
    .await?;
    Ok(v["key"].as_str().unwrap().to_owned())
}

async fn graphql_token(app: &TestApp, creds: &Creds) -> Vec<(String, String)> {
    let mut script = app.client();
    script.origin = None;
    let r = call_graphql(
        &mut script,
        &[],
        "mutation matrix($email: String!, $password: String!) { signIn(email: $email, password: $password) { uid idtoken } }",
        json!({ "email": creds.email, "password": creds.password }),
    )
    .await;
    let v = r.json();
    let signed = &v["data"]["signIn"];
    assert!(signed["idtoken"].is_string(), "signIn: {v}");
    vec![
        ("uid".into(), signed["uid"].as_str().unwrap().into()),
        ("idtoken".into(), signed["idtoken"].as_str().unwrap().into()),
    ]
}

fn script(app: &TestApp) -> Client {
    let mut client = app.client();
    client.origin = None;
    client
}

async fn creds_of(client: &mut Client, password: &str) -> Creds {
    let me = client.me().await;
    Creds {
        id: me["id"].as_str().unwrap().to_owned(),
        email: me["email"].as_str().unwrap().to_owned(),
        password: password.to_owned(),
    }
}

/// Organization A (admin Ada, member Mel, workspace W with guest Gus, workspace W2, a channel
/// and a volume shared with W, a pending invitation and a pending guest invitation to
/// strangers); organization B of Bea's, where Ada is a member; Olly with his own organization;
/// and Ada's keys scoped to B and to W2.
async fn world(t: &TestDb) -> (Ctx, Vec<Caller>, Client) {
    // Room enough that no limit or rate limit answers for authorization here.
    let app = TestApp::with_limits(
        t,
        &[
            "workspaces=200",
            "members=1000",
            "managed_channels=200",
            "managed_volumes=200",
        ],
        &[
            "invitations_user=off",
            "sign_in_address=off",
            "sign_in_account=off",
            "sign_up_address=off",
        ],
    )
    .await;
    let signed_up_password = "correct horse battery staple";

    let mut ada = app.client();
    let (ada_email, _) = ada.sign_up("Ada", "Alpha").await;
    let me = ada.me().await;
    let org_a = me["current"]["organization"].as_str().unwrap().to_owned();
    let ws_w = me["current"]["workspace"].as_str().unwrap().to_owned();
    let dashboard = ok(&mut ada, "get_dashboard", &[]).await;
    let w = dashboard["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == json!(ws_w))
        .expect("W on the dashboard")
        .clone();
    let created = ok(
        &mut ada,
        "create_workspace",
        &[("organization_id", &org_a), ("name", "Second")],
    )
    .await;
    let ws_w2 = created.as_str().unwrap().to_owned();

    let (_, token) = invite_member(&mut ada, &org_a, &new_email("mel"))
        .await
        .unwrap();
    let mut mel = join(&app, &token, "Mel").await.unwrap();
    let mel_creds = creds_of(&mut mel, PASSWORD).await;
    let (_, token) = invite_guest(&mut ada, &ws_w, &new_email("gus"))
        .await
        .unwrap();
    let mut gus = join(&app, &token, "Gus").await.unwrap();
    let gus_creds = creds_of(&mut gus, PASSWORD).await;
    let gus_me = gus.me().await;
    assert_eq!(
        gus_me["organizations"][0]["role"],
        json!("guest"),
        "{gus_me}"
    );
    // The member and the guest that cells act on: none of the callers, so that no caller acts
    // on themselves (leaving is a row of its own).
    let (_, token) = invite_member(&mut ada, &org_a, &new_email("max"))
        .await
        .unwrap();
    let max = creds_of(&mut join(&app, &token, "Max").await.unwrap(), PASSWORD).await;
    let (_, token) = invite_guest(&mut ada, &ws_w, &new_email("gil"))
        .await
        .unwrap();
    let gil = creds_of(&mut join(&app, &token, "Gil").await.unwrap(), PASSWORD).await;

    let mut bea = app.client();
    bea.sign_up("Bea", "Beta").await;
    let bea_creds = creds_of(&mut bea, signed_up_password).await;
    let bea_me = bea.me().await;
    let org_b = bea_me["current"]["organization"]
        .as_str()
        .unwrap()
        .to_owned();
    let ws_b = bea_me["current"]["workspace"].as_str().unwrap().to_owned();
    // Ada joins B, so that she can make a key scoped to it.
    let (invitation, _) = invite_member(&mut bea, &org_b, &ada_email).await.unwrap();
    ok(
        &mut ada,
        "accept_invitation",
        &[("invitation_id", &invitation)],
    )
    .await;

    let mut olly = app.client();
    olly.sign_up("Olly", "Omega").await;
    let olly_creds = creds_of(&mut olly, signed_up_password).await;
    let olly_me = olly.me().await;
    let org_o = olly_me["current"]["organization"]
        .as_str()
        .unwrap()
        .to_owned();
    let ws_o = olly_me["current"]["workspace"].as_str().unwrap().to_owned();

    let mut vic = app.client();
    vic.sign_up("Vic", "Visitors").await;
    let visitor = creds_of(&mut vic, signed_up_password).await;

    let key_b = make_key(&mut ada, "matrix B", &format!("organization:{org_b}"))
        .await
        .unwrap();
    let key_w2 = make_key(&mut ada, "matrix W2", &format!("workspace:{ws_w2}"))
        .await
        .unwrap();

    let channel = ok(
        &mut ada,
        "add_channel",
        &[("organization_id", &org_a), ("name", "Matrix channel")],
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    let volume = ok(
        &mut ada,
        "add_volume",
        &[("organization_id", &org_a), ("name", "Matrix volume")],
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    ok(
        &mut ada,
        "set_workspace_channels",
        &[
            ("workspace_id", &ws_w),
            ("channel_ids[]", &channel),
            ("volume_ids[]", &volume),
        ],
    )
    .await;
    let (org_invitation, token) = invite_member(&mut ada, &org_a, &new_email("stranger"))
        .await
        .unwrap();
    let (ws_invitation, _) = invite_guest(&mut ada, &ws_w, &new_email("stranger"))
        .await
        .unwrap();

    let stable = Target {
        org: org_a.clone(),
        org_name: "Alpha".to_owned(),
        ws: ws_w.clone(),
        ws_name: w["name"].as_str().unwrap().to_owned(),
        ws_description: w["description"].as_str().unwrap().to_owned(),
        org_invitation: org_invitation.clone(),
        token,
        ws_invitation: ws_invitation.clone(),
        member: max.id.clone(),
        member_email: max.email.clone(),
        guest: gil.id.clone(),
        guest_email: gil.email.clone(),
        channel: channel.clone(),
        volume: volume.clone(),
        key_name: "no such key".to_owned(),
        api_key: key_b.clone(),
        signup_token: String::new(),
    };

    // Ada's own session for making fresh targets, which no cell touches.
    let mut maker = app.client();
    ok(
        &mut maker,
        "sign_in",
        &[("email", &ada_email), ("password", signed_up_password)],
    )
    .await;

    // What each caller may never be shown.
    let everything_of_a: Vec<(&'static str, String)> = vec![
        ("organization A", org_a.clone()),
        ("workspace W", ws_w.clone()),
        ("workspace W2", ws_w2.clone()),
        ("Mel", mel_creds.id.clone()),
        ("Gus", gus_creds.id.clone()),
        ("Max", max.id.clone()),
        ("Gil", gil.id.clone()),
        ("A's channel", channel.clone()),
        ("A's volume", volume.clone()),
        ("A's invitation", org_invitation.clone()),
        ("W's guest invitation", ws_invitation.clone()),
    ];
    let except = |skip: &[&str]| -> Vec<(&'static str, String)> {
        everything_of_a
            .iter()
            .filter(|(what, _)| !skip.contains(what))
            .cloned()
            .collect()
    };

    let ada_creds = creds_of(&mut ada, signed_up_password).await;
    let mut callers = Vec::new();
    for who in Who::ALL {
        let (browser, creds, own_org, own_ws, sibling_ws, unreachable, key) = match who {
            Who::Anonymous => (
                app.client(),
                None,
                None,
                None,
                None,
                everything_of_a.clone(),
                None,
            ),
            Who::Outsider => (
                std::mem::replace(&mut olly, app.client()),
                Some(olly_creds.clone()),
                Some(org_o.clone()),
                Some(ws_o.clone()),
                None,
                everything_of_a.clone(),
                None,
            ),
            Who::OtherAdmin => (
                std::mem::replace(&mut bea, app.client()),
                Some(bea_creds.clone()),
                Some(org_b.clone()),
                Some(ws_b.clone()),
                None,
                everything_of_a.clone(),
                None,
            ),
            Who::Guest => (
                std::mem::replace(&mut gus, app.client()),
                Some(gus_creds.clone()),
                None,
                None,
                Some(ws_w2.clone()),
                except(&[
                    "organization A",
                    "workspace W",
                    "Gus",
                    "A's channel",
                    "A's volume",
                ]),
                None,
            ),
            Who::Member => (
                std::mem::replace(&mut mel, app.client()),
                Some(mel_creds.clone()),
                None,
                None,
                None,
                Vec::new(),
                None,
            ),
            Who::Admin => (
                std::mem::replace(&mut ada, app.client()),
                Some(ada_creds.clone()),
                None,
                None,
                None,
                Vec::new(),
                None,
            ),
            Who::KeyOfB => (
                script(&app),
                None,
                Some(org_b.clone()),
                Some(ws_b.clone()),
                None,
                everything_of_a.clone(),
                Some(key_b.clone()),
            ),
            // W2 is A's: no place of this key's own lies outside A.
            Who::KeyOfW2 => (
                script(&app),
                None,
                None,
                None,
                None,
                except(&["organization A", "workspace W2"]),
                Some(key_w2.clone()),
            ),
        };
        let key_headers: Vec<(String, String)> = key
            .map(|k| vec![("apikey".to_owned(), k)])
            .unwrap_or_default();
        let graphql_headers = match &creds {
            Some(c) => graphql_token(&app, c).await,
            None => key_headers.clone(),
        };
        callers.push(Caller {
            who,
            browser,
            script: script(&app),
            key_headers,
            graphql_headers,
            creds,
            own_org,
            own_ws,
            sibling_ws,
            unreachable,
        });
    }

    let admin_headers = callers
        .iter()
        .find(|c| c.who == Who::Admin)
        .unwrap()
        .graphql_headers
        .clone();
    let ops = schema_operations(&mut script(&app), &admin_headers).await;
    let ctx = Ctx {
        db: t.db.clone(),
        app,
        ops,
        stable,
        visitor,
    };
    (ctx, callers, maker)
}

/// A target like the stable one, with a fresh thing of the kind a destructive call consumes;
/// or why it could not be made.
async fn fresh(
    ctx: &Ctx,
    maker: &mut Client,
    caller: &mut Caller,
    kind: Fresh,
) -> Result<Target, String> {
    let mut t = ctx.stable.clone();
    match kind {
        Fresh::No => {}
        Fresh::OrgInvitation => {
            t.org_invitation = invite_member(maker, &t.org, &new_email("fresh")).await?.0;
        }
        Fresh::WsInvitation => {
            t.ws_invitation = invite_guest(maker, &t.ws, &new_email("fresh")).await?.0;
        }
        Fresh::Member => {
            let email = new_email("member");
            let (_, token) = invite_member(maker, &t.org, &email).await?;
            t.member = id_of(&mut join(&ctx.app, &token, "Fresh member").await?).await;
            t.member_email = email;
        }
        Fresh::Guest => {
            let email = new_email("guest");
            let (_, token) = invite_guest(maker, &t.ws, &email).await?;
            t.guest = id_of(&mut join(&ctx.app, &token, "Fresh guest").await?).await;
            t.guest_email = email;
        }
        Fresh::Workspace => {
            let name = unique("Doomed");
            let form = [("organization_id", t.org.as_str()), ("name", name.as_str())];
            let created = try_ok(maker, "create_workspace", &form).await?;
            t.ws = created.as_str().unwrap().to_owned();
        }
        Fresh::Channel | Fresh::Volume => {
            let (function, field) = match kind {
                Fresh::Channel => ("add_channel", &mut t.channel),
                _ => ("add_volume", &mut t.volume),
            };
            let name = unique("Doomed");
            let form = [
                ("organization_id", ctx.stable.org.as_str()),
                ("name", name.as_str()),
            ];
            let created = try_ok(maker, function, &form).await?;
            *field = created.as_str().unwrap().to_owned();
        }
        Fresh::OwnKey => {
            let name = unique("doomed key");
            make_key(&mut caller.browser, &name, "user").await?;
            t.key_name = name;
        }
        Fresh::SignUpToken => {
            t.signup_token = invite_member(maker, &t.org, &new_email("joiner")).await?.1;
        }
    }
    Ok(t)
}

/// A new session of the caller's (anonymous and keys: a new client of the same kind).
async fn new_session(ctx: &Ctx, caller: &Caller) -> Client {
    let mut client = ctx.app.client();
    client.origin = caller.browser.origin.clone();
    if let (true, Some(creds)) = (caller.who.signed_in(), &caller.creds) {
        let r = call_server_fn(
            &mut client,
            &[],
            "sign_in",
            &[
                ("email".to_owned(), creds.email.clone()),
                ("password".to_owned(), creds.password.clone()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "a new session: {}", r.body);
    }
    client
}

async fn send(ctx: &Ctx, row: &Row, caller: &mut Caller, target: &Target) -> Response {
    let creds = caller.creds.clone().unwrap_or_else(|| ctx.visitor.clone());
    let args = (row.args)(target, &creds);
    match row.surface {
        Surface::ServerFn => {
            let form = form_of(&args);
            match row.session {
                Session::Main => {
                    call_server_fn(&mut caller.browser, &caller.key_headers, row.name, &form).await
                }
                Session::New => {
                    let mut client = new_session(ctx, caller).await;
                    call_server_fn(&mut client, &caller.key_headers, row.name, &form).await
                }
            }
        }
        Surface::SessionRoute => {
            let query = serde_urlencoded::to_string(form_of(&args)).unwrap();
            let uri = format!("{}?{query}", row.name);
            call_get(&mut caller.browser, &caller.key_headers, &uri).await
        }
        Surface::KeyRoute => {
            let body: Map<String, Value> =
                args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let headers = caller.key_headers.clone();
            call_json(&mut caller.script, &headers, row.name, Value::Object(body)).await
        }
        Surface::GraphQl => {
            let op = ctx
                .ops
                .get(row.name)
                .unwrap_or_else(|| panic!("the schema has no {}", row.name));
            let variables: Map<String, Value> =
                args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let query = op.document(row.name, &variables);
            call_graphql(
                &mut caller.script,
                &caller.graphql_headers,
                &query,
                Value::Object(variables),
            )
            .await
        }
    }
}

/// One call of a row, and what to check of it.
struct Cell<'a> {
    row: &'a Row,
    target: &'a Target,
    /// The outcome the table gives (none for the calls of the foreign-id pairs, compared with
    /// each other instead).
    expect: Option<Expect>,
    /// Whether the database must be left as it was (every refused call).
    unchanged: bool,
    /// What sets the call apart, for the report.
    what: String,
}

/// One call: its answer checked against the expected outcome, for ids the caller may not see,
/// and for a database left as it was.
async fn call(ctx: &Ctx, tally: &mut Tally, caller: &mut Caller, cell: Cell<'_>) -> Response {
    let Cell {
        row,
        target,
        expect,
        unchanged,
        what,
    } = cell;
    let before = if unchanged {
        Some(snapshot(&ctx.db).await)
    } else {
        None
    };
    let r = send(ctx, row, caller, target).await;
    let cell = format!("{} as {}{what}", row.label(), caller.who.label());
    let got = classify(row.surface, row.name, &r);
    if let Some(expect) = expect {
        if !got.fits(expect) {
            tally.mismatches.push(format!(
                "{cell}: expected {expect:?}, got {got:?}: HTTP {} {}",
                r.status,
                shorten(&r.body)
            ));
        } else if let Got::Rule(message) = &got {
            tally.refused_by_rule.push(format!("{cell}: {message}"));
        }
    }
    if let Some(before) = before {
        let after = snapshot(&ctx.db).await;
        if after != before {
            let changed: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
            let gone: Vec<&String> = before.iter().filter(|r| !after.contains(r)).collect();
            tally.mismatches.push(format!(
                "{cell}: a refused call changed the database (HTTP {}): new {changed:?}, gone {gone:?}",
                r.status
            ));
        }
    }
    for (name, id) in &caller.unreachable {
        if r.body.contains(id.as_str()) {
            tally.mismatches.push(format!(
                "{cell}: the answer shows {name} ({id}), out of the caller's reach: {}",
                shorten(&r.body)
            ));
        }
    }
    r
}

/// A call of a foreign-id pair: compared with its twin rather than with the table.
fn probe<'a>(row: &'a Row, target: &'a Target, unchanged: bool, what: String) -> Cell<'a> {
    Cell {
        row,
        target,
        expect: None,
        unchanged,
        what,
    }
}

fn same_answer(tally: &mut Tally, what: String, real: &(StatusCode, String), other: &Response) {
    tally.pairs += 1;
    if (real.0, real.1.as_str()) != (other.status, other.body.as_str()) {
        tally.mismatches.push(format!(
            "{what}: the real one answers HTTP {} {}, one that names nothing HTTP {} {}",
            real.0,
            shorten(&real.1),
            other.status,
            shorten(&other.body)
        ));
    }
}

/// Every cell of one row, then its foreign-id pairs. An error: the world no longer allows
/// the next cells (a fresh target could not be made).
async fn run_row(
    ctx: &Ctx,
    tally: &mut Tally,
    maker: &mut Client,
    callers: &mut [Caller],
    row: &Row,
) -> Result<(), String> {
    // A place the row names must be in its arguments: otherwise the pairs below prove nothing.
    let stable_args = format!("{:?}", (row.args)(&ctx.stable, &ctx.visitor));
    for field in row.place.iter().chain(row.secondary) {
        assert!(
            stable_args.contains(ctx.stable.get(*field)),
            "{}: {field:?} is not among its arguments",
            row.label()
        );
    }

    let expects: Vec<Expect> = callers.iter().map(|c| row.expected(c.who)).collect();
    // Refused callers first, on the real targets; allowed ones after, each on a fresh target
    // when the call consumes it.
    let mut order: Vec<usize> = (0..callers.len()).collect();
    order.sort_by_key(|&i| expects[i] == Expect::Allowed);
    let mut answers: Vec<Option<(StatusCode, String)>> = vec![None; callers.len()];
    for i in order {
        let caller = &mut callers[i];
        let target = if expects[i] == Expect::Allowed {
            fresh(ctx, maker, caller, row.fresh).await.map_err(|e| {
                format!(
                    "{} as {}: no fresh target could be made, so the run stops here (has an \
                     unexpected success above changed the world?): {e}",
                    row.label(),
                    caller.who.label()
                )
            })?
        } else {
            ctx.stable.clone()
        };
        let denied = expects[i] != Expect::Allowed;
        let cell = Cell {
            row,
            target: &target,
            expect: Some(expects[i]),
            unchanged: denied,
            what: String::new(),
        };
        let r = call(ctx, tally, caller, cell).await;
        match row.surface {
            Surface::ServerFn => tally.server_fn_cells += 1,
            Surface::GraphQl => tally.graphql_cells += 1,
            Surface::SessionRoute | Surface::KeyRoute => tally.route_cells += 1,
        }
        answers[i] = Some((r.status, r.body));
    }

    // Foreign ids: for those who reach nothing of A's, A's ids answer like random ones.
    for (i, caller) in callers.iter_mut().enumerate() {
        let probed = match caller.who {
            // Without a key, the usage route answers "sign in" before it reads anything.
            Who::Outsider | Who::OtherAdmin => row.surface != Surface::KeyRoute,
            // Keys open no server function nor browser route: only where they are read do
            // their answers say anything.
            Who::KeyOfB | Who::KeyOfW2 => {
                matches!(row.surface, Surface::GraphQl | Surface::KeyRoute)
            }
            _ => false,
        };
        if !probed || expects[i] == Expect::Allowed {
            continue;
        }
        let real = answers[i].clone().unwrap();
        for field in row.place.iter().chain(row.secondary) {
            let target = ctx.stable.with(*field, &field.nothing());
            let what = format!(" ({field:?} random)");
            let r = call(ctx, tally, caller, probe(row, &target, true, what)).await;
            let label = format!("{} as {}: {field:?}", row.label(), caller.who.label());
            same_answer(tally, label, &real, &r);
        }
        // A place of the caller's own, with an id of A's: as if the id did not exist.
        let own = match row.place {
            Some(Field::Org) => caller.own_org.clone(),
            Some(Field::Ws) => caller.own_ws.clone(),
            _ => None,
        };
        if let (Some(own), Some(place)) = (own, row.place)
            && !row.secondary.is_empty()
        {
            let target = ctx.stable.with(place, &own);
            let what = format!(" (own {place:?})");
            let r = call(ctx, tally, caller, probe(row, &target, false, what)).await;
            if classify(row.surface, row.name, &r) == Got::Success {
                tally.mismatches.push(format!(
                    "{} as {}: an id of A's was accepted in the caller's own {place:?}: {}",
                    row.label(),
                    caller.who.label(),
                    shorten(&r.body)
                ));
            }
            let real = (r.status, r.body);
            for field in row.secondary {
                let random = target.with(*field, &field.nothing());
                let what = format!(" (own {place:?}, {field:?} random)");
                let r = call(ctx, tally, caller, probe(row, &random, false, what)).await;
                let label = format!(
                    "{} as {}, naming its own {place:?} with A's {field:?}",
                    row.label(),
                    caller.who.label()
                );
                same_answer(tally, label, &real, &r);
            }
        }
    }
    // Accounts are the whole instance's: where a role is too low, an email of someone the
    // caller has nothing to do with (the visitor) answers like an address nobody has.
    for (i, caller) in callers.iter_mut().enumerate() {
        if expects[i] != Expect::Denied(Denial::Forbidden) {
            continue;
        }
        for field in row.secondary.iter().filter(|f| f.is_email()) {
            let target = ctx.stable.with(*field, &ctx.visitor.email);
            let what = format!(" ({field:?}: the visitor's)");
            let r = call(ctx, tally, caller, probe(row, &target, true, what)).await;
            let real = (r.status, r.body);
            let target = ctx.stable.with(*field, &field.nothing());
            let what = format!(" ({field:?} naming nothing)");
            let r = call(ctx, tally, caller, probe(row, &target, true, what)).await;
            let label = format!(
                "{} as {}: {field:?} of an account elsewhere",
                row.label(),
                caller.who.label()
            );
            same_answer(tally, label, &real, &r);
        }
    }
    // The guest about W2, a workspace of A's they have no role in.
    if row.place == Some(Field::Ws) {
        for caller in callers.iter_mut() {
            let Some(sibling) = caller.sibling_ws.clone() else {
                continue;
            };
            let target = ctx.stable.with(Field::Ws, &sibling);
            let r = call(
                ctx,
                tally,
                caller,
                probe(row, &target, true, " (on W2)".into()),
            )
            .await;
            let got = classify(row.surface, row.name, &r);
            if !matches!(got, Got::Denied(_)) {
                tally.mismatches.push(format!(
                    "{} as {} on W2: expected a refusal, got {got:?}: {}",
                    row.label(),
                    caller.who.label(),
                    shorten(&r.body)
                ));
            }
            let real = (r.status, r.body);
            let target = ctx.stable.with(Field::Ws, &random_id());
            let what = " (random W)".to_owned();
            let r = call(ctx, tally, caller, probe(row, &target, true, what)).await;
            let label = format!("{} as {} on W2", row.label(), caller.who.label());
            same_answer(tally, label, &real, &r);
        }
    }
    Ok(())
}

/// Those of A's members who left (as a leaving row allows) join again.
async fn rejoin(ctx: &Ctx, maker: &mut Client, callers: &mut [Caller]) -> Result<(), String> {
    for caller in callers
        .iter_mut()
        .filter(|c| c.who.role_in_a() == Some(Role::Member))
    {
        let email = caller.creds.as_ref().unwrap().email.clone();
        let r = maker
            .call(
                "add_organization_member",
                &[
                    ("organization_id", ctx.stable.org.as_str()),
                    ("email", email.as_str()),
                    ("role", "member"),
                ],
            )
            .await;
        // Still a member (the leaving row failed, and says so): nothing to do.
        if r.status == StatusCode::OK {
            let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
            try_ok(
                &mut caller.browser,
                "accept_invitation",
                &[("invitation_id", &id)],
            )
            .await?;
        }
    }
    Ok(())
}

async fn every_cell_answers_as_the_role_table_says(t: TestDb) {
    let started = std::time::Instant::now();
    let backend = t.url.split(':').next().unwrap_or_default().to_owned();
    let (ctx, mut callers, mut maker) = world(&t).await;
    let server_fns = server_function_rows();
    let operations = graphql_rows();
    let routes = route_rows();

    // The table covers what the app answers, no more and no less.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .filter_map(|(path, _)| path.strip_prefix("/api/").map(str::to_owned))
        .collect();
    let listed: BTreeSet<String> = server_fns.iter().map(|r| r.name.to_owned()).collect();
    assert_eq!(
        listed, registered,
        "the table's server functions (left) and the registered ones (right)"
    );
    let answered: BTreeSet<String> = ctx.ops.keys().cloned().collect();
    let listed: BTreeSet<String> = operations.iter().map(|r| r.name.to_owned()).collect();
    assert_eq!(
        listed, answered,
        "the table's GraphQL operations (left) and the schema's (right)"
    );

    let mut tally = Tally::default();
    // GraphQL first: signing out (a server function) ends the callers' sign-in tokens.
    for row in operations.iter().chain(&routes).chain(&server_fns) {
        let mut done = run_row(&ctx, &mut tally, &mut maker, &mut callers, row).await;
        if done.is_ok() && row.rejoin {
            done = rejoin(&ctx, &mut maker, &mut callers).await;
        }
        if let Err(stopped) = done {
            tally.mismatches.push(stopped);
            break;
        }
    }

    let cells = tally.server_fn_cells + tally.graphql_cells + tally.route_cells;
    eprintln!(
        "authorization matrix ({backend}): {cells} cells ({} server-function, {} GraphQL, {} plain-route), {} foreign-id pairs, {:.1} s",
        tally.server_fn_cells,
        tally.graphql_cells,
        tally.route_cells,
        tally.pairs,
        started.elapsed().as_secs_f64()
    );
    if !tally.refused_by_rule.is_empty() {
        eprintln!(
            "allowed cells refused by a domain rule ({}):\n  {}",
            tally.refused_by_rule.len(),
            tally.refused_by_rule.join("\n  ")
        );
    }
    assert!(
        tally.mismatches.is_empty(),
        "{} unexpected outcomes:\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
    assert_eq!(
        cells,
        (server_fns.len() + operations.len() + routes.len()) * Who::ALL.len(),
        "every cell was called"
    );
}

on_both_backends!(every_cell_answers_as_the_role_table_says);
