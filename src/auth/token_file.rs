//! The token file itself: read with bounds and precise complaints, replaced atomically, and
//! cleared of the temporary files a crash can leave beside it.

use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::error::Category;

use crate::auth::token::Token;

/// The largest token file read; glimbot writes under 1 KiB.
const MAX_FILE_BYTES: u64 = 64 * 1024;
/// How old a temporary file must be to count as left by a crash rather than being written now
/// by another bot that shares the file.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// What to do about a token file glimbot cannot use.
const FIX: &str = "delete it, or run the bot with --logout, and log in again";

/// The token, and whether its file is open to other users.
pub(super) fn read_token(path: &Path) -> io::Result<Option<(Token, bool)>> {
    // Checked before opening, as opening a pipe would wait for a writer. A file where the
    // folder should be holds no token either; saving will say what is wrong.
    match fs::metadata(path) {
        Ok(metadata) => check_regular(&metadata)?,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    }
    let file = fs::File::open(path)?;
    // The handle's own metadata, so what is checked is the file actually read.
    let metadata = file.metadata()?;
    check_regular(&metadata)?;
    let exposed = is_exposed(&metadata);
    let mut json = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut json)?;
    if json.len() as u64 > MAX_FILE_BYTES {
        return Err(unusable(format!(
            "it is larger than {MAX_FILE_BYTES} bytes, so not a glimbot token file"
        )));
    }
    Ok(Some((parse(&json)?, exposed)))
}

fn check_regular(metadata: &fs::Metadata) -> io::Result<()> {
    match metadata.is_file() {
        true => Ok(()),
        false => Err(unusable(
            "it is not a regular file (a directory, a device or a pipe)".into(),
        )),
    }
}

fn unusable(problem: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{problem}; {FIX}"))
}

/// The token in `json`. serde_json's messages can quote the input, which holds secrets, so the
/// error says only where the problem is and which field it concerns.
fn parse(json: &[u8]) -> io::Result<Token> {
    let mut reader = serde_json::Deserializer::from_slice(json);
    let token = serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| complaint(e.inner(), &e.path().to_string()))?;
    reader.end().map_err(|e| complaint(&e, "."))?;
    Ok(token)
}

/// What is wrong at `path` (`.` for the whole file), and where.
fn complaint(error: &serde_json::Error, path: &str) -> io::Error {
    let message = error.to_string();
    let problem = match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => "it is not valid JSON".into(),
        // serde's own wording, with a name from glimbot's token, not from the file.
        Category::Data if message.starts_with("missing field") => {
            let lacking = message.split(" at line").next().unwrap_or_default();
            format!("it lacks a field ({lacking})")
        }
        Category::Data if path == "." => "it holds no glimbot token".into(),
        Category::Data => format!("its field `{path}` is not what glimbot writes"),
    };
    unusable(format!(
        "not a glimbot token file: {problem} (line {} column {})",
        error.line(),
        error.column()
    ))
}

#[cfg(unix)]
fn is_exposed(metadata: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o077 != 0
}

#[cfg(not(unix))]
fn is_exposed(_: &fs::Metadata) -> bool {
    false
}

/// Replaces `path` with `contents` so that a reader, or a crash, sees the old file or the new one,
/// never a mix.
pub(super) fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let staged = stage(path, contents)?;
    if let Err(e) = fs::rename(&staged, path) {
        let _ = fs::remove_file(&staged);
        return Err(e);
    }
    sync_dir(parent_dir(path))
}

/// Everything before the rename: the new contents, durable, in a temporary file beside `path`.
pub(super) fn stage(path: &Path, contents: &[u8]) -> io::Result<PathBuf> {
    let dir = parent_dir(path);
    create_private_dir(dir)?;
    // Same directory, so the rename stays on one file system and is atomic. The pid and random
    // suffix keep concurrent writers apart; `create_new` refuses a file a crash left behind.
    let temp = dir.join(format!(
        "{}{}.{:016x}.tmp",
        temp_prefix(path)?,
        std::process::id(),
        RandomState::new().hash_one(0u8)
    ));
    let mut file = create_private_file(&temp)?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file); // Windows cannot remove a file that is still open.
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    Ok(temp)
}

/// How the names of `path`'s temporary files begin.
fn temp_prefix(path: &Path) -> io::Result<String> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the token path must name a file",
        )
    })?;
    Ok(format!(".{}.", name.display()))
}

/// Removes the temporary files of `path` that a crash between writing and renaming left
/// behind: they hold a token. Best effort: what cannot be removed stays for the next start.
pub(super) fn remove_stale_temps(path: &Path) {
    let (Ok(prefix), Ok(entries)) = (temp_prefix(path), fs::read_dir(parent_dir(path))) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > STALE_AFTER);
        if name.starts_with(&prefix) && name.ends_with(".tmp") && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Created with owner-only permissions from the start: a chmod afterwards would leave a moment
/// when another user could open it.
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes the rename itself survive a power loss.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}
