/**
 * vitest global setup: compile dist/ once, so tests that run the built `nlring`
 * bin (and its module hooks for .ts files) see the current sources, and no two
 * test files compile into dist/ at the same time.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  const root = new URL('..', import.meta.url).pathname;
  execFileSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
