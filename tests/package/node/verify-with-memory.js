// Verifies certificate texts in Node as verify.js does, and remembers in
// STATE the highest trust-list sequence accepted, so that an older list
// (one from before a revocation, served again) is refused:
//   node verify-with-memory.js trust-list.json root.key.pub state.json < texts.txt
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadSync } from '@cachet/verifier';

const wasm = readFileSync(new URL(import.meta.resolve('@cachet/verifier/cachet_bg.wasm')));
const { openVerifier } = loadSync({ wasm });

const [trustFile, rootFile, stateFile] = process.argv.slice(2);
let lastSeen = null; // null: no list accepted yet, only when there is no state file
try {
  ({ lastSeen } = JSON.parse(readFileSync(stateFile, 'utf8')));
} catch (e) {
  if (e.code !== 'ENOENT') throw e; // a damaged memory is an error, never a fresh start
}
const opened = openVerifier(readFileSync(trustFile, 'utf8'), [readFileSync(rootFile, 'utf8')], lastSeen);
if (opened.verifier.trustListError) {
  console.error(`trust list refused: ${opened.verifier.trustListError} (highest sequence seen: ${lastSeen})`);
  process.exit(1);
}
if (opened.lastSeen !== lastSeen) {
  // All at once: a crash leaves the old file or the new one, never half a file.
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ lastSeen: opened.lastSeen }) + '\n');
  renameSync(`${stateFile}.tmp`, stateFile);
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  console.log(JSON.stringify(opened.verifier.verify(line.trim(), Date.now())));
}
