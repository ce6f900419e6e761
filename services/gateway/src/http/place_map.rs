//! Where a record is about, on the record page, and an incident's areas, on
//! the incident page.
//!
//! A record's place is a line of text — "İl / İlçe / Mahalle, 40.7654,
//! 29.9408" — and, when the application came with a point, a small map:
//!
//! - with `gateway.map.tile_url` set (a slippy-map tile server,
//!   `https://tile.example.org/{z}/{x}/{y}.png`), the 3×3 tiles around the
//!   point at a fixed zoom, cropped to a window centred on it, with a pin on
//!   the exact point. The tiles are `<image>` elements of an inline SVG:
//!   the pages' CSP allows no inline style, so HTML `<img>` elements could
//!   not be placed over each other, while SVG positions by attributes. The
//!   browser fetches the tiles from that host, which the CSP then allows
//!   (`img-src`, [`MapSettings::csp`]); the gateway itself calls nobody.
//! - without it (development, tests), an inline SVG that needs no network:
//!   a plain grid with the pin, the place and the coordinates written on it.
//!
//! An incident's areas are names from the reference data (districts and
//! neighbourhoods, no boundaries, no coordinates), so the incident page
//! lists them and draws no map rather than inventing a point.

use std::fmt::{self, Write as _};
use tekmerkez_types::text::escape_html as escape;

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};

use crate::{config::MapSettings, i18n::place_map::PlaceMapTexts};

/// The size of a slippy-map tile, in pixels.
const TILE: f64 = 256.0;
/// The map window: wide and low, to sit in a definition list.
const WIDTH: f64 = 512.0;
const HEIGHT: f64 = 320.0;

/// A point's place on the slippy-map tile grid at one zoom: the tile it is
/// on and where on that tile, in pixels from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TilePoint {
    pub zoom: u8,
    pub x: u32,
    pub y: u32,
    /// Pixels from the tile's left edge, 0 ≤ px < 256.
    pub px: f64,
    /// Pixels from the tile's top edge, 0 ≤ py < 256.
    pub py: f64,
}

/// Where `latitude`, `longitude` (WGS 84 degrees) falls on the tile grid of
/// `zoom` (Web Mercator, as OpenStreetMap's tiles are cut). Latitudes past
/// Mercator's ±85.0511° are clamped to the grid's edge.
pub fn tile_point(latitude: f64, longitude: f64, zoom: u8) -> TilePoint {
    let n = f64::from(1u32 << zoom.min(30));
    let lon = longitude.clamp(-180.0, 180.0);
    let lat = latitude.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = ((lon + 180.0) / 360.0 * n).clamp(0.0, n - 1e-9);
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
        .clamp(0.0, n - 1e-9);
    let (tx, ty) = (x.floor(), y.floor());
    TilePoint {
        zoom,
        // In range by the clamps above: 0 ≤ tx < n ≤ 2^30.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 ≤ x < 2^30"
        )]
        x: tx as u32,
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 ≤ y < 2^30"
        )]
        y: ty as u32,
        px: (x - tx) * TILE,
        py: (y - ty) * TILE,
    }
}

/// The address of one tile: `{z}`, `{x}`, `{y}` of the template filled in.
pub fn tile_address(template: &str, zoom: u8, x: u32, y: u32) -> String {
    template
        .replace("{z}", &zoom.to_string())
        .replace("{x}", &x.to_string())
        .replace("{y}", &y.to_string())
}

/// "İl / İlçe / Mahalle" of a location, the parts it has.
pub fn place_words(location: &common::Location) -> String {
    let province = u8::try_from(location.province_code)
        .ok()
        .and_then(tekmerkez_geo::province_by_code)
        .map(|p| p.name().to_owned())
        .unwrap_or_default();
    [
        province.as_str(),
        location.district.as_str(),
        location.neighbourhood.as_str(),
    ]
    .into_iter()
    .map(str::trim)
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(" / ")
}

/// A coordinate as the page writes it: four decimals (about 10 m).
fn degrees(v: f64) -> String {
    format!("{v:.4}")
}

/// The record page's place: the line of text and, with a point, the map.
/// Renders as HTML (askama writes it unescaped: it escapes what it holds).
#[derive(Debug, Clone)]
pub struct PlaceSection {
    html: String,
}

impl fmt::Display for PlaceSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.html)
    }
}

impl askama::filters::HtmlSafe for PlaceSection {}

impl PlaceSection {
    /// The place of `location` as `settings` draw it, in `t`'s words.
    pub fn of(
        location: Option<&common::Location>,
        settings: &MapSettings,
        t: &PlaceMapTexts,
    ) -> Self {
        let Some(location) = location else {
            return Self {
                html: String::new(),
            };
        };
        let words = place_words(location);
        let point = location
            .coordinates
            .as_ref()
            .map(|c| (c.latitude, c.longitude))
            .filter(|(lat, lon)| lat.is_finite() && lon.is_finite());
        let mut line = words.clone();
        if let Some((lat, lon)) = point {
            if !line.is_empty() {
                line.push_str(", ");
            }
            let _ = write!(line, "{}, {}", degrees(lat), degrees(lon));
        }
        let mut html = format!(
            r#"<span class="yer-metni" id="yer-metni">{}</span>"#,
            escape(&line)
        );
        if let Some((lat, lon)) = point {
            let map = if settings.tile_url.trim().is_empty() {
                offline_svg(&words, lat, lon, t)
            } else {
                tile_svg(settings, &words, lat, lon, t)
            };
            let _ = write!(
                html,
                r#"<figure class="harita" id="yer-haritasi">{map}<figcaption><a href="geo:{la},{lo}">{open}</a>{credit}</figcaption></figure>"#,
                la = degrees(lat),
                lo = degrees(lon),
                open = escape(t.open_in_app),
                credit = if settings.tile_url.trim().is_empty()
                    || settings.attribution.trim().is_empty()
                {
                    String::new()
                } else {
                    format!(
                        r#" <small class="harita-kaynak">{}</small>"#,
                        escape(settings.attribution.trim())
                    )
                },
            );
        }
        Self { html }
    }
}

/// The pin: its tip on (`x`, `y`).
fn pin(x: f64, y: f64) -> String {
    format!(
        r##"<g class="harita-igne" transform="translate({x:.1} {y:.1})"><path d="M0 0 C-4 -10 -12 -14 -12 -22 A12 12 0 1 1 12 -22 C12 -14 4 -10 0 0 Z" fill="#c62828" stroke="#ffffff" stroke-width="2"/><circle cx="0" cy="-22" r="4.5" fill="#ffffff"/></g>"##
    )
}

/// The tiles around the point, cropped to the window, with the pin.
fn tile_svg(settings: &MapSettings, words: &str, lat: f64, lon: f64, t: &PlaceMapTexts) -> String {
    let p = tile_point(lat, lon, settings.zoom);
    let n = 1i64 << p.zoom;
    // The 3×3 block's top-left is the origin: the point's tile is the
    // middle one, so a window of 512×320 around the point stays inside it.
    let (cx, cy) = (TILE + p.px, TILE + p.py);
    let label = format!(
        "{}: {words} ({}, {})",
        t.map_label,
        degrees(lat),
        degrees(lon)
    );
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="harita-svg" role="img" aria-labelledby="harita-baslik" width="{WIDTH}" height="{HEIGHT}" viewBox="{:.1} {:.1} {WIDTH} {HEIGHT}"><title id="harita-baslik">{}</title>"#,
        cx - WIDTH / 2.0,
        cy - HEIGHT / 2.0,
        escape(&label),
    );
    for row in 0..3i64 {
        let ty = i64::from(p.y) + row - 1;
        if !(0..n).contains(&ty) {
            continue;
        }
        for col in 0..3i64 {
            // The world wraps east–west.
            let tx = (i64::from(p.x) + col - 1).rem_euclid(n);
            let (Ok(tx), Ok(ty)) = (u32::try_from(tx), u32::try_from(ty)) else {
                continue;
            };
            let _ = write!(
                svg,
                r#"<image class="harita-karo" href="{}" x="{}" y="{}" width="256" height="256"/>"#,
                escape(&tile_address(settings.tile_url.trim(), p.zoom, tx, ty)),
                col * 256,
                row * 256,
            );
        }
    }
    svg.push_str(&pin(cx, cy));
    svg.push_str("</svg>");
    svg
}

/// A map that needs nothing from the network: a grid, the pin in the
/// middle, and the place and its coordinates written on it.
fn offline_svg(words: &str, lat: f64, lon: f64, t: &PlaceMapTexts) -> String {
    let (w, h) = (WIDTH, 200.0);
    let coordinates = format!("{}, {}", degrees(lat), degrees(lon));
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="harita-svg harita-cevrimdisi" role="img" aria-labelledby="harita-baslik" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title id="harita-baslik">{}</title><rect width="{w}" height="{h}" fill="#eef2ee" stroke="#9aa59a"/>"##,
        escape(&format!("{}: {words} ({coordinates})", t.map_label)),
    );
    let mut x = 32.0;
    while x < w {
        let _ = write!(
            svg,
            r##"<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="#d3dbd3"/>"##
        );
        x += 32.0;
    }
    let mut y = 20.0;
    while y < h {
        let _ = write!(
            svg,
            r##"<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="#d3dbd3"/>"##
        );
        y += 32.0;
    }
    svg.push_str(&pin(w / 2.0, h / 2.0 + 10.0));
    let _ = write!(
        svg,
        r##"<text x="12" y="{}" font-size="14" fill="#1b1b1b">{}</text><text x="12" y="{}" font-size="14" font-family="monospace" fill="#1b1b1b">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555555">{}</text></svg>"##,
        h - 34.0,
        escape(words),
        h - 14.0,
        escape(&coordinates),
        w - 10.0,
        18.0,
        escape(t.no_tiles),
    );
    svg
}

/// The incident page's areas: each district, whole or with its
/// neighbourhoods, one a line. No map: the reference data names areas, it
/// does not draw them.
#[derive(Debug, Clone)]
pub struct AreaList {
    html: String,
}

impl fmt::Display for AreaList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.html)
    }
}

impl askama::filters::HtmlSafe for AreaList {}

impl AreaList {
    /// The areas of an incident, its districts by name as the reference
    /// data spells them (the province is the incident's).
    pub fn of(areas: &[pb::IncidentArea], t: &PlaceMapTexts) -> Self {
        let mut html = String::from(r#"<ul class="alanlar" id="olay-alanlari">"#);
        for a in areas {
            let district = escape(&a.district);
            if a.neighbourhoods.is_empty() {
                let _ = write!(
                    html,
                    "<li><strong>{district}</strong> — {}</li>",
                    escape(t.whole_district)
                );
            } else {
                let names = a
                    .neighbourhoods
                    .iter()
                    .map(|n| escape(n))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = write!(html, "<li><strong>{district}</strong>: {names}</li>");
            }
        }
        let _ = write!(
            html,
            r#"</ul><p class="ipucu" id="olay-alan-notu">{}</p>"#,
            escape(t.areas_no_map)
        );
        Self { html }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::place_map::{EN, TR};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn the_tile_of_a_point_is_the_slippy_map_tile() {
        // The origin at zoom 1 is the corner of the four tiles.
        let p = tile_point(0.0, 0.0, 1);
        assert_eq!((p.x, p.y), (1, 1));
        assert!(close(p.px, 0.0) && close(p.py, 0.0), "{p:?}");
        // At zoom 0 the one tile holds the world, the origin in its middle.
        let p = tile_point(0.0, 0.0, 0);
        assert_eq!((p.x, p.y, p.px, p.py), (0, 0, 128.0, 128.0));
        // OpenStreetMap wiki's worked values (Slippy map tilenames).
        assert_eq!(
            {
                let p = tile_point(51.507_222, -0.127_5, 10);
                (p.x, p.y)
            },
            (511, 340),
            "London"
        );
        let p = tile_point(40.7654, 29.9408, 16);
        assert_eq!((p.x, p.y), (38218, 24627), "İzmit");
        assert!((p.px - 142.413).abs() < 1e-3, "{p:?}");
        assert!((p.py - 163.782).abs() < 1e-3, "{p:?}");
    }

    #[test]
    fn the_grid_edges_hold_the_world_corners() {
        let nw = tile_point(85.06, -180.0, 4);
        assert_eq!((nw.x, nw.y), (0, 0));
        let se = tile_point(-85.06, 180.0, 4);
        assert_eq!((se.x, se.y), (15, 15), "clamped onto the last tile");
        assert!(se.px < 256.0 && se.py < 256.0);
    }

    #[test]
    fn a_tile_address_fills_the_template() {
        assert_eq!(
            tile_address("https://tile.example.org/{z}/{x}/{y}.png", 16, 38218, 24627),
            "https://tile.example.org/16/38218/24627.png"
        );
    }

    fn izmit() -> common::Location {
        common::Location {
            province_code: 41,
            district: "İzmit".into(),
            coordinates: Some(common::Coordinates {
                latitude: 40.7654,
                longitude: 29.9408,
            }),
            neighbourhood: "Fevzi Çakmak Mah".into(),
        }
    }

    #[test]
    fn without_a_tile_server_the_map_is_an_svg_needing_no_network() {
        let html = PlaceSection::of(Some(&izmit()), &MapSettings::default(), &TR).to_string();
        assert!(
            html.contains("Kocaeli / İzmit / Fevzi Çakmak Mah, 40.7654, 29.9408"),
            "{html}"
        );
        assert!(html.contains("<svg"), "{html}");
        assert!(!html.contains("<image") && !html.contains("<img"), "{html}");
        // The only URLs are the SVG namespace and the device's map app.
        let without_ns = html.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !without_ns.contains("http:")
                && !without_ns.contains("https:")
                && !without_ns.contains("//"),
            "{html}"
        );
        assert!(html.contains("geo:40.7654,29.9408"));
        let en = PlaceSection::of(Some(&izmit()), &MapSettings::default(), &EN).to_string();
        assert!(en.contains(EN.no_tiles), "{en}");
    }

    #[test]
    fn with_a_tile_server_the_tiles_around_the_point_carry_the_pin() {
        let s = MapSettings {
            tile_url: "http://127.0.0.1:9/{z}/{x}/{y}.png".into(),
            zoom: 16,
            attribution: "© OpenStreetMap".into(),
        };
        let html = PlaceSection::of(Some(&izmit()), &s, &TR).to_string();
        for (x, y) in [(38217, 24626), (38218, 24627), (38219, 24628)] {
            assert!(
                html.contains(&format!(r#"href="http://127.0.0.1:9/16/{x}/{y}.png""#)),
                "{x}/{y}: {html}"
            );
        }
        assert_eq!(html.matches("<image").count(), 9);
        // The window is centred on the point: middle tile + offset ± half.
        assert!(html.contains(r#"viewBox="142.4 259.8 512 320""#), "{html}");
        assert!(html.contains(r#"translate(398.4 419.8)"#), "{html}");
        assert!(html.contains("© OpenStreetMap"));
    }

    #[test]
    fn without_a_point_there_is_the_place_text_and_no_map() {
        let mut l = izmit();
        l.coordinates = None;
        let html = PlaceSection::of(Some(&l), &MapSettings::default(), &TR).to_string();
        assert!(
            html.contains(">Kocaeli / İzmit / Fevzi Çakmak Mah<"),
            "{html}"
        );
        assert!(!html.contains("<svg"));
        assert_eq!(
            PlaceSection::of(None, &MapSettings::default(), &TR).to_string(),
            ""
        );
    }

    #[derive(askama::Template)]
    #[template(source = "<dd>{{ place }}</dd><dd>{{ areas }}</dd>", ext = "html")]
    struct Page {
        place: PlaceSection,
        areas: AreaList,
    }

    #[test]
    fn a_template_writes_the_sections_as_html() {
        use askama::Template as _;
        let html = Page {
            place: PlaceSection::of(Some(&izmit()), &MapSettings::default(), &TR),
            areas: AreaList::of(&[], &TR),
        }
        .render()
        .unwrap();
        assert!(html.contains("<dd><span class=\"yer-metni\""), "{html}");
        assert!(
            html.contains("<svg") && html.contains("<ul class=\"alanlar\""),
            "{html}"
        );
    }

    #[test]
    fn names_are_escaped() {
        let mut l = izmit();
        l.neighbourhood = "<script>\"x\"".into();
        let html = PlaceSection::of(Some(&l), &MapSettings::default(), &TR).to_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;&quot;x&quot;"));
    }

    #[test]
    fn an_incidents_areas_are_listed_without_a_map() {
        let areas = vec![
            pb::IncidentArea {
                district: "İzmit".into(),
                neighbourhoods: vec!["Fevzi Çakmak Mah".into(), "Yenişehir Mah".into()],
            },
            pb::IncidentArea {
                district: "Gebze".into(),
                neighbourhoods: vec![],
            },
        ];
        let html = AreaList::of(&areas, &TR).to_string();
        assert!(
            html.contains("<li><strong>İzmit</strong>: Fevzi Çakmak Mah, Yenişehir Mah</li>"),
            "{html}"
        );
        assert!(html.contains(&format!(
            "<li><strong>Gebze</strong> — {}</li>",
            TR.whole_district
        )));
        assert!(!html.contains("<svg") && !html.contains("<image"));
    }
}
