//! A page as a test reads it: its title, language, headings, error
//! messages and form fields as a typed [`Page`], parsed from the HTML with
//! CSS selectors (the `scraper` crate) rather than searched as text. The
//! HTTP tests parse a response body ([`Page::parse`]); the browser tests
//! get the page Chromium shows (`browser::Session::page`).
//!
//! Checks of wording stay checks of text; checks of structure (which field
//! holds what, which element says it, whether a form is there) use this.

use scraper::{ElementRef, Html, Selector};

/// One form control: `<input>`, `<select>` or `<textarea>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its `id`, or empty.
    pub id: String,
    /// Its `name` (what the form sends), or empty.
    pub name: String,
    /// `input`'s `type` (`text` when absent), or `select` / `textarea`.
    pub kind: String,
    /// What it holds: the `value`, the text of a `<textarea>`, the selected
    /// option's value of a `<select>` (the first option's if none is).
    pub value: String,
    /// Whether a checkbox or radio button is ticked.
    pub checked: bool,
    /// Its accessible name: the `<label for>` text, else the enclosing
    /// label's, else `aria-label`.
    pub label: String,
    /// Marked `aria-invalid="true"` (refused, with its message in `errors`).
    pub invalid: bool,
}

/// A page, parsed.
#[derive(Debug, Clone)]
pub struct Page {
    /// `<title>`.
    pub title: String,
    /// `<html lang>`.
    pub lang: String,
    /// The text of every `h1`–`h3`, in page order.
    pub headings: Vec<String>,
    /// The error messages (`.hata`: the alert above a form, the message
    /// under each refused field), in page order.
    pub errors: Vec<String>,
    /// Every form control, in page order.
    pub fields: Vec<Field>,
    /// The text of the body, whitespace collapsed. From the browser it is
    /// what a person sees (hidden parts left out).
    pub text: String,
    /// The markup, for selectors the fields above do not cover.
    pub html: String,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"))
}

/// An element's text with runs of whitespace collapsed to one space.
pub fn text_of(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn field(doc: &Html, e: ElementRef<'_>) -> Field {
    let v = e.value();
    let attr = |a: &str| v.attr(a).unwrap_or_default().to_owned();
    let id = attr("id");
    let kind = match v.name() {
        "input" => v.attr("type").unwrap_or("text").to_owned(),
        other => other.to_owned(),
    };
    let value = match v.name() {
        "textarea" => e.text().collect(),
        "select" => {
            let options: Vec<ElementRef<'_>> = e.select(&selector("option")).collect();
            options
                .iter()
                .find(|o| o.value().attr("selected").is_some())
                .or(options.first())
                .map(|o| {
                    o.value()
                        .attr("value")
                        .map_or_else(|| text_of(*o), str::to_owned)
                })
                .unwrap_or_default()
        }
        _ => attr("value"),
    };
    let by_for = (!id.is_empty())
        .then(|| {
            doc.select(&selector(&format!("label[for=\"{id}\"]")))
                .next()
                .map(text_of)
        })
        .flatten();
    let enclosing = || {
        e.ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "label")
            .map(text_of)
    };
    Field {
        name: attr("name"),
        kind,
        value,
        checked: v.attr("checked").is_some(),
        label: by_for
            .or_else(enclosing)
            .unwrap_or_else(|| attr("aria-label")),
        invalid: v.attr("aria-invalid") == Some("true"),
        id,
    }
}

impl Page {
    /// Parses a whole document.
    pub fn parse(html: &str) -> Self {
        let doc = Html::parse_document(html);
        let texts = |css: &str| doc.select(&selector(css)).map(text_of).collect::<Vec<_>>();
        Self {
            title: texts("title").into_iter().next().unwrap_or_default(),
            lang: doc
                .root_element()
                .attr("lang")
                .unwrap_or_default()
                .to_owned(),
            headings: texts("h1, h2, h3"),
            errors: texts(".hata"),
            fields: doc
                .select(&selector("input, select, textarea"))
                .map(|e| field(&doc, e))
                .collect(),
            text: texts("body").join(" "),
            html: html.to_owned(),
        }
    }

    /// The text of every element matching the CSS `css`, in page order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        Html::parse_document(&self.html)
            .select(&selector(css))
            .map(text_of)
            .collect()
    }

    /// The text of the one element matching `css`.
    ///
    /// # Panics
    /// When none or several match.
    pub fn text_in(&self, css: &str) -> String {
        match self.texts(css).as_slice() {
            [one] => one.clone(),
            other => panic!("{} elements {css}, not one: {other:?}", other.len()),
        }
    }

    /// The attribute `attr` of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        Html::parse_document(&self.html)
            .select(&selector(css))
            .filter_map(|e| e.attr(attr).map(str::to_owned))
            .collect()
    }

    /// Whether any element matches `css`.
    pub fn has(&self, css: &str) -> bool {
        Html::parse_document(&self.html)
            .select(&selector(css))
            .next()
            .is_some()
    }

    /// The fields the form sends as `name`, in page order.
    pub fn named(&self, name: &str) -> Vec<&Field> {
        self.fields.iter().filter(|f| f.name == name).collect()
    }

    /// The value of the first field named `name` (such as a form's hidden
    /// `csrf`).
    ///
    /// # Panics
    /// When the page has no such field.
    pub fn value(&self, name: &str) -> String {
        self.named(name)
            .first()
            .unwrap_or_else(|| panic!("no field {name} on the page: {}", self.text))
            .value
            .clone()
    }

    /// The value of the `<option>` whose text starts with `label`.
    ///
    /// # Panics
    /// When no option does.
    pub fn option(&self, label: &str) -> String {
        Html::parse_document(&self.html)
            .select(&selector("option"))
            .find(|o| text_of(*o).starts_with(label))
            .and_then(|o| o.attr("value").map(str::to_owned))
            .unwrap_or_else(|| panic!("no option {label}"))
    }

    /// The `href` of the one link (or the `action` of the one form) matching
    /// `css`.
    ///
    /// # Panics
    /// When none or several match.
    pub fn target(&self, css: &str) -> String {
        let found: Vec<String> = Html::parse_document(&self.html)
            .select(&selector(css))
            .filter_map(|e| {
                e.attr("href")
                    .or_else(|| e.attr("action"))
                    .map(str::to_owned)
            })
            .collect();
        match found.as_slice() {
            [one] => one.clone(),
            other => panic!("{} links or forms {css}, not one: {other:?}", other.len()),
        }
    }
}
