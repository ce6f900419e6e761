//! X Account Activity API webhooks, as X documents them ("Account Activity
//! data objects" › `direct_message_events`, and the "Message Create Object"):
//!
//! ```json
//! { "for_user_id": "4337869213",
//!   "direct_message_events": [ {
//!     "type": "message_create", "id": "954491830116155396",
//!     "created_timestamp": "1516403560557",
//!     "message_create": { "target": { "recipient_id": "4337869213" },
//!                         "sender_id": "3001969357",
//!                         "message_data": { "text": "Hello World!" } } } ],
//!   "users": { "3001969357": { "id": "3001969357", "name": "Jordan Brinks",
//!                              "screen_name": "furiouscamper" } } }
//! ```
//!
//! `created_timestamp` is milliseconds as a string. Direct messages are the
//! applications; a message the subscribed account itself sent (sender =
//! `for_user_id`) is an echo. Every other activity (`tweet_create_events`,
//! favourites, follows, typing and read indicators, …) is ignored and
//! counted: a public post cannot carry the phone number a callback needs.

use std::collections::HashMap;

use serde::Deserialize;

use super::{
    Content, Id, Inbound, MAX_MESSAGES, ParseError, Parsed, Platform, Stamp, clean_text, from_json,
    plausible_id,
};

#[derive(Deserialize)]
struct Activity {
    #[serde(default)]
    for_user_id: Option<Id>,
    #[serde(default)]
    direct_message_events: Vec<DmEvent>,
    #[serde(default)]
    users: HashMap<String, User>,
    #[serde(flatten)]
    other: HashMap<String, serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct DmEvent {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    created_timestamp: Option<Stamp>,
    #[serde(default)]
    message_create: Option<MessageCreate>,
}

#[derive(Deserialize)]
struct MessageCreate {
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    sender_id: Option<Id>,
    #[serde(default)]
    message_data: Option<MessageData>,
}

#[derive(Deserialize)]
struct Target {
    #[serde(default)]
    recipient_id: Option<Id>,
}

#[derive(Deserialize)]
struct MessageData {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    attachment: Option<XAttachment>,
}

#[derive(Deserialize)]
struct XAttachment {
    #[serde(default, rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    name: Option<String>,
}

/// Parses one webhook body.
///
/// # Errors
/// [`ParseError::NotJson`], or [`ParseError::Shape`] when `for_user_id` is
/// missing or a direct message lacks its id or sender.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let a: Activity = from_json(body, "an Account Activity payload (for_user_id, …_events)")?;
    let account = a
        .for_user_id
        .map(Id::into_string)
        .filter(|f| plausible_id(f))
        .ok_or(ParseError::Shape("for_user_id"))?;
    let mut out = Parsed {
        messages: Vec::new(),
        // Every other activity kind (tweet_create_events, follow_events, …)
        // counts once per kind; `apps` and `users` are lookups, not activities.
        ignored: a
            .other
            .keys()
            .filter(|k| k.ends_with("_events") || k.as_str() == "user_event")
            .count(),
    };
    for e in a.direct_message_events {
        if e.kind != "message_create" {
            out.ignored += 1;
            continue;
        }
        if out.messages.len() >= MAX_MESSAGES {
            return Err(ParseError::Shape("more than 1000 messages in one delivery"));
        }
        let id =
            e.id.map(Id::into_string)
                .filter(|i| plausible_id(i))
                .ok_or(ParseError::Shape("direct_message_events[].id"))?;
        let mc = e
            .message_create
            .ok_or(ParseError::Shape("direct_message_events[].message_create"))?;
        let sender = mc
            .sender_id
            .map(Id::into_string)
            .filter(|s| plausible_id(s))
            .ok_or(ParseError::Shape(
                "direct_message_events[].message_create.sender_id",
            ))?;
        if sender == account {
            out.ignored += 1;
            continue;
        }
        // A DM to someone else than the subscribed account does not concern it.
        let recipient = mc.target.and_then(|t| t.recipient_id).map(Id::into_string);
        if recipient.as_deref().is_some_and(|r| r != account) {
            out.ignored += 1;
            continue;
        }
        let data = mc.message_data;
        let text = data
            .as_ref()
            .and_then(|d| d.text.as_deref())
            .and_then(clean_text);
        let content = match data.as_ref().and_then(|d| d.attachment.as_ref()) {
            Some(att) if att.kind == "media" => Content::Media {
                kind: "media".into(),
                caption: text,
            },
            _ => match text {
                Some(t) => Content::Text(t),
                None => {
                    out.ignored += 1;
                    continue;
                }
            },
        };
        out.messages.push(Inbound {
            platform: Platform::X,
            account_id: account.clone(),
            sender_name: a
                .users
                .get(&sender)
                .and_then(|u| u.name.as_deref())
                .and_then(clean_text)
                .map(|n| n.chars().take(200).collect()),
            sender_id: sender,
            message_id: id,
            sent_at_ms: Stamp::millis(
                e.created_timestamp.as_ref(),
                1,
                "direct_message_events[].created_timestamp",
            )?,
            sender_phone: None,
            content,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X's documented direct-message example ("Account Activity data
    /// objects", `direct_message_events`).
    pub(crate) const DOCUMENTED_DM: &str = r#"{
      "for_user_id": "4337869213",
      "direct_message_events": [{
        "type": "message_create",
        "id": "954491830116155396",
        "created_timestamp": "1516403560557",
        "message_create": {
          "target": { "recipient_id": "4337869213" },
          "sender_id": "3001969357",
          "source_app_id": "13090192",
          "message_data": {
            "text": "Hello World!",
            "entities": { "hashtags": [], "symbols": [], "user_mentions": [], "urls": [] }
          }
        }
      }],
      "apps": { "13090192": { "id": "13090192", "name": "FuriousCamperTestApp1", "url": "https://twitter.com/furiouscamper" } },
      "users": {
        "3001969357": { "id": "3001969357", "created_timestamp": "1422556069340", "name": "Jordan Brinks",
                        "screen_name": "furiouscamper", "protected": false, "verified": false,
                        "followers_count": 22, "friends_count": 45, "statuses_count": 494 },
        "4337869213": { "id": "4337869213", "created_timestamp": "1448312972328", "name": "Harrison Test",
                        "screen_name": "Harris_0ff", "protected": false, "verified": false,
                        "followers_count": 8, "friends_count": 8, "statuses_count": 240 }
      }
    }"#;

    #[test]
    fn a_message_without_a_representable_send_time_is_refused_naming_it() {
        for stamp in [
            "\"9223372036854775807\"",
            "\"-5\"",
            "\"253402300800000\"",
            "null",
        ] {
            let body = DOCUMENTED_DM.replace("\"1516403560557\"", stamp);
            assert_eq!(
                parse(body.as_bytes()),
                Err(ParseError::Time(
                    "direct_message_events[].created_timestamp"
                )),
                "{stamp}"
            );
        }
    }

    #[test]
    fn the_documented_direct_message_is_read() {
        let p = parse(DOCUMENTED_DM.as_bytes()).unwrap();
        assert_eq!(p.ignored, 0);
        let m = &p.messages[0];
        assert_eq!(m.platform, Platform::X);
        assert_eq!(m.account_id, "4337869213");
        assert_eq!(m.sender_id, "3001969357");
        assert_eq!(m.message_id, "954491830116155396");
        assert_eq!(m.sent_at_ms, 1_516_403_560_557);
        assert_eq!(m.sender_name.as_deref(), Some("Jordan Brinks"));
        assert_eq!(m.content, Content::Text("Hello World!".into()));
    }

    #[test]
    fn the_accounts_own_messages_and_other_activities_are_ignored() {
        let own = DOCUMENTED_DM.replace(
            "\"sender_id\": \"3001969357\"",
            "\"sender_id\": \"4337869213\"",
        );
        let p = parse(own.as_bytes()).unwrap();
        assert!(p.messages.is_empty());
        assert_eq!(p.ignored, 1);
        let tweets = r#"{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"1"}],"favorite_events":[{}]}"#;
        let p = parse(tweets.as_bytes()).unwrap();
        assert!(p.messages.is_empty());
        assert_eq!(p.ignored, 2);
    }

    #[test]
    fn a_payload_without_its_account_or_ids_is_refused() {
        assert_eq!(
            parse(br#"{"direct_message_events":[]}"#),
            Err(ParseError::Shape("for_user_id"))
        );
        let no_id = r#"{"for_user_id":"1","direct_message_events":[{"type":"message_create","message_create":{"sender_id":"2","message_data":{"text":"x"}}}]}"#;
        assert_eq!(
            parse(no_id.as_bytes()),
            Err(ParseError::Shape("direct_message_events[].id"))
        );
        assert_eq!(parse(b""), Err(ParseError::NotJson));
    }
}
