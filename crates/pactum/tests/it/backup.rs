//! `pactum backup` and `pactum restore`: a backup restored into a fresh store exports the
//! same as the original, files included; damaged backups, wrong key files and occupied
//! targets are refused before anything is changed.

use pactum_crypto::keyring::{KeyFile, KeyRing};
use pactum_store::{Store, organisations};

use crate::on_both_backends;
use crate::support::{NOW, TEST_KEYS, TestDb, passwords, test_sealer};

on_both_backends!(restored_backup_exports_the_same);

async fn exports(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for org in organisations::list(store).await.unwrap() {
        let doc = pactum_store::export::export(store, pactum_store::scope::OrgId(org.id))
            .await
            .unwrap();
        out.push(doc.to_json().unwrap());
    }
    out.sort();
    out
}

fn ring() -> KeyRing {
    KeyRing::from_file(&KeyFile::parse(&TEST_KEYS).unwrap()).unwrap()
}

async fn restored_backup_exports_the_same(db: TestDb) {
    pactum::demo::seed(&db.store, &passwords(), NOW)
        .await
        .unwrap();
    let before = exports(&db.store).await;
    assert_eq!(before.len(), 2);
    // Stored files: an organisation's encrypted blob, and an upload still streaming in.
    let work = tempfile::tempdir().unwrap();
    let blobs = work.path().join("files");
    let org = organisations::by_slug(&db.store, "practions")
        .await
        .unwrap()
        .id;
    let blob = blobs.join(org.to_string()).join("ab".repeat(32));
    std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
    std::fs::write(&blob, b"sealed bytes of an upload").unwrap();
    std::fs::create_dir_all(blobs.join("tmp")).unwrap();
    std::fs::write(blobs.join("tmp/upload"), b"half").unwrap();

    let backup = work.path().join("backup");
    let manifest = pactum::backup::create(&db.store, &db.url(), &blobs, &ring(), &backup, NOW)
        .await
        .unwrap();
    assert_eq!(manifest.organisations, 2);
    assert_eq!(manifest.users, 2);
    assert_eq!(manifest.files.len(), 1, "{:?}", manifest.files);
    assert!(manifest.schema_version >= 13);
    assert_eq!(manifest.backend, db.store.backend().name());
    // Only checks of the keys, never the keys themselves.
    let key_text = std::fs::read_to_string(backup.join("manifest.json")).unwrap();
    let file = KeyFile::parse(&TEST_KEYS).unwrap();
    assert!(!key_text.contains(&file.pepper) && !key_text.contains(&file.signing));
    assert!(key_text.contains("\"pepper\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read a backup");
    }
    // A second backup into the same directory is refused.
    let again = pactum::backup::create(&db.store, &db.url(), &blobs, &ring(), &backup, NOW).await;
    assert!(again.unwrap_err().to_string().contains("not empty"));

    let target = db.blank().await;
    let target_blobs = work.path().join("restored-files");

    // Another instance's key file could not read the sealed columns: refused.
    let other = KeyRing::from_file(&KeyFile::generate()).unwrap();
    let err = pactum::backup::restore(&backup, &target.url, &target_blobs, &other, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("key file") && err.contains("pepper"), "{err}");

    // A damaged copy is refused before anything is written.
    let damaged = work.path().join("damaged");
    copy_dir(&backup, &damaged);
    let db_file = damaged.join(&manifest.database.path);
    let mut bytes = std::fs::read(&db_file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&db_file, bytes).unwrap();
    let err = pactum::backup::restore(&damaged, &target.url, &target_blobs, &ring(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not match its checksum"), "{err}");
    assert!(pactum_store::backup::is_empty(&target.url).await.unwrap());
    assert!(!target_blobs.exists());

    // An interrupted backup (no manifest) is refused.
    std::fs::remove_file(damaged.join("manifest.json")).unwrap();
    let err = pactum::backup::restore(&damaged, &target.url, &target_blobs, &ring(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("interrupted"), "{err}");

    pactum::backup::restore(&backup, &target.url, &target_blobs, &ring(), false)
        .await
        .unwrap();
    let restored = Store::connect(&target.url)
        .await
        .unwrap()
        .with_sealer(test_sealer());
    restored.migrate().await.unwrap();
    assert_eq!(exports(&restored).await, before);
    // Sealed columns read back with the same keys (the demo's breach consequences).
    assert!(before.iter().any(|e| e.contains("14 customers")));
    let restored_blob = target_blobs.join(org.to_string()).join("ab".repeat(32));
    assert_eq!(
        std::fs::read(&restored_blob).unwrap(),
        b"sealed bytes of an upload"
    );
    assert!(!target_blobs.join("tmp/upload").exists());
    // The audit chains survived unbroken.
    let chains = pactum_store::audit::verify(&restored).await.unwrap();
    assert!(!chains.is_empty());
    assert!(chains.iter().all(|c| c.problem.is_none()), "{chains:?}");

    // The target now holds data: a second restore needs --force, which replaces it.
    let err = pactum::backup::restore(&backup, &target.url, &target_blobs, &ring(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("--force"), "{err}");
    organisations::delete(
        &restored,
        &pactum_store::audit::Actor::system(),
        pactum_store::scope::OrgId(org),
        NOW,
    )
    .await
    .unwrap();
    assert_ne!(exports(&restored).await, before);
    restored.close().await;
    pactum::backup::restore(&backup, &target.url, &target_blobs, &ring(), true)
        .await
        .unwrap();
    let again = Store::connect(&target.url)
        .await
        .unwrap()
        .with_sealer(test_sealer());
    assert_eq!(exports(&again).await, before);
    again.close().await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
