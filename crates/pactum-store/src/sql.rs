//! A tiny helper for SQL whose shape depends on static table descriptions: placeholders are
//! numbered as values are added, and every value is bound, never spliced into the text.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AssertSqlSafe};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Some(s.to_owned()))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Some(s))
    }
}

impl From<uuid::Uuid> for Value {
    fn from(id: uuid::Uuid) -> Self {
        Value::Text(Some(id.to_string()))
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::Text(s)
    }
}

impl From<Option<&str>> for Value {
    fn from(s: Option<&str>) -> Self {
        Value::Text(s.map(str::to_owned))
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(Some(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Timestamps are stored in the fixed text format of [`pactum_domain::timestamp`].
impl From<time::OffsetDateTime> for Value {
    fn from(t: time::OffsetDateTime) -> Self {
        Value::Text(Some(pactum_domain::timestamp::format(t)))
    }
}

impl From<Option<time::OffsetDateTime>> for Value {
    fn from(t: Option<time::OffsetDateTime>) -> Self {
        Value::Text(t.map(pactum_domain::timestamp::format))
    }
}

/// Fixed SQL text with `$1`, `$2`... and its arguments in that order.
pub(crate) fn q(text: &'static str, args: Vec<Value>) -> Sql {
    Sql {
        text: text.to_owned(),
        args,
    }
}

/// SQL text plus its arguments, in placeholder order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Value>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Registers a value and returns its placeholder (`$3`).
    pub fn arg(&mut self, value: impl Into<Value>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// The query, ready to run.
    ///
    /// The text is assembled only from `&'static str` identifiers of the schema descriptions
    /// and numbered placeholders; user input only ever travels as bound arguments.
    pub fn query(self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text));
        for v in self.args {
            q = bind(q, v);
        }
        q
    }

    pub fn query_as<O>(self) -> QueryAs<'static, Any, O, AnyArguments>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, O>(AssertSqlSafe(self.text));
        for v in self.args {
            q = match v {
                Value::Text(t) => q.bind(t),
                Value::Int(i) => q.bind(i),
                Value::Bool(b) => q.bind(b),
            };
        }
        q
    }
}

fn bind(q: Query<'static, Any, AnyArguments>, v: Value) -> Query<'static, Any, AnyArguments> {
    match v {
        Value::Text(t) => q.bind(t),
        Value::Int(i) => q.bind(i),
        Value::Bool(b) => q.bind(b),
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside `LIKE ... ESCAPE '\'`.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        let a = sql.arg("x");
        let b = sql.arg(Value::Int(Some(2)));
        assert_eq!((a.as_str(), b.as_str()), ("$1", "$2"));
        assert_eq!(sql.args.len(), 2);
    }

    #[test]
    fn like_is_literal() {
        assert_eq!(like_pattern("50%_A\\"), "%50\\%\\_A\\\\%");
    }
}
