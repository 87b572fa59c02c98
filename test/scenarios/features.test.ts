/**
 * Scenario features and the pair table (src/scenarios/features.ts) behind
 * `nlring list --coverage`: each feature is read from the configuration as its doc
 * says, the table counts the scenarios that have both features of a pair, and the
 * command fails while some pair is in no catalogue scenario.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioConfig, ThreadSpec } from '../../src/model/config.js';
import { run } from '../../src/cli/run.js';
import { FEATURES, pairCoverage, pairKey } from '../../src/scenarios/features.js';
import { SCENARIOS } from '../../src/scenarios/index.js';

const REQ = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 };
const sc = (threads: ThreadSpec[], over: Partial<ScenarioConfig> = {}): ScenarioConfig => ({
  id: 'x', description: 'x', requests: [REQ], rx: 0, tx: null, mapped: true, msgLen: 64, witnesses: [], threads, ...over,
});
const prod = (path: 'ring' | 'nfq' | 'plain' | 'mcast', mayAbandon = false): ThreadSpec => ({ name: `p-${path}`, program: 'producer', params: { count: 1, path, firstTag: 1, mayAbandon } });
const cons = (params: Record<string, unknown> = {}): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold: 0, ...params } });
const tx = (params: Record<string, unknown> = {}): ThreadSpec => ({ name: 't', program: 'txuser', params: { count: 1, batch: 1, dontwait: true, firstTag: 1, ...params } });
const setup = (...ops: Record<string, unknown>[]): ThreadSpec => ({ name: 's', program: 'setup', params: { ops: ops as never } });
const has = (id: string, s: ScenarioConfig) => FEATURES.find((f) => f.id === id)!.has(s);

describe('features read from a scenario configuration', () => {
  it('ring and copy need an RX ring (at the start or set up by a thread) and the matching producer path', () => {
    expect([has('ring', sc([prod('ring')])), has('ring', sc([prod('nfq')])), has('ring', sc([prod('plain')]))]).toEqual([true, true, false]);
    expect([has('copy', sc([prod('plain')])), has('copy', sc([prod('mcast')])), has('copy', sc([prod('ring')]))]).toEqual([true, true, false]);
    expect(has('ring', sc([prod('ring')], { rx: null }))).toBe(false);
    expect(has('ring', sc([prod('ring'), setup({ op: 'setsockopt', ring: 'rx', req: 0 })], { rx: null }))).toBe(true);
    expect(has('copy', sc([prod('plain'), setup({ op: 'setsockopt', ring: 'tx', req: 0 })], { rx: null }))).toBe(false);
  });

  it('undelivered: a ring producer that may abandon its skb, or one whose socket may be closed under it', () => {
    expect(has('undelivered', sc([prod('ring', true)]))).toBe(true);
    expect(has('undelivered', sc([prod('ring')]))).toBe(false);
    expect(has('undelivered', sc([prod('plain', true)]))).toBe(false);
    expect(has('undelivered', sc([prod('nfq'), setup({ op: 'munmap' }, { op: 'close' })]))).toBe(true);
  });

  it('skip, dump and poll come from the consumer: frames held, a dump started, any consumer polls', () => {
    expect([has('skip', sc([cons({ maxHold: 1 })])), has('skip', sc([cons()]))]).toEqual([true, false]);
    expect([has('dump', sc([cons({ dump: true })])), has('dump', sc([cons()]))]).toEqual([true, false]);
    expect([has('poll', sc([cons()])), has('poll', sc([prod('ring')]))]).toEqual([true, false]);
  });

  it('TX batches (several frames per send, or batch verdicts) and TX errors (port gone, a hostile sibling, failing allocations)', () => {
    expect([has('tx-batch', sc([tx({ batch: 2 })])), has('tx-batch', sc([tx()])), has('tx-batch', sc([cons({ verdicts: 2 })]))]).toEqual([true, false, true]);
    expect(has('tx-error', sc([tx({ dst: 'missing-port' })]))).toBe(true);
    // A TX user that writes a bad nm_len gets EINVAL from netlink_mmap_sendmsg.
    expect([has('tx-error', sc([tx({ misbehave: { badLen: true } })])), has('tx-error', sc([tx({ misbehave: { resubmit: true } })]))]).toEqual([true, false]);
    expect(has('tx-error', sc([tx(), { name: 'sib', program: 'sibling', params: { writes: 1 } }]))).toBe(true);
    expect(has('tx-error', sc([tx()], { allocFailures: true }))).toBe(true);
    expect(has('tx-error', sc([tx()]))).toBe(false);
    expect(has('tx-error', sc([cons()], { allocFailures: true }))).toBe(false);
    // A consumer's batch verdicts go through netlink_mmap_sendmsg, whose allocation can fail too.
    expect([has('tx-error', sc([cons({ verdicts: 1 })], { allocFailures: true })), has('tx-error', sc([cons({ verdicts: 1 })]))]).toEqual([true, false]);
  });

  it('setup, close and fork: setsockopt by a thread, close(fd), a forked child or a second mapping', () => {
    expect([has('setup', sc([setup({ op: 'setsockopt', ring: 'rx', req: 0 })])), has('setup', sc([setup({ op: 'mmap' })]))]).toEqual([true, false]);
    expect([has('close', sc([setup({ op: 'close' })])), has('close', sc([setup({ op: 'munmap' })]))]).toEqual([true, false]);
    expect([has('close', sc([cons({ stops: true })])), has('close', sc([cons()]))]).toEqual([true, false]);
    expect([has('undelivered', sc([prod('ring'), cons({ stops: true })])), has('undelivered', sc([prod('ring'), cons()]))]).toEqual([true, false]);
    expect(has('fork', sc([{ name: 'f', program: 'forker' }]))).toBe(true);
    expect(has('fork', sc([setup({ op: 'mmap' })], { mapped: true }))).toBe(true);
    expect(has('fork', sc([setup({ op: 'mmap' })], { mapped: false }))).toBe(false);
    expect(has('fork', sc([setup({ op: 'mmap' }, { op: 'munmap' }, { op: 'mmap' })], { mapped: false }))).toBe(true);
  });

  it('several sockets: a thread binds the ring socket\'s port id for another socket', () => {
    expect([has('sockets', sc([setup({ op: 'bind' })])), has('sockets', sc([setup({ op: 'close' })]))]).toEqual([true, false]);
  });
});

describe('the pair table', () => {
  it('counts, for each pair and each feature alone, the scenarios that have both, and lists the pairs none has', () => {
    const a = { ...sc([prod('ring'), cons({ maxHold: 1 })]), id: 'a' };
    const b = { ...sc([prod('plain'), cons()]), id: 'b' };
    const cov = pairCoverage([a, b]);
    expect(cov.features.get('a')).toEqual(['ring', 'skip', 'poll']);
    expect(cov.features.get('b')).toEqual(['copy', 'poll']);
    expect(cov.pairs.get(pairKey('ring', 'poll'))).toEqual(['a']);
    expect(cov.pairs.get(pairKey('poll', 'poll'))).toEqual(['a', 'b']);
    expect(cov.pairs.get(pairKey('ring', 'copy'))).toEqual([]);
    expect(cov.missing).toContainEqual(['ring', 'copy']);
    expect(cov.missing).not.toContainEqual(['ring', 'skip']);
    // Every unordered pair once, the diagonal included: n (n + 1) / 2 entries.
    expect(cov.pairs.size).toBe((FEATURES.length * (FEATURES.length + 1)) / 2);
  });
});

describe('nlring list --coverage', () => {
  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  it('on the catalogue: prints the features, each scenario\'s features and the table, and exits 0: every pair is combined', async () => {
    const r = await cli(['list', '--coverage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  copy-mixed        ring copy undelivered poll\n');
    expect(r.stdout).toMatch(/\n {3}1 ring {9}19 {2}5 /);
    expect(r.stdout).toContain('  mapped-close      skip dump poll tx-batch tx-error setup close fork\n');
    expect(r.stdout).toContain('  rebind-nfq        ring undelivered poll tx-batch tx-error setup close fork sockets\n');
    expect(r.stdout).toContain('\nevery pair of features is combined in some scenario\n');
    const j = JSON.parse((await cli(['list', '--coverage', '--format', 'json'])).stdout) as { missing: string[][]; pairs: Record<string, string[]>; scenarios: Record<string, string[]> };
    expect(j.missing).toEqual([]);
    expect(j.pairs['ring+copy']).toEqual(['copy-mixed', 'copy-hold', 'poll', 'copy-teardown', 'rebind']);
    expect(j.pairs['copy+tx-error']).toEqual(['copy-tx-fork']);
    expect(j.pairs['setup+fork']).toEqual(['mapped-close', 'setup-fork', 'rebind-nfq']);
    expect(j.pairs['sockets+sockets']).toEqual(['rebind', 'rebind-reader', 'rebind-nfq']);
    expect(Object.keys(j.scenarios)).toEqual(SCENARIOS.map((s) => s.id));
  });

  it('exits 0 when every pair is combined (a catalogue that lists only the ring feature, which the catalogue scenarios have)', async () => {
    const ring = FEATURES.filter((f) => f.id === 'ring');
    const cat = { DEFAULT_VARIANT: 'v', listVariants: () => [], listScenarios: () => [], listProperties: () => [], buildTarget: () => { throw new Error('unused'); }, coverage: () => ({ features: ring, table: pairCoverage(SCENARIOS, ring) }) };
    let out = '';
    const code = await run(['list', '--coverage'], { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined } }, { catalog: async () => cat as never });
    expect(code).toBe(0);
    expect(out).toContain('every pair of features is combined in some scenario');
  });

  it('--steps and --coverage together are refused with a one-line usage error (exit 2)', async () => {
    const r = await cli(['list', '--steps', '--coverage']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nlring: list takes --steps or --coverage, not both\n');
  });
});
