//! The social-media webhooks, the partner API, Open311 and the CTI endpoint in
//! `tekmerkez dev`: each channel that the configuration leaves off is
//! switched on with development credentials, so every one can be exercised
//! locally (README: "Trying the channels in dev"). The webhook secrets are
//! fixed, well-known development values (a curl command can sign with them);
//! the partner's token is random per run and printed, like the API tokens.
//! None of this is used outside `tekmerkez dev`.

use std::{fmt::Write as _, net::SocketAddr};

use secrecy::SecretString;
use sha2::{Digest as _, Sha256};
use tekmerkez_intake::{
    IntakeSettings,
    cti::settings::SubscriberPlace,
    open311::settings::Open311Client,
    partner::settings::{PartnerCredential, PartnerSource},
    social::settings::{AccountSettings, MetaChannelSettings},
};

/// The development app secret of the Meta channels (WhatsApp, Messenger, Instagram).
pub const DEV_META_APP_SECRET: &str = "tekmerkez-dev-meta-app-secret";
/// The development Verify Token of the Meta channels.
pub const DEV_META_VERIFY_TOKEN: &str = "tekmerkez-dev-verify-token";
/// The development consumer secret of X.
pub const DEV_X_CONSUMER_SECRET: &str = "tekmerkez-dev-x-consumer-secret";
/// The development CTI signing secret.
pub const DEV_CTI_SIGNING_SECRET: &str = "tekmerkez-dev-cti-signing-secret-0123456789";
/// The development CTI lookup token.
pub const DEV_CTI_LOOKUP_TOKEN: &str = "tekmerkez-dev-cti-lookup-token-0123456789";
/// The caller index's key in dev: fixed, so the index survives restarts.
pub const DEV_CTI_CALLER_INDEX_KEY: &str = "tekmerkez-dev-caller-index-key-0123456789";
/// The development secret of citizens' signed links (status page, survey):
/// fixed, so links texted before a restart still open.
pub const DEV_SIGNED_LINK_SECRET: &str = "tekmerkez-dev-signed-link-secret-0123456789";
/// The key of the survey opt-out list's contact hashes in dev: fixed, so
/// opt-outs survive restarts.
pub const DEV_SURVEY_CONTACT_KEY: &str = "tekmerkez-dev-survey-contact-key-0123456789";
/// The development token of the SMS webhook contract: delivery reports and
/// inbound SMS (the survey's opt-out keyword) to notify in dev.
pub const DEV_SMS_WEBHOOK_TOKEN: &str = "tekmerkez-dev-sms-webhook-token-0123456789";
/// The development WhatsApp phone number id (Meta's documented example id):
/// Alo 185's fault line in Kocaeli.
pub const DEV_WHATSAPP_PHONE_NUMBER_ID: &str = "106540352242922";
/// The development Page id (Messenger) and Instagram account id.
pub const DEV_PAGE_ID: &str = "682498302938465";
/// The development X user id (the subscribed account).
pub const DEV_X_USER_ID: &str = "4337869213";
/// The development partner.
pub const DEV_PARTNER_ID: &str = "cimer";
/// The development Open311 client: a city app.
pub const DEV_OPEN311_CLIENT_ID: &str = "belediye-uygulamasi";
/// Its `api_key`: fixed, so that the README's examples work as printed.
pub const DEV_OPEN311_API_KEY: &str = "tekmerkez-dev-open311-api-key-0123456789";

/// The development bearer tokens notify presents to the social platforms'
/// stand-in (and the stand-in accepts), per platform.
pub const DEV_WHATSAPP_TOKEN: &str = "tekmerkez-dev-whatsapp-token";
/// The development Page access token (Messenger).
pub const DEV_PAGE_TOKEN: &str = "tekmerkez-dev-page-token";
/// The development Instagram token.
pub const DEV_INSTAGRAM_TOKEN: &str = "tekmerkez-dev-instagram-token";
/// The development X user token.
pub const DEV_X_TOKEN: &str = "tekmerkez-dev-x-user-token";
/// The approved WhatsApp template dev pretends to have.
pub const DEV_WHATSAPP_TEMPLATE: &str = "basvuru_bilgilendirme";
/// Where the stand-in's platform routes are mounted on dev's HTTP listener.
pub const SOCIAL_API_PREFIX: &str = "/dev/social-api";

/// Points notify's social platforms that the configuration leaves off at
/// the stand-in served on `http` under [`SOCIAL_API_PREFIX`], with
/// development tokens, and returns the stand-in that accepts them (its
/// `/dev/social` page shows what notify sent). `None` when the
/// configuration switched every platform on itself.
pub fn configure_notify(
    social: &mut tekmerkez_notify::social::SocialSettings,
    http: SocketAddr,
) -> Option<tekmerkez_standin::StandIn> {
    use tekmerkez_notify::social::settings::{GraphSettings, WhatsAppTemplateSettings, XSettings};
    use tekmerkez_standin::Account;
    let base = format!("http://{http}{SOCIAL_API_PREFIX}");
    let tokens = |id: &str, t: &str| {
        [(id.to_owned(), SecretString::from(t))]
            .into_iter()
            .collect()
    };
    let mut accounts = Vec::new();
    if !social.whatsapp.enabled {
        social.whatsapp.enabled = true;
        social.whatsapp.base_url.clone_from(&base);
        "v23.0".clone_into(&mut social.whatsapp.api_version);
        social.whatsapp.access_tokens = tokens(DEV_WHATSAPP_PHONE_NUMBER_ID, DEV_WHATSAPP_TOKEN);
        social.whatsapp.timeout_ms = 5000;
        social.whatsapp.template = WhatsAppTemplateSettings {
            name: DEV_WHATSAPP_TEMPLATE.to_owned(),
            language: "tr".to_owned(),
            body_parameters: vec!["tracking_number".to_owned(), "text".to_owned()],
        };
        accounts.push(Account {
            platform: "whatsapp",
            id: DEV_WHATSAPP_PHONE_NUMBER_ID.to_owned(),
            token: DEV_WHATSAPP_TOKEN.to_owned(),
        });
    }
    for (platform, settings, token) in [
        ("messenger", &mut social.messenger, DEV_PAGE_TOKEN),
        ("instagram", &mut social.instagram, DEV_INSTAGRAM_TOKEN),
    ] {
        if !settings.enabled {
            *settings = GraphSettings {
                enabled: true,
                base_url: base.clone(),
                api_version: "v23.0".to_owned(),
                access_tokens: tokens(DEV_PAGE_ID, token),
                timeout_ms: 5000,
                human_agent: true,
            };
            accounts.push(Account {
                platform,
                id: DEV_PAGE_ID.to_owned(),
                token: token.to_owned(),
            });
        }
    }
    if !social.x.enabled {
        social.x = XSettings {
            enabled: true,
            base_url: base,
            access_tokens: tokens(DEV_X_USER_ID, DEV_X_TOKEN),
            timeout_ms: 5000,
        };
        accounts.push(Account {
            platform: "x",
            id: DEV_X_USER_ID.to_owned(),
            token: DEV_X_TOKEN.to_owned(),
        });
    }
    (!accounts.is_empty()).then(|| tekmerkez_standin::StandIn::new(accounts))
}

/// What `tekmerkez dev` switched on, for the banner.
#[derive(Debug, Clone, Default)]
pub struct DevChannels {
    /// The social channels switched on here.
    pub social: Vec<&'static str>,
    /// The partner's bearer token, when the partner API was switched on here.
    pub partner_token: Option<String>,
    /// Whether the CTI endpoint was switched on here.
    pub cti: bool,
    /// The Open311 demo client's api_key, when Open311 was switched on here.
    pub open311_key: Option<&'static str>,
    /// The mailbox the e-mail channel reads (`user@host:port`), when the
    /// configuration switched it on; dev never switches it on by itself,
    /// since it needs an IMAP server (`scripts/imap`).
    pub email: Option<String>,
}

fn meta(account: &str, category: &str) -> MetaChannelSettings {
    MetaChannelSettings {
        enabled: true,
        verify_token: SecretString::from(DEV_META_VERIFY_TOKEN),
        app_secret: SecretString::from(DEV_META_APP_SECRET),
        max_message_age_minutes: 10_080,
        accounts: vec![AccountSettings {
            id: account.to_owned(),
            // Kocaeli, where the demo's Alo 185 is.
            province_code: 41,
            category: category.to_owned(),
        }],
    }
}

/// Switches on, with development credentials, each channel `intake` leaves
/// off. `ephemeral`: the other listeners are on port 0 (tests run many
/// instances at once), so the partner listener dev switches on is too; and
/// when its configured port is taken (a second `tekmerkez dev`), it takes any
/// free one rather than failing (the banner shows which).
pub fn configure(
    intake: &mut IntakeSettings,
    partner_token: String,
    ephemeral: bool,
) -> DevChannels {
    let mut out = DevChannels::default();
    if intake.email.enabled {
        let imap = &intake.email.imap;
        out.email = Some(format!("{}@{}:{}", imap.username, imap.host, imap.port));
    }
    let s = &mut intake.social;
    if !s.whatsapp.enabled {
        // The WhatsApp line takes fault reports: they go to the fault unit.
        s.whatsapp = meta(DEV_WHATSAPP_PHONE_NUMBER_ID, "su_arizasi");
        out.social.push("whatsapp");
    }
    if !s.messenger.enabled {
        s.messenger = meta(DEV_PAGE_ID, "diger");
        s.messenger.max_message_age_minutes = 2_160;
        out.social.push("messenger");
    }
    if !s.instagram.enabled {
        s.instagram = meta(DEV_PAGE_ID, "diger");
        s.instagram.max_message_age_minutes = 2_160;
        out.social.push("instagram");
    }
    if !s.x.enabled {
        s.x.enabled = true;
        s.x.consumer_secret = SecretString::from(DEV_X_CONSUMER_SECRET);
        s.x.accounts = vec![AccountSettings {
            id: DEV_X_USER_ID.to_owned(),
            province_code: 41,
            category: "diger".to_owned(),
        }];
        out.social.push("x");
    }
    if !intake.partner.enabled {
        intake.partner.enabled = true;
        if ephemeral || std::net::TcpListener::bind(&intake.partner.grpc_listen).is_err() {
            intake.partner.grpc_listen = "127.0.0.1:0".to_owned();
        }
        intake.partner.partners = vec![PartnerCredential {
            id: DEV_PARTNER_ID.to_owned(),
            name: "CİMER (geliştirme)".to_owned(),
            token_sha256: hex::encode(Sha256::digest(partner_token.as_bytes())),
            per_minute: 120,
            burst: 30,
            source: PartnerSource::Cimer,
        }];
        out.partner_token = Some(partner_token);
    }
    if !intake.open311.enabled {
        intake.open311.enabled = true;
        intake.open311.clients = vec![Open311Client {
            id: DEV_OPEN311_CLIENT_ID.to_owned(),
            name: "Belediye mobil uygulaması (geliştirme)".to_owned(),
            api_key_sha256: hex::encode(Sha256::digest(DEV_OPEN311_API_KEY.as_bytes())),
            per_minute: 120,
            burst: 30,
            kvkk_text_version: "belediye-uygulamasi-kvkk-v1".to_owned(),
            source: PartnerSource::Dogrudan,
        }];
        out.open311_key = Some(DEV_OPEN311_API_KEY);
    }
    if !intake.cti.enabled {
        intake.cti.enabled = true;
        intake.cti.signing_secret = SecretString::from(DEV_CTI_SIGNING_SECRET);
        intake.cti.lookup_token = SecretString::from(DEV_CTI_LOOKUP_TOKEN);
        intake.cti.caller_index_key = SecretString::from(DEV_CTI_CALLER_INDEX_KEY);
        // The subscriber directory's stand-in: one subscriber in the demo
        // outage's neighbourhood, one elsewhere.
        if intake.cti.subscriber_directory.url.is_empty()
            && intake.cti.subscriber_directory.subscribers.is_empty()
        {
            intake.cti.subscriber_directory.subscribers = DEV_SUBSCRIBERS
                .iter()
                .map(|(no, district, n)| SubscriberPlace {
                    subscriber: (*no).to_owned(),
                    province_code: 41,
                    district: (*district).to_owned(),
                    neighbourhood: (*n).to_owned(),
                })
                .collect();
        }
        out.cti = true;
    }
    out
}

/// `tekmerkez dev`'s subscriber numbers (Kocaeli): number, district,
/// neighbourhood. The first is in the demo outage's area.
pub const DEV_SUBSCRIBERS: &[(&str, &str, &str)] = &[
    ("4100000001", "İzmit", "Cedit Mah"),
    ("4100000002", "Gebze", "Arapçeşme Mah"),
];

impl DevChannels {
    /// The banner's lines about the channels.
    pub fn banner(&self, http: SocketAddr, partner: Option<SocketAddr>) -> String {
        let mut s = String::new();
        if !self.social.is_empty() {
            let _ = writeln!(
                s,
                "  social http://{http}/webhooks/{{{}}}",
                self.social.join(",")
            );
            let _ = writeln!(
                s,
                "         Meta app secret {DEV_META_APP_SECRET}, verify token {DEV_META_VERIFY_TOKEN}; X consumer secret {DEV_X_CONSUMER_SECRET}"
            );
        }
        if let Some(addr) = partner {
            let _ = writeln!(
                s,
                "  gRPC   {addr}  (tekmerkez.intake.v1.IntakeService, for partners; health and reflection)"
            );
            if let Some(t) = &self.partner_token {
                let _ = writeln!(
                    s,
                    "         partner {DEV_PARTNER_ID}: Authorization: Bearer {t}"
                );
            }
        }
        match &self.email {
            Some(mailbox) => {
                let _ = writeln!(
                    s,
                    "  e-mail IMAP {mailbox}  (each new message becomes an application; replies naming a case join it)"
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  e-mail off  (README \"Inbound e-mail\": scripts/imap start, then TEKMERKEZ__INTAKE__EMAIL__ENABLED=true)"
                );
            }
        }
        if let Some(key) = self.open311_key {
            let _ = writeln!(
                s,
                "  open311 http://{http}/open311/v2/services.json  (GeoReport v2, JSON or .xml; client {DEV_OPEN311_CLIENT_ID}: api_key={key})"
            );
        }
        if self.cti {
            let _ = writeln!(
                s,
                "  CTI    POST http://{http}/v1/cti/events (signing secret {DEV_CTI_SIGNING_SECRET}); lookups: Bearer {DEV_CTI_LOOKUP_TOKEN}"
            );
        }
        s
    }
}
