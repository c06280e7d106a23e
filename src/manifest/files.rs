//! Reading manifest inputs: files, directories (recursively, .yaml/.yml/.json) and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::InputError;

/// Larger than any manifest set a cluster accepts (objects are at most 1.5 MiB in etcd); the cap
/// keeps a stray 100 MB file from being read into memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// One input to read: a file, or stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The name used in messages and reports.
    pub fn display_name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// Expands the `-f` arguments into inputs, in a stable order: each argument in turn, directory
/// contents sorted by path. Hidden directories (.git, .github) are skipped.
pub fn expand(arguments: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    let mut stdin_seen = false;
    for argument in arguments {
        if argument.as_os_str() == "-" {
            if stdin_seen {
                return Err(InputError::new(
                    "-",
                    None,
                    "stdin (-) can be given only once",
                ));
            }
            stdin_seen = true;
            inputs.push(Input::Stdin);
            continue;
        }
        let name = argument.display().to_string();
        let metadata = std::fs::metadata(argument)
            .map_err(|e| InputError::new(&name, None, describe_io(&e)))?;
        if metadata.is_dir() {
            let before = inputs.len();
            walk(argument, &mut inputs)?;
            if inputs.len() == before {
                return Err(InputError::new(
                    &name,
                    None,
                    "directory holds no .yaml, .yml or .json files",
                ));
            }
        } else {
            inputs.push(Input::File(argument.clone()));
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>) -> Result<(), InputError> {
    let name = dir.display().to_string();
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::new(&name, None, describe_io(&e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| InputError::new(&name, None, describe_io(&e)))?;
    entries.sort_by_key(|entry| entry.path());
    for entry in entries {
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| InputError::new(&path.display().to_string(), None, describe_io(&e)))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        // Directory symlinks are not followed, so a link loop cannot trap the walk.
        if file_type.is_dir() && !hidden {
            walk(&path, inputs)?;
        } else if !file_type.is_dir() && has_manifest_extension(&path) {
            inputs.push(Input::File(path));
        }
    }
    Ok(())
}

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads one input as text, refusing binary data and oversized files with a clear message.
pub fn read_text(input: &Input) -> Result<String, InputError> {
    let name = input.display_name();
    let mut bytes = Vec::new();
    let limit = MAX_FILE_BYTES + 1;
    let read = match input {
        Input::Stdin => std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
        Input::File(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| InputError::new(&name, None, describe_io(&e)))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(InputError::new(&name, None, "is a directory"));
            }
            file.take(limit).read_to_end(&mut bytes)
        }
    };
    read.map_err(|e| InputError::new(&name, None, describe_io(&e)))?;
    decode(&name, bytes)
}

/// Checks size and encoding of raw input; strips a UTF-8 byte order mark.
pub fn decode(name: &str, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::new(
            name,
            None,
            format!(
                "is larger than {} MiB, more than any set of Kubernetes manifests needs; split it or check that it is the right file",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(not_text(name, &bytes, offset));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        not_text(name, e.as_bytes(), offset)
    })
}

fn not_text(name: &str, bytes: &[u8], offset: usize) -> InputError {
    let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    let column = offset
        - bytes[..offset]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    InputError::new(
        name,
        Some(super::Position::new(line, column)),
        "is not a UTF-8 text file (binary data); give YAML or JSON manifests",
    )
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_refuses_binary_and_strips_bom() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
        let error = decode("f", b"a: 1\nb: \x00\x01".to_vec()).unwrap_err();
        assert_eq!(error.position.map(|p| (p.line, p.column)), Some((2, 4)));
        assert!(decode("f", vec![0xff, 0xfe, b'a']).is_err());
    }

    #[test]
    fn directories_expand_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in ["b.yaml", "a.yml", "sub/c.json", "notes.txt", ".git/x.yaml"] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let inputs = expand(&[root.to_path_buf()]).unwrap();
        let names: Vec<_> = inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                Input::Stdin => "-".into(),
            })
            .collect();
        assert_eq!(names, ["a.yml", "b.yaml", "sub/c.json"]);
    }

    #[test]
    fn missing_paths_and_empty_directories_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(expand(&[dir.path().join("nope.yaml")])
            .unwrap_err()
            .to_string()
            .contains("no such file"));
        assert!(expand(&[dir.path().to_path_buf()])
            .unwrap_err()
            .to_string()
            .contains("holds no .yaml"));
    }
}
