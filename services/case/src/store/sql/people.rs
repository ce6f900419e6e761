//! The person index's statements: a new case's keys, inserted in its
//! transaction, and the cases sharing keys, read as one index range per key
//! (`person_keys`' primary key is key, then time) and then by id.

use std::collections::BTreeSet;

use tekmerkez_sqlpool::{Statement, on_pool};
use uuid::Uuid;

use super::{SqlStore, cases::CaseRow, micros};
use crate::{
    domain::{
        case::Case,
        person::{KeyKind, PersonKey},
    },
    store::{PersonIndex, SharingCase, StoreError},
};

const INSERT_KEY: &str =
    "INSERT INTO person_keys (person_key, created_at, case_id) VALUES ($1, $2, $3)";

/// The rows that index `c` by its contact's keys.
pub(super) fn insert_person_keys(c: &Case) -> impl Iterator<Item = Statement> + '_ {
    PersonKey::of(&c.contact).into_iter().map(|k| {
        Statement::new(INSERT_KEY)
            .bind(k.as_stored())
            .bind(micros(c.created_at))
            .bind(c.id)
    })
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    person_key: String,
    case_id: Uuid,
}

/// Case ids in the order first met, each with the kinds it shares.
fn group(rows: Vec<KeyRow>, limit: usize) -> Vec<(Uuid, BTreeSet<KeyKind>)> {
    let mut out: Vec<(Uuid, BTreeSet<KeyKind>)> = Vec::new();
    for r in rows {
        let kind = PersonKey::from_stored(r.person_key).kind();
        let at = match out.iter().position(|(id, _)| *id == r.case_id) {
            Some(i) => i,
            None if out.len() < limit => {
                out.push((r.case_id, BTreeSet::new()));
                out.len() - 1
            }
            None => continue,
        };
        out[at].1.extend(kind);
    }
    out
}

#[async_trait::async_trait]
impl PersonIndex for SqlStore {
    async fn cases_sharing(
        &self,
        keys: &[PersonKey],
        except: Uuid,
        limit: u32,
    ) -> Result<Vec<SharingCase>, StoreError> {
        if keys.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // A case holds each key at most once, so this many rows hold at
        // least `limit` distinct cases when there are that many.
        let rows_needed =
            i64::from(limit).saturating_mul(keys.len().try_into().unwrap_or(i64::MAX));
        let mut find =
            Statement::new("SELECT person_key, case_id FROM person_keys WHERE person_key IN (");
        find.push_list(keys.iter().map(PersonKey::as_stored))
            .push(") AND case_id <> ")
            .push_bind(except)
            .push(" ORDER BY created_at DESC, case_id DESC LIMIT ")
            .push_bind(rows_needed);
        let rows: Vec<KeyRow> = on_pool!(&self.read, |p| find.query_as().fetch_all(p).await?);
        let found = group(rows, usize::try_from(limit).unwrap_or(usize::MAX));
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let mut read = Statement::new(format!(
            "SELECT {} FROM cases WHERE id IN (",
            super::cases::CASE_COLUMNS
        ));
        read.push_list(found.iter().map(|(id, _)| *id)).push(")");
        let cases: Vec<CaseRow> = on_pool!(&self.read, |p| read.query_as().fetch_all(p).await?);
        let mut cases: Vec<Case> = cases
            .into_iter()
            .map(Case::try_from)
            .collect::<Result<_, _>>()?;
        Ok(found
            .into_iter()
            .filter_map(|(id, shares)| {
                let i = cases.iter().position(|c| c.id == id)?;
                Some(SharingCase {
                    case: cases.swap_remove(i),
                    shares: shares.into_iter().collect(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, id: u128) -> KeyRow {
        KeyRow {
            person_key: key.into(),
            case_id: Uuid::from_u128(id),
        }
    }

    #[test]
    fn cases_keep_the_order_first_met_with_every_kind_they_share() {
        let rows = vec![
            row("email:a@b.com", 3),
            row("phone:+905321234567", 2),
            row("phone:+905321234567", 3),
            row("email:a@b.com", 1),
        ];
        let got = group(rows, 10);
        let ids: Vec<u128> = got.iter().map(|(id, _)| id.as_u128()).collect();
        assert_eq!(ids, [3, 2, 1]);
        assert_eq!(
            got[0].1.iter().copied().collect::<Vec<_>>(),
            [KeyKind::Phone, KeyKind::Email]
        );
    }

    #[test]
    fn grouping_stops_at_the_limit_but_still_adds_kinds_to_the_cases_kept() {
        let rows = vec![
            row("phone:+905321234567", 1),
            row("phone:+905321234567", 2),
            row("email:a@b.com", 1),
        ];
        let got = group(rows, 1);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.len(), 2);
    }
}
