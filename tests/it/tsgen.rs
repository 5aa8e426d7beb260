//! The TypeScript bindings the UI compiles against are generated from the Rust types; this test
//! fails when the committed files are stale. Fix: `cargo run -- dev gen-ts`.

use huixiao::api::tsgen;

fn committed(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/src/api")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn generated_typescript_is_up_to_date() {
    assert!(
        committed("types.gen.ts") == tsgen::types_ts(),
        "ui/src/api/types.gen.ts is stale: run `cargo run -- dev gen-ts`"
    );
    assert!(
        committed("ops.gen.ts") == tsgen::ops_ts(),
        "ui/src/api/ops.gen.ts is stale: run `cargo run -- dev gen-ts`"
    );
    assert!(
        committed("rules.gen.ts") == tsgen::rules_ts(),
        "ui/src/api/rules.gen.ts is stale: run `cargo run -- dev gen-ts`"
    );
}

#[test]
fn every_operation_has_typed_bindings() {
    let ops = tsgen::ops_ts();
    for op in huixiao::api::all() {
        assert!(
            ops.contains(&format!("\"{}\": {{ input: ", op.name)),
            "{} has no OpTypes entry",
            op.name
        );
    }
    let types = tsgen::types_ts();
    assert!(types.contains("export type Seminar = {"));
    assert!(
        !types.contains("bigint"),
        "ids are plain numbers in TypeScript"
    );
}

#[test]
fn no_two_rust_types_share_a_typescript_name() {
    assert_eq!(
        tsgen::name_clashes(),
        Vec::<String>::new(),
        "rename one of them"
    );
}
