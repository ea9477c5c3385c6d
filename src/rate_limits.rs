//! Rate limits against guessing and abuse: sign-in attempts per client address, failed sign-ins
//! per account, sign-ups per client address, invitations sent per user, password reset
//! requests per client address and per account, and the emails one account can cause. Counted in the
//! database, so that instances sharing one database share the limits. A subject's window opens
//! at its first hit and lasts the rule's seconds (a burst gets the allowance once, whatever the
//! clock says). A refusal is [`AppError::RateLimited`] with the seconds to wait (answered as 429
//! with `Retry-After`).

use std::{collections::BTreeMap, fmt, str::FromStr};

use crate::{
    db::{DbError, rate_limits as db},
    error::AppError,
    server::state::AppState,
    timestamp::Timestamp,
};

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Limit {
    /// Every sign-in attempt (web form and API `signIn`) from one client address.
    SignInAddress,
    /// Failed sign-ins of one account (email), from anywhere: what stops guessing a password
    /// from many addresses.
    SignInAccount,
    /// Accounts made from one client address (sign-up, and sign-up through an invitation).
    SignUpAddress,
    /// Invitations sent or resent by one user, to organizations and workspaces alike.
    InvitationsUser,
    /// Password reset requests from one client address.
    ResetAddress,
    /// Password reset requests for one address (email), from anywhere.
    ResetAccount,
    /// Emails about one account that its holder (or someone signing up with its address) can
    /// cause: verification links sent again, address changes, "someone tried to sign up".
    AccountEmails,
}

impl Limit {
    pub const ALL: [Limit; 7] = [
        Limit::SignInAddress,
        Limit::SignInAccount,
        Limit::SignUpAddress,
        Limit::InvitationsUser,
        Limit::ResetAddress,
        Limit::ResetAccount,
        Limit::AccountEmails,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Limit::SignInAddress => "sign_in_address",
            Limit::SignInAccount => "sign_in_account",
            Limit::SignUpAddress => "sign_up_address",
            Limit::InvitationsUser => "invitations_user",
            Limit::ResetAddress => "reset_address",
            Limit::ResetAccount => "reset_account",
            Limit::AccountEmails => "account_emails",
        }
    }

    /// The shipped rule: generous for people, tight for scripts that guess.
    pub const fn shipped(self) -> Rule {
        match self {
            Limit::SignInAddress => Rule {
                max: 30,
                window_secs: 300,
            },
            Limit::SignInAccount => Rule {
                max: 10,
                window_secs: 900,
            },
            Limit::SignUpAddress => Rule {
                max: 10,
                window_secs: 3600,
            },
            Limit::InvitationsUser => Rule {
                max: 200,
                window_secs: 3600,
            },
            Limit::ResetAddress => Rule {
                max: 10,
                window_secs: 3600,
            },
            Limit::ResetAccount => Rule {
                max: 3,
                window_secs: 3600,
            },
            Limit::AccountEmails => Rule {
                max: 5,
                window_secs: 3600,
            },
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// At most `max` hits per window of `window_secs` seconds; `max` 0 turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub max: i64,
    pub window_secs: i64,
}

/// The operator's rules: the shipped ones, with what `--rate-limit NAME=MAX/SECONDS` changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimits {
    overrides: BTreeMap<Limit, Rule>,
}

impl RateLimits {
    pub fn rule(&self, limit: Limit) -> Rule {
        self.overrides
            .get(&limit)
            .copied()
            .unwrap_or_else(|| limit.shipped())
    }

    /// Reads `NAME=MAX/SECONDS` items (`sign_in_account=5/600`; `NAME=off` turns one off).
    pub fn parse(items: &[String]) -> Result<RateLimits, String> {
        let mut overrides = BTreeMap::new();
        for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            let (name, rule) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?}: expected NAME=MAX/SECONDS"))?;
            let limit = name.trim().parse::<Limit>()?;
            let rule = rule.trim();
            let rule = if rule.eq_ignore_ascii_case("off") {
                Rule {
                    max: 0,
                    window_secs: 1,
                }
            } else {
                let (max, secs) = rule
                    .split_once('/')
                    .ok_or_else(|| format!("{item:?}: expected NAME=MAX/SECONDS"))?;
                let max: i64 = max
                    .trim()
                    .parse()
                    .ok()
                    .filter(|m| (0..=1_000_000).contains(m))
                    .ok_or_else(|| format!("{item:?}: MAX is a whole number up to 1000000"))?;
                let window_secs: i64 = secs
                    .trim()
                    .parse()
                    .ok()
                    .filter(|s| (1..=86_400).contains(s))
                    .ok_or_else(|| format!("{item:?}: SECONDS is from 1 to 86400"))?;
                Rule { max, window_secs }
            };
            overrides.insert(limit, rule);
        }
        Ok(RateLimits { overrides })
    }
}

impl FromStr for Limit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Limit::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Limit::ALL.iter().map(|l| l.name()).collect();
                format!("unknown rate limit {s:?} (one of {})", names.join(", "))
            })
    }
}

/// The whole seconds left, at `now`, in a window of `rule` that opened at `start` (at least 1).
fn seconds_left(rule: Rule, start: Timestamp, now: Timestamp) -> u64 {
    let left_ms = start.unix_millis() + rule.window_secs * 1000 - now.unix_millis();
    u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1)
}

fn bucket(limit: Limit, subject: &str) -> String {
    // Subjects come from outside (emails, addresses): bounded, so that a bucket always fits.
    let subject: String = subject.chars().take(300).collect();
    format!("{limit}:{subject}")
}

/// Forgets `subject`'s window of `limit`: a password reset lifts the account's sign-in
/// lockout.
pub async fn forget(
    c: &mut impl crate::db::Exec,
    limit: Limit,
    subject: &str,
) -> Result<(), DbError> {
    db::forget(c, &bucket(limit, subject)).await
}

/// Counts one hit of `subject` (an address, an email, a user id) against `limit`, and refuses
/// it when the window already holds the most the rule allows.
pub async fn hit(state: &AppState, limit: Limit, subject: &str) -> Result<(), AppError> {
    let rule = state.config.rate_limits.rule(limit);
    if rule.max == 0 {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut c = state.db.conn().await?;
    let (hits, start) = db::hit(
        &mut c,
        &bucket(limit, subject),
        now,
        rule.window_secs * 1000,
    )
    .await?;
    // Now and then, old windows are forgotten (a day is longer than any window).
    if hits == 1 && rand_percent() < 2 {
        sweep(&mut c, now).await?;
    }
    if hits > rule.max {
        tracing::warn!(%limit, subject, hits, "rate limited");
        return Err(AppError::RateLimited {
            retry_after_secs: seconds_left(rule, start, now),
        });
    }
    Ok(())
}

/// Reserves one attempt of `subject` against `limit` before the work it guards (checking a
/// password), refused once the window holds the most the rule allows. The reservation is one
/// atomic increment, so that however many requests arrive at the same moment, at most `max`
/// get past it in a window. An attempt that turns out not to count (the right password) gives
/// its reservation back with [`release`].
pub async fn reserve(state: &AppState, limit: Limit, subject: &str) -> Result<(), AppError> {
    hit(state, limit, subject).await
}

/// Gives back an attempt [`reserve`] counted, in the window still open (never below zero).
pub async fn release(state: &AppState, limit: Limit, subject: &str) -> Result<(), AppError> {
    let rule = state.config.rate_limits.rule(limit);
    if rule.max == 0 {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut c = state.db.conn().await?;
    db::release(
        &mut c,
        &bucket(limit, subject),
        now,
        rule.window_secs * 1000,
    )
    .await?;
    Ok(())
}

async fn sweep(c: &mut impl crate::db::Exec, now: Timestamp) -> Result<(), DbError> {
    let day_ago = Timestamp::from_unix_millis(now.unix_millis() - 86_400_000);
    db::sweep(c, day_ago).await?;
    Ok(())
}

fn rand_percent() -> u8 {
    let mut byte = [0u8; 1];
    let _ = getrandom::getrandom(&mut byte);
    byte[0] % 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_read_from_the_command_line() {
        let limits = RateLimits::parse(&[
            "sign_in_account=5/600".to_owned(),
            " sign_up_address = off ".to_owned(),
        ])
        .unwrap();
        assert_eq!(
            limits.rule(Limit::SignInAccount),
            Rule {
                max: 5,
                window_secs: 600
            }
        );
        assert_eq!(limits.rule(Limit::SignUpAddress).max, 0);
        assert_eq!(
            limits.rule(Limit::SignInAddress),
            Limit::SignInAddress.shipped()
        );
        for bad in [
            "nope=1/1",
            "sign_in_account",
            "sign_in_account=5",
            "sign_in_account=x/1",
            "sign_in_account=5/0",
            "sign_in_account=5/100000",
            "sign_in_account=-1/10",
        ] {
            assert!(RateLimits::parse(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_wait_is_what_is_left_of_the_window_since_its_first_hit() {
        let rule = Rule {
            max: 1,
            window_secs: 60,
        };
        let start = Timestamp::from_unix_millis(125_500);
        assert_eq!(seconds_left(rule, start, start), 60);
        let later = Timestamp::from_unix_millis(130_000);
        assert_eq!(seconds_left(rule, start, later), 56);
        let last = Timestamp::from_unix_millis(185_499);
        assert_eq!(seconds_left(rule, start, last), 1);
    }
}
