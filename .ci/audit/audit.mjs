// Runs every graphql-http server audit against the URL given as the only argument and exits non-zero
// when any audit reports an error or a warning.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

let errors = 0;
let warnings = 0;
const audits = serverAudits({ url });
for (const audit of audits) {
  const result = await audit.fn();
  const detail = result.status === 'ok' ? '' : ` -- ${result.reason}`;
  console.log(`${result.status.padEnd(6)} ${audit.id} ${audit.name}${detail}`);
  if (result.status === 'error') errors += 1;
  if (result.status === 'warn') warnings += 1;
}
console.log(`graphql-http audit: ${audits.length} audits, ${errors} errors, ${warnings} warnings`);
process.exit(errors + warnings > 0 ? 1 : 0);
