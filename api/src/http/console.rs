//! The query console a browser gets at `GET /graphql`: our own small page (no third-party bundle, so
//! nothing is fetched from the internet, which back-office networks do not reach), with a sign-in
//! form that puts the token into the request headers and examples from this registry.

use std::sync::LazyLock;

use actix_web::{HttpResponse, http::header};
use serde_json::{Value, json};

const PAGE: &str = include_str!("console/page.html");
const SCRIPT: &str = include_str!("console/console.js");
const STYLE: &str = include_str!("console/console.css");

/// The page's own files only, and requests to this server only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// An example the console opens with: a title, a document and its variables.
pub struct Example {
    pub title: &'static str,
    pub query: &'static str,
    pub variables: fn() -> Value,
}

/// Enterprises of the demo data the examples ask about: a Chongqing enterprise with credentials, and
/// two Sichuan 天府质量奖 winners on the Chongqing–Sichuan agreement's list.
const CHONGQING_ENTERPRISE: &str = "91500101MA000014XF";
const SICHUAN_WINNERS: [&str; 2] = ["91510600MA00004P33", "91510600MA00004PUD"];

/// The examples, in the order the console lists them.
pub const EXAMPLES: [Example; 3] = [
    Example {
        title: "企业的资质 · An enterprise's credentials",
        query: "query EnterpriseCredentials($uscc: String!) {
  enterprise(uscc: $uscc) {
    name
    region { name }
    credentials {
      __typename kind status level validUntil
      grantingBureau { name }
    }
  }
}",
        variables: || json!({ "uscc": CHONGQING_ENTERPRISE }),
    },
    Example {
        title: "川渝互认：四川质量奖在重庆是否有效 · Chongqing–Sichuan verdict",
        query: "query ChongqingSichuanVerdict($uscc: [String!]!) {
  verifyCredentials(usccs: $uscc, kinds: [QUALITY_AWARD], validIn: \"500000\") {
    uscc known valid
    credentials {
      credential { kind grantingBureau { name } }
      verdict { outcome reason agreement { title } }
    }
  }
}",
        variables: || json!({ "uscc": [SICHUAN_WINNERS[0]] }),
    },
    Example {
        title: "批量核验统一社会信用代码 · Verify a few USCCs",
        query: "query VerifyUsccs($codes: [String!]!) {
  verifyCredentials(usccs: $codes, validIn: \"500000\") {
    uscc codeValid codeProblem known valid
    credentials { credential { kind } verdict { outcome } }
  }
}",
        variables: || json!({ "codes": [CHONGQING_ENTERPRISE, SICHUAN_WINNERS[1], "91500000MA5U000000"] }),
    },
];

/// The page, with the examples filled in (built once).
static PAGE_WITH_EXAMPLES: LazyLock<String> = LazyLock::new(|| {
    let examples: Vec<Value> = EXAMPLES
        .iter()
        .map(|example| {
            json!({
                "title": example.title,
                "query": example.query,
                "variables": (example.variables)(),
            })
        })
        .collect();
    // `<` escaped, so no text in an example can close the data block.
    let data = Value::from(examples).to_string().replace('<', "\\u003c");
    PAGE.replace("{{EXAMPLES}}", &data)
});

/// The console page.
pub fn page() -> HttpResponse {
    asset("text/html; charset=utf-8", &PAGE_WITH_EXAMPLES)
}

/// The console's script.
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The console's style sheet.
pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(content_type: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body.to_owned())
}
