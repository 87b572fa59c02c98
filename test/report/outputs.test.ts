/**
 * --junit, --events and --itf on the command line (src/report/outputs.ts wired in
 * src/cli/run.ts): the flags parse, the files appear, and a destination that cannot be
 * written is refused with one line and exit 2 before any run starts, leaving no file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { USAGE, type RunOptions } from '../../src/cli/run.js';
import { writeFileAtomic } from '../../src/report/outputs.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';
import { runCli } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nlring-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const itfSchema = new Ajv2020({ strict: true }).compile(JSON.parse(readFileSync(new URL('../../schemas/itf.schema.json', import.meta.url), 'utf8')));

function nlring(argv: string[], options: RunOptions = {}) {
  return runCli(argv, { catalog: async () => toyCatalog(), ...options });
}

/** Only the real catalogue's modules are loaded for these (the default catalogue). */
const real = (argv: string[]) => nlring(argv, { catalog: undefined });

describe('--junit, --events, --itf', () => {
  it('are documented in USAGE for check and check-all, and --itf for replay', () => {
    expect(USAGE).toMatch(/nlring check --scenario S [^\n]*\n\s+\[--junit FILE\] \[--events FILE\] \[--itf DIR\]/);
    expect(USAGE).toMatch(/nlring check-all [^\n]*\n\s+\[--junit FILE\] \[--events FILE\] \[--itf DIR\]/);
    for (const flag of ['--junit FILE', '--events FILE', '--itf DIR', 'replay --itf FILE']) expect(USAGE).toContain(`  ${flag} `);
  });

  it('check writes all three for a real counterexample (linux-3.10 tx-sibling), creating missing directories', async () => {
    const out = join(dir, 'check', 'nested');
    const r = await real(['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling', '--junit', join(out, 'junit.xml'), '--events', join(out, 'events.jsonl'), '--itf', join(out, 'itf')]);
    expect(r.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['events.jsonl', 'itf', 'junit.xml']); // no temp or probe files
    expect(readdirSync(join(out, 'itf'))).toEqual(['linux-3.10__tx-sibling__NOTOCTOU-TX-LEN.itf.json']);
    const trace = JSON.parse(readFileSync(join(out, 'itf', 'linux-3.10__tx-sibling__NOTOCTOU-TX-LEN.itf.json'), 'utf8'));
    expect(itfSchema(trace)).toBe(true);
    expect(trace.states).toHaveLength(8);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="nlring.linux-3.10.tx-sibling"');
    expect(junit).toContain(`replay: ${trace['#meta'].replay}`);
    const events = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'violation').replay).toBe(trace['#meta'].replay);
    expect(r.stdout).toContain(`replay: ${trace['#meta'].replay}`);
  });

  it('gives the same files on a second run (times aside)', async () => {
    const files = async (sub: string) => {
      const out = join(dir, sub);
      await real(['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling', '--junit', join(out, 'j.xml'), '--itf', out]);
      const junit = readFileSync(join(out, 'j.xml'), 'utf8').replace(/time="[0-9.]+"/g, 'time=""');
      return [junit, readFileSync(join(out, 'linux-3.10__tx-sibling__NOTOCTOU-TX-LEN.itf.json'), 'utf8')];
    };
    expect(await files('again-1')).toEqual(await files('again-2'));
  });

  it('check-all --junit writes what --out writes as junit.xml, and --itf one file per counterexample', async () => {
    const out = join(dir, 'all');
    const r = await nlring(['check-all', '--variants', 'toy-good,toy-buggy', '--out', out, '--junit', join(dir, 'all.xml'), '--itf', join(out, 'itf')]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'all.xml'), 'utf8')).toBe(readFileSync(join(out, 'junit.xml'), 'utf8'));
    // toy-buggy fails NO-BUG in counters and missed; the vacuous runs have no trace.
    expect(readdirSync(join(out, 'itf')).sort()).toEqual(['toy-buggy__counters__NO-BUG.itf.json', 'toy-buggy__missed__NO-BUG.itf.json']);
  });

  it('replay --itf FILE writes the replayed trace', async () => {
    const file = join(dir, 'replay', 'trace.itf.json');
    const r = await nlring(['replay', '--variant', 'toy-buggy', '--scenario', 'counters', '--path', '0/0/0/1/1', '--itf', file]);
    expect(r.code).toBe(1);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(itfSchema(trace)).toBe(true);
    expect(trace['#meta']).toMatchObject({ status: 'violation', property: 'NO-BUG', path: '0/0/0/1/1', violatedAt: 5 });
  });

  describe('a destination that cannot be written: one line, exit 2, before the run, nothing left behind', () => {
    const plain = join(dir, 'plain-file');
    writeFileSync(plain, 'not a directory');
    const aDir = join(dir, 'a-directory');
    mkdirSync(aDir, { recursive: true });
    const cases: [string, string[], RegExp][] = [
      ['--junit under a regular file', ['--junit', join(plain, 'junit.xml')], /^nlring: cannot write --junit file '.*plain-file\/junit.xml': (ENOTDIR|EEXIST)\n$/],
      ['--junit naming a directory', ['--junit', aDir], /^nlring: cannot write --junit file '.*a-directory': EISDIR\n$/],
      ['--events under a regular file', ['--events', join(plain, 'x', 'e.jsonl')], /^nlring: cannot write --events file '.*': (ENOTDIR|EEXIST)\n$/],
      ['--events naming a directory', ['--events', aDir], /^nlring: cannot write --events file '.*': EISDIR\n$/],
      ['--itf naming a regular file', ['--itf', plain], /^nlring: cannot write --itf directory '.*plain-file': (ENOTDIR|EEXIST)\n$/],
      ['--junit and --events on one file', ['--junit', join(dir, 'same'), '--events', join(dir, 'same')], /^nlring: --junit and --events name the same file/],
    ];
    it.each(cases)('check: %s', async (_what, flags, message) => {
      const before = readdirSync(dir).sort();
      const r = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters', ...flags], { progressIntervalMs: 0 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe(''); // no run happened: no report, no progress
      expect(readdirSync(dir).sort()).toEqual(before);
      expect(readdirSync(aDir)).toEqual([]);
    });
    it.each(cases)('check-all: %s', async (_what, flags, message) => {
      const r = await nlring(['check-all', ...flags], { progressIntervalMs: 0 });
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(message);
    });
    it('replay --itf under a regular file', async () => {
      const r = await nlring(['replay', '--variant', 'toy-buggy', '--scenario', 'counters', '--path', '0', '--itf', join(plain, 't.json')]);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(/^nlring: cannot write --itf file '.*': (ENOTDIR|EEXIST)\n$/);
    });
    it('--liveness refuses them', async () => {
      const r = await nlring(['check', '--scenario', 'counters', '--liveness', '--junit', join(dir, 'l.xml')]);
      expect([r.code, r.stderr]).toEqual([2, 'nlring: --junit does not apply to --liveness (it judges progress, not invariants, over real states)\n']);
      expect(existsSync(join(dir, 'l.xml'))).toBe(false);
    });
  });

  it('a write that fails leaves neither the file nor its temporary', () => {
    const target = join(dir, 'atomic-dir');
    mkdirSync(target);
    expect(() => writeFileAtomic(target, 'text')).toThrow(); // rename onto a directory fails
    expect(readdirSync(dir).filter((f) => f.startsWith('atomic-dir.tmp'))).toEqual([]);
    writeFileAtomic(join(dir, 'atomic.txt'), 'whole');
    expect(readFileSync(join(dir, 'atomic.txt'), 'utf8')).toBe('whole');
  });
});
