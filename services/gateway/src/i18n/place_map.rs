//! The words of a record's place and its map, and of an incident's areas
//! (`http::place_map`).

/// The place's texts in one language.
#[derive(Debug)]
pub struct PlaceMapTexts {
    /// What the map is, for screen readers: "Başvurunun yeri".
    pub map_label: &'static str,
    /// The link that opens the point in the device's map application.
    pub open_in_app: &'static str,
    /// On the map drawn without a tile server.
    pub no_tiles: &'static str,
    /// A district named whole in an incident's areas.
    pub whole_district: &'static str,
    /// Under an incident's areas: why there is no map.
    pub areas_no_map: &'static str,
}

pub const TR: PlaceMapTexts = PlaceMapTexts {
    map_label: "Başvurunun yeri",
    open_in_app: "Harita uygulamasında aç",
    no_tiles: "Harita altlığı ayarlanmamış",
    whole_district: "ilçenin tamamı",
    areas_no_map: "Etkilenen yerler ad olarak bilinir (ilçe ve mahalle); sınırları olmadığı için harita gösterilmez.",
};

pub const EN: PlaceMapTexts = PlaceMapTexts {
    map_label: "Where the application is about",
    open_in_app: "Open in a map app",
    no_tiles: "No map tiles configured",
    whole_district: "the whole district",
    areas_no_map: "The affected places are known by name (district and neighbourhood); without their boundaries no map is shown.",
};
