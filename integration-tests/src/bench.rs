//! What the benchmark binaries (`src/bin`) share: databases beside the
//! admin URL's, a million records cloned from the demo's, the server's
//! durability settings, and latency percentiles printed one line per
//! measurement.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "the benchmarks' seeding reports progress and fails loudly"
)]

use std::time::Instant;

use sqlx::{Connection as _, Executor as _, PgConnection};

/// `base` with its database replaced by `db`.
pub fn with_db(base: &str, db: &str) -> String {
    let cut = base.rfind('/').expect("a database URL");
    format!("{}/{db}", &base[..cut])
}

/// The `p` quantile (0–1) of sorted milliseconds: the smallest value at
/// or above that share of the samples.
pub fn pct(ms: &[f64], p: f64) -> f64 {
    let i = ((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1;
    ms[i]
}

/// Prints p50, p95, p99 and max of sorted milliseconds, `name` padded to `width`.
#[allow(clippy::print_stdout, reason = "benchmarks report on stdout")]
pub fn print_latencies(name: &str, width: usize, ms: &[f64]) {
    println!(
        "  {name:<width$} p50 {:>7.1} ms   p95 {:>7.1} ms   p99 {:>7.1} ms   max {:>7.1} ms   (n = {})",
        pct(ms, 0.50),
        pct(ms, 0.95),
        pct(ms, 0.99),
        ms.last().copied().unwrap_or_default(),
        ms.len()
    );
}

/// Creates database `db` beside `admin_url`'s (dropped first when `fresh`).
pub async fn ensure_database(admin_url: &str, db: &str, fresh: bool) {
    let mut c = PgConnection::connect(admin_url).await.unwrap();
    if fresh {
        c.execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
            .await
            .unwrap();
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(db)
            .fetch_one(&mut c)
            .await
            .unwrap();
    if !exists {
        c.execute(format!("CREATE DATABASE {db}").as_str())
            .await
            .unwrap();
    }
}

async fn max_seq(c: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM cases")
        .fetch_one(c)
        .await
        .unwrap()
}

/// Puts the clones after `seq` into the person index, as the case service
/// does for a case it opens (the clones share the demo citizens' phones and
/// addresses: each demo citizen ends up with thousands of applications).
async fn index_people(c: &mut PgConnection, seq: i64) {
    sqlx::query(
        "INSERT INTO person_keys (person_key, created_at, case_id)
         SELECT 'phone:' || contact_phone, created_at, id FROM cases
         WHERE seq > $1 AND contact_phone IS NOT NULL
         UNION ALL
         SELECT 'email:' || translate(contact_email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
                created_at, id FROM cases
         WHERE seq > $1 AND contact_email IS NOT NULL",
    )
    .bind(seq)
    .execute(c)
    .await
    .unwrap();
}

/// Gives the clones the search terms of the demo record each was cloned
/// from (same text, same applicant: the terms the case service made for
/// it), as the case service would have written them; the vocabulary holds
/// the demo's words already. Without this the case service's backfill
/// would index a million records while the pages are timed.
async fn index_clones(c: &mut PgConnection) {
    c.execute(
        "CREATE TABLE IF NOT EXISTS bench_terms AS
         SELECT DISTINCT ON (c.text, c.contact_name) c.text, c.contact_name AS name, s.terms
         FROM cases c JOIN case_search s ON s.rowid = c.seq ORDER BY c.text, c.contact_name, c.seq",
    )
    .await
    .unwrap();
    let n = sqlx::query(
        "INSERT INTO case_search (rowid, terms)
         SELECT c.seq, t.terms FROM cases c
         JOIN bench_terms t ON t.text = c.text AND t.name IS NOT DISTINCT FROM c.contact_name
         WHERE NOT EXISTS (SELECT 1 FROM case_search s WHERE s.rowid = c.seq)",
    )
    .execute(&mut *c)
    .await
    .unwrap()
    .rows_affected();
    if n > 0 {
        println!("  {n} records given their search terms");
    }
}

/// Leaves the tables as autovacuum would on a settled database: statistics,
/// and the visibility map that lets counts read indexes alone.
async fn settle(c: &mut PgConnection) {
    c.execute("VACUUM ANALYZE cases").await.unwrap();
    c.execute("VACUUM ANALYZE person_keys").await.unwrap();
    c.execute("VACUUM ANALYZE case_search").await.unwrap();
    c.execute("VACUUM ANALYZE search_words").await.unwrap();
}

/// Clones the demo records until there are `target` in all, in batches so
/// that progress shows and no transaction grows huge.
pub async fn clone_cases(url: &str, target: i64) {
    let mut c = PgConnection::connect(url).await.unwrap();
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&mut c)
        .await
        .unwrap();
    if have >= target {
        println!("  {have} records already there");
        index_clones(&mut c).await;
        settle(&mut c).await;
        return;
    }
    let started = Instant::now();
    let batch = 100_000;
    let mut next = have;
    let mut last_seq = max_seq(&mut c).await;
    while next < target {
        let n = batch.min(target - next);
        // New ids, application ids and tracking numbers (unique, in the
        // format's alphabet); everything else from a demo record.
        sqlx::query(
            "WITH t AS (SELECT row_number() OVER (ORDER BY seq) - 1 AS k, * FROM (SELECT * FROM cases ORDER BY seq LIMIT 300) AS demo),
                  n AS (SELECT count(*) AS c FROM t)
             INSERT INTO cases (id, tracking_number, application_id, request_fingerprint, channel, category, text,
                  urgency, province_code, district, latitude, longitude, pool_id, status, holder_id, reply_channel,
                  contact_name, contact_phone, contact_email, contact_address, consent_text_version,
                  consent_accepted_at, consent_special, information_only, official_answer, closed_by, created_by,
                  created_at, entered_pool_at, held_since, closed_at, resolved_at, last_note_at, callback_attempts,
                  callback_retry_at, version, updated_at)
             SELECT gen_random_uuid(),
                    'B' || substr(lpad(upper(to_hex(g)), 8, '0'), 1, 4) || '-' || substr(lpad(upper(to_hex(g)), 8, '0'), 5, 4) || '0',
                    gen_random_uuid(), t.request_fingerprint, t.channel, t.category, t.text,
                    t.urgency, t.province_code, t.district, t.latitude, t.longitude, t.pool_id, t.status, t.holder_id,
                    t.reply_channel, t.contact_name, t.contact_phone, t.contact_email, t.contact_address,
                    t.consent_text_version, t.consent_accepted_at, t.consent_special, t.information_only,
                    t.official_answer, t.closed_by, t.created_by,
                    t.created_at - g, t.entered_pool_at - g, t.held_since, t.closed_at, t.resolved_at,
                    t.last_note_at, t.callback_attempts, t.callback_retry_at, t.version, t.updated_at
             FROM generate_series($1::bigint, $2::bigint) AS g
             JOIN t ON t.k = g % (SELECT c FROM n)",
        )
        .bind(next + 1)
        .bind(next + n)
        .execute(&mut c)
        .await
        .unwrap();
        index_people(&mut c, last_seq).await;
        last_seq = max_seq(&mut c).await;
        next += n;
        println!(
            "  {next} records ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    index_clones(&mut c).await;
    settle(&mut c).await;
}

/// The durability settings the server reports, as a DBA would check them.
pub async fn durability(url: &str) -> String {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut out = Vec::new();
    for name in ["fsync", "synchronous_commit", "full_page_writes"] {
        let v: String = sqlx::query_scalar(&format!("SHOW {name}"))
            .fetch_one(&mut c)
            .await
            .unwrap();
        out.push(format!("{name} = {v}"));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_sample_at_or_above_the_share() {
        let ms: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pct(&ms, 0.5), 50.0);
        assert_eq!(pct(&ms, 0.99), 99.0);
        assert_eq!(pct(&ms, 1.0), 100.0);
        assert_eq!(pct(&[7.0], 0.99), 7.0);
    }

    #[test]
    fn the_database_is_replaced_not_appended() {
        assert_eq!(
            with_db("postgres://u:p@h:1/postgres", "bench"),
            "postgres://u:p@h:1/bench"
        );
    }
}
