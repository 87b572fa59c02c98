/**
 * The `nlring` command, as a function: `run(argv, io)` parses the arguments, calls
 * an engine from src/check and hands the result to a formatter from src/report.
 * It returns the exit code instead of exiting, so tests call it in-process;
 * main.ts is the bin wrapper.
 *
 * Errors: UsageError and ReplayError become one line `nlring: <problem>` and exit 2;
 * anything else is a bug and becomes `nlring: internal error: <message>`, exit 4
 * (set NLRING_DEBUG=1 to also get the stack).
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckTarget, PropertyKind } from '../model/interface.js';
import { ReplayError, UsageError } from '../errors.js';
import { bfs, type Budgets, type Progress } from '../check/bfs.js';
import { getHeapStatistics } from 'node:v8';
import { replay } from '../check/replay.js';
import { EXIT, exitCodeFor, worstVerdict, type CheckResult } from '../check/result.js';
import { formatText, formatReplayText } from '../report/text.js';
import { formatJson, formatReplayJson } from '../report/json.js';
import { formatJunit } from '../report/junit.js';
import { formatSummary, formatSummaryJson } from '../report/summary.js';

/** What the CLI needs from src/catalog.ts; tests pass a toy one. */
export interface Catalog {
  readonly DEFAULT_VARIANT: string;
  listVariants(): readonly { id: string; description: string }[];
  listScenarios(): readonly { id: string; description: string }[];
  listProperties(): readonly { id: string; family: string; kind: PropertyKind; doc: string }[];
  // The CLI never looks inside states or actions, so their types do not matter here.
  buildTarget(variant: string, scenario: string): CheckTarget<any, any>;
}

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export interface RunOptions {
  /** Loaded only by commands that need it, so `--help` works even if the model does not. */
  readonly catalog?: () => Promise<Catalog>;
  /** Milliseconds between progress lines (1000). */
  readonly progressIntervalMs?: number;
}

export const USAGE = `nlring: model checker for Linux memory-mapped netlink rings

usage:
  nlring list [--format text|json]
  nlring check --scenario S [--variant V] [budgets] [--format text|json]
  nlring replay --scenario S --path P [--variant V] [--format text|json]
  nlring check-all [--variant V] [--out DIR] [budgets]
  nlring help | --help | -h
  nlring --version

  --variant V       protocol variant (default: the one marked * by \`nlring list\`)
  --scenario S      workload to check (see \`nlring list\`)
budgets (reaching one makes the verdict INCOMPLETE, never PASS):
  --max-states N    at most N distinct states
  --max-depth N     do not explore beyond depth N
  --time-budget S   stop after S seconds (per scenario)
  --max-memory M    stop when the heap reaches M MiB (default: 80% of the V8 heap limit)

  --path P          action indices from the initial state, e.g. 0/3/1 ('' = initial state)
  --out DIR         check-all also writes DIR/summary.json, DIR/summary.txt, DIR/junit.xml
  --format F        text (default) or json

exit codes: 0 all properties hold (exploration complete), 1 property violated or a
witness never reached (vacuous), 2 usage error or a path that does not fit,
3 incomplete (budget reached, no violation), 4 internal error
`;

type FlagKind = 'string' | 'count' | 'format';
const BUDGET_FLAGS: Record<string, FlagKind> = { 'max-states': 'count', 'max-depth': 'count', 'time-budget': 'count', 'max-memory': 'count' };

/** The engine budgets given on the command line; memory defaults to 80% of what V8 will allow. */
function budgets(flags: Record<string, string>): Budgets {
  const n = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
  return {
    maxStates: n('max-states'),
    maxDepth: n('max-depth'),
    timeBudgetSeconds: n('time-budget'),
    maxMemoryMiB: n('max-memory') ?? Math.floor((0.8 * getHeapStatistics().heap_size_limit) / 2 ** 20),
  };
}
const COMMANDS: Record<string, Record<string, FlagKind>> = {
  list: { format: 'format' },
  check: { variant: 'string', scenario: 'string', ...BUDGET_FLAGS, format: 'format' },
  replay: { variant: 'string', scenario: 'string', path: 'string', format: 'format' },
  'check-all': { variant: 'string', out: 'string', ...BUDGET_FLAGS },
  help: {},
};

interface Parsed {
  readonly command: string;
  readonly flags: Record<string, string>;
}

/** Hand-written on purpose: no dependency, and every mistake gets a one-line UsageError. */
export function parseArgs(argv: readonly string[]): Parsed | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('missing command (try nlring --help)');
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command === '--version') return 'version';
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command '${command}' (try nlring --help)`);

  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--version') return 'version';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}' for ${command}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown flag --${name} for ${command}`);
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      // A following flag is not a value: `--path --format json` is a missing value.
      if (i + 1 >= rest.length || rest[i + 1].startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = rest[++i];
    }
    if (name in flags) throw new UsageError(`--${name} given twice`);
    if (kind === 'count' && !/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
    if (kind === 'count' && !Number.isSafeInteger(Number(value))) throw new UsageError(`--${name} is too large: ${value}`);
    if (kind === 'format' && value !== 'text' && value !== 'json') throw new UsageError(`--${name} must be text or json, got '${value}'`);
    flags[name] = value;
  }
  return { command, flags };
}

const defaultCatalog = (): Promise<Catalog> => import('../catalog.js');

export async function run(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return EXIT.pass;
    }
    if (parsed === 'version') {
      io.stdout.write(`${version()}\n`);
      return EXIT.pass;
    }
    const { command, flags } = parsed;
    const catalog = await (options.catalog ?? defaultCatalog)();
    const need = (name: string) => {
      if (flags[name] === undefined) throw new UsageError(`${command} needs --${name}`);
      return flags[name];
    };
    const variant = flags.variant ?? catalog.DEFAULT_VARIANT;
    const limits = budgets(flags);
    const json = flags.format === 'json';

    switch (command) {
      case 'list':
        io.stdout.write(json ? JSON.stringify(listing(catalog), null, 2) + '\n' : listingText(catalog));
        return EXIT.pass;
      case 'check': {
        const target = catalog.buildTarget(variant, need('scenario'));
        const progress = progressPrinter(io, target.scenario);
        const result = bfs(target, { ...limits, onProgress: progress.update, progressIntervalMs: options.progressIntervalMs });
        progress.done();
        io.stdout.write(json ? formatJson(result) : formatText(result));
        return exitCodeFor(result.verdict);
      }
      case 'replay': {
        const target = catalog.buildTarget(variant, need('scenario'));
        const result = replay(target, need('path'));
        io.stdout.write(json ? formatReplayJson(result) : formatReplayText(result));
        return result.violation ? EXIT.fail : EXIT.pass;
      }
      case 'check-all': {
        const known = catalog.listVariants().map((v) => v.id);
        if (!known.includes(variant)) throw new UsageError(`unknown variant '${variant}' (known: ${known.join(', ')})`);
        const scenarios = catalog.listScenarios();
        const results: CheckResult[] = [];
        for (const [i, s] of scenarios.entries()) {
          const target = catalog.buildTarget(variant, s.id);
          const progress = progressPrinter(io, `[${i + 1}/${scenarios.length}] ${s.id}`);
          results.push(bfs(target, { ...limits, onProgress: progress.update, progressIntervalMs: options.progressIntervalMs }));
          progress.done();
        }
        const summary = formatSummary(results);
        if (flags.out !== undefined) {
          await writeReports(flags.out, {
            'summary.json': formatSummaryJson(results),
            'summary.txt': summary,
            'junit.xml': formatJunit(results),
          });
        }
        io.stdout.write(summary);
        return exitCodeFor(worstVerdict(results.map((r) => r.verdict)));
      }
      default:
        throw new Error(`command '${command}' is parsed but not implemented`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ReplayError) {
      io.stderr.write(`nlring: ${oneLine(e.message)}\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`nlring: internal error: ${oneLine(message)}\n`);
    if (process.env.NLRING_DEBUG && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
    return EXIT.internal;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function listing(c: Catalog) {
  return {
    variants: c.listVariants().map((v) => ({ id: v.id, description: v.description })),
    scenarios: c.listScenarios().map((s) => ({ id: s.id, description: s.description })),
    properties: c.listProperties().map((p) => ({ id: p.id, family: p.family, kind: p.kind, description: p.doc })),
  };
}

function listingText(c: Catalog): string {
  const l = listing(c);
  const w = Math.max(0, ...[...l.variants, ...l.scenarios, ...l.properties].map((x) => x.id.length));
  const out = ['variants (* = default):'];
  for (const v of l.variants) out.push(`${v.id === c.DEFAULT_VARIANT ? '*' : ' '} ${v.id.padEnd(w)}  ${v.description}`);
  out.push('scenarios:');
  for (const s of l.scenarios) out.push(`  ${s.id.padEnd(w)}  ${s.description}`);
  out.push('properties:');
  for (const p of l.properties) out.push(`  ${p.id.padEnd(w)}  ${p.kind.padEnd(9)}  ${p.family}: ${p.description}`);
  return out.join('\n') + '\n';
}

/**
 * Progress on stderr, only for runs long enough for the engine to call back (~1 s):
 * rewritten in place on a terminal, one plain line per update otherwise (CI logs).
 */
function progressPrinter(io: Io, label: string) {
  const tty = io.stderr.isTTY === true;
  let shown = false;
  return {
    update: (p: Progress) => {
      const line =
        `nlring: ${label}: ${p.distinct} states, ${p.transitions} transitions, queue ${p.queue}, ` +
        `depth ${p.depth}, ${Math.round(p.perSecond)} states/s, ${p.seconds.toFixed(0)}s`;
      io.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      shown = true;
    },
    done: () => {
      if (tty && shown) io.stderr.write('\r\x1b[K');
    },
  };
}

/** Write each file to a temporary name in the same directory, then rename, so no report is ever half-written. */
async function writeReports(dir: string, files: Record<string, string>): Promise<void> {
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

/** The package version: package.json is two levels up from src/cli, three from dist/src/cli. */
function version(): string {
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
