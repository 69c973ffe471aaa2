//! The taxonomies, for clients that build pick lists.

use axum::Json;
use pactum_domain::taxonomy::{Taxonomy, taxonomy};

use crate::auth::Token;

pub async fn get(_token: Token) -> Json<&'static Taxonomy> {
    Json(taxonomy())
}
