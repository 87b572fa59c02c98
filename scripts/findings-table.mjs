// The README's table of what each catalogue scenario violates on linux-3.10 and linux-4.5,
// made from test/verdicts.json (which test/verdicts.test.ts reruns), so that every step
// count the README states is the one a run gives. `node scripts/findings-table.mjs` prints
// it; test/docs.test.ts checks that the README holds exactly this text between its
// <!-- findings-table --> markers. `node scripts/findings-table.mjs consumers` prints the
// consumer tables (test/consumer-verdicts.json), which the README holds between
// <!-- consumers-table VARIANT --> markers.
import { readFileSync } from 'node:fs';

export const VARIANTS = ['linux-3.10', 'linux-4.5'];

/**
 * What explains each violation: `Fn` is the README's Finding n, `Bn` the historical bug
 * Bn of docs/bugs.md. Rules are tried in order, the first that matches wins: [variant or
 * '*', scenario or '*', property, label]. This is prose for the reader, checked by a test
 * to leave no violation of the table unexplained; it decides no verdict (the cells' own
 * properties and lengths come from test/verdicts.json). The labels were assigned by
 * reading each counterexample.
 */
export const EXPLAINED = [
  // Under --memory weak (scenario suffix +weak): B2 on 3.10 shows as a stale read (PUBLISH-RX), a frame
  // visible as VALID before its message offset (LAYOUT-MSG-AT-HDRLEN) and a message the reader took for
  // an nm_len 0 frame (RET-KERNEL-SEND); the kernel's TX status load is Finding 15 on every version.
  ['linux-3.10', 'rx-publish+weak', 'PUBLISH-RX', 'B2'],
  ['linux-3.10', 'rx-publish+weak', 'LAYOUT-MSG-AT-HDRLEN', 'B2'],
  ['linux-3.10', 'rx-publish+weak', 'RET-KERNEL-SEND', 'B2'],
  ['*', '*', 'PUBLISH-TX', 'F15'],
  // With the wakeup after a publication a step of its own, a message Finding 1 overwrote is seen lost by its sender too.
  ['*', 'copy-mixed+weak', 'RET-KERNEL-SEND', 'F1'],
  // linux-3.10's own bugs
  ['linux-3.10', '*', 'POLL-IN-SOUND', 'B11'],
  ['linux-3.10', '*', 'SKIP-PROGRESS', 'B9'],
  ['linux-3.10', '*', 'LOSS-FREE-FRAME', 'B9'],
  ['linux-3.10', '*', 'ERR-SK-ERR-POSITIVE', 'B1'],
  ['linux-3.10', 'dump-full-ring', 'LOSS-REPORTED', 'B1'],
  ['linux-3.10', 'dump-abandon', 'LOSS-REPORTED', 'B1'],
  ['linux-3.10', 'rebind-reader', 'LOSS-REPORTED', 'B1'],
  ['linux-3.10', '*', 'NOTOCTOU-TX-LEN', 'B3b'],
  ['linux-3.10', '*', 'TX-READ-IN-FRAME', 'B3b'],
  ['linux-3.10', '*', 'NOTOCTOU-TX-ACT', 'B3a'],
  ['linux-3.10', '*', 'DET-NO-UNINIT-BRANCH', 'B4'],
  ['linux-3.10', 'dump-full-ring', 'POLL-NO-LOST-WAKEUP', 'F9'],
  ['linux-3.10', 'dump-autosize', 'W-DUMP-AUTOSIZED', 'V1'],
  // the kernels between 3.10 and 4.5 (docs/bugs.md's "Had it" names one of them per bug;
  // B9 and B11 lasted until 4.5, B4 until 4.2, B5 and B12 were 4.1's own)
  ['linux-3.18.4', '*', 'SKIP-PROGRESS', 'B9'],
  ['linux-3.18.4', '*', 'LOSS-FREE-FRAME', 'B9'],
  ['linux-3.18.4', '*', 'POLL-IN-SOUND', 'B11'],
  ['linux-3.18.4', '*', 'DET-NO-UNINIT-BRANCH', 'B4'],
  ['linux-4.1', '*', 'SKIP-PROGRESS', 'B9'],
  ['linux-4.1', '*', 'LOSS-FREE-FRAME', 'B9'],
  ['linux-4.1', '*', 'POLL-IN-SOUND', 'B11'],
  ['linux-4.1', '*', 'TX-PROGRESS', 'B5'],
  ['linux-4.1', '*', 'W-TX-ACTED', 'B5'],
  ['linux-4.1', '*', 'W-TX-BATCH', 'B5'],
  ['linux-4.1', '*', 'W-TX-REJECTED', 'B5'],
  ['linux-4.1', '*', 'W-VERDICT', 'B5'],
  ['linux-4.1', '*', 'LAYOUT-MSG-AT-HDRLEN', 'B12'],
  ['linux-4.1', 'dump-autosize', 'W-DUMP-DONE', 'B12'],
  ['linux-4.2', '*', 'SKIP-PROGRESS', 'B9'],
  ['linux-4.2', '*', 'LOSS-FREE-FRAME', 'B9'],
  ['linux-4.2', '*', 'POLL-IN-SOUND', 'B11'],
  // what linux-4.5 still has (and 3.10 with it)
  ['*', 'copy-mixed', 'ACCT-NO-FREE-IN-USE', 'F1'],
  ['*', 'copy-teardown', 'ACCT-NO-FREE-IN-USE', 'F11'],
  ['*', '*', 'ACCT-NO-FREE-IN-USE', 'F2'],
  ['*', 'copy-hold', 'RET-KERNEL-SEND', 'F5'],
  ['*', 'copy-teardown', 'RET-KERNEL-SEND', 'F11'],
  ['*', '*', 'RET-KERNEL-SEND', 'F2'],
  ['*', 'setup-teardown', 'LOSS-REPORTED', 'F8'],
  ['*', 'setup-fork', 'LOSS-REPORTED', 'F8'],
  ['*', 'copy-teardown', 'LOSS-REPORTED', 'F11'],
  ['*', '*', 'LOSS-REPORTED', 'F5'],
  ['*', '*', 'OWN-RX-KERNEL-WRITE', 'F1'],
  ['*', '*', 'OWN-USER-WRITE', 'F1'],
  ['*', '*', 'COPY-QUEUE-MATCH', 'F1'],
  ['*', '*', 'SETUP-GEOMETRY', 'F3'],
  ['*', '*', 'DUMP-PROGRESS', 'F4'],
  ['*', '*', 'ORDER-RING-IDS', 'F6'],
  ['*', '*', 'NFQ-VERDICT-AFTER-READ', 'F6'],
  ['*', '*', 'POLL-NO-LOST-WAKEUP', 'F7'],
  ['*', '*', 'DUMP-ORDER', 'F9'],
  ['*', '*', 'LOSS-FREE-FRAME', 'F10'],
  ['*', '*', 'DELIVER-PORT-OWNER', 'F12'],
  ['*', '*', 'POLL-IN-AT-CURSOR', 'F13'],
  ['*', '*', 'RET-TX-SENDMSG', 'F14'],
];

/** The label that explains `property` violated in `scenario` on `variant`, or undefined. */
export function explanation(variant, scenario, property) {
  const hit = EXPLAINED.find(([v, sc, p]) => (v === '*' || v === variant) && (sc === '*' || sc === scenario) && p === property);
  return hit?.[3];
}

/** Markdown lines of the table, from the parsed verdict file. */
export function findingsTable(verdicts) {
  const entries = verdicts.entries ?? verdicts;
  const at = new Map(entries.map((e) => [`${e.variant}\u0000${e.scenario}`, e]));
  const scenarios = [...new Set(entries.map((e) => e.scenario))];
  const cell = (e) => {
    if (e === undefined) return 'not run';
    const found = Object.entries(e.violations).map(([p, n]) => `${p} ${n} (${explanation(e.variant, e.scenario, p) ?? 'unexplained'})`);
    const list = found.length === 0 ? 'none' : found.join(', ');
    // A first-violation entry lists only what BFS met first: say so rather than imply "all".
    return e.exhaustive ? list : `${list} (first only; not exhaustive)`;
  };
  const out = ['| scenario | ' + VARIANTS.join(' | ') + ' |', '| --- | ' + VARIANTS.map(() => '---').join(' | ') + ' |'];
  for (const sc of scenarios) out.push(`| ${sc} | ${VARIANTS.map((v) => cell(at.get(`${v}\u0000${sc}`))).join(' | ')} |`);
  return out;
}

/** The consumer loops of the README's consumer tables, the documentation's first. */
export const LOOPS = ['doc', 'ulogd2', 'nurs'];

/** The violations of one entry as a cell: `P n, ...`, `none`, or `not run`. */
function violationsCell(e) {
  if (e === undefined) return 'not run';
  const found = Object.entries(e.violations).map(([p, n]) => `${p} ${n}`);
  return found.length === 0 ? 'none' : found.join(', ');
}

/**
 * Markdown lines of the README's table for one variant: for each RX scenario of
 * test/consumer-verdicts.json, what it violates with each consumer loop (the
 * documentation loop's entry is the catalogue's own, from test/verdicts.json).
 */
export function consumersTable(verdicts, consumerVerdicts, variant) {
  const all = [...(verdicts.entries ?? verdicts), ...(consumerVerdicts.entries ?? consumerVerdicts)];
  const at = new Map(all.map((e) => [`${e.variant}\u0000${e.scenario}`, e]));
  const mine = (consumerVerdicts.entries ?? consumerVerdicts).filter((e) => e.variant === variant);
  const scenarios = [...new Set(mine.map((e) => e.scenario.split('@')[0]))];
  const id = (sc, loop) => (loop === 'doc' ? sc : `${sc}@${loop}`);
  const out = ['| scenario | ' + LOOPS.join(' | ') + ' |', '| --- | ' + LOOPS.map(() => '---').join(' | ') + ' |'];
  for (const sc of scenarios) out.push(`| ${sc} | ${LOOPS.map((l) => violationsCell(at.get(`${variant}\u0000${id(sc, l)}`))).join(' | ')} |`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const read = (f) => JSON.parse(readFileSync(new URL(`../test/${f}`, import.meta.url), 'utf8'));
  const verdicts = read('verdicts.json');
  if (process.argv[2] === 'consumers') {
    const consumers = read('consumer-verdicts.json');
    for (const v of ['linux-4.5', 'reference']) console.log(`${v}:\n${consumersTable(verdicts, consumers, v).join('\n')}\n`);
  } else {
    console.log(findingsTable(verdicts).join('\n'));
  }
}
