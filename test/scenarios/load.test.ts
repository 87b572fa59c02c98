/**
 * User scenarios (src/scenarios/load.ts): every catalogue scenario survives the trip
 * through its JSON form, a JSON copy checks exactly like the original, the example file
 * is a working scenario, and each kind of bad input gets its own one-line error naming
 * the file and the field.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findScenario, findVariant, targetOf } from '../../src/catalog.js';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult } from '../../src/check/result.js';
import { UsageError } from '../../src/errors.js';
import type { ScenarioConfig } from '../../src/model/config.js';
import { W } from '../../src/props/witnesses.js';
import { SCENARIOS } from '../../src/scenarios/index.js';
import { jsonErrorOffset, loadScenarioJson, readScenarioJson, scenarioFromValue, scenarioToJson } from '../../src/scenarios/load.js';
import { WITNESSES, scenarioFromValue as fromEntry, type ScenarioInput, type ScenarioJson } from '../../src/index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/scenarios/tx-two-frames.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'nlring-scenarios-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What a check found, without timings and speeds. */
function outcome(r: CheckResult) {
  return {
    verdict: r.verdict,
    complete: r.complete,
    states: r.states,
    transitions: r.transitions,
    maxDepth: r.maxDepth,
    witnesses: r.witnesses,
    violation: r.violation && { property: r.violation.property, path: r.violation.path, steps: r.violation.steps },
  };
}

describe('catalogue scenarios in their JSON form', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: JSON form validates back to the same config', (_id, sc) => {
    const json = JSON.parse(JSON.stringify(scenarioToJson(sc))) as unknown;
    expect((json as { witnesses: unknown[] }).witnesses.every((w) => typeof w === 'string')).toBe(true);
    expect(scenarioFromValue(json, `${sc.id}.json`)).toStrictEqual(sc);
    // A module's default export may hold the witness objects themselves.
    expect(scenarioFromValue(sc, `${sc.id}.ts`)).toStrictEqual(sc);
  });

  it.each([
    ['linux-3.10', 'tx-sibling'],
    ['linux-4.5', 'tx-sibling'],
    ['linux-4.5', 'setup-concurrent'],
  ])('%s %s: a JSON copy read from a file checks exactly as the catalogue scenario', (variantId, scenarioId) => {
    const file = join(tmp, `${scenarioId}.json`);
    writeFileSync(file, JSON.stringify(scenarioToJson(findScenario(scenarioId)), null, 2));
    const variant = findVariant(variantId);
    const fromFile = bfs(targetOf(variant, loadScenarioJson(file)));
    const original = bfs(targetOf(variant, findScenario(scenarioId)));
    expect(outcome(fromFile)).toEqual(outcome(original));
    expect(fromFile.replay).toBe(original.replay);
  });
});

describe('examples/scenarios/tx-two-frames.json', () => {
  it.each(['linux-3.10', 'linux-4.5'])('loads and checks completely on %s, reaching its witnesses', (variantId) => {
    const sc = loadScenarioJson(EXAMPLE);
    expect(sc.witnesses).toEqual([W.txActed, W.txBatch]);
    // Every violation followed, so the run is complete whatever it finds (on linux-4.5 a batch whose
    // second allocation fails returns ENOBUFS after sending the first frame: RET-TX-SENDMSG).
    const r = bfs(targetOf(findVariant(variantId), sc), { allViolations: true });
    expect(r.complete).toBe(true);
    expect(r.witnesses.every((w) => w.reached)).toBe(true);
    // A workload the catalogue lacks: no catalogue scenario is this one.
    expect(SCENARIOS.some((s) => JSON.stringify(scenarioToJson(s)) === JSON.stringify(scenarioToJson(sc)))).toBe(false);
  });
});

describe('examples/scenarios/copy-skip.ts, a scenario module', () => {
  it('validates its default export (witness objects and ids) and, on linux-4.5, bfs finds a COPY message dropped behind a held SKIP frame', async () => {
    const mod = (await import('../../examples/scenarios/copy-skip.js')) as { default: unknown };
    const sc = scenarioFromValue(mod.default, 'examples/scenarios/copy-skip.ts');
    expect(sc.witnesses).toEqual([W.copyRead, W.skipHeld, W.msgRead]);
    const target = targetOf(findVariant('linux-4.5'), sc);
    const r = bfs({ ...target, invariants: target.invariants.filter((p) => p.id === 'LOSS-FREE-FRAME') });
    expect(r.verdict).toBe('fail');
    expect(r.witnesses.every((w) => w.reached)).toBe(true);
    const steps = r.violation!.steps;
    // The consumer holds a frame as SKIP at the head; netlink_ring_set_copied does not pass it and drops.
    expect(steps.some((x) => /user\[consumer\]: hold rx frame \d \(SKIP\)/.test(x))).toBe(true);
    expect(steps[steps.length - 1]).toMatch(/kernel\[plain\]: set_copied: lock rx queue, rx frame \d is SKIP: unlock, drop, overrun/);
  });
});

/** A valid scenario to break one field at a time. */
function base(): Record<string, any> {
  return {
    id: 'mine',
    description: 'two producers, a consumer, a TX user and set-up',
    requests: [
      { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 },
      { blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 },
      { blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 0 },
    ],
    rx: 0,
    tx: 1,
    mapped: true,
    msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'plain', program: 'producer', params: { count: 1, path: 'plain', firstTag: 3, mayAbandon: false } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1, dump: true } },
      { name: 'txuser', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 10, dst: 'kernel' } },
      { name: 'forker', program: 'forker' },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'mmap', pgoff: 0 }, { op: 'munmap' }, { op: 'setsockopt', ring: 'tx', req: 2, capNetAdmin: true }] } },
    ],
    dumpParts: 2,
    witnesses: ['W-MSG-READ', 'W-DUMP-DONE'],
    excludes: ['ORDER-RING-IDS'],
  };
}

function errorOf(value: unknown): string {
  try {
    scenarioFromValue(value, 'my.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('no error');
}

/** base() changed by `edit`. */
function broken(edit: (s: Record<string, any>) => void): Record<string, any> {
  const s = base();
  edit(s);
  return s;
}

describe('scenarioFromValue: bad input, one line naming the file and the field', () => {
  it('accepts the base scenario', () => {
    const sc: ScenarioConfig = scenarioFromValue(base(), 'my.json');
    expect(sc.threads.map((t) => t.name)).toEqual(['prod1', 'plain', 'consumer', 'txuser', 'forker', 'setup']);
    expect(sc.witnesses).toEqual([W.msgRead, W.dumpDone]);
  });

  const cases: [string, unknown, string][] = [
    // the value itself
    ['not an object', [1], 'my.json: must be an object (a scenario), got an array'],
    ['null', null, 'my.json: must be an object (a scenario), got null'],
    ['unknown field', broken((s) => (s.treads = [])), 'my.json: treads is not a field of a scenario (fields: id, description, requests, rx, tx, mapped, threads, msgLen, dumpParts, allocFailures, noEnobufs, rcvbuf, witnesses, excludes, memory, userOrder)'],
    ['missing field', broken((s) => delete s.msgLen), 'my.json: msgLen is missing (required in a scenario: id, description, requests, rx, tx, mapped, threads, msgLen, witnesses)'],
    ['id with a space', broken((s) => (s.id = 'my scenario')), `my.json: id must be a word of letters, digits, '.', '_' or '-' (it appears in reproduce commands and report names), got "my scenario"`],
    ['description on two lines', broken((s) => (s.description = 'a\nb')), 'my.json: description must be a non-empty string on one line, got "a\\nb"'],
    // requests
    ['requests empty', broken((s) => (s.requests = [])), 'my.json: requests must have 1 to 127 entries, got 0'],
    ['request field of the wrong type', broken((s) => (s.requests[1].frameSize = '2048')), 'my.json: requests[1].frameSize must be an integer in 0..32767 (ring geometry is kept in 16-bit slots), got "2048"'],
    ['request field unknown', broken((s) => (s.requests[0].frames = 4)), 'my.json: requests[0].frames is not a field of an nl_mmap_req (fields: blockSize, blockNr, frameSize, frameNr)'],
    ['RX request with too many frames', broken((s) => (s.requests[0] = { blockSize: 16384, blockNr: 1, frameSize: 1024, frameNr: 16 })), 'my.json: requests[0].frameNr must be at most 15 for a request used on the RX ring (netlink_forward_ring\'s ghost keeps one bit per frame in a 16-bit word), got 16'],
    ['TX ring with more payload than a 16-bit count', broken((s) => {
      s.requests[1] = { blockSize: 16384, blockNr: 4, frameSize: 16384, frameNr: 4 };
    }), 'my.json: requests[1] holds 4 x 16360 payload bytes on the TX ring, more than the 32767 a sendmsg\'s 16-bit byte count can hold'],
    // rings
    ['rx out of range', broken((s) => (s.rx = 3)), 'my.json: rx must be an integer in 0..2 (an index into requests, or null), got 3'],
    ['rx a destroy request', broken((s) => (s.rx = 2)), 'my.json: rx names requests[2], which setsockopt would refuse (a destroy request); a ring configured before the run must be one it creates'],
    ['rx invalid geometry', broken((s) => (s.requests[0].frameNr = 3)), 'my.json: rx names requests[0], which setsockopt would refuse (EINVAL); a ring configured before the run must be one it creates'],
    ['mapped without a ring', broken((s) => {
      s.rx = null;
      s.tx = null;
    }), 'my.json: mapped is true but neither rx nor tx configures a ring to map'],
    ['msgLen zero', broken((s) => (s.msgLen = 0)), 'my.json: msgLen must be an integer in 1..32767 (message lengths are 16-bit slots), got 0'],
    // threads
    ['no threads', broken((s) => (s.threads = [])), 'my.json: threads must have 1 to 127 entries, got 0'],
    ['thread name not a word', broken((s) => (s.threads[0].name = 'prod 1')), `my.json: threads[0].name must be a word (a letter, then up to 31 letters, digits, '_' or '-'), got "prod 1"`],
    ['thread names repeated', broken((s) => (s.threads[1].name = 'prod1')), 'my.json: threads[1].name repeats "prod1" (threads[0]); thread names must be unique'],
    ['unknown program', broken((s) => (s.threads[0].program = 'reader')), 'my.json: threads[0].program must be one of "producer", "consumer", "txuser", "sibling", "forker", "setup", got "reader"'],
    ['params missing', broken((s) => delete s.threads[0].params), 'my.json: threads[0].params is missing (a producer thread needs parameters)'],
    ['forker with params', broken((s) => (s.threads[4].params = {})), 'my.json: threads[4].params is not a field of a forker thread (it has no parameters)'],
    ['count a string', broken((s) => (s.threads[1].params.count = '2')), 'my.json: threads[1].params.count must be an integer in 1..29 (message tags are tracked in 29-bit masks), got "2"'],
    ['count missing', broken((s) => delete s.threads[0].params.count), 'my.json: threads[0].params.count is missing (required in producer parameters: count, path, firstTag)'],
    ['producer path unknown', broken((s) => (s.threads[0].params.path = 'rings')), 'my.json: threads[0].params.path must be one of "ring", "nfq", "plain", "mcast", got "rings"'],
    ['tags past 29', broken((s) => (s.threads[0].params.firstTag = 29)), 'my.json: threads[0].params gives tags 29..30 (firstTag, count), past 29: message tags are tracked in 29-bit masks'],
    ['tags overlap', broken((s) => (s.threads[3].params.firstTag = 2)), 'my.json: threads[3].params.firstTag gives tag 2, which threads[0] uses too; message tags must not overlap'],
    ['maxHold past the frames', broken((s) => (s.threads[2].params.maxHold = 16)), 'my.json: threads[2].params.maxHold must be an integer in 0..15 (it cannot hold more frames than an RX ring has), got 16'],
    ['dumpAfterCopy without dump', broken((s) => (s.threads[2].params = { maxHold: 0, dumpAfterCopy: true })), 'my.json: threads[2].params.dumpAfterCopy is true but dump is not (it says when the dump starts)'],
    ['consumer without an RX ring', broken((s) => (s.rx = null)), 'my.json: threads[2].program is consumer, which needs an RX ring configured before the run (rx is null): its loop walks the ring of that request'],
    ['two consumers', broken((s) => s.threads.push({ name: 'c2', program: 'consumer', params: { maxHold: 0 } })), 'my.json: threads[6].program is a second consumer; the ghost state follows one consumer (ids read, COPY pairing, dump progress)'],
    ['two TX writers', broken((s) => (s.threads[2].params.verdicts = 1)), 'my.json: threads[3] is a second thread that fills TX frames (a txuser, or a consumer sending verdicts); each keeps its own cursor, so two would overwrite each other'],
    ['txuser without a TX ring', broken((s) => (s.tx = null)), 'my.json: threads[3].program is txuser, which needs a TX ring configured before the run (tx is null): it fills the frames of that request'],
    ['txuser dst unknown', broken((s) => (s.threads[3].params.dst = 'nowhere')), 'my.json: threads[3].params.dst must be one of "kernel", "missing-port", got "nowhere"'],
    ['dontwait not a boolean', broken((s) => (s.threads[3].params.dontwait = 0)), 'my.json: threads[3].params.dontwait must be true or false, got 0'],
    ['sibling writes negative', broken((s) => s.threads.push({ name: 'sib', program: 'sibling', params: { writes: -1 } })), 'my.json: threads[6].params.writes must be an integer in 0..127 (its counter is a byte), got -1'],
    ['setup without ops', broken((s) => (s.threads[5].params.ops = [])), 'my.json: threads[5].params.ops must have 1 to 127 entries, got 0'],
    ['setup op unknown', broken((s) => (s.threads[5].params.ops[0] = { op: 'mremap' })), 'my.json: threads[5].params.ops[0].op must be one of "setsockopt", "mmap", "munmap", "close", "bind", got "mremap"'],
    ['setsockopt request out of range', broken((s) => (s.threads[5].params.ops[2].req = 5)), 'my.json: threads[5].params.ops[2].req must be an integer in 0..2 (an index into requests), got 5'],
    ['field of another op', broken((s) => (s.threads[5].params.ops[1].ring = 'rx')), 'my.json: threads[5].params.ops[1].ring is not a field of a munmap operation (fields: op)'],
    ['too many set-up operations and forks', broken((s) => {
      for (let i = 0; i < 61; i++) s.threads.push({ name: `fork${i}`, program: 'forker' });
    }), "my.json: threads have 3 set-up operations and 62 forks, which could take the socket's file references or ring generations past 127, the most a byte of the state vector holds"],
    // the receive queue
    ['too many queued messages', broken((s) => (s.threads[1].params.count = 7)), 'my.json: threads can queue up to 10 messages on the socket (plain and multicast messages, ring messages that may fall back to alloc_skb, dump parts and NLMSG_DONE), more than the 8 the state vector\'s receive queue holds'],
    ['dumpParts without a dump', broken((s) => (s.threads[2].params.dump = false)), 'my.json: dumpParts is set but no consumer dumps (consumer params.dump)'],
    ['dumpParts past the part tags', broken((s) => (s.dumpParts = 17)), 'my.json: dumpParts must be an integer in 0..16 (dump part tags 40..55), got 17'],
    ['rcvbuf not positive', broken((s) => (s.rcvbuf = 0)), 'my.json: rcvbuf must be an integer >= 1 (sk_rcvbuf is a positive int, in bytes), got 0'],
    ['rcvbuf not an integer', broken((s) => (s.rcvbuf = 4608.5)), 'my.json: rcvbuf must be an integer >= 1 (sk_rcvbuf is a positive int, in bytes), got 4608.5'],
    // witnesses and excludes
    ['witness unknown', broken((s) => (s.witnesses[1] = 'W-DUMP-DON')), 'my.json: witnesses[1] names no catalogue witness: "W-DUMP-DON" (known: ' + Object.values(W).map((w) => w.id).join(', ') + ')'],
    ['witness not a string', broken((s) => (s.witnesses[0] = 3)), 'my.json: witnesses[0] must be the id of a catalogue witness (a string such as "W-MSG-READ"), got 3'],
    ['witness a function', broken((s) => (s.witnesses[0] = () => true)), 'my.json: witnesses[0] must be the id of a catalogue witness (a string such as "W-MSG-READ"), got a function'],
    ['witness an own object', broken((s) => (s.witnesses[0] = { ...W.msgRead, holds: () => true })), 'my.json: witnesses[0] is an object with id "W-MSG-READ" that is not the catalogue witness of that id (own witnesses are not supported; give the id)'],
    ['witness repeated', broken((s) => (s.witnesses = ['W-MSG-READ', W.msgRead])), 'my.json: witnesses[1] repeats "W-MSG-READ"'],
    ['excludes unknown', broken((s) => (s.excludes = ['ORDER-RING-ID'])), 'my.json: excludes[0] names no property: "ORDER-RING-ID" (known: '],
    ['excludes a witness', broken((s) => (s.excludes = ['W-MSG-READ'])), 'my.json: excludes[0] is the witness "W-MSG-READ"; excludes lists invariants (witnesses are chosen by the witnesses field)'],
    ['excludes repeated', broken((s) => (s.excludes = ['ORDER-RING-IDS', 'ORDER-RING-IDS'])), 'my.json: excludes[1] repeats "ORDER-RING-IDS"'],
  ];

  it.each(cases)('%s', (_what, value, message) => {
    const m = errorOf(value);
    if (message.endsWith('(known: ')) expect(m.startsWith(message)).toBe(true);
    else expect(m).toBe(message);
  });

  it('accepts a witness given as the catalogue object (module form) and as its id alike', () => {
    const a = scenarioFromValue(broken((s) => (s.witnesses = [W.msgRead, 'W-DUMP-DONE'])), 'my.ts');
    expect(a.witnesses).toEqual([W.msgRead, W.dumpDone]);
  });

  it('a .ts scenario written against the package entry: WITNESSES objects and the ScenarioInput type', () => {
    const mine: ScenarioInput = { ...(scenarioToJson(findScenario('tx-sibling')) as ScenarioJson), id: 'tx-sibling-2', witnesses: [WITNESSES.txActed, 'W-SIBLING-WROTE'] };
    expect(fromEntry(mine, 'mine.ts').witnesses).toEqual([W.txActed, W.siblingWrote]);
  });

  it('keeps an sk_rcvbuf it is given', () => {
    expect(scenarioFromValue(broken((s) => (s.rcvbuf = 4608)), 'my.json').rcvbuf).toBe(4608);
  });

  it('leaves out optional fields a module gives as undefined', () => {
    const sc = scenarioFromValue(broken((s) => (s.noEnobufs = undefined)), 'my.ts');
    expect('noEnobufs' in sc).toBe(false);
  });
});

describe('readScenarioJson: unreadable files and JSON syntax, one line each', () => {
  function write(name: string, text: string): string {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  }
  const err = (f: string) => {
    try {
      readScenarioJson(f);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('a missing file and a directory', () => {
    const missing = join(tmp, 'nope.json');
    expect(err(missing)).toBe(`${missing}: cannot read the scenario file: no such file`);
    const dir = join(tmp, 'dir.json');
    mkdirSync(dir);
    expect(err(dir)).toBe(`${dir}: cannot read the scenario file: it is a directory`);
  });

  it('a bad token, with its line and column', () => {
    const f = write('token.json', '{\n  "id": "x",\n  "rx": }\n');
    expect(err(f)).toBe(`${f}: invalid JSON at line 3, column 9: unexpected token '}'`);
  });

  it('a trailing comma, text after the value, and a file that ends early', () => {
    const comma = write('comma.json', '{\n  "a": 1,\n}');
    expect(err(comma)).toBe(`${comma}: invalid JSON at line 3, column 1: expected double-quoted property name`);
    const after = write('after.json', '{"a": 1}\n{"b": 2}');
    expect(err(after)).toBe(`${after}: invalid JSON at line 2, column 1: unexpected non-whitespace character after the JSON value`);
    const short = write('short.json', '{"a": [1, 2');
    expect(err(short)).toBe(`${short}: invalid JSON: the text ends early (line 1, column 12)`);
    const empty = write('empty.json', '');
    expect(err(empty)).toBe(`${empty}: invalid JSON: the text ends early (line 1, column 1)`);
  });

  it('reads a file with a byte order mark', () => {
    const f = write('bom.json', '\uFEFF{"a": 1}');
    expect(readScenarioJson(f)).toEqual({ a: 1 });
  });

  it('jsonErrorOffset finds where JSON.parse gave up', () => {
    for (const [text, at] of [['{"a": tru}', 9], ['[1,,2]', 3], ['{"a" 1}', 5], ['"\\x"', 2], ['-', 0], ['{"a": 1} x', 9]] as const) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorOffset(text)).toBe(at);
    }
  });

  it('loadScenarioJson names the file in the shape errors too', () => {
    const f = write('shape.json', JSON.stringify(broken((s) => (s.threads[1].params.count = '2'))));
    expect(() => loadScenarioJson(f)).toThrow(`${f}: threads[1].params.count must be an integer in 1..29 (message tags are tracked in 29-bit masks), got "2"`);
  });
});
