//! SQLite on a real full disk (a small tmpfs; skipped where mounting is
//! not allowed): a transaction that fails with "database or disk is full"
//! is reported as unavailable, and once space returns the same pool's
//! transactions commit and the readers see them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test"
)]

use std::{io::Write as _, path::Path};

use tekmerkez_sqlpool::{PoolOptions, SqlPool, is_unavailable, sqlite_readers};

/// The mount, unmounted when dropped (a failing test leaves none behind).
struct Tmpfs(std::path::PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

fn mount(at: &Path) -> Option<Tmpfs> {
    std::fs::create_dir_all(at).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(at)
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| Tmpfs(at.to_owned()))
}

async fn write_pair(w: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
    let mut tx = w.begin().await?;
    sqlx::query("INSERT INTO t (v) VALUES (zeroblob(3000))")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO t (v) VALUES (zeroblob(3000))")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_full_disk_transactions_commit_again_and_readers_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("mnt");
    let Some(_mount) = mount(&at) else {
        eprintln!("SKIPPED: mounting a tmpfs is not allowed here");
        return;
    };
    let url = format!("sqlite://{}", at.join("c.db").display());
    let SqlPool::Sqlite(w) = SqlPool::connect_lazy_with(&url, PoolOptions::new(1)).unwrap() else {
        panic!("a sqlite: URL opens SQLite");
    };
    let r = sqlite_readers(&w, 2);
    sqlx::query("CREATE TABLE t (k INTEGER PRIMARY KEY AUTOINCREMENT, v BLOB)")
        .execute(&w)
        .await
        .unwrap();
    let filler = at.join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![1u8; 4096];
        while f.write(&chunk).is_ok_and(|n| n > 0) {}
    }
    let mut full = None;
    for _ in 0..200 {
        if let Err(e) = write_pair(&w).await {
            full = Some(e);
            break;
        }
    }
    let full = full.expect("the disk filled up");
    assert!(is_unavailable(&full), "{full:?}");
    // Writers keep trying while the disk stays full.
    for _ in 0..20 {
        let _ = write_pair(&w).await;
    }
    std::fs::remove_file(&filler).unwrap();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&r)
        .await
        .unwrap();
    for _ in 0..3 {
        write_pair(&w).await.unwrap();
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&r)
        .await
        .unwrap();
    assert_eq!(
        after,
        before + 6,
        "committed transactions are visible to readers"
    );
    w.close().await;
    r.close().await;
}
