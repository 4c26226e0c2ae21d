//! The command list has one source: the `#[tauri::command]` functions in
//! `src/commands/*.rs`. This script parses them (with `syn`) and generates
//! - Tauri's app manifest (an `allow-*` permission per command; a command no
//!   capability grants is denied),
//! - the permission set `desktop-commands` that `capabilities/main.json`
//!   grants to the main window,
//! - `$OUT_DIR/commands.rs`: the `handler!` macro registering every command
//!   and the `COMMANDS` table of their names and argument names, which a test
//!   checks `ui/src/api.ts` against.

use std::fmt::Write as _;
use std::path::Path;

/// A `#[tauri::command]` function: its module, name and the argument names
/// the UI passes (camelCase, as Tauri expects them by default).
struct Command {
    module: String,
    name: String,
    args: Vec<String>,
}

/// The arguments Tauri supplies itself rather than the UI, by type name.
const INJECTED: &[&str] = &["AppHandle", "State", "Window", "Webview", "WebviewWindow"];

fn main() {
    let dir = Path::new("src/commands");
    println!("cargo:rerun-if-changed={}", dir.display());
    let commands = read_commands(dir);
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR is set for build scripts");
    let out_dir = Path::new(&out_dir);
    write_if_changed(&out_dir.join("commands.rs"), &generated_rust(&commands));
    let permissions = out_dir.join("permissions");
    std::fs::create_dir_all(&permissions).expect("create the generated permissions folder");
    write_if_changed(&permissions.join("desktop-commands.toml"), &permission_set(&commands));

    let names: Vec<&'static str> = commands.iter().map(|c| &*Box::leak(c.name.clone().into_boxed_str())).collect();
    let pattern: &'static str = Box::leak(format!("{}/*.toml", permissions.display()).into_boxed_str());
    let manifest = tauri_build::AppManifest::new().commands(Box::leak(names.into_boxed_slice())).permissions_path_pattern(pattern);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed; see the message above");
}

/// Every command in the folder, by file name then position in the file,
/// read with `syn` as the compiler reads them.
fn read_commands(dir: &Path) -> Vec<Command> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs") && path.file_stem().is_some_and(|s| s != "mod"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for path in files {
        let module = path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name").to_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in file.items {
            match item {
                syn::Item::Fn(function) => {
                    if let Some(command) = command_of(&path, &module, &function) {
                        commands.push(command);
                    }
                }
                syn::Item::Mod(inner) => {
                    let nested =
                        inner.content.iter().flat_map(|(_, items)| items).any(|i| matches!(i, syn::Item::Fn(f) if marked(&f.attrs)));
                    assert!(
                        !nested,
                        "{}: a command inside `mod {}`; commands live at the top of their domain's file",
                        path.display(),
                        inner.ident
                    );
                }
                _ => {}
            }
        }
    }
    assert!(!commands.is_empty(), "no command found in {}", dir.display());
    let mut names: Vec<&str> = commands.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        panic!("the command `{}` is defined twice in {}", pair[0], dir.display());
    }
    commands
}

/// Whether an item carries a command attribute (`#[tauri::command]`, or a
/// `#[command]` imported).
fn marked(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "command"))
}

/// The command `function` declares, if it is one. Anything this script
/// could misread is refused, naming the file and the function.
fn command_of(path: &Path, module: &str, function: &syn::ItemFn) -> Option<Command> {
    let name = function.sig.ident.to_string();
    let attr = function.attrs.iter().find(|a| a.path().segments.last().is_some_and(|s| s.ident == "command"))?;
    let refuse = |why: &str| -> ! { panic!("{}: command `{name}`: {why}", path.display()) };
    let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    if segments != ["tauri", "command"] {
        refuse("write the attribute as `#[tauri::command]`");
    }
    if !matches!(attr.meta, syn::Meta::Path(_)) {
        refuse("`#[tauri::command]` takes no arguments here: build.rs names the arguments as Tauri does by default");
    }
    if function.attrs.iter().any(|a| a.path().is_ident("cfg")) {
        refuse("a command cannot be compiled conditionally; it is always registered");
    }
    let args = function
        .sig
        .inputs
        .iter()
        .filter_map(|input| {
            let syn::FnArg::Typed(typed) = input else { refuse("a command is a free function") };
            let syn::Pat::Ident(ident) = &*typed.pat else { refuse("name each argument (no patterns)") };
            let injected = match &*typed.ty {
                syn::Type::Path(ty) => ty.path.segments.last().is_some_and(|s| INJECTED.iter().any(|i| s.ident == i)),
                _ => false,
            };
            let arg = syn::ext::IdentExt::unraw(&ident.ident).to_string();
            if arg.starts_with('_') && !injected {
                refuse("an argument the UI passes cannot start with `_`");
            }
            (!injected).then(|| camel_case(&arg))
        })
        .collect();
    Some(Command { module: module.to_owned(), name, args })
}

/// `vehicle_year` → `vehicleYear`, as Tauri names a command's arguments.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn generated_rust(commands: &[Command]) -> String {
    let mut out = String::from("// Generated by src-tauri/build.rs from src/commands/*.rs; do not edit.\n\n");
    out.push_str("/// Registers every command in `src/commands` with Tauri.\nmacro_rules! handler {\n    () => {\n        ::tauri::generate_handler![\n");
    for c in commands {
        let _ = writeln!(out, "            $crate::commands::{}::{},", c.module, c.name);
    }
    out.push_str("        ]\n    };\n}\npub(crate) use handler;\n\n");
    out.push_str(
        "/// Every command: its domain module, its name and the argument names the UI passes.\npub const COMMANDS: &[Command] = &[\n",
    );
    for c in commands {
        let args: Vec<String> = c.args.iter().map(|a| format!("{a:?}")).collect();
        let _ = writeln!(out, "    Command {{ module: {:?}, name: {:?}, args: &[{}] }},", c.module, c.name, args.join(", "));
    }
    out.push_str("];\n");
    out
}

fn permission_set(commands: &[Command]) -> String {
    let mut out = String::from(
        "# Generated by src-tauri/build.rs from src/commands/*.rs; do not edit.\n\n[[set]]\nidentifier = \"desktop-commands\"\n\
         description = \"Every command of the desktop shell.\"\npermissions = [\n",
    );
    for c in commands {
        let _ = writeln!(out, "  \"allow-{}\",", c.name.replace('_', "-"));
    }
    out.push_str("]\n");
    out
}

/// Writes `text` unless the file already holds it, so an unchanged list
/// does not make the next build think the permissions changed.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
