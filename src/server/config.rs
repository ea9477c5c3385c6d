//! The `orgspace` command line: every flag has an environment equivalent and a default that
//! works on a fresh machine.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use url::Url;

use crate::{
    accounts::SignUpPolicy, db::DEFAULT_URL, limits::PlatformLimits, rate_limits::RateLimits,
};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "orgspace",
    version,
    about = "Self-hosted organizations, members, workspaces and guests.",
    long_about = "Self-hosted organizations, members, workspaces and guests.\n\n\
        Serves the web dashboard and its API. With no flags it listens on 127.0.0.1:3000 and \
        keeps its data in a SQLite file under ./data, created on first start."
)]
pub struct Cli {
    /// Address and port to listen on.
    #[arg(long, env = "ORGSPACE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// sqlite://FILE (the default) or postgres://USER@HOST/DATABASE to share one database
    /// between several instances.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL, hide_env_values = true)]
    pub database_url: String,

    /// The URL people reach orgspace at; the base of links in emails. Cookies are marked
    /// Secure when it is https. Default: http://ADDR.
    #[arg(long, env = "ORGSPACE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// smtp://USER:PASSWORD@HOST:587 (STARTTLS), smtps://USER:PASSWORD@HOST:465 (TLS), or
    /// smtp://HOST:PORT without encryption for a local relay. Without it, invitation emails
    /// are not sent and their links are logged.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of orgspace's emails, as `Name <address>` or an address.
    /// Default: `orgspace <noreply@HOST>`, HOST being the public URL's.
    #[arg(long, env = "ORGSPACE_SMTP_FROM")]
    pub smtp_from: Option<String>,

    /// Platform default and ceiling of an organization limit, as SETTING=N (setting names as
    /// in `members`, `workspaces`, `compute_time`, `dataset_storage`, `volume_storage`,
    /// `instances`, `managed_channels`, `managed_volumes`). Repeat the flag, or separate with
    /// commas in the variable: ORGSPACE_ORG_LIMITS=members=200,workspaces=20.
    #[arg(
        long = "org-limit",
        env = "ORGSPACE_ORG_LIMITS",
        value_name = "SETTING=N",
        value_delimiter = ','
    )]
    pub org_limits: Vec<String>,

    /// Platform default and ceiling of a workspace limit, as SETTING=N (`guests`, `datasets`,
    /// `compute_time`, `dataset_storage`, `instances`).
    #[arg(
        long = "workspace-limit",
        env = "ORGSPACE_WORKSPACE_LIMITS",
        value_name = "SETTING=N",
        value_delimiter = ','
    )]
    pub workspace_limits: Vec<String>,

    /// Days an invitation link stays valid.
    #[arg(long, env = "ORGSPACE_INVITATION_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
    pub invitation_days: u32,

    /// A rate limit, as NAME=MAX/SECONDS, or NAME=off: `sign_in_address` (sign-in attempts per
    /// client address, shipped 30/300), `sign_in_account` (failed sign-ins per account, 10/900),
    /// `sign_up_address` (sign-ups per client address, 10/3600), `invitations_user`
    /// (invitations sent per user, 200/3600), `reset_address` (password reset requests per
    /// client address, 10/3600), `reset_account` (per account, 3/3600), `account_emails`
    /// (verification links sent again, address changes and sign-up attempts per account,
    /// 5/3600). Repeat the flag, or separate with commas.
    #[arg(
        long = "rate-limit",
        env = "ORGSPACE_RATE_LIMITS",
        value_name = "NAME=MAX/SECONDS",
        value_delimiter = ','
    )]
    pub rate_limits: Vec<String>,

    /// Who may create an account: `open` (anyone), `invite-only` (only invitation links; the
    /// first account of an empty instance can always be made) or
    /// `domains:example.com,example.org` (only addresses at those domains; invitation links
    /// still work for any address).
    #[arg(
        long = "sign-up",
        env = "ORGSPACE_SIGN_UP",
        default_value = "open",
        value_name = "POLICY"
    )]
    pub sign_up: String,

    /// Behind a load balancer or reverse proxy: take the client address from the last entry of
    /// `X-Forwarded-For` (which the proxy must set) rather than from the connection.
    #[arg(long, env = "ORGSPACE_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// The folder of static files (pkg/, favicon). Default: `site` beside the binary, or
    /// `../site` from it (the layout of a cargo build).
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    /// Without a trailing slash: `https://orgspace.example.com`.
    pub public_url: String,
    /// `scheme://host[:port]` of the public URL: what a browser sends as Origin.
    pub public_origin: String,
    /// Whether a browser's `Origin` may also be the `Host` the request was sent to: only when
    /// no `--public-url` was given (the address typed may be any of the machine's names). With
    /// one, a forged `Host` header must not make a foreign origin look like ours.
    pub origin_from_host: bool,
    pub secure_cookies: bool,
    pub smtp_url: Option<Url>,
    /// Checked to parse as a mailbox.
    pub smtp_from: String,
    pub site_root: PathBuf,
    pub limits: PlatformLimits,
    pub invitation_days: u32,
    pub rate_limits: RateLimits,
    pub trust_forwarded_for: bool,
    pub sign_up: SignUpPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--public-url {0:?} is not a valid http(s) URL")]
    PublicUrl(String),
    #[error(
        "--smtp-url is not valid: expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:PORT"
    )]
    SmtpUrl,
    #[error("--smtp-from {0:?} is not an email address (expected `Name <address>` or an address)")]
    SmtpFrom(String),
    #[error("--org-limit/--workspace-limit {0}")]
    Limits(String),
    #[error("--rate-limit {0}")]
    RateLimits(String),
    #[error("--sign-up {0}")]
    SignUp(String),
    #[error(
        "cannot find the site folder (tried {0}); build it with `make build` or set LEPTOS_SITE_ROOT"
    )]
    SiteRoot(String),
}

impl Cli {
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let public = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr));
        let url = Url::parse(&public).map_err(|_| ConfigError::PublicUrl(public.clone()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(ConfigError::PublicUrl(public));
        }
        let public_origin = url.origin().ascii_serialization();
        let public_url = public.trim_end_matches('/').to_owned();

        let smtp_url = match self.smtp_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                let mut url = Url::parse(raw).map_err(|_| ConfigError::SmtpUrl)?;
                if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
                    return Err(ConfigError::SmtpUrl);
                }
                // A password never travels in clear: smtp:// with credentials means STARTTLS
                // unless the URL says otherwise (`?tls=opportunistic`).
                if url.scheme() == "smtp"
                    && url.password().is_some()
                    && !url.query_pairs().any(|(k, _)| k == "tls")
                {
                    url.query_pairs_mut().append_pair("tls", "required");
                }
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url.as_str())
                    .map_err(|_| ConfigError::SmtpUrl)?;
                Some(url)
            }
        };

        let smtp_from = match self.smtp_from.as_deref().map(str::trim) {
            None | Some("") => format!(
                "orgspace <noreply@{}>",
                url.host_str().unwrap_or("localhost")
            ),
            Some(raw) => raw.to_owned(),
        };
        if smtp_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::SmtpFrom(smtp_from));
        }

        let limits = PlatformLimits::parse(&self.org_limits, &self.workspace_limits)
            .map_err(ConfigError::Limits)?;

        let rate_limits = RateLimits::parse(&self.rate_limits).map_err(ConfigError::RateLimits)?;

        let sign_up = SignUpPolicy::parse(&self.sign_up).map_err(ConfigError::SignUp)?;

        Ok(Config {
            sign_up,
            limits,
            invitation_days: self.invitation_days,
            rate_limits,
            trust_forwarded_for: self.trust_forwarded_for,
            addr: self.addr,
            database_url: self.database_url,
            secure_cookies: url.scheme() == "https",
            public_url,
            public_origin,
            origin_from_host: self.public_url.is_none(),
            smtp_url,
            smtp_from,
            site_root: find_site_root(self.site_root)?,
        })
    }
}

fn find_site_root(explicit: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    let mut tried = Vec::new();
    let candidates = match explicit {
        Some(path) => vec![path],
        None => {
            let exe_dir = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(PathBuf::from));
            exe_dir
                .map(|dir| vec![dir.join("site"), dir.join("../site")])
                .unwrap_or_default()
        }
    };
    for dir in candidates {
        if dir.join("pkg").is_dir() {
            return Ok(dir.canonicalize().unwrap_or(dir));
        }
        tried.push(dir.display().to_string());
    }
    Err(ConfigError::SiteRoot(tried.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        let mut all = vec!["orgspace"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect("parses")
    }

    /// A site folder that exists for as long as the guard lives.
    struct Site(PathBuf);

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn with_site(mut c: Cli) -> (Cli, Site) {
        let dir = std::env::temp_dir().join(format!("orgspace-site-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        c.site_root = Some(dir.clone());
        (c, Site(dir))
    }

    fn config(args: &[&str]) -> Result<Config, ConfigError> {
        let (c, _site) = with_site(cli(args));
        c.into_config()
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.public_origin, "http://127.0.0.1:3000");
        assert!(!c.secure_cookies);
        assert!(c.smtp_url.is_none());
    }

    #[test]
    fn https_public_url_means_secure_cookies() {
        let c = config(&["--public-url", "https://orgs.example.com/"]).unwrap();
        assert_eq!(c.public_url, "https://orgs.example.com");
        assert_eq!(c.public_origin, "https://orgs.example.com");
        assert!(c.secure_cookies);
    }

    #[test]
    fn bad_urls_are_refused_with_a_clear_message() {
        let e = config(&["--public-url", "orgs.example.com"]).unwrap_err();
        assert!(e.to_string().contains("--public-url"));
        let e = config(&["--smtp-url", "http://mail"]).unwrap_err();
        assert!(e.to_string().contains("--smtp-url"));
        assert!(Cli::try_parse_from(["orgspace", "--addr", "nonsense"]).is_err());
        let e = config(&["--smtp-from", "not an address"]).unwrap_err();
        assert!(e.to_string().contains("--smtp-from"));
    }

    #[test]
    fn smtp_passwords_never_travel_in_clear() {
        let c = config(&["--smtp-url", "smtp://me:secret@mail.example.com:587"]).unwrap();
        assert_eq!(
            c.smtp_url.unwrap().as_str(),
            "smtp://me:secret@mail.example.com:587?tls=required"
        );
        let c = config(&["--smtp-url", "smtp://127.0.0.1:1025"]).unwrap();
        assert_eq!(c.smtp_url.unwrap().as_str(), "smtp://127.0.0.1:1025");
        let c = config(&["--public-url", "https://orgs.example.com"]).unwrap();
        assert_eq!(c.smtp_from, "orgspace <noreply@orgs.example.com>");
    }

    #[test]
    fn platform_limits_and_invitation_lifetime_are_configurable() {
        use crate::limits::{Scope, Setting};
        let c = config(&["--org-limit", "members=200", "--org-limit", "workspaces=3"]).unwrap();
        assert_eq!(
            c.limits.default_for(Scope::Organization, Setting::Members),
            200
        );
        assert_eq!(
            c.limits
                .default_for(Scope::Organization, Setting::Workspaces),
            3
        );
        assert_eq!(c.invitation_days, 7);
        let e = config(&["--org-limit", "guests=3"]).unwrap_err();
        assert!(e.to_string().contains("not an organization limit"), "{e}");
        assert!(Cli::try_parse_from(["orgspace", "--invitation-days", "0"]).is_err());
    }

    #[test]
    fn the_sign_up_policy_is_read_and_checked() {
        assert_eq!(config(&[]).unwrap().sign_up, SignUpPolicy::Open);
        assert_eq!(
            config(&["--sign-up", "invite-only"]).unwrap().sign_up,
            SignUpPolicy::InviteOnly
        );
        let e = config(&["--sign-up", "closed"]).unwrap_err();
        assert!(e.to_string().starts_with("--sign-up"), "{e}");
    }

    #[test]
    fn missing_site_folder_says_how_to_build_it() {
        let mut c = cli(&[]);
        c.site_root = Some(PathBuf::from("/nonexistent/site"));
        let e = c.into_config().unwrap_err();
        assert!(e.to_string().contains("make build"), "{e}");
    }
}
