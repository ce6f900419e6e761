//! `intake.partner`: the partners' gRPC listener and their credentials.

use std::time::Duration;

/// The partner API.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerSettings {
    /// Whether the gRPC listener runs.
    pub enabled: bool,
    /// `host:port` of its own listener (0 picks a free port).
    pub grpc_listen: String,
    /// Server-side deadline per call.
    pub request_timeout_ms: u64,
    /// Serve gRPC reflection (so `grpcurl list` works).
    pub reflection: bool,
    /// Who may call, each with a hashed token and a quota.
    pub partners: Vec<PartnerCredential>,
}

/// One partner institution.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerCredential {
    /// A short stable id (`cimer`): scopes its references and appears in logs.
    pub id: String,
    /// Its name, for operators.
    pub name: String,
    /// Lower-case hex SHA-256 of its bearer token. The token itself (random,
    /// at least 32 characters) is handed to the partner and never stored:
    /// `printf %s "$TOKEN" | sha256sum`.
    pub token_sha256: String,
    /// Calls per minute, sustained.
    pub per_minute: u32,
    /// Calls at once above the sustained rate.
    pub burst: u32,
    /// The road its applications took, kept on their cases (and choosing
    /// their deadline policy): `cimer`, `acik_kapi` or `diger_kurum`
    /// (another public body, the default).
    #[serde(default)]
    pub source: PartnerSource,
}

/// Which kind of body a partner is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerSource {
    /// CİMER, the Presidency's communication centre.
    Cimer,
    /// Açık Kapı, a governorship's citizen desk.
    AcikKapi,
    /// Another public body.
    #[default]
    DigerKurum,
    /// The citizen applied to the institution itself, through a client of
    /// its own (a city app filing over Open311).
    Dogrudan,
}

impl PartnerSource {
    /// The contract's value.
    pub fn to_proto(self) -> tekmerkez_proto::common_v1::ApplicationSource {
        use tekmerkez_proto::common_v1::ApplicationSource as P;
        match self {
            Self::Cimer => P::Cimer,
            Self::AcikKapi => P::AcikKapi,
            Self::DigerKurum => P::OtherBody,
            Self::Dogrudan => P::Direct,
        }
    }
}

impl PartnerSettings {
    /// The per-call deadline.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// Checks what deserialisation cannot.
    ///
    /// # Errors
    /// The first setting that cannot work, by key.
    pub fn validate(&self) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        if self.grpc_listen.parse::<std::net::SocketAddr>().is_err() {
            return Err("intake.partner.grpc_listen must be host:port with an IP address".into());
        }
        if self.request_timeout_ms == 0 {
            return Err("intake.partner.request_timeout_ms must be positive".into());
        }
        let mut ids = std::collections::HashSet::new();
        for (i, p) in self.partners.iter().enumerate() {
            let id_ok = !p.id.is_empty()
                && p.id.len() <= 64
                && p.id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                });
            if !id_ok {
                return Err(format!(
                    "intake.partner.partners[{i}].id must be 1 to 64 of a-z, 0-9, - and _"
                ));
            }
            if !ids.insert(p.id.as_str()) {
                return Err(format!("intake.partner.partners[{i}].id is used twice"));
            }
            if p.token_sha256.len() != 64
                || !p
                    .token_sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(format!(
                    "intake.partner.partners[{i}].token_sha256 must be 64 lower-case hex digits"
                ));
            }
            if p.per_minute == 0 || p.burst == 0 {
                return Err(format!(
                    "intake.partner.partners[{i}] quota values must be positive"
                ));
            }
        }
        Ok(())
    }
}
