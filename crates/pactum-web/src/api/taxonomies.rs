//! The taxonomies, for clients that build pick lists.

use axum::Json;
use pactum_domain::taxonomy::{Taxonomy, taxonomy};

use crate::auth::Principal;

pub async fn get(_user: Principal) -> Json<&'static Taxonomy> {
    Json(taxonomy())
}
