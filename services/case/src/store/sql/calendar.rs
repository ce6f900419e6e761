//! The calendar statements. Every change starts by bumping the one-row
//! version conditionally (`WHERE version = expected`): on PostgreSQL the
//! UPDATE locks the row until the transaction ends, so of two admins'
//! changes made against the same version the second finds the version
//! moved and changes nothing; SQLite has one writer, so the same holds.
//! Loading a year's built-in days first claims the year in
//! `calendar_seeded_years` (`ON CONFLICT DO NOTHING`): a year is loaded
//! once ever, by one replica, and a day an admin removed stays removed.

use jiff::{Timestamp, civil::Date};
use tekmerkez_sqlpool::on_pool;
use uuid::Uuid;

use super::{SqlStore, micros, timestamp};
use crate::{
    domain::working_calendar::{
        CalendarChange, CalendarEdit, CalendarRevision, DayKind, SpecialDay,
    },
    store::{CalendarStore, StoreError},
};

const VERSION: &str = "SELECT version FROM calendar_state WHERE id = 1";

const BUMP_IF: &str =
    "UPDATE calendar_state SET version = version + 1 WHERE id = 1 AND version = $1";

const BUMP: &str = "UPDATE calendar_state SET version = version + 1 WHERE id = 1 RETURNING version";

const DAY_COLUMNS: &str = "day, kind, name_tr, name_en, estimated";

const UPSERT_DAY: &str = "INSERT INTO calendar_days (day, year, kind, name_tr, name_en, estimated) \
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, \
    name_tr = excluded.name_tr, name_en = excluded.name_en, estimated = excluded.estimated";

const SEED_DAY: &str = "INSERT INTO calendar_days (day, year, kind, name_tr, name_en, estimated) \
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day) DO NOTHING";

const INSERT_REVISION: &str = "INSERT INTO calendar_revisions (revision, changed_at, changed_by, \
    change, year, day, kind, name_tr, name_en, estimated, prev_kind, prev_name_tr, prev_name_en, \
    prev_estimated, day_count, reason) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

const REVISION_COLUMNS: &str = "revision, changed_at, changed_by, change, year, day, kind, \
    name_tr, name_en, estimated, prev_kind, prev_name_tr, prev_name_en, prev_estimated, \
    day_count, reason";

#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    kind: String,
    name_tr: String,
    name_en: String,
    estimated: bool,
}

fn date(raw: &str) -> Result<Date, StoreError> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt("calendar day date"))
}

fn kind(raw: &str) -> Result<DayKind, StoreError> {
    DayKind::from_code(raw).ok_or(StoreError::Corrupt("calendar day kind"))
}

impl TryFrom<DayRow> for SpecialDay {
    type Error = StoreError;

    fn try_from(r: DayRow) -> Result<Self, StoreError> {
        Ok(SpecialDay {
            date: date(&r.day)?,
            kind: kind(&r.kind)?,
            name_tr: r.name_tr,
            name_en: r.name_en,
            estimated: r.estimated,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    revision: i64,
    changed_at: i64,
    changed_by: Option<Uuid>,
    change: String,
    year: i64,
    day: Option<String>,
    kind: Option<String>,
    name_tr: Option<String>,
    name_en: Option<String>,
    estimated: Option<bool>,
    prev_kind: Option<String>,
    prev_name_tr: Option<String>,
    prev_name_en: Option<String>,
    prev_estimated: Option<bool>,
    day_count: i64,
    reason: Option<String>,
}

/// The day a revision row's columns describe, when it names one.
fn revision_day(
    day: Option<&str>,
    kind_code: Option<&str>,
    name_tr: Option<String>,
    name_en: Option<String>,
    estimated: Option<bool>,
) -> Result<Option<SpecialDay>, StoreError> {
    let (Some(day), Some(k)) = (day, kind_code) else {
        return Ok(None);
    };
    Ok(Some(SpecialDay {
        date: date(day)?,
        kind: kind(k)?,
        name_tr: name_tr.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        estimated: estimated.unwrap_or(false),
    }))
}

impl TryFrom<RevisionRow> for CalendarRevision {
    type Error = StoreError;

    fn try_from(r: RevisionRow) -> Result<Self, StoreError> {
        Ok(CalendarRevision {
            revision: r.revision,
            changed_at: timestamp(r.changed_at)?,
            changed_by: r.changed_by,
            change: CalendarChange::from_code(&r.change)
                .ok_or(StoreError::Corrupt("calendar change"))?,
            year: i16::try_from(r.year).map_err(|_| StoreError::Corrupt("calendar year"))?,
            day: revision_day(
                r.day.as_deref(),
                r.kind.as_deref(),
                r.name_tr,
                r.name_en,
                r.estimated,
            )?,
            previous: revision_day(
                r.day.as_deref(),
                r.prev_kind.as_deref(),
                r.prev_name_tr,
                r.prev_name_en,
                r.prev_estimated,
            )?,
            day_count: u32::try_from(r.day_count)
                .map_err(|_| StoreError::Corrupt("calendar day count"))?,
            reason: r.reason,
        })
    }
}

/// One revision to write.
struct NewRevision<'a> {
    revision: i64,
    at: Timestamp,
    by: Option<Uuid>,
    change: CalendarChange,
    year: i16,
    date: Option<Date>,
    day: Option<&'a SpecialDay>,
    previous: Option<&'a SpecialDay>,
    day_count: u32,
    reason: Option<&'a str>,
}

/// Inserts `r`, inside the caller's transaction; a macro because the
/// executor's type differs per backend.
macro_rules! insert_revision {
    ($tx:expr, $r:expr) => {{
        let r: &NewRevision<'_> = $r;
        sqlx::query(INSERT_REVISION)
            .bind(r.revision)
            .bind(micros(r.at))
            .bind(r.by)
            .bind(r.change.as_str())
            .bind(i64::from(r.year))
            .bind(r.date.map(|d| d.to_string()))
            .bind(r.day.map(|d| d.kind.as_str()))
            .bind(r.day.map(|d| d.name_tr.clone()))
            .bind(r.day.map(|d| d.name_en.clone()))
            .bind(r.day.map(|d| d.estimated))
            .bind(r.previous.map(|d| d.kind.as_str()))
            .bind(r.previous.map(|d| d.name_tr.clone()))
            .bind(r.previous.map(|d| d.name_en.clone()))
            .bind(r.previous.map(|d| d.estimated))
            .bind(i64::from(r.day_count))
            .bind(r.reason)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// Bumps the version if it is `expected`, inside the caller's transaction;
/// otherwise rolls back and returns [`StoreError::CalendarMoved`].
macro_rules! bump_if_or_return {
    ($tx:expr, $expected:expr) => {{
        let bumped = sqlx::query(BUMP_IF)
            .bind($expected)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1;
        if !bumped {
            let current: i64 = sqlx::query_scalar(VERSION).fetch_one(&mut *$tx).await?;
            $tx.rollback().await?;
            return Err(StoreError::CalendarMoved { current });
        }
    }};
}

#[async_trait::async_trait]
impl CalendarStore for SqlStore {
    async fn calendar_version(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(VERSION)
            .fetch_one(p)
            .await?))
    }

    async fn list_calendar_days(
        &self,
        year: Option<i16>,
    ) -> Result<(Vec<SpecialDay>, i64), StoreError> {
        // The version first: the days read after it are at least that
        // version's, so a cache keyed by it is never newer than it claims
        // (at worst it reloads once more).
        let version = self.calendar_version().await?;
        let rows: Vec<DayRow> = match year {
            Some(y) => {
                let sql =
                    format!("SELECT {DAY_COLUMNS} FROM calendar_days WHERE year = $1 ORDER BY day");
                on_pool!(&self.read, |p| sqlx::query_as(&sql)
                    .bind(i64::from(y))
                    .fetch_all(p)
                    .await?)
            }
            None => {
                let sql = format!("SELECT {DAY_COLUMNS} FROM calendar_days ORDER BY day");
                on_pool!(&self.read, |p| sqlx::query_as(&sql).fetch_all(p).await?)
            }
        };
        let days = rows
            .into_iter()
            .map(SpecialDay::try_from)
            .collect::<Result<_, _>>()?;
        Ok((days, version))
    }

    async fn seed_calendar_year(
        &self,
        year: i16,
        days: &[SpecialDay],
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO calendar_seeded_years (year, seeded_at) VALUES ($1, $2) \
                 ON CONFLICT (year) DO NOTHING",
            )
            .bind(i64::from(year))
            .bind(micros(at))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                tx.rollback().await?;
                return Ok(false);
            }
            let version: i64 = sqlx::query_scalar(BUMP).fetch_one(&mut *tx).await?;
            let mut loaded = 0u32;
            for d in days.iter().filter(|d| d.year() == year) {
                let n = sqlx::query(SEED_DAY)
                    .bind(d.date.to_string())
                    .bind(i64::from(year))
                    .bind(d.kind.as_str())
                    .bind(&d.name_tr)
                    .bind(&d.name_en)
                    .bind(d.estimated)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                loaded += u32::try_from(n).unwrap_or(0);
            }
            insert_revision!(
                tx,
                &NewRevision {
                    revision: version,
                    at,
                    by: None,
                    change: CalendarChange::Seed,
                    year,
                    date: None,
                    day: None,
                    previous: None,
                    day_count: loaded,
                    reason: None,
                }
            );
            tx.commit().await?;
            true
        }))
    }

    async fn put_calendar_day(
        &self,
        day: &SpecialDay,
        edit: &CalendarEdit,
    ) -> Result<(i64, CalendarChange), StoreError> {
        let select = format!("SELECT {DAY_COLUMNS} FROM calendar_days WHERE day = $1");
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            bump_if_or_return!(tx, edit.expected_version);
            let previous: Option<DayRow> = sqlx::query_as(&select)
                .bind(day.date.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            let previous = previous.map(SpecialDay::try_from).transpose()?;
            sqlx::query(UPSERT_DAY)
                .bind(day.date.to_string())
                .bind(i64::from(day.year()))
                .bind(day.kind.as_str())
                .bind(&day.name_tr)
                .bind(&day.name_en)
                .bind(day.estimated)
                .execute(&mut *tx)
                .await?;
            let change = if previous.is_some() {
                CalendarChange::Edit
            } else {
                CalendarChange::Add
            };
            let version = edit.expected_version + 1;
            insert_revision!(
                tx,
                &NewRevision {
                    revision: version,
                    at: edit.at,
                    by: Some(edit.by),
                    change,
                    year: day.year(),
                    date: Some(day.date),
                    day: Some(day),
                    previous: previous.as_ref(),
                    day_count: 1,
                    reason: edit.reason.as_deref(),
                }
            );
            tx.commit().await?;
            (version, change)
        }))
    }

    async fn remove_calendar_day(
        &self,
        date: Date,
        edit: &CalendarEdit,
    ) -> Result<Option<i64>, StoreError> {
        let select = format!("SELECT {DAY_COLUMNS} FROM calendar_days WHERE day = $1");
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            bump_if_or_return!(tx, edit.expected_version);
            let previous: Option<DayRow> = sqlx::query_as(&select)
                .bind(date.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(previous) = previous.map(SpecialDay::try_from).transpose()? else {
                tx.rollback().await?;
                return Ok(None);
            };
            sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                .bind(date.to_string())
                .execute(&mut *tx)
                .await?;
            let version = edit.expected_version + 1;
            insert_revision!(
                tx,
                &NewRevision {
                    revision: version,
                    at: edit.at,
                    by: Some(edit.by),
                    change: CalendarChange::Remove,
                    year: date.year(),
                    date: Some(date),
                    day: None,
                    previous: Some(&previous),
                    day_count: 1,
                    reason: edit.reason.as_deref(),
                }
            );
            tx.commit().await?;
            Some(version)
        }))
    }

    async fn confirm_calendar_year(
        &self,
        year: i16,
        edit: &CalendarEdit,
    ) -> Result<(i64, u32), StoreError> {
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            bump_if_or_return!(tx, edit.expected_version);
            let n = sqlx::query(
                "UPDATE calendar_days SET estimated = $1 WHERE year = $2 AND estimated = $3",
            )
            .bind(false)
            .bind(i64::from(year))
            .bind(true)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                // Nothing to confirm: no new version, no revision.
                tx.rollback().await?;
                return Ok((edit.expected_version, 0));
            }
            let confirmed = u32::try_from(n).unwrap_or(u32::MAX);
            let version = edit.expected_version + 1;
            insert_revision!(
                tx,
                &NewRevision {
                    revision: version,
                    at: edit.at,
                    by: Some(edit.by),
                    change: CalendarChange::ConfirmYear,
                    year,
                    date: None,
                    day: None,
                    previous: None,
                    day_count: confirmed,
                    reason: edit.reason.as_deref(),
                }
            );
            tx.commit().await?;
            (version, confirmed)
        }))
    }

    async fn list_calendar_revisions(
        &self,
        year: Option<i16>,
        limit: u32,
    ) -> Result<Vec<CalendarRevision>, StoreError> {
        let rows: Vec<RevisionRow> = match year {
            Some(y) => {
                let sql = format!(
                    "SELECT {REVISION_COLUMNS} FROM calendar_revisions WHERE year = $1 \
                     ORDER BY revision DESC LIMIT $2"
                );
                on_pool!(&self.read, |p| sqlx::query_as(&sql)
                    .bind(i64::from(y))
                    .bind(i64::from(limit))
                    .fetch_all(p)
                    .await?)
            }
            None => {
                let sql = format!(
                    "SELECT {REVISION_COLUMNS} FROM calendar_revisions ORDER BY revision DESC LIMIT $1"
                );
                on_pool!(&self.read, |p| sqlx::query_as(&sql)
                    .bind(i64::from(limit))
                    .fetch_all(p)
                    .await?)
            }
        };
        rows.into_iter().map(CalendarRevision::try_from).collect()
    }
}
