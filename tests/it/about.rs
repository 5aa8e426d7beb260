//! 设置 → 关于: what support needs, and the logs without phone numbers.

use std::process::Command;

use serde_json::json;

use crate::support::{app, call};

#[test]
fn about_names_the_version_and_the_open_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("about.db");
    let file = huixiao::App::open(&db).unwrap();
    let about = call(&file, "support.about", json!({})).unwrap();
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(about["database"], db.display().to_string());
    assert!(about["log_dir"].as_str().unwrap().ends_with("logs"));
    let memory = call(&app(), "support.about", json!({})).unwrap();
    assert!(memory["database"].is_null());
}

#[test]
fn the_logs_zip_holds_every_log_file_with_phone_numbers_hidden() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("huixiao.log.2026-11-29"),
        "INFO op=stores.create ok\nERROR store 13800138000 refused\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("huixiao.log.2026-11-30"),
        "INFO seminar 42 closed\n",
    )
    .unwrap();
    let zip = huixiao::support::logs_zip(dir.path()).unwrap();
    let file = dir.path().join("logs.zip");
    std::fs::write(&file, zip).unwrap();
    let read = |name: &str| {
        let out = Command::new("python3")
            .args(["-c", "import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())"])
            .arg(&file)
            .arg(name)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let first = read("huixiao.log.2026-11-29");
    assert!(first.contains("store ########### refused"), "{first}");
    assert!(!first.contains("13800138000"));
    assert_eq!(read("huixiao.log.2026-11-30"), "INFO seminar 42 closed\n");
    // No log folder yet (a first start): an empty zip, not an error.
    let empty = huixiao::support::logs_zip(&dir.path().join("none")).unwrap();
    assert!(!empty.is_empty());
}
