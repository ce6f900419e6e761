//! HMAC-SHA256 request signatures, checked over the raw body bytes before
//! anything parses them, compared in constant time: the social platforms'
//! webhook schemes, which the CTI's signed events reuse (Meta's, over
//! `<timestamp>.<raw body>`).
//!
//! - Meta (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256:
//!   sha256=<hex HMAC-SHA256(app secret, raw body)>` ("Graph API › Webhooks ›
//!   Getting started › Validating payloads").
//! - X: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer
//!   secret, raw body)>`, and the challenge-response check answers
//!   `{"response_token": "sha256=<base64 HMAC-SHA256(consumer secret,
//!   crc_token)>"}` ("Account Activity API › Securing webhooks").

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature header was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header at all: an unsigned request.
    #[error("the request is not signed")]
    Missing,
    /// A header that is not `sha256=<digest>` in the platform's encoding.
    #[error("the signature header is malformed")]
    Malformed,
    /// Well-formed, but not the body's signature under our secret.
    #[error("the signature does not match")]
    Mismatch,
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn digest_of(
    header: Option<&str>,
    decode: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<Vec<u8>, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let encoded = header
        .strip_prefix("sha256=")
        .ok_or(SignatureError::Malformed)?;
    match decode(encoded) {
        Some(d) if d.len() == 32 => Ok(d),
        _ => Err(SignatureError::Malformed),
    }
}

fn compare(expected: &[u8; 32], given: &[u8]) -> Result<(), SignatureError> {
    if bool::from(expected.as_slice().ct_eq(given)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Checks Meta's `X-Hub-Signature-256` value for `body`.
///
/// # Errors
/// [`SignatureError`]: missing, malformed or not matching.
pub fn verify_meta(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let given = digest_of(header, |h| hex::decode(h).ok())?;
    compare(&hmac_sha256(secret, body), &given)
}

/// Checks X's `x-twitter-webhooks-signature` value for `body`.
///
/// # Errors
/// [`SignatureError`]: missing, malformed or not matching.
pub fn verify_x(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let given = digest_of(header, |h| {
        base64::engine::general_purpose::STANDARD.decode(h).ok()
    })?;
    compare(&hmac_sha256(secret, body), &given)
}

/// Meta's header value for `body` (for stand-ins and tests that sign as Meta does).
pub fn sign_meta(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret, body)))
}

/// X's header value for `body`, which is also the CRC `response_token` for a
/// `crc_token` passed as `body`.
pub fn sign_x(secret: &[u8], body: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret, body))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn meta_signatures_are_checked_over_the_raw_bytes() {
        let body = br#"{"object":"page","entry":[]}"#;
        let h = sign_meta(b"app-secret", body);
        // Python's hmac/hashlib over the same bytes.
        assert_eq!(
            h,
            "sha256=e6e9d7a842a48e17f43a34d6125d0d933e2aab92ee37f0993a4d493b50e3d438"
        );
        assert_eq!(verify_meta(b"app-secret", body, Some(&h)), Ok(()));
        // Upper-case hex is the same digest.
        let upper = format!("sha256={}", h[7..].to_uppercase());
        assert_eq!(verify_meta(b"app-secret", body, Some(&upper)), Ok(()));
        // One byte more (re-serialised JSON, a trailing newline) is another body.
        let mut other = body.to_vec();
        other.push(b'\n');
        assert_eq!(
            verify_meta(b"app-secret", &other, Some(&h)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_meta(b"other-secret", body, Some(&h)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_and_malformed_headers_are_told_apart() {
        let body = b"{}";
        assert_eq!(verify_meta(b"s", body, None), Err(SignatureError::Missing));
        for bad in [
            "",
            "sha1=abcd",
            "sha256=",
            "sha256=zz",
            "sha256=abcd",
            "abcdef",
        ] {
            assert_eq!(
                verify_meta(b"s", body, Some(bad)),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            verify_x(b"s", body, Some("sha256=not base64!")),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn x_signatures_and_crc_tokens_use_base64() {
        let body = br#"{"for_user_id":"1"}"#;
        let h = sign_x(b"consumer-secret", body);
        assert_eq!(verify_x(b"consumer-secret", body, Some(&h)), Ok(()));
        assert_eq!(
            verify_x(b"consumer-secret", b"{}", Some(&h)),
            Err(SignatureError::Mismatch)
        );
        // Computed with the documented Python (hmac.new(secret, crc_token,
        // hashlib.sha256), base64.b64encode), an independent implementation.
        assert_eq!(
            sign_x(b"consumer-secret", b"challenge-1"),
            "sha256=hbz/pRiNR70XBuZpAOCE6wJtpI25oS6CpybxrTZlcm8="
        );
    }
}
