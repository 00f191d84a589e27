//! The layers import one way: configuration is the ground floor, the socket knows nothing of
//! the API or the model, and the emulator takes nothing from the library but the protocol.
//!
//! Read from the source files, so that a stray `use` fails here before it tangles the layers.

use std::path::{Path, PathBuf};

/// The crate modules a file under `dir` names (`crate::api::…` gives `api`), with the file and
/// line of each, leaving out comments. A module of one file, `src/<dir>.rs`, counts as well.
fn crate_modules_named_under(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let file = root.join(format!("{dir}.rs"));
    if file.is_file() {
        files.push(file);
    }
    if root.join(dir).is_dir() {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(!files.is_empty(), "no source files under src/{dir}");
    let mut named = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for module in modules_after_crate(code) {
                named.push((module, format!("src/{shown}:{}", number + 1)));
            }
        }
    }
    named
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{dir:?}: {e}")).path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `crate::api::Api` and `crate::{api, model}` both name `api` (and `model`).
fn modules_after_crate(code: &str) -> Vec<String> {
    let name = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut modules = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = group.split('}').next().unwrap_or_default();
                modules.extend(group.split(',').map(|s| name(s.trim())));
            }
            None => modules.push(name(rest)),
        }
    }
    modules.retain(|m| !m.is_empty());
    modules
}

/// Fails naming every import under `dir` of a crate module outside `allowed`.
#[track_caller]
fn assert_imports_only(dir: &str, allowed: &[&str]) {
    let stray: Vec<String> = crate_modules_named_under(dir)
        .into_iter()
        .filter(|(module, _)| !allowed.contains(&module.as_str()))
        .map(|(module, at)| format!("{at}: crate::{module}"))
        .collect();
    assert!(
        stray.is_empty(),
        "src/{dir} may import only {allowed:?} from the crate, but:\n{}",
        stray.join("\n")
    );
}

#[test]
fn the_configuration_imports_no_other_layer() {
    // Below everything: it may use the error type, secrets, escaping and protocol facts, and
    // the template parser, to check the replies of `[[commands]]` before the bot connects.
    assert_imports_only(
        "config",
        &[
            "config", "error", "secret", "protocol", "escape", "template",
        ],
    );
}

#[test]
fn the_template_parser_imports_nothing_from_the_crate() {
    // The configuration checks templates and the toolkit renders them: it stays a leaf.
    assert_imports_only("template", &["template"]);
}

#[test]
fn the_emulator_imports_only_the_protocol_from_the_library() {
    // Escaping keeps outside strings off a terminal. The emulator's errors and its fake
    // secrets are its own.
    assert_imports_only("sim", &["sim", "protocol", "escape"]);
}

#[test]
fn the_protocol_module_imports_nothing_from_the_crate() {
    assert_imports_only("protocol", &["protocol"]);
}

#[test]
fn the_socket_layer_knows_no_api_or_model() {
    let reached_up: Vec<String> = crate_modules_named_under("socket")
        .into_iter()
        .filter(|(module, _)| module == "api" || module == "model")
        .map(|(module, at)| format!("{at}: crate::{module}"))
        .collect();
    assert!(
        reached_up.is_empty(),
        "the socket carries raw payloads; the bot decodes them, but:\n{}",
        reached_up.join("\n")
    );
}

#[test]
fn only_dev_mode_joins_the_library_and_the_emulator() {
    for dir in [
        "api", "auth", "bot", "config", "socket", "state", "metrics", "protocol",
    ] {
        let reaching: Vec<String> = crate_modules_named_under(dir)
            .into_iter()
            .filter(|(module, _)| module == "sim" || module == "dev")
            .map(|(_, at)| at)
            .collect();
        assert!(
            reaching.is_empty(),
            "the library never imports the emulator:\n{}",
            reaching.join("\n")
        );
    }
}

#[test]
fn imports_are_found_alone_in_groups_and_not_in_comments() {
    assert_eq!(modules_after_crate("use crate::api::Api;"), ["api"]);
    assert_eq!(
        modules_after_crate("use crate::{api::Api, model};"),
        ["api", "model"]
    );
    assert_eq!(
        modules_after_crate("let x = crate::model::parse(crate::escape::Escaped(&s));"),
        ["model", "escape"]
    );
    assert!(modules_after_crate("no imports here").is_empty());
}
