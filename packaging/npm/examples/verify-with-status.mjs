// Verifies certificate texts in Node with the status documents held (the
// full one, then the deltas), and remembers in STATE the highest trust-list
// sequence and the highest status sequence applied, so that an older list or
// an older status (one from before a revocation, served again) is refused:
//   node verify-with-status.mjs trust-list.json root.key.pub state.json full.json [delta.json…] < texts.txt
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadSync } from '@cachet/verifier';

const wasm = readFileSync(new URL(import.meta.resolve('@cachet/verifier/cachet_bg.wasm')));
const { openVerifier } = loadSync({ wasm });

const [trustFile, rootFile, stateFile, ...statusFiles] = process.argv.slice(2);
let state = { lastSeen: null, lastSeenStatus: null }; // nothing applied yet, only when there is no state file
try {
  state = JSON.parse(readFileSync(stateFile, 'utf8'));
} catch (e) {
  if (e.code !== 'ENOENT') throw e; // a damaged memory is an error, never a fresh start
}
const opened = openVerifier(readFileSync(trustFile, 'utf8'), [readFileSync(rootFile, 'utf8')], state.lastSeen, {
  status: statusFiles.map((f) => readFileSync(f, 'utf8')),
  lastSeenStatus: state.lastSeenStatus, // undefined (a state file without it) throws last-seen-status-invalid
});
for (const { index, code } of opened.statusRefused) console.error(`status document refused: ${statusFiles[index]}: ${code}`);
if (opened.verifier.trustListError || opened.statusError) {
  const why = opened.verifier.trustListError ?? opened.statusError;
  console.error(`no verdict: ${why} (highest sequences seen: list ${state.lastSeen}, status ${state.lastSeenStatus})`);
  process.exit(1);
}
if (opened.lastSeen !== state.lastSeen || opened.lastSeenStatus !== state.lastSeenStatus) {
  // All at once: a crash leaves the old file or the new one, never half a file.
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ lastSeen: opened.lastSeen, lastSeenStatus: opened.lastSeenStatus }) + '\n');
  renameSync(`${stateFile}.tmp`, stateFile);
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  console.log(JSON.stringify(opened.verifier.verify(line.trim(), Date.now())));
}
