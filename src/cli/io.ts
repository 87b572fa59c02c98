/**
 * What the commands share for talking to the outside: progress lines on stderr,
 * the default memory ceiling, and reports written whole or not at all.
 */
import { access, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Progress } from '../check/bfs.js';
import type { SimulateProgress } from '../check/simulate.js';
import { UsageError } from '../errors.js';
import type { Io } from './run.js';

/** The share of physical memory a bfs run may hold by default. */
export const DEFAULT_MEMORY_SHARE = 0.75;

/**
 * The default memory ceiling, in MiB, for a machine with `totalBytes` of physical
 * memory: 75% of it. What a run holds lives mostly outside the V8 heap (the visited
 * set, parent links and frontier are typed arrays), so the heap limit, which the
 * default used to be cut from (80% of it, about 3.3 GB), stopped runs on a 24 GB
 * machine at a seventh of what it could hold (issue 12). The quarter left over is
 * for the process's own overhead (code, V8, buffers) and the rest of the machine.
 */
export function memoryCeilingMiB(totalBytes: number): number {
  return Math.floor((DEFAULT_MEMORY_SHARE * totalBytes) / 2 ** 20);
}

/** The default memory ceiling of a bfs run on this machine (`--max-memory` overrides it). */
export function defaultMemoryCeilingMiB(): number {
  return memoryCeilingMiB(totalmem());
}

/**
 * Progress on stderr, only for runs long enough for the engine to call back (~1 s):
 * rewritten in place on a terminal, one plain line per update otherwise (CI logs).
 */
export function progressPrinter(io: Io, label: string) {
  const tty = io.stderr.isTTY === true;
  let shown = false;
  return {
    show: (text: string) => {
      const line = `nlring: ${label}: ${text}`;
      io.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      shown = true;
    },
    done: () => {
      if (tty && shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

export function bfsProgressLine(p: Progress): string {
  return `${p.distinct} states, ${p.transitions} transitions, queue ${p.queue}, depth ${p.depth}, ${Math.round(p.perSecond)} states/s, ${p.seconds.toFixed(0)}s`;
}

export function simulateProgressLine(p: SimulateProgress): string {
  return `walk ${p.walks}/${p.of}, ${p.steps} steps, ${Math.round(p.perSecond)} steps/s, ${p.seconds.toFixed(0)}s`;
}

/** Write each file to a temporary name in the same directory, then rename, so no report is ever half-written. */
export async function writeReports(dir: string, files: Record<string, string>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create --out directory '${dir}': ${(e as Error).message}`);
  }
  for (const [name, text] of Object.entries(files)) {
    const target = join(dir, name);
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, text);
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}

/**
 * Refuse an output directory before a long run rather than after it: create it
 * if need be and check that files can be created in it. `what` names the flag or
 * key (`--out`, `out` of nlring.config.json) for the one-line error.
 */
export async function checkOutputDir(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} '${dir}' is not a writable directory${code ? ` (${code})` : ''}`);
  }
}

/** The package version: package.json is two levels up from src/cli, three from dist/src/cli. */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nlring' && pkg.version) return pkg.version;
    } catch {
      // not here: keep walking up
    }
  }
  return 'unknown';
}
