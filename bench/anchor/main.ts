/**
 * The SPIN anchor section alone, without the rest of `npm run bench`:
 *
 *   node dist/bench/anchor/main.js [--km KxM] [--runs N] [--write]
 *
 *   --km KxM   senders x messages (default 3x2, about 1.5 M states; or
 *              NLRING_BENCH_ANCHOR=KxM; 3x3 is the workload, about
 *              128 M states, minutes and gigabytes for each tool)
 *   --runs N   repetitions (default 3; medians reported)
 *   --write    also put the section into bench/RESULTS.md, replacing the one
 *              there (between its markers) or appending it
 *
 * Prints the section on stdout; progress on stderr. Bad arguments exit 2.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.js';
import { anchorSection, spliceSection } from './section.js';

function parseArgs(argv: string[]): { km: string; runs: number; write: boolean } {
  let km = process.env.NLRING_BENCH_ANCHOR ?? '3x2';
  let runs = 3;
  let write = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write') write = true;
    else if (a === '--km' && i + 1 < argv.length) km = argv[++i];
    else if (a === '--runs' && i + 1 < argv.length) {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`anchor: --runs needs an integer >= 1, got '${argv[i]}'`);
    } else throw new UsageError(`anchor: unknown or incomplete argument '${a}' (usage: main.js [--km KxM] [--runs N] [--write])`);
  }
  return { km, runs, write };
}

try {
  const o = parseArgs(process.argv.slice(2));
  const { lines } = anchorSection({ km: o.km, runs: o.runs, log: (l) => process.stderr.write(`bench: ${l}\n`) });
  process.stdout.write(lines.join('\n') + '\n');
  if (o.write) {
    // dist/bench/anchor/main.js -> the source folder bench/ three levels up.
    const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'RESULTS.md');
    writeFileSync(results, spliceSection(existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmarks\n', o.km, lines));
    process.stderr.write(`bench: wrote the anchor section into ${results}\n`);
  }
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
