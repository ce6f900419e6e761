//! Each district's neighbourhoods (mahalle), from `data/neighbourhoods.json`
//! (generated with the provinces, see `data/README.md`). 73 300 names,
//! parsed on first use, separately from the provinces, so a process that
//! never asks for a neighbourhood never parses them.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::IgnoredAny;
use tekmerkez_turkish::{compare, loose_key};

const NEIGHBOURHOODS_JSON: &str = include_str!("../data/neighbourhoods.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[expect(
        dead_code,
        reason = "recorded for readers of the file; the provinces' copy is served"
    )]
    source: IgnoredAny,
    provinces: Vec<ProvinceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceEntry {
    code: u8,
    districts: Vec<DistrictEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictEntry {
    name: String,
    neighbourhoods: Vec<String>,
}

/// One district's neighbourhoods and their look-up keys.
struct District {
    names: Vec<String>,
    /// [`loose_key`] of each whole name → index.
    whole: HashMap<String, usize>,
    /// The same without the kind ("Mah", "Köyü") and the bracketed part:
    /// what a citizen types ("akarca" for "Akarca Mah"). First name wins.
    bare: HashMap<String, usize>,
}

/// (plate code, the district's loose key) → its neighbourhoods.
static DISTRICTS: LazyLock<HashMap<(u8, String), District>> = LazyLock::new(load);

#[expect(
    clippy::expect_used,
    reason = "the data is embedded at compile time and checked by this crate's tests"
)]
fn load() -> HashMap<(u8, String), District> {
    let document: Document = serde_json::from_str(NEIGHBOURHOODS_JSON)
        .expect("embedded data/neighbourhoods.json is valid");
    let mut out = HashMap::new();
    for province in document.provinces {
        for district in province.districts {
            // The file is in ICU's Turkish order, which places punctuation
            // ("Yeni Mah -taşbaşı…", "Yeni Mah (…") differently from the
            // house collation every list uses.
            let mut names = district.neighbourhoods;
            names.sort_by(|a, b| compare(a, b));
            let mut d = District {
                names,
                whole: HashMap::new(),
                bare: HashMap::new(),
            };
            for (i, name) in d.names.iter().enumerate() {
                let key = loose_key(name);
                d.bare.entry(bare(&key).to_owned()).or_insert(i);
                d.whole.insert(key, i);
            }
            out.insert((province.code, loose_key(&district.name)), d);
        }
    }
    out
}

/// The kind words a name or a citizen may end with, as loose keys.
const KINDS: [&str; 7] = ["mahallesi", "mah.", "mah", "mh.", "mh", "koyu", "koy"];

/// `key` without a bracketed tail (`"x mah (y koyu)"`) and a final kind word.
fn bare(key: &str) -> &str {
    let key = key
        .split_once(" (")
        .map_or(key, |(head, _)| head)
        .trim_end();
    KINDS
        .iter()
        .find_map(|kind| key.strip_suffix(kind).and_then(|k| k.strip_suffix(' ')))
        .unwrap_or(key)
}

fn district(code: u8, district: &str) -> Option<&'static District> {
    DISTRICTS.get(&(code, loose_key(district)))
}

/// The neighbourhoods of district `name` of province `code`, in Turkish
/// alphabetical order ([`compare`]); empty for an unknown district.
pub(crate) fn of(code: u8, name: &str) -> &'static [String] {
    district(code, name).map_or(&[], |d| d.names.as_slice())
}

/// A neighbourhood of district `name` of province `code` by what was
/// typed: its whole name or its name alone, in any case, with or without
/// Turkish letters and the kind word.
pub(crate) fn find(code: u8, name: &str, input: &str) -> Option<&'static str> {
    let d = district(code, name)?;
    let key = loose_key(input);
    d.whole
        .get(&key)
        .or_else(|| d.bare.get(bare(&key)))
        .and_then(|i| d.names.get(*i))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_word_and_the_bracket_are_not_part_of_the_bare_name() {
        assert_eq!(bare("akarca mah"), "akarca");
        assert_eq!(bare("ataturk mah (osb mah)"), "ataturk");
        assert_eq!(bare("yenikoy koyu"), "yenikoy");
        assert_eq!(
            bare("kocakoy"),
            "kocakoy",
            "a name ending in koy is not cut"
        );
        assert_eq!(bare("merkez"), "merkez");
    }
}
