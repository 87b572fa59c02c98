/**
 * The "SPIN anchor, side by side" section of bench/RESULTS.md: SPIN and nlring
 * on the same model (bench/anchor/rxring.pml and its spec rxring.ts), measured in
 * the same run on the same machine. Called by bench/run.ts (`npm run bench`) and
 * alone by bench/anchor/main.ts.
 *
 * Each tool runs in a process of its own, so that its peak resident set is its
 * own; times are each tool's own search time (pan's "elapsed time", bfs's
 * seconds), without start-up or compiling. Benchmarks measure; they never assert.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AnchorParams } from './rxring.js';
import { buildPan, hashBitsFor, runPan, spinTools, timeRss, type PanBuild, type SpinRun } from './spin.js';
import { UsageError } from '../../src/errors.js';

/**
 * The markers around a section, one pair per workload, so that main.ts can
 * replace that workload's section in RESULTS.md and leave the others (a 3x3 run
 * next to the default 3x2 one; `npm run bench` rewrites the file with its own only).
 */
export const beginMarker = (km: string): string => `<!-- anchor:begin ${km} (bench/anchor/section.ts) -->`;
export const endMarker = (km: string): string => `<!-- anchor:end ${km} -->`;

/** Put `section` into `text` in place of the marked section, or at its end. */
export function spliceSection(text: string, km: string, section: string[]): string {
  const at = text.indexOf(beginMarker(km));
  const end = text.indexOf(endMarker(km), at);
  if (at >= 0 && end >= 0) return text.slice(0, at) + section.join('\n') + text.slice(end + endMarker(km).length);
  return text.replace(/\n*$/, '\n\n') + section.join('\n') + '\n';
}

export interface AnchorOptions {
  /** `KxM`, e.g. `3x2` (the default) or `3x3` (the workload: about 128 M states without reduction). */
  readonly km?: string;
  /** Timed repetitions of each run; medians are reported. */
  readonly runs: number;
  readonly log: (line: string) => void;
}

export interface AnchorSection {
  readonly lines: string[];
  /** Targets of issue 12 this run missed (for the summary line of RESULTS.md). */
  readonly missed: string[];
}

const FRAMES = 4;
/** The baseline workload: a few hundred states, so its peak RSS is the tool's fixed cost. */
const BASELINE: AnchorParams = { frames: FRAMES, senders: 1, messages: 1 };

/** `KxM` into anchor parameters (F = 4 as in the model's default). */
export function parseKm(km: string): AnchorParams {
  const m = /^(\d+)x(\d+)$/.exec(km);
  if (!m) throw new UsageError(`anchor: workload must be KxM (senders x messages), e.g. 3x2, got '${km}'`);
  const senders = Number(m[1]);
  const messages = Number(m[2]);
  if (senders < 1 || senders > 15 || messages < 1 || messages > 15) throw new UsageError(`anchor: K and M must be in 1..15, got ${km}`);
  return { frames: FRAMES, senders, messages };
}

interface NlringRun {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly maxRssBytes: number;
  readonly verdict: string;
}

/** One bfs run on the anchor in a child process (child.ts). */
function runNlring(p: AnchorParams, useTime: boolean, merging = true, por = false): NlringRun {
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  const args = [child, String(p.frames), String(p.senders), String(p.messages), ...(merging ? [] : ['unmerged']), ...(por ? ['por'] : [])];
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (r.error || r.status !== 0) throw new Error(`nlring anchor run failed: ${r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as NlringRun;
  const rss = useTime ? timeRss(r.stderr) : NaN;
  return { ...j, maxRssBytes: Number.isNaN(rss) ? j.maxRssBytes : rss };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const MB = 2 ** 20;

/** Medians over runs of one tool configuration, and the per-state memory figures. */
interface Row {
  readonly tool: string;
  readonly reduction: string;
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly rss: number;
  /** Peak RSS of the same tool on the baseline workload. */
  readonly baseRss: number;
}

function rowOf(tool: string, reduction: string, runs: { states: number; transitions: number; seconds: number; maxRssBytes: number }[], baseRss: number): Row {
  return {
    tool,
    reduction,
    states: runs[0].states,
    transitions: runs[0].transitions,
    seconds: median(runs.map((r) => r.seconds)),
    rss: median(runs.map((r) => r.maxRssBytes)),
    baseRss,
  };
}

const perSecond = (r: Row) => (r.seconds > 0 ? r.states / r.seconds : NaN);
const bytesPerState = (r: Row) => r.rss / r.states;
const bytesAboveBase = (r: Row) => (r.rss - r.baseRss) / r.states;

function tableLine(r: Row): string {
  return `| ${r.tool} | ${r.reduction} | ${fmt(r.states)} | ${fmt(r.transitions)} | ${fmt(r.seconds, 2)} | ${fmt(perSecond(r))} | ${fmt(r.rss / MB)} MiB | ${fmt(bytesPerState(r), 1)} | ${fmt(bytesAboveBase(r), 1)} |`;
}

/** Run both tools and write the section. A missing SPIN or gcc gives a one-line section. */
export function anchorSection(o: AnchorOptions): AnchorSection {
  const km = o.km ?? '3x2';
  const p = parseKm(km);
  const title = `## SPIN anchor, side by side (rxring: F=${p.frames} frames, K=${p.senders} senders, M=${p.messages} messages each)`;
  const lines: string[] = [beginMarker(km), title, ''];
  const missed: string[] = [];
  const tools = spinTools(o.log);
  if (!tools.ok) {
    lines.push(`Skipped: ${tools.why}.`, '', endMarker(km));
    return { lines, missed };
  }
  const load = loadavg();
  let base: PanBuild | undefined;
  let pan: PanBuild | undefined;
  let unmerged: PanBuild | undefined;
  try {
    o.log(`anchor: compiling pan for K=${p.senders} M=${p.messages} (and the baseline K=1 M=1)`);
    base = buildPan(BASELINE);
    pan = buildPan(p);
    const spinBase = runPan(base.bin(false), tools.time).maxRssBytes;
    const spinBaseReduced = runPan(base.bin(true), tools.time).maxRssBytes;
    const nlBase = runNlring(BASELINE, tools.time).maxRssBytes;
    const spinOff: SpinRun[] = [];
    const spinOn: SpinRun[] = [];
    const nlOff: NlringRun[] = [];
    const nlOn: NlringRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      // nlring first: its count (the same as pan's) sizes pan's hash table for the unreduced run.
      nlOff.push(runNlring(p, tools.time));
      spinOff.push(runPan(pan.bin(false), tools.time, hashBitsFor(nlOff[0].states)));
      spinOn.push(runPan(pan.bin(true), tools.time));
      nlOn.push(runNlring(p, tools.time, true, true));
      o.log(
        `anchor run ${i + 1}: SPIN ${spinOff[i].states} states in ${spinOff[i].seconds}s (reduced: ${spinOn[i].states} in ${spinOn[i].seconds}s); ` +
          `nlring ${nlOff[i].states} in ${nlOff[i].seconds}s (reduced: ${nlOn[i].states} in ${nlOn[i].seconds}s)`,
      );
    }
    const rows = [
      rowOf(`SPIN ${tools.version.replace(/^Spin Version /, '').split(' ')[0]} pan`, 'none (-DNOREDUCE)', spinOff, spinBase),
      rowOf(`SPIN ${tools.version.replace(/^Spin Version /, '').split(' ')[0]} pan`, 'partial order (default)', spinOn, spinBaseReduced),
      rowOf('nlring bfs', 'none', nlOff, nlBase),
      rowOf('nlring bfs', 'partial order (--por)', nlOn, nlBase),
    ];
    const [sOff, sOn, nOff, nOn] = rows;
    const verdicts = [...new Set([...nlOff, ...nlOn].map((r) => r.verdict))];
    const nOffStates = nOff.states;
    const rssFrom = tools.time ? '`/usr/bin/time -v` ("Maximum resident set size")' : "each tool's own report (no /usr/bin/time here)";
    lines.push(
      `The same model twice: in Promela (bench/anchor/rxring.pml) for SPIN, and as an nlring spec (bench/anchor/rxring.ts) for nlring's bfs, with pan's atomicity: an atomic block or a merged run of statements is one step, and program counters and locals are part of the state. ${tools.version}: \`spin -a\` (statement merging on, its default), \`gcc -O2 -DSAFETY -DMEMLIM=16000\` with and without \`-DNOREDUCE\`, \`./pan -m100000 -w${hashBitsFor(nOffStates)}\` without reduction (pan's hash table does not grow: 2^N slots for N = max(24, ⌈log2 states⌉), from the count nlring found) and \`-w24\` (its default) with it. nlring: bfs in a Node process of its own. Medians of ${o.runs} run${o.runs === 1 ? '' : 's'}, run in turn (nlring, SPIN, SPIN reduced, nlring reduced), with a load average of ${load.map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the start: other work on the machine slows both; seconds are each tool's search time (pan's "elapsed time", bfs's own), without start-up or compiling.`,
      '',
      `Memory: peak resident set of the whole process, from ${rssFrom}; "bytes/state" divides it by the states stored, so it counts everything the run holds (for pan its hash table, allocated whole at the start, and search stack; for nlring Node itself, the fingerprint table, parent links and frontier). "above baseline" first subtracts the same tool's peak on the anchor with K=1, M=1 (${fmt(spinBase / MB)} MiB for pan, ${fmt(nlBase / MB)} MiB for nlring), its fixed cost.`,
      '',
      '| tool | reduction | distinct states | transitions | seconds | states/s | peak RSS | bytes/state | bytes/state above baseline |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(tableLine),
      '',
      verdicts.length === 1
        ? `nlring's verdict: ${verdicts[0]}, with and without reduction.`
        : `**nlring's verdicts differ with and without reduction** (${verdicts.join(', ')}): the reduction is unsound here.`,
      '',
    );
    if (sOff.states !== nOff.states) {
      lines.push(`**The state counts differ** (SPIN ${fmt(sOff.states)}, nlring ${fmt(nOff.states)}): the two are not the same transition system, so the ratios below compare different work.`, '');
    } else {
      lines.push(`Both store ${fmt(sOff.states)} states: the spec is the same transition system as pan's. (Transitions are counted differently: pan's count also has the moves of the never claim that checks the invariant, and the initial state.)`, '');
    }
    const ratioOff = perSecond(nOff) / perSecond(sOff);
    lines.push(
      '| nlring / SPIN, no reduction | ratio |',
      '| --- | --- |',
      `| distinct states | ${fmt(nOff.states / sOff.states, 3)} |`,
      `| seconds | ${fmt(nOff.seconds / sOff.seconds, 2)} |`,
      `| states/s | ${fmt(ratioOff, 2)} (target >= 1.5) |`,
      `| bytes/state (peak RSS) | ${fmt(bytesPerState(nOff) / bytesPerState(sOff), 2)} |`,
      `| bytes/state above baseline | ${fmt(bytesAboveBase(nOff) / bytesAboveBase(sOff), 2)} |`,
      '',
      `With reduction SPIN stores ${fmt(sOn.states)} states (${fmt(sOn.states / sOff.states, 3)} of the full space) in ${fmt(sOn.seconds, 2)} s, nlring ${fmt(nOn.states)} (${fmt(nOn.states / nOff.states, 3)}) in ${fmt(nOn.seconds, 2)} s. ` +
        "Both take the enabled steps of one process whose steps touch nothing another process can still touch and nothing the invariant reads (bench/anchor/reduction.ts); their cycle provisos differ in form: pan's depth-first search refuses such a set when a successor is on its stack, nlring's bfs unless every successor lies one level deeper (new, or already found on the next level). " +
        (nOn.states === sOn.states
          ? 'On this model both store the same number of states.'
          : `Here that makes nlring store ${fmt(nOn.states / sOn.states, 3)} times SPIN's states.`),
      '',
      '| nlring / SPIN, both with reduction | ratio |',
      '| --- | --- |',
      `| distinct states | ${fmt(nOn.states / sOn.states, 3)} |`,
      `| seconds (time to a complete verdict) | ${fmt(nOn.seconds / sOn.seconds, 2)} (target <= 1) |`,
      `| states/s | ${fmt(perSecond(nOn) / perSecond(sOn), 2)} |`,
      `| bytes/state (peak RSS) | ${fmt(bytesPerState(nOn) / bytesPerState(sOn), 2)} |`,
      '',
    );
    // The literal reading of "every statement a step": SPIN without statement merging, against the spec without it.
    // Only for small workloads: it has 2 to 3 times the states (3.9 M for 3x2).
    if (p.senders * p.messages <= 6) {
      o.log('anchor: without statement merging (spin -o3), one run each');
      unmerged = buildPan(p, false);
      const no = runNlring(p, tools.time, false);
      const so = runPan(unmerged.bin(false), tools.time, hashBitsFor(no.states));
      lines.push(
        'Without statement merging (`spin -o3 -a`: every statement outside an atomic block is a step of its own; the spec with `merging: false`), no reduction, one run each:',
        '',
        '| tool | reduction | distinct states | transitions | seconds | states/s | peak RSS | bytes/state | bytes/state above baseline |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        tableLine(rowOf(`${sOff.tool} (-o3)`, 'none (-DNOREDUCE)', [so], spinBase)),
        tableLine(rowOf('nlring bfs (merging: false)', 'none', [no], nlBase)),
        '',
        so.states === no.states
          ? `Both store ${fmt(so.states)} states.`
          : `**The state counts differ** (SPIN ${fmt(so.states)}, nlring ${fmt(no.states)}): without merging the two are not the same transition system.`,
        '',
      );
    }
    lines.push(endMarker(km));
    if (!(ratioOff >= 1.5)) missed.push('anchor states/s vs SPIN (no reduction)');
    if (!(nOn.seconds <= sOn.seconds)) missed.push('anchor time vs SPIN with reduction');
    return { lines: lines.filter((l, i) => l !== '' || lines[i - 1] !== ''), missed };
  } catch (e) {
    // A failed run (pan out of its memory limit, a compile error) costs this section, not the whole benchmark.
    o.log(`anchor: ${(e as Error).message}`);
    return { lines: [beginMarker(km), title, '', `Not measured: ${(e as Error).message.split('\n')[0]}.`, '', endMarker(km)], missed: ['anchor (not measured)'] };
  } finally {
    base?.dispose();
    pan?.dispose();
    unmerged?.dispose();
  }
}
