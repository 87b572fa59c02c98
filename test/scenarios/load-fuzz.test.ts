/**
 * What scenarioFromValue promises the spec: a scenario it accepts never makes the spec
 * throw (a value past its state-vector slot, a full receive queue, a list past its
 * capacity, a parameter missing). Random scenarios from small domains, random schedules
 * on every shipped variant; whatever the validator rejects is skipped, so the test also
 * asserts that enough of them got through.
 */
import * as fc from 'fast-check';
import { expect, it } from 'vitest';
import { findVariant, listVariants, targetOf } from '../../src/catalog.js';
import { runSchedule } from '../../src/check/pbt.js';
import { UsageError } from '../../src/errors.js';
import { scenarioFromValue } from '../../src/scenarios/load.js';

const DESTROY = { blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 0 };
/** Geometries setsockopt accepts (and a destroy), for the rings configured at the start. */
const goodReq = fc.constantFrom(
  { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 },
  { blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 },
  { blockSize: 4096, blockNr: 4, frameSize: 4096, frameNr: 4 },
  { blockSize: 16384, blockNr: 2, frameSize: 16384, frameNr: 2 },
  { blockSize: 8192, blockNr: 1, frameSize: 1024, frameNr: 8 },
  { blockSize: 4096, blockNr: 1, frameSize: 4096, frameNr: 1 },
  { blockSize: 16384, blockNr: 1, frameSize: 1024, frameNr: 16 },
);
/** Anything, for what set-up threads ask for at run time. */
const anyReq = fc.record({
  blockSize: fc.constantFrom(0, 4095, 4096, 8192, 16384),
  blockNr: fc.integer({ min: 0, max: 4 }),
  frameSize: fc.constantFrom(0, 16, 24, 1024, 2048, 4096, 16384),
  frameNr: fc.integer({ min: 0, max: 15 }),
});
const tag = fc.integer({ min: 1, max: 29 });
const thread = fc.oneof(
  fc.record({ program: fc.constant('producer'), params: fc.record({ count: fc.integer({ min: 1, max: 9 }), path: fc.constantFrom('ring', 'nfq', 'plain', 'mcast'), firstTag: tag, mayAbandon: fc.boolean() }, { requiredKeys: ['count', 'path', 'firstTag'] }) }),
  fc.record({ program: fc.constant('consumer'), params: fc.record({ maxHold: fc.integer({ min: 0, max: 4 }), dump: fc.boolean(), recvBuf: fc.constantFrom(16, 4096, 65536), verdicts: fc.integer({ min: 0, max: 2 }) }, { requiredKeys: ['maxHold'] }) }),
  fc.record({ program: fc.constant('txuser'), params: fc.record({ count: fc.integer({ min: 1, max: 3 }), batch: fc.integer({ min: 1, max: 3 }), dontwait: fc.boolean(), firstTag: tag, dst: fc.constantFrom('kernel', 'missing-port'), call: fc.constantFrom('sendto', 'sendmsg-noiov') }, { requiredKeys: ['count', 'batch', 'dontwait', 'firstTag'] }) }),
  fc.record({ program: fc.constant('sibling'), params: fc.record({ writes: fc.integer({ min: 0, max: 2 }) }) }),
  fc.record({ program: fc.constant('forker') }),
  fc.record({
    program: fc.constant('setup'),
    params: fc.record({
      ops: fc.array(fc.oneof(
        fc.record({ op: fc.constant('setsockopt'), ring: fc.constantFrom('rx', 'tx'), req: fc.integer({ min: 0, max: 2 }), capNetAdmin: fc.boolean(), optlen: fc.constantFrom(0, 16), badPointer: fc.boolean() }, { requiredKeys: ['op', 'ring', 'req'] }),
        fc.record({ op: fc.constant('mmap'), pgoff: fc.constantFrom(0, 1), bytes: fc.constantFrom(0, 4096, 8192) }, { requiredKeys: ['op'] }),
        fc.constant({ op: 'munmap' }),
        fc.constant({ op: 'close' }),
      ), { minLength: 1, maxLength: 3 }),
    }),
  }),
);
const scenario = fc
  .record({
    requests: fc.tuple(goodReq, goodReq, fc.oneof(anyReq, fc.constant(DESTROY))),
    rx: fc.constantFrom(null, 0, 0, 1),
    tx: fc.constantFrom(null, 1, 1, 0),
    mapped: fc.boolean(),
    msgLen: fc.constantFrom(1, 64, 2000, 5000),
    threads: fc.array(thread, { minLength: 1, maxLength: 4 }),
    dumpParts: fc.integer({ min: 0, max: 4 }),
    allocFailures: fc.boolean(),
    noEnobufs: fc.boolean(),
  })
  .map(({ dumpParts, ...s }) => {
    const dumps = s.threads.some((t) => t.program === 'consumer' && (t.params as { dump?: boolean }).dump === true);
    // Consecutive tags, so that overlapping ranges (which the validator refuses) do not hide heavy workloads.
    let next = 1;
    const threads = s.threads.map((t, i) => {
      if (t.program !== 'producer' && t.program !== 'txuser') return { name: `t${i}`, ...t };
      const p = t.params as { count: number; firstTag: number };
      const firstTag = next;
      next += p.count;
      return { name: `t${i}`, ...t, params: { ...p, firstTag } };
    });
    return { id: 'fuzz', description: 'a random workload', witnesses: [], ...s, ...(dumps ? { dumpParts } : {}), threads };
  });

it('a scenario the validator accepts never makes the spec throw, on any variant', () => {
  const variants = listVariants().map((v) => v.id);
  let accepted = 0;
  fc.assert(
    fc.property(scenario, fc.constantFrom(...variants), fc.array(fc.array(fc.nat(839), { maxLength: 120 }), { minLength: 20, maxLength: 20 }), (raw, variant, schedules) => {
      let sc;
      try {
        sc = scenarioFromValue(raw, 'random.json');
      } catch (e) {
        if (e instanceof UsageError) return;
        throw e;
      }
      accepted++;
      const target = targetOf(findVariant(variant), sc);
      // Random schedules, and the two that run one thread as long as it can (the first, then the last enabled).
      for (const s of [...schedules, Array<number>(200).fill(0), Array<number>(200).fill(839)]) runSchedule(target, s);
    }),
    { seed: 7, numRuns: 1500 },
  );
  expect(accepted).toBeGreaterThan(400);
});
