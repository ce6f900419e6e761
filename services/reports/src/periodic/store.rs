//! The periodic reports' tables: recipients per directorate, the reports
//! handed to notify, and the round's lease (one SQL text for PostgreSQL and
//! SQLite).

use tekmerkez_sqlpool::on_pool;

use crate::store::{ReportStore, StoreError};

/// One directorate's recipients as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecipients {
    /// The directorate.
    pub directorate_id: String,
    /// The addresses (personal data).
    pub emails: Vec<String>,
    /// `tr` or `en`.
    pub language: String,
    /// Bumped by every change.
    pub version: i64,
}

/// How a recipients change ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOutcome {
    /// Stored, at this version.
    Stored(StoredRecipients),
    /// The change was made on an older version than the stored one.
    Stale {
        /// The version stored now.
        current: i64,
    },
}

/// A report handed to notify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRun {
    /// The directorate.
    pub directorate_id: String,
    /// The period's code.
    pub period: String,
    /// The event published.
    pub event_id: String,
    /// How many addresses.
    pub recipients: i32,
}

impl ReportStore {
    /// Every directorate's recipients, by directorate id.
    ///
    /// # Errors
    /// Database failures or an unreadable list.
    pub async fn all_recipients(&self) -> Result<Vec<StoredRecipients>, StoreError> {
        let rows: Vec<(String, String, String, i64)> = on_pool!(self.pool(), |p| {
            sqlx::query_as(
                "SELECT directorate_id, emails, language, version FROM report_recipients \
                 ORDER BY directorate_id",
            )
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(directorate_id, emails, language, version)| {
                Ok(StoredRecipients {
                    directorate_id,
                    emails: serde_json::from_str(&emails).map_err(StoreError::Corrupt)?,
                    language,
                    version,
                })
            })
            .collect()
    }

    /// Replaces `directorate`'s recipients when `version` is the stored one
    /// (0 when none is).
    ///
    /// # Errors
    /// Database failures.
    pub async fn set_recipients(
        &self,
        directorate: &str,
        emails: &[String],
        language: &str,
        version: i64,
        now_ms: i64,
    ) -> Result<SetOutcome, StoreError> {
        let json = serde_json::to_string(emails).map_err(StoreError::Corrupt)?;
        // Insert the first version, or bump the one the editor saw: one
        // statement, so two admins' edits cannot both win.
        let stored: Option<i64> = on_pool!(self.pool(), |p| {
            sqlx::query_scalar(
                "INSERT INTO report_recipients (directorate_id, emails, language, version, updated_at) \
                 VALUES ($1, $2, $3, 1, $5) \
                 ON CONFLICT (directorate_id) DO UPDATE SET emails = excluded.emails, \
                 language = excluded.language, version = report_recipients.version + 1, \
                 updated_at = excluded.updated_at \
                 WHERE report_recipients.version = $4 \
                 RETURNING version",
            )
            .bind(directorate)
            .bind(&json)
            .bind(language)
            .bind(version)
            .bind(now_ms)
            .fetch_optional(p)
            .await?
        });
        if let Some(version) = stored {
            return Ok(SetOutcome::Stored(StoredRecipients {
                directorate_id: directorate.to_owned(),
                emails: emails.to_vec(),
                language: language.to_owned(),
                version,
            }));
        }
        let current = self
            .all_recipients()
            .await?
            .into_iter()
            .find(|r| r.directorate_id == directorate)
            .map_or(0, |r| r.version);
        Ok(SetOutcome::Stale { current })
    }

    /// The reports handed to notify, newest period first.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mail_runs(&self) -> Result<Vec<MailRun>, StoreError> {
        let rows: Vec<(String, String, String, i32)> = on_pool!(self.pool(), |p| {
            sqlx::query_as(
                "SELECT directorate_id, period, event_id, recipients FROM report_mail_runs \
                 ORDER BY period DESC, directorate_id",
            )
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(directorate_id, period, event_id, recipients)| MailRun {
                directorate_id,
                period,
                event_id,
                recipients,
            })
            .collect())
    }

    /// Whether `directorate`'s report for `period` was handed to notify.
    ///
    /// # Errors
    /// Database failures.
    pub async fn mail_run_exists(
        &self,
        directorate: &str,
        period: &str,
    ) -> Result<bool, StoreError> {
        let n: i64 = on_pool!(self.pool(), |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM report_mail_runs WHERE directorate_id = $1 AND period = $2",
            )
            .bind(directorate)
            .bind(period)
            .fetch_one(p)
            .await?
        });
        Ok(n > 0)
    }

    /// Records `run` as handed to notify (once: a second record of the same
    /// directorate and period keeps the first).
    ///
    /// # Errors
    /// Database failures.
    pub async fn record_mail_run(&self, run: &MailRun, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self.pool(), |p| {
            sqlx::query(
                "INSERT INTO report_mail_runs (directorate_id, period, event_id, recipients, sent_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (directorate_id, period) DO NOTHING",
            )
            .bind(&run.directorate_id)
            .bind(&run.period)
            .bind(&run.event_id)
            .bind(run.recipients)
            .bind(now_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Takes or renews lease `name` for `holder` until `until_ms`; true when
    /// `holder` has it (it was free, expired at `now_ms`, or already its).
    ///
    /// # Errors
    /// Database failures.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = on_pool!(self.pool(), |p| {
            sqlx::query(
                "INSERT INTO report_leases (name, holder, until_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at \
                 WHERE report_leases.holder = excluded.holder OR report_leases.until_at <= $4",
            )
            .bind(name)
            .bind(holder)
            .bind(until_ms)
            .bind(now_ms)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }
}
