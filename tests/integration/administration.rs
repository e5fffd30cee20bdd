//! Managing users and bureaus: what administrators can do, and that every change is audited.

use entity::{app_user, audit_event, bureau};
use registry_tests::{TestApp, error_code, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const CREATE_USER: &str = "mutation($input: CreateUserInput!) {
    createUser(input: $input) { user { id username roles status bureau { code } } userErrors { field message code } } }";

async fn bureau_id(app: &TestApp, code: &str) -> String {
    let row = bureau::Entity::find()
        .filter(bureau::Column::Code.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    registry::ids::encode(registry::ids::NodeType::Bureau, row.id)
}

fn new_user(username: &str, bureau: &str, roles: Value) -> Value {
    json!({ "input": { "username": username, "displayName": "新用户", "password": "a long enough password",
        "bureauId": bureau, "roles": roles } })
}

#[tokio::test]
async fn a_bureau_administrator_creates_staff_below_it_who_can_then_sign_in() {
    let app = spawn_app().await;
    let admin = app.login("cq-amr-admin").await;
    let district = bureau_id(&app, "CQ-YZ-AMR").await;
    let (_, body) = app
        .query_as(
            &admin,
            CREATE_USER,
            new_user("yz-new-registrar", &district, json!(["REGISTRAR"])),
        )
        .await;
    let user = &body["data"]["createUser"]["user"];
    assert_eq!(body["data"]["createUser"]["userErrors"], json!([]), "{body}");
    assert_eq!(user["roles"], json!(["REGISTRAR"]));
    assert_eq!(user["bureau"]["code"], "CQ-YZ-AMR");

    let signed_in = app
        .query_with(
            "mutation { login(input: {username: \"yz-new-registrar\", password: \"a long enough password\"}) { viewer { roles } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        signed_in["data"]["login"]["viewer"]["roles"],
        json!(["REGISTRAR"])
    );

    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("CREATE_USER"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let after = events[0].after.clone().unwrap();
    assert_eq!(after["username"], "yz-new-registrar");
    assert!(after.get("passwordHash").is_none() && !after.to_string().contains("argon2"));
    assert!(events[0].actor_user_id.is_some() && events[0].request_id.is_some());
}

#[tokio::test]
async fn no_role_above_the_callers_own_is_granted_and_only_the_refusal_is_recorded() {
    let app = spawn_app().await;
    let admin = app.login("cq-amr-admin").await;
    let own = bureau_id(&app, "CQ-AMR").await;
    let before = app_user::Entity::find().count(&app.db).await.unwrap();
    let (_, body) = app
        .query_as(
            &admin,
            CREATE_USER,
            new_user("would-be-root", &own, json!(["SYSTEM_ADMIN"])),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(app_user::Entity::find().count(&app.db).await.unwrap(), before);
    let events = audit_event::Entity::find().all(&app.db).await.unwrap();
    let recorded: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str(), e.after.is_some()))
        .collect();
    assert_eq!(recorded, vec![("CREATE_USER", "REFUSED", false)]);
}

#[tokio::test]
async fn bad_input_comes_back_as_user_errors_naming_the_fields() {
    let app = spawn_app().await;
    let admin = app.login("cq-amr-admin").await;
    let own = bureau_id(&app, "CQ-AMR").await;
    let mut input = new_user("Bad Name!", &own, json!([]));
    input["input"]["password"] = json!("short");
    let (_, body) = app.query_as(&admin, CREATE_USER, input).await;
    let errors = body["data"]["createUser"]["userErrors"].as_array().unwrap();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"][1].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["username", "password", "roles"]);
    assert!(errors.iter().all(|e| e["code"] == "INVALID"));
    assert_eq!(body["data"]["createUser"]["user"], Value::Null);

    let (_, taken) = app
        .query_as(
            &admin,
            CREATE_USER,
            new_user("cq-amr-viewer", &own, json!(["AGENCY_VIEWER"])),
        )
        .await;
    assert_eq!(taken["data"]["createUser"]["userErrors"][0]["code"], "TAKEN");
}

#[tokio::test]
async fn an_administrator_lists_the_users_it_manages_only() {
    let app = spawn_app().await;
    let query = "{ users(first: 100) { totalCount nodes { username } } }";
    let (_, body) = app
        .query_as(&app.login("cq-amr-admin").await, query, json!({}))
        .await;
    let names: Vec<&str> = body["data"]["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    for expected in [
        "cq-amr-admin",
        "cq-amr-registrar",
        "cq-amr-viewer",
        "cq-yz-registrar",
        "enterprise-user",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    for unexpected in ["sc-amr-admin", "cq-eic-registrar", "sysadmin", "miit-reviewer"] {
        assert!(!names.contains(&unexpected), "{unexpected} listed: {names:?}");
    }
    let (_, all) = app.query_as(&app.login("sysadmin").await, query, json!({})).await;
    assert_eq!(all["data"]["users"]["totalCount"], 16);
}

#[tokio::test]
async fn changed_roles_and_status_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.login("cq-amr-admin").await;
    let registrar = app.login("cq-amr-registrar").await;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("cq-amr-registrar"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id = registry::ids::encode(registry::ids::NodeType::User, user.id);
    let roles = "mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { user { roles version } userErrors { code } } }";
    let (_, body) = app
        .query_as(
            &admin,
            roles,
            json!({ "input": { "userId": id, "roles": ["REVIEWER"] } }),
        )
        .await;
    assert_eq!(body["data"]["setUserRoles"]["user"]["roles"], json!(["REVIEWER"]));
    assert_eq!(body["data"]["setUserRoles"]["user"]["version"], 2);
    let (_, viewer) = app.query_as(&registrar, "{ viewer { roles } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["roles"], json!(["REVIEWER"]));

    let status = "mutation($input: SetUserStatusInput!) { setUserStatus(input: $input) { user { status } userErrors { code } } }";
    let (_, body) = app
        .query_as(
            &admin,
            status,
            json!({ "input": { "userId": id, "status": "DISABLED" } }),
        )
        .await;
    assert_eq!(body["data"]["setUserStatus"]["user"]["status"], "DISABLED");
    assert_eq!(
        app.query_as(&registrar, "{ viewer { roles } }", json!({}))
            .await
            .0,
        401
    );
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::EntityType.eq("user"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(events, 2);
}

#[tokio::test]
async fn the_viewer_lists_the_operations_its_roles_allow() {
    let app = spawn_app().await;
    let query = "{ viewer { operations } }";
    let names = |body: &Value| -> Vec<String> {
        body["viewer"]["operations"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|name| name.as_str().unwrap().to_owned())
            .collect()
    };
    let public = names(&app.data(query).await);
    for open in ["login", "littleGiants", "verifyCredentials", "node"] {
        assert!(public.contains(&open.to_owned()), "{open} in {public:?}");
    }
    assert!(!public.contains(&"raiseObjection".to_owned()), "{public:?}");
    let (_, admin) = app
        .query_as(&app.login("cq-amr-admin").await, query, json!({}))
        .await;
    let beyond_public: Vec<String> = names(&admin["data"])
        .into_iter()
        .filter(|name| !public.contains(name))
        .collect();
    assert_eq!(
        beyond_public,
        [
            "auditEvents",
            "users",
            "createUser",
            "setUserStatus",
            "setUserRoles",
            "raiseObjection",
            "createAgreement",
            "confirmAgreement",
            "suspendAgreement",
            "resumeAgreement",
            "terminateAgreement",
            "listCredential",
            "unlistCredential"
        ]
    );
    let (_, root) = app.query_as(&app.login("sysadmin").await, query, json!({})).await;
    assert!(names(&root["data"]).contains(&"createBureau".to_owned()));
}
