/**
 * ITF traces (src/report/itf.ts): valid against schemas/itf.schema.json (the ADR-015 value
 * forms, recursively), what the schema cannot say (state i has #meta.index i and defines
 * every variable), and one type per variable along real counterexamples, which typed ITF
 * readers (Quint, the Rust itf crate) need.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';
import type { CheckResult } from '../../src/check/result.js';
import { formatItf, itfFiles, itfOfReplay, safeNamePart, toItfValue, type ItfTrace } from '../../src/report/itf.js';
import { toyTarget } from '../fixtures/toy.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/itf.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** Schema, then what it cannot express: indices in order and every variable in every state. */
function expectValid(trace: unknown): void {
  const ok = validate(trace);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
  const t = trace as ItfTrace;
  t.states.forEach((s, i) => {
    expect(s['#meta'].index).toBe(i);
    expect(Object.keys(s).filter((k) => k !== '#meta').sort()).toEqual([...t.vars].sort());
  });
}

type Shape = string | { list: Shape } | { rec: Record<string, Shape> } | { map: [Shape, Shape] } | { option: Shape } | { tup: Shape[] };

/** The type of an ITF value; `?` for what an empty list or a None does not tell. */
function shapeOf(v: unknown): Shape {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return { list: v.map(shapeOf).reduce((a: Shape, b) => unify(a, b, '[]'), '?') };
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return 'int';
  if ('#map' in o) return { map: (o['#map'] as [unknown, unknown][]).map(([k, x]) => [shapeOf(k), shapeOf(x)] as [Shape, Shape]).reduce((a, b) => [unify(a[0], b[0]), unify(a[1], b[1])], ['?', '?'] as [Shape, Shape]) };
  if ('#tup' in o) return { tup: (o['#tup'] as unknown[]).map(shapeOf) };
  if (o.tag === 'None') return { option: '?' };
  if (o.tag === 'Some') return { option: shapeOf(o.value) };
  return { rec: Object.fromEntries(Object.entries(o).map(([k, x]) => [k, shapeOf(x)])) };
}

/** The one type two shapes share, or an error naming where they differ. */
function unify(a: Shape, b: Shape, where = ''): Shape {
  if (a === '?') return b;
  if (b === '?') return a;
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`type differs at ${where || 'top'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return a;
  }
  const [ka, kb] = [Object.keys(a)[0], Object.keys(b)[0]];
  if (ka !== kb) throw new Error(`type differs at ${where || 'top'}: ${ka} vs ${kb}`);
  if ('list' in a && 'list' in b) return { list: unify(a.list, b.list, `${where}[]`) };
  if ('option' in a && 'option' in b) return { option: unify(a.option, b.option, `${where}?`) };
  if ('map' in a && 'map' in b) return { map: [unify(a.map[0], b.map[0], `${where}{k}`), unify(a.map[1], b.map[1], `${where}{v}`)] };
  if ('tup' in a && 'tup' in b) {
    if (a.tup.length !== b.tup.length) throw new Error(`tuple length differs at ${where}`);
    return { tup: a.tup.map((x, i) => unify(x, b.tup[i], `${where}.${i}`)) };
  }
  const [ra, rb] = [(a as { rec: Record<string, Shape> }).rec, (b as { rec: Record<string, Shape> }).rec];
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  for (const k of keys) if (!(k in ra) || !(k in rb)) throw new Error(`record field ${where}.${k} is not in every state`);
  return { rec: Object.fromEntries(keys.map((k) => [k, unify(ra[k], rb[k], `${where}.${k}`)])) };
}

/** Every variable has one type along all the traces given (states of different traces included). */
function expectOneTypePerVariable(traces: readonly ItfTrace[]): void {
  const types = new Map<string, Shape>();
  for (const t of traces) {
    for (const s of t.states) {
      for (const v of t.vars) types.set(v, unify(types.get(v) ?? '?', shapeOf(s[v]), v));
    }
  }
}

describe('ITF traces of counterexamples', () => {
  // Scenarios whose traces hold every kind of view value: held and claimed frames, skbs in flight, locks, dumps.
  const runs: CheckResult[] = [
    bfs(buildTarget('linux-3.10', 'tx-sibling')),
    bfs(buildTarget('linux-4.5', 'copy-mixed'), { allViolations: true }),
    bfs(buildTarget('linux-3.10', 'skip-hold'), { allViolations: true }),
    bfs(buildTarget('linux-3.10', 'dump-full-ring')),
  ];
  const files = itfFiles(runs, '9.9.9');

  it('writes one file per counterexample, valid against the ITF schema', () => {
    const expected = runs.flatMap((r) => (r.violations ?? [r.violation!]).map((v) => `${r.variant}__${r.scenario}__${v.property}.itf.json`));
    expect(files.map((f) => f.name)).toEqual(expected);
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      const text = formatItf(f.trace);
      expect(JSON.parse(text)).toEqual(f.trace);
      // One line per state, after the indented #meta and vars.
      expect(text.split('\n').filter((l) => l.startsWith('    {"#meta":{"index":'))).toHaveLength(f.trace.states.length);
      expectValid(JSON.parse(text));
    }
  });

  it('has the view and the action as variables, and the counterexample in #meta', () => {
    const [f] = files;
    const r = runs[0];
    const v = r.violation!;
    expect(f.trace.vars).toEqual(['rings', 'socket', 'threads', 'idLock', 'action']);
    expect(f.trace.states).toHaveLength(v.steps.length + 1);
    expect(f.trace['#meta']).toMatchObject({
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'nlring 9.9.9',
      variant: 'linux-3.10',
      scenario: 'tx-sibling',
      property: 'NOTOCTOU-TX-LEN',
      path: v.path,
      replay: r.replay,
      violatedAt: v.steps.length,
    });
    expect(f.trace.states[0].action).toEqual({ text: 'init', lane: 'init', actor: '', label: 'init', cites: '' });
    const last = f.trace.states.at(-1)!.action as Record<string, string>;
    expect(last.text).toBe(v.steps.at(-1));
    expect(last.lane).toBe('kernel');
    expect(last.actor).toBe('txuser');
    expect(last.cites).not.toBe('');
    // The sibling's rewrite of nm_len (step 6) shows in the TX ring's frame 0.
    const len = (i: number) => ((f.trace.states[i].rings as unknown[])[1] as { frames: { len: { '#bigint': string } }[] }).frames[0].len['#bigint'];
    expect([len(5), len(6)]).toEqual(['64', '2032']);
  });

  it('keeps one type per variable in every state of every trace (options and maps where the view varies)', () => {
    expectOneTypePerVariable(files.map((f) => f.trace));
    const text = files.map((f) => formatItf(f.trace)).join('');
    // The traces do exercise both sides of each option and a non-empty map.
    for (const form of ['"tag":"Some"', '"tag":"None"', '"#map":[["']) expect(text).toContain(form);
    // A thread's pollMask (null but in the state where its poll returned) is an option of one type: Some of the names.
    expect(text).toContain('"pollMask":{"tag":"Some","value":"POLLIN|POLLOUT"}');
    expect(text).toContain('"pollMask":{"tag":"None","value":{"#tup":[]}}');
  });

  it('would catch a field that changes type: the check itself can fail', () => {
    const a = toItfValue({ holder: null, locks: {} });
    const b = { holder: { thread: 'prod1', how: 'reserved' }, locks: { '#map': [] } }; // holder without its Some
    expect(() => unify(shapeOf(a), shapeOf(b))).toThrow(/holder/);
    expect(() => unify(shapeOf({ locks: {} }), shapeOf({ locks: { pg_vec_lock: 'prod1' } }))).toThrow(/locks/);
  });

  it('is the same text on every run', () => {
    const again = itfFiles([bfs(buildTarget('linux-3.10', 'tx-sibling'))], '9.9.9');
    expect(formatItf(again[0].trace)).toBe(formatItf(files[0].trace));
  });

  it('rejects hand-broken traces', () => {
    const good = JSON.parse(formatItf(files[0].trace));
    expectValid(good);
    const broken: [string, (t: any) => void][] = [
      ['a raw number where a bigint is required', (t) => (t.states[1].rings[0].head = 0)],
      ['a missing #meta.index', (t) => delete t.states[2]['#meta'].index],
      ['a state without #meta', (t) => delete t.states[0]['#meta']],
      ['a bigint that is no integer', (t) => (t.states[0].rings[0].head = { '#bigint': '1.5' })],
      ['a map entry that is no pair', (t) => (t.states[0].socket.locks = { '#map': [['pg_vec_lock']] })],
      ['a null', (t) => (t.states[0].idLock = null)],
      ['a record field that starts with #', (t) => (t.states[0].socket['#x'] = 'y')],
      ['no vars', (t) => delete t.vars],
    ];
    for (const [what, breakIt] of broken) {
      const t = structuredClone(good);
      breakIt(t);
      expect(validate(t), what).toBe(false);
    }
  });

  it('names files safely and deterministically, and tells names apart that only differ in replaced characters', () => {
    expect(safeNamePart('copy-hold@ulogd2')).toBe('copy-hold_ulogd2');
    expect(safeNamePart('../x/y z')).toBe('___x_y_z'); // no hidden file, no directory
    const r = runs[0];
    const twins = [{ ...r, scenario: 'a b' }, { ...r, scenario: 'a/b' }];
    expect(itfFiles(twins, '1').map((f) => f.name)).toEqual(['linux-3.10__a_b__NOTOCTOU-TX-LEN.itf.json', 'linux-3.10__a_b__NOTOCTOU-TX-LEN__2.itf.json']);
  });

  it('writes no file for a vacuous run (no trace) or a pass, and the drawing for a spec without a view', () => {
    expect(itfFiles([bfs(toyTarget({ bug: null, witnesses: ['never'] })), bfs(toyTarget({ bug: null }))], '1')).toEqual([]);
    const [toy] = itfFiles([bfs(toyTarget({ bug: [1, 1] }))], '1');
    expect(toy.trace.vars).toEqual(['state', 'action']);
    expectValid(toy.trace);
    expect(toy.trace.states[0].state).toBe('x [....]\ny [....]');
  });

  it('turns a replay into a trace, with the lasso of --loop as ITF loop', () => {
    const target = buildTarget('linux-3.10', 'tx-sibling');
    const r = replay(target, runs[0].violation!.path);
    const t = itfOfReplay(r, '1');
    expectValid(t);
    expect(t['#meta']).toMatchObject({ status: 'violation', property: 'NOTOCTOU-TX-LEN', violatedAt: 7, replay: runs[0].replay });
    const toy = toyTarget({ bug: null, max: 1 });
    // x: inc, then reset, inc again: the state after step 1 (x = 1) recurs after step 3.
    const lasso = itfOfReplay(replay(toy, '0/1/0', { loopFrom: 1 }), '1');
    expectValid(lasso);
    expect(lasso.loop).toBe(1);
    expect(lasso['#meta']).toMatchObject({ status: 'ok', replay: 'nlring replay --variant toy-v1 --scenario counters --path 0/1/0 --loop 1' });
  });
});
