//! Signed links for citizens: the one mechanism behind every link a citizen
//! gets that opens something without signing in — the status page with the
//! official answer (`/takip/d/…`), the satisfaction survey (`/anket/…`) and,
//! later, the field-work confirmation.
//!
//! A token is bound to one [`Purpose`] and one subject (a case id), and
//! expires. It is short enough for an SMS (51 URL-safe characters) and
//! carries no personal data:
//!
//! ```text
//! base64url(no padding) of 38 bytes:
//!   [0]      format version (1)
//!   [1]      purpose code
//!   [2..18]  subject, a UUID
//!   [18..22] expiry, Unix seconds, big-endian
//!   [22..38] HMAC-SHA256(key, "tekmerkez-signed-link/v1" ‖ bytes[0..22]), first 16 bytes
//! ```
//!
//! The tag is checked in constant time against the current key and every
//! previous key ([`SignedLinkSettings::previous_secrets`]), so a key can be
//! rotated without breaking links already sent: sign with the new key, keep
//! the old one as previous until its links have expired. Only an authentic
//! token is then checked for purpose and expiry, so a forger learns nothing
//! from the answer. A link is *not* single-use by itself: the consumer
//! enforces that (a survey is answered once per case, in the case service).

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac as _};
use jiff::Timestamp;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

/// Shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// Length of a token in characters.
pub const TOKEN_CHARS: usize = 51;

const VERSION: u8 = 1;
const DOMAIN: &[u8] = b"tekmerkez-signed-link/v1";
const BODY: usize = 22;
const TAG: usize = 16;
const RAW: usize = BODY + TAG;

/// What a link is for; a token made for one purpose opens nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// The status page with the official answer of a resolved case.
    Status,
    /// The satisfaction survey of a case.
    Survey,
    /// The citizen's confirmation that field work was done (a later issue).
    FieldWorkConfirmation,
}

impl Purpose {
    fn code(self) -> u8 {
        match self {
            Self::Status => 1,
            Self::Survey => 2,
            Self::FieldWorkConfirmation => 3,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        [Self::Status, Self::Survey, Self::FieldWorkConfirmation]
            .into_iter()
            .find(|p| p.code() == c)
    }
}

/// The secrets links are signed with (`signed_links:` in the configuration).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedLinkSettings {
    /// Signs new links and verifies them; at least 32 bytes. Empty: no
    /// signed links (the messages carry the plain tracking page instead,
    /// and no survey is sent).
    pub secret: SecretString,
    /// Earlier secrets, still accepted when verifying (never used to sign),
    /// so that links sent before a rotation keep working until they expire.
    #[serde(default)]
    pub previous_secrets: Vec<SecretString>,
}

/// Why the settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("signed_links.{0} must be at least 32 characters")]
    TooShort(&'static str),
    /// Previous secrets without a current one.
    #[error("signed_links.previous_secrets needs signed_links.secret")]
    PreviousWithoutCurrent,
}

/// Why a token was refused. Every variant names no part of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a token at all (wrong length or alphabet, unknown version).
    #[error("the link is malformed")]
    Malformed,
    /// No key made this tag: tampered, or signed with a key since dropped.
    #[error("the link's signature is not valid")]
    Forged,
    /// Authentic, but made for another purpose.
    #[error("the link is for something else")]
    WrongPurpose,
    /// Authentic, but past its expiry.
    #[error("the link has expired")]
    Expired,
}

/// Signs and verifies links.
#[derive(Clone)]
pub struct SignedLinks {
    current: SecretString,
    previous: Vec<SecretString>,
}

impl std::fmt::Debug for SignedLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedLinks")
            .field("previous_keys", &self.previous.len())
            .finish_non_exhaustive()
    }
}

#[expect(
    clippy::expect_used,
    reason = "HMAC-SHA256 takes a key of any length: new_from_slice cannot fail"
)]
fn tag(key: &SecretString, body: &[u8]) -> [u8; TAG] {
    let mut mac = <Hmac<Sha256> as hmac::Mac>::new_from_slice(key.expose_secret().as_bytes())
        .expect("HMAC-SHA256 takes any key length");
    mac.update(DOMAIN);
    mac.update(body);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; TAG];
    out.copy_from_slice(&full[..TAG]);
    out
}

impl SignedLinks {
    /// The signer of `settings`; `None` when no secret is set.
    ///
    /// # Errors
    /// A secret shorter than 32 bytes, or previous secrets without a current one.
    pub fn from_settings(settings: &SignedLinkSettings) -> Result<Option<Self>, KeyError> {
        let current = settings.secret.expose_secret();
        let previous: Vec<SecretString> = settings
            .previous_secrets
            .iter()
            .filter(|s| !s.expose_secret().is_empty())
            .cloned()
            .collect();
        if current.is_empty() {
            return if previous.is_empty() {
                Ok(None)
            } else {
                Err(KeyError::PreviousWithoutCurrent)
            };
        }
        if current.len() < MIN_SECRET_BYTES {
            return Err(KeyError::TooShort("secret"));
        }
        if previous
            .iter()
            .any(|s| s.expose_secret().len() < MIN_SECRET_BYTES)
        {
            return Err(KeyError::TooShort("previous_secrets"));
        }
        Ok(Some(Self {
            current: settings.secret.clone(),
            previous,
        }))
    }

    /// A token opening `purpose` for `subject` until `expires_at` (rounded
    /// down to the second; after 2106 it is capped there).
    pub fn sign(&self, purpose: Purpose, subject: Uuid, expires_at: Timestamp) -> String {
        let mut raw = [0u8; RAW];
        raw[0] = VERSION;
        raw[1] = purpose.code();
        raw[2..18].copy_from_slice(subject.as_bytes());
        let expiry = u32::try_from(expires_at.as_second().max(0)).unwrap_or(u32::MAX);
        raw[18..BODY].copy_from_slice(&expiry.to_be_bytes());
        let t = tag(&self.current, &raw[..BODY]);
        raw[BODY..].copy_from_slice(&t);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The subject of `token` if it is authentic, made for `purpose` and
    /// not expired at `now`.
    ///
    /// # Errors
    /// [`LinkError`], checked in that order: malformed, forged, wrong
    /// purpose, expired.
    pub fn verify(&self, token: &str, purpose: Purpose, now: Timestamp) -> Result<Uuid, LinkError> {
        if token.len() != TOKEN_CHARS {
            return Err(LinkError::Malformed);
        }
        let raw = URL_SAFE_NO_PAD
            .decode(token.as_bytes())
            .map_err(|_| LinkError::Malformed)?;
        if raw.len() != RAW || raw[0] != VERSION {
            return Err(LinkError::Malformed);
        }
        let (body, given) = raw.split_at(BODY);
        // Every key is tried, each comparison in constant time.
        let mut authentic = subtle::Choice::from(0u8);
        for key in std::iter::once(&self.current).chain(&self.previous) {
            authentic |= tag(key, body).ct_eq(given);
        }
        if !bool::from(authentic) {
            return Err(LinkError::Forged);
        }
        if Purpose::from_code(body[1]) != Some(purpose) {
            return Err(LinkError::WrongPurpose);
        }
        let mut expiry = [0u8; 4];
        expiry.copy_from_slice(&body[18..BODY]);
        if now.as_second() >= i64::from(u32::from_be_bytes(expiry)) {
            return Err(LinkError::Expired);
        }
        let mut subject = [0u8; 16];
        subject.copy_from_slice(&body[2..18]);
        Ok(Uuid::from_bytes(subject))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "0123456789abcdef0123456789abcdef-key-a";
    const KEY_B: &str = "fedcba9876543210fedcba9876543210-key-b";

    fn links(current: &str, previous: &[&str]) -> SignedLinks {
        SignedLinks::from_settings(&SignedLinkSettings {
            secret: current.into(),
            previous_secrets: previous.iter().map(|s| (*s).into()).collect(),
        })
        .unwrap()
        .unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn case() -> Uuid {
        Uuid::parse_str("01890a5d-ac96-774b-bcce-b302099a8057").unwrap()
    }

    #[test]
    fn a_token_opens_its_purpose_for_its_subject_and_is_short_and_url_safe() {
        let l = links(KEY_A, &[]);
        let t = l.sign(Purpose::Survey, case(), at("2027-01-01T00:00:00Z"));
        assert_eq!(t.len(), TOKEN_CHARS);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            l.verify(&t, Purpose::Survey, at("2026-12-31T23:59:59Z")),
            Ok(case())
        );
    }

    #[test]
    fn a_tampered_token_is_forged_wherever_it_was_changed() {
        let l = links(KEY_A, &[]);
        let t = l.sign(Purpose::Status, case(), at("2027-01-01T00:00:00Z"));
        let now = at("2026-06-01T00:00:00Z");
        let mut raw = URL_SAFE_NO_PAD.decode(&t).unwrap();
        for i in 1..raw.len() {
            raw[i] ^= 0x01;
            let bad = URL_SAFE_NO_PAD.encode(&raw);
            assert_eq!(
                l.verify(&bad, Purpose::Status, now),
                Err(LinkError::Forged),
                "byte {i}"
            );
            raw[i] ^= 0x01;
        }
        // Another subject or a later expiry cannot be written in.
        let other = l.sign(Purpose::Status, Uuid::nil(), at("2027-01-01T00:00:00Z"));
        let mut spliced = URL_SAFE_NO_PAD.decode(&other).unwrap();
        spliced[BODY..].copy_from_slice(&raw[BODY..]);
        assert_eq!(
            l.verify(&URL_SAFE_NO_PAD.encode(&spliced), Purpose::Status, now),
            Err(LinkError::Forged)
        );
        // A token signed with a key the verifier does not hold.
        let foreign = links(KEY_B, &[]).sign(Purpose::Status, case(), at("2027-01-01T00:00:00Z"));
        assert_eq!(
            l.verify(&foreign, Purpose::Status, now),
            Err(LinkError::Forged)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let l = links(KEY_A, &[]);
        let now = at("2026-06-01T00:00:00Z");
        for bad in ["", "abc", &"A".repeat(51), &"!".repeat(51), &"A".repeat(52)] {
            assert!(
                matches!(
                    l.verify(bad, Purpose::Survey, now),
                    Err(LinkError::Malformed | LinkError::Forged)
                ),
                "{bad}"
            );
        }
        let t = l.sign(Purpose::Survey, case(), at("2027-01-01T00:00:00Z"));
        let mut raw = URL_SAFE_NO_PAD.decode(&t).unwrap();
        raw[0] = 2;
        assert_eq!(
            l.verify(&URL_SAFE_NO_PAD.encode(&raw), Purpose::Survey, now),
            Err(LinkError::Malformed),
            "an unknown format version"
        );
    }

    #[test]
    fn an_expired_token_is_refused_from_its_expiry_on() {
        let l = links(KEY_A, &[]);
        let t = l.sign(Purpose::Survey, case(), at("2026-06-01T12:00:00Z"));
        assert_eq!(
            l.verify(&t, Purpose::Survey, at("2026-06-01T11:59:59Z")),
            Ok(case())
        );
        assert_eq!(
            l.verify(&t, Purpose::Survey, at("2026-06-01T12:00:00Z")),
            Err(LinkError::Expired)
        );
        assert_eq!(
            l.verify(&t, Purpose::Survey, at("2027-06-01T12:00:00Z")),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn a_token_for_one_purpose_opens_no_other() {
        let l = links(KEY_A, &[]);
        let now = at("2026-06-01T00:00:00Z");
        let status = l.sign(Purpose::Status, case(), at("2027-01-01T00:00:00Z"));
        assert_eq!(
            l.verify(&status, Purpose::Survey, now),
            Err(LinkError::WrongPurpose)
        );
        assert_eq!(
            l.verify(&status, Purpose::FieldWorkConfirmation, now),
            Err(LinkError::WrongPurpose)
        );
        let survey = l.sign(Purpose::Survey, case(), at("2027-01-01T00:00:00Z"));
        assert_eq!(
            l.verify(&survey, Purpose::Status, now),
            Err(LinkError::WrongPurpose)
        );
    }

    #[test]
    fn after_a_rotation_old_links_still_open_until_the_old_key_is_dropped() {
        let before = links(KEY_A, &[]);
        let old = before.sign(Purpose::Survey, case(), at("2027-01-01T00:00:00Z"));
        let now = at("2026-06-01T00:00:00Z");
        let rotated = links(KEY_B, &[KEY_A]);
        assert_eq!(rotated.verify(&old, Purpose::Survey, now), Ok(case()));
        let new = rotated.sign(Purpose::Survey, case(), at("2027-01-01T00:00:00Z"));
        assert_ne!(new, old, "new links are signed with the new key");
        assert_eq!(
            before.verify(&new, Purpose::Survey, now),
            Err(LinkError::Forged)
        );
        let dropped = links(KEY_B, &[]);
        assert_eq!(
            dropped.verify(&old, Purpose::Survey, now),
            Err(LinkError::Forged)
        );
        assert_eq!(dropped.verify(&new, Purpose::Survey, now), Ok(case()));
    }

    #[test]
    fn short_or_orphaned_secrets_are_refused_and_none_means_off() {
        let s = |current: &str, previous: &[&str]| SignedLinkSettings {
            secret: current.into(),
            previous_secrets: previous.iter().map(|p| (*p).into()).collect(),
        };
        assert!(SignedLinks::from_settings(&s("", &[])).unwrap().is_none());
        assert_eq!(
            SignedLinks::from_settings(&s("short", &[])).unwrap_err(),
            KeyError::TooShort("secret")
        );
        assert_eq!(
            SignedLinks::from_settings(&s(KEY_A, &["short"])).unwrap_err(),
            KeyError::TooShort("previous_secrets")
        );
        assert_eq!(
            SignedLinks::from_settings(&s("", &[KEY_A])).unwrap_err(),
            KeyError::PreviousWithoutCurrent
        );
        let d = format!("{:?}", links(KEY_A, &[KEY_B]));
        assert!(!d.contains("key-a") && !d.contains("key-b"), "{d}");
    }

    proptest::proptest! {
        #[test]
        fn any_subject_and_expiry_round_trip(bytes in proptest::array::uniform16(0u8..), secs in 1u32..u32::MAX) {
            let l = links(KEY_A, &[]);
            let subject = Uuid::from_bytes(bytes);
            let exp = Timestamp::from_second(i64::from(secs)).unwrap();
            let t = l.sign(Purpose::Status, subject, exp);
            let now = Timestamp::from_second(i64::from(secs) - 1).unwrap();
            proptest::prop_assert_eq!(l.verify(&t, Purpose::Status, now), Ok(subject));
        }
    }
}
