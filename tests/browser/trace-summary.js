// Where a visit's time goes, from a Chromium trace that `phone-bench.js
// --trace DIR` wrote: the page's main thread from the navigation's start to
// the verdict (the `cachet-verdict` mark of lib/verdicts.js), its long
// tasks with what they ran, and the functions that took its time (the V8
// sampling profiler: self time, by function and script).
//
// Usage: node trace-summary.js TRACE.json [TRACE.json…] [--min MS] [--top N]
// Several traces: one summary each, then the functions' medians over them.
// Times are the trace's (the CPU slowed as the benchmark slowed it).

import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const MIN_TASK_MS = Number(flag('--min', '8'));
const TOP = Number(flag('--top', '25'));
const files = args;
if (files.length === 0) {
  console.error('usage: node trace-summary.js TRACE.json [TRACE.json…] [--min MS] [--top N]');
  process.exit(2);
}

const short = (url) => (url ? path.basename(new URL(url, 'http://x/').pathname) || url : '');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : 0;
};

/** One trace's summary: `{ total, tasks, functions: Map(name → ms), categories }`. */
function summarise(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const nav = events
    .filter((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && /^https?:/.test(e.args.data.documentLoaderURL ?? ''))
    .at(-1);
  if (!nav) throw new Error(`${file}: no main-frame navigationStart`);
  const { pid, tid } = nav;
  const verdict = events.find((e) => e.name === 'cachet-verdict' && e.pid === pid);
  const t0 = nav.ts;
  const t1 = verdict ? verdict.ts : Math.max(...events.filter((e) => e.pid === pid && e.tid === tid).map((e) => e.ts));
  const ms = (us) => us / 1000;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ts >= t0 && e.ts <= t1);

  // Top-level tasks, and the direct work under each (nesting by time).
  const complete = main.filter((e) => e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = [];
  let busy = 0;
  for (const e of complete) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
    if (tasks.length && e.ts < tasks.at(-1).ts + tasks.at(-1).dur) continue; // nested
    tasks.push(e);
    busy += e.dur;
  }
  const describe = (task) => {
    const inside = complete.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && !/RunTask/.test(e.name));
    const parts = [];
    for (const e of inside) {
      const d = e.args?.data ?? e.args?.beginData ?? {};
      const what = d.url ? short(d.url) : d.functionName || d.type || d.fileName || '';
      if (e.dur >= 2000) parts.push(`${e.name}${what ? ` ${what}` : ''} ${ms(e.dur).toFixed(0)}`);
    }
    return [...new Set(parts)].slice(0, 8).join('; ');
  };
  const long = tasks.filter((t) => t.dur >= MIN_TASK_MS * 1000).map((t) => ({ at: ms(t.ts - t0), dur: ms(t.dur), what: describe(t) }));

  // The sampling profiler: self time per function on this thread, within the window.
  const profiles = new Map();
  for (const e of events) {
    if (e.pid !== pid || (e.name !== 'Profile' && e.name !== 'ProfileChunk')) continue;
    const id = `${e.pid}:${e.id}`;
    if (e.name === 'Profile') {
      profiles.set(id, { tid: e.tid, start: e.args.data.startTime, nodes: new Map(), samples: [], deltas: [] });
      continue;
    }
    const p = profiles.get(id);
    if (!p) continue;
    const d = e.args.data;
    for (const n of d.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
    p.samples.push(...(d.cpuProfile?.samples ?? []));
    p.deltas.push(...(d.timeDeltas ?? []));
  }
  const functions = new Map();
  for (const p of profiles.values()) {
    if (p.tid !== tid) continue;
    let ts = p.start;
    for (let i = 0; i < p.samples.length; i++) {
      ts += p.deltas[i] ?? 0;
      const next = ts + (p.deltas[i + 1] ?? 0);
      if (ts < t0 || ts > t1) continue;
      const node = p.nodes.get(p.samples[i]);
      const f = node?.callFrame ?? {};
      if (!f.functionName && !f.url) continue; // (idle), (program), (root)
      const name = f.functionName ? `${f.functionName} ${short(f.url)}` : `(${f.url ? short(f.url) : '?'})`;
      if (/^\((idle|program|root)\)/.test(f.functionName ?? '')) continue;
      functions.set(name, (functions.get(name) ?? 0) + ms(next - ts));
    }
  }
  return { file, total: ms(t1 - t0), verdict: !!verdict, busy: ms(busy), long, functions };
}

const all = [];
for (const file of files) {
  const s = summarise(file);
  all.push(s);
  console.log(`\n## ${path.basename(file)}: navigation → ${s.verdict ? 'verdict' : 'last event (no verdict mark)'} ${s.total.toFixed(0)} ms, main thread in tasks ${s.busy.toFixed(0)} ms`);
  console.log(`tasks of ${MIN_TASK_MS} ms or more (start → length, ms: what ran inside):`);
  for (const t of s.long) console.log(`  ${t.at.toFixed(0).padStart(5)} → ${t.dur.toFixed(0).padStart(4)}  ${t.what}`);
  const top = [...s.functions].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  console.log(`functions by self time (ms, sampled):`);
  for (const [name, t] of top) console.log(`  ${t.toFixed(1).padStart(7)}  ${name}`);
}
if (all.length > 1) {
  const names = new Set(all.flatMap((s) => [...s.functions.keys()]));
  const rows = [...names].map((n) => [n, median(all.map((s) => s.functions.get(n) ?? 0))]).sort((a, b) => b[1] - a[1]).slice(0, TOP);
  console.log(`\n## medians over ${all.length} traces: navigation → verdict ${median(all.map((s) => s.total)).toFixed(0)} ms, in tasks ${median(all.map((s) => s.busy)).toFixed(0)} ms`);
  for (const [name, t] of rows) console.log(`  ${t.toFixed(1).padStart(7)}  ${name}`);
}
