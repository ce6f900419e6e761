//! Text rules for inbound mail: cleaning what MIME decoding produced,
//! cutting the quoted earlier messages off a reply, bounding lengths, and
//! finding the case a reply follows up.

use mail_parser::{HeaderValue, Message};
use tekmerkez_tracking::TrackingNumber;

/// What replaces the end of a text cut at the length limit.
pub const CUT_MARKER: &str = "\n[… ileti kısaltıldı]";

/// One line: control characters dropped, whitespace runs made one space.
pub fn single_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A body as stored text: `\n` line ends, no control characters but tabs
/// (the case service refuses them), no trailing spaces, at most one blank
/// line in a row, trimmed.
pub fn clean(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut blank_run = 0;
    for line in body.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .map(|c| if c == '\u{a0}' { ' ' } else { c })
            .collect();
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

/// At most `max` characters (not bytes): a longer text is cut and ends
/// with [`CUT_MARKER`], so staff know something is missing.
pub fn bound(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let keep = max.saturating_sub(CUT_MARKER.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(CUT_MARKER);
    out
}

/// Whether `line` opens the quoted earlier message of a reply, as the
/// common mail programs write it in Turkish and English.
fn opens_quote(line: &str, next: &[&str]) -> bool {
    let key = tekmerkez_turkish::loose_key(line);
    let key = key.trim();
    if key.ends_with("wrote:") || key.ends_with("yazdi:") || key.ends_with("sunu yazdi:") {
        return true;
    }
    let dashes = key.trim_matches('-').trim();
    if key.starts_with("--")
        && [
            "original message",
            "ozgun ileti",
            "orijinal mesaj",
            "orijinal ileti",
            "forwarded message",
            "iletilen ileti",
        ]
        .iter()
        .any(|m| dashes.starts_with(m))
    {
        return true;
    }
    // Outlook's header block: "From: …" then "Sent: …" (or the Turkish
    // "Kimden:"/"Gönderen:" then "Gönderildi:"/"Tarih:").
    let header_start = ["from:", "kimden:", "gonderen:"]
        .iter()
        .any(|h| key.starts_with(h));
    header_start
        && next.iter().take(3).any(|l| {
            let k = tekmerkez_turkish::loose_key(l);
            ["sent:", "date:", "gonderildi:", "tarih:"]
                .iter()
                .any(|h| k.starts_with(h))
        })
}

/// A reply without the earlier messages it quotes: lines from the first
/// quote header on, and every `>` line, are dropped. When nothing would be
/// left (a reply that is all quote), the body is kept whole.
pub fn strip_quoted_reply(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut kept = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if opens_quote(line, lines.get(i + 1..).unwrap_or_default()) {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(*line);
    }
    let stripped = clean(&kept.join("\n"));
    if stripped.is_empty() {
        body.to_owned()
    } else {
        stripped
    }
}

/// A file name fit for storage: no directories, no control characters, at
/// most 200 characters; `ek-N.ext` when the message gave none.
pub fn file_name(sent: Option<&str>, index: usize, content_type: &str) -> String {
    let base = sent
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .map(single_line)
        .unwrap_or_default();
    let base: String = base.chars().take(200).collect();
    if base.trim().is_empty() {
        let ext = match content_type {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "application/pdf" => "pdf",
            _ => "bin",
        };
        format!("ek-{}.{ext}", index + 1)
    } else {
        base.trim().to_owned()
    }
}

/// The tracking number in a notification's `Message-ID`
/// (`case.{tracking}.{event}@{domain}`), when the domain is ours.
fn from_message_id(id: &str, domain: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, host) = id.rsplit_once('@')?;
    if !domain.is_empty() && !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let rest = local.strip_prefix("case.")?;
    let tn = rest.split('.').next()?;
    TrackingNumber::parse(tn)
        .ok()
        .map(|t| t.as_str().to_owned())
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t.split_whitespace().map(str::to_owned).collect(),
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The tracking number written in a subject: `XXXXX-XXXXX` as printed, or
/// ten symbols in one word with at least one digit and one letter (a word
/// of letters only could pass the check symbol by chance).
fn from_subject(subject: &str) -> Option<String> {
    let words: Vec<&str> = subject
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().find_map(|w| {
        let w = w.trim_matches('-');
        let printed = w.len() == 11
            && w.as_bytes().get(5) == Some(&b'-')
            && w.chars().filter(|c| *c == '-').count() == 1;
        let plain = w.chars().count() == 10
            && w.chars().any(|c| c.is_ascii_digit())
            && w.chars().any(|c| c.is_ascii_alphabetic());
        if printed || plain {
            TrackingNumber::parse(w).ok().map(|t| t.as_str().to_owned())
        } else {
            None
        }
    })
}

/// The case a message follows up: first the notification it answers
/// (`In-Reply-To`, then `References` newest first — machine-written, so
/// the surest), then a tracking number in the subject.
pub fn followed_up_case(message: &Message<'_>, subject: &str, domain: &str) -> Option<String> {
    let mut refs = ids(message.in_reply_to());
    refs.extend(ids(message.references()).into_iter().rev());
    refs.iter()
        .find_map(|r| from_message_id(r, domain))
        .or_else(|| from_subject(subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_turkish_and_english_replies_are_cut_off() {
        let tr = "Teşekkürler, su hâlâ gelmiyor.\n\n3 Mar 2026 Sal 10:00 tarihinde Tekmerkez <bildirim@ornek.gov.tr> şunu yazdı:\n> Başvurunuz alındı.";
        assert_eq!(strip_quoted_reply(tr), "Teşekkürler, su hâlâ gelmiyor.");
        let en =
            "Still broken.\nOn Tue, 3 Mar 2026 at 10:00, Tekmerkez <x@y.tr> wrote:\n> received";
        assert_eq!(strip_quoted_reply(en), "Still broken.");
        let outlook = "Ek fotoğraf gönderiyorum.\n\nKimden: Tekmerkez\nGönderildi: 3 Mart 2026\nKonu: Başvurunuz";
        assert_eq!(strip_quoted_reply(outlook), "Ek fotoğraf gönderiyorum.");
        let dashes = "Tamam.\n-----Özgün İleti-----\nKimden: x";
        assert_eq!(strip_quoted_reply(dashes), "Tamam.");
        let only_quote = "> Başvurunuz alındı.";
        assert_eq!(
            strip_quoted_reply(only_quote),
            only_quote,
            "all quote: kept whole"
        );
    }

    #[test]
    fn cleaning_drops_control_characters_and_blank_runs() {
        assert_eq!(clean("a\r\n\r\n\r\n\r\nb\x00c\x0c  \n"), "a\n\nbc");
        assert_eq!(single_line("  Ayşe\t\nYılmaz\u{7} "), "Ayşe Yılmaz");
    }

    #[test]
    fn long_text_is_cut_by_characters_with_a_marker() {
        let s = "ğ".repeat(50);
        let b = bound(&s, 30);
        assert_eq!(b.chars().count(), 30);
        assert!(b.ends_with(CUT_MARKER));
        assert_eq!(bound("kısa", 30), "kısa");
    }

    #[test]
    fn file_names_lose_directories_and_get_a_default() {
        assert_eq!(
            file_name(Some("C:\\Belgeler\\fatura.pdf"), 0, "application/pdf"),
            "fatura.pdf"
        );
        assert_eq!(
            file_name(Some("../../etc/passwd"), 0, "image/png"),
            "passwd"
        );
        assert_eq!(file_name(None, 1, "image/jpeg"), "ek-2.jpg");
        assert_eq!(file_name(Some("  "), 0, "application/pdf"), "ek-1.pdf");
    }

    #[test]
    fn tracking_numbers_are_found_in_notification_ids_and_subjects() {
        let tn = TrackingNumber::generate();
        let id = format!("<case.{}.0190-abc@bildirim.ornek.gov.tr>", tn.as_str());
        assert_eq!(
            from_message_id(&id, "bildirim.ornek.gov.tr").as_deref(),
            Some(tn.as_str())
        );
        assert_eq!(from_message_id(&id, "").as_deref(), Some(tn.as_str()));
        assert_eq!(
            from_message_id(&id, "baska.example"),
            None,
            "another domain's id"
        );
        assert_eq!(from_message_id("<abc@x>", ""), None);
        let subject = format!("Re: Başvurunuz {tn} hakkında");
        assert_eq!(from_subject(&subject).as_deref(), Some(tn.as_str()));
        assert_eq!(
            from_subject(&format!("Takip no: {}", tn.as_str().to_lowercase()))
                .as_deref()
                .map(|s| s.len()),
            (tn.as_str().chars().any(|c| c.is_ascii_digit())
                && tn.as_str().chars().any(|c| c.is_ascii_alphabetic()))
            .then_some(10)
        );
        assert_eq!(
            from_subject("Complaints about the water"),
            None,
            "letters only are not taken"
        );
    }

    #[test]
    fn a_mistyped_tracking_number_is_not_taken() {
        let tn = TrackingNumber::generate();
        let shown = tn.to_string();
        let mut chars: Vec<char> = shown.chars().collect();
        // Change the first symbol to another one: the check symbol catches it.
        chars[0] = if chars[0] == '7' { '8' } else { '7' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(from_subject(&format!("Re: {typo}")), None);
    }
}
