// Verifies certificate texts in Node with @cachet/verifier, one per line
// on standard input, and prints one JSON result per line, in order:
//   node verify.js trust-list.json root.key.pub < texts.txt
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadSync } from '@cachet/verifier';

// Node's fetch reads no files: give the wasm's bytes.
const wasm = readFileSync(new URL(import.meta.resolve('@cachet/verifier/cachet_bg.wasm')));
const { Verifier } = loadSync({ wasm });

const [trustFile, rootFile] = process.argv.slice(2);
const verifier = new Verifier(readFileSync(trustFile, 'utf8'), [readFileSync(rootFile, 'utf8')], undefined);
if (verifier.trustListError) throw new Error(`trust list refused: ${verifier.trustListError}`);

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  console.log(JSON.stringify(verifier.verify(line.trim(), Date.now())));
}
