/**
 * Loading a file a user names on the command line: a variant (a patch) or a
 * scenario, written in TypeScript (.ts, .mts) or JavaScript (.js, .mjs).
 *
 * Under Node, TypeScript is type-stripped by hooks (src/load/hooks.ts) that
 * also point `import ... from 'nlring'` at this running package. Under vitest,
 * which transforms TypeScript itself, the hooks are not needed and
 * vitest.config.ts maps 'nlring' to src/index.ts for the same reason.
 *
 * Every problem is a UsageError that names the file: the CLI prints one line
 * and exits 2.
 */
import { register } from 'node:module';
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** Whether a --variant / --scenario value names a file rather than a catalogue entry. */
export function namesFile(arg: string): boolean {
  return arg.includes('/') || arg.includes('\\') || /\.(m?ts|m?js|json)$/.test(arg);
}

let hooked = false;

/** Running from the .ts sources means a runner that compiles TypeScript itself (vitest) is in charge of imports. */
const UNDER_TS_RUNNER = import.meta.url.endsWith('.ts');

function ensureHooks(): void {
  if (hooked || UNDER_TS_RUNNER) return;
  const self = new URL('../index.js', import.meta.url).href;
  register(new URL('./hooks.js', import.meta.url), { data: { self } });
  hooked = true;
}

/** The file's first error line, without Node's stack or the file URL it repeats. */
function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** Check that `file` exists and is a regular file, as a one-line UsageError naming `what`. */
export function checkReadable(file: string, what: string): string {
  const path = resolve(file);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? firstLine(e)}`);
  }
  if (!isFile) throw new UsageError(`${what} file ${file} is not a regular file`);
  return path;
}

/** Import a .ts/.mts/.js/.mjs module; loading or evaluation errors become one line naming the file. */
export async function importFile(file: string, what: string): Promise<Record<string, unknown>> {
  const ext = extname(file);
  if (!(MODULE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UsageError(`${what} file ${file} must end in ${MODULE_EXTENSIONS.join(', ')}`);
  }
  const path = checkReadable(file, what);
  ensureHooks();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${file}: ${e.message}`);
    throw new UsageError(`${what} file ${file} does not load: ${firstLine(e)}`);
  }
}

/**
 * The one value of kind `what` a module exports: its default export, else its
 * only named export that `is` accepts. `example` shows how to export one.
 */
export function exportedValue<T>(mod: Record<string, unknown>, file: string, what: string, is: (x: unknown) => x is T, example: string): T {
  if (mod.default !== undefined) {
    if (!is(mod.default)) throw new UsageError(`${file}: the default export is not a ${what} (${example})`);
    return mod.default;
  }
  const named = Object.entries(mod).filter(([, v]) => is(v));
  if (named.length === 1) return named[0][1] as T;
  if (named.length === 0) throw new UsageError(`${file} does not export a ${what} (${example})`);
  throw new UsageError(`${file} exports ${named.length} ${what}s (${named.map(([k]) => k).join(', ')}): export the one to check as default`);
}
