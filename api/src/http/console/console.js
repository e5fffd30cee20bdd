// The registry's query console: sign in through `login`, pick an example or write a query, run it.
// Everything it needs is served by the registry itself; it sends requests to /graphql only.
"use strict";

const LOGIN = "mutation SignIn($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken viewer { username roles } } }";

const byId = (id) => document.getElementById(id);

/** Parses a JSON text area, naming it when it is not a JSON object. */
function jsonObject(id, name) {
  const text = byId(id).value.trim();
  if (text === "") return {};
  const value = JSON.parse(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(name + " must be a JSON object");
  }
  return value;
}

/** POSTs a GraphQL request with the headers from the headers box; returns status, id and body. */
async function post(query, variables, operationName) {
  const headers = Object.assign(
    { "Content-Type": "application/json", "Accept": "application/graphql-response+json, application/json" },
    jsonObject("headers", "Headers"),
  );
  const response = await fetch("/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables, operationName }),
  });
  const body = await response.json().catch(() => null);
  return { status: response.status, requestId: response.headers.get("x-request-id"), body };
}

function show(status, text, failed) {
  byId("status").textContent = status;
  byId("status").className = failed ? "error" : "";
  byId("result").textContent = text;
}

function setToken(token, who) {
  const headers = jsonObject("headers", "Headers");
  if (token) headers.Authorization = "Bearer " + token;
  else delete headers.Authorization;
  byId("headers").value = JSON.stringify(headers, null, 2);
  byId("who").textContent = who;
  byId("sign-out").hidden = !token;
}

async function signIn(event) {
  event.preventDefault();
  try {
    const { status, body } = await post(LOGIN, { u: byId("username").value, p: byId("password").value }, "SignIn");
    const login = body && body.data && body.data.login;
    if (!login) {
      const message = body && body.errors ? body.errors.map((e) => e.message).join("; ") : "HTTP " + status;
      setToken(null, "登录失败 Sign-in failed: " + message);
      return;
    }
    byId("password").value = "";
    setToken(login.accessToken, "已登录 Signed in as " + login.viewer.username + " (" + login.viewer.roles.join(", ") + ")");
  } catch (error) {
    setToken(null, "登录失败 Sign-in failed: " + error.message);
  }
}

async function run() {
  let variables;
  try {
    variables = jsonObject("variables", "Variables");
  } catch (error) {
    show("", error.message, true);
    return;
  }
  show("运行中 Running…", "", false);
  try {
    const { status, requestId, body } = await post(byId("query").value, variables, undefined);
    const failed = status !== 200 || (body && body.errors);
    show("HTTP " + status + (requestId ? " · X-Request-Id " + requestId : ""), JSON.stringify(body, null, 2), failed);
  } catch (error) {
    show("", error.message, true);
  }
}

function loadExample(examples, index) {
  const example = examples[index];
  byId("query").value = example.query;
  byId("variables").value = JSON.stringify(example.variables, null, 2);
}

document.addEventListener("DOMContentLoaded", () => {
  const examples = JSON.parse(byId("examples").textContent);
  const select = byId("example");
  examples.forEach((example, index) => select.add(new Option(example.title, String(index))));
  select.addEventListener("change", () => loadExample(examples, Number(select.value)));
  loadExample(examples, 0);
  byId("sign-in").addEventListener("submit", signIn);
  byId("sign-out").addEventListener("click", () => setToken(null, "未登录：以公众身份查询 · Not signed in: querying as the public"));
  byId("run").addEventListener("click", run);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
  });
});
