//! Large exports of the cases behind a report figure, prepared in the
//! background: a job per person and parameters, its progress (rows written
//! of rows expected) and, when done, the file. Asking again for the same
//! export (a reload, a second click) finds the job already under way or
//! finished instead of starting the work twice. Jobs live in the gateway's
//! memory for an hour: the file is a copy of figures the reports service
//! can always count again.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sha2::{Digest as _, Sha256};
use uuid::Uuid;

/// How long a finished (or failed) job's file is kept.
const KEEP: Duration = Duration::from_secs(60 * 60);

/// A prepared file.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Arc<Vec<u8>>,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The name the browser saves it as (ASCII).
    pub file_name: String,
}

/// Where a job is.
#[derive(Debug, Clone)]
pub enum JobState {
    Running,
    Done(ExportFile),
    Failed,
}

/// One export under way or done.
#[derive(Debug)]
pub struct Job {
    /// Whose it is: nobody else may see its progress or file.
    pub user: Uuid,
    /// The rows the figure counts (the progress page's "of").
    pub total: u64,
    /// Rows written so far; the task writing them counts them here.
    done: AtomicU64,
    state: Mutex<JobState>,
    started: Instant,
}

impl Job {
    /// Rows written so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// One more row written.
    pub fn advance(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Where the job is.
    pub fn state(&self) -> JobState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or(JobState::Failed)
    }

    /// Ends the job with its file, or as failed.
    pub fn finish(&self, result: Option<ExportFile>) {
        if let Ok(mut s) = self.state.lock() {
            *s = result.map_or(JobState::Failed, JobState::Done);
        }
    }
}

/// The jobs, keyed by [`key`].
#[derive(Debug, Clone, Default)]
pub struct ReportJobs {
    jobs: Arc<Mutex<HashMap<String, Arc<Job>>>>,
}

/// A job's key: the person and the export's parameters (in a fixed order),
/// hashed, so that the key in the progress page's URL says nothing of
/// either and the same export asked twice is the same job.
pub fn key(user: Uuid, params: &[(&str, &str)]) -> String {
    let mut h = Sha256::new();
    h.update(user.as_bytes());
    for (k, v) in params {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

impl ReportJobs {
    /// The job `key` of `user`, if there is one (someone else's is none).
    pub fn get(&self, key: &str, user: Uuid) -> Option<Arc<Job>> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(key).filter(|j| j.user == user).cloned()
    }

    /// The job `key`, and whether it was started now: an existing job that
    /// has not failed is returned as it is (no double work); a failed one
    /// is started again.
    pub fn start(&self, key: &str, user: Uuid, total: u64) -> (Arc<Job>, bool) {
        let Ok(mut jobs) = self.jobs.lock() else {
            // A poisoned map: work without remembering rather than not at all.
            return (Arc::new(new_job(user, total)), true);
        };
        jobs.retain(|_, j| j.started.elapsed() < KEEP);
        if let Some(j) = jobs.get(key)
            && j.user == user
            && !matches!(j.state(), JobState::Failed)
        {
            return (j.clone(), false);
        }
        let job = Arc::new(new_job(user, total));
        jobs.insert(key.to_owned(), job.clone());
        (job, true)
    }
}

fn new_job(user: Uuid, total: u64) -> Job {
    Job {
        user,
        total,
        done: AtomicU64::new(0),
        state: Mutex::new(JobState::Running),
        started: Instant::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_export_asked_again_is_the_same_job_and_only_its_owner_sees_it() {
        let jobs = ReportJobs::default();
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let p = [("rakam", "acilan"), ("baslangic", "2026-01-01")];
        let k = key(me, &p);
        assert_eq!(k, key(me, &p));
        assert_ne!(k, key(other, &p));
        assert_ne!(
            k,
            key(me, &[("rakam", "cozulen"), ("baslangic", "2026-01-01")])
        );
        let (job, started) = jobs.start(&k, me, 40_000);
        assert!(started);
        job.advance();
        let (again, started) = jobs.start(&k, me, 40_000);
        assert!(!started, "a reload must not start the work again");
        assert_eq!(again.done(), 1);
        assert!(jobs.get(&k, me).is_some());
        assert!(jobs.get(&k, other).is_none());
        job.finish(None);
        assert!(matches!(
            jobs.get(&k, me).unwrap().state(),
            JobState::Failed
        ));
        let (_, started) = jobs.start(&k, me, 40_000);
        assert!(started, "a failed job is tried again");
    }
}
