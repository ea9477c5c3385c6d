//! Metered usage: what the platform's services report (Compute Time used, storage, datasets
//! and instances in use), checked against the limits in the write's own transaction, and the
//! monthly totals anatools asks for. Reports come over the API, from an organization- or
//! workspace-scoped API key: as GraphQL (`reportUsage`) or as plain JSON (`POST /api/usage`,
//! [`http`]).

pub mod http;
pub mod service;
