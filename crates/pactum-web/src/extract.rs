//! Request parsing that turns every malformed input into a problem-details answer naming
//! the field: JSON bodies, list parameters and path identifiers.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use pactum_domain::validation::Violations;
use pactum_store::records::{ListQuery, MAX_PAGE};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON request body, checked for type and size but not yet for shape.
pub struct JsonBody(pub Value);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = state.settings.max_body_bytes;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(limit)
            } else {
                ApiError::BadRequest("The request body could not be read.".into())
            }
        })?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("The body is not valid JSON: {e}.")))?;
        Ok(JsonBody(value))
    }
}

/// Fields the server sets; a client may send a record back as it got it.
const SERVER_FIELDS: [&str; 4] = ["id", "project_id", "created_at", "updated_at"];

/// Reads a typed record from a JSON value, naming the field when it does not fit.
pub fn decode<T: DeserializeOwned>(mut value: Value) -> Result<T, ApiError> {
    let Value::Object(map) = &mut value else {
        return Err(ApiError::Invalid(Violations::single(
            "body",
            "object",
            "The body must be a JSON object.",
        )));
    };
    for f in SERVER_FIELDS {
        map.remove(f);
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        let (field, rule) = if let Some(name) = between_backticks(&message, "missing field `") {
            (name, "required")
        } else if let Some(name) = between_backticks(&message, "unknown field `") {
            (name, "unknown_field")
        } else {
            (path.clone(), "type")
        };
        let field = if field == "." {
            "body".to_owned()
        } else {
            field
        };
        let text = match rule {
            "required" => format!("{field} is required."),
            "unknown_field" => format!("{field} is not a field of this record ({message})."),
            _ => format!("{field}: {message}."),
        };
        ApiError::Invalid(Violations::single(&field, rule, text))
    })
}

fn between_backticks(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split_once(prefix)?.1;
    Some(rest.split_once('`')?.0.to_owned())
}

/// RFC 7396 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(patch) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in patch {
                    if v.is_null() {
                        t.remove(&k);
                    } else {
                        merge_patch(t.entry(k).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other,
    }
}

/// Parses `limit`, `offset`, `q`, `sort` and `<reference>_id` filters.
pub fn list_query(params: Vec<(String, String)>) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        limit: 50,
        ..Default::default()
    };
    let mut v = Violations::new();
    for (key, value) in params {
        match key.as_str() {
            "limit" => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => q.limit = n,
                _ => v.add("limit", "range", format!("limit must be a whole number from 1 to {MAX_PAGE}.")),
            },
            "offset" => match value.parse::<u64>() {
                Ok(n) if n <= 10_000_000 => q.offset = n,
                _ => v.add("offset", "range", "offset must be a whole number from 0 to 10000000."),
            },
            "q" => q.q = Some(value),
            "sort" => q.sort = Some(value),
            k if k.ends_with("_id") => match Uuid::parse_str(&value) {
                Ok(id) => q.filters.push((key, id)),
                Err(_) => v.add(&key, "uuid", format!("{key} must be a UUID.")),
            },
            _ => v.add(&key, "unknown_parameter", format!("{key} is not a parameter of this list; use limit, offset, q, sort or a reference filter such as service_id.")),
        }
    }
    v.into_result().map_err(ApiError::Invalid)?;
    Ok(q)
}

/// An identifier from the path; a malformed one names nothing, so it is a 404.
pub fn path_id(params: &HashMap<String, String>, key: &str, what: &str) -> Result<Uuid, ApiError> {
    params
        .get(key)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| ApiError::NotFound(what.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_rfc7396_example() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        count: Option<i64>,
    }

    fn field_rule(v: Value) -> (String, String) {
        match decode::<T>(v) {
            Err(ApiError::Invalid(v)) => (v.0[0].field.clone(), v.0[0].rule.clone()),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn decode_names_fields() {
        assert_eq!(field_rule(json!({})), ("name".into(), "required".into()));
        assert_eq!(
            field_rule(json!({"name": "x", "nmae": 1})),
            ("nmae".into(), "unknown_field".into())
        );
        assert_eq!(
            field_rule(json!({"name": "x", "count": "many"})),
            ("count".into(), "type".into())
        );
        assert_eq!(field_rule(json!([1])), ("body".into(), "object".into()));
        assert!(decode::<T>(json!({"name": "x", "id": "ignored", "created_at": "x"})).is_ok());
    }

    #[test]
    fn list_parameters() {
        let q = list_query(vec![
            ("limit".into(), "20".into()),
            ("q".into(), "crm".into()),
        ])
        .unwrap();
        assert_eq!((q.limit, q.q.as_deref()), (20, Some("crm")));
        match list_query(vec![
            ("limit".into(), "0".into()),
            ("color".into(), "red".into()),
        ]) {
            Err(ApiError::Invalid(v)) => assert_eq!(v.0.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
