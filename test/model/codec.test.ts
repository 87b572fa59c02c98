/**
 * src/model/codec.ts: the canonical encoding of a State is its vector read as
 * 16-bit units; decoding is its inverse for one scenario layout. Engines key
 * their visited sets on it, so a wrong encoding merges distinct states (missed
 * behaviour) or splits equal ones (blown-up counts).
 */
import { describe, expect, it } from 'vitest';
import { encodeState, encodeUnits, loadUnits, makeDecoder } from '../../src/model/codec.js';
import { Layout, State } from '../../src/model/state.js';
import { labelId } from '../../src/model/step.js';
import type { NlState } from '../../src/model/spec.js';
import { bench, catalogModel, strideWalk, type Model } from './helpers.js';

/** A deterministic walk that does not always take the first action: index (7k) mod enabled. */
const drive = (m: Model, steps: number): NlState[] => strideWalk(m, steps, 7);

const WALKS: readonly [string, string][] = [
  ['linux-4.5', 'rx-basic'],
  ['linux-3.10', 'tx-sibling'],
  ['linux-4.5', 'copy-mixed'],
  ['linux-4.5', 'dump-full-ring'],
  ['linux-4.5', 'setup-teardown'],
  ['linux-3.10', 'fork-mmap'],
];

const units = (key: string): number[] => Array.from(key, (ch) => ch.charCodeAt(0));

describe('codec: the encoding is the state vector as 16-bit units', () => {
  it('encodeState has one code unit per vector unit, equal to it', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    for (const s of drive(m, 20)) {
      const key = encodeState(s);
      expect(key.length).toBe(s.units.length);
      expect(units(key)).toEqual(Array.from(s.units));
    }
  });

  it('encodeState is exact across its 4096-unit chunks (a vector longer than one chunk)', () => {
    // 300 full thread blocks make a vector of well over 8192 units: three chunks.
    const s = new State(new Layout(4, 4, Array(300).fill('full')));
    expect(s.units.length).toBeGreaterThan(2 * 4096);
    for (let i = 0; i < s.units.length; i++) s.units[i] = (i * 40503 + 1) & 0xffff;
    const key = encodeState(s);
    expect(key.length).toBe(s.units.length);
    expect(units(key)).toEqual(Array.from(s.units));
  });

  it('encodeUnits is the state\'s own vector (shared, not a copy)', () => {
    const { s } = bench('linux-4.5', catalogModel('linux-4.5', 'rx-basic').scenario);
    expect(encodeUnits(s)).toBe(s.units);
  });
});

describe('codec: decoding is the inverse of encoding', () => {
  it.each(WALKS)('%s %s: decode(encode(s)) encodes to the same key and fingerprint after every step', (v, sc) => {
    const m = catalogModel(v, sc);
    const fp = new Uint32Array(2);
    const back = new Uint32Array(2);
    for (const s of drive(m, 40)) {
      const key = m.spec.encode(s);
      const d = m.spec.decode!(key);
      expect(m.spec.encode(d)).toBe(key);
      // The decoded state is a working state: same plain fields and same fingerprint.
      expect(m.spec.render(d)).toBe(m.spec.render(s));
      s.fingerprint(fp);
      d.fingerprint(back);
      expect(Array.from(back)).toEqual(Array.from(fp));
      // decodeUnits of a copy of the vector gives the same state.
      expect(m.spec.encode(m.spec.decodeUnits!(s.units.slice()))).toBe(key);
    }
  });

  it('a decoded state carries no transient record of a last step (ghost.last, ghost.note)', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const states = drive(m, 30);
    const stored = states.find((s) => s.ghost.last.kind !== 'none');
    expect(stored).toBeDefined();
    const d = m.spec.decode!(m.spec.encode(stored!));
    expect(d.ghost.last.kind).toBe('none');
    expect(d.ghost.note).toBe('');
  });

  it('decoding an encoding of another length fails, naming both lengths', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const n = m.spec.init().units.length;
    expect(() => m.spec.decodeUnits!(new Uint16Array(n + 1))).toThrow(`decode: ${n + 1} units where the scenario's state vector has ${n}`);
    expect(() => m.spec.decode!('ab')).toThrow(`decode: 2 units where the scenario's state vector has ${n}`);
  });

  it('decoding a vector whose program counter is no step label fails at once', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const s = m.spec.init();
    const u = s.units.slice();
    // The first thread's pc is the unit at its block's start (state.ts T_PC = 0); 0xfff0 is no label id.
    const pcUnit = s.layout.threadAt(0) >> 1;
    expect(u[pcUnit]).toBe(s.threads[0].pcId);
    u[pcUnit] = 0xfff0;
    expect(() => m.spec.decodeUnits!(u)).toThrow();
  });

  it('loadUnits takes a known fingerprint as given, and recomputes it otherwise', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const s = drive(m, 10).at(-1)!;
    const real = new Uint32Array(2);
    s.fingerprint(real);
    const n = new State(s.layout);
    loadUnits(n, s.units);
    const got = new Uint32Array(2);
    n.fingerprint(got);
    expect(Array.from(got)).toEqual(Array.from(real));
    const given = new Uint32Array([12345, 678]);
    loadUnits(n, s.units, given);
    n.fingerprint(got);
    expect(Array.from(got)).toEqual([12345, 678]);
    expect(() => loadUnits(n, s.units.subarray(1))).toThrow('decode:');
  });
});

describe('codec: every state field is in the encoding, the transient record is not', () => {
  const m = catalogModel('linux-4.5', 'copy-mixed');
  const base = (): NlState => drive(m, 6).at(-1)!;
  const changes: [string, (s: NlState) => void][] = [
    ['a frame status', (s) => { s.sock.rx.frames[1].status = s.sock.rx.frames[1].status === 2 ? 1 : 2; }],
    ['a frame nm_len', (s) => { s.sock.rx.frames[0].len += 1; }],
    ['a ring head', (s) => { s.sock.rx.head = (s.sock.rx.head + 1) % 4; }],
    ['a thread local', (s) => { s.threads[3].l.cursor += 1; }],
    ['a thread pc', (s) => { s.threads[3].pcId = labelId('done'); }],
    ['the receive queue', (s) => { s.sock.rcvq.push({ msg: 9, seq: 1, frame: -1 }); }],
    ['a socket counter', (s) => { s.sock.drops += 1; }],
    ['a lock holder', (s) => { s.sock.rxqLock = s.sock.rxqLock === 0 ? 1 : 0; }],
    ['a ghost field (read ids)', (s) => { s.ghost.readIds ^= 4; }],
    ['a ghost flag (use after free)', (s) => { s.ghost.usedFreed = !s.ghost.usedFreed; }],
    ['a root field (id sequence)', (s) => { s.idSeq += 1; }],
  ];
  it.each(changes)('changing %s changes the encoding', (_, change) => {
    const s = base();
    const before = encodeState(s);
    change(s);
    expect(encodeState(s)).not.toBe(before);
  });

  it('the record of the last step (ghost.last, ghost.note) does not change the encoding', () => {
    const s = base();
    const before = encodeState(s);
    s.ghost.last.kind = 'kstore';
    s.ghost.last.frame = 3;
    s.ghost.last.after = 2;
    s.ghost.note = 'alloc-full';
    s.ghost.noteThread = 1;
    s.ghost.noteValue = 7;
    expect(encodeState(s)).toBe(before);
  });
});
