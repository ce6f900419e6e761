//! Every service keeps two migration sets, `migrations/postgres` for
//! production and `migrations/sqlite` for `tekmerkez dev`, and runs one set
//! of statements on both (docs/adr/0002). This suite applies both sets of
//! each service to a real PostgreSQL and a real SQLite and compares what
//! they built — tables, columns (type mapped, nullability), primary keys,
//! unique constraints, indexes and triggers — so the two cannot drift
//! apart unnoticed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::LazyLock,
};

use sqlx::{Connection as _, Executor as _, Row as _, migrate::Migrator};

/// The services whose schemas exist twice.
const SERVICES: &[&str] = &["case", "intake", "routing", "notify", "gateway", "reports"];

/// Full-text indexes, each dialect's own by design (service, table): a
/// table with a GIN-indexed `tsvector` on PostgreSQL, an FTS5 virtual
/// table (and its `<table>_*` shadow tables) on SQLite. Both must have the
/// table with its `terms` column, written by one statement; the rest of
/// their shape is not compared.
const SEARCH_INDEXES: &[(&str, &str)] = &[("case", "case_search")];

/// Checks that both schemas have `service`'s full-text index tables with a
/// `terms` column, and sets them aside from the comparison.
fn set_aside_search(service: &str, pg: &mut Schema, lite: &mut Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (_, table) in SEARCH_INDEXES.iter().filter(|(s, _)| *s == service) {
        for (name, schema) in [("PostgreSQL", &*pg), ("SQLite", &*lite)] {
            if !schema
                .columns
                .get(*table)
                .is_some_and(|c| c.contains_key("terms"))
            {
                problems.push(format!("{name} has no search table {table} with terms"));
            }
        }
        let ours = |t: &str| t == *table || t.starts_with(&format!("{table}_"));
        for schema in [&mut *pg, &mut *lite] {
            schema.columns.retain(|t, _| !ours(t));
            schema.keys.retain(|t, _| !ours(t));
            schema.indexes.retain(|_, (t, ..)| !ours(t));
        }
    }
    problems
}

/// Trigram indexes over a vocabulary table (service, table), each
/// dialect's own by design: a GIN `gin_trgm_ops` index on PostgreSQL, an
/// FTS5 trigram table `<table>_grams` kept by a trigger on SQLite. The
/// table itself is compared as any other; its trigram index is checked to
/// exist and set aside.
const TRIGRAM_INDEXES: &[(&str, &str)] = &[("case", "search_words")];

fn set_aside_trigrams(service: &str, pg: &mut Schema, lite: &mut Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (_, table) in TRIGRAM_INDEXES.iter().filter(|(s, _)| *s == service) {
        let grams = format!("{table}_grams");
        let pg_index = |(t, ..): &(String, bool, Vec<String>, bool)| t == table;
        let gin: Vec<String> = pg
            .indexes
            .iter()
            .filter(|(name, i)| name.ends_with("_trgm") && pg_index(i))
            .map(|(name, _)| name.clone())
            .collect();
        if gin.is_empty() {
            problems.push(format!("PostgreSQL has no trigram index on {table}"));
        }
        pg.indexes.retain(|name, _| !gin.contains(name));
        if !lite.columns.contains_key(&grams) {
            problems.push(format!("SQLite has no trigram table {grams}"));
        }
        let ours = |t: &str| t == grams || t.starts_with(&format!("{grams}_"));
        lite.columns.retain(|t, _| !ours(t));
        lite.keys.retain(|t, _| !ours(t));
        lite.indexes.retain(|_, (t, ..)| !ours(t));
        lite.triggers.retain(|(t, ..)| t != table);
    }
    problems
}

static PG_ADMIN_URL: LazyLock<String> = LazyLock::new(|| {
    std::env::var("TEKMERKEZ_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:55432/postgres".to_owned())
});

/// A schema as both backends can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    /// table → column → (type class, nullable)
    columns: BTreeMap<String, BTreeMap<String, (String, bool)>>,
    /// table → the columns of its primary key and of each unique
    /// constraint. One set, not two: a SQLite table may key on its rowid
    /// (`seq INTEGER PRIMARY KEY`) and keep the id unique where PostgreSQL
    /// does the reverse; both refuse the same duplicates.
    keys: BTreeMap<String, BTreeSet<Vec<String>>>,
    /// index name → (table, unique, columns, partial)
    indexes: BTreeMap<String, (String, bool, Vec<String>, bool)>,
    /// (table, timing, event) of each trigger
    triggers: BTreeSet<(String, String, String)>,
}

fn migrations(service: &str, backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(service)
        .join("migrations")
        .join(backend)
}

/// The type class a PostgreSQL column type stands for.
fn pg_class(data_type: &str) -> String {
    match data_type {
        "uuid" => "uuid",
        "text" | "character varying" => "text",
        "bigint" => "int64",
        "integer" | "smallint" => "int32",
        "boolean" => "bool",
        "bytea" => "bytes",
        "double precision" | "real" => "float",
        other => other,
    }
    .to_owned()
}

/// Whether SQLite's declared type stores what the PostgreSQL class holds,
/// the way the services' statements bind it (a UUID is 16 bytes, a flag
/// 0/1, time is BIGINT microseconds on both).
fn sqlite_stores(class: &str, declared: &str) -> bool {
    let declared = declared.to_ascii_uppercase();
    match class {
        // sqlx binds a UUID as 16 bytes; under `UUID`'s NUMERIC affinity
        // (case_attachments, shipped so) a blob is stored unchanged too.
        "uuid" => matches!(declared.as_str(), "BLOB" | "UUID"),
        "bytes" => declared == "BLOB",
        "text" => declared == "TEXT",
        "int64" => matches!(declared.as_str(), "BIGINT" | "INTEGER"),
        "int32" => matches!(declared.as_str(), "INTEGER" | "INT" | "BIGINT"),
        "bool" => declared == "BOOLEAN",
        "float" => matches!(declared.as_str(), "REAL" | "DOUBLE"),
        _ => false,
    }
}

async fn postgres_schema(service: &str) -> Schema {
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&PG_ADMIN_URL).await.expect(
        "PostgreSQL for tests is not reachable: run `scripts/postgres start` (the README's test command does)",
    );
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    let base = PG_ADMIN_URL.rsplit_once('/').unwrap().0;
    let pool = sqlx::PgPool::connect(&format!("{base}/{name}"))
        .await
        .unwrap();
    Migrator::new(migrations(service, "postgres"))
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap_or_else(|e| panic!("{service}'s PostgreSQL migrations: {e}"));

    let mut schema = Schema::default();
    for row in sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let table: String = row.get(0);
        let data_type: String = row.get(2);
        let nullable: String = row.get(3);
        schema
            .columns
            .entry(table)
            .or_default()
            .insert(row.get(1), (pg_class(&data_type), nullable == "YES"));
    }
    // Primary keys and unique constraints, with their columns in key order.
    for row in sqlx::query(
        "SELECT c.conrelid::regclass::text, c.contype::text,
                array_agg(a.attname::text ORDER BY k.ord)
         FROM pg_constraint c
         JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
         WHERE c.contype IN ('p', 'u') AND c.connamespace = 'public'::regnamespace
         GROUP BY c.oid, c.conrelid, c.contype",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let table: String = row.get(0);
        let columns: Vec<String> = row.get(2);
        if table == "_sqlx_migrations" {
            continue;
        }
        schema.keys.entry(table).or_default().insert(columns);
    }
    // Indexes made by CREATE INDEX (not those behind a constraint).
    for row in sqlx::query(
        "SELECT i.relname::text, t.relname::text, x.indisunique,
                array_agg(a.attname::text ORDER BY k.ord), x.indpred IS NOT NULL
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE t.relnamespace = 'public'::regnamespace
           AND t.relname <> '_sqlx_migrations'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
         GROUP BY i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        // An expression's column is NULL: name it so it still compares.
        let columns: Vec<Option<String>> = row.get(3);
        let columns = columns
            .into_iter()
            .map(|c| c.unwrap_or_else(|| "(expression)".to_owned()))
            .collect();
        schema
            .indexes
            .insert(row.get(0), (row.get(1), row.get(2), columns, row.get(4)));
    }
    for row in sqlx::query(
        "SELECT event_object_table::text, action_timing::text, event_manipulation::text
         FROM information_schema.triggers WHERE trigger_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        schema.triggers.insert((row.get(0), row.get(1), row.get(2)));
    }
    pool.close().await;
    // Leftovers are pruned by scripts/postgres; dropping now keeps it tidy.
    let _ = admin
        .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
        .await;
    schema
}

/// SQLite's view of the same, with PostgreSQL's type classes taken from
/// `reference` (SQLite's declared types are checked against them).
async fn sqlite_schema(service: &str) -> (Schema, BTreeMap<(String, String), String>) {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    Migrator::new(migrations(service, "sqlite"))
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap_or_else(|e| panic!("{service}'s SQLite migrations: {e}"));

    let mut schema = Schema::default();
    let mut declared = BTreeMap::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in &tables {
        let mut pk: Vec<(i64, String)> = Vec::new();
        for row in sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(table)
            .fetch_all(&pool)
            .await
            .unwrap()
        {
            let column: String = row.get(0);
            let ty: String = row.get(1);
            let not_null: i64 = row.get(2);
            let pk_pos: i64 = row.get(3);
            // A key column is never NULL in what the stores write; SQLite
            // only fails to enforce it for legacy reasons.
            let nullable = not_null == 0 && pk_pos == 0;
            if pk_pos > 0 {
                pk.push((pk_pos, column.clone()));
            }
            declared.insert((table.clone(), column.clone()), ty);
            schema
                .columns
                .entry(table.clone())
                .or_default()
                .insert(column, (String::new(), nullable));
        }
        if !pk.is_empty() {
            pk.sort();
            schema
                .keys
                .entry(table.clone())
                .or_default()
                .insert(pk.into_iter().map(|(_, c)| c).collect());
        }
        for row in sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
            .bind(table)
            .fetch_all(&pool)
            .await
            .unwrap()
        {
            let index: String = row.get(0);
            let unique: bool = row.get::<i64, _>(1) != 0;
            let origin: String = row.get(2);
            let partial: bool = row.get::<i64, _>(3) != 0;
            let columns: Vec<String> =
                sqlx::query("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&pool)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| {
                        r.get::<Option<String>, _>(0)
                            .unwrap_or_else(|| "(expression)".to_owned())
                    })
                    .collect();
            match origin.as_str() {
                "u" => {
                    schema
                        .keys
                        .entry(table.clone())
                        .or_default()
                        .insert(columns);
                }
                "pk" => {}
                _ => {
                    schema
                        .indexes
                        .insert(index, (table.clone(), unique, columns, partial));
                }
            }
        }
    }
    for sql in
        sqlx::query_scalar::<_, String>("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(&pool)
            .await
            .unwrap()
    {
        schema.triggers.insert(trigger_of(&sql));
    }
    (schema, declared)
}

/// (table, timing, event) of a SQLite `CREATE TRIGGER`: the words after
/// the timing (`BEFORE UPDATE [OF …] ON table`), never the body's.
fn trigger_of(sql: &str) -> (String, String, String) {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let t = upper
        .iter()
        .position(|w| matches!(w.as_str(), "BEFORE" | "AFTER" | "INSTEAD"))
        .unwrap_or_else(|| panic!("no timing in trigger: {sql}"));
    let e = if upper[t] == "INSTEAD" { t + 2 } else { t + 1 };
    let on = e + upper[e..]
        .iter()
        .position(|w| w == "ON")
        .unwrap_or_else(|| panic!("no table in trigger: {sql}"));
    (
        words[on + 1].trim_matches('"').to_owned(),
        upper[t].clone(),
        upper[e].clone(),
    )
}

async fn compare(service: &str) -> Vec<String> {
    let mut pg = postgres_schema(service).await;
    let (mut lite, declared) = sqlite_schema(service).await;
    let mut problems = set_aside_search(service, &mut pg, &mut lite);
    problems.extend(set_aside_trigrams(service, &mut pg, &mut lite));
    // Type classes: SQLite's declared type must store PostgreSQL's class.
    for (table, columns) in &mut lite.columns {
        for (column, (class, _)) in columns.iter_mut() {
            let Some((pg_class, _)) = pg.columns.get(table).and_then(|c| c.get(column)) else {
                continue;
            };
            let ty = &declared[&(table.clone(), column.clone())];
            if sqlite_stores(pg_class, ty) {
                class.clone_from(pg_class);
            } else {
                problems.push(format!(
                    "{table}.{column}: PostgreSQL {pg_class}, SQLite declares {ty}"
                ));
                class.clone_from(ty);
            }
        }
    }
    let mut diff = |what: &str, a: String, b: String| {
        if a != b {
            problems.push(format!(
                "{what} differ:\n  PostgreSQL: {a}\n  SQLite:     {b}"
            ));
        }
    };
    diff(
        "columns",
        format!("{:?}", pg.columns),
        format!("{:?}", lite.columns),
    );
    diff(
        "primary keys and unique constraints",
        format!("{:?}", pg.keys),
        format!("{:?}", lite.keys),
    );
    diff(
        "indexes",
        format!("{:?}", pg.indexes),
        format!("{:?}", lite.indexes),
    );
    diff(
        "triggers",
        format!("{:?}", pg.triggers),
        format!("{:?}", lite.triggers),
    );
    assert!(
        !pg.columns.is_empty(),
        "{service}: the PostgreSQL migrations made no table"
    );
    problems
}

#[tokio::test]
async fn each_services_postgresql_and_sqlite_migrations_build_the_same_schema() {
    let mut report = Vec::new();
    for service in SERVICES {
        for p in compare(service).await {
            report.push(format!("{service}: {p}"));
        }
    }
    assert!(
        report.is_empty(),
        "the schemas drifted:\n{}",
        report.join("\n")
    );
}

#[test]
fn a_sqlite_trigger_is_read_as_table_timing_and_event() {
    assert_eq!(
        trigger_of(
            "CREATE TRIGGER task_history_no_delete BEFORE DELETE ON task_history\nBEGIN INSERT INTO x VALUES (1); UPDATE y SET z = 1; END"
        ),
        (
            "task_history".to_owned(),
            "BEFORE".to_owned(),
            "DELETE".to_owned()
        )
    );
    assert_eq!(
        trigger_of(
            "CREATE TRIGGER task_history_no_update BEFORE UPDATE OF note ON task_history\nBEGIN SELECT RAISE(ABORT, 'x'); END"
        ),
        (
            "task_history".to_owned(),
            "BEFORE".to_owned(),
            "UPDATE".to_owned()
        )
    );
}

#[test]
fn sqlite_types_are_checked_against_postgresql_classes() {
    assert!(sqlite_stores("uuid", "BLOB"));
    assert!(sqlite_stores("int64", "BIGINT"));
    assert!(!sqlite_stores("uuid", "TEXT"));
    assert!(!sqlite_stores("bool", "TEXT"));
    assert!(!sqlite_stores("jsonb", "TEXT"));
}
