//! Messenger Platform and Instagram Messaging webhooks, as Meta documents
//! them ("Messenger Platform › Webhooks › messages Webhook Event Reference";
//! Instagram Messaging uses the same `messaging` events under
//! `object: "instagram"`):
//!
//! ```json
//! { "object": "page",
//!   "entry": [ { "id": "<PAGE_ID>", "time": 1458692752478,
//!     "messaging": [ { "sender": { "id": "<PSID>" }, "recipient": { "id": "<PAGE_ID>" },
//!                      "timestamp": 1458692752478,
//!                      "message": { "mid": "mid.1457764197618:41d102a3e1ae206a38",
//!                                   "text": "hello, world!" } } ] } ] }
//! ```
//!
//! `timestamp` is in milliseconds. Echoes of the institution's own messages
//! (`message.is_echo`), delivery and read receipts, reactions, postbacks and
//! `standby` events are not applications: ignored and counted. Attachments
//! (`image`, `video`, `audio`, `file`, the legacy `location` with
//! `payload.coordinates`) keep only what the payload carries; the media stay
//! on the platform.

use serde::Deserialize;

use super::{
    Content, Id, Inbound, MAX_MESSAGES, ParseError, Parsed, Platform, Stamp, clean_text, from_json,
    plausible_id,
};

#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    messaging: Vec<Event>,
    #[serde(default)]
    standby: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    changes: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(default)]
    sender: Option<Party>,
    #[serde(default)]
    recipient: Option<Party>,
    #[serde(default)]
    timestamp: Option<Stamp>,
    #[serde(default)]
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Party {
    #[serde(default)]
    id: Option<Id>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    mid: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    is_echo: bool,
    #[serde(default)]
    is_deleted: bool,
    #[serde(default)]
    attachments: Vec<Attachment>,
}

#[derive(Deserialize)]
struct Attachment {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Option<Payload>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    coordinates: Option<Coordinates>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize)]
struct Coordinates {
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    long: Option<f64>,
}

/// Parses one webhook body of a Page (`object: page`, `platform`
/// [`Platform::Messenger`]) or an Instagram account (`object: instagram`,
/// [`Platform::Instagram`]).
///
/// # Errors
/// [`ParseError::NotJson`], or [`ParseError::Shape`] when `object` is not the
/// platform's or a message lacks its id, sender or recipient.
pub fn parse(body: &[u8], platform: Platform) -> Result<Parsed, ParseError> {
    let n: Notification = from_json(body, "a Messenger/Instagram notification (object, entry[])")?;
    let want = match platform {
        Platform::Instagram => "instagram",
        _ => "page",
    };
    if n.object != want {
        return Err(ParseError::Shape(match platform {
            Platform::Instagram => "object must be instagram",
            _ => "object must be page",
        }));
    }
    let mut out = Parsed::default();
    for entry in n.entry {
        out.ignored += entry.standby.len() + entry.changes.len();
        let entry_id = entry.id.map(Id::into_string);
        for event in entry.messaging {
            let Some(message) = event.message else {
                // delivery, read, reaction, postback, referral, optin, …
                out.ignored += 1;
                continue;
            };
            if message.is_echo || message.is_deleted {
                out.ignored += 1;
                continue;
            }
            if out.messages.len() >= MAX_MESSAGES {
                return Err(ParseError::Shape("more than 1000 messages in one delivery"));
            }
            let mid = message
                .mid
                .clone()
                .filter(|m| plausible_id(m))
                .ok_or(ParseError::Shape("messaging[].message.mid"))?;
            let sender = event
                .sender
                .and_then(|s| s.id)
                .map(Id::into_string)
                .filter(|s| plausible_id(s))
                .ok_or(ParseError::Shape("messaging[].sender.id"))?;
            let account = event
                .recipient
                .and_then(|r| r.id)
                .map(Id::into_string)
                .or_else(|| entry_id.clone())
                .filter(|r| plausible_id(r))
                .ok_or(ParseError::Shape("messaging[].recipient.id"))?;
            let Some(content) = content(&message) else {
                out.ignored += 1;
                continue;
            };
            out.messages.push(Inbound {
                platform,
                account_id: account,
                sender_id: sender,
                message_id: mid,
                sent_at_ms: Stamp::millis(event.timestamp.as_ref(), 1, "messaging[].timestamp")?,
                sender_name: None,
                sender_phone: None,
                content,
            });
        }
    }
    Ok(out)
}

fn content(m: &Message) -> Option<Content> {
    let text = m.text.as_deref().and_then(clean_text);
    for a in &m.attachments {
        match a.kind.as_str() {
            "location" => {
                let c = a.payload.as_ref()?.coordinates.as_ref()?;
                let (latitude, longitude) = (c.lat?, c.long?);
                if (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude) {
                    return Some(Content::Location {
                        latitude,
                        longitude,
                        label: a
                            .payload
                            .as_ref()
                            .and_then(|p| p.title.as_deref())
                            .and_then(clean_text),
                    });
                }
            }
            "image" | "video" | "audio" | "file" => {
                return Some(Content::Media {
                    kind: a.kind.clone(),
                    caption: text,
                });
            }
            _ => {}
        }
    }
    text.map(Content::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented text-message example, wrapped in its entry as the
    /// "Message with attachment" example shows.
    const DOCUMENTED_TEXT: &str = r#"{"object":"page","entry":[{"id":"682498302938465","time":1458692752478,
      "messaging":[{"sender":{"id":"1254459154682919"},"recipient":{"id":"682498302938465"},
        "timestamp":1458692752478,
        "message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!",
                   "quick_reply":{"payload":"DEVELOPER_DEFINED_PAYLOAD"}}}]}]}"#;

    #[test]
    fn a_message_without_a_representable_send_time_is_refused_naming_it() {
        // Milliseconds: 99999999999999 is year 5138 (representable, left to
        // the replay window), but i64's edges, negatives and anything past
        // year 9999 are not.
        for stamp in [
            "9223372036854775807",
            "-1",
            "0",
            "253402300800000",
            "\"x\"",
            "null",
        ] {
            let body = format!(
                r#"{{"object":"page","entry":[{{"id":"9","messaging":[{{"sender":{{"id":"5"}},
                "recipient":{{"id":"9"}},"timestamp":{stamp},"message":{{"mid":"m.1","text":"x"}}}}]}}]}}"#
            );
            assert_eq!(
                parse(body.as_bytes(), Platform::Messenger),
                Err(ParseError::Time("messaging[].timestamp")),
                "{stamp}"
            );
        }
    }

    #[test]
    fn the_documented_text_message_is_read() {
        let p = parse(DOCUMENTED_TEXT.as_bytes(), Platform::Messenger).unwrap();
        let m = &p.messages[0];
        assert_eq!(m.platform, Platform::Messenger);
        assert_eq!(m.account_id, "682498302938465");
        assert_eq!(m.sender_id, "1254459154682919");
        assert_eq!(m.message_id, "mid.1457764197618:41d102a3e1ae206a38");
        assert_eq!(m.sent_at_ms, 1_458_692_752_478);
        assert_eq!(m.content, Content::Text("hello, world!".into()));
        assert_eq!(m.sender_phone, None);
    }

    #[test]
    fn instagram_uses_its_own_object_and_platform() {
        let body = DOCUMENTED_TEXT.replace("\"page\"", "\"instagram\"");
        let p = parse(body.as_bytes(), Platform::Instagram).unwrap();
        assert_eq!(p.messages[0].platform, Platform::Instagram);
        assert!(parse(body.as_bytes(), Platform::Messenger).is_err());
        assert!(parse(DOCUMENTED_TEXT.as_bytes(), Platform::Instagram).is_err());
    }

    #[test]
    fn echoes_receipts_and_reactions_are_ignored() {
        let body = r#"{"object":"page","entry":[{"id":"1","time":1,"messaging":[
          {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"message":{"mid":"m1","text":"our own","is_echo":true}},
          {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1,"delivery":{"mids":["m1"],"watermark":1}},
          {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1,"read":{"watermark":1}},
          {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1,"reaction":{"mid":"m1","action":"react","emoji":"x"}}
        ]}]}"#;
        let p = parse(body.as_bytes(), Platform::Messenger).unwrap();
        assert!(p.messages.is_empty());
        assert_eq!(p.ignored, 4);
    }

    #[test]
    fn attachments_keep_their_kind_and_the_text_as_caption() {
        let body = r#"{"object":"page","entry":[{"id":"9","messaging":[
          {"sender":{"id":"5"},"recipient":{"id":"9"},"timestamp":1518479195308,
           "message":{"mid":"mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c","attachments":[{"type":"image","payload":{"url":"https://x"}}]}},
          {"sender":{"id":"5"},"recipient":{"id":"9"},"timestamp":1518479195309,
           "message":{"mid":"m2","attachments":[{"type":"location","payload":{"coordinates":{"lat":41.0,"long":29.0}}}]}}
        ]}]}"#;
        let p = parse(body.as_bytes(), Platform::Messenger).unwrap();
        assert_eq!(
            p.messages[0].content,
            Content::Media {
                kind: "image".into(),
                caption: None
            }
        );
        assert!(matches!(
            p.messages[1].content,
            Content::Location { latitude, .. } if (latitude - 41.0).abs() < 1e-9
        ));
    }

    #[test]
    fn a_message_without_mid_or_sender_is_refused() {
        let no_mid = r#"{"object":"page","entry":[{"messaging":[{"sender":{"id":"5"},"recipient":{"id":"9"},"message":{"text":"x"}}]}]}"#;
        assert_eq!(
            parse(no_mid.as_bytes(), Platform::Messenger),
            Err(ParseError::Shape("messaging[].message.mid"))
        );
        let no_sender = r#"{"object":"page","entry":[{"messaging":[{"recipient":{"id":"9"},"message":{"mid":"m","text":"x"}}]}]}"#;
        assert_eq!(
            parse(no_sender.as_bytes(), Platform::Messenger),
            Err(ParseError::Shape("messaging[].sender.id"))
        );
        assert_eq!(
            parse(b"<html>", Platform::Messenger),
            Err(ParseError::NotJson)
        );
    }
}
