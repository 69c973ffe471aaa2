//! `pactum keys rotate`: a new active key per category in the key file, then every
//! encrypted value re-encrypted under it, in batches, while Pactum may keep serving.
//!
//! Old keys stay in the file: a value written by a server that has not yet noticed the new
//! key is still readable, and the next rotation run moves it. A running server reads the
//! file again the first time it meets a ciphertext under a key id it does not know.

use std::path::Path;

use anyhow::{Context, bail};
use pactum_crypto::keyring::{Category, KeyFile, KeyRing, key_of};
use pactum_store::Store;
use pactum_store::sealed;

const BATCH: i64 = 500;

/// What a rotation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// (category, new active key id)
    pub new_keys: Vec<(String, u32)>,
    pub resealed: u64,
    /// Values that changed while being rotated; the next run picks them up.
    pub skipped: u64,
}

/// Adds a key to each of `categories` (all when empty) and re-encrypts every value.
pub async fn rotate(
    store: &Store,
    key_file: &Path,
    categories: &[Category],
) -> anyhow::Result<Report> {
    if std::env::var_os("PACTUM_KEYS").is_some() {
        bail!(
            "the keys come from PACTUM_KEYS; rotate them where that value is kept, then re-encrypt with a key file"
        );
    }
    let text = std::fs::read_to_string(key_file)
        .with_context(|| format!("reading the key file {}", key_file.display()))?;
    let mut file = KeyFile::parse(&text)?;
    let chosen: Vec<Category> = if categories.is_empty() {
        Category::ALL.to_vec()
    } else {
        categories.to_vec()
    };
    let mut report = Report::default();
    for c in &chosen {
        let id = file.add_key(*c);
        report.new_keys.push((c.as_str().to_owned(), id));
    }
    file.write(key_file)?;
    let ring = KeyRing::from_file(&file)?;
    for col in &sealed::all() {
        let Some(category) = Category::parse(col.category) else {
            bail!(
                "{}.{} names an unknown key category {}",
                col.table,
                col.column,
                col.category
            );
        };
        if !chosen.contains(&category) {
            continue;
        }
        let active = ring.active_id(category);
        let mut after = String::new();
        loop {
            let page = sealed::page(store, *col, &after, BATCH).await?;
            let Some(last) = page.last() else { break };
            after = last.0.clone();
            for (id, old) in &page {
                if key_of(old).is_ok_and(|(_, k)| k == active) {
                    continue;
                }
                let context = col.context(id);
                let plain = ring
                    .decrypt(category, &context, old)
                    .with_context(|| format!("decrypting {}.{} of {id}", col.table, col.column))?;
                let new = ring.encrypt(category, &context, &plain)?;
                if sealed::reseal(store, *col, id, old, &new).await? {
                    report.resealed += 1;
                } else {
                    report.skipped += 1;
                }
            }
        }
    }
    Ok(report)
}
