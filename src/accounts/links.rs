//! The links orgspace emails about an account, and what using them does: verifying an address
//! (the account's own, or the one it changes to) and resetting a password.
//!
//! They follow the invitation links' design: 256 random bits, only a hash stored, single use,
//! an expiry, and nothing changes on GET or HEAD: the page a link opens has a button, and only
//! the POST it sends does the work. Without SMTP, the link is written to the log instead.

use crate::{
    accounts::{
        EmailLink, ResetLink, check_password,
        emails::{self, Rendered},
        normalize_email,
    },
    audit::{
        Action,
        service::{Event, Target, organizations_of, record},
    },
    db::{
        DbError, Tx, access_tokens,
        account_links::{self, LinkRecord, NewLink, Purpose},
        organizations, outbox,
        users::{self, UserRecord},
    },
    error::AppError,
    ids::UserId,
    rate_limits::{self, Limit},
    server::state::AppState,
    timestamp::Timestamp,
    token,
};

/// A verification link works for 48 hours.
pub const VERIFY_HOURS: i64 = 48;
/// A reset link works for an hour.
pub const RESET_MINUTES: i64 = 60;

fn later(now: Timestamp, millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(now.unix_millis() + millis)
}

/// Queues `email` in `tx`, or, with no SMTP configured, writes its link to the log (where the
/// operator of a first `make run` finds it, as for invitations).
async fn deliver(
    state: &AppState,
    tx: &mut Tx,
    email: Rendered,
    link: Option<&str>,
    what: &str,
) -> Result<(), AppError> {
    if state.config.smtp_url.is_some() {
        outbox::queue(tx, email.as_new_email(), Timestamp::now()).await?;
    } else if let Some(link) = link {
        tracing::info!(to = %email.to, %link, "no SMTP configured: the {what} link");
    } else {
        tracing::info!(to = %email.to, subject = %email.subject, "no SMTP configured: not sent");
    }
    Ok(())
}

/// Makes a verification link for `email` (the account's address, or the one it changes to)
/// and queues its email in `tx`. Earlier verification links of the account stop working.
pub async fn send_verification(
    state: &AppState,
    tx: &mut Tx,
    (user, name): (UserId, &str),
    email: &str,
    change: bool,
) -> Result<(), AppError> {
    let secret = token::generate()?;
    let now = Timestamp::now();
    let expires_at = later(now, VERIFY_HOURS * 3_600_000);
    account_links::create(
        tx,
        NewLink {
            user,
            purpose: Purpose::VerifyEmail,
            email,
            token_hash: &secret.hash,
            now,
            expires_at,
        },
    )
    .await?;
    let link = format!("{}/verify/{}", state.config.public_url, secret.raw);
    let rendered = emails::verification(email, name, &link, expires_at, change);
    deliver(state, tx, rendered, Some(&link), "verification").await
}

/// Sends the verification email of the signed-in user's address again (the banner's button).
pub async fn resend_verification(state: &AppState, user: &UserRecord) -> Result<(), AppError> {
    if user.email_verified() {
        return Err(AppError::Conflict(
            "Your email address is already confirmed.".into(),
        ));
    }
    rate_limits::hit(state, Limit::AccountEmails, &user.id.to_string()).await?;
    let mut tx = state.db.begin().await?;
    send_verification(state, &mut tx, (user.id, &user.name), &user.email, false).await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// Changes the signed-in user's name at once, and asks for a new address: the link goes to
/// the new address, the old one gets a notice, and the account keeps its address until the
/// link is used. Answers whether a link was sent.
pub async fn edit_profile(
    state: &AppState,
    user: &UserRecord,
    name: &str,
    email: &str,
) -> Result<bool, AppError> {
    let mut errors = crate::error::FieldErrors::default();
    let name = crate::accounts::normalize_name(name, "your name")
        .map_err(|m| errors.add("name", m))
        .ok();
    let email = normalize_email(email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let (Some(name), Some(email)) = (name, email) else {
        return Err(AppError::Validation(errors));
    };
    let change = email != user.email;
    let now = Timestamp::now();
    if change {
        rate_limits::hit(state, Limit::AccountEmails, &user.id.to_string()).await?;
    }
    let mut tx = state.db.begin().await?;
    if name != user.name {
        users::set_name(&mut tx, user.id, &name, now).await?;
        organizations::rekey_member(&mut tx, user.id, &name, &user.email).await?;
    }
    if change {
        if users::find_by_email(&mut tx, &email).await?.is_some() {
            return Err(AppError::field(
                "email",
                "Another account uses that address.",
            ));
        }
        send_verification(state, &mut tx, (user.id, &name), &email, true).await?;
        let notice = emails::change_notice(&user.email, &name, &email);
        deliver(state, &mut tx, notice, None, "address change notice").await?;
    }
    tx.commit().await?;
    state.outbox.wake();
    Ok(change)
}

/// The link of `raw` as typed into a URL: anything that is not a token finds nothing.
async fn find(
    c: &mut impl crate::db::Exec,
    purpose: Purpose,
    raw: &str,
) -> Result<Option<LinkRecord>, DbError> {
    let Some(hash) = token::hash_of_link(raw) else {
        return Ok(None);
    };
    account_links::find_by_token(c, purpose, &hash).await
}

/// Why a link cannot be used, as a sentence.
fn dead(link: Option<&LinkRecord>, now: Timestamp, what: &str) -> Option<AppError> {
    let sentence = match link {
        None => format!(
            "This {what} link is not valid. It may be mistyped, or a newer email replaced it."
        ),
        Some(l) if l.used_at.is_some() => {
            format!("This {what} link was already used, or a newer email replaced it.")
        }
        Some(l) if l.expires_at <= now => format!("This {what} link has expired."),
        Some(_) => return None,
    };
    Some(AppError::Conflict(sentence))
}

/// What the page of a verification link shows. Reads only.
pub async fn view_verification(state: &AppState, raw: &str) -> Result<EmailLink, AppError> {
    let mut c = state.db.conn().await?;
    let now = Timestamp::now();
    Ok(match find(&mut c, Purpose::VerifyEmail, raw).await? {
        None => EmailLink::Unknown,
        Some(l) if l.used_at.is_some() => EmailLink::Used,
        Some(l) if l.expires_at <= now => EmailLink::Expired,
        Some(l) => EmailLink::Open {
            change: l.email != l.user_email,
            email: l.email,
        },
    })
}

/// Uses a verification link: the account's address is verified, or, for a link sent to a new
/// address, the account moves to it. Answers the address now verified.
pub async fn verify(state: &AppState, raw: &str) -> Result<String, AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let link = find(&mut tx, Purpose::VerifyEmail, raw).await?;
    if let Some(e) = dead(link.as_ref(), now, "confirmation") {
        return Err(e);
    }
    let link = link.ok_or(AppError::Internal)?;
    if !account_links::use_once(&mut tx, link.id, now).await? {
        return Err(AppError::Conflict(
            "This confirmation link was already used.".into(),
        ));
    }
    if link.email == link.user_email {
        users::set_verified(&mut tx, link.user_id, &link.email, now).await?;
    } else {
        match users::set_email(&mut tx, link.user_id, &link.email, now).await {
            Err(DbError::UniqueViolation) => {
                return Err(AppError::Conflict(
                    "Another account took this address in the meantime, so yours keeps its current one.".into(),
                ));
            }
            other => other?,
        }
        organizations::rekey_member(&mut tx, link.user_id, &link.user_name, &link.email).await?;
        tracing::info!(user = %link.user_id, "email address changed");
    }
    tx.commit().await?;
    tracing::info!(user = %link.user_id, "email address verified");
    Ok(link.email)
}

/// Marks `user`'s address verified inside `tx`: an invitation link, which reached that very
/// inbox, was used by them.
pub async fn verified_by_invitation(tx: &mut Tx, user: &UserRecord) -> Result<(), AppError> {
    if !user.email_verified() {
        users::set_verified(tx, user.id, &user.email, Timestamp::now()).await?;
    }
    Ok(())
}

/// "Forgot password?": emails a reset link when `raw_email` has an account. The answer is the
/// same either way, and for a locked account too; requests are counted per client address
/// and per address asked about.
pub async fn request_reset(
    state: &AppState,
    raw_email: &str,
    client: Option<&str>,
) -> Result<(), AppError> {
    let email = normalize_email(raw_email).map_err(|m| AppError::field("email", m))?;
    if let Some(client) = client {
        rate_limits::hit(state, Limit::ResetAddress, client).await?;
    }
    rate_limits::hit(state, Limit::ResetAccount, &email).await?;
    let user = {
        let mut c = state.db.conn().await?;
        users::find_by_email(&mut c, &email).await?
    };
    let Some(user) = user else {
        tracing::info!("password reset asked for an address without an account");
        return Ok(());
    };
    let secret = token::generate()?;
    let now = Timestamp::now();
    let expires_at = later(now, RESET_MINUTES * 60_000);
    let mut tx = state.db.begin().await?;
    account_links::create(
        &mut tx,
        NewLink {
            user: user.id,
            purpose: Purpose::ResetPassword,
            email: &user.email,
            token_hash: &secret.hash,
            now,
            expires_at,
        },
    )
    .await?;
    let link = format!("{}/reset-password/{}", state.config.public_url, secret.raw);
    let rendered = emails::reset(&user.email, &user.name, &link, expires_at);
    deliver(state, &mut tx, rendered, Some(&link), "password reset").await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// What the page of a reset link shows. Reads only.
pub async fn view_reset(state: &AppState, raw: &str) -> Result<ResetLink, AppError> {
    let mut c = state.db.conn().await?;
    let now = Timestamp::now();
    Ok(match find(&mut c, Purpose::ResetPassword, raw).await? {
        None => ResetLink::Unknown,
        Some(l) if l.used_at.is_some() || l.email != l.user_email => ResetLink::Used,
        Some(l) if l.expires_at <= now => ResetLink::Expired,
        Some(l) => ResetLink::Open { email: l.email },
    })
}

/// Sets a new password through a reset link: the address is verified (the link reached it),
/// every session and script sign-in of the account ends (API keys stay), a sign-in lockout is
/// lifted, and each of the account's organizations gets an audit event. This is also how the
/// owner of an address takes it back from someone who signed up with it first.
pub async fn reset_password(state: &AppState, raw: &str, password: String) -> Result<(), AppError> {
    check_password(&password).map_err(|m| AppError::field("password", m))?;
    let usable = |link: Option<LinkRecord>, now: Timestamp| match dead(link.as_ref(), now, "reset")
    {
        Some(e) => Err(e),
        // A link sent to an address the account has since left resets nothing.
        None => link.filter(|l| l.email == l.user_email).ok_or_else(|| {
            AppError::Conflict(
                "This reset link was already used, or a newer email replaced it.".into(),
            )
        }),
    };
    // Checked before the slow hash, so that a dead link answers at once.
    {
        let mut c = state.db.conn().await?;
        usable(
            find(&mut c, Purpose::ResetPassword, raw).await?,
            Timestamp::now(),
        )?;
    }
    let hash = state.passwords.hash(password).await?;
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let link = usable(find(&mut tx, Purpose::ResetPassword, raw).await?, now)?;
    if !account_links::use_once(&mut tx, link.id, now).await? {
        return Err(AppError::Conflict(
            "This reset link was already used.".into(),
        ));
    }
    account_links::end_all(&mut tx, link.user_id, Purpose::ResetPassword, now).await?;
    users::set_password_hash(&mut tx, link.user_id, &hash).await?;
    users::set_verified(&mut tx, link.user_id, &link.email, now).await?;
    // Every session signed in until now is over, this millisecond's included.
    users::end_sessions_before(&mut tx, link.user_id, later(now, 1)).await?;
    access_tokens::delete_for_user(&mut tx, link.user_id).await?;
    rate_limits::forget(&mut tx, Limit::SignInAccount, &link.email).await?;
    let user = users::find_by_id(&mut tx, link.user_id)
        .await?
        .ok_or(AppError::Internal)?;
    for organization in organizations_of(&mut tx, user.id).await? {
        let event = Event::new(
            Action::PasswordReset,
            organization,
            Target::person(Some(user.id), &user.name, &user.email),
        )
        .after(serde_json::json!({ "sessions": "ended" }));
        record(&mut tx, &user, event).await?;
    }
    tx.commit().await?;
    tracing::info!(user = %user.id, "password reset; sessions and access tokens ended");
    Ok(())
}

/// Tells the owner of `email` that someone tried to sign up with it (at most a few a window:
/// past that, the answer is the same and no email goes out).
pub async fn sign_up_attempted(state: &AppState, email: &str) -> Result<(), AppError> {
    let owner = {
        let mut c = state.db.conn().await?;
        users::find_by_email(&mut c, email).await?
    };
    let Some(owner) = owner else {
        return Ok(());
    };
    if rate_limits::hit(state, Limit::AccountEmails, &owner.id.to_string())
        .await
        .is_err()
    {
        return Ok(());
    }
    let base = &state.config.public_url;
    let rendered = emails::sign_up_attempt(
        &owner.email,
        &format!("{base}/signin"),
        &format!("{base}/forgot-password"),
    );
    let mut tx = state.db.begin().await?;
    deliver(state, &mut tx, rendered, None, "sign-up attempt notice").await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(())
}
