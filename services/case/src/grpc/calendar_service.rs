//! `tekmerkez.case.v1.CalendarService`: the working-day calendar's days,
//! an admin's changes, and its history. Thin handlers over
//! [`crate::app::calendar`]; a change's permission is checked before its
//! fields, so a non-admin learns nothing from the validation.

use tekmerkez_proto::case_v1::{self as pb, calendar_service_server::CalendarService};
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{CaseApp, calendar::NamedRevision, events::to_proto_ts},
    domain::{
        fields::Violations,
        working_calendar::{self as wc, DayKind, SpecialDay},
    },
};

/// The gRPC face of the calendar operations.
#[derive(Debug, Clone)]
pub struct CalendarGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl CalendarGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

type R<T> = Result<Response<T>, Status>;

/// A special day on the wire.
pub fn day_to_proto(d: &SpecialDay) -> pb::CalendarDay {
    pb::CalendarDay {
        date: d.date.to_string(),
        kind: d.kind.to_proto() as i32,
        name_tr: d.name_tr.clone(),
        name_en: d.name_en.clone(),
        estimated: d.estimated,
    }
}

fn revision_to_proto(r: &NamedRevision) -> pb::CalendarRevision {
    let rev = &r.revision;
    pb::CalendarRevision {
        revision: rev.revision,
        changed_at: Some(to_proto_ts(rev.changed_at)),
        changed_by: rev.changed_by.map(|u| u.to_string()).unwrap_or_default(),
        changed_by_display_name: r.changed_by_display_name.clone(),
        change: rev.change.to_proto() as i32,
        year: i32::from(rev.year),
        day: rev.day.as_ref().map(day_to_proto),
        previous: rev.previous.as_ref().map(day_to_proto),
        day_count: i32::try_from(rev.day_count).unwrap_or(i32::MAX),
        reason: rev.reason.clone().unwrap_or_default(),
    }
}

/// Parses the day of PutCalendarDay, every field's violation collected.
fn parse_day(v: &mut Violations, raw: Option<&pb::CalendarDay>) -> Option<SpecialDay> {
    let Some(raw) = raw else {
        v.add("day", "is required");
        return None;
    };
    let date = v.check(wc::parse_date("day.date", &raw.date));
    let kind = DayKind::from_proto(raw.kind);
    if kind.is_none() {
        v.add(
            "day.kind",
            "must be HOLIDAY, HALF_DAY or ADMINISTRATIVE_LEAVE",
        );
    }
    let name_tr = v.check(wc::parse_name("day.name_tr", &raw.name_tr));
    let name_en = v.check(wc::parse_name("day.name_en", &raw.name_en));
    Some(SpecialDay {
        date: date?,
        kind: kind?,
        name_tr: name_tr?,
        name_en: name_en?,
        estimated: false,
    })
}

#[tonic::async_trait]
impl CalendarService for CalendarGrpc {
    async fn list_calendar_days(
        &self,
        req: Request<pb::ListCalendarDaysRequest>,
    ) -> R<pb::ListCalendarDaysResponse> {
        let caller = self.callers.resolve(&req).await?;
        let year = wc::parse_year("year", req.get_ref().year).map_err(Violations::from);
        let year = year.map_err(crate::app::error::CaseError::from)?;
        let (days, version) = self.app.list_calendar_days(&caller, year).await?;
        Ok(Response::new(pb::ListCalendarDaysResponse {
            days: days.iter().map(day_to_proto).collect(),
            version,
        }))
    }

    async fn put_calendar_day(
        &self,
        req: Request<pb::PutCalendarDayRequest>,
    ) -> R<pb::PutCalendarDayResponse> {
        let caller = self.callers.resolve(&req).await?;
        crate::app::calendar::may_change(&caller)?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let day = parse_day(&mut v, r.day.as_ref());
        let expected = v.check(wc::parse_version("expected_version", r.expected_version));
        let reason = v.check(wc::parse_reason("reason", &r.reason));
        convert::finish(v)?;
        let (Some(day), Some(expected), Some(reason)) = (day, expected, reason) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let (day, version, _) = self
            .app
            .put_calendar_day(&caller, day, expected, reason)
            .await?;
        Ok(Response::new(pb::PutCalendarDayResponse {
            day: Some(day_to_proto(&day)),
            version,
        }))
    }

    async fn remove_calendar_day(
        &self,
        req: Request<pb::RemoveCalendarDayRequest>,
    ) -> R<pb::RemoveCalendarDayResponse> {
        let caller = self.callers.resolve(&req).await?;
        crate::app::calendar::may_change(&caller)?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let date = v.check(wc::parse_date("date", &r.date));
        let expected = v.check(wc::parse_version("expected_version", r.expected_version));
        let reason = v.check(wc::parse_reason("reason", &r.reason));
        convert::finish(v)?;
        let (Some(date), Some(expected), Some(reason)) = (date, expected, reason) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let version = self
            .app
            .remove_calendar_day(&caller, date, expected, reason)
            .await?;
        Ok(Response::new(pb::RemoveCalendarDayResponse { version }))
    }

    async fn confirm_calendar_year(
        &self,
        req: Request<pb::ConfirmCalendarYearRequest>,
    ) -> R<pb::ConfirmCalendarYearResponse> {
        let caller = self.callers.resolve(&req).await?;
        crate::app::calendar::may_change(&caller)?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let year = v.check(wc::parse_year("year", r.year));
        let expected = v.check(wc::parse_version("expected_version", r.expected_version));
        let reason = v.check(wc::parse_reason("reason", &r.reason));
        convert::finish(v)?;
        let (Some(year), Some(expected), Some(reason)) = (year, expected, reason) else {
            return Err(Status::invalid_argument("invalid request"));
        };
        let (version, confirmed) = self
            .app
            .confirm_calendar_year(&caller, year, expected, reason)
            .await?;
        Ok(Response::new(pb::ConfirmCalendarYearResponse {
            version,
            confirmed_days: i32::try_from(confirmed).unwrap_or(i32::MAX),
        }))
    }

    async fn list_calendar_revisions(
        &self,
        req: Request<pb::ListCalendarRevisionsRequest>,
    ) -> R<pb::ListCalendarRevisionsResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let year = match r.year {
            0 => None,
            y => v.check(wc::parse_year("year", y)),
        };
        if r.limit < 0 {
            v.add("limit", "must not be negative");
        }
        convert::finish(v)?;
        let limit = u32::try_from(r.limit).unwrap_or(0);
        let revisions = self
            .app
            .list_calendar_revisions(&caller, year, limit)
            .await?;
        Ok(Response::new(pb::ListCalendarRevisionsResponse {
            revisions: revisions.iter().map(revision_to_proto).collect(),
        }))
    }
}
