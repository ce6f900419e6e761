//! The call centre's figures: the consumer of `intake.calls.v1` (one
//! `CallCompleted` per call the CTI reported ended) counts calls offered,
//! answered, abandoned, served by the IVR alone and transferred, by
//! Istanbul day, hour of the offer and queue; `CallReportService` answers
//! them for a period. These are seed 002's "calls answered" and "IVR
//! self-service" lines. The same topic carries an `IvrSelfService` for each
//! outage question the IVR answered by itself (`POST /v1/cti/outages`),
//! counted as `ivr_self_service` by the hour of the answer; the
//! `event-type` header says which message a payload is. Each event is
//! applied once (its event id in `report_processed_events`, in the rollup's
//! transaction), so a CTI retry, a repeated question in one call or a
//! redelivery counts nothing twice.

use std::collections::BTreeMap;

use jiff::{Timestamp, civil::Date};
use prost::Message as _;
use tekmerkez_bus::{Envelope, consumer::HandleError, headers};
use tekmerkez_proto::intake_v1 as ipb;
use tekmerkez_sqlpool::on_pool;

use crate::{
    fact::{date_of, day_number},
    query::Granularity,
    store::{ReportStore, StoreError},
};

/// The topic the call figures come from.
pub const CALLS_TOPIC: &str = "intake.calls.v1";

/// One call's contribution, or a sum of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CallCounts {
    /// Calls offered.
    pub offered: i64,
    /// Answered by an agent.
    pub answered: i64,
    /// Hung up waiting.
    pub abandoned: i64,
    /// Served by the IVR alone.
    pub ivr_completed: i64,
    /// Sent elsewhere.
    pub transferred: i64,
    /// Seconds of the timed answered calls.
    pub answered_seconds: i64,
    /// Answered calls that said how long they lasted.
    pub answered_timed: i64,
    /// Outage questions the IVR answered by itself (one per call).
    pub ivr_self_service: i64,
}

impl CallCounts {
    fn add(&mut self, o: &CallCounts) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.ivr_completed += o.ivr_completed;
        self.transferred += o.transferred;
        self.answered_seconds += o.answered_seconds;
        self.answered_timed += o.answered_timed;
        self.ivr_self_service += o.ivr_self_service;
    }
}

/// Where a call is counted: its offer's Istanbul day and hour, its queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallKey {
    /// Istanbul day number.
    pub day: i32,
    /// Istanbul hour of the day, 0 to 23.
    pub hour: i32,
    /// The queue ("" when the CTI named none).
    pub queue: String,
}

/// What one call event counts, and where; `None` for an event that does
/// not read (no event id, no time).
pub fn contribution(c: &ipb::CallCompleted) -> Option<(CallKey, CallCounts)> {
    let at: Timestamp = c.offered_at.parse().or_else(|_| c.ended_at.parse()).ok()?;
    let local = at.to_zoned(tekmerkez_workdays::istanbul().clone());
    let key = CallKey {
        day: day_number(local.date()),
        hour: i32::from(local.hour()),
        queue: c.queue.clone(),
    };
    let mut n = CallCounts {
        offered: 1,
        ..CallCounts::default()
    };
    match ipb::CallDisposition::try_from(c.disposition) {
        Ok(ipb::CallDisposition::Answered) => {
            n.answered = 1;
            if let Some(s) = c.duration_seconds {
                n.answered_seconds = i64::from(s);
                n.answered_timed = 1;
            }
        }
        Ok(ipb::CallDisposition::Abandoned) => n.abandoned = 1,
        Ok(ipb::CallDisposition::IvrCompleted) => n.ivr_completed = 1,
        Ok(ipb::CallDisposition::Transferred) => n.transferred = 1,
        // Offered, and nothing more known.
        Ok(ipb::CallDisposition::Unspecified) | Err(_) => {}
    }
    Some((key, n))
}

/// The `event-type` header of a finished call.
pub const CALL_EVENT_TYPE: &str = "tekmerkez.intake.v1.CallCompleted";
/// The `event-type` header of an IVR self-service answer.
pub const IVR_SELF_SERVICE_EVENT_TYPE: &str = "tekmerkez.intake.v1.IvrSelfService";

/// What one IVR self-service answer counts, and where: the Istanbul day
/// and hour of the answer, the call's queue; `None` without a time.
pub fn self_service_contribution(s: &ipb::IvrSelfService) -> Option<(CallKey, CallCounts)> {
    let at: Timestamp = s.answered_at.parse().ok()?;
    let local = at.to_zoned(tekmerkez_workdays::istanbul().clone());
    Some((
        CallKey {
            day: day_number(local.date()),
            hour: i32::from(local.hour()),
            queue: s.queue.clone(),
        },
        CallCounts {
            ivr_self_service: 1,
            ..CallCounts::default()
        },
    ))
}

const UPSERT_CALLS: &str = "INSERT INTO report_calls (day, hour, queue, offered, answered, \
    abandoned, ivr_completed, transferred, answered_seconds, answered_timed, ivr_self_service) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (day, hour, queue) DO UPDATE SET \
    offered = report_calls.offered + excluded.offered, \
    answered = report_calls.answered + excluded.answered, \
    abandoned = report_calls.abandoned + excluded.abandoned, \
    ivr_completed = report_calls.ivr_completed + excluded.ivr_completed, \
    transferred = report_calls.transferred + excluded.transferred, \
    answered_seconds = report_calls.answered_seconds + excluded.answered_seconds, \
    answered_timed = report_calls.answered_timed + excluded.answered_timed, \
    ivr_self_service = report_calls.ivr_self_service + excluded.ivr_self_service";

/// One stored row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRow {
    /// Istanbul day number.
    pub day: i32,
    /// Hour, 0 to 23.
    pub hour: i32,
    /// Queue.
    pub queue: String,
    /// The counts.
    #[sqlx(flatten)]
    pub counts: CallCounts,
}

impl ReportStore {
    /// Counts call event `event_id` once; whether it was new.
    ///
    /// # Errors
    /// Database failures.
    pub async fn apply_call(
        &self,
        event_id: &str,
        now_secs: i64,
        key: &CallKey,
        n: &CallCounts,
    ) -> Result<bool, StoreError> {
        on_pool!(self.pool(), |p| {
            let mut tx = p.begin().await?;
            let fresh = sqlx::query(
                "INSERT INTO report_processed_events (event_id, processed_at) VALUES ($1, $2) \
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(now_secs)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !fresh {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(UPSERT_CALLS)
                .bind(i64::from(key.day))
                .bind(i64::from(key.hour))
                .bind(&key.queue)
                .bind(n.offered)
                .bind(n.answered)
                .bind(n.abandoned)
                .bind(n.ivr_completed)
                .bind(n.transferred)
                .bind(n.answered_seconds)
                .bind(n.answered_timed)
                .bind(n.ivr_self_service)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The call rows from day `from` to day `to`.
    ///
    /// # Errors
    /// Database failures.
    pub async fn call_rows(&self, from: i32, to: i32) -> Result<Vec<CallRow>, StoreError> {
        Ok(on_pool!(self.pool(), |p| {
            sqlx::query_as(
            "SELECT day, hour, queue, offered, answered, abandoned, ivr_completed, transferred, \
             answered_seconds, answered_timed, ivr_self_service FROM report_calls WHERE day >= $1 AND day <= $2"
        )
        .bind(i64::from(from))
        .bind(i64::from(to))
        .fetch_all(p)
        .await?
        }))
    }
}

/// What a call summary is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallDim {
    /// The queue.
    Queue,
    /// The hour of the day ("00" to "23").
    Hour,
}

/// A call summary's rows (period start, keys) → counts, and the totals.
pub type CallSummary = (
    BTreeMap<(Option<Date>, Vec<String>), CallCounts>,
    CallCounts,
);

/// Sums `rows` by period and the keys of `by`.
pub fn summarise(
    rows: &[CallRow],
    by: &[CallDim],
    granularity: Option<Granularity>,
) -> CallSummary {
    let mut out: BTreeMap<(Option<Date>, Vec<String>), CallCounts> = BTreeMap::new();
    let mut totals = CallCounts::default();
    for r in rows {
        let period = granularity.map(|g| g.start_of(date_of(r.day)));
        let keys = by
            .iter()
            .map(|d| match d {
                CallDim::Queue => r.queue.clone(),
                CallDim::Hour => format!("{:02}", r.hour),
            })
            .collect();
        out.entry((period, keys)).or_default().add(&r.counts);
        totals.add(&r.counts);
    }
    (out, totals)
}

/// Applies call events to the call figures.
#[derive(Debug, Clone)]
pub struct CallHandler {
    store: ReportStore,
}

impl CallHandler {
    /// A handler writing to `store`.
    pub fn new(store: ReportStore) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl tekmerkez_bus::consumer::Handler for CallHandler {
    async fn handle(&self, envelope: &Envelope) -> Result<(), HandleError> {
        let decode = |e: prost::DecodeError| HandleError::Permanent {
            kind: "decode",
            source: e.into(),
        };
        let (event_id, counted) = match envelope.header(headers::EVENT_TYPE) {
            Some(IVR_SELF_SERVICE_EVENT_TYPE) => {
                let s = ipb::IvrSelfService::decode(envelope.payload.clone()).map_err(decode)?;
                let counted = self_service_contribution(&s);
                (s.event_id, counted)
            }
            // Messages from before the header was read are finished calls.
            Some(CALL_EVENT_TYPE) | None => {
                let c = ipb::CallCompleted::decode(envelope.payload.clone()).map_err(decode)?;
                let counted = contribution(&c);
                (c.event_id, counted)
            }
            Some(_) => {
                return Err(HandleError::Permanent {
                    kind: "unknown_event_type",
                    source: anyhow::anyhow!("an event type the call figures do not know"),
                });
            }
        };
        let Some((key, n)) = counted.filter(|_| !event_id.is_empty()) else {
            return Err(HandleError::Permanent {
                kind: "unreadable_call",
                source: anyhow::anyhow!("a call event without event id or time"),
            });
        };
        let now = Timestamp::now().as_second();
        match self.store.apply_call(&event_id, now, &key, &n).await {
            Ok(_) => Ok(()),
            Err(StoreError::Database(e)) if tekmerkez_sqlpool::is_unavailable(&e) => {
                Err(HandleError::Unavailable(e.into()))
            }
            Err(e) => Err(HandleError::Transient {
                kind: "store",
                source: e.into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(offered: &str, d: ipb::CallDisposition, secs: Option<u32>) -> ipb::CallCompleted {
        ipb::CallCompleted {
            event_id: "e".into(),
            call_id: "c".into(),
            queue: "185".into(),
            offered_at: offered.into(),
            ended_at: "2026-03-02T09:00:00Z".into(),
            disposition: d as i32,
            duration_seconds: secs,
        }
    }

    #[test]
    fn a_call_counts_on_its_offers_istanbul_day_and_hour() {
        // 22:30 UTC on 1 March is 01:30 on 2 March in Istanbul.
        let (key, n) = contribution(&call(
            "2026-03-01T22:30:00Z",
            ipb::CallDisposition::Answered,
            Some(95),
        ))
        .unwrap();
        assert_eq!(date_of(key.day), jiff::civil::date(2026, 3, 2));
        assert_eq!(key.hour, 1);
        assert_eq!(
            n,
            CallCounts {
                offered: 1,
                answered: 1,
                answered_seconds: 95,
                answered_timed: 1,
                ..CallCounts::default()
            }
        );
        let (_, ivr) = contribution(&call(
            "2026-03-01T22:30:00Z",
            ipb::CallDisposition::IvrCompleted,
            Some(40),
        ))
        .unwrap();
        assert_eq!(
            (ivr.offered, ivr.ivr_completed, ivr.answered_timed),
            (1, 1, 0)
        );
        // No offer time: counted at its end.
        let (at_end, _) = contribution(&call("", ipb::CallDisposition::Abandoned, None)).unwrap();
        assert_eq!(
            (date_of(at_end.day), at_end.hour),
            (jiff::civil::date(2026, 3, 2), 12)
        );
        assert!(
            contribution(&ipb::CallCompleted {
                ended_at: String::new(),
                ..call("", ipb::CallDisposition::Answered, None)
            })
            .is_none()
        );
    }

    #[test]
    fn a_summary_sums_by_period_and_keys() {
        let d = |y, m, dd| day_number(jiff::civil::date(y, m, dd));
        let row = |day, hour, queue: &str, offered, answered| CallRow {
            day,
            hour,
            queue: queue.into(),
            counts: CallCounts {
                offered,
                answered,
                ..CallCounts::default()
            },
        };
        let rows = [
            row(d(2026, 3, 2), 9, "185", 10, 8),
            row(d(2026, 3, 3), 9, "185", 5, 5),
            row(d(2026, 3, 3), 14, "186", 7, 1),
            row(d(2026, 4, 1), 9, "185", 1, 0),
        ];
        let (by_hour, totals) = summarise(&rows, &[CallDim::Hour], None);
        assert_eq!(totals.offered, 23);
        assert_eq!(by_hour[&(None, vec!["09".to_owned()])].answered, 13);
        assert_eq!(by_hour[&(None, vec!["14".to_owned()])].offered, 7);
        let (monthly, _) = summarise(&rows, &[CallDim::Queue], Some(Granularity::Month));
        assert_eq!(
            monthly[&(Some(jiff::civil::date(2026, 3, 1)), vec!["185".to_owned()])].offered,
            15
        );
        assert_eq!(monthly.len(), 3);
    }
}
