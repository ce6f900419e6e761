//! The search box on every agent page and its results (*Ara*).

/// Every text of the search, in one language.
#[derive(Debug)]
pub struct SearchTexts {
    pub label: &'static str,
    pub placeholder: &'static str,
    pub button: &'static str,
    pub title: &'static str,
    /// "«{q}» için {n} kayıt".
    pub count: &'static str,
    pub none: &'static str,
    pub empty_query: &'static str,
    pub unavailable: &'static str,
    pub matched: &'static str,
    /// By `tekmerkez.case.v1.SearchMatch` number.
    pub matches: [&'static str; 7],
    pub hint: &'static str,
}

pub const TR: SearchTexts = SearchTexts {
    label: "Kayıt ara",
    placeholder: "Takip no, telefon, e-posta, ad ya da metin",
    button: "Ara",
    title: "Arama",
    count: "«{q}» için {n} kayıt",
    none: "Bu aramayla eşleşen, görebileceğiniz bir kayıt yok.",
    empty_query: "Aramak için bir şey yazın.",
    unavailable: "Arama şu an yapılamadı; biraz sonra yeniden deneyin.",
    matched: "Eşleşen",
    matches: [
        "",
        "Takip numarası",
        "Telefon",
        "E-posta",
        "Kurum referansı",
        "Metin",
        "Benzer yazım",
    ],
    hint: "Türkçe harfsiz yazılanlar da bulunur (isik → ışık); ekler dikkate alınmaz (borular → boru); yazım hatası olan sözcüklerin benzerleri de aranır (borru → boru). Yalnız görebileceğiniz kayıtlar listelenir.",
};

pub const EN: SearchTexts = SearchTexts {
    label: "Search records",
    placeholder: "Tracking no, phone, e-mail, name or text",
    button: "Search",
    title: "Search",
    count: "{n} records for “{q}”",
    none: "No record you may see matches this search.",
    empty_query: "Type something to search for.",
    unavailable: "The search could not be run just now; try again shortly.",
    matched: "Matched",
    matches: [
        "",
        "Tracking number",
        "Phone",
        "E-mail",
        "Partner reference",
        "Text",
        "Similar spelling",
    ],
    hint: "Words typed without Turkish letters are found (isik → ışık), suffixes are ignored (borular → boru), and misspelt words find the words they are close to (borru → boru). Only records you may see are listed.",
};
