//! Static files, compiled into the binary and served under names that carry a hash of
//! their content, so browsers may keep them for a year and a new release is never mixed
//! with an old cached file.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub struct Asset {
    /// The name templates ask for (`app.css`).
    pub name: &'static str,
    /// The name it is served under (`app.3f2a9c1b0d4e.css`).
    pub hashed: String,
    pub body: &'static [u8],
    pub content_type: &'static str,
}

const FILES: [(&str, &[u8], &str); 4] = [
    (
        "modern-normalize.css",
        include_bytes!("../../static/vendor/modern-normalize.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app.css",
        include_bytes!("../../static/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app.js",
        include_bytes!("../../static/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "pow-worker.js",
        include_bytes!("../../static/pow-worker.js"),
        "text/javascript; charset=utf-8",
    ),
];

fn hashed_name(name: &str, body: &[u8]) -> String {
    let hash: String = Sha256::digest(body)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, body, content_type)| Asset {
            name,
            hashed: hashed_name(name, body),
            body,
            content_type,
        })
        .collect()
});

/// The URL of a static file by its plain name.
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| format!("/static/{}", a.hashed))
        .unwrap_or_default()
}

/// The stylesheets every page links, in order.
pub fn stylesheets() -> Vec<String> {
    vec![url("modern-normalize.css"), url("app.css")]
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.hashed == file) else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let mut res = asset.body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        let a = hashed_name("app.css", b"body { color: red }");
        let b = hashed_name("app.css", b"body { color: blue }");
        assert!(a.starts_with("app.") && a.ends_with(".css"), "{a}");
        assert_ne!(a, b);
        assert!(url("app.css").starts_with("/static/app."));
        assert_eq!(url("missing.css"), "");
    }
}
