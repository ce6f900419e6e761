//! Who wrote a message, from the headers as real mail writes them.
//!
//! `mail-parser` reads RFC 5322 address lists well (quoted names with
//! commas and escapes, encoded-word names in UTF-8, ISO-8859-9 and
//! windows-1254, `addr (Comment Name)`, groups, lower-case header names).
//! What it cannot know is what broken mail meant, and that is common:
//!
//! - the whole value as ONE encoded word with the name and the address
//!   inside (`From: =?UTF-8?B?…?=` of `Ayşe Yılmaz <ayse@example.com>`):
//!   decoded, it is a display name holding an address and no address;
//! - a name without angle brackets (`Ayşe Yılmaz ayse@example.com`): an
//!   "address" with spaces in it;
//! - `mailto:` inside the brackets, a stray bracket or punctuation;
//! - a first entry that is no address (`undisclosed, Ayşe <a@b.tr>`).
//!
//! So every entry the parser found is read again here: an address that
//! does not look like one is searched for one, and a name holding an
//! address gives it up. When a header yields nothing, its raw value is
//! decoded (encoded words and all) and searched the same way. The first
//! usable address of `From` wins, then `Sender`, `Reply-To` and
//! `Return-Path` (RFC 5322 §3.6.2: who sent it on the author's behalf,
//! where answers should go, where the relay would bounce to).
//!
//! Nothing here allocates without bound or indexes unchecked: the fuzz
//! target feeds it arbitrary headers.

use mail_parser::{Addr, HeaderName, Message, parsers::MessageStream};

/// The longest address taken (RFC 5321's path limit, as the case service's).
const MAX_ADDRESS: usize = 254;

/// The sender of a message, as found.
#[derive(Clone, PartialEq, Eq)]
pub struct Sender {
    /// The address, as written (not case-folded).
    pub address: String,
    /// The display name, one line, if one was given.
    pub name: Option<String>,
    /// The header it came from.
    pub header: SenderHeader,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("header", &self.header)
            .field("named", &self.name.is_some())
            .finish_non_exhaustive()
    }
}

/// Which header named the sender; fixed codes, safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderHeader {
    From,
    Sender,
    ReplyTo,
    ReturnPath,
}

/// The sender: the first usable address of `From`, else of `Sender`,
/// `Reply-To` and `Return-Path`, in that order. The name is the one given
/// with that address, or else the name `From` gave without an address.
pub fn sender(message: &Message<'_>) -> Option<Sender> {
    let from = from_header(message, &HeaderName::From, "From");
    let found = from
        .as_ref()
        .and_then(|(a, n)| a.clone().map(|a| (a, n.clone(), SenderHeader::From)))
        .or_else(|| {
            [
                (HeaderName::Sender, "Sender", SenderHeader::Sender),
                (HeaderName::ReplyTo, "Reply-To", SenderHeader::ReplyTo),
            ]
            .into_iter()
            .find_map(|(h, raw, which)| {
                let (a, n) = from_header(message, &h, raw)?;
                Some((a?, n, which))
            })
        })
        .or_else(|| {
            let (a, n) = scan(&decoded_raw(message, "Return-Path")?)?;
            Some((a, n, SenderHeader::ReturnPath))
        })?;
    let (address, name, header) = found;
    let name = name.or_else(|| from.and_then(|(_, n)| n));
    Some(Sender {
        address,
        name,
        header,
    })
}

/// The first usable `Reply-To` address, if any.
pub fn reply_to(message: &Message<'_>) -> Option<String> {
    from_header(message, &HeaderName::ReplyTo, "Reply-To").and_then(|(a, _)| a)
}

/// The first usable address of header `name` (`raw` is its name as
/// written), with its name; `None` when the header is absent. A header
/// with only a name gives `(None, Some(name))`.
fn from_header(
    message: &Message<'_>,
    name: &HeaderName<'_>,
    raw: &str,
) -> Option<(Option<String>, Option<String>)> {
    let parsed = message.header(name.clone()).and_then(|v| v.as_address());
    let mut first_name = None;
    if let Some(list) = parsed {
        for addr in list.iter() {
            match read(addr) {
                (Some(a), n) => return Some((Some(a), n)),
                (None, Some(n)) if first_name.is_none() => first_name = Some(n),
                _ => {}
            }
        }
    }
    // Nothing usable in what the parser made of it: read the raw value.
    let text = decoded_raw(message, raw);
    if let Some((a, n)) = text.as_deref().and_then(scan) {
        return Some((Some(a), n.or(first_name)));
    }
    (parsed.is_some() || text.is_some()).then_some((None, first_name))
}

/// An entry as the parser gave it, read again: the address if usable (or
/// found inside what it gave), and the name.
fn read(addr: &Addr<'_>) -> (Option<String>, Option<String>) {
    let name = addr.name.as_deref().and_then(clean_name);
    if let Some(a) = addr.address.as_deref() {
        if let Some(a) = usable(a) {
            return (Some(a), name);
        }
        // "Ayşe Yılmaz ayse@example.com": the name went into the address.
        if let Some((a, n)) = scan(a) {
            return (Some(a), name.or(n));
        }
        // "From: Ayşe Yılmaz": a name alone, read as an address.
        if name.is_none() && !a.contains('@') {
            return (None, clean_name(a));
        }
    }
    // The whole value was one encoded word: the address is in the name.
    if let Some((a, n)) = addr.name.as_deref().and_then(scan) {
        return (Some(a), n);
    }
    (None, name)
}

/// The raw value of the first header `name` (case-insensitive), encoded
/// words decoded, on one line; `None` when absent or blank.
fn decoded_raw(message: &Message<'_>, name: &str) -> Option<String> {
    let h = message
        .headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))?;
    let bytes = message
        .raw_message()
        .get(h.offset_start() as usize..h.offset_end() as usize)?;
    let value = MessageStream::new(bytes).parse_unstructured();
    let text = value.as_text().map_or_else(
        || String::from_utf8_lossy(bytes).into_owned(),
        str::to_owned,
    );
    let text = super::text::single_line(&text);
    (!text.is_empty()).then_some(text)
}

/// Searches free text for an address and a name: `Name <addr>`, `addr
/// (Name)`, `Name addr`, with whatever punctuation broken mail adds. The
/// first address found wins; the name is what stands before it (or the
/// comment after it).
pub fn scan(text: &str) -> Option<(String, Option<String>)> {
    // Angle brackets first: what they hold is meant as the address.
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = rest.get(open + 1..).unwrap_or_default();
        let inside = after.split(['>', '<']).next().unwrap_or_default();
        if let Some(a) = usable(inside) {
            let before = text
                .get(..text.len() - rest.len() + open)
                .unwrap_or_default();
            let name = clean_name(before).or_else(|| comment_after(after));
            return Some((a, name));
        }
        rest = after;
    }
    // Else a word holding an '@'.
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| usable(w).is_some())?;
    let address = usable(words.get(at)?)?;
    let before = words.get(..at).unwrap_or_default().join(" ");
    let after = words.get(at + 1..).unwrap_or_default().join(" ");
    let name = clean_name(&before).or_else(|| comment_after(&after));
    Some((address, name))
}

/// `(Name)` right after an address, as in `ayse@example.com (Ayşe Yılmaz)`.
fn comment_after(text: &str) -> Option<String> {
    let t = text.trim_start_matches(['>', ' ', '\t']);
    let inner = t.strip_prefix('(')?;
    let end = inner.find(')')?;
    clean_name(inner.get(..end)?)
}

/// An address as written, if it can be one: `mailto:`, brackets, quotes and
/// trailing punctuation taken off; one `@` with a local part and a dotted
/// domain; no spaces, controls or address-list punctuation.
pub fn usable(raw: &str) -> Option<String> {
    let t = raw.trim().trim_matches(|c: char| {
        matches!(
            c,
            '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']' | ',' | ';' | ':'
        ) || c.is_whitespace()
    });
    let t = match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => t.get(7..).unwrap_or_default(),
        _ => t,
    };
    let t = t.trim_end_matches('.');
    if t.is_empty() || t.len() > MAX_ADDRESS {
        return None;
    }
    let (local, domain) = t.rsplit_once('@')?;
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\'
            )
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains('@')
        && !local.chars().any(bad)
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    ok.then(|| t.to_owned())
}

/// A display name fit to keep: one line, outer quotes and escapes taken
/// off; `None` when empty or when it is an address itself.
fn clean_name(raw: &str) -> Option<String> {
    let line = super::text::single_line(raw);
    let t = line
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'')
        .trim();
    let t = t.replace("\\\"", "\"").replace("\\\\", "\\");
    let t = t.trim();
    (!t.is_empty() && !t.contains('@') && t.chars().any(char::is_alphanumeric))
        .then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(headers: &str) -> Option<(String, Option<String>, SenderHeader)> {
        let raw = format!("{headers}\r\nSubject: x\r\n\r\nmetin\r\n");
        let m = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
        sender(&m).map(|s| (s.address, s.name, s.header))
    }

    fn from(value: &str) -> (String, Option<String>) {
        let (a, n, h) = of(&format!("From: {value}")).unwrap_or_else(|| panic!("{value}"));
        assert_eq!(h, SenderHeader::From, "{value}");
        (a, n)
    }

    fn named(a: &str, n: &str) -> (String, Option<String>) {
        (a.to_owned(), Some(n.to_owned()))
    }

    fn b64(s: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn a_whole_from_value_encoded_as_one_word_gives_its_name_and_address() {
        let whole = format!("=?UTF-8?B?{}?=", b64("Ayşe Yılmaz <ayse@example.com>"));
        assert_eq!(from(&whole), named("ayse@example.com", "Ayşe Yılmaz"));
        let q = "=?UTF-8?Q?Ay=C5=9Fe_Y=C4=B1lmaz_<ayse@example.com>?=";
        assert_eq!(from(q), named("ayse@example.com", "Ayşe Yılmaz"));
        // Outlook on a Turkish Windows: the same, in windows-1254 and ISO-8859-9.
        let w = "=?windows-1254?Q?G=FCl=FEen_K=FDl=FD=E7_<gulsen@example.com.tr>?=";
        assert_eq!(from(w), named("gulsen@example.com.tr", "Gülşen Kılıç"));
        let i = "=?ISO-8859-9?B?3WJyYWhpbSDWenT8cmsgPGlicmFoaW1AZXhhbXBsZS5jb20+?=";
        assert_eq!(from(i), named("ibrahim@example.com", "İbrahim Öztürk"));
        // Only the address inside: no name.
        let bare = format!("=?UTF-8?B?{}?=", b64("ayse@example.com"));
        assert_eq!(from(&bare), ("ayse@example.com".to_owned(), None));
    }

    #[test]
    fn every_common_form_of_from_gives_its_sender() {
        for (value, want) in [
            ("ayse@example.com", ("ayse@example.com", None)),
            ("<ayse@example.com>", ("ayse@example.com", None)),
            (
                "Ayşe <ayse@example.com>",
                ("ayse@example.com", Some("Ayşe")),
            ),
            (
                "\"Yılmaz, Ayşe\" <ayse@example.com>",
                ("ayse@example.com", Some("Yılmaz, Ayşe")),
            ),
            (
                "\"Ayşe \\\"Hanım\\\" Yılmaz\" <ayse@example.com>",
                ("ayse@example.com", Some("Ayşe \"Hanım\" Yılmaz")),
            ),
            (
                "=?ISO-8859-9?Q?=DDbrahim_=D6zt=FCrk?= <ibrahim@example.com>",
                ("ibrahim@example.com", Some("İbrahim Öztürk")),
            ),
            (
                "=?windows-1254?Q?G=FCl=FEen_K=FDl=FD=E7?= <gulsen@example.com>",
                ("gulsen@example.com", Some("Gülşen Kılıç")),
            ),
            (
                "=?utf-8?B?QXnFn2U=?= =?utf-8?B?IFnEsWxtYXo=?= <ayse@example.com>",
                ("ayse@example.com", Some("Ayşe Yılmaz")),
            ),
            (
                "ayse@example.com (Ayşe Yılmaz)",
                ("ayse@example.com", Some("Ayşe Yılmaz")),
            ),
            (
                "Ayşe Yılmaz ayse@example.com",
                ("ayse@example.com", Some("Ayşe Yılmaz")),
            ),
            (
                "undisclosed, Ayşe <ayse@example.com>, b@example.com",
                ("ayse@example.com", Some("Ayşe")),
            ),
            (
                "Vatandaşlar: Ayşe <ayse@example.com>, b@example.com;",
                ("ayse@example.com", Some("Ayşe")),
            ),
            (
                "Ayşe <mailto:ayse@example.com>",
                ("ayse@example.com", Some("Ayşe")),
            ),
            ("Ayşe <ayse@example.com", ("ayse@example.com", Some("Ayşe"))),
            (
                "Ayşe <ayse@Example.COM>",
                ("ayse@Example.COM", Some("Ayşe")),
            ),
            (
                "Ayşe Yılmaz <ayse@example.com> [gönderen doğrulanmadı]",
                (
                    "ayse@example.com",
                    Some("Ayşe Yılmaz [gönderen doğrulanmadı]"),
                ),
            ),
            ("ayse@example.com>>", ("ayse@example.com", None)),
        ] {
            let (a, n) = want;
            assert_eq!(from(value), (a.to_owned(), n.map(str::to_owned)), "{value}");
        }
    }

    #[test]
    fn lower_and_upper_case_header_names_are_the_same_header() {
        for h in ["from", "FROM", "fRoM"] {
            let (a, n, which) = of(&format!("{h}: Ayşe <ayse@example.com>")).unwrap();
            assert_eq!(
                (a.as_str(), n.as_deref()),
                ("ayse@example.com", Some("Ayşe"))
            );
            assert_eq!(which, SenderHeader::From);
        }
    }

    #[test]
    fn without_a_usable_from_the_sender_reply_to_and_return_path_are_asked_in_turn() {
        let (a, n, h) = of("From: Ayşe Yılmaz\r\nSender: kalem@example.gov.tr").unwrap();
        assert_eq!(
            (a.as_str(), n.as_deref(), h),
            (
                "kalem@example.gov.tr",
                Some("Ayşe Yılmaz"),
                SenderHeader::Sender
            ),
            "the name From gave stays"
        );
        let (a, _, h) =
            of("From: undisclosed-recipients:;\r\nReply-To: <yanit@example.com>").unwrap();
        assert_eq!(
            (a.as_str(), h),
            ("yanit@example.com", SenderHeader::ReplyTo)
        );
        let (a, _, h) =
            of("Return-Path: <ayse@example.com>\r\nFrom: =?UTF-8?B?QXnFn2U=?=").unwrap();
        assert_eq!(
            (a.as_str(), h),
            ("ayse@example.com", SenderHeader::ReturnPath)
        );
        assert_eq!(of("From: Ayşe Yılmaz"), None, "nobody to answer");
        assert_eq!(of("To: a@example.com"), None);
    }

    #[test]
    fn what_is_not_an_address_is_never_taken_for_one() {
        for bad in [
            "ayse",
            "@example.com",
            "ayse@",
            "ayse@localhost",
            "ayse@exa mple.com",
            "ay<se@example.com",
            "ayse@example..com",
            ".ayse@example.com",
            "ayse@-example.com",
            "a@b@c.com",
        ] {
            assert_eq!(usable(bad), None, "{bad}");
        }
        assert_eq!(
            usable(&format!("{}@example.com", "a".repeat(65))),
            None,
            "local part over 64"
        );
        assert_eq!(
            usable("çağrı@örnek.com.tr").as_deref(),
            Some("çağrı@örnek.com.tr")
        );
    }

    #[test]
    fn a_debug_print_shows_no_address_or_name() {
        let (a, n) = from("Ayşe <ayse@example.com>");
        let s = Sender {
            address: a,
            name: n,
            header: SenderHeader::From,
        };
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("ayse") && !shown.contains("Ayşe"),
            "{shown}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_header_value_is_read_without_a_panic(value in "\\PC{0,200}") {
            let _ = of(&format!("From: {value}\r\nSender: {value}\r\nReturn-Path: {value}"));
            let _ = scan(&value);
        }

        #[test]
        fn a_generated_name_and_address_come_back_from_a_whole_value_encoded_word(
            name in "[A-Za-zÇĞİÖŞÜçğıöşü]{1,12}( [A-Za-zÇĞİÖŞÜçğıöşü]{1,12}){0,2}",
            local in "[a-z0-9][a-z0-9._-]{0,15}[a-z0-9]",
            domain in "[a-z0-9]{1,10}\\.(com|gov|com\\.tr|net)",
        ) {
            let address = format!("{local}@{domain}");
            proptest::prop_assume!(!local.contains(".."));
            let whole = format!("=?UTF-8?B?{}?=", b64(&format!("{name} <{address}>")));
            proptest::prop_assert_eq!(from(&whole), (address, Some(name)));
        }
    }
}
