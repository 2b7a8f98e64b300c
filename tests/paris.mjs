// Dates as the issuer writes them, for the test fixtures of tests/browser
// and tests/package (no dependency, imported by path).

/** Today's date in Paris, `{ year, month, day }`. */
export function parisToday() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** `YYYY-MM-DD`. */
export const iso = (y, m, d) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
