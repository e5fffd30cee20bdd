// The `changes` subscription through the real `graphql-ws` client (graphql-transport-ws): a token in
// `connection_init` names the caller, a grant's steps arrive as they commit, the public does not see a
// draft, a client reconnecting from its last cursor misses nothing, and a bad token is refused.
// Usage: node subscriptions.test.mjs http://127.0.0.1:PORT (a demo registry). Loopback only; every wait
// is bounded.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const base = process.argv[2];
if (!base) throw new Error("usage: node subscriptions.test.mjs http://127.0.0.1:PORT");
const url = `${base.replace(/^http/, "ws")}/graphql`;
const WAIT_MS = 10_000;

async function post(query, variables = {}, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const login = async (username) =>
  (await post("mutation($u: String!) { login(input: {username: $u, password: \"registry-demo\"}) { accessToken } }", { u: username }))
    .login.accessToken;

/** A USCC with its check character (GB 32100-2015). */
function uscc(first17) {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((total, c, i) => total + alphabet.indexOf(c) * weights[i], 0);
  return first17 + alphabet[(31 - (sum % 31)) % 31];
}

const SUBSCRIPTION = "subscription($after: String) { changes(after: $after) { cursor kind change entityId payload } }";

/** A subscription as `token`'s holder from `after`, collecting what arrives. */
function subscribe(token, after) {
  const received = [];
  const waiters = [];
  let failure;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // Failures go to the subscription's `error` below, not to the console.
    onNonLazyError: () => {},
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const stop = client.subscribe(
    { query: SUBSCRIPTION, variables: { after } },
    {
      next: (result) => {
        if (result.errors) failure = new Error(JSON.stringify(result.errors));
        else received.push(result.data.changes);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        failure = error instanceof Error ? error : new Error(`closed: ${error?.code} ${error?.reason ?? ""}`);
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {},
    },
  );
  return {
    received,
    /** Waits until `count` changes arrived (or fails after WAIT_MS). */
    async until(count) {
      const deadline = Date.now() + WAIT_MS;
      while (received.length < count) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} changes arrived`);
        await new Promise((wake) => {
          waiters.push(wake);
          setTimeout(wake, deadline - Date.now());
        });
      }
      return received;
    },
    failed: () => failure,
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The cursor at the end of the feed now. */
async function end() {
  let after = null;
  for (let page = 0; page < 1_000; page += 1) {
    const { changes } = await post("query($after: String) { changes(after: $after, first: 100) { endCursor hasNextPage } }", { after });
    after = changes.endCursor;
    if (!changes.hasNextPage) return after;
  }
  throw new Error("the feed did not end");
}

const registrar = await login("cq-eic-registrar");
const staff = await login("cq-amr-viewer");
// Both start from the end of the feed as it is before anything changes (a subscription without a
// cursor starts when the server receives it, which may be after the first change below).
const start = await end();
const staffFeed = subscribe(staff, start);
const publicFeed = subscribe(undefined, start);
const suffix = String(Date.now() % 1_000_000).padStart(6, "0");
const code = uscc(`91500112MA9${suffix}`);
const created = await post(
  "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } userErrors { message } } }",
  { input: { uscc: code, fields: { name: `订阅测试企业${suffix}`, regionCode: "500112" } } },
  registrar,
);
const enterprise = created.createEnterprise.enterprise?.id;
check(enterprise, `createEnterprise: ${JSON.stringify(created)}`);
const proposed = await post(
  "mutation($input: ProposeLittleGiantInput!) { proposeLittleGiant(input: $input) { credential { id } userErrors { message } } }",
  { input: { holderId: enterprise, tier: "SPECIALIZED_SME", batch: 6, year: 2026 } },
  registrar,
);
const credential = proposed.proposeLittleGiant.credential?.id;
check(credential, `proposeLittleGiant: ${JSON.stringify(proposed)}`);
// A second public change, after the draft.
await post(
  "mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { userErrors { message } } }",
  { input: { id: enterprise, expectedVersion: 1, fields: { name: `订阅测试企业${suffix}`, regionCode: "500112", address: "重庆市涪陵区订阅路1号" } } },
  registrar,
);

const staffSeen = await staffFeed.until(3);
check(
  JSON.stringify(staffSeen.map((c) => c.change)) === JSON.stringify(["CREATE_ENTERPRISE", "PROPOSE_CREDENTIAL", "UPDATE_ENTERPRISE"]),
  `staff saw ${JSON.stringify(staffSeen)}`,
);
check(staffSeen[1].entityId === credential, "the draft's change names the credential");
const publicSeen = await publicFeed.until(2);
check(
  JSON.stringify(publicSeen.map((c) => c.change)) === JSON.stringify(["CREATE_ENTERPRISE", "UPDATE_ENTERPRISE"]),
  `the public saw ${JSON.stringify(publicSeen)}`,
);
await staffFeed.close();
await publicFeed.close();

// Reconnecting from the first change's cursor: the two after it, again, nothing missed.
const resumed = subscribe(staff, staffSeen[0].cursor);
const again = await resumed.until(2);
check(
  JSON.stringify(again.map((c) => c.cursor)) === JSON.stringify(staffSeen.slice(1).map((c) => c.cursor)),
  `resumed with ${JSON.stringify(again)}`,
);
await resumed.close();

// A token that is not valid closes the connection at `connection_init`.
const refused = subscribe("not-a-token");
try {
  await refused.until(1);
  throw new Error("a bad token was let in");
} catch (error) {
  check(/4403|token/i.test(String(error?.message ?? error)), `refused with ${error}`);
}
await refused.close();
console.log(`subscriptions test passed: ${staffSeen.length} changes for staff, ${publicSeen.length} public, resumed from a cursor`);
