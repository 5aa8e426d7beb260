//! Layers that only point down: no domain module reaches a transport. The check parses every file
//! of `src/` and reads each path it names — `use` trees (multi-line `use crate::{…}` included) and
//! paths in code and types — resolving `crate::`, `super::` and `self::` against the module the
//! path is written in (inline modules such as `mod tests` included).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The transports: they adapt the domain to the window, HTTP, the LAN, the command line and the
/// organisation's database (head office).
const TRANSPORTS: [&str; 5] = ["api", "http", "cli", "lan", "hq"];

/// A place where a domain module names a transport.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Breach {
    file: String,
    module: String,
    target: String,
}

#[test]
fn no_domain_module_imports_a_transport() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut breaches = BTreeSet::new();
    let mut files = 0;
    for file in rust_files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else {
            continue; // main.rs: the binary, a transport of its own
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let found = breaches_in(&rel.display().to_string(), &module, &text);
        breaches.extend(found);
        files += 1;
    }
    assert!(files > 40, "read {files} files of src/");
    assert!(
        breaches.is_empty(),
        "domain modules that import a transport ({}):\n{}",
        breaches.len(),
        breaches
            .iter()
            .map(|b| format!("  {} ({}) → crate::{}", b.file, b.module, b.target))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The check itself catches what a line grep would miss.
#[test]
fn the_check_reads_use_trees_super_paths_and_paths_in_code() {
    let source = r#"
        use crate::{
            app::App,
            api::{self, Caller},
        };
        use super::super::http as web;
        fn f() -> String { crate::cli::format(1) }
        mod tests {
            use super::super::super::lan::Lan;
        }
    "#;
    let found: Vec<String> = breaches_in(
        "seating/plan.rs",
        &["seating", "plan"].map(String::from),
        source,
    )
    .into_iter()
    .map(|b| format!("{}:{}", b.module, b.target))
    .collect();
    assert_eq!(
        found,
        [
            "seating::plan:api",
            "seating::plan:cli",
            "seating::plan:http",
            "seating::plan::tests:lan",
        ]
    );
    // A transport may use another, and the domain may use leaves and other domain modules.
    assert!(breaches_in("http.rs", &["http".into()], "use crate::api::Host;").is_empty());
    assert!(breaches_in(
        "deal.rs",
        &["deal".into()],
        "use crate::{input::IdInput, store};"
    )
    .is_empty());
}

fn breaches_in(file: &str, module: &[String], text: &str) -> BTreeSet<Breach> {
    if module
        .first()
        .is_some_and(|m| TRANSPORTS.contains(&m.as_str()))
    {
        return BTreeSet::new();
    }
    let syntax = syn::parse_file(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut paths = Paths {
        module: module.to_vec(),
        found: vec![],
    };
    paths.visit_file(&syntax);
    paths
        .found
        .into_iter()
        .filter(|(_, target)| TRANSPORTS.contains(&target.as_str()))
        .map(|(module, target)| Breach {
            file: file.to_owned(),
            module: module.join("::"),
            target,
        })
        .collect()
}

/// Collects, for each path that starts at `crate`, `super` or `self`, the top-level module it
/// reaches and the module it is written in.
struct Paths {
    module: Vec<String>,
    found: Vec<(Vec<String>, String)>,
}

impl Paths {
    fn reach(&mut self, segments: &[String]) {
        let mut at: Vec<String> = match segments.first().map(String::as_str) {
            Some("crate") => vec![],
            Some("super" | "self") => self.module.clone(),
            _ => return, // an external crate, a local name or the prelude
        };
        let mut rest = segments;
        if rest[0] == "crate" {
            rest = &rest[1..];
        }
        for s in rest {
            match s.as_str() {
                "super" => {
                    at.pop();
                }
                "self" => {}
                _ => {
                    at.push(s.clone());
                    break;
                }
            }
        }
        if let Some(top) = at.first() {
            self.found.push((self.module.clone(), top.clone()));
        }
    }

    /// Every path a `use` tree names, as segments from its root.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.reach(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.reach(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.reach(&prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut vec![], &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            self.reach(&segments);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }
}

/// `seating/plan.rs` → `seating::plan`; `seating/mod.rs` → `seating`; `lib.rs` → the root.
fn module_of(rel: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("lib") if parts.len() == 1 => return Some(vec![]),
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    Some(parts)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}
