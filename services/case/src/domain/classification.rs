//! Classification on the wire: the application type and source between the
//! shared domain values (`tekmerkez_types::classification`) and the common
//! protobuf enums, and the partner fields of a new case. The unspecified
//! proto value is "not given": the caller's default applies (`talep`,
//! direct), an unknown number is refused at the edge.

use tekmerkez_proto::common_v1 as common;
pub use tekmerkez_types::classification::{ApplicationSource, ApplicationType};

use super::fields::Violations;

/// The protobuf value of a type.
pub fn type_to_proto(t: ApplicationType) -> common::ApplicationType {
    use common::ApplicationType as P;
    match t {
        ApplicationType::Talep => P::Talep,
        ApplicationType::Sikayet => P::Sikayet,
        ApplicationType::Oneri => P::Oneri,
        ApplicationType::Ihbar => P::Ihbar,
        ApplicationType::BilgiEdinme => P::BilgiEdinme,
        ApplicationType::Tesekkur => P::Tesekkur,
    }
}

/// The type of a protobuf number: `Ok(None)` when unspecified, `Err(())`
/// when the number is no type.
#[expect(clippy::result_unit_err, reason = "the caller names the field")]
pub fn type_from_proto(n: i32) -> Result<Option<ApplicationType>, ()> {
    use common::ApplicationType as P;
    Ok(Some(match P::try_from(n).map_err(|_| ())? {
        P::Unspecified => return Ok(None),
        P::Talep => ApplicationType::Talep,
        P::Sikayet => ApplicationType::Sikayet,
        P::Oneri => ApplicationType::Oneri,
        P::Ihbar => ApplicationType::Ihbar,
        P::BilgiEdinme => ApplicationType::BilgiEdinme,
        P::Tesekkur => ApplicationType::Tesekkur,
    }))
}

/// The protobuf value of a source.
pub fn source_to_proto(s: ApplicationSource) -> common::ApplicationSource {
    use common::ApplicationSource as P;
    match s {
        ApplicationSource::Direct => P::Direct,
        ApplicationSource::Cimer => P::Cimer,
        ApplicationSource::AcikKapi => P::AcikKapi,
        ApplicationSource::OtherBody => P::OtherBody,
    }
}

/// The source of a protobuf number: `Ok(None)` when unspecified.
#[expect(clippy::result_unit_err, reason = "the caller names the field")]
pub fn source_from_proto(n: i32) -> Result<Option<ApplicationSource>, ()> {
    use common::ApplicationSource as P;
    Ok(Some(match P::try_from(n).map_err(|_| ())? {
        P::Unspecified => return Ok(None),
        P::Direct => ApplicationSource::Direct,
        P::Cimer => ApplicationSource::Cimer,
        P::AcikKapi => ApplicationSource::AcikKapi,
        P::OtherBody => ApplicationSource::OtherBody,
    }))
}

/// Longest partner id kept.
pub const MAX_PARTNER_ID: usize = 100;
/// Longest partner reference kept.
pub const MAX_PARTNER_REFERENCE: usize = 200;

/// A partner field: trimmed, printable, at most `max` characters; blank is none.
fn partner_field(
    v: &mut Violations,
    field: &str,
    raw: &str,
    max: usize,
    rule: &'static str,
) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        v.add(field, rule);
        return None;
    }
    Some(t.to_owned())
}

/// The classification of a new case from its request fields, collecting
/// violations into `v`: the type (default `talep`), the source (default
/// direct), and the partner with its reference, given together or not at
/// all.
pub fn parse_new(
    v: &mut Violations,
    application_type: i32,
    source: i32,
    partner_id: &str,
    partner_reference: &str,
) -> (
    ApplicationType,
    ApplicationSource,
    Option<String>,
    Option<String>,
) {
    let t = type_from_proto(application_type).unwrap_or_else(|()| {
        v.add("application_type", "must be a known application type");
        None
    });
    let s = source_from_proto(source).unwrap_or_else(|()| {
        v.add("source", "must be a known application source");
        None
    });
    let id = partner_field(
        v,
        "partner_id",
        partner_id,
        MAX_PARTNER_ID,
        "must be at most 100 printable characters",
    );
    let reference = partner_field(
        v,
        "partner_reference",
        partner_reference,
        MAX_PARTNER_REFERENCE,
        "must be at most 200 printable characters",
    );
    match (&id, &reference) {
        (Some(_), None) if partner_reference.trim().is_empty() => {
            v.add("partner_reference", "is required with partner_id");
        }
        (None, Some(_)) if partner_id.trim().is_empty() => {
            v.add("partner_id", "is required with partner_reference");
        }
        _ => {}
    }
    (
        t.unwrap_or(ApplicationType::Talep),
        s.unwrap_or(ApplicationSource::Direct),
        id,
        reference,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_and_source_round_trips_through_the_wire() {
        for t in ApplicationType::ALL {
            assert_eq!(type_from_proto(type_to_proto(t) as i32), Ok(Some(t)));
        }
        for s in ApplicationSource::ALL {
            assert_eq!(source_from_proto(source_to_proto(s) as i32), Ok(Some(s)));
        }
        assert_eq!(type_from_proto(0), Ok(None));
        assert_eq!(type_from_proto(99), Err(()));
        assert_eq!(source_from_proto(-1), Err(()));
    }

    #[test]
    fn a_new_case_defaults_to_a_direct_request_and_refuses_half_a_partner() {
        let mut v = Violations::new();
        let got = parse_new(&mut v, 0, 0, "", "");
        assert_eq!(
            got,
            (
                ApplicationType::Talep,
                ApplicationSource::Direct,
                None,
                None
            )
        );
        assert!(v.clone().into_result().is_ok());

        let mut v = Violations::new();
        parse_new(&mut v, 42, 9, "cimer", "");
        let fields: Vec<String> = v
            .clone()
            .into_result()
            .unwrap_err()
            .iter()
            .map(|e| e.field.clone())
            .collect();
        for f in ["application_type", "source", "partner_reference"] {
            assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
        }

        let mut v = Violations::new();
        let got = parse_new(&mut v, 5, 2, " cimer ", " 2026-123 ");
        assert_eq!(
            got,
            (
                ApplicationType::BilgiEdinme,
                ApplicationSource::Cimer,
                Some("cimer".into()),
                Some("2026-123".into())
            )
        );
    }
}

/// Why a case was closed: admin-editable data. A code never changes and a
/// reason is never deleted, only made inactive, so a closed case always
/// finds its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureReason {
    /// `a-z`, `0-9`, `_`.
    pub code: String,
    pub label_tr: String,
    pub label_en: String,
    /// Whether new closes may choose it.
    pub active: bool,
    /// Its place in the lists, smallest first.
    pub position: u32,
    /// Optimistic-concurrency version, from 1.
    pub version: i64,
    /// The admin of the last change; `None` for the seeded reasons.
    pub updated_by: Option<uuid::Uuid>,
    pub updated_at: jiff::Timestamp,
}

/// Longest label.
pub const MAX_REASON_LABEL: usize = 100;
/// Largest position.
pub const MAX_REASON_POSITION: u32 = 9_999;

/// A reason's editable fields, checked: labels (1 to 100 characters) and
/// position (0 to 9 999), collecting violations into `v`.
pub fn parse_reason_fields(
    v: &mut Violations,
    label_tr: &str,
    label_en: &str,
    position: u32,
) -> Option<(String, String, u32)> {
    let tr = v.check(super::text::parse_text(
        "label_tr",
        label_tr,
        MAX_REASON_LABEL,
    ));
    let en = v.check(super::text::parse_text(
        "label_en",
        label_en,
        MAX_REASON_LABEL,
    ));
    if position > MAX_REASON_POSITION {
        v.add("position", "must be at most 9999");
        return None;
    }
    Some((tr?, en?, position))
}

/// The closes no person makes, each with its default closure reason (a
/// deadline policy value: [`super::deadline::AutomaticReasons`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutomaticClose {
    /// An information-only application, resolved when it is recorded.
    InformationOnly,
    /// A case closed with the incident it belongs to.
    IncidentClosed,
    /// A case closed by a field team's confirmation of the work.
    FieldWorkConfirmed,
}

impl AutomaticClose {
    /// Every kind.
    pub const ALL: [Self; 3] = [
        Self::InformationOnly,
        Self::IncidentClosed,
        Self::FieldWorkConfirmed,
    ];

    /// The policy field stating its reason (the field-level errors name it).
    pub const fn field(self) -> &'static str {
        match self {
            Self::InformationOnly => "information_only_reason",
            Self::IncidentClosed => "incident_closed_reason",
            Self::FieldWorkConfirmed => "field_work_confirmed_reason",
        }
    }
}
