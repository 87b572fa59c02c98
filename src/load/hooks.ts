/**
 * Module hooks for the files users hand to nlring (`--variant ./patch.ts`,
 * `--scenario ./workload.ts`), registered by src/load/module.ts with
 * node:module's register() and run on Node's loader thread.
 *
 * - `import ... from 'nlring'` resolves to the very package that is running,
 *   so a patch file shares the spec's step registry and label ids with the
 *   checker (a second copy of nlring, from some node_modules, would not).
 * - `.ts` / `.mts` files are loaded with their types stripped by amaro, the
 *   type stripper Node 22 builds in as --experimental-strip-types. So the same
 *   TypeScript that runs there runs here, and syntax that needs more than
 *   stripping (enum, namespace) is refused the same way.
 */
import { readFile } from 'node:fs/promises';
import amaro from 'amaro';

let self = '';

export function initialize(data: { self: string }): void {
  self = data.self;
}

type Next<R> = (specifier: string, context: unknown) => Promise<R>;

export async function resolve(specifier: string, context: unknown, next: Next<{ url: string }>): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'nlring') return { url: self, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url: string, context: unknown, next: Next<unknown>): Promise<unknown> {
  if (url.startsWith('file:') && /\.m?ts$/.test(new URL(url).pathname)) {
    const source = await readFile(new URL(url), 'utf8');
    const { code } = amaro.transformSync(source, { mode: 'strip-only' });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}
