//! The one error type that crosses the wire between server functions and the UI.
//!
//! Every variant's `Display` is a sentence a user can read. Internal details never travel:
//! they are logged where they are converted (see `From<sqlx::Error>` in `db`).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::limits::Setting;

/// A message about one input field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Field errors of one form, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, the validation error otherwise.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// A sign-in with an unknown email or a wrong password: the same answer for both.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// An `apikey` header that names no live key (unknown, deleted or expired).
    #[error("The API key is not valid: it is unknown, deleted or expired.")]
    InvalidApiKey,
    /// A scoped API key asked for something outside the organization or workspace it is limited
    /// to. The same answer whether or not what was asked for exists.
    #[error("This API key is limited to one organization or workspace, and this is outside it.")]
    OutsideKeyScope,
    /// What API keys may not do (make or delete keys): it needs a signed-in user.
    #[error("API keys cannot do this: sign in with your email and password.")]
    NeedsSignIn,
    /// The request conflicts with the current state; the text says how.
    #[error("{0}")]
    Conflict(String),
    #[error("The {} limit is reached: {usage} of {limit} {} used.", setting.label(), setting.unit())]
    LimitReached {
        setting: Setting,
        limit: i64,
        usage: i64,
    },
    /// A usage report that would take a metered setting past its limit. Amounts are in
    /// thousandths of the setting's unit (so that the error stays comparable).
    #[error("{}", over_limit_message(*.setting, *.limit, *.usage_milli, *.amount_milli, *.after_milli))]
    UsageOverLimit {
        setting: Setting,
        limit: i64,
        /// The usage before the report: this month's total, or the level last reported.
        usage_milli: i64,
        /// What the report asked for: hours to add, or the new level.
        amount_milli: i64,
        /// The usage the report would have left: for an organization's level, the new level
        /// with the last ones of its other parts (itself and its workspaces).
        after_milli: i64,
    },
    #[error("{}", validation_summary(.0))]
    Validation(FieldErrors),
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    RateLimited { retry_after_secs: u64 },
    /// The request could not be understood (malformed or missing arguments).
    #[error("The request was not understood.")]
    BadRequest,
    /// The browser could not reach the server, or the answer was unreadable.
    #[error("Could not reach orgspace. Check your connection and try again.")]
    Network,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

/// `12.5` from 12500 thousandths; `3` from 3000.
pub fn milli_text(milli: i64) -> String {
    let text = format!("{:.3}", milli as f64 / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn over_limit_message(
    setting: Setting,
    limit: i64,
    usage_milli: i64,
    amount_milli: i64,
    after_milli: i64,
) -> String {
    let (label, unit) = (setting.label(), setting.unit());
    if setting == Setting::ComputeTime {
        format!(
            "The {label} limit would be exceeded: {} of {limit} {unit} used this month, and the report adds {}.",
            milli_text(usage_milli),
            milli_text(amount_milli),
        )
    } else if after_milli == amount_milli {
        format!(
            "The {label} limit would be exceeded: the report says {} {unit}, and the limit is {limit}.",
            milli_text(amount_milli),
        )
    } else {
        format!(
            "The {label} limit would be exceeded: the report says {} {unit}, which would make {} across the organization, and the limit is {limit}.",
            milli_text(amount_milli),
            milli_text(after_milli),
        )
    }
}

fn validation_summary(errors: &FieldErrors) -> String {
    match errors.0.as_slice() {
        [only] => only.message.clone(),
        _ => "Please correct the highlighted fields.".to_owned(),
    }
}

impl AppError {
    /// A validation error about a single field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// The message for `field` when this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Validation(errors) => errors.get(field),
            _ => None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials | AppError::InvalidApiKey => {
                401
            }
            AppError::Forbidden | AppError::OutsideKeyScope | AppError::NeedsSignIn => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_)
            | AppError::LimitReached { .. }
            | AppError::UsageOverLimit { .. } => 409,
            AppError::Validation(_) => 422,
            AppError::RateLimited { .. } => 429,
            AppError::BadRequest => 400,
            AppError::Network => 502,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_) => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_error_names_setting_limit_and_usage() {
        let e = AppError::LimitReached {
            setting: Setting::Members,
            limit: 50,
            usage: 50,
        };
        assert_eq!(
            e.to_string(),
            "The Members limit is reached: 50 of 50 members used."
        );
        assert_eq!(e.status(), 409);
    }

    #[test]
    fn one_field_error_reads_as_its_own_message() {
        let e = AppError::field("email", "Enter a valid email address.");
        assert_eq!(e.to_string(), "Enter a valid email address.");
        assert_eq!(
            e.field_message("email"),
            Some("Enter a valid email address.")
        );
        assert_eq!(e.field_message("name"), None);
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn errors_survive_the_wire_encoding() {
        let e = AppError::field("password", "Too short.");
        let bytes = e.ser();
        assert_eq!(AppError::de(bytes), e);
    }
}
