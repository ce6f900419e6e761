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

/// Whether `line` is Outlook's separator above a quoted message: a line of
/// underscores alone (Outlook writes 32; other clients 20 to 40).
fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 10 && t.chars().all(|c| c == '_')
}

/// Whether `line` starts a quoted header block, in the languages of the
/// mail programs Turkish citizens use.
fn is_header_start(line: &str) -> bool {
    let key = tekmerkez_turkish::loose_key(line);
    ["from:", "kimden:", "gonderen:", "von:", "de:"]
        .iter()
        .any(|h| key.starts_with(h))
}

/// The first non-blank line of `next` (within two), if any.
fn next_text<'a>(next: &[&'a str]) -> Option<&'a str> {
    next.iter().take(3).copied().find(|l| !l.trim().is_empty())
}

/// Whether `line` opens Outlook's quoted message: the separator with the
/// header block (`Kimden:`/`From:` …) right under it.
fn opens_outlook_quote(line: &str, next: &[&str]) -> bool {
    is_separator(line) && next_text(next).is_some_and(is_header_start)
}

/// Whether `line` is a reply's attribution line ("… wrote:", "… şunu
/// yazdı:"), also when a mail program wrapped it over two lines.
fn is_attribution(line: &str, next: &[&str]) -> bool {
    let says = |l: &str| {
        let key = tekmerkez_turkish::loose_key(l);
        let key = key.trim();
        key.ends_with("wrote:") || key.ends_with("yazdi:")
    };
    if says(line) {
        return true;
    }
    // iOS and Gmail wrap a long attribution: "On …, Name <" / "addr> wrote:".
    let key = tekmerkez_turkish::loose_key(line);
    let key = key.trim_start_matches(['>', ' ']);
    let starts = key.starts_with("on ") || key.contains("tarihinde");
    starts
        && next
            .first()
            .is_some_and(|n| says(n) && n.trim().chars().count() < 80)
}

/// Whether `line` opens the quoted earlier message of a reply, as the
/// common mail programs write it in Turkish and English.
fn opens_quote(line: &str, next: &[&str]) -> bool {
    if is_attribution(line, next) || opens_outlook_quote(line, next) {
        return true;
    }
    let key = tekmerkez_turkish::loose_key(line);
    let key = key.trim();
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
    // Outlook's header block without the separator: "From: …" then
    // "Sent: …" (or the Turkish "Kimden:"/"Gönderen:" then
    // "Gönderildi:"/"Tarih:").
    is_header_start(line)
        && next.iter().take(3).any(|l| {
            let k = tekmerkez_turkish::loose_key(l);
            ["sent:", "date:", "gonderildi:", "tarih:"]
                .iter()
                .any(|h| k.starts_with(h))
        })
}

/// `lines` up to the first line `opens` says starts the quoted part, with
/// every `>` line dropped when `drop_marked`; the body whole when nothing
/// would be left (a message that is all quote).
fn cut(body: &str, opens: fn(&str, &[&str]) -> bool, drop_marked: bool) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut kept = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if opens(line, lines.get(i + 1..).unwrap_or_default()) {
            break;
        }
        if drop_marked && line.trim_start().starts_with('>') {
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

/// A reply without the earlier messages it quotes: lines from the first
/// quote header on (an attribution line, Outlook's separator and header
/// block, an "Original Message" line), and every `>` line, are dropped.
/// When nothing would be left (a reply that is all quote), the body is kept
/// whole.
pub fn strip_quoted_reply(body: &str) -> String {
    cut(body, opens_quote, true)
}

/// A new application's text without the message Outlook quoted under its
/// separator and header block (a reply to some earlier mail). Only that
/// block: the text above it is the citizen's, and other quoting is left as
/// it is, since a new application has no case that holds the earlier mail.
pub fn strip_outlook_quote(body: &str) -> String {
    cut(body, opens_outlook_quote, false)
}

/// Whether `subject` is a forward's ("FW:", "Fwd:", Outlook's Turkish
/// "İLT:"): what it quotes is the application itself and is kept.
pub fn is_forward(subject: &str) -> bool {
    let key = tekmerkez_turkish::loose_key(subject);
    ["fw:", "fwd:", "ilt:", "iletilen:", "tr:"]
        .iter()
        .any(|p| key.trim_start().starts_with(p))
}

/// The signatures mail programs on phones and tablets add, as keys
/// ([`signature_key`]); matched whole.
const SIGNATURES: [&str; 24] = [
    "iphone'umdan gonderildi",
    "iphone'dan gonderildi",
    "ipad'imden gonderildi",
    "ipad'den gonderildi",
    "sent from my iphone",
    "sent from my ipad",
    "android icin outlook'u edinin",
    "ios icin outlook'u edinin",
    "get outlook for android",
    "get outlook for ios",
    "samsung galaxy akilli telefonumdan gonderildi",
    "sent from my samsung galaxy smartphone",
    "sent from mail for windows",
    "sent from mail for windows 10",
    "windows icin posta ile gonderildi",
    "windows 10 icin posta ile gonderildi",
    "yahoo mail: akilli telefonundan gonder",
    "sent from yahoo mail on android",
    "sent from yahoo mail for iphone",
    "android icin yahoo mail'den gonderildi",
    "sent from my android phone",
    "sent from my huawei phone",
    "sent from my blackberry",
    "mobil cihazimdan gonderildi",
];

/// A line as a signature key: lenient Turkish key, typographic apostrophes
/// made plain, a trailing link (`Get Outlook for Android<https://aka.ms/…>`)
/// and a final full stop dropped.
fn signature_key(line: &str) -> String {
    let line = line.replace(['\u{2019}', '\u{2018}', '`', '´'], "'");
    let line = match line.find('<') {
        Some(i) if line.trim_end().ends_with('>') => line.get(..i).unwrap_or_default().to_owned(),
        _ => line,
    };
    let key = tekmerkez_turkish::loose_key(&line);
    key.trim().trim_end_matches(['.', '!']).trim().to_owned()
}

/// Whether `line` is a mobile mail program's signature: one of
/// [`SIGNATURES`], or a short "Sent from my …" / "… telefonumdan
/// gönderildi" line of a device not listed.
fn is_signature(line: &str) -> bool {
    let key = signature_key(line);
    if key.is_empty() {
        return false;
    }
    let words = key.split_whitespace().count();
    SIGNATURES.contains(&key.as_str())
        || (words <= 6 && key.starts_with("sent from my "))
        || (words <= 6
            && (key.ends_with("telefonumdan gonderildi") || key.ends_with("cihazimdan gonderildi")))
}

/// The body without the signatures phones add at its end ("iPhone'umdan
/// gönderildi", "Sent from my iPhone", "Android için Outlook'u edinin" …)
/// and a `--` line right above one. Only at the end: the same words inside
/// the text are the citizen's and stay.
pub fn strip_signature(body: &str) -> String {
    let mut lines: Vec<&str> = body.lines().collect();
    loop {
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        if !lines.last().is_some_and(|l| is_signature(l)) {
            break;
        }
        lines.pop();
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        if lines
            .last()
            .is_some_and(|l| matches!(l.trim(), "--" | "-- "))
        {
            lines.pop();
        }
    }
    clean(&lines.join("\n"))
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
    fn outlooks_separator_and_header_block_go_with_everything_under_them() {
        let tr = "Sayaç fotoğrafını ekledim.\n\nGülşen Kılıç\n\n________________________________\n\
                  Kimden: Kocaeli İSU Alo 185 <bildirim@tekmerkez.local>\n\
                  Gönderildi: 3 Mart 2026 Salı 10:15\nKime: Gülşen Kılıç <g@ornek.net.tr>\n\
                  Bilgi: destek@ornek.gov.tr\nKonu: Başvurunuz alındı [7K3QD-2M9XS]\n\n\
                  Sayın Gülşen Kılıç,\nBaşvurunuz alınmıştır.";
        assert_eq!(
            strip_quoted_reply(tr),
            "Sayaç fotoğrafını ekledim.\n\nGülşen Kılıç"
        );
        let en = "Still no water.\r\n________________________________\nFrom: Kocaeli ISU <b@t.local>\n\
                  Sent: Tuesday, March 3, 2026 10:15 AM\nTo: Can <c@o.tr>\nCc: x@y.tr\n\
                  Subject: Your application\n\nDear Can,";
        assert_eq!(strip_quoted_reply(&clean(en)), "Still no water.");
        // A new application (a reply to some earlier mail) loses the block too.
        assert_eq!(
            strip_outlook_quote(tr),
            "Sayaç fotoğrafını ekledim.\n\nGülşen Kılıç"
        );
        // A line of underscores without a header block under it is text.
        let ruled = "Tablo:\n____________________\nSayaç no: 123";
        assert_eq!(strip_outlook_quote(ruled), ruled);
        assert_eq!(strip_quoted_reply(ruled), ruled);
    }

    #[test]
    fn an_attribution_wrapped_over_two_lines_still_opens_the_quote() {
        let ios = "Tamam.\n\nOn 3 Mar 2026, at 10:15, Kocaeli ISU Alo 185 <\nbildirim@tekmerkez.local> wrote:\n\n> Dear";
        assert_eq!(strip_quoted_reply(ios), "Tamam.");
        let tr = "Tamam.\n3 Mar 2026 tarihinde 10:15 saatinde, Kocaeli İSU <\nbildirim@x.tr> şunu yazdı:\n> Sayın";
        assert_eq!(strip_quoted_reply(tr), "Tamam.");
    }

    #[test]
    fn mobile_signatures_at_the_end_are_dropped_and_nowhere_else() {
        for sig in [
            "iPhone'umdan gönderildi",
            "iPhone’dan gönderildi",
            "IPHONE'UMDAN GÖNDERİLDİ",
            "Sent from my iPhone",
            "Sent from my iPad",
            "Android için Outlook'u edinin<https://aka.ms/AAb9ysg>",
            "iOS için Outlook'u edinin",
            "Get Outlook for Android<https://aka.ms/ghei36>",
            "Get Outlook for iOS",
            "Samsung Galaxy akıllı telefonumdan gönderildi.",
            "Sent from my Samsung Galaxy smartphone.",
            "Sent from Mail for Windows",
            "Windows için Posta ile gönderildi",
            "Yahoo Mail: Akıllı telefonundan gönder",
            "Sent from Yahoo Mail on Android",
            "Redmi telefonumdan gönderildi",
            "Sent from my Xiaomi",
        ] {
            let body = format!("Su yok.\n\n{sig}\n\n");
            assert_eq!(strip_signature(&body), "Su yok.", "{sig}");
            let delimited = format!("Su yok.\n-- \n{sig}");
            assert_eq!(strip_signature(&delimited), "Su yok.", "{sig} after --");
        }
        // In the middle it is the citizen's text.
        let middle = "Sent from my iPhone\nyazdığım mesaj iletilmedi, tekrar yazıyorum: su yok.";
        assert_eq!(strip_signature(middle), middle);
        let sentence = "Bu e-postayı iPhone'umdan gönderildi diye silmeyin; su hâlâ yok.";
        assert_eq!(strip_signature(sentence), sentence);
        // A long sentence ending like a signature is not one.
        let long = "Dün sabah sekizde yolladığım dilekçe eşimin telefonumdan gönderildi";
        assert_eq!(strip_signature(long), long);
        // Two signatures, one under the other.
        assert_eq!(
            strip_signature("Su yok.\n\nSent from my iPhone\nGet Outlook for iOS"),
            "Su yok."
        );
        assert_eq!(
            strip_signature("Sent from my iPhone"),
            "",
            "a photo-only mail"
        );
    }

    #[test]
    fn forwards_are_told_from_replies_by_their_subject() {
        for f in ["FW: Su kesintisi", "Fwd: x", "İLT: Şikayet", "ilt: x"] {
            assert!(is_forward(f), "{f}");
        }
        for r in ["YNT: Su kesintisi", "Re: x", "Su kesintisi", ""] {
            assert!(!is_forward(r), "{r}");
        }
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
