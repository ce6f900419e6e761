//! WhatsApp Cloud API webhooks, as Meta documents them ("WhatsApp Business
//! Platform › Webhooks › Reference › messages": the text, media, location,
//! interactive and button message references, and the status reference):
//!
//! ```json
//! { "object": "whatsapp_business_account",
//!   "entry": [ { "id": "<WHATSAPP_BUSINESS_ACCOUNT_ID>",
//!     "changes": [ { "field": "messages",
//!       "value": { "messaging_product": "whatsapp",
//!         "metadata": { "display_phone_number": "…", "phone_number_id": "<BUSINESS_PHONE_NUMBER_ID>" },
//!         "contacts": [ { "profile": { "name": "<WHATSAPP_USER_PROFILE_NAME>" }, "wa_id": "<WHATSAPP_USER_ID>" } ],
//!         "messages": [ { "from": "<WHATSAPP_USER_PHONE_NUMBER>", "id": "<WHATSAPP_MESSAGE_ID>",
//!                         "timestamp": "<WEBHOOK_TRIGGER_TIMESTAMP>", "type": "text",
//!                         "text": { "body": "<MESSAGE_TEXT_BODY>" } } ] } } ] } ] }
//! ```
//!
//! `timestamp` is Unix seconds as a string. `statuses` (sent/delivered/read
//! receipts of our own messages), other `field`s (`account_update`,
//! template updates, …), reactions, stickers, `system` and `unsupported`
//! messages are not applications: ignored and counted. Media (`image`,
//! `video`, `audio`, `document`) keep only their caption: fetching the media
//! needs the Graph API and an access token.

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
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Value {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: Option<Id>,
}

#[derive(Deserialize)]
struct Contact {
    #[serde(default)]
    wa_id: Option<Id>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    from: Option<Id>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    timestamp: Option<Stamp>,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<Text>,
    #[serde(default)]
    image: Option<Media>,
    #[serde(default)]
    video: Option<Media>,
    #[serde(default)]
    audio: Option<Media>,
    #[serde(default)]
    document: Option<Media>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    interactive: Option<Interactive>,
    #[serde(default)]
    button: Option<Button>,
}

#[derive(Deserialize)]
struct Text {
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct Media {
    #[serde(default)]
    caption: Option<String>,
}

#[derive(Deserialize)]
struct Location {
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

#[derive(Deserialize)]
struct Interactive {
    #[serde(default)]
    button_reply: Option<Reply>,
    #[serde(default)]
    list_reply: Option<Reply>,
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct Button {
    #[serde(default)]
    text: String,
}

/// Parses one webhook body.
///
/// # Errors
/// [`ParseError::NotJson`], or [`ParseError::Shape`] when the body is not a
/// `whatsapp_business_account` notification or a message lacks its id or sender.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let n: Notification = from_json(body, "a WhatsApp notification (object, entry[])")?;
    if n.object != "whatsapp_business_account" {
        return Err(ParseError::Shape(
            "object must be whatsapp_business_account",
        ));
    }
    let mut out = Parsed::default();
    for change in n.entry.into_iter().flat_map(|e| e.changes) {
        let Some(value) = change.value.filter(|_| change.field == "messages") else {
            out.ignored += 1;
            continue;
        };
        let value: Value = serde_json::from_value(value)
            .map_err(|_| ParseError::Shape("entry[].changes[].value of field messages"))?;
        out.ignored += value.statuses.len();
        let account = value
            .metadata
            .and_then(|m| m.phone_number_id)
            .map(Id::into_string)
            .filter(|a| plausible_id(a))
            .ok_or(ParseError::Shape("value.metadata.phone_number_id"))?;
        let contacts: Vec<(String, Option<String>)> = value
            .contacts
            .into_iter()
            .filter_map(|c| {
                let wa_id = c.wa_id?.into_string();
                Some((wa_id, c.profile.and_then(|p| p.name)))
            })
            .collect();
        for m in value.messages {
            if out.messages.len() >= MAX_MESSAGES {
                return Err(ParseError::Shape("more than 1000 messages in one delivery"));
            }
            let id =
                m.id.clone()
                    .filter(|i| plausible_id(i))
                    .ok_or(ParseError::Shape("messages[].id"))?;
            let from = m
                .from
                .clone()
                .map(Id::into_string)
                .filter(|f| plausible_id(f))
                .ok_or(ParseError::Shape("messages[].from"))?;
            let Some(content) = content(&m) else {
                out.ignored += 1;
                continue;
            };
            // `contacts[]` describes the senders; `wa_id` is the sender's
            // WhatsApp id, which is their phone number (`from` repeats it).
            let profile = contacts.iter().find(|(w, _)| *w == from);
            out.messages.push(Inbound {
                platform: Platform::WhatsApp,
                account_id: account.clone(),
                sender_id: from.clone(),
                message_id: id,
                sent_at_ms: Stamp::millis(m.timestamp.as_ref(), 1000, "messages[].timestamp")?,
                sender_name: profile
                    .and_then(|(_, n)| n.as_deref())
                    .and_then(clean_text)
                    .map(|n| n.chars().take(200).collect()),
                sender_phone: Some(profile.map_or(from, |(w, _)| w.clone())),
                content,
            });
        }
    }
    Ok(out)
}

fn content(m: &Message) -> Option<Content> {
    let media = |kind: &str, media: &Option<Media>| {
        media.as_ref().map(|x| Content::Media {
            kind: kind.to_owned(),
            caption: x.caption.as_deref().and_then(clean_text),
        })
    };
    match m.kind.as_str() {
        "text" => m
            .text
            .as_ref()
            .and_then(|t| clean_text(&t.body))
            .map(Content::Text),
        "image" => media("image", &m.image),
        "video" => media("video", &m.video),
        "audio" => media("audio", &m.audio),
        "document" => media("document", &m.document),
        "location" => {
            let l = m.location.as_ref()?;
            let (latitude, longitude) = (l.latitude?, l.longitude?);
            if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
                return None;
            }
            let label = [l.name.as_deref(), l.address.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(clean_text)
                .collect::<Vec<_>>()
                .join(", ");
            Some(Content::Location {
                latitude,
                longitude,
                label: clean_text(&label),
            })
        }
        "interactive" => {
            let i = m.interactive.as_ref()?;
            i.button_reply
                .as_ref()
                .or(i.list_reply.as_ref())
                .and_then(|r| clean_text(&r.title))
                .map(Content::Text)
        }
        "button" => m
            .button
            .as_ref()
            .and_then(|b| clean_text(&b.text))
            .map(Content::Text),
        // reaction, sticker, contacts, order, system, unsupported, request_welcome, …
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Meta's documented text-message example (the values of the
    /// "Text messages webhook reference" sample).
    pub(crate) const DOCUMENTED_TEXT: &str = r#"{
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "102290129340398",
        "changes": [{
          "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
            "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234" }],
            "messages": [{
              "from": "16505551234",
              "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
              "timestamp": "1749416383",
              "type": "text",
              "text": { "body": "Does it come in another color?" }
            }]
          },
          "field": "messages"
        }]
      }]
    }"#;

    #[test]
    fn the_documented_text_message_is_read_whole() {
        let p = parse(DOCUMENTED_TEXT.as_bytes()).unwrap();
        assert_eq!(p.ignored, 0);
        let m = &p.messages[0];
        assert_eq!(m.platform, Platform::WhatsApp);
        assert_eq!(m.account_id, "106540352242922");
        assert_eq!(m.sender_id, "16505551234");
        assert_eq!(m.sender_phone.as_deref(), Some("16505551234"));
        assert_eq!(m.sender_name.as_deref(), Some("Sheena Nelson"));
        assert_eq!(m.sent_at_ms, 1_749_416_383_000);
        assert_eq!(
            m.content,
            Content::Text("Does it come in another color?".into())
        );
    }

    #[test]
    fn status_receipts_and_other_fields_are_ignored_not_refused() {
        let body = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"15556459128","phone_number_id":"590968830767958"},
            "statuses":[{"id":"wamid.X","status":"delivered","timestamp":"1750857384","recipient_id":"5516992318222"}]}},
          {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}"#;
        let p = parse(body.as_bytes()).unwrap();
        assert!(p.messages.is_empty());
        assert_eq!(p.ignored, 2);
    }

    #[test]
    fn media_location_and_buttons_become_content_and_reactions_do_not() {
        let body = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
          "metadata":{"phone_number_id":"27681414235104944"},
          "contacts":[{"profile":{"name":"Ayşe"},"wa_id":"905321234567"}],
          "messages":[
            {"from":"905321234567","id":"wamid.1","timestamp":"1603059201","type":"image",
             "image":{"caption":"Patlayan boru","mime_type":"image/jpeg","sha256":"81d3","id":"2754859441498128"}},
            {"from":"905321234567","id":"wamid.2","timestamp":"1603059202","type":"location",
             "location":{"latitude":40.7655,"longitude":29.9408,"name":"İzmit","address":"Kocaeli"}},
            {"from":"905321234567","id":"wamid.3","timestamp":"1603059203","type":"interactive",
             "interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Arıza bildir"}}},
            {"from":"905321234567","id":"wamid.4","timestamp":"1603059204","type":"reaction",
             "reaction":{"emoji":"👍","message_id":"wamid.0"}},
            {"from":"905321234567","id":"wamid.5","timestamp":"1603059205","type":"sticker","sticker":{"id":"9"}}
          ]}}]}]}"#;
        let p = parse(body.as_bytes()).unwrap();
        assert_eq!(p.ignored, 2);
        let c: Vec<&Content> = p.messages.iter().map(|m| &m.content).collect();
        assert_eq!(
            c[0],
            &Content::Media {
                kind: "image".into(),
                caption: Some("Patlayan boru".into())
            }
        );
        assert!(
            matches!(c[1], Content::Location { latitude, label: Some(l), .. } if (*latitude - 40.7655).abs() < 1e-9 && l == "İzmit, Kocaeli")
        );
        assert_eq!(c[2], &Content::Text("Arıza bildir".into()));
    }

    #[test]
    fn broken_shapes_are_refused_with_the_part_named() {
        assert_eq!(parse(b"not json"), Err(ParseError::NotJson));
        assert_eq!(parse(b"{\"object\":"), Err(ParseError::NotJson));
        assert!(matches!(
            parse(br#"{"object":"page","entry":[]}"#),
            Err(ParseError::Shape(_))
        ));
        assert!(matches!(
            parse(br#"{"object":"whatsapp_business_account","entry":{}}"#),
            Err(ParseError::Shape(_))
        ));
        let no_id = r#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{
          "metadata":{"phone_number_id":"1"},"messages":[{"from":"905321234567","type":"text","text":{"body":"x"}}]}}]}]}"#;
        assert_eq!(
            parse(no_id.as_bytes()),
            Err(ParseError::Shape("messages[].id"))
        );
    }

    #[test]
    fn a_message_without_a_representable_send_time_is_refused_naming_it() {
        // 99999999999999 seconds overflows microseconds (it used to fall
        // back to "now" and pass the replay window); the others are
        // negative, before 2000, beyond year 9999, i64's edges, or missing.
        for stamp in [
            r#""99999999999999""#,
            r#""9223372036854775807""#,
            r#""-9223372036854775808""#,
            r#""-1""#,
            r#""0""#,
            r#""253402300800""#,
            r#""946684799""#,
            r#""1e10""#,
            r#""soon""#,
            "null",
        ] {
            let body = format!(
                r#"{{"object":"whatsapp_business_account","entry":[{{"changes":[{{"field":"messages","value":{{
                "metadata":{{"phone_number_id":"1"}},"messages":[{{"from":"905321234567","id":"wamid.1",
                "timestamp":{stamp},"type":"text","text":{{"body":"x"}}}}]}}}}]}}]}}"#
            );
            assert_eq!(
                parse(body.as_bytes()),
                Err(ParseError::Time("messages[].timestamp")),
                "{stamp}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_text_or_the_sender() {
        let p = parse(DOCUMENTED_TEXT.as_bytes()).unwrap();
        let d = format!("{:?}", p);
        assert!(!d.contains("color"), "{d}");
        assert!(!d.contains("16505551234"), "{d}");
        assert!(!d.contains("Sheena"), "{d}");
    }
}
