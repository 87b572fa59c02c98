/**
 * A user's own scenario (`--scenario ./my-workload.json`, or the default export of a
 * .ts/.js module): a plain value checked against the ScenarioConfig shape before the
 * spec sees it. The spec trusts its scenario (a value that does not fit a slot of the
 * state vector throws in the middle of a run, a missing thread parameter is read as
 * undefined), so every field, type, index and bound is checked here, and each problem is
 * one UsageError line naming the file and the exact field path:
 *
 *   my.json: threads[1].params.count must be an integer in 1..29, got "2"
 *
 * The bounds are those of the state vector (src/model/state.ts): message tags 1..29
 * (ghost bit masks of 30 bits), 8 queued messages, bytes for indices and counters, 16-bit
 * words for lengths, and one bit per RX frame in netlink_forward_ring's ghost word.
 * Witnesses are named by the id of a catalogue witness (src/props/witnesses.ts): a JSON
 * file cannot hold their predicates, and a module may also give the witness objects.
 */
import { UsageError } from '../errors.js';
import type { ConsumerParams, ProducerParams, ScenarioConfig, SetupOp, SiblingParams, ThreadSpec, TxMisbehaviour, TxParams } from '../model/config.js';
import { CONSUMER_STYLES, USER_ORDERS } from '../model/config.js';
import { checkCreate, maxLen, type MmapReq } from '../model/geometry.js';
import type { Property } from '../model/interface.js';
import type { State } from '../model/state.js';
import { MEMORY_MODELS, RCVQ_CAP } from '../model/state.js';
import { PROPERTIES } from '../props/index.js';
import { W } from '../props/witnesses.js';
import { readScenarioJson } from './json-file.js';

export { jsonErrorOffset, readScenarioJson } from './json-file.js';

/** A scenario as a file gives it: like ScenarioConfig, but witnesses may be named by id. */
export type ScenarioInput = Omit<ScenarioConfig, 'witnesses'> & { readonly witnesses: readonly (string | Property<State>)[] };

/** A scenario's JSON form: witnesses by id. */
export type ScenarioJson = Omit<ScenarioConfig, 'witnesses'> & { readonly witnesses: readonly string[] };

/** Message tags (and ids) are tracked by bit masks of bits 1..29 (state.ts GHOST_FIELDS, kernel/sock.ts tagBit). */
const TAG_MAX = 29;
/** Indices, counters and frame numbers are signed bytes of the state vector. */
const BYTE_MAX = 127;
/** Lengths and sizes are signed 16-bit words. */
const WORD_MAX = 32767;
/** netlink_forward_ring's ghost keeps one bit per RX frame in a 16-bit word (bits 0..14). */
const RX_FRAMES_MAX = 15;
/** A C int (optlen, recv() buffer sizes, mmap offsets). */
const INT_MAX = 2 ** 31 - 1;

const WORD = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const SCENARIO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const CATALOGUE_WITNESSES: readonly Property<State>[] = Object.values(W);
const INVARIANT_IDS: readonly string[] = PROPERTIES.filter((p) => p.kind === 'always').map((p) => p.id);

/** A short rendering of a bad value for an error line. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Checks of one file's value: every failure is one line naming the file and a field path. */
class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new UsageError(`${this.file}: ${path === '' ? '' : `${path} `}${problem}`);
  }

  /** An object with only the given fields (`required` among them); returns it as a record. */
  object(path: string, v: unknown, what: string, { all: fields, required }: Fields): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `must be an object (${what}), got ${shown(v)}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!fields.includes(k)) this.fail(join(path, k), `is not a field of ${what} (fields: ${fields.join(', ')})`);
    }
    for (const k of required) if (o[k] === undefined) this.fail(join(path, k), `is missing (required in ${what}: ${required.join(', ')})`);
    return o;
  }

  int(path: string, v: unknown, min: number, max: number, why = ''): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const range = max >= INT_MAX ? `>= ${min}` : `in ${min}..${max}`;
      this.fail(path, `must be an integer ${range}${why === '' ? '' : ` (${why})`}, got ${shown(v)}`);
    }
    return v;
  }

  bool(path: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(path, `must be true or false, got ${shown(v)}`);
    return v;
  }

  oneOf<T extends string>(path: string, v: unknown, values: readonly T[]): T {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.fail(path, `must be one of ${values.map((x) => `"${x}"`).join(', ')}, got ${shown(v)}`);
    return v as T;
  }

  array(path: string, v: unknown, min: number, max: number): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(path, `must be an array, got ${shown(v)}`);
    if (v.length < min || v.length > max) this.fail(path, `must have ${min === max ? min : max >= INT_MAX ? `at least ${min}` : `${min} to ${max}`} entries, got ${v.length}`);
    return v;
  }
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

/** Copy the optional fields that are present (a key given as undefined counts as absent). */
function optional<T extends object>(out: T, key: string, v: unknown, check: (v: unknown) => unknown): T {
  if (v !== undefined) (out as Record<string, unknown>)[key] = check(v);
  return out;
}

// The fields each object may have, and those it must have. A field added to a type of
// src/model/config.ts and not listed here (so not checked) is a compile error naming it.
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T] & string;
type Unlisted<T, L extends readonly string[]> = Exclude<keyof T & string, L[number]>;
type AllListed<T, L extends readonly string[]> = [Unlisted<T, L>] extends [never] ? unknown : { readonly fieldsNotChecked: Unlisted<T, L> };

interface Fields {
  readonly all: readonly string[];
  readonly required: readonly string[];
}

function fieldsOf<T>() {
  return <const A extends readonly (keyof T & string)[], const R extends readonly RequiredKeys<T>[]>(
    all: A & AllListed<T, A>,
    required: R & AllListed<Pick<T, RequiredKeys<T>>, R>,
  ): Fields => ({ all, required });
}

type SetsockoptOp = Extract<SetupOp, { op: 'setsockopt' }>;
type MmapOp = Extract<SetupOp, { op: 'mmap' }>;
const TOP = fieldsOf<ScenarioConfig>()(
  ['id', 'description', 'requests', 'rx', 'tx', 'mapped', 'threads', 'msgLen', 'dumpParts', 'allocFailures', 'noEnobufs', 'rcvbuf', 'witnesses', 'excludes', 'memory', 'userOrder'],
  ['id', 'description', 'requests', 'rx', 'tx', 'mapped', 'threads', 'msgLen', 'witnesses'],
);
const REQUEST = fieldsOf<MmapReq>()(['blockSize', 'blockNr', 'frameSize', 'frameNr'], ['blockSize', 'blockNr', 'frameSize', 'frameNr']);
const PRODUCER = fieldsOf<ProducerParams>()(['count', 'path', 'firstTag', 'mayAbandon'], ['count', 'path', 'firstTag']);
const CONSUMER = fieldsOf<ConsumerParams>()(['style', 'maxHold', 'dump', 'dumpAfterCopy', 'recvBuf', 'verdicts', 'stops'], ['maxHold']);
const TXUSER = fieldsOf<TxParams>()(['count', 'batch', 'dontwait', 'firstTag', 'dst', 'call', 'misbehave', 'fills'], ['count', 'batch', 'dontwait', 'firstTag']);
const MISBEHAVE = fieldsOf<TxMisbehaviour>()(['badLen', 'retries', 'resubmit'], []);
const SIBLING = fieldsOf<SiblingParams>()(['writes'], ['writes']);
const SETSOCKOPT = fieldsOf<SetsockoptOp>()(['op', 'ring', 'req', 'capNetAdmin', 'optlen', 'badPointer'], ['op', 'ring', 'req']);
const MMAP = fieldsOf<MmapOp>()(['op', 'pgoff', 'bytes'], ['op']);
const PROGRAMS = ['producer', 'consumer', 'txuser', 'sibling', 'forker', 'setup'] as const;

/**
 * Check `value` (parsed JSON, or a module's default export) against the ScenarioConfig
 * shape and return it as a ScenarioConfig (witness ids replaced by the catalogue's
 * witnesses, absent optional fields left out). `file` names the source in every error.
 */
export function scenarioFromValue(value: unknown, file: string): ScenarioConfig {
  const c = new Checker(file);
  const o = c.object('', value, 'a scenario', TOP);
  if (typeof o.id !== 'string' || !SCENARIO_ID.test(o.id)) {
    c.fail('id', `must be a word of letters, digits, '.', '_' or '-' (it appears in reproduce commands and report names), got ${shown(o.id)}`);
  }
  if (typeof o.description !== 'string' || o.description.trim() === '' || /[\r\n]/.test(o.description)) {
    c.fail('description', `must be a non-empty string on one line, got ${shown(o.description)}`);
  }
  // ring.req is a byte of the state vector; -1 means none.
  const requests = c.array('requests', o.requests, 1, BYTE_MAX).map((r, i) => request(c, `requests[${i}]`, r));
  const ringIndex = (key: 'rx' | 'tx'): number | null => {
    const v = o[key];
    if (v === null) return null;
    const i = c.int(key, v, 0, requests.length - 1, `an index into requests, or null`);
    const check = checkCreate(requests[i]);
    if (requests[i].blockNr === 0 || !check.ok) {
      c.fail(key, `names requests[${i}], which setsockopt would refuse (${requests[i].blockNr === 0 ? 'a destroy request' : 'EINVAL'}); a ring configured before the run must be one it creates`);
    }
    return i;
  };
  const rx = ringIndex('rx');
  const tx = ringIndex('tx');
  const mapped = c.bool('mapped', o.mapped);
  if (mapped && rx === null && tx === null) c.fail('mapped', 'is true but neither rx nor tx configures a ring to map');
  const msgLen = c.int('msgLen', o.msgLen, 1, WORD_MAX, 'message lengths are 16-bit slots');
  // Thread indices (lock holders, frame owners) are bytes, -1 meaning none.
  const threads = c.array('threads', o.threads, 1, BYTE_MAX).map((t, i) => thread(c, `threads[${i}]`, t, requests.length));

  const config: Record<string, unknown> = { id: o.id, description: o.description, requests, rx, tx, mapped, threads, msgLen };
  // The consumer recognises dump parts by tag DUMP_TAG_BASE + part for parts 0..15 (user/consumer.ts).
  optional(config, 'dumpParts', o.dumpParts, (v) => c.int('dumpParts', v, 0, 16, 'dump part tags 40..55'));
  optional(config, 'allocFailures', o.allocFailures, (v) => c.bool('allocFailures', v));
  optional(config, 'noEnobufs', o.noEnobufs, (v) => c.bool('noEnobufs', v));
  optional(config, 'rcvbuf', o.rcvbuf, (v) => c.int('rcvbuf', v, 1, 2147483647, 'sk_rcvbuf is a positive int, in bytes'));
  config.witnesses = witnesses(c, o.witnesses);
  optional(config, 'excludes', o.excludes, (v) => excludes(c, v));
  optional(config, 'memory', o.memory, (v) => c.oneOf('memory', v, MEMORY_MODELS));
  optional(config, 'userOrder', o.userOrder, (v) => c.oneOf('userOrder', v, USER_ORDERS));
  const sc = config as unknown as ScenarioConfig;
  crossChecks(c, sc);
  return sc;
}

function request(c: Checker, path: string, v: unknown): MmapReq {
  const r = c.object(path, v, 'an nl_mmap_req', REQUEST);
  const word = (k: string) => c.int(join(path, k), r[k], 0, WORD_MAX, 'ring geometry is kept in 16-bit slots');
  // Frame indices (heads, cursors, skb frames) are bytes.
  return { blockSize: word('blockSize'), blockNr: word('blockNr'), frameSize: word('frameSize'), frameNr: c.int(join(path, 'frameNr'), r.frameNr, 0, BYTE_MAX, 'frame indices are bytes') };
}

function thread(c: Checker, path: string, v: unknown, nRequests: number): ThreadSpec {
  const t = c.object(path, v, 'a thread', { all: ['name', 'program', 'params'], required: ['name', 'program'] });
  if (typeof t.name !== 'string' || !WORD.test(t.name)) {
    c.fail(join(path, 'name'), `must be a word (a letter, then up to 31 letters, digits, '_' or '-'), got ${shown(t.name)}`);
  }
  const name = t.name;
  const program = c.oneOf(join(path, 'program'), t.program, PROGRAMS);
  const pp = join(path, 'params');
  if (program === 'forker') {
    if (t.params !== undefined) c.fail(pp, 'is not a field of a forker thread (it has no parameters)');
    return { name, program };
  }
  if (t.params === undefined) c.fail(pp, `is missing (a ${program} thread needs parameters)`);
  switch (program) {
    case 'producer':
      return { name, program, params: producer(c, pp, t.params) };
    case 'consumer':
      return { name, program, params: consumer(c, pp, t.params) };
    case 'txuser':
      return { name, program, params: txuser(c, pp, t.params) };
    case 'sibling':
      return { name, program, params: sibling(c, pp, t.params) };
    case 'setup': {
      const p = c.object(pp, t.params, 'setup parameters', { all: ['ops'], required: ['ops'] });
      // The op counter is a byte.
      const ops = c.array(join(pp, 'ops'), p.ops, 1, BYTE_MAX).map((op, i) => setupOp(c, `${pp}.ops[${i}]`, op, nRequests));
      return { name, program, params: { ops } };
    }
  }
}

const TAG_WHY = 'message tags are tracked in 29-bit masks';

function producer(c: Checker, path: string, v: unknown): ProducerParams {
  const p = c.object(path, v, 'producer parameters', PRODUCER);
  const out: ProducerParams = {
    count: c.int(join(path, 'count'), p.count, 1, TAG_MAX, TAG_WHY),
    path: c.oneOf(join(path, 'path'), p.path, ['ring', 'nfq', 'plain', 'mcast'] as const),
    firstTag: c.int(join(path, 'firstTag'), p.firstTag, 1, TAG_MAX, TAG_WHY),
  };
  return optional(out, 'mayAbandon', p.mayAbandon, (x) => c.bool(join(path, 'mayAbandon'), x));
}

function consumer(c: Checker, path: string, v: unknown): ConsumerParams {
  const p = c.object(path, v, 'consumer parameters', CONSUMER);
  const out: ConsumerParams = { maxHold: c.int(join(path, 'maxHold'), p.maxHold, 0, RX_FRAMES_MAX, 'it cannot hold more frames than an RX ring has') };
  optional(out, 'style', p.style, (x) => c.oneOf(join(path, 'style'), x, CONSUMER_STYLES));
  optional(out, 'dump', p.dump, (x) => c.bool(join(path, 'dump'), x));
  optional(out, 'dumpAfterCopy', p.dumpAfterCopy, (x) => c.bool(join(path, 'dumpAfterCopy'), x));
  if (out.dumpAfterCopy === true && out.dump !== true) c.fail(join(path, 'dumpAfterCopy'), 'is true but dump is not (it says when the dump starts)');
  optional(out, 'recvBuf', p.recvBuf, (x) => c.int(join(path, 'recvBuf'), x, 1, INT_MAX));
  optional(out, 'stops', p.stops, (x) => c.bool(join(path, 'stops'), x));
  return optional(out, 'verdicts', p.verdicts, (x) => c.int(join(path, 'verdicts'), x, 0, BYTE_MAX, 'its counter is a byte'));
}

function txuser(c: Checker, path: string, v: unknown): TxParams {
  const p = c.object(path, v, 'txuser parameters', TXUSER);
  const out: TxParams = {
    count: c.int(join(path, 'count'), p.count, 1, TAG_MAX, TAG_WHY),
    batch: c.int(join(path, 'batch'), p.batch, 1, BYTE_MAX, 'its counter is a byte'),
    dontwait: c.bool(join(path, 'dontwait'), p.dontwait),
    firstTag: c.int(join(path, 'firstTag'), p.firstTag, 1, TAG_MAX, TAG_WHY),
  };
  optional(out, 'dst', p.dst, (x) => c.oneOf(join(path, 'dst'), x, ['kernel', 'missing-port'] as const));
  optional(out, 'fills', p.fills, (x) => c.bool(join(path, 'fills'), x));
  optional(out, 'misbehave', p.misbehave, (x) => misbehaviour(c, join(path, 'misbehave'), x));
  return optional(out, 'call', p.call, (x) => c.oneOf(join(path, 'call'), x, ['sendto', 'sendmsg-noiov'] as const));
}

function misbehaviour(c: Checker, path: string, v: unknown): TxMisbehaviour {
  const p = c.object(path, v, 'txuser misbehaviour', MISBEHAVE);
  const out: TxMisbehaviour = {};
  optional(out, 'badLen', p.badLen, (x) => c.bool(join(path, 'badLen'), x));
  optional(out, 'retries', p.retries, (x) => c.int(join(path, 'retries'), x, 0, BYTE_MAX, 'its counter is a byte'));
  return optional(out, 'resubmit', p.resubmit, (x) => c.bool(join(path, 'resubmit'), x));
}

function sibling(c: Checker, path: string, v: unknown): SiblingParams {
  const p = c.object(path, v, 'sibling parameters', SIBLING);
  return { writes: c.int(join(path, 'writes'), p.writes, 0, BYTE_MAX, 'its counter is a byte') };
}

function setupOp(c: Checker, path: string, v: unknown, nRequests: number): SetupOp {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `must be an object (a set-up operation), got ${shown(v)}`);
  const op = c.oneOf(join(path, 'op'), (v as Record<string, unknown>).op, ['setsockopt', 'mmap', 'munmap', 'close', 'bind'] as const);
  switch (op) {
    case 'setsockopt': {
      const o = c.object(path, v, 'a setsockopt operation', SETSOCKOPT);
      const out: SetupOp = {
        op,
        ring: c.oneOf(join(path, 'ring'), o.ring, ['rx', 'tx'] as const),
        req: c.int(join(path, 'req'), o.req, 0, nRequests - 1, 'an index into requests'),
      };
      optional(out, 'capNetAdmin', o.capNetAdmin, (x) => c.bool(join(path, 'capNetAdmin'), x));
      optional(out, 'optlen', o.optlen, (x) => c.int(join(path, 'optlen'), x, 0, INT_MAX));
      return optional(out, 'badPointer', o.badPointer, (x) => c.bool(join(path, 'badPointer'), x));
    }
    case 'mmap': {
      const o = c.object(path, v, 'an mmap operation', MMAP);
      const out: SetupOp = { op };
      optional(out, 'pgoff', o.pgoff, (x) => c.int(join(path, 'pgoff'), x, 0, INT_MAX));
      return optional(out, 'bytes', o.bytes, (x) => c.int(join(path, 'bytes'), x, 0, INT_MAX));
    }
    case 'munmap':
    case 'close':
    case 'bind':
      c.object(path, v, `a ${op} operation`, { all: ['op'], required: ['op'] });
      return { op };
  }
}

function witnesses(c: Checker, v: unknown): Property<State>[] {
  const list = c.array('witnesses', v, 0, CATALOGUE_WITNESSES.length);
  const known = () => CATALOGUE_WITNESSES.map((w) => w.id).join(', ');
  const out = list.map((x, i) => {
    const path = `witnesses[${i}]`;
    const id = typeof x === 'string' ? x : typeof x === 'object' && x !== null && typeof (x as { id?: unknown }).id === 'string' ? (x as { id: string }).id : null;
    if (id === null) c.fail(path, `must be the id of a catalogue witness (a string such as "W-MSG-READ"), got ${shown(x)}`);
    const w = CATALOGUE_WITNESSES.find((k) => k.id === id);
    if (!w) c.fail(path, `names no catalogue witness: ${shown(id)} (known: ${known()})`);
    // A module may pass the catalogue's own object; a look-alike with another predicate is not that witness.
    if (typeof x === 'object' && x !== w && (x as { holds?: unknown }).holds !== w.holds) {
      c.fail(path, `is an object with id ${shown(id)} that is not the catalogue witness of that id (own witnesses are not supported; give the id)`);
    }
    return w;
  });
  out.forEach((w, i) => {
    if (out.indexOf(w) !== i) c.fail(`witnesses[${i}]`, `repeats ${shown(w.id)}`);
  });
  return out;
}

function excludes(c: Checker, v: unknown): string[] {
  const list = c.array('excludes', v, 0, INVARIANT_IDS.length);
  return list.map((x, i) => {
    const path = `excludes[${i}]`;
    if (typeof x !== 'string') c.fail(path, `must be a property id (a string), got ${shown(x)}`);
    if (CATALOGUE_WITNESSES.some((w) => w.id === x)) c.fail(path, `is the witness ${shown(x)}; excludes lists invariants (witnesses are chosen by the witnesses field)`);
    if (!INVARIANT_IDS.includes(x)) c.fail(path, `names no property: ${shown(x)} (known: ${INVARIANT_IDS.join(', ')})`);
    if (list.indexOf(x) !== i) c.fail(path, `repeats ${shown(x)}`);
    return x;
  });
}

/** What the fields cannot say one at a time: names, the threads' rings, tags, and the receive queue's capacity. */
function crossChecks(c: Checker, sc: ScenarioConfig): void {
  const seen = new Map<string, number>();
  sc.threads.forEach((t, i) => {
    const before = seen.get(t.name);
    if (before !== undefined) c.fail(`threads[${i}].name`, `repeats ${shown(t.name)} (threads[${before}]); thread names must be unique`);
    seen.set(t.name, i);
  });

  // Which requests can be installed on each ring: the one configured at the start, and any a set-up thread asks for.
  const used = { rx: new Set<number>(), tx: new Set<number>() };
  if (sc.rx !== null) used.rx.add(sc.rx);
  if (sc.tx !== null) used.tx.add(sc.tx);
  let mayLoseRxRing = sc.rx === null;
  for (const t of sc.threads) {
    if (t.program !== 'setup') continue;
    for (const op of t.params.ops) {
      if (op.op === 'setsockopt') used[op.ring].add(op.req);
      if (op.op === 'close' || (op.op === 'setsockopt' && op.ring === 'rx')) mayLoseRxRing = true;
    }
  }
  for (const i of used.rx) {
    if (sc.requests[i].frameNr > RX_FRAMES_MAX) {
      c.fail(`requests[${i}].frameNr`, `must be at most ${RX_FRAMES_MAX} for a request used on the RX ring (netlink_forward_ring's ghost keeps one bit per frame in a 16-bit word), got ${sc.requests[i].frameNr}`);
    }
  }
  for (const i of used.tx) {
    const r = sc.requests[i];
    if (checkCreate(r).ok && r.frameNr * maxLen(r.frameSize) > WORD_MAX) {
      c.fail(`requests[${i}]`, `holds ${r.frameNr} x ${maxLen(r.frameSize)} payload bytes on the TX ring, more than the ${WORD_MAX} a sendmsg's 16-bit byte count can hold`);
    }
  }

  const indexOf = (t: ThreadSpec) => sc.threads.indexOf(t);
  const needs = (t: ThreadSpec, ring: 'rx' | 'tx', why: string) => {
    if (sc[ring] === null) c.fail(`threads[${indexOf(t)}].program`, `is ${t.program}, which needs ${ring === 'rx' ? 'an RX' : 'a TX'} ring configured before the run (${ring} is null): ${why}`);
  };
  const consumers = sc.threads.filter((t) => t.program === 'consumer');
  if (consumers.length > 1) c.fail(`threads[${indexOf(consumers[1])}].program`, 'is a second consumer; the ghost state follows one consumer (ids read, COPY pairing, dump progress)');
  // A txuser with `fills: false` only calls sendto for what others filled: it writes no frame.
  const txWriters = sc.threads.filter((t) => (t.program === 'txuser' && t.params.fills !== false) || (t.program === 'consumer' && (t.params.verdicts ?? 0) > 0));
  if (txWriters.length > 1) c.fail(`threads[${indexOf(txWriters[1])}]`, 'is a second thread that fills TX frames (a txuser, or a consumer sending verdicts); each keeps its own cursor, so two would overwrite each other');
  for (const t of sc.threads) {
    if (t.program === 'consumer') {
      needs(t, 'rx', 'its loop walks the ring of that request');
      if ((t.params.verdicts ?? 0) > 0) needs(t, 'tx', 'verdicts are sent through the TX ring');
      if (t.params.stops === true && !sc.mapped) c.fail(`threads[${indexOf(t)}].params.stops`, 'is true but mapped is false: a stopping consumer unmaps the scenario\'s initial mapping');
    }
    if (t.program === 'txuser') needs(t, 'tx', 'it fills the frames of that request');
    if (t.program === 'sibling') needs(t, 'tx', 'it rewrites TX frames');
  }
  const dumps = consumers.some((t) => t.program === 'consumer' && t.params.dump === true);
  if (sc.dumpParts !== undefined && !dumps) c.fail('dumpParts', 'is set but no consumer dumps (consumer params.dump)');

  // Message tags name messages (and symmetry relabels them per producer): no two threads share one.
  const owner = new Map<number, number>();
  sc.threads.forEach((t, i) => {
    if (t.program !== 'producer' && t.program !== 'txuser') return;
    const { firstTag, count } = t.params;
    if (firstTag + count - 1 > TAG_MAX) c.fail(`threads[${i}].params`, `gives tags ${firstTag}..${firstTag + count - 1} (firstTag, count), past ${TAG_MAX}: ${TAG_WHY}`);
    for (let tag = firstTag; tag < firstTag + count; tag++) {
      const other = owner.get(tag);
      if (other !== undefined) c.fail(`threads[${i}].params.firstTag`, `gives tag ${tag}, which threads[${other}] uses too; message tags must not overlap`);
      owner.set(tag, i);
    }
  });

  // Every mmap and fork adds references to the file (f_count, mapped), every setsockopt may install
  // a new ring generation: counters that are bytes of the state vector, starting at up to 2.
  const setupOps = sc.threads.reduce((n, t) => n + (t.program === 'setup' ? t.params.ops.length : 0), 0);
  const forks = sc.threads.filter((t) => t.program === 'forker').length;
  if (2 + setupOps + 2 * forks > BYTE_MAX) {
    c.fail('threads', `have ${setupOps} set-up operations and ${forks} forks, which could take the socket's file references or ring generations past ${BYTE_MAX}, the most a byte of the state vector holds`);
  }

  // sk_receive_queue has RCVQ_CAP slots. Count every message that could ever wait there: plain and
  // multicast messages, ring messages when they may find no ring or a frame too small (fallback to
  // alloc_skb), and a dump's parts and NLMSG_DONE.
  const rxMaxLen = Math.min(...[...used.rx].map((i) => maxLen(sc.requests[i].frameSize)), Infinity);
  const ringFallback = mayLoseRxRing || sc.msgLen > rxMaxLen || used.rx.size === 0;
  let queued = dumps ? (sc.dumpParts ?? 0) + 1 : 0;
  for (const t of sc.threads) {
    if (t.program !== 'producer') continue;
    const ringPath = t.params.path === 'ring' || t.params.path === 'nfq';
    if (!ringPath || ringFallback) queued += t.params.count;
  }
  if (queued > RCVQ_CAP) {
    c.fail('threads', `can queue up to ${queued} messages on the socket (plain and multicast messages, ring messages that may fall back to alloc_skb, dump parts and NLMSG_DONE), more than the ${RCVQ_CAP} the state vector's receive queue holds`);
  }
}

/** The JSON form of a scenario: witnesses by id. `scenarioFromValue` turns it back into the same config. */
export function scenarioToJson(sc: ScenarioConfig): ScenarioJson {
  const copy = JSON.parse(JSON.stringify({ ...sc, witnesses: sc.witnesses.map((w) => w.id) })) as ScenarioJson;
  return copy;
}

/** readScenarioJson then scenarioFromValue: a JSON scenario file as a checked ScenarioConfig. */
export function loadScenarioJson(file: string): ScenarioConfig {
  return scenarioFromValue(readScenarioJson(file), file);
}
