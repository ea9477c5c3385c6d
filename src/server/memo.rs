//! What one page render looks up once, however many of its parts ask: the signed-in user and
//! everything they reach. A page's resources each begin with "who is this?"; without the memo
//! the dashboard read the user three times and their organizations twice.
//!
//! The memo lives in the request's extensions (which leptos_axum hands to every resource and
//! server function of the request), and only GET and HEAD requests get one: those change
//! nothing, so what was read at the start of the request is still true at its end. A request
//! that changes something reads afresh every time.

use std::{future::Future, sync::Arc};

use axum::{
    extract::Request,
    http::{Method, request::Parts},
    middleware::Next,
    response::Response,
};
use tokio::sync::OnceCell;

use crate::{accounts::service::Reach, db::users::UserRecord, error::AppError};

#[derive(Clone, Debug, Default)]
pub struct RequestMemo(Arc<Memo>);

#[derive(Debug, Default)]
struct Memo {
    user: OnceCell<Option<UserRecord>>,
    reach: OnceCell<Arc<Reach>>,
}

impl RequestMemo {
    /// The memo of the request being served, if it has one.
    pub fn current() -> Option<RequestMemo> {
        leptos::prelude::use_context::<Parts>()?
            .extensions
            .get::<RequestMemo>()
            .cloned()
    }

    /// The signed-in user: `load`ed by the first part of the request that asks.
    pub async fn user<F, Fut>(&self, load: F) -> Result<Option<UserRecord>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<UserRecord>, AppError>>,
    {
        self.0.user.get_or_try_init(load).await.cloned()
    }

    /// What the signed-in user reaches: `load`ed by the first part of the request that asks.
    pub async fn reach<F, Fut, E>(&self, load: F) -> Result<Arc<Reach>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Arc<Reach>, E>>,
    {
        self.0.reach.get_or_try_init(load).await.cloned()
    }
}

/// Gives GET and HEAD requests a memo.
pub async fn remember(mut request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        request.extensions_mut().insert(RequestMemo::default());
    }
    next.run(request).await
}
