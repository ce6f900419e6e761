//! Statements assembled away from the pool: SQL with its values, bound on
//! whichever backend [`on_pool!`](crate::on_pool) picked. A list query's
//! filters and the rows one operation writes beside another's are built
//! once, in plain Rust, and run on PostgreSQL and SQLite alike.

use std::fmt::{self, Write as _};

use sqlx::{
    Database, FromRow, Postgres, Sqlite,
    query::{Query, QueryAs, QueryScalar},
};
use uuid::Uuid;

/// A value bound to a statement; `None` is SQL NULL of the value's type
/// (PostgreSQL needs the type even for NULL).
#[derive(Clone, PartialEq)]
pub enum Value {
    /// BOOLEAN.
    Bool(Option<bool>),
    /// BIGINT (SQLite INTEGER).
    Int(Option<i64>),
    /// DOUBLE PRECISION (SQLite REAL).
    Float(Option<f64>),
    /// TEXT.
    Text(Option<String>),
    /// UUID (SQLite: as sqlx stores it).
    Uuid(Option<Uuid>),
    /// BYTEA (SQLite BLOB).
    Bytes(Option<Vec<u8>>),
}

impl Value {
    /// The SQL type's name, for logs that must not show the value.
    fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Text(_) => "text",
            Value::Uuid(_) => "uuid",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// Values are often personal data (a name, a phone number): debug output
/// shows only their types.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => $conv:expr),+ $(,)?) => {
        $(
            impl From<$t> for Value {
                fn from(v: $t) -> Self {
                    #[allow(clippy::redundant_closure_call)]
                    Value::$variant(Some(($conv)(v)))
                }
            }
            impl From<Option<$t>> for Value {
                fn from(v: Option<$t>) -> Self {
                    #[allow(clippy::redundant_closure_call)]
                    Value::$variant(v.map($conv))
                }
            }
        )+
    };
}

value_from!(Bool: bool => |v| v);
value_from!(Int: i64 => |v| v);
value_from!(Float: f64 => |v| v);
value_from!(Text: String => |v| v, &str => str::to_owned, &String => String::clone);
value_from!(Uuid: Uuid => |v| v);
value_from!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec, &Vec<u8> => Vec::clone);

/// A backend a [`Statement`] binds its values on: PostgreSQL and SQLite.
pub trait Backend: Database {
    /// `q` with `v` bound next.
    fn bind<'q>(
        q: Query<'q, Self, <Self as Database>::Arguments<'q>>,
        v: &'q Value,
    ) -> Query<'q, Self, <Self as Database>::Arguments<'q>>;

    /// `q` with `v` bound next.
    fn bind_as<'q, O>(
        q: QueryAs<'q, Self, O, <Self as Database>::Arguments<'q>>,
        v: &'q Value,
    ) -> QueryAs<'q, Self, O, <Self as Database>::Arguments<'q>>;

    /// `q` with `v` bound next.
    fn bind_scalar<'q, O>(
        q: QueryScalar<'q, Self, O, <Self as Database>::Arguments<'q>>,
        v: &'q Value,
    ) -> QueryScalar<'q, Self, O, <Self as Database>::Arguments<'q>>;
}

/// Binds by reference: a text or a file is not copied again.
macro_rules! bind_value {
    ($q:expr, $v:expr) => {
        match $v {
            Value::Bool(x) => $q.bind(*x),
            Value::Int(x) => $q.bind(*x),
            Value::Float(x) => $q.bind(*x),
            Value::Text(x) => $q.bind(x.as_deref()),
            Value::Uuid(x) => $q.bind(*x),
            Value::Bytes(x) => $q.bind(x.as_deref()),
        }
    };
}

macro_rules! backend {
    ($db:ty) => {
        impl Backend for $db {
            fn bind<'q>(
                q: Query<'q, Self, <Self as Database>::Arguments<'q>>,
                v: &'q Value,
            ) -> Query<'q, Self, <Self as Database>::Arguments<'q>> {
                bind_value!(q, v)
            }

            fn bind_as<'q, O>(
                q: QueryAs<'q, Self, O, <Self as Database>::Arguments<'q>>,
                v: &'q Value,
            ) -> QueryAs<'q, Self, O, <Self as Database>::Arguments<'q>> {
                bind_value!(q, v)
            }

            fn bind_scalar<'q, O>(
                q: QueryScalar<'q, Self, O, <Self as Database>::Arguments<'q>>,
                v: &'q Value,
            ) -> QueryScalar<'q, Self, O, <Self as Database>::Arguments<'q>> {
                bind_value!(q, v)
            }
        }
    };
}

backend!(Postgres);
backend!(Sqlite);

/// SQL with its values. Placeholders are `$1`, `$2`, … in the order values
/// are added, which both backends accept: write them in fixed SQL and add
/// values with [`Statement::bind`], or let [`Statement::push_bind`] write
/// them while the SQL is assembled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    sql: String,
    values: Vec<Value>,
}

impl Statement {
    /// A statement starting with `sql`.
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            values: Vec::new(),
        }
    }

    /// Adds the value of the next placeholder already in the SQL.
    #[must_use]
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.values.push(v.into());
        self
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for `v`.
    pub fn push_bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        // Writing to a String cannot fail.
        let _ = write!(self.sql, "${}", self.values.len());
        self
    }

    /// Appends `$a, $b, …`, one placeholder per value (for `IN (…)`).
    pub fn push_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(v);
        }
        self
    }

    /// The SQL as assembled.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The values, in placeholder order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The statement for `execute` or untyped rows on backend `DB`.
    pub fn query<DB: Backend>(&self) -> Query<'_, DB, <DB as Database>::Arguments<'_>> {
        self.values
            .iter()
            .fold(sqlx::query(&self.sql), |q, v| DB::bind(q, v))
    }

    /// The statement reading rows as `O` on backend `DB`.
    pub fn query_as<DB: Backend, O>(&self) -> QueryAs<'_, DB, O, <DB as Database>::Arguments<'_>>
    where
        O: for<'r> FromRow<'r, DB::Row>,
    {
        self.values
            .iter()
            .fold(sqlx::query_as(&self.sql), |q, v| DB::bind_as(q, v))
    }

    /// The statement reading one column as `O` on backend `DB`.
    pub fn query_scalar<DB: Backend, O>(
        &self,
    ) -> QueryScalar<'_, DB, O, <DB as Database>::Arguments<'_>>
    where
        (O,): for<'r> FromRow<'r, DB::Row>,
    {
        self.values
            .iter()
            .fold(sqlx::query_scalar(&self.sql), |q, v| DB::bind_scalar(q, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_values_are_added() {
        let mut s = Statement::new("SELECT 1 FROM t WHERE a = $1").bind(7_i64);
        s.push(" AND b IN (")
            .push_list(["x", "y"])
            .push(") AND c = ")
            .push_bind(None::<Uuid>);
        assert_eq!(
            s.sql(),
            "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3) AND c = $4"
        );
        assert_eq!(
            s.values(),
            [
                Value::Int(Some(7)),
                Value::Text(Some("x".into())),
                Value::Text(Some("y".into())),
                Value::Uuid(None)
            ]
        );
    }

    #[test]
    fn debug_output_shows_types_not_values() {
        let s = Statement::new("INSERT INTO t (name) VALUES ($1)").bind("Ayşe Yıldırım");
        let shown = format!("{s:?}");
        assert!(!shown.contains("Ayşe"), "{shown}");
        assert!(shown.contains("text"), "{shown}");
    }
}

#[cfg(test)]
mod on_sqlite {
    use super::*;
    use crate::{SqlPool, on_pool};

    #[derive(Debug, PartialEq, sqlx::FromRow)]
    struct Row {
        flag: Option<bool>,
        n: Option<i64>,
        x: Option<f64>,
        name: Option<String>,
        id: Option<Uuid>,
        content: Option<Vec<u8>>,
    }

    #[tokio::test]
    async fn every_value_kind_round_trips_and_nulls_stay_null() {
        let pool = SqlPool::connect_lazy("sqlite::memory:", 1).unwrap();
        let id = Uuid::new_v4();
        let rows: Vec<Row> = on_pool!(&pool, |p| {
            sqlx::query(
                "CREATE TABLE t (flag BOOLEAN, n BIGINT, x DOUBLE PRECISION, name TEXT, id UUID, content BYTEA)",
            )
            .execute(p)
            .await
            .unwrap();
            let insert =
                "INSERT INTO t (flag, n, x, name, id, content) VALUES ($1, $2, $3, $4, $5, $6)";
            Statement::new(insert)
                .bind(true)
                .bind(-7_i64)
                .bind(0.5_f64)
                .bind("İğdır")
                .bind(id)
                .bind(&b"\x00\x01"[..])
                .query()
                .execute(p)
                .await
                .unwrap();
            Statement::new(insert)
                .bind(None::<bool>)
                .bind(None::<i64>)
                .bind(None::<f64>)
                .bind(None::<&str>)
                .bind(None::<Uuid>)
                .bind(None::<Vec<u8>>)
                .query()
                .execute(p)
                .await
                .unwrap();
            let mut select =
                Statement::new("SELECT flag, n, x, name, id, content FROM t WHERE n IN (");
            select
                .push_list([-7_i64, 8])
                .push(") OR n IS NULL ORDER BY n DESC");
            select.query_as().fetch_all(p).await.unwrap()
        });
        assert_eq!(
            rows,
            [
                Row {
                    flag: Some(true),
                    n: Some(-7),
                    x: Some(0.5),
                    name: Some("İğdır".into()),
                    id: Some(id),
                    content: Some(vec![0, 1]),
                },
                Row {
                    flag: None,
                    n: None,
                    x: None,
                    name: None,
                    id: None,
                    content: None,
                },
            ]
        );
    }
}
