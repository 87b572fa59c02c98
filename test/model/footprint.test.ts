/**
 * The footprint table (src/model/footprints.data.ts) is a declaration, checked
 * here rather than trusted: every step of every shipped variant is run, on
 * random walks with seeds the table was not written from, through the access
 * recorder, and a step that reads or writes a location outside its row fails
 * the test, as does a property that reads outside its row, a label a thread
 * stands at that its program's row lacks, or a step with no row at all.
 * Partial-order reduction (footprints.ts) is only as sound as this table.
 */
import { describe, expect, it } from 'vitest';
import { FOOTPRINT_TABLE } from '../../src/model/footprints.data.js';
import { TABLE, type FootprintTable, type VariantFootprints } from '../../src/model/footprints.js';
import { emptySample, sampleFootprints, type Sampled } from '../../src/model/footprint-sample.js';
import { recorder, relativeTo } from '../../src/model/access.js';
import { VARIANTS } from '../../src/model/variants/index.js';
import { SCENARIOS } from '../../src/scenarios/index.js';
import { CONSUMER_STYLES } from '../../src/model/config.js';
import { findScenario, targetOf } from '../../src/catalog.js';
import { makeCtx } from '../../src/model/spec.js';

/** Everything `sample` saw that `table` does not declare, one line each. */
function undeclared(table: VariantFootprints, properties: FootprintTable['properties'], sample: Sampled): string[] {
  const out: string[] = [];
  for (const [label, fp] of sample.steps) {
    const row = table.steps[label];
    if (!row) {
      out.push(`step ${label}: no row`);
      continue;
    }
    for (const r of fp.reads) if (!row.reads.includes(r)) out.push(`step ${label} reads ${r}`);
    for (const w of fp.writes) if (!row.writes.includes(w)) out.push(`step ${label} writes ${w}`);
  }
  for (const [program, labels] of sample.programs) {
    for (const l of labels) if (!(table.programs[program] ?? []).includes(l)) out.push(`program ${program} stands at ${l}`);
  }
  for (const [id, reads] of sample.properties) {
    for (const r of reads) if (!(properties[id] ?? []).includes(r)) out.push(`property ${id} reads ${r}`);
  }
  return out;
}

/** Fresh walks: other seeds than the generator's (seed 1), fewer of them, every scenario and consumer style. */
const WALKS = { seed: 7, walks: 3, depth: 150 };
const scenarioIds = SCENARIOS.flatMap((s) => [s.id, ...(s.threads.some((t) => t.program === 'consumer') ? CONSUMER_STYLES.map((st) => `${s.id}@${st}`) : [])]);

describe('the footprint table', () => {
  it('has a table for every shipped variant, sampled from every scenario', () => {
    expect(Object.keys(TABLE.variants).sort()).toEqual(VARIANTS.map((v) => v.id).sort());
    expect(FOOTPRINT_TABLE.sampling.scenarios).toBe(scenarioIds.length);
  });

  for (const v of VARIANTS) {
    it(`declares every access of ${v.id}'s steps and of the properties, on fresh walks`, () => {
      const sample = emptySample();
      for (const id of scenarioIds) {
        const sc = findScenario(id);
        sampleFootprints(v, sc, targetOf(v, sc), WALKS, sample);
      }
      expect(sample.executions).toBeGreaterThan(10_000);
      expect(undeclared(TABLE.variants[v.id], TABLE.properties, sample)).toEqual([]);
    }, 120_000);
  }

  it('catches a step that touches a location its row leaves out', () => {
    const v = VARIANTS.find((x) => x.id === 'linux-4.5')!;
    const sc = findScenario('rx-basic');
    const sample = sampleFootprints(v, sc, targetOf(v, sc), { seed: 3, walks: 2, depth: 60 });
    const table = TABLE.variants[v.id];
    const row = table.steps['alloc.reserve'];
    // The reservation writes the frame's status; a row without it must be caught.
    const broken: VariantFootprints = { ...table, steps: { ...table.steps, 'alloc.reserve': { ...row, writes: row.writes.filter((w) => w !== 'sock.rx.frames[].status') } } };
    expect(undeclared(broken, TABLE.properties, sample)).toContain('step alloc.reserve writes sock.rx.frames[].status');
    const noProgram: VariantFootprints = { ...table, programs: { ...table.programs, consumer: [] } };
    expect(undeclared(noProgram, TABLE.properties, sample).some((l) => l.startsWith('program consumer stands at'))).toBe(true);
  });
});

describe('the access recorder', () => {
  it('names a thread block relative to the actor, by the program of the other thread', () => {
    const programs = ['producer', 'consumer'];
    expect(relativeTo('threads[0].l.skb', 0, programs)).toBe('self.l.skb');
    expect(relativeTo('threads[1].pc', 0, programs)).toBe('other[consumer].pc');
    expect(relativeTo('threads[1].pc', -1, programs)).toBe('thread[*].pc');
    expect(relativeTo('sock.rx.head', 0, programs)).toBe('sock.rx.head');
  });

  it('records reads and writes of the vector by field and of the transient record', () => {
    const v = VARIANTS.find((x) => x.id === 'linux-4.5')!;
    const c = makeCtx(v, findScenario('rx-basic'));
    const rec = recorder(c.layout);
    rec.reset();
    rec.state.sock.rx.frames[2].status = 1;
    void rec.state.sock.rx.head;
    rec.state.ghost.note = 'x';
    expect([...rec.accesses.writes].sort()).toEqual(['sock.rx.frames[].status', 'transient.note']);
    expect([...rec.accesses.reads]).toContain('sock.rx.head');
    rec.reset();
    rec.pause(true);
    void rec.state.sock.rx.head;
    expect(rec.accesses.reads.size).toBe(0);
  });
});
