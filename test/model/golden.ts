/**
 * Golden files of the texts the spec shows its users (test/model/texts.*.txt).
 * A change to one of these lines is a change users see, so it is reviewed: the
 * test fails on the first line that differs, and a commit that rewrites a file
 * says why. Rewrite with UPDATE_GOLDEN=1 (see each test file for its command).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function expectGolden(file: URL, header: string, lines: readonly string[]): void {
  const now = [`# ${header}`, ...lines].join('\n') + '\n';
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, now);
  const want = readFileSync(file, 'utf8');
  // Line by line, so that a failure names the first line that differs rather than dumping the file.
  const a = now.split('\n');
  const b = want.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  expect(i === -1 ? null : { line: i + 1, now: a[i], golden: b[i] }).toBeNull();
  expect(a.length).toBe(b.length);
}
