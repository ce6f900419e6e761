//! The two wire formats of GeoReport v2 from one document tree ([`Node`]):
//! XML as the specification shows it (a declaration naming UTF-8, a root
//! such as `<services>` holding one element per item, empty values as empty
//! elements) and JSON by the specification's Spark convention (the root's
//! items as an array, empty values as `null`). Text is escaped for XML and
//! kept as UTF-8, so Turkish letters pass unchanged. [`read_xml`] reads such
//! a document back (the tests, and clients written against this crate).

use std::fmt::Write as _;

/// The format a path's suffix asked for (`services.json`, `requests/X.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: `application/json; charset=utf-8`.
    Json,
    /// `.xml`: `text/xml; charset=utf-8`.
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and its format.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (name, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    /// The `Content-Type` of an answer in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// One value of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text; `None` is an empty element (`null` in JSON).
    Text(Option<String>),
    /// A whole number.
    Int(i64),
    /// A decimal number (coordinates).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// Named children, in order.
    Object(Vec<(&'static str, Node)>),
    /// Items, each an element named by the first field in XML.
    List(&'static str, Vec<Node>),
}

impl Node {
    /// Text that is never empty.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(Some(s.into()))
    }

    /// Text, empty when blank.
    pub fn opt(s: Option<impl Into<String>>) -> Self {
        Self::Text(s.map(Into::into).filter(|s: &String| !s.trim().is_empty()))
    }

    /// The document in `format`, its root element named `root` in XML.
    pub fn render(&self, root: &str, format: Format) -> String {
        match format {
            Format::Json => self.to_json().to_string(),
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
                write_xml(&mut out, root, self);
                out.push('\n');
                out
            }
        }
    }

    /// The JSON value (Spark convention: a list is an array of its items).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Text(t) => t.clone().map_or(Value::Null, Value::String),
            Self::Int(i) => Value::from(*i),
            Self::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Self::Bool(b) => Value::Bool(*b),
            Self::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
            Self::List(_, items) => Value::Array(items.iter().map(Self::to_json).collect()),
        }
    }
}

fn write_xml(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Text(None) => {
            let _ = write!(out, "<{name}/>");
        }
        Node::Text(Some(t)) => {
            let _ = write!(out, "<{name}>{}</{name}>", escape(t));
        }
        Node::Int(i) => {
            let _ = write!(out, "<{name}>{i}</{name}>");
        }
        Node::Float(f) => {
            let _ = write!(out, "<{name}>{f}</{name}>");
        }
        Node::Bool(b) => {
            let _ = write!(out, "<{name}>{b}</{name}>");
        }
        Node::Object(fields) => {
            let _ = write!(out, "<{name}>");
            for (k, v) in fields {
                write_xml(out, k, v);
            }
            let _ = write!(out, "</{name}>");
        }
        Node::List(item, items) => {
            let _ = write!(out, "<{name}>");
            for v in items {
                write_xml(out, item, v);
            }
            let _ = write!(out, "</{name}>");
        }
    }
}

/// XML-escapes text; characters XML 1.0 cannot carry (control characters
/// other than tab and line breaks) are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// One element read back by [`read_xml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Its name.
    pub name: String,
    /// Its text (unescaped, trimmed), for a leaf.
    pub text: String,
    /// Its child elements, in order.
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name` (empty when absent).
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }

    /// The element's shape: its name and its children's shapes, sorted and
    /// without repeats (a list's items share one shape).
    pub fn shape(&self) -> String {
        let mut kids: Vec<String> = self.children.iter().map(Element::shape).collect();
        kids.sort();
        kids.dedup();
        if kids.is_empty() {
            self.name.clone()
        } else {
            format!("{}({})", self.name, kids.join(","))
        }
    }
}

/// Reads a document of elements and text, as GeoReport v2 uses (no
/// attributes beyond the declaration's, no CDATA, no DTD).
///
/// # Errors
/// Where the document is not such XML.
pub fn read_xml(doc: &str) -> Result<Element, String> {
    let mut rest = doc.trim_start_matches('\u{feff}').trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        let end = after.find("?>").ok_or("unterminated declaration")?;
        rest = after[end + 2..].trim_start();
    }
    let (el, tail) = element(rest)?;
    if !tail.trim().is_empty() {
        return Err("content after the root element".into());
    }
    Ok(el)
}

fn element(s: &str) -> Result<(Element, &str), String> {
    let s = s.strip_prefix('<').ok_or("expected an element")?;
    let end = s.find('>').ok_or("unterminated tag")?;
    let tag = &s[..end];
    let mut rest = &s[end + 1..];
    if let Some(name) = tag.strip_suffix('/') {
        let name = name.trim().to_owned();
        return Ok((
            Element {
                name,
                text: String::new(),
                children: vec![],
            },
            rest,
        ));
    }
    let name = tag.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("unsupported tag <{tag}>"));
    }
    let mut text = String::new();
    let mut children = Vec::new();
    loop {
        let lt = rest
            .find('<')
            .ok_or_else(|| format!("<{name}> is not closed"))?;
        text.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("</") {
            let close = after.find('>').ok_or("unterminated closing tag")?;
            if after[..close].trim() != name {
                return Err(format!("<{name}> closed by </{}>", &after[..close]));
            }
            rest = &after[close + 1..];
            break;
        }
        let (child, tail) = element(rest)?;
        children.push(child);
        rest = tail;
    }
    Ok((
        Element {
            name: name.to_owned(),
            text: unescape(text.trim())?,
            children,
        },
        rest,
    ))
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or("unterminated entity")?;
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e => {
                let n = if let Some(h) = e.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).ok()
                } else {
                    e.strip_prefix('#').and_then(|d| d.parse().ok())
                };
                n.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{e};"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_text_and_markup_survive_a_round_trip() {
        let text = "İçme suyu <kesik> & \"basınç\" düşük; 'ĞÜŞİÖÇ ğüşıöç'";
        let doc = Node::List(
            "request",
            vec![Node::Object(vec![
                ("description", Node::text(text)),
                ("status_notes", Node::Text(None)),
                ("lat", Node::Float(40.7654)),
            ])],
        );
        let xml = doc.render("service_requests", Format::Xml);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(
            xml.contains("&lt;kesik&gt; &amp; &quot;basınç&quot;"),
            "{xml}"
        );
        let back = read_xml(&xml).unwrap();
        let req = back.child("request").unwrap();
        assert_eq!(req.text_of("description"), text);
        assert_eq!(req.text_of("status_notes"), "");
        assert_eq!(req.text_of("lat"), "40.7654");
        let json: serde_json::Value =
            serde_json::from_str(&doc.render("service_requests", Format::Json)).unwrap();
        assert_eq!(json[0]["description"], text);
        assert!(json[0]["status_notes"].is_null());
    }

    #[test]
    fn control_characters_are_dropped_not_written() {
        assert_eq!(escape("a\u{1}b\u{8}c\nd"), "abc\nd");
    }

    #[test]
    fn the_format_is_the_suffix() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("7K2QF-9M3XA.xml"),
            Some(("7K2QF-9M3XA", Format::Xml))
        );
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(Format::split(".json"), None);
        assert_eq!(Format::split("services"), None);
    }
}
