// The query console in headless Chromium, with every request to another host blocked: it signs in
// through the form, runs the first example and sees its result. Usage: node console.test.mjs <base URL>
// of a registry serving the demo data (for example http://127.0.0.1:8080).
import { chromium } from "playwright-core";

const base = process.argv[2];
if (!base) {
  console.error("usage: node console.test.mjs <base URL>");
  process.exit(2);
}
const origin = new URL(base).origin;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const failures = [];
const blocked = [];
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const context = await browser.newContext({ locale: "zh-CN" });
  // Only the registry itself may be asked for anything.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.setDefaultTimeout(15_000);

  await page.goto(`${origin}/graphql`);
  await page.fill("#username", "cq-amr-viewer");
  await page.fill("#password", "registry-demo");
  await page.click("#sign-in-button");
  await page.waitForFunction(() => document.getElementById("who").textContent.includes("cq-amr-viewer"));
  const headers = JSON.parse(await page.inputValue("#headers"));
  if (!String(headers.Authorization ?? "").startsWith("Bearer ")) failures.push("the token is not in the headers");

  await page.click("#run");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("HTTP"));
  const status = await page.textContent("#status");
  const result = JSON.parse(await page.textContent("#result"));
  if (!status.startsWith("HTTP 200")) failures.push(`the example answered ${status}`);
  if (result.errors) failures.push(`the example failed: ${JSON.stringify(result.errors)}`);
  const credentials = result.data?.enterprise?.credentials ?? [];
  if (credentials.length === 0) failures.push(`no credentials in ${JSON.stringify(result)}`);
  console.log(`signed in, ran "${await page.$eval("#example", (select) => select.selectedOptions[0].text)}": ${status}, ${credentials.length} credentials of ${result.data?.enterprise?.name}`);
} finally {
  await browser.close();
}
if (blocked.length > 0) failures.push(`requests to other hosts: ${blocked.join(", ")}`);
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("console test passed: nothing left the machine");
