//! Netgsm's REST v2 API, as its official SDKs (npm `@netgsm/sms`, PyPI
//! `netgsm-sms`) document it:
//!
//! - `POST /sms/rest/v2/send`, HTTP Basic authentication, JSON
//!   `{"msgheader", "messages": [{"msg", "no"}], "encoding", "iysfilter", "appname"}`;
//!   `no` is the 10-digit national number (`5XXXXXXXXX`); `encoding: "TR"`
//!   carries Turkish letters. The answer is `{"code": "00", "jobid", "description"}`
//!   on success, otherwise (HTTP 406) a `code`: 20 text problem or too long,
//!   30 credentials or IP not allowed, 40 sender header not defined, 50/51
//!   İYS account problems, 70 a parameter wrong or missing, 80 sending
//!   limit, 85 more than 20 tasks for one number in a minute, 100/101
//!   system error.
//! - `POST /sms/rest/v2/report` with `startdate`/`stopdate`
//!   (`dd.MM.yyyy HH:mm:ss`, Türkiye time) and optionally `jobids`,
//!   `pagesize` (≤ 100), `pagenumber`: `{"code": "00", "jobs": [{"jobid",
//!   "number", "status", "msglen", "deliveredDate", "errorCode"}]}`, `60` when
//!   nothing matches, `80` beyond 10 queries a minute. Statuses: 0 waiting,
//!   1 delivered, 2 expired, 3 invalid or restricted number, 4 not sent to
//!   the operator, 11 rejected, 12 delivery error, 13 duplicate, 14 no
//!   credit, 15 blacklisted, 16 İYS rejected, 17 İYS error.
//!
//! The send API takes no client-side message id, so after an unknown outcome
//! (timeout, garbled answer, crash) notify asks the report API for a job to
//! the same number, of the same length, since the attempt started: found →
//! taken, not found → safe to send again. "Not found" is believed only once
//! the attempt's request can no longer reach Netgsm: its start plus this
//! client's timeout and [`crate::dispatch::IN_DOUBT_MARGIN`]; sooner, the
//! delivery stays in doubt and is asked about again then (see
//! [`crate::dispatch`]). What remains possible: Netgsm listing a job it
//! took later still than that, or two messages of equal length to one
//! number inside the look-up's window, of which only the first is then
//! recognised.

use std::time::Duration;

use jiff::{Timestamp, tz::TimeZone};
use secrecy::{ExposeSecret as _, SecretString};

use super::{Lookup, OutgoingSms, SendOutcome, SmsProvider, failed_before_sending, http_client};
use crate::{config::NetgsmSettings, gsm::SmsEncoding};

/// Report pages (of 100) read while looking for a message in doubt.
const LOOKUP_PAGES: u64 = 200;

/// The Netgsm client.
#[derive(Clone)]
pub struct Netgsm {
    client: reqwest::Client,
    base_url: String,
    username: SecretString,
    password: SecretString,
    msgheader: String,
    appname: String,
    iys_filter: String,
}

impl std::fmt::Debug for Netgsm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Netgsm")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// A report line: one job's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub jobid: String,
    /// Netgsm's status code.
    pub status: i64,
}

impl JobStatus {
    /// What the status means for the delivery log: `None` while waiting,
    /// `Some(None)` delivered, `Some(Some(reason))` failed.
    pub fn outcome(&self) -> Option<Option<&'static str>> {
        match self.status {
            0 => None,
            1 => Some(None),
            2 => Some(Some("expired")),
            3 => Some(Some("rejected_number")),
            4 => Some(Some("not_sent_to_operator")),
            11 => Some(Some("rejected_by_operator")),
            12 => Some(Some("delivery_error")),
            13 => Some(Some("duplicate")),
            14 => Some(Some("provider_no_credit")),
            15 => Some(Some("blacklisted_number")),
            16 | 17 => Some(Some("iys_rejected")),
            _ => Some(Some("provider_status_unknown")),
        }
    }
}

/// The national 10-digit form Netgsm wants, from E.164 `+905XXXXXXXXX`.
pub fn national_number(e164: &str) -> Option<String> {
    let n = e164.strip_prefix("+90")?;
    (n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit())).then(|| n.to_owned())
}

#[derive(serde::Deserialize)]
struct Answer {
    code: String,
    #[serde(default)]
    jobid: Option<String>,
    #[serde(default)]
    jobs: Option<Vec<Job>>,
}

#[derive(serde::Deserialize)]
struct Job {
    jobid: serde_json::Value,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    status: Option<i64>,
    #[serde(default)]
    msglen: Option<i64>,
}

fn id_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `dd.MM.yyyy HH:mm:ss` in Türkiye's time.
fn report_time(t: Timestamp) -> String {
    let z = t.to_zoned(TimeZone::get("Europe/Istanbul").unwrap_or(TimeZone::UTC));
    z.strftime("%d.%m.%Y %H:%M:%S").to_string()
}

/// What a send's error code means.
fn classify(code: &str) -> SendOutcome {
    match code {
        "20" => SendOutcome::Rejected("rejected_text"),
        "70" => SendOutcome::Rejected("rejected_request"),
        "30" => SendOutcome::NotAccepted("provider_auth"),
        "40" => SendOutcome::NotAccepted("provider_sender_header"),
        "50" | "51" => SendOutcome::NotAccepted("provider_iys_account"),
        "80" | "85" => SendOutcome::NotAccepted("provider_rate_limited"),
        "100" | "101" => SendOutcome::NotAccepted("provider_system_error"),
        _ => SendOutcome::NotAccepted("provider_error_code"),
    }
}

impl Netgsm {
    /// A client from settings.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(s: &NetgsmSettings) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: http_client(Duration::from_millis(s.timeout_ms))?,
            base_url: s.base_url.trim_end_matches('/').to_owned(),
            username: s.username.clone(),
            password: s.password.clone(),
            msgheader: s.msgheader.clone(),
            appname: s.appname.clone(),
            iys_filter: s.iys_filter.clone(),
        })
    }

    fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        // The trace context of the send, so a provider (or a proxy) that
        // traces can join the application's trace; ids only.
        let mut trace = reqwest::header::HeaderMap::new();
        tekmerkez_telemetry::propagation::inject_headers(&mut trace);
        self.client
            .post(format!("{}{path}", self.base_url))
            .basic_auth(
                self.username.expose_secret(),
                Some(self.password.expose_secret()),
            )
            .headers(trace)
            .json(body)
    }

    async fn report_page(&self, body: serde_json::Value) -> Result<Option<Vec<Job>>, &'static str> {
        let resp = self
            .post("/sms/rest/v2/report", &body)
            .send()
            .await
            .map_err(|_| "report_unreachable")?;
        let bytes = resp.bytes().await.map_err(|_| "report_unreadable")?;
        let answer: Answer = serde_json::from_slice(&bytes).map_err(|_| "report_garbled")?;
        match answer.code.as_str() {
            "00" => Ok(Some(answer.jobs.unwrap_or_default())),
            "60" => Ok(None),
            "80" => Err("report_rate_limited"),
            _ => Err("report_error"),
        }
    }

    /// The statuses of `jobids` (at most 100 at once), sent since `since`.
    ///
    /// # Errors
    /// A reason code when the report API fails.
    pub async fn statuses(
        &self,
        jobids: &[String],
        since: Timestamp,
    ) -> Result<Vec<JobStatus>, &'static str> {
        let body = serde_json::json!({
            "startdate": report_time(since),
            "stopdate": report_time(Timestamp::now() + jiff::SignedDuration::from_mins(1)),
            "jobids": jobids,
            "pagesize": 100,
        });
        Ok(self
            .report_page(body)
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter_map(|j| {
                Some(JobStatus {
                    jobid: id_text(&j.jobid),
                    status: j.status?,
                })
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl SmsProvider for Netgsm {
    fn name(&self) -> &'static str {
        "netgsm"
    }

    fn supports(&self, encoding: SmsEncoding) -> bool {
        // REST v2 documents "TR" (Turkish letters) and plain text only.
        !matches!(encoding, SmsEncoding::Ucs2)
    }

    #[tracing::instrument(name = "notify.netgsm.send", skip_all, fields(delivery_id = %sms.id))]
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let Some(no) = national_number(&sms.to) else {
            return SendOutcome::Rejected("rejected_number");
        };
        let mut body = serde_json::json!({
            "msgheader": self.msgheader,
            "messages": [{ "msg": sms.text, "no": no }],
            "iysfilter": self.iys_filter,
        });
        if sms.encoding == SmsEncoding::Gsm7Turkish {
            body["encoding"] = "TR".into();
        }
        if !self.appname.is_empty() {
            body["appname"] = self.appname.clone().into();
        }
        let resp = match self.post("/sms/rest/v2/send", &body).send().await {
            Ok(r) => r,
            Err(e) if failed_before_sending(&e) => {
                return SendOutcome::NotAccepted("provider_unreachable");
            }
            Err(e) if e.is_timeout() => return SendOutcome::Unknown("provider_timeout"),
            Err(_) => return SendOutcome::Unknown("provider_connection_lost"),
        };
        let status = resp.status();
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) if e.is_timeout() => return SendOutcome::Unknown("provider_timeout"),
            Err(_) => return SendOutcome::Unknown("provider_connection_lost"),
        };
        match serde_json::from_slice::<Answer>(&bytes) {
            Ok(a) if a.code == "00" => match a.jobid.filter(|j| !j.is_empty()) {
                Some(j) => SendOutcome::Accepted(j),
                // Success without a job id: taken, but no reference to follow.
                None => SendOutcome::Accepted(String::new()),
            },
            Ok(a) => classify(&a.code),
            Err(_)
                if status == reqwest::StatusCode::SERVICE_UNAVAILABLE
                    || status == reqwest::StatusCode::BAD_GATEWAY =>
            {
                SendOutcome::NotAccepted("provider_unavailable")
            }
            // A 500 or a garbled answer: it may have taken the message.
            Err(_) if status.is_server_error() => SendOutcome::Unknown("provider_server_error"),
            Err(_) => SendOutcome::Unknown("provider_garbled_answer"),
        }
    }

    #[tracing::instrument(name = "notify.netgsm.lookup", skip_all, fields(delivery_id = %sms.id))]
    async fn lookup(&self, sms: &OutgoingSms, attempt_started: Timestamp) -> Lookup {
        let Some(no) = national_number(&sms.to) else {
            return Lookup::NotFound;
        };
        let len = i64::try_from(sms.text.chars().count()).unwrap_or(i64::MAX);
        // The provider took it, if at all, after the attempt started and
        // within its timeout; two minutes either side cover clock skew.
        let start = attempt_started - jiff::SignedDuration::from_mins(2);
        let stop = (attempt_started + jiff::SignedDuration::from_mins(2))
            .min(Timestamp::now() + jiff::SignedDuration::from_mins(1));
        for page in 0..LOOKUP_PAGES {
            let body = serde_json::json!({
                "startdate": report_time(start),
                "stopdate": report_time(stop),
                "pagesize": 100,
                "pagenumber": page,
            });
            match self.report_page(body).await {
                Ok(None) => return Lookup::NotFound,
                Ok(Some(jobs)) => {
                    let n = jobs.len();
                    if let Some(j) = jobs.into_iter().find(|j| {
                        j.number.as_deref().is_some_and(|x| x.ends_with(&no))
                            && j.msglen.is_none_or(|l| l == len)
                    }) {
                        return Lookup::Found(id_text(&j.jobid));
                    }
                    if n < 100 {
                        return Lookup::NotFound;
                    }
                }
                Err(reason) => return Lookup::CannotTell(reason),
            }
        }
        Lookup::CannotTell("report_too_long")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_the_national_ten_digits() {
        assert_eq!(
            national_number("+905321234567").as_deref(),
            Some("5321234567")
        );
        assert_eq!(national_number("+4915112345678"), None);
        assert_eq!(national_number("+90532"), None);
    }

    #[test]
    fn report_times_are_turkish_local_time() {
        let t: Timestamp = "2026-11-25T18:30:05Z".parse().unwrap();
        assert_eq!(report_time(t), "25.11.2026 21:30:05");
    }

    #[test]
    fn error_codes_split_into_refusals_of_the_message_and_of_the_provider() {
        assert_eq!(classify("20"), SendOutcome::Rejected("rejected_text"));
        assert_eq!(classify("30"), SendOutcome::NotAccepted("provider_auth"));
        assert_eq!(
            classify("85"),
            SendOutcome::NotAccepted("provider_rate_limited")
        );
        assert_eq!(
            JobStatus {
                jobid: "1".into(),
                status: 3
            }
            .outcome(),
            Some(Some("rejected_number"))
        );
        assert_eq!(
            JobStatus {
                jobid: "1".into(),
                status: 1
            }
            .outcome(),
            Some(None)
        );
        assert_eq!(
            JobStatus {
                jobid: "1".into(),
                status: 0
            }
            .outcome(),
            None
        );
    }
}
