/**
 * A counterexample as a timeline people can read in a minute: one row per step,
 * kernel code in the left lane and userspace code in the right one (each named by
 * its thread), and under a row only what that step changed. The initial state is
 * drawn in full once; after that a ring is drawn again only when a frame, its
 * head or a cursor changed, and a socket or thread field appears as
 * `field: old -> new` when it changes. Consecutive steps of one thread that change
 * nothing visible (or only move the kernel head round) share one row. The
 * violating step is marked `>>`.
 *
 * Everything is computed from the structured views (model/view.ts) each trace
 * step carries, never from the text drawing. A trace without views (a spec that
 * offers none, like the test toy) falls back to the full dump (trace.ts), as does
 * --verbose. Deterministic: the same trace gives the same bytes.
 */
import type { TraceStep } from '../check/result.js';
import type { FrameView, RingView, SkbView, SocketView, StateView, ThreadView } from '../model/view.js';
import { traceLines } from './trace.js';

export interface TimelineOptions {
  /** Every state in full after every step (the dump of trace.ts). */
  readonly verbose?: boolean;
  /** Each step's kernel (or userspace) citation under its row. */
  readonly cite?: boolean;
  /** ANSI colour (only for a terminal; the caller decides). */
  readonly color?: boolean;
  /** The first violated invariant and the trace index of the state that breaks it. */
  readonly violation?: { readonly property: string; readonly step: number };
  /** A lasso: a `-- loop --` row before step loopFrom + 1. */
  readonly loopFrom?: number;
}

/** Column of the user lane, from the start of a row's text. */
const USER_LANE = 24;

type Paint = (code: string, text: string) => string;
const plainPaint: Paint = (_code, text) => text;
const ansiPaint: Paint = (code, text) => (text === '' ? text : `\x1b[${code}m${text}\x1b[0m`);
/** SGR codes: what each kind of text is drawn in on a terminal. */
const C = { mark: '1;31', kernel: '36', user: '32', holder: '33', quiet: '2', heading: '1' } as const;

// ---------------------------------------------------------------------------------------------
// Drawing parts of a view.

const msgName = (msg: number, seq: number): string => `m${msg}${seq ? `#${seq}` : ''}`;

function holderMark(f: FrameView): string {
  const h = f.holder;
  if (!h) return '';
  switch (h.how) {
    case 'reserved': return `[reserved by ${h.thread}]`;
    case 'claimed': return `[claimed by ${h.thread}]`;
    case 'copying': return `[writing: ${h.thread}]`;
    case 'held': return `[held by ${h.thread}]`;
  }
}

function frameCell(ring: RingView, f: FrameView, paint: Paint): string {
  const moved = ring.name === 'rx' && f.msg && f.offset !== 24 ? ` @+${f.offset}` : '';
  const body = f.status === 'UNUSED' && !f.msg && !f.len ? 'UNUSED' : `${f.status}${f.msg ? ` ${msgName(f.msg, f.seq)}` : ''}${f.len ? ` len${f.len}` : ''}${moved}`;
  const marks = `${f.kernelHead ? 'K' : ''}${'u'.repeat(f.cursors.length)}`;
  return `${f.index}:${body}${paint(C.holder, holderMark(f))}${marks ? `<${marks}>` : ''}`;
}

function ringRow(ring: RingView, paint: Paint): string {
  if (!ring.present) return `${ring.name}  (no ring)`;
  const gen = ring.generation > 1 ? `  generation ${ring.generation}` : '';
  return `${ring.name}  [ ${ring.frames.map((f) => frameCell(ring, f, paint)).join(' | ')} ]  pending ${ring.pending}${gen}`;
}

function queueText(q: SocketView['receiveQueue']): string {
  return `[${q.map((x) => `${msgName(x.msg, x.seq)}${x.frame >= 0 ? ` (frame ${x.frame})` : ''}`).join(', ')}]`;
}

function skbText(skb: SkbView | null): string {
  if (!skb) return 'none';
  const what = skb.kind === 'ordinary' ? 'ordinary skb' : skb.kind === 'ring-rx' ? `ring skb in rx frame ${skb.frame}` : `zero-copy skb on tx frame ${skb.frame}`;
  return `${what}${skb.msg ? ` ${msgName(skb.msg, skb.seq)}` : ''}${skb.len ? ` len ${skb.len}` : ''}`;
}

const dumpText = (d: SocketView['dump']): string => (d.running ? `running, next part ${d.part}` : 'not running');
const otherText = (o: SocketView['otherSocket']): string => (o.bound ? `port id bound, ${o.queued} queued` : 'none');
const yes = (b: boolean): string => (b ? 'yes' : 'no');

/** Socket fields in the order they are shown, each with how to print its value. */
const SOCKET_FIELDS: readonly (readonly [string, (s: SocketView) => string])[] = [
  ['mapped', (s) => String(s.mapped)],
  ['f_count', (s) => String(s.fileRefs)],
  ['sk_err', (s) => s.skErr],
  ['congested', (s) => yes(s.congested)],
  ['drops', (s) => String(s.drops)],
  ['receive queue', (s) => queueText(s.receiveQueue)],
  ['rmem', (s) => String(s.rmem)],
  ['dump', (s) => dumpText(s.dump)],
  ['released', (s) => yes(s.released)],
  ['destructed', (s) => yes(s.destructed)],
  ['other socket', (s) => otherText(s.otherSocket)],
];

function threadText(t: ThreadView): string {
  const extra = [t.skb ? skbText(t.skb) : '', t.held.length ? `held [${t.held.join(', ')}]` : ''].filter(Boolean);
  return `${t.name}@${t.pc}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** The initial state in full. */
function fullState(v: StateView, paint: Paint): string[] {
  const s = v.socket;
  // The rarely used fields only when they are not in their quiet state.
  const quiet = new Set(['congested', 'dump', 'released', 'destructed', 'other socket']);
  const fields = SOCKET_FIELDS.filter(([name, get]) => !quiet.has(name) || get(s) !== get(QUIET_SOCKET)).map(([name, get]) => `${name} ${get(s)}`);
  const locks = Object.entries(s.locks).map(([lock, who]) => `${lock} held by ${who}`);
  return [
    ringRow(v.rings[0], paint),
    ringRow(v.rings[1], paint),
    `sock  ${[...fields, ...locks, ...(v.idLock ? [`id lock held by ${v.idLock}`] : [])].join('  ')}`,
    `threads  ${v.threads.map(threadText).join('  ')}`,
  ];
}

/** A socket in its quiet state: fields equal to these are left out of the initial drawing. */
const QUIET_SOCKET: SocketView = {
  mapped: 0, fileRefs: 0, skErr: '0', congested: false, drops: 0, receiveQueue: [], rmem: 0,
  dump: { running: false, part: 0 }, released: false, destructed: false, locks: {}, otherSocket: { bound: false, queued: 0 },
};

// ---------------------------------------------------------------------------------------------
// What a step changed.

interface Change {
  /** Per ring: unchanged, only the kernel head moved, or something else in the row changed. */
  readonly rings: readonly ('same' | 'head' | 'row')[];
  /** `field: old -> new` lines for the socket and the threads. */
  readonly fields: readonly string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function ringChange(a: RingView, b: RingView): 'same' | 'head' | 'row' {
  if (same(a, b)) return 'same';
  const noHead = (r: RingView) => ({ ...r, head: 0, frames: r.frames.map((f) => ({ ...f, kernelHead: false })) });
  return same(noHead(a), noHead(b)) ? 'head' : 'row';
}

function changeOf(a: StateView, b: StateView): Change {
  const fields: string[] = [];
  const sock: string[] = [];
  for (const [name, get] of SOCKET_FIELDS) {
    const x = get(a.socket);
    const y = get(b.socket);
    if (x !== y) sock.push(`${name}: ${x} -> ${y}`);
  }
  const lockNames = [...new Set([...Object.keys(a.socket.locks), ...Object.keys(b.socket.locks)])].sort();
  for (const lock of lockNames) {
    const x = a.socket.locks[lock] ?? 'free';
    const y = b.socket.locks[lock] ?? 'free';
    if (x !== y) sock.push(`${lock}: ${x} -> ${y}`);
  }
  if (a.idLock !== b.idLock) sock.push(`id lock: ${a.idLock ?? 'free'} -> ${b.idLock ?? 'free'}`);
  if (sock.length > 0) fields.push(sock.join('   '));
  b.threads.forEach((t, i) => {
    const before = a.threads[i];
    if (!before) return;
    if (!same(before.skb, t.skb)) fields.push(`${t.name} skb: ${skbText(before.skb)} -> ${skbText(t.skb)}`);
    if (!same(before.held, t.held)) fields.push(`${t.name} held: [${before.held.join(', ')}] -> [${t.held.join(', ')}]`);
    // Under --memory tso / weak: what waits in the thread's store buffer, and what it loaded ahead of its program.
    if (t.memory && before.memory) {
      if (!same(before.memory.buffered, t.memory.buffered)) fields.push(`${t.name} store buffer: [${t.memory.buffered.join('; ')}]`);
      if (!same(before.memory.early, t.memory.early)) fields.push(`${t.name} loaded early: [${t.memory.early.join('; ')}]`);
    }
  });
  return { rings: [ringChange(a.rings[0], b.rings[0]), ringChange(a.rings[1], b.rings[1])], fields };
}

/** Nothing visible changed, or only a kernel head moved: such steps of one thread may share a row. */
const minor = (c: Change): boolean => c.fields.length === 0 && c.rings.every((r) => r !== 'row');

// ---------------------------------------------------------------------------------------------
// Rows.

/** The step's text without its `kernel[thread]: ` prefix (the lane and the thread are shown apart). */
function stepText(t: TraceStep): string {
  return t.action.replace(/^(kernel|user|cpu)\[[^\]]*\]: /, '');
}

interface Row {
  /** Trace indices of the first and last step in the row. */
  readonly from: number;
  readonly to: number;
}

/** Split steps 1..n into rows: a run of minor steps by one thread in one lane (not the violating one, not across a loop start) shares a row. */
function rowsOf(trace: readonly TraceStep[], changes: readonly Change[], o: TimelineOptions): Row[] {
  const rows: Row[] = [];
  const groupable = (i: number) => minor(changes[i]) && i !== o.violation?.step;
  for (let i = 1; i < trace.length; ) {
    let j = i;
    if (groupable(i)) {
      const sameRow = (k: number) => trace[k].step?.actor === trace[i].step?.actor && trace[k].step?.lane === trace[i].step?.lane && k !== (o.loopFrom ?? -1) + 1;
      while (j + 1 < trace.length && groupable(j + 1) && sameRow(j + 1)) j++;
    }
    rows.push({ from: i, to: j });
    i = j + 1;
  }
  return rows;
}

function groupText(trace: readonly TraceStep[], row: Row, changes: readonly Change[]): string {
  const texts = [];
  for (let i = row.from; i <= row.to; i++) texts.push(stepText(trace[i]));
  const n = row.to - row.from + 1;
  const shown = n <= 3 ? texts.join('; ') : `${texts[0]}; ... ${texts[n - 1]}`;
  const head = changes.slice(row.from, row.to + 1).some((c) => c.rings.includes('head'));
  return `${shown} (${n} steps, ${head ? 'only the kernel head moves' : 'no visible change'})`;
}

/**
 * The timeline of a trace (init first), one string per line, indented by two.
 * The caller prints the header above it and the explanation below it.
 */
export function timelineLines(trace: readonly TraceStep[], o: TimelineOptions = {}): string[] {
  const views = trace.map((t) => t.view as StateView | undefined);
  if (o.verbose || trace.length === 0 || views.some((v) => v === undefined)) return verboseLines(trace, o);
  const paint = o.color ? ansiPaint : plainPaint;
  const vs = views as StateView[];
  const changes: Change[] = vs.map((v, i) => (i === 0 ? { rings: ['same', 'same'], fields: [] } : changeOf(vs[i - 1], v)));
  const rows = rowsOf(trace, changes, o);
  const label = (r: Row) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`);
  const sw = Math.max(4, ...rows.map((r) => label(r).length));
  const base = 2 + sw + 2;
  const pad = (n: number) => ' '.repeat(n);

  const lines: string[] = [];
  lines.push(paint(C.heading, `  ${'step'.padStart(sw)}  ${'kernel'.padEnd(USER_LANE)}user`));
  lines.push(`${pad(base)}init`);
  for (const l of fullState(vs[0], paint)) lines.push(`${pad(base + 2)}${l}`);
  for (const row of rows) {
    if (o.loopFrom !== undefined && row.from === o.loopFrom + 1) lines.push('  -- loop --');
    const first = trace[row.from];
    const lane = first.step?.lane ?? 'kernel';
    const indent = lane === 'user' ? USER_LANE : 0;
    const actor = first.step?.actor ?? '';
    const text = row.from === row.to ? stepText(first) : groupText(trace, row, changes);
    const violates = o.violation !== undefined && o.violation.step >= row.from && o.violation.step <= row.to;
    const marker = violates ? paint(C.mark, '>>') : '  ';
    const who = paint(lane === 'user' ? C.user : C.kernel, `${actor}:`);
    const body = `${who} ${row.from === row.to ? text : paint(C.quiet, text)}`;
    lines.push(`${marker}${label(row).padStart(sw)}  ${pad(indent)}${body}${violates ? `   ${paint(C.mark, `<- violates ${o.violation!.property}`)}` : ''}`);
    const at = pad(base + indent + 2);
    // What the row changed: from the state before its first step to the state after its last.
    const c = row.from === row.to ? changes[row.from] : changeOf(vs[row.from - 1], vs[row.to]);
    c.rings.forEach((r, ri) => {
      if (r !== 'same') lines.push(`${at}${ringRow(vs[row.to].rings[ri], paint)}`);
    });
    for (const f of c.fields) lines.push(`${at}${f}`);
    if (o.cite) {
      const cites = [...new Set(trace.slice(row.from, row.to + 1).map((t) => t.step?.cites ?? '').filter(Boolean))];
      for (const x of cites) lines.push(`${at}${paint(C.quiet, `cites: ${x}`)}`);
    }
  }
  return lines;
}

/** --verbose: the full dump after every step exactly as trace.ts draws it, with --cite's citations under each step's line. */
function verboseLines(trace: readonly TraceStep[], o: TimelineOptions): string[] {
  const lines = traceLines(trace);
  const width = String(Math.max(trace.length - 1, 0)).length;
  const out: string[] = [];
  let i = 0;
  for (const line of lines) {
    if (o.loopFrom !== undefined && i === o.loopFrom + 1 && line.startsWith(`  ${String(i).padStart(width)}. `)) out.push('  -- loop --');
    const isStep = i < trace.length && line.startsWith(`  ${String(i).padStart(width)}. `);
    out.push(line);
    if (isStep) {
      if (o.cite && trace[i].step?.cites) out.push(`${' '.repeat(2 + width + 2 + 2)}cites: ${trace[i].step!.cites}`);
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The explanation and the history of the frames it names.

function holderPhrase(h: NonNullable<FrameView['holder']>): string {
  switch (h.how) {
    case 'reserved': return `reserved by ${h.thread}`;
    case 'claimed': return `claimed for a COPY by ${h.thread}`;
    case 'copying': return `taken for writing by ${h.thread}`;
    case 'held': return `kept as SKIP by ${h.thread}`;
  }
}

/**
 * What happened to one frame up to step `upto`: the steps at which it got or lost
 * a holder and at which its status changed, the last few of them, e.g.
 * `claimed for a COPY by plain at step 3; set VALID by prod1 at step 7`.
 */
export function frameHistory(trace: readonly TraceStep[], ring: 0 | 1, frame: number, upto: number): string[] {
  const events: string[] = [];
  for (let i = 1; i <= upto && i < trace.length; i++) {
    const a = (trace[i - 1].view as StateView | undefined)?.rings[ring];
    const b = (trace[i].view as StateView | undefined)?.rings[ring];
    if (!a || !b) continue;
    if (a.generation !== b.generation) {
      events.length = 0; // a new ring: the old frame's story is over
      if (b.present) events.push(`a new ${b.name} ring installed by ${trace[i].step?.actor ?? '?'} at step ${i}`);
      continue;
    }
    const fa = a.frames[frame];
    const fb = b.frames[frame];
    if (!fa || !fb) continue;
    const by = trace[i].step?.actor ?? '?';
    const gained = !same(fa.holder, fb.holder) && fb.holder ? fb.holder : null;
    // A reservation or a SKIP hold is its own status change: say it once, by the holder.
    const said = gained && ((gained.how === 'reserved' && fb.status === 'RESERVED') || (gained.how === 'held' && fb.status === 'SKIP'));
    if (fa.status !== fb.status && !said) events.push(`set ${fb.status} by ${by} at step ${i}`);
    else if (fa.status === fb.status && (fa.msg !== fb.msg || fa.len !== fb.len || fa.offset !== fb.offset)) {
      events.push(`written by ${by} at step ${i} (${fb.msg ? msgName(fb.msg, fb.seq) : 'no message'}${fb.len ? `, nm_len ${fb.len}` : ''})`);
    }
    if (gained) events.push(`${holderPhrase(gained)} at step ${i}`);
    else if (fa.holder && !fb.holder && fa.status === fb.status) events.push(`let go by ${fa.holder.thread} at step ${i}`);
  }
  return events.slice(-4);
}

/**
 * The explanation block under the timeline: the property's sentence, then for each
 * frame the sentence names (`rx frame N`, `tx frame N`), what happened to it and when.
 */
export function explanationLines(trace: readonly TraceStep[], step: number, explanation: string, color = false): string[] {
  const paint = color ? ansiPaint : plainPaint;
  const lines = [`${paint(C.heading, 'why:')} ${explanation}`];
  const named = new Set<string>();
  for (const m of explanation.matchAll(/\b(rx|tx) frames? (\d+(?:(?:, | and )\d+)*)/g)) {
    for (const n of m[2].split(/, | and /)) named.add(`${m[1]} ${n}`);
  }
  for (const key of named) {
    const [ring, n] = key.split(' ');
    const events = frameHistory(trace, ring === 'rx' ? 0 : 1, Number(n), step);
    if (events.length > 0) lines.push(`  ${ring} frame ${n}: ${events.join('; ')}`);
  }
  return lines;
}
