//! Create, read, update, delete and list for every entity with a [`Table`], inside the
//! caller's tenant scope. Each write validates, checks references and writes in one
//! transaction: either all of it is stored or none of it.

use std::collections::HashMap;

use pactum_domain::gaps;
use pactum_domain::timestamp::{self, serde_fmt};
use pactum_domain::validation::Violations;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::codec::{self, Encoded, LinkMaps};
use crate::database::Sealer;
use crate::database::Store;
use crate::error::{Result, StoreError};
use crate::schema::{ScopeKind, Stored, Table};
use crate::scope::Scope;
use crate::sql::{Sql, Value, like_pattern};

/// A stored entity with its identity and timestamps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record<E> {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    #[serde(with = "serde_fmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "serde_fmt")]
    pub updated_at: OffsetDateTime,
    #[serde(flatten)]
    pub data: E,
}

/// What a list request asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Case-insensitive text filter over the table's search columns.
    pub q: Option<String>,
    /// A column name, `-` in front for descending.
    pub sort: Option<String>,
    pub limit: u32,
    pub offset: u64,
    /// Equality filters on reference columns (`service_id`, `vendor_id`, ...).
    pub filters: Vec<(String, Uuid)>,
}

pub const MAX_PAGE: u32 = 500;

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
}

fn select_list(table: &Table) -> String {
    let mut cols = String::from("id, created_at, updated_at");
    if table.scope == ScopeKind::Project {
        cols.push_str(", project_id");
    }
    for c in table.columns {
        cols.push_str(", ");
        cols.push_str(c.name);
    }
    cols
}

/// Appends `org_id = $n [AND project_id = $m]`, refusing a scope of the wrong kind.
fn push_scope(sql: &mut Sql, table: &Table, scope: Scope, alias: &str) -> Result<()> {
    let org = sql.arg(scope.org().0);
    sql.push(&format!("{alias}org_id = {org}"));
    match (table.scope, scope) {
        (ScopeKind::Org, Scope::Org(_)) => Ok(()),
        (ScopeKind::Project, Scope::Project(_, p)) => {
            let p = sql.arg(p.0);
            sql.push(&format!(" AND {alias}project_id = {p}"));
            Ok(())
        }
        _ => Err(StoreError::Corrupt(format!(
            "{} asked for in the wrong kind of scope",
            table.name
        ))),
    }
}

/// `AND (<a search column contains q>)`, case-insensitive. PostgreSQL's ILIKE is served
/// by the trigram indexes of migration 0010 where pg_trgm exists. On SQLite the data map's
/// collections have a trigram full-text table (same migration) that finds the rows by
/// index; shorter queries than a trigram, and other tables, use LIKE, which ignores ASCII
/// case already (no LOWER() on every row).
fn push_search(sql: &mut Sql, backend: crate::Backend, table: &Table, q: &str) {
    let indexed = crate::schema::data_map()
        .iter()
        .any(|m| m.table.name == table.name);
    if backend == crate::Backend::Sqlite && indexed && q.chars().count() >= 3 {
        // One phrase of trigrams is a substring match; quotes are doubled inside it.
        let phrase = sql.arg(format!("\"{}\"", q.replace('"', "\"\"")));
        sql.push(&format!(
            " AND id IN (SELECT k.id FROM {t}_search s JOIN search_keys k ON k.key = s.rowid \
             WHERE {t}_search MATCH {phrase})",
            t = table.name
        ));
        return;
    }
    let pattern = sql.arg(like_pattern(q));
    let op = match backend {
        crate::Backend::Sqlite => "LIKE",
        crate::Backend::Postgres => "ILIKE",
    };
    let ors: Vec<String> = table
        .search
        .iter()
        .map(|c| format!("{c} {op} {pattern} ESCAPE '\\'"))
        .collect();
    sql.push(&format!(" AND ({})", ors.join(" OR ")));
}

/// A project-scoped request for a project that is not in the organisation is a 404.
pub(crate) async fn ensure_project(conn: &mut AnyConnection, scope: Scope) -> Result<()> {
    if let Scope::Project(org, project) = scope {
        let mut sql = Sql::new("SELECT COUNT(*) FROM projects WHERE id = ");
        let p = sql.arg(project.0);
        let o = sql.arg(org.0);
        sql.push(&format!("{p} AND org_id = {o}"));
        let (n,): (i64,) = sql.query_as().fetch_one(&mut *conn).await?;
        if n == 0 {
            return Err(StoreError::NotFound("project"));
        }
    }
    Ok(())
}

fn meta_from_row(
    row: &AnyRow,
    table: &Table,
) -> Result<(Uuid, Option<Uuid>, OffsetDateTime, OffsetDateTime)> {
    let id: String = row.try_get("id")?;
    let id =
        Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(format!("{}.id: {e}", table.name)))?;
    let project_id = if table.scope == ScopeKind::Project {
        let p: String = row.try_get("project_id")?;
        Some(
            Uuid::parse_str(&p)
                .map_err(|e| StoreError::Corrupt(format!("{}.project_id: {e}", table.name)))?,
        )
    } else {
        None
    };
    let ts = |name: &str| -> Result<OffsetDateTime> {
        let t: String = row.try_get(name)?;
        timestamp::parse(&t).map_err(|e| StoreError::Corrupt(format!("{}.{name}: {e}", table.name)))
    };
    Ok((id, project_id, ts("created_at")?, ts("updated_at")?))
}

/// Loads link lists for the given owners (all owners in scope when `owners` is `None`).
async fn load_links(
    conn: &mut AnyConnection,
    table: &Table,
    scope: Scope,
    owners: Option<&[String]>,
) -> Result<LinkMaps> {
    let mut maps = Vec::with_capacity(table.links.len());
    for link in table.links {
        let mut map: HashMap<String, Vec<Json>> = HashMap::new();
        if owners.is_some_and(<[String]>::is_empty) {
            maps.push(map);
            continue;
        }
        let mut sql = match owners {
            // The owners were read in scope already: look their links up by primary key.
            Some(ids) => {
                let mut sql = Sql::new(format!(
                    "SELECT l.owner_id, l.target_id FROM {} l WHERE l.owner_id IN (",
                    link.table
                ));
                let placeholders: Vec<String> = ids.iter().map(|id| sql.arg(id.as_str())).collect();
                sql.push(&placeholders.join(", ")).push(")");
                sql
            }
            None => {
                let mut sql = Sql::new(format!(
                    "SELECT l.owner_id, l.target_id FROM {} l JOIN {} o ON o.id = l.owner_id WHERE ",
                    link.table, table.name
                ));
                push_scope(&mut sql, table, scope, "o.")?;
                sql
            }
        };
        sql.push(" ORDER BY l.owner_id, l.target_id");
        let rows: Vec<(String, String)> = sql.query_as().fetch_all(&mut *conn).await?;
        for (owner, target) in rows {
            map.entry(owner).or_default().push(Json::String(target));
        }
        maps.push(map);
    }
    Ok(maps)
}

fn rows_to_records<E: Stored>(
    rows: &[AnyRow],
    links: &LinkMaps,
    sealer: Option<&dyn Sealer>,
) -> Result<Vec<Record<E>>> {
    rows.iter()
        .map(|row| {
            let (id, project_id, created_at, updated_at) = meta_from_row(row, E::TABLE)?;
            let data = codec::decode::<E>(row, &id.to_string(), links, sealer)?;
            Ok(Record {
                id,
                project_id,
                created_at,
                updated_at,
                data,
            })
        })
        .collect()
}

/// One page of records, filtered and sorted.
pub async fn list<E: Stored>(
    store: &Store,
    scope: Scope,
    query: &ListQuery,
) -> Result<Page<Record<E>>> {
    let table = E::TABLE;
    let mut violations = Violations::new();
    if query.limit == 0 || query.limit > MAX_PAGE {
        violations.add(
            "limit",
            "range",
            format!("limit must be from 1 to {MAX_PAGE}."),
        );
    }
    let (sort_col, descending) = match query.sort.as_deref() {
        None | Some("") => (table.order, false),
        Some(s) => {
            let (name, desc) = s.strip_prefix('-').map_or((s, false), |n| (n, true));
            let allowed = [table.order, "created_at", "updated_at"];
            match allowed.iter().find(|a| **a == name) {
                Some(col) => (*col, desc),
                None => {
                    violations.add(
                        "sort",
                        "unknown_column",
                        format!(
                            "sort must be one of {} (prefix - for descending).",
                            allowed.join(", ")
                        ),
                    );
                    (table.order, false)
                }
            }
        }
    };
    let mut where_sql = Sql::new("");
    push_scope(&mut where_sql, table, scope, "")?;
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 200 {
            violations.add("q", "max_length", "q must be at most 200 characters.");
        }
        push_search(&mut where_sql, store.backend(), table, q);
    }
    for (name, id) in &query.filters {
        match table.reference_columns().find(|c| c.name == name) {
            Some(col) => {
                let p = where_sql.arg(*id);
                where_sql.push(&format!(" AND {} = {p}", col.name));
            }
            None => {
                let allowed: Vec<_> = table.reference_columns().map(|c| c.name).collect();
                violations.add(
                    name,
                    "unknown_filter",
                    if allowed.is_empty() {
                        format!("{name} is not a filter of {}.", table.name)
                    } else {
                        format!(
                            "{name} is not a filter of {}; filter on {}.",
                            table.name,
                            allowed.join(", ")
                        )
                    },
                );
            }
        }
    }
    violations.into_result().map_err(StoreError::Invalid)?;

    // Read before this request holds a connection: it needs one of its own.
    let unfiltered =
        query.q.as_deref().is_none_or(|q| q.trim().is_empty()) && query.filters.is_empty();
    let kept = match scope {
        Scope::Project(org, project) if unfiltered => {
            crate::summaries::count_in_project(store, org, project, table.name).await?
        }
        _ => None,
    };
    let mut conn = store.pool().acquire().await?;
    let mut rows_sql = Sql {
        text: format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {sort_col} {dir}, id {dir}",
            select_list(table),
            table.name,
            where_sql.text,
            dir = if descending { "DESC" } else { "ASC" }
        ),
        args: where_sql.args.clone(),
    };
    let limit = rows_sql.arg(Value::Int(Some(i64::from(query.limit))));
    let offset = rows_sql.arg(Value::Int(Some(
        i64::try_from(query.offset).unwrap_or(i64::MAX),
    )));
    rows_sql.push(&format!(" LIMIT {limit} OFFSET {offset}"));
    // A search is planned with its pattern each time (an unnamed statement): a plan cached
    // for any pattern cannot know that the trigram indexes serve this one, and PostgreSQL
    // falls back to reading every row (measured: 250 ms against 15 ms a page).
    let searching = query.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let rows = rows_sql
        .query()
        .persistent(!searching)
        .fetch_all(&mut *conn)
        .await?;
    // A page that is not full, and not past the end, already tells the total.
    let total = if !rows.is_empty() && rows.len() < query.limit as usize {
        i64::try_from(query.offset)
            .unwrap_or(i64::MAX)
            .saturating_add(rows.len() as i64)
    } else if let Some(n) = kept.filter(|_| !rows.is_empty()) {
        n
    } else {
        let count = Sql {
            text: format!(
                "SELECT COUNT(*) FROM {} WHERE {}",
                table.name, where_sql.text
            ),
            args: where_sql.args,
        };
        let (total,): (i64,) = count
            .query_as()
            .persistent(!searching)
            .fetch_one(&mut *conn)
            .await?;
        if total == 0 {
            // Only an empty answer needs to tell "no records" from "no such project".
            ensure_project(&mut conn, scope).await?;
        }
        total
    };
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<_, _>>()?;
    let links = load_links(&mut conn, table, scope, Some(&ids)).await?;
    Ok(Page {
        items: rows_to_records(&rows, &links, store.sealer_opt())?,
        total,
        limit: query.limit,
        offset: query.offset,
    })
}

/// The id and natural name (the table's order column) of the first `limit` records in the
/// scope, by name: what a reference picker offers. Two columns, not whole records.
pub async fn names<E: Stored>(
    store: &Store,
    scope: Scope,
    limit: u32,
) -> Result<Vec<(Uuid, String)>> {
    let table = E::TABLE;
    let mut sql = Sql::new(format!(
        "SELECT id, {order} AS name FROM {name} WHERE ",
        order = table.order,
        name = table.name
    ));
    push_scope(&mut sql, table, scope, "")?;
    let limit = sql.arg(Value::Int(Some(i64::from(limit))));
    sql.push(&format!(" ORDER BY {}, id LIMIT {limit}", table.order));
    let rows: Vec<(String, Option<String>)> = sql.query_as().fetch_all(store.pool()).await?;
    rows.into_iter()
        .map(|(id, name)| {
            let id = Uuid::parse_str(&id)
                .map_err(|_| StoreError::Corrupt(format!("{}: id {id}", table.name)))?;
            Ok((id, name.unwrap_or_default()))
        })
        .collect()
}

/// `SELECT <columns> FROM <table> WHERE <scope>`, ready for more conditions.
fn select_in_scope(table: &Table, scope: Scope) -> Result<Sql> {
    let mut sql = Sql::new(format!(
        "SELECT {} FROM {} WHERE ",
        select_list(table),
        table.name
    ));
    push_scope(&mut sql, table, scope, "")?;
    Ok(sql)
}

async fn fetch_one<E: Stored>(
    conn: &mut AnyConnection,
    scope: Scope,
    id: Uuid,
    sealer: Option<&dyn Sealer>,
) -> Result<Record<E>> {
    let table = E::TABLE;
    let mut sql = select_in_scope(table, scope)?;
    let p = sql.arg(id);
    sql.push(&format!(" AND id = {p}"));
    let Some(row) = sql.query().fetch_optional(&mut *conn).await? else {
        return Err(StoreError::NotFound(E::NAME));
    };
    let ids = [id.to_string()];
    let links = load_links(conn, table, scope, Some(&ids)).await?;
    rows_to_records(std::slice::from_ref(&row), &links, sealer)?
        .pop()
        .ok_or(StoreError::NotFound(E::NAME))
}

/// One record by id, within the scope.
pub async fn get<E: Stored>(store: &Store, scope: Scope, id: Uuid) -> Result<Record<E>> {
    let mut conn = store.pool().acquire().await?;
    fetch_one(&mut conn, scope, id, store.sealer_opt()).await
}

/// Every record in the scope, ordered by id, in one read (for exports and for work over
/// a whole register).
pub async fn every<E: Stored>(store: &Store, scope: Scope) -> Result<Vec<Record<E>>> {
    let mut conn = store.pool().acquire().await?;
    all(&mut conn, scope, store.sealer_opt()).await
}

/// Every record in the scope, ordered by id (for exports).
pub(crate) async fn all<E: Stored>(
    conn: &mut AnyConnection,
    scope: Scope,
    sealer: Option<&dyn Sealer>,
) -> Result<Vec<Record<E>>> {
    let table = E::TABLE;
    let mut sql = select_in_scope(table, scope)?;
    sql.push(" ORDER BY id");
    let rows = sql.query().fetch_all(&mut *conn).await?;
    let links = load_links(conn, table, scope, None).await?;
    rows_to_records(&rows, &links, sealer)
}

fn singular(table: &str) -> &str {
    match table {
        "services" => "service",
        "vendors" => "vendor",
        "backup_strategies" => "backup strategy",
        "device_groups" => "device group",
        "data_items" => "data item",
        "transfers" => "transfer",
        "security_measures" => "security measure",
        "risk_assessments" => "risk assessment",
        "processing_activities" => "processing activity",
        other => other,
    }
}

/// Every referenced record must exist in the same project: ids from another project or
/// organisation are refused exactly like ids that do not exist.
async fn check_references<E: Stored>(
    conn: &mut AnyConnection,
    scope: Scope,
    enc: &Encoded,
) -> Result<()> {
    let table = E::TABLE;
    let mut v = Violations::new();
    for (col, value) in table.columns.iter().zip(&enc.values) {
        let (Some(target), Value::Text(Some(id))) = (col.references, value) else {
            continue;
        };
        if target == crate::schema::MEMBERS {
            // A case is handled by a member of the organisation, never by an outsider.
            let mut sql = Sql::new("SELECT COUNT(*) FROM members WHERE org_id = ");
            let o = sql.arg(scope.org().0);
            let u = sql.arg(id.as_str());
            sql.push(&format!("{o} AND user_id = {u}"));
            let (n,): (i64,) = sql.query_as().fetch_one(&mut *conn).await?;
            if n != 1 {
                v.add(
                    col.name,
                    "not_found",
                    format!("{} is no member of this organisation.", col.name),
                );
            }
            continue;
        }
        if count_in_scope(conn, target, scope, std::slice::from_ref(id)).await? != 1 {
            v.add(
                col.name,
                "not_found",
                format!(
                    "{} refers to no {} in this project.",
                    col.name,
                    singular(target)
                ),
            );
        }
    }
    for (link, ids) in table.links.iter().zip(&enc.links) {
        if ids.is_empty() {
            continue;
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let found = count_in_scope(conn, link.target, scope, &ids).await?;
        if usize::try_from(found).ok() != Some(ids.len()) {
            v.add(
                link.field,
                "not_found",
                format!(
                    "{} lists ids that are no {} in this project.",
                    link.field,
                    singular(link.target)
                ),
            );
        }
    }
    v.into_result().map_err(StoreError::Invalid)
}

async fn count_in_scope(
    conn: &mut AnyConnection,
    table: &str,
    scope: Scope,
    ids: &[String],
) -> Result<i64> {
    let mut sql = Sql::new(format!("SELECT COUNT(*) FROM {table} WHERE org_id = "));
    let o = sql.arg(scope.org().0);
    sql.push(&o);
    if let Some(p) = scope.project() {
        let p = sql.arg(p.0);
        sql.push(&format!(" AND project_id = {p}"));
    }
    let placeholders: Vec<String> = ids.iter().map(|id| sql.arg(id.as_str())).collect();
    sql.push(&format!(" AND id IN ({})", placeholders.join(", ")));
    let (n,): (i64,) = sql.query_as().fetch_one(&mut *conn).await?;
    Ok(n)
}

fn conflict<E: Stored>(err: StoreError) -> StoreError {
    if err.is_unique_violation() {
        let field = E::TABLE.unique.unwrap_or("id");
        let within = if E::COLLECTION == "data_items" {
            "service"
        } else if E::TABLE.scope == ScopeKind::Org {
            "organisation"
        } else {
            "project"
        };
        StoreError::Conflict {
            field: field.to_owned(),
            message: format!(
                "another {} with this {field} already exists in this {within}.",
                E::NAME
            ),
        }
    } else {
        err
    }
}

async fn write_links(
    conn: &mut AnyConnection,
    table: &Table,
    id: Uuid,
    enc: &Encoded,
    replace: bool,
) -> Result<()> {
    for (link, ids) in table.links.iter().zip(&enc.links) {
        if replace {
            let mut del = Sql::new(format!("DELETE FROM {} WHERE owner_id = ", link.table));
            let p = del.arg(id);
            del.push(&p);
            del.query().execute(&mut *conn).await?;
        }
        for target in ids {
            let mut ins = Sql::new(format!(
                "INSERT INTO {} (owner_id, target_id) VALUES (",
                link.table
            ));
            let a = ins.arg(id);
            let b = ins.arg(*target);
            ins.push(&format!("{a}, {b})"));
            ins.query().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Validates and inserts a complete record (new, or from an import) on an open transaction.
pub(crate) async fn insert<E: Stored>(
    conn: &mut AnyConnection,
    scope: Scope,
    rec: &mut Record<E>,
    sealer: Option<&dyn Sealer>,
) -> Result<()> {
    let table = E::TABLE;
    rec.data.normalise();
    rec.data.validate().map_err(StoreError::Invalid)?;
    if E::DATED {
        let calendar = crate::organisations::calendar(conn, scope.org()).await?;
        rec.data.settle(&calendar).map_err(StoreError::Invalid)?;
    }
    ensure_project(conn, scope).await?;
    let enc = codec::encode(&rec.data, rec.id, sealer)?;
    check_references::<E>(conn, scope, &enc).await?;

    let mut sql = Sql::new(format!("INSERT INTO {} (id, org_id", table.name));
    let mut values = vec![sql.arg(rec.id), sql.arg(scope.org().0)];
    if table.scope == ScopeKind::Project {
        let Some(p) = scope.project() else {
            return Err(StoreError::Corrupt(format!(
                "{} needs a project scope",
                table.name
            )));
        };
        sql.push(", project_id");
        values.push(sql.arg(p.0));
    }
    for (col, v) in table.columns.iter().zip(enc.values.iter().cloned()) {
        sql.push(", ").push(col.name);
        values.push(sql.arg(v));
    }
    let gaps = rec.data.gaps();
    debug_assert!(gaps.iter().all(|g| E::GAP_RULES.contains(&g.rule)));
    sql.push(", gaps");
    values.push(sql.arg(gaps::encode(&gaps)));
    sql.push(", created_at, updated_at) VALUES (");
    values.push(sql.arg(timestamp::format(rec.created_at)));
    values.push(sql.arg(timestamp::format(rec.updated_at)));
    sql.push(&values.join(", ")).push(")");
    sql.query()
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict::<E>(e.into()))?;
    write_links(conn, table, rec.id, &enc, false).await
}

/// Creates a record with a new id.
pub async fn create<E: Stored>(
    store: &Store,
    actor: &Actor,
    scope: Scope,
    data: E,
    now: OffsetDateTime,
) -> Result<Record<E>> {
    let now = timestamp::truncate(now);
    let mut rec = Record {
        id: Uuid::now_v7(),
        project_id: scope.project().map(|p| p.0),
        created_at: now,
        updated_at: now,
        data,
    };
    let mut tx = store.write().await?;
    insert(&mut tx, scope, &mut rec, store.sealer_opt()).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(scope.org(), "record.created", E::NAME, Some(rec.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// Several creations, of any collections, in one transaction: all of them or none.
pub struct Batch<'a> {
    store: &'a Store,
    tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: &'a Actor,
    now: OffsetDateTime,
    /// How many records were created so far (the position of the next one).
    pub created: usize,
}

impl<'a> Batch<'a> {
    pub async fn begin(store: &'a Store, actor: &'a Actor, now: OffsetDateTime) -> Result<Self> {
        Ok(Self {
            store,
            tx: store.write().await?,
            actor,
            now: timestamp::truncate(now),
            created: 0,
        })
    }

    pub async fn create<E: Stored>(&mut self, scope: Scope, data: E) -> Result<Record<E>> {
        let mut rec = Record {
            id: Uuid::now_v7(),
            project_id: scope.project().map(|p| p.0),
            created_at: self.now,
            updated_at: self.now,
            data,
        };
        insert(&mut self.tx, scope, &mut rec, self.store.sealer_opt()).await?;
        audit::append(
            &mut self.tx,
            self.actor,
            Event::org(scope.org(), "record.created", E::NAME, Some(rec.id)),
            self.now,
        )
        .await?;
        self.created += 1;
        Ok(rec)
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Creates several records in one transaction: all of them, or none (an import's commit).
/// The error of the first record that fails is returned with its position.
pub async fn create_all<E: Stored>(
    store: &Store,
    actor: &Actor,
    scope: Scope,
    data: Vec<E>,
    now: OffsetDateTime,
) -> std::result::Result<Vec<Record<E>>, (usize, StoreError)> {
    let mut batch = Batch::begin(store, actor, now).await.map_err(|e| (0, e))?;
    let mut out = Vec::with_capacity(data.len());
    for (i, data) in data.into_iter().enumerate() {
        out.push(batch.create(scope, data).await.map_err(|e| (i, e))?);
    }
    let n = out.len();
    batch.commit().await.map_err(|e| (n, e))?;
    Ok(out)
}

/// Replaces a record's fields.
pub async fn update<E: Stored>(
    store: &Store,
    actor: &Actor,
    scope: Scope,
    id: Uuid,
    mut data: E,
    now: OffsetDateTime,
) -> Result<Record<E>> {
    let table = E::TABLE;
    data.normalise();
    data.validate().map_err(StoreError::Invalid)?;
    let now = timestamp::truncate(now);
    let mut tx = store.write().await?;
    let current = fetch_one::<E>(&mut tx, scope, id, store.sealer_opt()).await?;
    if E::DATED {
        let calendar = crate::organisations::calendar(&mut tx, scope.org()).await?;
        data.settle(&calendar).map_err(StoreError::Invalid)?;
    }
    let enc = codec::encode(&data, id, store.sealer_opt())?;
    check_references::<E>(&mut tx, scope, &enc).await?;

    let mut sql = Sql::new(format!("UPDATE {} SET ", table.name));
    let mut sets = Vec::with_capacity(table.columns.len() + 1);
    for (col, v) in table.columns.iter().zip(enc.values.iter().cloned()) {
        let p = sql.arg(v);
        sets.push(format!("{} = {p}", col.name));
    }
    let p = sql.arg(gaps::encode(&data.gaps()));
    sets.push(format!("gaps = {p}"));
    let p = sql.arg(timestamp::format(now));
    sets.push(format!("updated_at = {p}"));
    sql.push(&sets.join(", ")).push(" WHERE ");
    push_scope(&mut sql, table, scope, "")?;
    let p = sql.arg(id);
    sql.push(&format!(" AND id = {p}"));
    sql.query()
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict::<E>(e.into()))?;
    write_links(&mut tx, table, id, &enc, true).await?;
    audit::append(
        &mut tx,
        actor,
        Event::org(scope.org(), "record.changed", E::NAME, Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Record {
        id,
        project_id: current.project_id,
        created_at: current.created_at,
        updated_at: now,
        data,
    })
}

/// Deletes a record; what depends on it goes with it (data items with their service) or
/// loses the reference (a service's vendor), as the schema's foreign keys say.
pub async fn delete<E: Stored>(
    store: &Store,
    actor: &Actor,
    scope: Scope,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<()> {
    let table = E::TABLE;
    let mut tx = store.write().await?;
    let mut sql = Sql::new(format!("DELETE FROM {} WHERE ", table.name));
    push_scope(&mut sql, table, scope, "")?;
    let p = sql.arg(id);
    sql.push(&format!(" AND id = {p}"));
    let done = sql.query().execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(E::NAME));
    }
    audit::append(
        &mut tx,
        actor,
        Event::org(scope.org(), "record.deleted", E::NAME, Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many records of a type an organisation has, across its projects.
pub async fn count_in_org<E: Stored>(store: &Store, org: crate::scope::OrgId) -> Result<i64> {
    let mut sql = Sql::new(format!(
        "SELECT COUNT(*) AS n FROM {} WHERE org_id = ",
        E::TABLE.name
    ));
    let p = sql.arg(org.0);
    sql.push(&p);
    let r = sql.query().fetch_one(store.pool()).await?;
    crate::row::int(&r, "n")
}
