//! Personal data a service must keep but nobody reading its database may
//! read (the T.C. kimlik numarası): sealed with AES-256-GCM under keys from
//! the deployment's secrets, and found through a blind index, a keyed hash,
//! never by decrypting rows.
//!
//! - A sealed value names its key (`v1.<key id>.<nonce and ciphertext>`),
//!   so keys rotate: a [`Keyring`] seals with its current key and opens
//!   with any key it holds; [`Keyring::reseal`] moves an old value to the
//!   current key. Rotation is: add the new key, make it current, reseal
//!   every value, then drop the old key.
//! - The value is bound to its purpose (the AEAD's associated data), so a
//!   sealed value moved to another column does not open there.
//! - The blind index is HMAC-SHA256 under a key of its own, which does not
//!   rotate with the sealing keys (changing it means recomputing every
//!   index from the opened values).
//!
//! `ring` does the cryptography (already built for TLS); nothing here is
//! hand-made but the framing.

use std::fmt;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    hmac,
    rand::{SecureRandom as _, SystemRandom},
};
use secrecy::{ExposeSecret as _, SecretString};

/// The framing's version: the first part of every sealed value.
const VERSION: &str = "v1";

/// Why a keyring could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// A key is not 32 bytes of base64.
    #[error("key {0} must be 32 bytes, base64-encoded")]
    BadKey(String),
    /// A key id is empty, too long or has characters other than a-z, 0-9 and -.
    #[error("key id {0:?} must be 1 to 32 of a-z, 0-9 and -")]
    BadKeyId(String),
    /// The current key is not among the keys.
    #[error("the current key {0} is not among the keys")]
    NoCurrentKey(String),
    /// The index key is not at least 32 bytes of base64.
    #[error("the blind-index key must be at least 32 bytes, base64-encoded")]
    BadIndexKey,
}

/// Why a sealed value did not open (never what it holds).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    /// Not a sealed value of this framing.
    #[error("not a sealed value")]
    Malformed,
    /// Sealed with a key this keyring does not hold (dropped too early).
    #[error("sealed with key {0}, which is not configured")]
    UnknownKey(String),
    /// Changed, sealed for another purpose, or under another key of that id.
    #[error("the sealed value does not authenticate")]
    Forged,
}

/// The sealing keys, the current one, and the blind-index key.
pub struct Keyring {
    current: String,
    keys: Vec<(String, LessSafeKey)>,
    index: hmac::Key,
    rng: SystemRandom,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field(
                "keys",
                &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn decode(secret: &SecretString) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(secret.expose_secret().trim())
        .ok()
}

impl Keyring {
    /// A keyring sealing with `current` among `keys` (id, 32 bytes in
    /// base64), indexing with `index_key` (at least 32 bytes in base64).
    ///
    /// # Errors
    /// [`KeyError`] naming the bad key (never its value).
    pub fn new(
        current: &str,
        keys: &[(String, SecretString)],
        index_key: &SecretString,
    ) -> Result<Self, KeyError> {
        let mut ring = Vec::with_capacity(keys.len());
        for (id, secret) in keys {
            if !valid_id(id) {
                return Err(KeyError::BadKeyId(id.clone()));
            }
            let bytes = decode(secret)
                .filter(|b| b.len() == 32)
                .ok_or_else(|| KeyError::BadKey(id.clone()))?;
            let key =
                UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| KeyError::BadKey(id.clone()))?;
            ring.push((id.clone(), LessSafeKey::new(key)));
        }
        if !ring.iter().any(|(id, _)| id == current) {
            return Err(KeyError::NoCurrentKey(current.to_owned()));
        }
        let index = decode(index_key)
            .filter(|b| b.len() >= 32)
            .ok_or(KeyError::BadIndexKey)?;
        Ok(Self {
            current: current.to_owned(),
            keys: ring,
            index: hmac::Key::new(hmac::HMAC_SHA256, &index),
            rng: SystemRandom::new(),
        })
    }

    /// The current key's id.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// `plain` sealed for `purpose` under the current key, a fresh nonce each time.
    ///
    /// # Panics
    /// Never in practice: only when the operating system gives no random
    /// bytes, when nothing may be sealed safely at all.
    pub fn seal(&self, purpose: &str, plain: &str) -> String {
        let Some((id, key)) = self.keys.iter().find(|(id, _)| *id == self.current) else {
            unreachable!("the current key is checked when the keyring is built");
        };
        let mut nonce = [0u8; NONCE_LEN];
        #[allow(clippy::expect_used, reason = "no randomness: nothing may be sealed")]
        self.rng
            .fill(&mut nonce)
            .expect("the operating system's random source");
        let mut data = plain.as_bytes().to_vec();
        #[allow(
            clippy::expect_used,
            reason = "sealing in memory fails only past 64 GiB"
        )]
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut data,
        )
        .expect("a value under 64 GiB");
        let mut framed = nonce.to_vec();
        framed.extend_from_slice(&data);
        format!("{VERSION}.{id}.{}", URL_SAFE_NO_PAD.encode(framed))
    }

    /// The value `sealed` holds, if it was sealed for `purpose` with a key
    /// this keyring has.
    ///
    /// # Errors
    /// [`OpenError`].
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<String, OpenError> {
        let (id, body) = parts(sealed)?;
        let (_, key) = self
            .keys
            .iter()
            .find(|(k, _)| k == id)
            .ok_or_else(|| OpenError::UnknownKey(id.to_owned()))?;
        let mut framed = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Malformed)?;
        if framed.len() < NONCE_LEN {
            return Err(OpenError::Malformed);
        }
        let mut data = framed.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&framed).map_err(|_| OpenError::Malformed)?;
        let plain = key
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut data)
            .map_err(|_| OpenError::Forged)?;
        String::from_utf8(plain.to_vec()).map_err(|_| OpenError::Forged)
    }

    /// Whether `sealed` is under the current key.
    pub fn is_current(&self, sealed: &str) -> bool {
        parts(sealed).is_ok_and(|(id, _)| id == self.current)
    }

    /// `sealed` under the current key: `None` when it already is.
    ///
    /// # Errors
    /// [`OpenError`] when it does not open.
    pub fn reseal(&self, purpose: &str, sealed: &str) -> Result<Option<String>, OpenError> {
        if self.is_current(sealed) {
            return Ok(None);
        }
        let plain = self.open(purpose, sealed)?;
        Ok(Some(self.seal(purpose, &plain)))
    }

    /// The blind index of `plain` for `purpose`: equal values give equal
    /// indexes, and nothing about the value can be read from it without the
    /// index key.
    pub fn blind_index(&self, purpose: &str, plain: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.index);
        ctx.update(purpose.as_bytes());
        ctx.update(&[0]);
        ctx.update(plain.as_bytes());
        URL_SAFE_NO_PAD.encode(ctx.sign().as_ref())
    }
}

/// The key id and the body of a sealed value.
fn parts(sealed: &str) -> Result<(&str, &str), OpenError> {
    let mut it = sealed.splitn(3, '.');
    match (it.next(), it.next(), it.next()) {
        (Some(VERSION), Some(id), Some(body)) if valid_id(id) && !body.is_empty() => Ok((id, body)),
        _ => Err(OpenError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use proptest::prelude::*;

    use super::*;

    fn key(b: u8) -> SecretString {
        SecretString::from(base64::engine::general_purpose::STANDARD.encode([b; 32]))
    }

    fn ring(current: &str, ids: &[(&str, u8)]) -> Keyring {
        let keys: Vec<(String, SecretString)> = ids
            .iter()
            .map(|(id, b)| ((*id).to_owned(), key(*b)))
            .collect();
        Keyring::new(current, &keys, &key(200)).unwrap()
    }

    const TC: &str = "tc_kimlik_no";

    #[test]
    fn a_value_opens_only_for_its_purpose_and_unchanged() {
        let r = ring("k1", &[("k1", 1)]);
        let sealed = r.seal(TC, "10000000146");
        assert!(sealed.starts_with("v1.k1."));
        assert!(!sealed.contains("10000000146"));
        assert_eq!(r.open(TC, &sealed).unwrap(), "10000000146");
        assert_eq!(r.open("phone", &sealed), Err(OpenError::Forged));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            r.open(TC, &String::from_utf8(tampered).unwrap()),
            Err(OpenError::Forged)
        );
        assert_eq!(r.open(TC, "10000000146"), Err(OpenError::Malformed));
        assert_ne!(r.seal(TC, "10000000146"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn keys_rotate_old_values_open_and_reseal_to_the_new_key() {
        let old = ring("2026-01", &[("2026-01", 1)]);
        let sealed = old.seal(TC, "99123456780");
        // The new key is added and made current; the old stays to open.
        let rotated = ring("2026-12", &[("2026-01", 1), ("2026-12", 2)]);
        assert!(!rotated.is_current(&sealed));
        assert_eq!(rotated.open(TC, &sealed).unwrap(), "99123456780");
        let moved = rotated.reseal(TC, &sealed).unwrap().unwrap();
        assert!(moved.starts_with("v1.2026-12."));
        assert_eq!(rotated.reseal(TC, &moved).unwrap(), None, "already current");
        // Once every value is resealed, the old key can go.
        let only_new = ring("2026-12", &[("2026-12", 2)]);
        assert_eq!(only_new.open(TC, &moved).unwrap(), "99123456780");
        assert_eq!(
            only_new.open(TC, &sealed),
            Err(OpenError::UnknownKey("2026-01".into()))
        );
        // A different key under the same id does not open it.
        let impostor = ring("2026-01", &[("2026-01", 9)]);
        assert_eq!(impostor.open(TC, &sealed), Err(OpenError::Forged));
    }

    #[test]
    fn the_blind_index_finds_equal_values_whatever_the_sealing_key() {
        let a = ring("k1", &[("k1", 1)]);
        let b = ring("k2", &[("k1", 1), ("k2", 2)]);
        assert_eq!(
            a.blind_index(TC, "10000000146"),
            b.blind_index(TC, "10000000146")
        );
        assert_ne!(
            a.blind_index(TC, "10000000146"),
            a.blind_index(TC, "10000000147")
        );
        assert_ne!(
            a.blind_index(TC, "10000000146"),
            a.blind_index("phone", "10000000146")
        );
        let other_index = Keyring::new("k1", &[("k1".into(), key(1))], &key(201)).unwrap();
        assert_ne!(
            a.blind_index(TC, "10000000146"),
            other_index.blind_index(TC, "10000000146")
        );
    }

    #[test]
    fn bad_keys_are_named_and_never_shown() {
        let short = SecretString::from(base64::engine::general_purpose::STANDARD.encode([1u8; 16]));
        let e = Keyring::new("k1", &[("k1".into(), short)], &key(200)).unwrap_err();
        assert_eq!(e, KeyError::BadKey("k1".into()));
        assert_eq!(
            Keyring::new("k2", &[("k1".into(), key(1))], &key(200)).unwrap_err(),
            KeyError::NoCurrentKey("k2".into())
        );
        assert_eq!(
            Keyring::new("K 1", &[("K 1".into(), key(1))], &key(200)).unwrap_err(),
            KeyError::BadKeyId("K 1".into())
        );
        let r = ring("k1", &[("k1", 1)]);
        assert_eq!(
            format!("{r:?}"),
            "Keyring { current: \"k1\", keys: [\"k1\"], .. }"
        );
    }

    proptest! {
        #[test]
        fn any_text_round_trips(plain in ".{0,200}") {
            let r = ring("k1", &[("k1", 1)]);
            prop_assert_eq!(r.open(TC, &r.seal(TC, &plain)).unwrap(), plain);
        }
    }
}
