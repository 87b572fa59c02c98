/**
 * Every property and witness has its clause tests in this directory: a new
 * property without them fails here, so the clause tests cannot silently fall
 * behind src/props.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../../src/props/index.js';
import { W } from '../../src/props/witnesses.js';

const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts')
  .map((f) => readFileSync(dir + f, 'utf8'))
  .join('\n');

describe('clause tests exist for every property', () => {
  it.each(PROPERTIES.map((p) => p.id))('%s has a describe block named after it', (id) => {
    expect(sources.includes(`describe('${id}: `), `no describe('${id}: ...') in test/props`).toBe(true);
  });

  it.each(Object.values(W).map((w) => w.id))('witness %s is tested', (id) => {
    const named = sources.includes(id) || Object.entries(W).some(([k, w]) => w.id === id && sources.includes(`W.${k}.id`));
    expect(named, `witness ${id} has no test in test/props`).toBe(true);
  });
});

/**
 * What the catalogue says about each property: its family and kind (printed in
 * every report and matrix row), a doc and a citation, and whether it reads
 * only the state. The properties that judge an event read the last step's
 * record (ghost.last or the note), which BFS must judge on every transition;
 * the clause tests of those edit that record. Every other property is a
 * function of the state alone, judged once per distinct state.
 */
const EXPECTED: Record<string, string> = {
  'OWN-RX-KERNEL-WRITE': 'ownership',
  'OWN-TX-KERNEL-WRITE': 'ownership',
  'OWN-USER-WRITE': 'ownership',
  'NOTOCTOU-TX-ACT': 'no-toctou',
  'NOTOCTOU-TX-LEN': 'no-toctou',
  'ACCT-PENDING': 'accounting',
  'ACCT-NO-FREE-IN-USE': 'accounting',
  'COPY-QUEUE-MATCH': 'copy-queue',
  'LOSS-REPORTED': 'no-silent-loss',
  'LOSS-FREE-FRAME': 'no-silent-loss',
  'SKIP-PROGRESS': 'skip-progress',
  'POLL-IN-SOUND': 'poll-readiness',
  'POLL-NO-LOST-WAKEUP': 'poll-readiness',
  'LAYOUT-MSG-AT-HDRLEN': 'frame-layout',
  'SETUP-GEOMETRY': 'setup-consistency',
  'ERR-SK-ERR-POSITIVE': 'error-values',
  'ORDER-RING-IDS': 'ordering',
  'NFQ-VERDICT-AFTER-READ': 'ordering',
  'DUMP-ORDER': 'dump',
  'DUMP-PROGRESS': 'dump',
  'TX-PROGRESS': 'tx-progress',
  'DET-NO-UNINIT-BRANCH': 'determinism',
  'DELIVER-PORT-OWNER': 'port-ids',
  'RET-KERNEL-SEND': 'caller-view',
  'RET-TX-SENDMSG': 'caller-view',
  'POLL-IN-AT-CURSOR': 'caller-view',
  'TX-READ-IN-FRAME': 'frame-layout',
  'PUBLISH-RX': 'publication',
  'PUBLISH-TX': 'publication',
};
/** The properties that judge the last step's event (a store or a note). */
const EVENT = new Set(['OWN-RX-KERNEL-WRITE', 'OWN-TX-KERNEL-WRITE', 'OWN-USER-WRITE', 'LOSS-FREE-FRAME', 'SKIP-PROGRESS', 'POLL-IN-SOUND', 'ORDER-RING-IDS', 'DUMP-ORDER', 'TX-PROGRESS', 'DELIVER-PORT-OWNER', 'RET-KERNEL-SEND', 'RET-TX-SENDMSG', 'POLL-IN-AT-CURSOR', 'PUBLISH-RX', 'PUBLISH-TX']);

/** Properties whose doc is built from several sentences: a term from each, so none is lost. */
const DOC_TERMS: Record<string, readonly string[]> = {
  'TX-PROGRESS': ['sendto(fd, NULL, 0)', 'datagram_poll', 'no iovec'],
  'DET-NO-UNINIT-BRANCH': ['uninitialised memory', 'MemorySanitizer'],
  'RET-KERNEL-SEND': ['delivered', 'recvmsg', 'failed'],
  'POLL-IN-AT-CURSOR': ['cursor', 'receive queue', 'spins'],
};

describe('the catalogue entry of each property', () => {
  it.each(Object.entries(DOC_TERMS))('%s: its doc keeps every sentence', (id, terms) => {
    const doc = PROPERTIES.find((p) => p.id === id)?.doc ?? '';
    for (const t of terms) expect(doc, t).toContain(t);
  });

  it('the invariants are exactly these, in this order (reports list them so)', () => {
    expect(PROPERTIES.map((p) => p.id)).toEqual(Object.keys(EXPECTED));
  });

  it.each(PROPERTIES.map((p) => [p.id, p] as const))('%s: family, kind always, a doc and a citation, stateOnly unless it judges an event', (id, p) => {
    expect(p.family).toBe(EXPECTED[id]);
    expect(p.kind).toBe('always');
    expect(p.doc.length).toBeGreaterThan(20);
    // A doc built from several sentences ends with its last one, not with the space before it.
    expect(p.doc).toBe(p.doc.trim());
    expect(p.doc.endsWith('.')).toBe(true);
    expect(p.cites.length).toBeGreaterThan(10);
    expect(p.stateOnly === true).toBe(!EVENT.has(id));
  });

  it.each(Object.values(W).map((w) => [w.id, w] as const))('witness %s: kind sometimes, family witness, a doc, never stateOnly-judged as an invariant', (_id, w) => {
    expect(w.kind).toBe('sometimes');
    expect(w.family).toBe('witness');
    expect(w.cites).toBe('scenario coverage');
    expect(w.doc.length).toBeGreaterThan(10);
    expect(w.stateOnly).toBeUndefined();
  });
});
