// Fails when two JSON files differ (the committed openapi.json vs the one the code generates now).
import { readFileSync } from 'node:fs';

const [committed, generated] = process.argv.slice(2);
const a = JSON.stringify(JSON.parse(readFileSync(committed, 'utf8')));
const b = JSON.stringify(JSON.parse(readFileSync(generated, 'utf8')));
if (a !== b) {
  console.error(`${committed} is out of date with the code: run \`npm run openapi\` and commit the result.`);
  process.exit(1);
}
console.log(`${committed} matches the code.`);
