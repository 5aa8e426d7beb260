//! Writing an export to a file, all of it or nothing.

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder renamed into place: a
/// failed write leaves an existing file as it was.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile_in(dir)?;
    let result = std::io::Write::write_all(&mut tmp.1, bytes)
        .and_then(|_| tmp.1.sync_all())
        .and_then(|_| std::fs::rename(&tmp.0, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp.0);
    }
    result.map_err(Error::from)
}

/// A new file next to the target, named so it cannot clash with another export running at once.
fn tempfile_in(dir: &std::path::Path) -> Result<(std::path::PathBuf, std::fs::File)> {
    for _ in 0..16 {
        let name = format!(".huixiao-export-{:016x}.tmp", rand::random::<u64>());
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(std::io::Error::other("no temporary file name left").into())
}
