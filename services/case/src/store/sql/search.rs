//! The search index's statements. One `case_search` table keyed by the
//! case's seq (`rowid`): a GIN-indexed `tsvector` on PostgreSQL, an FTS5
//! table on SQLite. The writes are one SQL text for both; the match and
//! its ranking are each dialect's own.

use tekmerkez_sqlpool::{SqlPool, Statement, on_pool};
use tekmerkez_turkish::search::index_terms;

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

/// Indexes the new case `c` (after its row is inserted, in its transaction).
pub(super) fn insert_terms(c: &Case) -> Statement {
    Statement::new("INSERT INTO case_search (rowid, terms) SELECT seq, $1 FROM cases WHERE id = $2")
        .bind(terms_of(c))
        .bind(c.id)
}

/// Adds the terms of `text` (a note) to case `case_id`'s.
pub(super) fn append_terms(case_id: uuid::Uuid, text: &str) -> Statement {
    Statement::new(
        "UPDATE case_search SET terms = terms || ' ' || $1 \
         WHERE rowid = (SELECT seq FROM cases WHERE id = $2)",
    )
    .bind(index_terms(text).join(" "))
    .bind(case_id)
}

#[async_trait::async_trait]
impl SearchIndex for SqlStore {
    async fn search_cases(&self, q: &SearchQuery) -> Result<Vec<Case>, StoreError> {
        if q.roots.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let columns = super::cases::CASE_COLUMNS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let postgres = matches!(self.read, SqlPool::Postgres(_));
        let mut s = Statement::new(format!(
            "SELECT {columns} FROM case_search s JOIN cases c ON c.seq = s.rowid WHERE "
        ));
        if postgres {
            let query: Vec<String> = q.roots.iter().map(|r| format!("{r}:*")).collect();
            s.push("s.tsv @@ to_tsquery('simple', ")
                .push_bind(query.join(" & "))
                .push(")");
        } else {
            let query: Vec<String> = q.roots.iter().map(|r| format!("\"{r}\"*")).collect();
            s.push("s.terms MATCH ").push_bind(query.join(" AND "));
        }
        if let Some(pools) = &q.pools {
            if pools.is_empty() {
                return Ok(Vec::new());
            }
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
            .bind(terms)
            .bind(c.id);
            done += on_pool!(&self.write, |p| insert
                .query()
                .execute(p)
                .await?
                .rows_affected());
        }
        Ok(done)
    }
}
