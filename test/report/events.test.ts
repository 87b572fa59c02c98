/**
 * JSON Lines events (src/report/events.ts): every line the CLI writes validates against
 * schemas/events.schema.json (draft 2020-12, with ajv), each run's events come in order,
 * and the sink leaves whole lines even when the run never closes it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { bfs } from '../../src/check/bfs.js';
import { simulate } from '../../src/check/simulate.js';
import { buildTarget } from '../../src/catalog.js';
import { type RunOptions } from '../../src/cli/run.js';
import { UsageError } from '../../src/errors.js';
import { openEventSink, resultEvents, type NlringEvent } from '../../src/report/events.js';
import { runSettings } from '../../src/report/outputs.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';
import { toyTarget } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/events.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const dir = mkdtempSync(join(tmpdir(), 'nlring-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every line of an events file, each checked against the schema. */
function readEvents(file: string): NlringEvent[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const e = JSON.parse(line);
      const ok = validate(e);
      expect(validate.errors ?? [], line).toEqual([]);
      expect(ok).toBe(true);
      return e as NlringEvent;
    });
}

function nlring(argv: string[], options: RunOptions = {}) {
  return runCli(argv, { catalog: async () => toyCatalog(), ...options });
}

describe('events of check and check-all', () => {
  it('check: start, progress at the stderr cadence, violation with its replay line, finish with the exit code', async () => {
    const file = join(dir, 'check.jsonl');
    const r = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters', '--events', file], { progressIntervalMs: 0 });
    expect(r.code).toBe(1);
    const events = readEvents(file);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['violation', 'finish']);
    expect(types.slice(1, -2).every((t) => t === 'progress')).toBe(true);
    // One progress event per stderr progress line: the same cadence.
    expect(types.filter((t) => t === 'progress').length).toBe(r.stderr.split('\n').filter((l) => l.includes(' states, ')).length);
    const [start, violation, finish] = [events[0], events.at(-2), events.at(-1)] as [any, any, any];
    expect(start).toMatchObject({ tool: 'nlring', command: 'check', run: { index: 1, of: 1 }, variant: 'toy-buggy', scenario: 'counters', engine: 'bfs', options: { allViolations: false, symmetry: false } });
    expect(start.budgets.maxMemoryMiB).toBeGreaterThan(0);
    expect(violation).toMatchObject({ property: 'NO-BUG', kind: 'always', steps: 5 });
    expect(r.stdout).toContain(`replay: ${violation.replay}`);
    expect(finish).toMatchObject({ verdict: 'fail', exitCode: r.code, hash: start.hash });
  });

  it('check-all: one group of events per run, in run order, each run numbered', async () => {
    const file = join(dir, 'all.jsonl');
    const r = await nlring(['check-all', '--variants', 'toy-good,toy-buggy', '--events', file, '--max-states', '100']);
    expect(r.code).toBe(1);
    const events = readEvents(file);
    const starts = events.filter((e) => e.type === 'start') as any[];
    expect(starts.map((e) => `${e.run.index}/${e.run.of} ${e.variant} ${e.scenario}`)).toEqual([
      '1/6 toy-good counters',
      '2/6 toy-good missed',
      '3/6 toy-good only-bounded',
      '4/6 toy-buggy counters',
      '5/6 toy-buggy missed',
      '6/6 toy-buggy only-bounded',
    ]);
    expect(starts[0].budgets.maxStates).toBe(100);
    // Each start is followed by its own events up to its finish.
    let open: any;
    for (const e of events as any[]) {
      if (e.type === 'start') {
        expect(open).toBeUndefined();
        open = e;
      } else {
        expect([e.variant, e.scenario]).toEqual([open.variant, open.scenario]);
        if (e.type === 'finish') open = undefined;
      }
    }
    expect(open).toBeUndefined();
    const finishes = events.filter((e) => e.type === 'finish') as any[];
    expect(finishes.map((e) => e.verdict)).toEqual(['pass', 'fail', 'pass', 'fail', 'fail', 'pass']);
    const vacuous = events.find((e) => e.type === 'violation' && e.kind === 'sometimes') as any;
    expect(vacuous).toMatchObject({ property: 'NEVER', path: '', steps: 0 });
  });

  it('names the hash or generator the result then records (bfs on the netlink spec and on a toy, simulate)', () => {
    const flags = {};
    const nl = buildTarget('linux-3.10', 'tx-sibling');
    expect(runSettings('bfs', nl, flags, {}).hash).toBe(bfs(nl).stats?.hash);
    expect(runSettings('bfs', nl, { symmetry: 'true' }, {}).hash).toBe(bfs(nl, { symmetry: true }).stats?.hash);
    const toy = toyTarget();
    expect(runSettings('bfs', toy, flags, {}).hash).toBe(bfs(toy).stats?.hash);
    expect(runSettings('simulate', toy, flags, {}).prng).toBe(simulate(toy, { seed: 0, walks: 2, depth: 5 }).stats?.hash);
    expect(runSettings('simulate', toy, { walks: '7' }, { maxStates: 3, timeBudgetSeconds: 9 })).toMatchObject({ budgets: { timeBudgetSeconds: 9 }, options: { seed: 0, walks: 7, depth: 100 } });
  });

  it('turns --all-violations results into one violation each, with the replay line that names its property', () => {
    const r = bfs(toyTarget({ bug: [3, 2], max: 4 }), { allViolations: true });
    const events = resultEvents({ ...r, violations: [r.violation!, { ...r.violation!, property: 'OTHER', path: '0/0' }] });
    for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(events.map((e) => (e.type === 'violation' ? e.replay : e.type))).toEqual([
      r.replay,
      'nlring replay --variant toy-v1 --scenario counters --property OTHER --path 0/0',
      'finish',
    ]);
  });

  it('leaves out a hash the result does not record (a run SIGINT stopped before it started)', () => {
    const r = bfs(toyTarget({ bug: null }), { maxStates: 3 });
    const [finish] = resultEvents({ ...r, stats: { ...r.stats!, hash: '', stoppedBy: 'interrupted (SIGINT) before the run finished' } });
    expect(validate(finish), JSON.stringify(validate.errors)).toBe(true);
    expect(finish).not.toHaveProperty('hash');
    expect(finish).toMatchObject({ verdict: 'incomplete', exitCode: 3, stoppedBy: 'interrupted (SIGINT) before the run finished' });
  });

  it('the schema rejects what a broken writer would produce', () => {
    const good = resultEvents(bfs(toyTarget({ bug: [3, 2] })));
    for (const e of good) expect(validate(e)).toBe(true);
    const finish = good.at(-1) as any;
    const violation = good[0] as any;
    const broken: [string, object][] = [
      ['an exit code that contradicts the verdict', { ...finish, exitCode: 0 }],
      ['an unknown event type', { ...finish, type: 'done' }],
      ['a missing field', { ...violation, replay: undefined }],
      ['a field the schema does not know', { ...violation, extra: 1 }],
      ['a malformed path', { ...violation, path: '0//1' }],
      ['a negative state count', { ...finish, states: -1 }],
      ['a pass that was not complete', { ...finish, verdict: 'pass', exitCode: 0, complete: false }],
    ];
    for (const [what, e] of broken) expect(validate(JSON.parse(JSON.stringify(e))), what).toBe(false);
  });
});

describe('the event sink', () => {
  it('leaves whole lines on disk as it goes, before close, and refuses to write after it', () => {
    const file = join(dir, 'sink.jsonl');
    const sink = openEventSink(file);
    const events = resultEvents(bfs(toyTarget({ bug: [3, 2] })));
    sink.emit(events[0]);
    // A run that crashes here leaves this: one complete line.
    expect(readEvents(file)).toEqual([events[0]]);
    sink.emit(events[1]);
    expect(readEvents(file)).toEqual(events);
    sink.close();
    sink.close();
    expect(() => sink.emit(events[0])).toThrow(/closed/);
  });

  it('keeps a message with newlines and non-ASCII text on its one line', () => {
    const file = join(dir, 'text.jsonl');
    const sink = openEventSink(file);
    const e = { ...resultEvents(bfs(toyTarget({ bug: [3, 2] })))[0], explanation: 'line one\nline two – “quoted” ✓' } as NlringEvent;
    sink.emit(e);
    sink.close();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
    expect(readEvents(file)).toEqual([e]);
  });

  it('refuses a path it cannot create with a UsageError naming the flag', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => openEventSink(join(file, 'events.jsonl'))).toThrow(UsageError);
    expect(() => openEventSink(join(file, 'events.jsonl'))).toThrow(/^cannot write --events file '.*': ENOTDIR$/);
  });
});

describe('docs/events.md', () => {
  const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');

  it('describes every field of every event type in its own section', () => {
    for (const type of ['start', 'progress', 'violation', 'finish']) {
      const section = doc.split(`\n## \`${type}\`\n`)[1]?.split('\n## ')[0];
      expect(section, type).toBeDefined();
      for (const field of Object.keys(schema.$defs[type].properties).filter((f) => f !== 'type')) expect(section, `${type}.${field}`).toContain(`\`${field}\``);
    }
  });

  it('shows example lines that the schema accepts', () => {
    const lines = doc.split('```json\n')[1].split('```')[0].trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['start', 'violation', 'finish']);
    for (const l of lines) expect(validate(JSON.parse(l)), l).toBe(true);
  });
});
