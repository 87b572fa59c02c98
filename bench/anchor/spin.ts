/**
 * SPIN itself, for the side-by-side benchmark: find (or install) it, generate
 * and compile pan for the anchor model, run it, and read what it reports.
 *
 * Flags, and why: `spin -a` with its default statement merging (the transition
 * system bench/anchor/rxring.ts reproduces; `-o3` would give a different,
 * larger one), `gcc -O2 -DSAFETY` (safety only, as nlring's bfs), with
 * `-DNOREDUCE` for the run without partial-order reduction, and `-DMEMLIM=16000`
 * (MB) so that pan stops rather than exhaust the machine; `./pan -m100000` for a
 * search depth well beyond the anchor's, and `-w` as hashBitsFor says. Peak resident memory comes from
 * `/usr/bin/time -v` when it is there, else from pan's own memory report.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnchorParams } from './rxring.js';

/** The Promela model next to this file's source (dist/bench/anchor -> bench/anchor). */
export function modelPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(join('dist', 'bench')) ? join(here, '..', '..', '..', 'bench', 'anchor', 'rxring.pml') : join(here, 'rxring.pml');
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
}

/** SPIN's version line, or undefined when `spin` does not run. */
function spinVersion(): string | undefined {
  const r = spawnSync('spin', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

export type SpinTools = { readonly ok: true; readonly version: string; readonly time: boolean } | { readonly ok: false; readonly why: string };

/**
 * SPIN and gcc, installing SPIN from the Debian package `spin` when it is absent
 * (as root, or through `sudo -n`). Never throws: a missing tool is a reason to skip.
 */
export function spinTools(log: (line: string) => void): SpinTools {
  let version = spinVersion();
  if (version === undefined) {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    const [cmd, args] = root ? ['apt-get', ['install', '-y', 'spin']] : ['sudo', ['-n', 'apt-get', 'install', '-y', 'spin']];
    log(`SPIN not found: ${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.error || r.status !== 0) return { ok: false, why: `SPIN is not installed and \`${cmd} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`})` };
    version = spinVersion();
    if (version === undefined) return { ok: false, why: 'SPIN is not installed and installing the Debian package `spin` did not provide it' };
  }
  if (!works('gcc', ['--version'])) return { ok: false, why: 'gcc is missing, and pan (the verifier SPIN generates) is C that needs it' };
  return { ok: true, version, time: works('/usr/bin/time', ['-v', 'true']) };
}

export interface SpinRun {
  /** pan's "states, stored". */
  readonly states: number;
  /** pan's "transitions (= stored+matched)". */
  readonly transitions: number;
  /** pan's "elapsed time": the search alone. */
  readonly seconds: number;
  /** Peak resident set of the pan process, in bytes. */
  readonly maxRssBytes: number;
  /** Where maxRssBytes comes from. */
  readonly rssFrom: 'time -v' | 'pan';
  readonly errors: number;
}

/** pan binaries for one model size, in a temporary directory; `dispose()` removes it. */
export interface PanBuild {
  readonly bin: (reduce: boolean) => string;
  dispose(): void;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return r.stdout + r.stderr;
}

/**
 * Generate pan.c for the anchor at `p` and compile it twice: without and with
 * partial-order reduction. `merging` false generates with `spin -o3` (no statement merging).
 */
export function buildPan(p: AnchorParams, merging = true): PanBuild {
  const dir = mkdtempSync(join(tmpdir(), 'nlring-anchor-'));
  try {
    copyFileSync(modelPath(), join(dir, 'rxring.pml'));
    run('spin', [...(merging ? [] : ['-o3']), `-DF=${p.frames}`, `-DK=${p.senders}`, `-DM=${p.messages}`, '-a', 'rxring.pml'], dir);
    exactCounts(join(dir, 'pan.c'));
    run('gcc', ['-O2', '-DSAFETY', '-DNOREDUCE', '-DMEMLIM=16000', '-w', '-o', 'pan_noreduce', 'pan.c'], dir);
    run('gcc', ['-O2', '-DSAFETY', '-DMEMLIM=16000', '-w', '-o', 'pan_reduce', 'pan.c'], dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    bin: (reduce) => join(dir, reduce ? 'pan_reduce' : 'pan_noreduce'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * pan prints its counts with 8 significant digits (`%9.8g`), so 128,302,981
 * states read as 1.2830298e+08; have it print them whole. Only the format of
 * two report lines changes, nothing pan computes.
 */
function exactCounts(panC: string): void {
  const src = readFileSync(panC, 'utf8');
  const out = src.replace('"%9.8g states, stored\\n"', '"%.0f states, stored\\n"').replace('"%9.8g transitions (= stored+matched)\\n"', '"%.0f transitions (= stored+matched)\\n"');
  writeFileSync(panC, out);
}

/** A number that pan printed after `label`-like text, or NaN. */
function grab(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** `/usr/bin/time -v`'s "Maximum resident set size (kbytes)" in bytes, or NaN. */
export function timeRss(stderr: string): number {
  return grab(stderr, /Maximum resident set size \(kbytes\):\s*(\d+)/) * 1024;
}

/**
 * The hash table size (pan's -w) for a run that stores `states`: at least pan's
 * default 2^24 slots, and as many slots as states beyond that. pan's table does
 * not grow, and with 128 M states in 2^24 slots most of its time goes to
 * collision chains (its own report then hints at a larger -w).
 */
export function hashBitsFor(states: number): number {
  return Math.max(24, Math.ceil(Math.log2(Math.max(1, states))));
}

/** Run one pan binary to completion (hash table of 2^hashBits slots) and read its report. */
export function runPan(bin: string, useTime: boolean, hashBits = 24): SpinRun {
  const args = ['-m100000', `-w${hashBits}`];
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-v', bin, ...args], { cwd: dirname(bin), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
    : spawnSync(bin, args, { cwd: dirname(bin), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error || r.status !== 0) throw new Error(`pan failed: ${r.error?.message ?? `exit ${r.status}`}`);
  const out = r.stdout;
  if (/max search depth too small/.test(out)) throw new Error('pan: search depth limit reached (raise -m)');
  if (/out of memory|memory limit/i.test(out)) throw new Error('pan: ran out of its memory limit');
  const states = grab(out, /([\d.e+]+) states, stored/);
  const panMb = grab(out, /([\d.]+)\s+total actual memory usage/);
  const rss = useTime ? timeRss(r.stderr) : NaN;
  return {
    states,
    transitions: grab(out, /([\d.e+]+) transitions \(= stored\+matched\)/),
    seconds: grab(out, /pan: elapsed time ([\d.e+]+) seconds/),
    maxRssBytes: Number.isNaN(rss) ? panMb * 2 ** 20 : rss,
    rssFrom: Number.isNaN(rss) ? 'pan' : 'time -v',
    errors: grab(out, /errors: (\d+)/),
  };
}
