//! A script talking to the GraphQL API: no cookies, no Origin; its credentials in headers.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};

use super::{Client, TestApp};

/// A script: no cookies, no Origin; a token in the headers once signed in.
pub struct Script {
    pub client: Client,
    pub headers: Vec<(String, String)>,
}

impl Script {
    pub fn new(app: &TestApp) -> Script {
        let mut client = app.client();
        client.origin = None;
        Script {
            client,
            headers: Vec::new(),
        }
    }

    /// Posts `{operationName, variables, query}` to `path`; answers the GraphQL body.
    pub async fn post(&mut self, path: &str, op: &str, query: &str, variables: Value) -> Value {
        let body =
            json!({ "operationName": op, "variables": variables, "query": query }).to_string();
        let mut b = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "orgspace.test")
            .header(header::CONTENT_TYPE, "application/json");
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let r = self.client.send(b.body(Body::from(body)).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{path} {op}: {}", r.body);
        serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("JSON: {}", r.body))
    }

    pub async fn gql(&mut self, op: &str, query: &str, variables: Value) -> Value {
        self.post("/graphql", op, query, variables).await
    }

    /// Signs in as anatools 3.0.0 does and keeps the token in its headers.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Value {
        let v = self
            .gql(
                "signIn",
                "mutation signIn($email: String!, $password: String!) {
                    signIn(email: $email, password: $password) { uid idtoken expires } }",
                json!({ "email": email, "password": password }),
            )
            .await;
        let signed = v["data"]["signIn"].clone();
        self.headers = vec![
            (
                "uid".into(),
                signed["uid"].as_str().unwrap_or_default().into(),
            ),
            (
                "idtoken".into(),
                signed["idtoken"].as_str().unwrap_or_default().into(),
            ),
        ];
        signed
    }

    /// A script holding an API key: every request carries it in the `apikey` header.
    pub fn with_key(app: &TestApp, key: &str) -> Script {
        let mut script = Script::new(app);
        script.headers = vec![("apikey".into(), key.into())];
        script
    }

    /// Posts JSON to a plain endpoint (not GraphQL) with the script's headers; answers the
    /// status and the JSON body.
    pub async fn post_json(&mut self, path: &str, body: &str) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "orgspace.test")
            .header(header::CONTENT_TYPE, "application/json");
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let r = self
            .client
            .send(b.body(Body::from(body.to_owned())).unwrap())
            .await;
        let v = serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("JSON: {}", r.body));
        (r.status, v)
    }
}

/// The message of the first error of a GraphQL answer.
pub fn message(v: &Value) -> &str {
    v["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("an error in {v}"))
}
