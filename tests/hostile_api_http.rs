//! Hostile input against every GraphQL operation, on both backends. The operations and their
//! arguments are read from the schema itself (introspection), so that an operation added later
//! is covered without a word here. Each is called, signed in as an admin and anonymously, with
//! every argument set to values no operation may accept (empty, blank, control characters,
//! oversized, out of range, wrong types). Every answer must be a GraphQL answer with a sentence,
//! never a 5xx or "something went wrong", and nothing may be stored.

mod common;

use axum::http::StatusCode;
use common::{DOMAIN_TABLES, TestApp, TestDb, domain_rows, script::Script};
use serde_json::{Value, json};

/// Strings no operation may accept: each is empty, blank, holds a control character, or is
/// longer than any field allows.
fn hostile_strings() -> Vec<String> {
    vec![
        String::new(),
        "   ".to_owned(),
        "\u{0}".to_owned(),
        "' OR 1=1 --\u{0}".to_owned(),
        "<script>alert(1)</script>\u{7}".to_owned(),
        "ada@example.com\r\nBcc: eve@example.com".to_owned(),
        "../../etc/passwd\u{1b}".to_owned(),
        "é".repeat(5_000),
        "\u{202e}\u{0}\u{feff}".to_owned(),
        "0193f5c2-1111-7000-8000-00000000000".to_owned(),
    ]
}

/// A value of a GraphQL input type built from one hostile string, or a hostile number.
fn value_of(ty: &Value, s: &str, n: i64) -> Value {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => value_of(&ty["ofType"], s, n),
        "LIST" => json!([value_of(&ty["ofType"], s, n), value_of(&ty["ofType"], s, n)]),
        "SCALAR" => match ty["name"].as_str().unwrap() {
            "Int" => json!(n.clamp(i32::MIN as i64, i32::MAX as i64)),
            "Float" => json!(n as f64 * 1e300),
            "Boolean" => json!(true),
            _ => json!(s),
        },
        // Input objects (WorkspaceFilter): every field the hostile string.
        "INPUT_OBJECT" => json!({ "name": s }),
        other => panic!("an input of kind {other}"),
    }
}

/// `String!`, `[String]!`...: the type as a variable declaration writes it.
fn type_name(ty: &Value) -> String {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", type_name(&ty["ofType"])),
        "LIST" => format!("[{}]", type_name(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap().to_owned(),
    }
}

/// The innermost named type of a field's result.
fn named(ty: &Value) -> &Value {
    if ty["ofType"].is_null() {
        ty
    } else {
        named(&ty["ofType"])
    }
}

struct Operation {
    kind: &'static str,
    name: String,
    args: Vec<(String, Value)>,
    /// What to select from the result (`{ __typename }` for objects, nothing for scalars).
    selection: &'static str,
}

async fn operations(script: &mut Script) -> Vec<Operation> {
    let v = script
        .gql(
            "types",
            "query types { __schema {
                queryType { fields { name args { name type { ...T } } type { ...T } } }
                mutationType { fields { name args { name type { ...T } } type { ...T } } } } }
             fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }",
            json!({}),
        )
        .await;
    let mut ops = Vec::new();
    for (kind, root) in [("query", "queryType"), ("mutation", "mutationType")] {
        for field in v["data"]["__schema"][root]["fields"].as_array().unwrap() {
            let selection = match named(&field["type"])["kind"].as_str().unwrap() {
                "OBJECT" => "{ __typename }",
                _ => "",
            };
            ops.push(Operation {
                kind,
                name: field["name"].as_str().unwrap().to_owned(),
                args: field["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| (a["name"].as_str().unwrap().to_owned(), a["type"].clone()))
                    .collect(),
                selection,
            });
        }
    }
    ops
}

async fn every_operation_refuses_hostile_input_clearly_and_stores_nothing(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    let (email, password) = admin.sign_up("Ada", "Engines").await;
    let mut signed_in = Script::new(&app);
    signed_in.sign_in(&email, &password).await;
    let mut anonymous = Script::new(&app);
    let ops = operations(&mut signed_in).await;
    assert!(ops.len() >= 26, "{} operations", ops.len());
    let before = domain_rows(&t).await;

    let mut tried = 0;
    for op in &ops {
        for (i, s) in hostile_strings().iter().enumerate() {
            let n = [-1_i64, i64::MAX, 0, -9_999_999_999][i % 4];
            let declared: Vec<String> = op
                .args
                .iter()
                .map(|(name, ty)| format!("${name}: {}", type_name(ty)))
                .collect();
            let passed: Vec<String> = op
                .args
                .iter()
                .map(|(name, _)| format!("{name}: ${name}"))
                .collect();
            let variables: serde_json::Map<String, Value> = op
                .args
                .iter()
                .map(|(name, ty)| (name.clone(), value_of(ty, s, n)))
                .collect();
            let query = format!(
                "{} op{} {{ {}{} {} }}",
                op.kind,
                if declared.is_empty() {
                    String::new()
                } else {
                    format!("({})", declared.join(", "))
                },
                op.name,
                if passed.is_empty() {
                    String::new()
                } else {
                    format!("({})", passed.join(", "))
                },
                op.selection,
            );
            for script in [&mut signed_in, &mut anonymous] {
                let body = json!({ "operationName": "op", "query": query, "variables": variables })
                    .to_string();
                let (status, v) = script.post_json("/graphql", &body).await;
                tried += 1;
                assert!(
                    status == StatusCode::OK || status == StatusCode::TOO_MANY_REQUESTS,
                    "{} with {s:?}: HTTP {status} {v}",
                    op.name
                );
                // Read-only operations may answer (an empty list, a compatibility note);
                // whatever is refused says why, in words, and never blames the server.
                if let Some(errors) = v["errors"].as_array() {
                    for e in errors {
                        let message = e["message"].as_str().unwrap_or_default();
                        assert!(!message.trim().is_empty(), "{}: {v}", op.name);
                        assert!(
                            !message.contains("Something went wrong"),
                            "{} with {s:?}: {message}",
                            op.name
                        );
                    }
                } else {
                    assert_eq!(op.kind, "query", "{} accepted {s:?}: {v}", op.name);
                }
            }
        }
    }
    assert_eq!(
        domain_rows(&t).await,
        before,
        "nothing stored ({DOMAIN_TABLES:?})"
    );
    assert!(tried > 500, "{tried} calls");

    // Wrong types and shapes are the parser's business: a GraphQL error, not a crash.
    let too_many: String = (0..300)
        .map(|i| format!("a{i}: getCurrentUser {{ name }} "))
        .collect();
    for (query, variables) in [
        (
            "query { getOrganizations(organizationId: 42) { name } }",
            json!({}),
        ),
        (
            "query q($l: Int) { getWorkspaces(limit: $l) { name } }",
            json!({ "l": "ten" }),
        ),
        (
            "query q($l: Int) { getWorkspaces(limit: $l) { name } }",
            json!({ "l": 1e40 }),
        ),
        ("mutation { editOrganization }", json!({})),
        ("query { getOrganizations { nosuchfield } }", json!({})),
        ("{ __typename ".repeat(200).as_str(), json!({})),
        (&format!("query {{ {too_many} }}"), json!({})),
    ] {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, v) = signed_in.post_json("/graphql", &body).await;
        assert_eq!(status, StatusCode::OK, "{query}: {v}");
        assert!(v["errors"][0]["message"].is_string(), "{query}: {v}");
    }
    assert_eq!(domain_rows(&t).await, before);
}

on_both_backends!(every_operation_refuses_hostile_input_clearly_and_stores_nothing);
