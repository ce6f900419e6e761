//! The search index's statements. One `case_search` table keyed by the
//! case's seq (`rowid`): a GIN-indexed `tsvector` on PostgreSQL, an FTS5
//! table on SQLite. The writes are one SQL text for both; the match and
//! its ranking are each dialect's own.

use tekmerkez_sqlpool::{SqlPool, Statement, on_pool};
use tekmerkez_turkish::search::{SIMILAR, index_terms, trigram_similarity, trigrams};

use super::{SqlStore, cases::CaseRow};
use crate::{
    domain::case::Case,
    store::{CaseStore as _, SearchIndex, SearchQuery, StoreError},
};

/// A case's own terms: its text and its applicant's name.
fn terms_of(c: &Case) -> String {
    let name = c.contact.name.as_ref().map_or("", |n| n.expose());
    index_terms(&format!("{} {name}", c.text)).join(" ")
}

/// Indexes the new case `c` (after its row is inserted, in its
/// transaction): its terms, and its words in the vocabulary.
pub(super) fn insert_terms(c: &Case) -> Vec<Statement> {
    let terms = terms_of(c);
    let mut out = vec![
        Statement::new(
            "INSERT INTO case_search (rowid, terms) SELECT seq, $1 FROM cases WHERE id = $2",
        )
        .bind(terms.clone())
        .bind(c.id),
    ];
    out.extend(insert_words(&terms));
    out
}

/// Adds the terms of `text` (a note) to case `case_id`'s.
pub(super) fn append_terms(case_id: uuid::Uuid, text: &str) -> Vec<Statement> {
    let terms = index_terms(text).join(" ");
    let mut out = vec![
        Statement::new(
            "UPDATE case_search SET terms = terms || ' ' || $1 \
             WHERE rowid = (SELECT seq FROM cases WHERE id = $2)",
        )
        .bind(terms.clone())
        .bind(case_id),
    ];
    out.extend(insert_words(&terms));
    out
}

/// Shortest word kept in the vocabulary: shorter ones have too few
/// trigrams to be told apart.
const MIN_WORD: usize = 3;

/// Candidates read per misspelt word on SQLite before they are measured.
const CANDIDATES: u32 = 200;

/// Puts the words of `terms` (space-separated) in the vocabulary, each
/// once. Sorted, so that two transactions adding the same new words take
/// their index entries in one order.
fn insert_words(terms: &str) -> Option<Statement> {
    let mut words: Vec<&str> = terms
        .split(' ')
        .filter(|w| w.chars().count() >= MIN_WORD)
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return None;
    }
    let mut s = Statement::new("INSERT INTO search_words (word) VALUES ");
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.push("(").push_bind((*w).to_owned()).push(")");
    }
    s.push(" ON CONFLICT (word) DO NOTHING");
    Some(s)
}

/// One query position as the store matches it: the root's prefix, or
/// any of the words a misspelling stands for.
fn position(root: &str, alternatives: &[String], postgres: bool) -> String {
    if postgres {
        let mut any = vec![format!("{root}:*")];
        any.extend(alternatives.iter().cloned());
        format!("({})", any.join(" | "))
    } else {
        let mut any = vec![format!("\"{root}\"*")];
        any.extend(alternatives.iter().map(|a| format!("\"{a}\"")));
        format!("({})", any.join(" OR "))
    }
}

/// The newest records searched first on PostgreSQL (by sequence number).
const RECENT: i64 = 50_000;

/// Granularity of that stretch's lower bound.
const FLOOR_STEP: i64 = 10_000;

impl SqlStore {
    /// The matches of `q`, among records after `floor` when given, best
    /// first.
    async fn search_among(
        &self,
        q: &SearchQuery,
        floor: Option<i64>,
    ) -> Result<Vec<Case>, StoreError> {
        let columns = super::cases::CASE_COLUMNS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let postgres = matches!(self.read, SqlPool::Postgres(_));
        let mut s = Statement::new(format!(
            "SELECT {columns} FROM case_search s JOIN cases c ON c.seq = s.rowid WHERE "
        ));
        let positions: Vec<String> = q
            .roots
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let alternatives = q.alternatives.get(i).map_or(&[][..], Vec::as_slice);
                position(r, alternatives, postgres)
            })
            .collect();
        if postgres {
            s.push("s.tsv @@ to_tsquery('simple', ")
                .push_bind(positions.join(" & "))
                .push(")");
        } else {
            s.push("s.terms MATCH ").push_bind(positions.join(" AND "));
        }
        if let Some(floor) = floor {
            // A literal, not a parameter: a generic plan would not know
            // the stretch is small and would read every match.
            s.push(&format!(" AND s.rowid > {floor}"));
        }
        if let Some(pools) = &q.pools {
            s.push(" AND c.pool_id IN (")
                .push_list(pools.iter().copied())
                .push(")");
        }
        if let Some(by) = q.created_by {
            s.push(" AND c.created_by = ").push_bind(by);
        }
        s.push(if postgres {
            " ORDER BY ts_rank(s.tsv, to_tsquery('simple', $1)) DESC, c.seq DESC LIMIT "
        } else {
            " ORDER BY s.rank, c.seq DESC LIMIT "
        })
        .push_bind(i64::from(q.limit));
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| s.query_as().fetch_all(p).await?);
        rows.into_iter().map(Case::try_from).collect()
    }
}

#[async_trait::async_trait]
impl SearchIndex for SqlStore {
    async fn search_cases(&self, q: &SearchQuery) -> Result<Vec<Case>, StoreError> {
        if q.roots.is_empty() || q.limit == 0 || q.pools.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        if !matches!(self.read, SqlPool::Postgres(_)) {
            return self.search_among(q, None).await;
        }
        // The newest records first: a common word matches a large share of
        // a million records, and ranking every match reads each one. The
        // newest stretch is searched alone (cheap whatever the word) and the
        // whole index only when it holds too few.
        let top: i64 = on_pool!(&self.read, |p| sqlx::query_scalar(
            "SELECT COALESCE(MAX(rowid), 0) FROM case_search"
        )
        .fetch_one(p)
        .await?);
        if top > RECENT {
            // Rounded, so that the statement's text (which carries the
            // bound, for the planner to see it) changes rarely.
            let floor = (top - RECENT) / FLOOR_STEP * FLOOR_STEP;
            let recent = self.search_among(q, Some(floor)).await?;
            if recent.len() >= usize::try_from(q.enough).unwrap_or(usize::MAX) {
                return Ok(recent);
            }
        }
        self.search_among(q, None).await
    }

    async fn similar_words(&self, word: &str, limit: u32) -> Result<Vec<String>, StoreError> {
        let grams = trigrams(word);
        if word.chars().count() < MIN_WORD || limit == 0 {
            return Ok(Vec::new());
        }
        if matches!(self.read, SqlPool::Postgres(_)) {
            // `%` is pg_trgm's "similar above the threshold" (0.3, as
            // SIMILAR), answered from the GIN index.
            let sql = "SELECT word FROM search_words WHERE word % $1 AND word <> $1 \
                       ORDER BY similarity(word, $1) DESC, word LIMIT $2";
            return Ok(on_pool!(&self.read, |p| sqlx::query_scalar(sql)
                .bind(word)
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?));
        }
        // FTS5's trigram tokenizer finds the words sharing unpadded pieces;
        // they are measured as pg_trgm measures them.
        let pieces: Vec<String> = grams
            .iter()
            .filter(|g| !g.contains(&' '))
            .map(|g| format!("\"{}\"", g.iter().collect::<String>()))
            .collect();
        if pieces.is_empty() {
            return Ok(Vec::new());
        }
        let sql = "SELECT word FROM search_words_grams WHERE search_words_grams MATCH $1 \
                   ORDER BY rank LIMIT $2";
        let candidates: Vec<String> = on_pool!(&self.read, |p| sqlx::query_scalar(sql)
            .bind(pieces.join(" OR "))
            .bind(i64::from(CANDIDATES))
            .fetch_all(p)
            .await?);
        let mut alike: Vec<(f32, String)> = candidates
            .into_iter()
            .filter(|c| c != word)
            .map(|c| (trigram_similarity(word, &c), c))
            .filter(|(s, _)| *s >= SIMILAR)
            .collect();
        alike.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(alike
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|(_, w)| w)
            .collect())
    }

    async fn index_unindexed(&self, limit: u32) -> Result<u64, StoreError> {
        let find = Statement::new(format!(
            "SELECT {} FROM cases WHERE NOT EXISTS \
             (SELECT 1 FROM case_search s WHERE s.rowid = cases.seq) ORDER BY seq LIMIT $1",
            super::cases::CASE_COLUMNS
        ))
        .bind(i64::from(limit));
        let rows: Vec<CaseRow> = on_pool!(&self.read, |p| find.query_as().fetch_all(p).await?);
        let mut done = 0;
        for row in rows {
            let c = Case::try_from(row)?;
            let notes = self.list_notes(c.id).await?;
            let mut terms = terms_of(&c);
            for n in &notes {
                terms.push(' ');
                terms.push_str(&index_terms(&n.text).join(" "));
            }
            let insert = Statement::new(
                "INSERT INTO case_search (rowid, terms) SELECT seq, $1 FROM cases c WHERE id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM case_search s WHERE s.rowid = c.seq)",
            )
            .bind(terms.clone())
            .bind(c.id);
            done += on_pool!(&self.write, |p| insert
                .query()
                .execute(p)
                .await?
                .rows_affected());
            if let Some(words) = insert_words(&terms) {
                on_pool!(&self.write, |p| words
                    .query()
                    .execute(p)
                    .await?
                    .rows_affected());
            }
        }
        Ok(done)
    }
}
