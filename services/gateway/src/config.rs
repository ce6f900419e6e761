//! The gateway's settings (`gateway:` in the configuration files).

use secrecy::SecretString;
pub use tekmerkez_types::institution::InstitutionSettings;

/// Everything the gateway needs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    pub http: HttpSettings,
    /// Where sessions are kept: `postgres://…` or `sqlite://…`.
    pub database_url: SecretString,
    /// Apply migrations at start (development); production runs `tekmerkez migrate`.
    pub migrate_on_start: bool,
    pub case_service: CaseServiceSettings,
    /// The routing service's admin API (`http://host:port`), for the rules
    /// page; empty hides the rules.
    pub routing_service_url: String,
    /// The notification service's API (`http://host:port`), for the
    /// delivery log on the record page; empty hides it. The gateway calls it
    /// with its own service token (`case_service.token`), which notify must
    /// list in `notify.api_tokens.gateway`.
    #[serde(default)]
    pub notify_service_url: String,
    /// The reports service's API (`http://host:port`), for *Raporlar*;
    /// empty hides the pages. The gateway calls it as it calls the case
    /// service (its own token, the signed-in person named), and the
    /// reports service scopes every figure to that person.
    #[serde(default)]
    pub reports_service_url: String,
    /// Sign-in sessions.
    pub session: SessionSettings,
    /// The category names lists show; when empty, the binary fills it from
    /// `intake.categories`, so the catalogue is written once.
    #[serde(default)]
    pub categories: Vec<tekmerkez_types::catalogue::Category>,
    /// The public tracking page's limits.
    pub tracking: TrackingSettings,
    /// Staff entry (calls, letters, counter visits, video meetings) and the
    /// receipt.
    pub entry: EntrySettings,
    /// The institution the pages, titles and receipts name; the binary
    /// fills it from its one `institution` section, shared with notify.
    #[serde(default)]
    pub institution: InstitutionSettings,
    /// The secrets citizens' signed links (`/takip/d/…`, `/anket/…`) are
    /// verified with; the binary fills it from its one `signed_links`
    /// section, shared with notify (which signs). Without a secret those
    /// pages say the link is not valid.
    #[serde(default)]
    pub signed_links: tekmerkez_signed_link::SignedLinkSettings,
    /// The map of a record's place (`gateway.map`).
    #[serde(default)]
    pub map: MapSettings,
}

/// The small map the record page shows where an application came with a
/// point (`http::place_map`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MapSettings {
    /// A slippy-map tile server's address with `{z}`, `{x}` and `{y}`
    /// (`https://tile.example.org/{z}/{x}/{y}.png`). The agent's browser
    /// fetches the tiles from it (the pages' CSP then allows its origin for
    /// images); the gateway never calls it. Empty (the default): an inline SVG
    /// that needs no network shows the point.
    pub tile_url: String,
    /// The zoom the map is drawn at, 1 to 19 (16: a few streets around).
    pub zoom: u8,
    /// The credit the tile server asks for, under the map
    /// (`© OpenStreetMap contributors`); empty for none.
    pub attribution: String,
}

impl Default for MapSettings {
    fn default() -> Self {
        Self {
            tile_url: String::new(),
            zoom: 16,
            attribution: String::new(),
        }
    }
}

impl MapSettings {
    /// The tile server's origin (`https://tile.example.org`, with its port
    /// when given), for the pages' `img-src`; `None` without a server.
    ///
    /// # Errors
    /// An address that is not http(s), lacks a placeholder, or has a host
    /// part a CSP could not carry.
    pub fn tile_origin(&self) -> Result<Option<String>, &'static str> {
        let url = self.tile_url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        const RULE: &str = "gateway.map.tile_url must be an http(s) address with {z}, {x} and {y}";
        if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
            return Err(RULE);
        }
        let rest = url
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)));
        let Some((scheme, rest)) = rest else {
            return Err(RULE);
        };
        let host = rest.split('/').next().unwrap_or_default();
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        if host.is_empty() || !host.chars().all(allowed) || !rest.contains('/') {
            return Err(RULE);
        }
        if url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\' | ';' | ','))
        {
            return Err(RULE);
        }
        Ok(Some(format!("{scheme}{host}")))
    }

    /// The pages' Content-Security-Policy: images from this origin only,
    /// and from the tile server when one is set.
    pub fn csp(&self) -> String {
        let img = match self.tile_origin() {
            Ok(Some(origin)) => format!("img-src 'self' {origin}; "),
            _ => String::new(),
        };
        format!(
            "default-src 'self'; {img}form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
    }
}

/// Staff entry through intake, and the receipt it prints.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrySettings {
    /// Intake's HTTP API (`http://host:port`); empty hides the entry screens.
    pub intake_url: String,
    /// Intake's `intake.staff.token` (a secret).
    pub staff_token: SecretString,
    /// Intake's `intake.cti.lookup_token`, for the caller of an offered
    /// call and their earlier applications (a secret; empty: no lookup).
    pub cti_lookup_token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
    /// The KVKK notice version the entry screens show and record.
    pub kvkk_text_version: String,
    /// A TrueType font with every Turkish letter, embedded (subset) in the
    /// receipt's PDF.
    pub font_path: String,
    /// The institution named at the top of the receipt; the binary fills it
    /// from its `institution` section (kept for the settings files that
    /// still name it).
    #[serde(default)]
    pub institution: String,
    /// The public tracking page the receipt points to.
    pub tracking_url: String,
}

/// How often the public tracking page answers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingSettings {
    /// Lookups per client address per minute (and at once). Wrong guesses
    /// per tracking number are limited by the case service
    /// (`case.tracking.wrong_guesses_per_hour`), for every route together.
    pub per_client_per_minute: u32,
    /// How many proxies in front of the gateway append to
    /// `X-Forwarded-For` (0: use the connection's address). The client is
    /// the entry this many places from the right; entries further left
    /// were written by the client and are not believed.
    #[serde(default)]
    pub trusted_proxy_hops: u8,
}

/// The HTTP listener.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// `host:port`.
    pub listen: String,
}

/// How the gateway reaches the case service.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseServiceSettings {
    /// `http://host:port`.
    pub url: String,
    /// The gateway's service token (a secret).
    pub token: SecretString,
    /// Per-call deadline.
    pub timeout_ms: u64,
}

/// Sign-in sessions.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle_minutes: u32,
    /// Send cookies with `Secure` (always in production; browsers accept
    /// it on http://127.0.0.1 too).
    pub secure_cookies: bool,
}

impl GatewaySettings {
    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("gateway.http.listen must be host:port with an IP address");
        }
        if !(1..=24 * 60).contains(&self.session.idle_minutes) {
            return Err("gateway.session.idle_minutes must be 1 to 1440");
        }
        if self.tracking.per_client_per_minute == 0 {
            return Err("gateway.tracking limits must be positive");
        }
        if !self.entry.intake_url.is_empty() {
            if self.entry.timeout_ms == 0 {
                return Err("gateway.entry.timeout_ms must be positive");
            }
            let v = self.entry.kvkk_text_version.trim();
            if v.is_empty() || v.len() > 64 {
                return Err("gateway.entry.kvkk_text_version must be 1 to 64 characters");
            }
            if self.entry.institution.trim().is_empty() || self.entry.font_path.is_empty() {
                return Err("gateway.entry.institution and font_path must be set");
            }
        }
        if self.case_service.timeout_ms == 0 {
            return Err("gateway.case_service.timeout_ms must be positive");
        }
        if tekmerkez_signed_link::SignedLinks::from_settings(&self.signed_links).is_err() {
            return Err("signed_links.secret and previous_secrets must be at least 32 characters");
        }
        self.map.tile_origin()?;
        if !(1..=19).contains(&self.map.zoom) {
            return Err("gateway.map.zoom must be 1 to 19");
        }
        if self.institution.name.trim().is_empty() {
            return Err("institution.name must be set: every page names the institution");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(url: &str) -> MapSettings {
        MapSettings {
            tile_url: url.into(),
            ..MapSettings::default()
        }
    }

    #[test]
    fn without_a_tile_server_the_csp_is_the_pages_own() {
        assert_eq!(
            MapSettings::default().csp(),
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
    }

    #[test]
    fn a_tile_server_adds_its_origin_for_images_only() {
        let m = map("https://tile.example.org/{z}/{x}/{y}.png");
        assert_eq!(m.tile_origin(), Ok(Some("https://tile.example.org".into())));
        assert!(m.csp().contains("img-src 'self' https://tile.example.org;"));
        assert!(m.csp().starts_with("default-src 'self';"));
        let local = map("http://127.0.0.1:8099/tiles/{z}/{x}/{y}.png");
        assert_eq!(
            local.tile_origin(),
            Ok(Some("http://127.0.0.1:8099".into()))
        );
    }

    #[test]
    fn a_tile_address_a_csp_cannot_carry_is_refused() {
        for bad in [
            "tile.example.org/{z}/{x}/{y}.png",
            "https://tile.example.org/{z}/{x}.png",
            "ftp://tile.example.org/{z}/{x}/{y}.png",
            "https://tile.example.org; script-src *;/{z}/{x}/{y}",
            "https://a b/{z}/{x}/{y}",
            "https:///{z}/{x}/{y}",
        ] {
            assert!(map(bad).tile_origin().is_err(), "{bad}");
        }
    }
}
