//! The store contract, exercised on both implementations: version checks,
//! all-or-nothing changes, idempotent creation, the relay lease, and the
//! append-only history.

use jiff::SignedDuration;
use sqlx::Connection as _;
use tekmerkez_case::{
    clock::Clock as _,
    domain::case::Actor,
    store::{
        CaseChange, CaseQuery, CreateOutcome, HistoryRecord, LetterQuery, NewLetter, NoteRecord,
        StoreError,
    },
};
use uuid::Uuid;

use crate::{both_stores, helpers::*};

async fn stored(app: &mut TestApp) -> tekmerkez_case::domain::case::Case {
    let c = app.open_case().await;
    app.app
        .store()
        .get_case(c.id.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
}

fn change(
    case: &tekmerkez_case::domain::case::Case,
    expected: i64,
    now: jiff::Timestamp,
) -> CaseChange {
    let (next, step, _) = case.add_note(Uuid::now_v7(), now).unwrap();
    let mut next = next;
    next.version = expected + 1;
    CaseChange {
        note: Some(NoteRecord {
            id: Uuid::now_v7(),
            case_id: case.id,
            author_id: Some(Uuid::now_v7()),
            text: "n".into(),
            created_at: now,
            citizen: None,
        }),
        case: next,
        expected_version: expected,
        history: vec![HistoryRecord {
            step,
            actor: Actor::Service("routing"),
            occurred_at: now,
        }],
        events: Vec::new(),
        attachments: Vec::new(),
        survey: None,
        letter: None,
    }
}

both_stores! {
    async fn a_stale_version_writes_nothing_of_the_whole_change(app) {
        let a = stored(&mut app).await;
        let b = stored(&mut app).await;
        let now = app.clock.now();
        let store = app.app.store().clone();
        let err = store.apply_changes(&[change(&a, a.version, now), change(&b, b.version + 7, now)]).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(id) if id == b.id), "{err:?}");
        assert_eq!(store.get_case(a.id).await.unwrap().unwrap().version, a.version, "the first change was rolled back");
        assert!(store.list_notes(a.id).await.unwrap().is_empty());
        assert_eq!(store.list_history(a.id).await.unwrap().len(), 1);
        store.apply_changes(&[change(&a, a.version, now)]).await.unwrap();
        assert_eq!(store.get_case(a.id).await.unwrap().unwrap().version, a.version + 1);
        assert!(matches!(store.apply_changes(&[change(&a, a.version, now)]).await, Err(StoreError::Conflict(_))));
    }

    async fn creation_is_idempotent_and_detects_a_taken_tracking_number(app) {
        let a = stored(&mut app).await;
        let store = app.app.store().clone();
        match store.create_case(&a, &[], &[], &[]).await.unwrap() {
            CreateOutcome::Existing(existing) => assert_eq!(existing.id, a.id),
            other => panic!("{other:?}"),
        }
        let mut other = a.clone();
        other.id = Uuid::now_v7();
        other.application_id = Uuid::new_v4();
        assert!(matches!(store.create_case(&other, &[], &[], &[]).await.unwrap(), CreateOutcome::TrackingNumberTaken));
        assert_eq!(store.count_cases().await.unwrap(), 1);
    }

    async fn one_relay_holds_the_outbox_lease_until_it_expires(app) {
        app.shutdown_now().await;
        let store = app.app.store().clone();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        // Well after the stopped service's own lease ran out.
        let now = app.clock.now().checked_add(SignedDuration::from_hours(1)).unwrap();
        let later = now.checked_add(SignedDuration::from_secs(30)).unwrap();
        assert!(store.acquire_outbox_lease(a, now, later).await.unwrap());
        assert!(store.acquire_outbox_lease(a, now, later).await.unwrap(), "the holder renews");
        assert!(!store.acquire_outbox_lease(b, now, later).await.unwrap());
        let after = later.checked_add(SignedDuration::from_secs(1)).unwrap();
        assert!(store.acquire_outbox_lease(b, after, after.checked_add(SignedDuration::from_secs(30)).unwrap()).await.unwrap());
    }

    async fn the_history_table_refuses_updates_and_deletes(app) {
        let a = stored(&mut app).await;
        let before = format!("{:?}", app.app.store().list_history(a.id).await.unwrap());
        let update = "UPDATE case_history SET detail = 'forged'";
        let delete = "DELETE FROM case_history";
        // The trigger's own refusal, not any failure (a typo in the SQL, a
        // missing table or a closed connection would fail too): its message,
        // and the code each database gives a trigger's abort.
        let (refusals, code, forged) = match app.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
                let refusals = [
                    sqlx::query(update).execute(&mut conn).await.unwrap_err(),
                    sqlx::query(delete).execute(&mut conn).await.unwrap_err(),
                ];
                let forged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_history WHERE detail = 'forged'").fetch_one(&mut conn).await.unwrap();
                // SQLITE_CONSTRAINT_TRIGGER: a trigger's RAISE(ABORT, …).
                (refusals, "1811", forged)
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
                let refusals = [
                    sqlx::query(update).execute(&mut conn).await.unwrap_err(),
                    sqlx::query(delete).execute(&mut conn).await.unwrap_err(),
                ];
                let forged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_history WHERE detail = 'forged'").fetch_one(&mut conn).await.unwrap();
                // raise_exception: a plpgsql RAISE EXCEPTION without a code.
                (refusals, "P0001", forged)
            }
        };
        for (statement, e) in [update, delete].into_iter().zip(refusals) {
            let db = e.as_database_error().unwrap_or_else(|| panic!("{statement}: not a database error: {e:?}"));
            assert_eq!(db.message(), "case_history is append-only", "{statement}: {e:?}");
            assert_eq!(db.code().as_deref(), Some(code), "{statement}: {e:?}");
        }
        assert_eq!(forged, 0, "the refused UPDATE changed a row");
        let after = format!("{:?}", app.app.store().list_history(a.id).await.unwrap());
        assert_eq!(after, before, "the history changed");
        assert_eq!(app.app.store().list_history(a.id).await.unwrap().len(), 1);
    }

    async fn a_capped_count_counts_what_the_list_would_show_and_stops_past_the_cap(app) {
        let a = stored(&mut app).await;
        for _ in 0..3 {
            stored(&mut app).await;
        }
        let store = app.app.store().clone();
        let pool = |pools: Option<Vec<Uuid>>| CaseQuery {
            pools,
            statuses: vec![a.status],
            ..CaseQuery::any(1)
        };
        let q = pool(Some(vec![a.pool_id]));
        assert_eq!(store.count_matching(&q, 10).await.unwrap(), 4, "the limit of a page is ignored");
        assert_eq!(store.count_matching(&q, 2).await.unwrap(), 3, "one past the cap means more");
        let mut one = q.clone();
        one.tracking_number = Some(a.tracking_number.clone());
        assert_eq!(store.count_matching(&one, 10).await.unwrap(), 1);
        assert_eq!(store.count_matching(&pool(Some(Vec::new())), 10).await.unwrap(), 0);
        let mut two_pools = pool(Some(vec![a.pool_id, Uuid::now_v7()]));
        two_pools.statuses.push(tekmerkez_case::domain::enums::CaseStatus::Held);
        assert_eq!(store.count_matching(&two_pools, 10).await.unwrap(), 4, "the per-pool branches are counted too");
    }

    async fn letter_numbers_run_per_year_without_gaps_or_duplicates_under_concurrent_closes(app) {
        const CLOSES: usize = 16;
        let mut cases = Vec::new();
        for _ in 0..CLOSES + 1 {
            cases.push(stored(&mut app).await);
        }
        let now = app.clock.now();
        let store = app.app.store().clone();
        let with_letter = |case: &tekmerkez_case::domain::case::Case, expected: i64, year: i16| {
            let mut ch = change(case, expected, now);
            ch.letter = Some(NewLetter {
                id: Uuid::now_v7(),
                case_id: case.id,
                case_version: expected + 1,
                prefix: "E-41000000".into(),
                year,
                official_answer: "Yanıt.".into(),
                created_by: Uuid::now_v7(),
                created_at: now,
            });
            ch
        };
        // Every close at once, and among them one that lost its race (a
        // stale version): it is rolled back and must give its number back.
        let stale = cases.pop().unwrap();
        let mut tasks = Vec::new();
        for c in &cases {
            let (store, ch) = (store.clone(), with_letter(c, c.version, 2026));
            tasks.push(tokio::spawn(async move { store.apply_changes(&[ch]).await }));
        }
        let (s2, lost) = (store.clone(), with_letter(&stale, stale.version + 5, 2026));
        tasks.push(tokio::spawn(async move { s2.apply_changes(&[lost]).await }));
        let mut conflicts = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => conflicts += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(conflicts, 1);
        // The same change written again (a retry after its commit) makes no second letter.
        let c0 = &cases[0];
        let again = store.apply_changes(&[with_letter(c0, c0.version, 2026)]).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

        let all = LetterQuery { pools: None, posted: false, offset: 0, limit: 100 };
        let letters = store.list_letters(&all).await.unwrap();
        assert_eq!(letters.len(), CLOSES, "one letter per committed close");
        let mut seqs: Vec<i64> = letters.iter().map(|l| l.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=i64::try_from(CLOSES).unwrap()).collect::<Vec<_>>(), "no gap, no duplicate");
        for l in &letters {
            assert_eq!(l.number, format!("E-41000000-2026-{:06}", l.seq));
        }
        assert!(store.list_letters(&all).await.unwrap().iter().all(|l| l.case_id != stale.id));
        // A new Istanbul year starts again at 1; the old year goes on.
        store.apply_changes(&[with_letter(&stale, stale.version, 2027)]).await.unwrap();
        let newest = store.latest_letter_of_case(stale.id).await.unwrap().unwrap();
        assert_eq!((newest.year, newest.seq, newest.number.as_str()), (2027, 1, "E-41000000-2027-000001"));
        assert_eq!(store.count_letters(&all, 100).await.unwrap(), u32::try_from(CLOSES).unwrap() + 1);
    }

    async fn lookup_windows_count_atomically_stop_past_the_limit_start_afresh_and_are_purged(app) {
        let store = app.app.store().clone();
        let now = app.clock.now();
        let hour = SignedDuration::from_hours(1);
        let counts = |g: tekmerkez_case::store::GuessCount| (g.guesses, g.window_started_at);
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", now, hour, 2).await.unwrap()), (1, now));
        let later = now + SignedDuration::from_mins(5);
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", later, hour, 2).await.unwrap()), (2, now));
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", later, hour, 2).await.unwrap()), (3, now));
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", later, hour, 2).await.unwrap()), (3, now), "stops one past the limit");
        // Another number has its own window.
        assert_eq!(counts(store.count_guess("BBBBBBBBBB", later, hour, 2).await.unwrap()), (1, later));
        store.forgive_guess("AAAAAAAAAA", now).await.unwrap();
        store.forgive_guess("AAAAAAAAAA", later).await.unwrap(); // another window: nothing
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", later, hour, 2).await.unwrap()), (3, now));
        // An hour after it began the window starts afresh.
        let next = now + hour;
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", next, hour, 2).await.unwrap()), (1, next));
        // Purging removes the windows that began before the bound only.
        assert_eq!(store.purge_guesses(later + SignedDuration::from_micros(1)).await.unwrap(), 1);
        assert_eq!(counts(store.count_guess("AAAAAAAAAA", next, hour, 2).await.unwrap()), (2, next));
        assert_eq!(counts(store.count_guess("BBBBBBBBBB", later, hour, 2).await.unwrap()), (1, later), "purged: afresh");
        assert_eq!(store.purge_guesses(next + hour).await.unwrap(), 2);
    }
}
