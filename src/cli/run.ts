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
import { scenarioUnder } from '../scenarios/memory.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckTarget, PropertyKind } from '../model/interface.js';
import { ReplayError, UsageError } from '../errors.js';
import { bfs, type Budgets } from '../check/bfs.js';
import { parallelBfs } from '../check/parallel-bfs.js';
import { BITSTATE_MAX_BITS, BITSTATE_MIN_BITS } from '../check/bitstate.js';
import { replay, type ReplayResult } from '../check/replay.js';
import { EXIT, exitCodeFor, worstVerdict, type CheckResult, type Engine, type Shard } from '../check/result.js';
import { DEFAULT_DEPTH, DEFAULT_WALKS, PRNG_NAME, replayWalk, simulate, type SimulateProgress } from '../check/simulate.js';
import { mergeReports, parseReport } from '../check/merge.js';
import { formatText, formatReplayText, type TextOptions } from '../report/text.js';
import { formatJson, formatReplayJson, type ReplayOrigin } from '../report/json.js';
import { formatJunit } from '../report/junit.js';
import { formatSummary, formatSummaryJson } from '../report/summary.js';
import { formatHtml, scenarioDescriptionsOf } from '../report/html.js';
import { computeMatrix, computeMatrixInWorkers, differences, lengthChanges, matrixVerdict, type Matrix, type MatrixOptions } from '../matrix.js';
import { formatDiffJson, formatDiffText, formatMatrixJson, formatMatrixMarkdown, formatMatrixText } from '../report/matrix.js';
import { bugsPass, checkBug, costOf, selectBugs, type BugSource } from '../bugs.js';
import { bugCheckToJson, bugListToJson, formatBugCheck, formatBugList } from '../report/bugs.js';
import { formatCoverageJson, formatCoverageText } from '../report/coverage.js';
import { deadSteps, formatDeadSteps } from '../report/statespace.js';
import { didYouMean } from '../ci/suggest.js';
import { commandHelp } from './help.js';
import { liveness } from '../check/liveness.js';
import { formatLivenessJson, formatLivenessText } from '../report/liveness.js';
import type { Feature, PairCoverage } from '../scenarios/features.js';
import { ciCommand, isCiDocument, mergeCi } from './ci.js';
import { bfsProgressLine, defaultMemoryCeilingMiB, progressPrinter, simulateProgressLine, version, writeReports } from './io.js';
import { checkFileDestination, openOutputs, runSettings, writeFileAtomic, type RunOutputs } from '../report/outputs.js';
import { formatItf, itfOfReplay } from '../report/itf.js';
import { bfsInWorker, EngineWorker, exitCodeOf, interruptNotices, listenForSigint, notStartedResult, wasInterrupted, workerAvailable, type Sigint, type WorkerRun } from './interrupt.js';

/** What the CLI needs from src/catalog.ts; tests pass a toy one. */
export interface Catalog {
  readonly DEFAULT_VARIANT: string;
  listVariants(): readonly { id: string; description: string; knobs?: Readonly<Record<string, string | boolean>>; base?: string; overrides?: readonly { label: string; cites: string }[]; steps?: readonly { label: string; cites: string }[] }[];
  /** The spec's step labels (what an override names), for `list --steps`. */
  listSteps?(): readonly { label: string; kind: 'step' | 'continuation'; who?: string; cites?: string }[];
  listScenarios(): readonly { id: string; description: string }[];
  listProperties(): readonly { id: string; family: string; kind: PropertyKind; doc: string }[];
  /** The reachability witnesses scenarios declare (for `nlring ci` baselines); src/catalog.ts has it. */
  listWitnesses?(): readonly { id: string }[];
  /** Features of the catalogue scenarios and the pairs they combine (`list --coverage`); src/catalog.ts has it. */
  coverage?(): { features: readonly Feature[]; table: PairCoverage };
  // The CLI never looks inside states or actions, so their types do not matter here.
  buildTarget(variant: string, scenario: string): CheckTarget<any, any>;
  /** Like buildTarget, but each of the two may also name a file (a patch, a workload); src/catalog.ts has it. */
  loadTarget?(variant: string, scenario: string): Promise<CheckTarget<any, any>>;
}

export interface Io {
  /** isTTY: a terminal gets a coloured counterexample (unless NO_COLOR is set); main.ts passes process.stdout. */
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
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
  nlring list [--steps | --coverage] [--format text|json]
  nlring check --scenario S [--variant V] [--property IDS] [--engine E] [engine flags] [--verbose] [--cite] [--format text|json]
               [--junit FILE] [--events FILE] [--itf DIR]
  nlring check --scenario S [--variant V] --liveness [bfs budgets] [--verbose] [--cite] [--format text|json]
  nlring replay --scenario S [--variant V] [--property IDS] --path P [--loop K] [--verbose] [--cite] [--format text|json]
  nlring replay --scenario S [--variant V] [--property IDS] --seed N --walk W [--depth D] [--format text|json]
  nlring replay --scenario S [--variant V] [--property IDS] --engine pbt --seed N --fc-path P [--depth D] [--format text|json]
  nlring check-all [--variant V | --variants A,B,...] [--out DIR] [--engine E] [engine flags]
                   [--junit FILE] [--events FILE] [--itf DIR]
  nlring ci [--config FILE] [--out DIR] [--shard i/n] [--strict] [--jobs N] [--events FILE] [--itf DIR] [--format text|json]
  nlring merge FILE... [--out DIR] [--format text|json]
  nlring matrix [--variants V,...] [--scenarios S,...] [--out DIR] [bfs budgets] [--symmetry] [--disk-queue] [--jobs N] [--format text|json|md]
  nlring diff A B [--scenarios S,...] [bfs budgets] [--symmetry] [--disk-queue] [--jobs N] [--format text|json]
  nlring bugs [--check] [ID...] [--format text|json]
  nlring help | --help | -h
  nlring help COMMAND | COMMAND --help    (that command's usage and flags only)
  nlring --version

  --variant V       protocol variant (default: the one marked * by \`nlring list\`), or a file
                    that exports one (./my-patch.ts, .mts, .js, .mjs; see README "Writing a patch")
  --variants A,B    check-all: every scenario on each of these variants, in one summary
  --scenario S      workload to check (see \`nlring list\`), or a scenario file (.json, .ts, ...)
                    S@STYLE: scenario S with another consumer's RX loop, STYLE one of doc,
                    libmnl-2012, ulogd2, nurs (e.g. copy-hold@ulogd2; also in --scenarios);
                    S+M: under memory model M (see --memory)
  --memory M        check, replay, check-all, matrix, diff: the memory model, sc (default: every
                    store visible at once), tso (x86: a FIFO store buffer per thread) or weak
                    (arm64, POWER: stores visible in any order a barrier allows, loads satisfied
                    early where no barrier follows a status load). Names each scenario S+M
                    (e.g. rx-basic+weak; the suffix may be written instead of the flag).
                    Bounds: 4 buffered stores and 2 early loads per thread, stated in reports
  --user-order O    with --memory: how userspace orders its ring accesses, ordered (default:
                    acquire on the status load, a release when it publishes or hands back a
                    frame) or plain (the documentation's and libmnl's code); S+M-plain
  --property IDS    check and replay (all forms): judge only these invariants, one id or several
                    separated by commas, e.g. --property POLL-IN-SOUND,SKIP-PROGRESS (ids from
                    \`nlring list\` that the scenario checks). Witnesses are kept, so a restricted
                    check can still be vacuous; its reproduce line repeats the flag
  --engine E        bfs (default): exhaustive breadth-first search, shortest counterexample;
                    simulate: seeded random walks (${PRNG_NAME}); pbt: fast-check schedules.
                    simulate and pbt never PASS: without a violation they are INCOMPLETE
bfs budgets (reaching one makes the verdict INCOMPLETE, never PASS):
  --max-states N    at most N distinct states
  --max-depth N     do not explore beyond depth N
  --time-budget S   stop after S seconds (per scenario; also for simulate)
  --max-memory M    stop when the run's own state storage plus the JS heap reach M MiB
                    (default: 75% of the machine's physical memory; the report states
                    the ceiling used, with the run's peak RSS and held bytes per state)
  --all-violations  keep exploring after a violation; report the shortest counterexample
                    of every violated invariant (bfs only). The replay line of each but the
                    first names its property (--property), as another invariant may fail
                    earlier on the same path
  --symmetry        count states that differ only by a permutation of interchangeable
                    producers (same program and bounds) once (bfs only; off by default)
  --disk-queue      check, check-all, matrix, diff: keep each BFS level's frontier in a file
                    in the system's temporary directory, streamed back in order, instead of
                    memory (bfs only). Same results; --max-memory then counts only the two
                    chunks per level held in memory. Without it a level's first 256 MiB stay
                    in memory and only the rest goes to the file
  --bitstate BITS   check, check-all: bitstate hashing (SPIN's supertrace) for spaces beyond
                    memory: the visited set is an array of 2^BITS bits (BITS 16 to 36: 8 KiB
                    to 8 GiB), 3 bits set per state (bfs only). It may take an unseen state
                    for seen, so a run without a violation is INCOMPLETE, never PASS; the
                    report gives SPIN's hash factor and the estimated share of states missed.
                    A violation it finds is real (its path replays)
  --por             check, check-all: partial-order reduction (bfs only; off by default).
                    A state is expanded through one thread's steps alone when the footprint
                    table shows them independent of everything the other threads can still
                    do and invisible to the properties, unless a successor was seen before
                    (the cycle proviso). Same verdicts and violated properties; fewer states,
                    and a counterexample is a real path but not always a shortest one.
                    Only the shipped variants have footprints; not with --symmetry
  --workers N       check, check-all: N worker threads share one visited set and split each
                    BFS level (bfs only; default 1). The same results as one thread: states,
                    transitions, counterexamples. Not with --symmetry, --disk-queue,
                    --bitstate, --por or --liveness
  --liveness        instead of the invariants: non-progress cycles (livelocks) under weak
                    fairness of the threads, and terminal states with work left undone,
                    each shown as a lasso, stem then loop (bfs only; docs/liveness.md)
state space (bfs; JSON reports always carry it, as stateSpace):
  --stats           check: after the witnesses, the new states at each depth, the steps that
                    fired most often and the step labels (\`nlring list --steps\`) that never fired
  --dead-steps      check-all: after the summary, the step labels of each variant that fired
                    in none of its scenarios (spec code no scenario exercises); the runs go on
                    after a violation (as with --all-violations) so that every step has its chance
simulate:
  --seed N          seed of the run, an integer >= 0 (default 0); walk W draws from
                    ${PRNG_NAME} seeded with "N/W", so it is the same in every run and shard
  --walks N         random walks, each from the initial state (default ${DEFAULT_WALKS})
  --depth N         steps per walk at most (default ${DEFAULT_DEPTH})
  --shard i/n       run only the walks w with w % n = i (0 <= i < n); combine the JSON
                    reports of all n shards with \`nlring merge\`
pbt:
  --seed N          fast-check seed (default 0)
  --runs N          schedules to try (default: the pbt engine's)
  --depth N         steps per schedule at most (default: the pbt engine's; replay needs the same)

replay:
  --path P          action indices from the initial state, e.g. 0/3/1 ('' = initial state)
  --loop K          the path is a lasso (check --liveness): steps K+1.. are its loop, and the
                    replay fails (exit 2) unless the state after step K recurs at the end
  --seed N --walk W regenerate walk W of a simulation with seed N (with its --depth), and
                    print it like a --path replay, with the equivalent --path
  --engine pbt --seed N --fc-path P
                    regenerate pbt's shrunk counterexample (with its --depth)
counterexamples (check, check --liveness and replay, text output):
                    drawn as a timeline: kernel steps in the left lane, userspace steps in
                    the right one, the initial state in full and then only what each step
                    changed; the violating step is marked >> and explained below it.
                    Colour only when stdout is a terminal and NO_COLOR is unset
  --verbose         every state in full after every step instead of only the changes
  --cite            each step's kernel citation (function and version) under its row;
                    JSON output always carries the citations and the explanation
ci (the CI gate; README "The CI gate"):
  --config FILE     the configuration (default nlring.config.json): variants, scenarios,
                    engines, budgets, and the baseline of accepted findings
  --out DIR         where the reports go (default: the config's "out", else reports/):
                    ci.json, ci.txt, summary.*, junit.xml, index.html; for whole grids
                    matrix.* and dead-steps.txt (step labels no scenario fired)
  --shard i/n       run only the jobs j with j % n = i; \`nlring merge\` combines the shards'
                    DIR/ci.json files and judges the whole
  --strict          also fail when a baseline entry is no longer found (fixed), or an
                    accepted-incomplete run now completes
  --jobs N          worker threads for the bfs runs (default: the config's "jobs", else 1)
  --events FILE     JSON Lines events as for check (start, violation, finish per run; progress
                    only with one worker)
  --itf DIR         each counterexample as an ITF trace, as for check
  exit: 0 nothing new, 1 a finding not in the baseline, 2 bad config or input,
  3 a run stopped at a budget the config does not accept, or SIGINT (reports so far written)
merge:
  FILE...           JSON reports (--format json) of shards of one simulate run: same
                    variant, scenario, seed, walks and depth; each shard at most once.
                    FAIL if a shard failed (the lowest failing walk is kept), else INCOMPLETE.
                    Or the ci.json files of the shards of one \`nlring ci\` run: their
                    results are judged together and the reports written to --out DIR
                    (default: the config's); INCOMPLETE (exit 3) while a shard is missing
matrix and diff (bfs with --all-violations on every (variant, scenario) pair; no budget by default):
  --variants V,...  matrix: the variants, the columns (default: every variant of \`nlring list\`)
  --scenarios S,... the scenarios (default: all); a cell aggregates them, worst verdict first
  A B               diff: the two variants to compare; prints each (scenario, property) whose
                    verdict differs, with the counterexample of the failing side
  --jobs N          run N pairs at a time, in worker threads (default 1); the same output,
                    N times the memory
list:
  --steps           every step label of the spec (what a variant's override names), with the
                    kernel or userspace code it models
  --coverage        which features each catalogue scenario combines, and the pairs of features
                    no scenario combines (exit 1 while there is one)
bugs:
  ID...             only these entries of the bug catalogue (default: all)
  --check           run each entry: the buggy variant fails the expected properties, each
                    counterexample replays, the fixed variant passes them
outputs for tools (check and check-all; every path is checked before the first run starts,
and one that cannot be written is exit 2; README "Output for tools"):
  --junit FILE      JUnit XML: one testsuite per (variant, scenario), one testcase per
                    invariant and witness; a violation or a vacuous witness is a <failure>
                    with the counterexample and its replay line, and what an INCOMPLETE run
                    did not prove is <skipped>, never passed (check-all --out also writes it)
  --events FILE     JSON Lines written as the runs go, one whole line per event: start,
                    progress, violation, finish of each run (schemas/events.schema.json,
                    docs/events.md)
  --itf DIR         each counterexample as DIR/<variant>__<scenario>__<property>.itf.json,
                    in the Informal Trace Format of Apalache and Quint (schemas/itf.schema.json)
  replay --itf FILE the replayed trace as one ITF file (with --loop: ITF's "loop")
other:
  --out DIR         check-all also writes DIR/summary.json, DIR/summary.txt, DIR/junit.xml
                    and DIR/index.html (one self-contained page: the verdicts, and each
                    counterexample to step through, with the rings drawn at every step);
                    matrix writes DIR/matrix.json and DIR/matrix.md
  --format F        text (default) or json; matrix also md (Markdown)

exit codes: 0 all properties hold (exploration complete), 1 property violated or a
witness never reached (vacuous), 2 usage error, unreadable report or a path that does
not fit, 3 incomplete (budget reached or random search without a violation), 4 internal error.
matrix and check-all exit with the worst of their runs; check and check-all exit 3 on SIGINT,
after writing every report with the runs cut short marked INCOMPLETE (README "Output for
tools"). diff: 0 no verdict differs, 1 some verdict differs, 3 none differs but a budget left
cells incomplete. bugs --check: 0 every runnable entry reproduces, 1 one does not
`;

type FlagKind = 'string' | 'count' | 'natural' | 'format' | 'format-md' | 'engine' | 'shard' | 'switch';
/** check, replay, check-all, matrix, diff: the memory model and the userspace form (scenarios/memory.ts), added to every scenario's name. */
const MEMORY_FLAGS: Record<string, FlagKind> = { memory: 'string', 'user-order': 'string' };
const BUDGET_FLAGS: Record<string, FlagKind> = { 'max-states': 'count', 'max-depth': 'count', 'time-budget': 'count', 'max-memory': 'count', 'all-violations': 'switch', symmetry: 'switch', 'disk-queue': 'switch', bitstate: 'count', workers: 'count', por: 'switch' };
/** check only: the liveness check (src/check/liveness.ts) instead of the invariants. */
const LIVENESS_FLAG: Record<string, FlagKind> = { liveness: 'switch' };
const ENGINE_FLAGS: Record<string, FlagKind> = { engine: 'engine', seed: 'natural', walks: 'count', depth: 'count', shard: 'shard', runs: 'count' };
const ENGINES: readonly Engine[] = ['bfs', 'simulate', 'pbt'];
/** matrix and diff always run bfs with --all-violations; these shape the runs. */
const MATRIX_FLAGS: Record<string, FlagKind> = { 'max-states': 'count', 'max-depth': 'count', 'time-budget': 'count', 'max-memory': 'count', symmetry: 'switch', 'disk-queue': 'switch', jobs: 'count' };

/** Which engine-specific flags of check and check-all each engine takes; the others are refused. */
const APPLIES: Record<Engine, readonly string[]> = {
  bfs: ['max-states', 'max-depth', 'time-budget', 'max-memory', 'all-violations', 'symmetry', 'disk-queue', 'bitstate', 'workers', 'por', 'liveness', 'stats', 'dead-steps'],
  simulate: ['seed', 'walks', 'depth', 'shard', 'time-budget'],
  pbt: ['seed', 'runs', 'depth'],
};

/** The engine-specific flags that `engine` does not take: a UsageError naming the first. */
function checkEngineFlags(engine: Engine, flags: Record<string, string>): void {
  for (const name of Object.keys(flags)) {
    const takers = ENGINES.filter((e) => APPLIES[e].includes(name));
    if (takers.length > 0 && !takers.includes(engine)) {
      throw new UsageError(`--${name} does not apply to --engine ${engine} (only to ${takers.join(', ')})`);
    }
  }
}

/** The bfs budgets given on the command line; memory defaults to 75% of physical memory (cli/io.ts). */
function budgets(flags: Record<string, string>): Budgets {
  const n = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
  return {
    maxStates: n('max-states'),
    maxDepth: n('max-depth'),
    timeBudgetSeconds: n('time-budget'),
    maxMemoryMiB: n('max-memory') ?? defaultMemoryCeilingMiB(),
  };
}

/** `i/n` as validated by parseArgs. */
function parseShard(value: string): Shard {
  const [index, count] = value.split('/').map(Number);
  return { index, count };
}

/** check and replay: how a counterexample is drawn as text (report/timeline.ts). */
const TRACE_FLAGS: Record<string, FlagKind> = { verbose: 'switch', cite: 'switch' };
/** check and check-all: machine-readable outputs (src/report/outputs.ts), each checked before the first run. */
const TOOL_FLAGS: Record<string, FlagKind> = { junit: 'string', events: 'string', itf: 'string' };

/** The text drawing options: --verbose, --cite, and colour only on a terminal without NO_COLOR (no-color.org: any non-empty value). */
function textOptions(flags: Record<string, string>, io: Io): TextOptions {
  const color = io.stdout.isTTY === true && !process.env.NO_COLOR && flags.format !== 'json';
  return { verbose: flags.verbose === 'true', cite: flags.cite === 'true', color, stats: flags.stats === 'true' };
}

/** Each command's flags and their kinds; exported for the help (cli/help.ts) and its test. */
export const COMMANDS: Record<string, Record<string, FlagKind>> = {
  list: { format: 'format', steps: 'switch', coverage: 'switch' },
  check: { variant: 'string', scenario: 'string', property: 'string', ...MEMORY_FLAGS, ...BUDGET_FLAGS, ...LIVENESS_FLAG, ...ENGINE_FLAGS, ...TRACE_FLAGS, ...TOOL_FLAGS, stats: 'switch', format: 'format' },
  replay: { variant: 'string', scenario: 'string', property: 'string', ...MEMORY_FLAGS, path: 'string', loop: 'natural', engine: 'engine', seed: 'natural', walk: 'natural', depth: 'count', 'fc-path': 'string', ...TRACE_FLAGS, itf: 'string', format: 'format' },
  'check-all': { variant: 'string', variants: 'string', out: 'string', ...MEMORY_FLAGS, ...BUDGET_FLAGS, ...ENGINE_FLAGS, ...TOOL_FLAGS, 'dead-steps': 'switch' },
  ci: { config: 'string', out: 'string', shard: 'shard', strict: 'switch', jobs: 'count', events: 'string', itf: 'string', format: 'format' },
  merge: { out: 'string', format: 'format' },
  matrix: { variants: 'string', scenarios: 'string', out: 'string', ...MEMORY_FLAGS, ...MATRIX_FLAGS, format: 'format-md' },
  diff: { scenarios: 'string', ...MEMORY_FLAGS, ...MATRIX_FLAGS, format: 'format' },
  bugs: { check: 'switch', format: 'format' },
  help: {},
};

/** Commands that take operands besides flags: merge (files), diff (two variants), bugs (entry ids). */
const OPERANDS = new Set(['merge', 'diff', 'bugs']);

interface Parsed {
  readonly command: string;
  readonly flags: Record<string, string>;
  /** Operands, for the commands that take them (merge). */
  readonly operands: string[];
}

/** Hand-written on purpose: no dependency, and every mistake gets a one-line UsageError. */
export function parseArgs(argv: readonly string[]): Parsed | 'help' | 'version' | { readonly help: string } {
  if (argv.length === 0) throw new UsageError('missing command (try nlring --help)');
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || (command === 'help' && rest.length === 0)) return 'help';
  if (command === 'help') {
    // `nlring help COMMAND`: that command's help, as `nlring COMMAND --help` prints it.
    if (rest[0] === '--help' || rest[0] === '-h') return { help: 'help' };
    if (rest.length > 1) throw new UsageError(`help takes one command, got ${rest.length}: ${rest.join(' ')}`);
    if (!Object.hasOwn(COMMANDS, rest[0])) throw new UsageError(`unknown command '${rest[0]}'${didYouMean(rest[0], Object.keys(COMMANDS)) || ' (try nlring --help)'}`);
    return { help: rest[0] };
  }
  if (command === '--version') return 'version';
  // Own keys only: `nlring constructor` is not a command.
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) throw new UsageError(`unknown command '${command}'${didYouMean(command, Object.keys(COMMANDS)) || ' (try nlring --help)'}`);

  const flags: Record<string, string> = {};
  const operands: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { help: command };
    if (arg === '--version') return 'version';
    if (!arg.startsWith('--')) {
      if (OPERANDS.has(command) && !arg.startsWith('-')) {
        operands.push(arg);
        continue;
      }
      throw new UsageError(`unexpected argument '${arg}' for ${command}`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown flag --${name} for ${command}${didYouMean(name, Object.keys(spec)).replace(/mean /, 'mean --')}`);
    let value: string;
    if (kind === 'switch') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      // A following flag is not a value: `--path --format json` is a missing value.
      if (i + 1 >= rest.length || rest[i + 1].startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = rest[++i];
    }
    if (name in flags) throw new UsageError(`--${name} given twice`);
    if (kind === 'count' && !/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
    if (kind === 'count' && !Number.isSafeInteger(Number(value))) throw new UsageError(`--${name} is too large: ${value}`);
    if (kind === 'natural' && !/^(0|[1-9][0-9]*)$/.test(value)) throw new UsageError(`--${name} must be an integer >= 0, got '${value}'`);
    if (kind === 'natural' && !Number.isSafeInteger(Number(value))) throw new UsageError(`--${name} is too large: ${value}`);
    if (kind === 'format' && value !== 'text' && value !== 'json') throw new UsageError(`--${name} must be text or json, got '${value}'`);
    if (kind === 'format-md' && !['text', 'json', 'md'].includes(value)) throw new UsageError(`--${name} must be text, json or md, got '${value}'`);
    if (kind === 'engine' && !(ENGINES as readonly string[]).includes(value)) throw new UsageError(`--${name} must be ${ENGINES.join(', ')}, got '${value}'`);
    if (kind === 'shard') {
      const m = /^(0|[1-9][0-9]*)\/([1-9][0-9]*)$/.exec(value);
      if (!m || !Number.isSafeInteger(Number(m[2])) || Number(m[1]) >= Number(m[2])) {
        throw new UsageError(`--${name} must be i/n with 0 <= i < n, e.g. 0/4, got '${value}'`);
      }
    }
    flags[name] = value;
  }
  return { command, flags, operands };
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
    if ('help' in parsed) {
      io.stdout.write(commandHelp(USAGE, COMMANDS, parsed.help));
      return EXIT.pass;
    }
    const { command, flags, operands } = parsed;
    const json = flags.format === 'json';
    if (command === 'merge') return await mergeCommand(operands, flags, io, options);
    if (command === 'bugs') return await bugsCommand(operands, flags, io, options);

    const catalog = await (options.catalog ?? defaultCatalog)();
    const need = (name: string) => {
      if (flags[name] === undefined) throw new UsageError(`${command} needs --${name}`);
      return flags[name];
    };
    const variant = flags.variant ?? catalog.DEFAULT_VARIANT;
    // --memory and --user-order name the scenarios under that memory model (`rx-basic+weak`), so that
    // reports, reproduce lines and worker threads carry it with the name.
    const under = (name: string) => scenarioUnder(name, flags.memory, flags['user-order']);
    if (flags.scenario !== undefined) flags.scenario = under(flags.scenario);

    switch (command) {
      case 'ci':
        return await ciCommand(flags, io, options, catalog);
      case 'list':
        if (flags.steps === 'true' && flags.coverage === 'true') throw new UsageError('list takes --steps or --coverage, not both');
        if (flags.coverage === 'true') {
          if (catalog.coverage === undefined) throw new UsageError('this catalogue has no scenario features to list');
          const { features, table } = catalog.coverage();
          io.stdout.write(json ? formatCoverageJson(features, table) : formatCoverageText(features, table));
          // A pair no scenario combines is a hazard nobody looks for: fail, as a gate should.
          return table.missing.length === 0 ? EXIT.pass : EXIT.fail;
        }
        if (flags.steps === 'true') {
          const steps = catalog.listSteps?.() ?? [];
          io.stdout.write(json ? JSON.stringify({ steps }, null, 2) + '\n' : stepsText(steps));
          return EXIT.pass;
        }
        io.stdout.write(json ? JSON.stringify(listing(catalog), null, 2) + '\n' : listingText(catalog));
        return EXIT.pass;
      case 'check': {
        const engine = engineOf(flags);
        if (flags.liveness === 'true') return await livenessCheck(await targetFor(catalog, variant, need('scenario')), flags, io, options, { variant, scenario: need('scenario') });
        const { target, properties } = restrict(await targetFor(catalog, variant, need('scenario'), flags), flags.property, catalog);
        const outputs = openOutputs({ junit: flags.junit, events: flags.events, itf: flags.itf }, 'check', version());
        outputs.runStarted(target, runSettings(engine, target, flags, budgets(flags), properties), 1, 1);
        // The real catalogue's bfs and simulate run in a worker thread, so that SIGINT is heard (cli/interrupt.ts).
        const sigint = engine !== 'pbt' && options.catalog === undefined && workerAvailable() ? listenForSigint(io) : undefined;
        const simulateWorker = sigint && engine === 'simulate' ? new EngineWorker(sigint) : undefined;
        let result: CheckResult;
        try {
          result = sigint && engine === 'bfs'
            ? (await workerBfs([{ variant, scenario: need('scenario'), label: target.scenario }], flags, options, properties, sigint, io, outputs, () => {}))[0]!
            : await runEngine(engine, target, flags, io, target.scenario, options, properties, outputs, simulateWorker && { worker: simulateWorker, variant, scenario: need('scenario') });
        } finally {
          sigint?.dispose();
          simulateWorker?.close();
        }
        if (!(sigint && engine === 'bfs')) outputs.runFinished(result);
        outputs.finish([result]);
        io.stdout.write(json ? formatJson(result) : formatText(result, textOptions(flags, io)));
        return exitCodeOf([result]);
      }
      case 'replay': {
        if (flags.itf !== undefined) checkFileDestination(flags.itf, '--itf');
        const { result, origin, properties } = await replayCommand(catalog, variant, flags, need);
        if (flags.itf !== undefined) writeFileAtomic(flags.itf, formatItf(itfOfReplay(result, version(), properties)));
        io.stdout.write(json ? formatReplayJson(result, origin, properties) : formatReplayText(result, origin, properties, textOptions(flags, io)));
        return result.violation ? EXIT.fail : EXIT.pass;
      }
      case 'check-all': {
        const engine = engineOf(flags);
        if (flags.variant !== undefined && flags.variants !== undefined) throw new UsageError('check-all takes --variant V or --variants A,B, not both');
        const variants = flags.variants === undefined ? [variant] : names(flags.variants, '--variants');
        const scenarios = catalog.listScenarios().map((s) => ({ ...s, id: under(s.id) }));
        // --dead-steps: a violation must not end a run before the steps behind it had their chance to fire.
        if (flags['dead-steps'] === 'true') flags['all-violations'] = 'true';
        // Every target first, so a bad --variant is refused before any exploration starts.
        const targets: CheckTarget<any, any>[] = [];
        for (const v of variants) for (const s of scenarios) targets.push(await targetFor(catalog, v, s.id, flags));
        const results: CheckResult[] = [];
        const outputs = openOutputs({ junit: flags.junit, events: flags.events, itf: flags.itf }, 'check-all', version());
        const label = (i: number) => `[${i + 1}/${targets.length}] ${variants.length > 1 ? `${targets[i].variant} ${targets[i].scenario}` : targets[i].scenario}`;
        const started = (i: number) => outputs.runStarted(targets[i], runSettings(engine, targets[i], flags, budgets(flags)), i + 1, targets.length);
        // SIGINT: the runs so far are reported, the rest INCOMPLETE (cli/interrupt.ts); the real catalogue's bfs runs in a worker thread.
        const sigint = listenForSigint(io);
        try {
          // As the command line names them: a worker loads each target itself.
          const named = variants.flatMap((v) => scenarios.map((s) => ({ variant: v, scenario: s.id })));
          const worker = options.catalog === undefined && workerAvailable();
          if (engine === 'bfs' && worker) {
            const runs = named.map((r, i) => ({ ...r, label: label(i) }));
            for (const r of await workerBfs(runs, flags, options, undefined, sigint, io, outputs, started)) if (r) results.push(r);
          } else {
            const simulateWorker = engine === 'simulate' && worker ? new EngineWorker(sigint) : undefined;
            try {
              for (const [i, target] of targets.entries()) {
                if (await sigint.heard()) break;
                started(i);
                results.push(await runEngine(engine, target, flags, io, label(i), options, undefined, outputs, simulateWorker && { worker: simulateWorker, ...named[i] }));
                outputs.runFinished(results[i]);
              }
            } finally {
              simulateWorker?.close();
            }
          }
        } finally {
          sigint.dispose();
        }
        // Runs SIGINT stopped before they started, each with a finish event (as nlring ci writes them).
        for (const target of targets.slice(results.length)) {
          results.push(notStartedResult(target, engine, count(flags, 'seed') ?? 0));
          outputs.runFinished(results[results.length - 1]);
        }
        outputs.finish(results);
        const summary = formatSummary(results);
        if (flags.out !== undefined) {
          await writeReports(flags.out, {
            'summary.json': formatSummaryJson(results),
            'summary.txt': summary,
            'junit.xml': formatJunit(results),
            'index.html': formatHtml({ version: version(), results, settings: htmlSettings(engine, flags), scenarioDescriptions: scenarioDescriptionsOf(scenarios), ...interruptNotices(results) }),
          });
        }
        io.stdout.write(summary);
        if (flags['dead-steps'] === 'true') {
          // Steps of runs that SIGINT cut short never had their chance: no list rather than a wrong one.
          io.stdout.write('\n' + (results.some(wasInterrupted) ? 'dead steps: not computed, SIGINT stopped runs before every step had its chance\n' : formatDeadSteps(deadSteps(results))));
        }
        return exitCodeOf(results);
      }
      case 'matrix': {
        const variants = flags.variants === undefined ? catalog.listVariants().map((v) => v.id) : names(flags.variants, '--variants');
        const m = await matrixOf(catalog, variants, scenarioNames(catalog, flags.scenarios).map(under), flags, io, options);
        if (flags.out !== undefined) await writeReports(flags.out, { 'matrix.json': formatMatrixJson(m), 'matrix.md': formatMatrixMarkdown(m) });
        io.stdout.write(flags.format === 'md' ? formatMatrixMarkdown(m) : json ? formatMatrixJson(m) : formatMatrixText(m));
        return exitCodeFor(matrixVerdict(m));
      }
      case 'diff': {
        if (operands.length !== 2) throw new UsageError(`diff needs two variants, e.g. nlring diff linux-3.10 linux-4.5 (got ${operands.length})`);
        const same = operands[0] === operands[1];
        const m = await matrixOf(catalog, same ? [operands[0]] : operands, scenarioNames(catalog, flags.scenarios).map(under), flags, io, options);
        // The variants by the ids their targets carry (a file names its variant's id).
        const [a, b] = same ? [m.variants[0], m.variants[0]] : m.variants;
        const diffs = differences(m, a, b);
        const changed = lengthChanges(m, a, b);
        io.stdout.write(json ? formatDiffJson(m, a, b, diffs, changed) : formatDiffText(m, a, b, diffs, changed));
        if (diffs.length > 0) return EXIT.fail;
        return m.cells.some((c) => c.verdict === 'incomplete') ? EXIT.incomplete : EXIT.pass;
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

/** The target for a variant and a scenario as given on the command line: catalogue ids, or files when the catalogue can load them. */
async function targetFor(catalog: Catalog, variant: string, scenario: string, flags: Record<string, string> = {}): Promise<CheckTarget<any, any>> {
  const target = await (catalog.loadTarget ? catalog.loadTarget(variant, scenario) : Promise.resolve(catalog.buildTarget(variant, scenario)));
  // The producers' relabellings do not rewrite store buffers and early loads (model/symmetry.ts).
  const memory = (target.spec as { memory?: { model: string } }).memory;
  if (flags.symmetry === 'true' && memory) throw new UsageError(`--symmetry does not combine with --memory ${memory.model} (${target.scenario}): the symmetry reduction is for sequentially consistent states only`);
  return target;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The engine of check and check-all (bfs unless --engine says otherwise), with its flags validated. */
function engineOf(flags: Record<string, string>): Engine {
  const engine = (flags.engine ?? 'bfs') as Engine;
  checkEngineFlags(engine, flags);
  bitstateBits(flags); // refused before any run starts
  workersOf(flags);
  return engine;
}

/**
 * `--workers N`: threads of the parallel bfs (check/parallel-bfs.ts); 1 (plain bfs) unless
 * given. What the parallel search does not support is refused rather than ignored.
 */
function workersOf(flags: Record<string, string>): number {
  const n = count(flags, 'workers') ?? 1;
  if (n > 1) {
    for (const name of ['symmetry', 'disk-queue', 'bitstate', 'por', 'liveness']) {
      if (flags[name] !== undefined) throw new UsageError(`--workers ${n} does not combine with --${name} (the parallel bfs does not support it)`);
    }
  }
  return n;
}

/**
 * `--por`: partial-order reduction (bfs.ts, model/footprints.ts). Not with --symmetry:
 * ample sets are chosen for the actual state while the proviso would judge orbits, and
 * that pairing has not been shown sound here, so it is refused rather than guessed.
 */
function porOf(flags: Record<string, string>): boolean {
  if (flags.por === undefined) return false;
  if (flags.symmetry !== undefined) throw new UsageError('--por does not combine with --symmetry (not shown sound together here; use one or the other)');
  return true;
}

/**
 * `--bitstate BITS`: the bit array's size as a power of two, from 16 to 36 (SPIN's -w
 * range that makes sense here: 8 KiB to 8 GiB), and no larger than the memory ceiling.
 */
function bitstateBits(flags: Record<string, string>): number | undefined {
  if (flags.bitstate === undefined) return undefined;
  const bits = Number(flags.bitstate);
  if (bits < BITSTATE_MIN_BITS || bits > BITSTATE_MAX_BITS) {
    throw new UsageError(`--bitstate must be from ${BITSTATE_MIN_BITS} to ${BITSTATE_MAX_BITS} (a bit array of 2^BITS bits, 8 KiB to 8 GiB), got ${flags.bitstate}`);
  }
  const ceiling = budgets(flags).maxMemoryMiB!;
  const mib = 2 ** bits / 8 / 2 ** 20;
  if (mib >= ceiling) throw new UsageError(`--bitstate ${bits} needs a ${mib} MiB bit array, not below the memory ceiling of ${ceiling} MiB (--max-memory)`);
  return bits;
}

const count = (flags: Record<string, string>, name: string): number | undefined => (flags[name] === undefined ? undefined : Number(flags[name]));

/**
 * `--property A,B`: the target with only those invariants, in the scenario's order
 * (so the flag's order does not change which violation comes first), and their ids.
 * Each id must be an invariant the scenario checks; anything else is a UsageError.
 */
function restrict(target: CheckTarget<any, any>, value: string | undefined, catalog: Catalog): { target: CheckTarget<any, any>; properties?: string[] } {
  if (value === undefined) return { target };
  const checked: string[] = target.invariants.map((p) => p.id);
  const where = `scenario ${target.scenario}`;
  const ids = value.split(',');
  if (ids.includes('')) throw new UsageError(`--property takes invariant ids separated by commas (e.g. --property A,B), got '${value}'`);
  for (const id of ids) {
    if (checked.includes(id)) continue;
    if (target.witnesses.some((w) => w.id === id)) throw new UsageError(`'${id}' is a witness of ${where}, not an invariant: --property selects invariants (witnesses are always checked)`);
    const known = catalog.listProperties().find((p) => p.id === id);
    if (known?.kind === 'always') throw new UsageError(`property '${id}' is not checked in ${where} (the scenario excludes it)`);
    // A typo of an id the scenario checks first, else of any property the catalogue knows.
    const near = didYouMean(id, checked) || didYouMean(id, catalog.listProperties().map((p) => p.id));
    throw new UsageError(near ? `unknown property '${id}'${near}` : `unknown property '${id}' (${where} checks: ${checked.join(', ')})`);
  }
  const invariants = target.invariants.filter((p) => ids.includes(p.id));
  return { target: { ...target, invariants }, properties: invariants.map((p) => p.id) };
}

/**
 * The one place where matrix and diff turn a variant and a scenario given on the
 * command line into a target: as check does (catalogue ids or files); the
 * target's variant is the column's name.
 */
function matrixTarget(catalog: Catalog, variant: string, scenario: string, flags: Record<string, string>): Promise<CheckTarget<any, any>> {
  return targetFor(catalog, variant, scenario, flags);
}

/** `a,b,c` of --variants or --scenarios: non-empty names, each at most once. */
function names(value: string, flag: string): string[] {
  const list = value.split(',');
  if (list.includes('')) throw new UsageError(`${flag} takes names separated by commas (e.g. ${flag} a,b), got '${value}'`);
  const twice = list.find((x, i) => list.indexOf(x) !== i);
  if (twice !== undefined) throw new UsageError(`${flag} names '${twice}' twice`);
  return list;
}

/** --scenarios of matrix and diff (default: every scenario), each checked against the catalogue. */
function scenarioNames(catalog: Catalog, value: string | undefined): string[] {
  const known = catalog.listScenarios().map((s) => s.id);
  if (value === undefined) return known;
  const list = names(value, '--scenarios');
  // A path (a scenario file) is left to the loader, and so is S@STYLE (another consumer's loop), which it checks.
  for (const s of list) {
    if (!known.includes(s) && !s.includes('@') && !s.includes('+') && !/[/\\]|\.(m?[jt]s|json)$/.test(s)) throw new UsageError(`unknown scenario '${s}'${didYouMean(s, known) || ` (known: ${known.join(', ')})`}`);
  }
  return list;
}

/** The matrix of matrix and diff: bfs --all-violations on every pair, budgets from the flags (none by default), progress on stderr. */
async function matrixOf(catalog: Catalog, variants: string[], scenarios: string[], flags: Record<string, string>, io: Io, options: RunOptions): Promise<Matrix> {
  // Every target first, so a bad name is refused before any exploration starts.
  const targets = new Map<string, CheckTarget<any, any>>();
  for (const v of variants) for (const s of scenarios) targets.set(`${v}\0${s}`, await matrixTarget(catalog, v, s, flags));
  const opts: MatrixOptions = {
    maxStates: count(flags, 'max-states'),
    maxDepth: count(flags, 'max-depth'),
    timeBudgetSeconds: count(flags, 'time-budget'),
    maxMemoryMiB: count(flags, 'max-memory'),
    // As for check: a run that outgrows memory stops as INCOMPLETE instead of crashing the process.
    defaultMaxMemoryMiB: defaultMemoryCeilingMiB(),
    symmetry: flags.symmetry === 'true',
    diskQueue: flags['disk-queue'] === 'true' ? true : undefined,
    progressIntervalMs: options.progressIntervalMs,
    progress: (label) => {
      const printer = progressPrinter(io, label);
      return { show: (p) => printer.show(bfsProgressLine(p)), done: printer.done };
    },
  };
  const source = { listProperties: () => catalog.listProperties(), buildTarget: (v: string, s: string) => targets.get(`${v}\0${s}`)! };
  // Workers load targets from src/catalog.ts themselves, so a catalogue given to run() (tests) runs in this thread.
  const jobs = count(flags, 'jobs') ?? 1;
  if (jobs > 1 && options.catalog === undefined) return computeMatrixInWorkers(source, variants, scenarios, opts, jobs);
  return computeMatrix(source, variants, scenarios, opts);
}

/** bfs runs of check and check-all in a worker thread (cli/interrupt.ts), with the options runEngine gives bfs. */
function workerBfs(
  runs: readonly WorkerRun[],
  flags: Record<string, string>,
  options: RunOptions,
  properties: readonly string[] | undefined,
  sigint: Sigint,
  io: Io,
  outputs: RunOutputs,
  started: (i: number) => void,
): Promise<(CheckResult | undefined)[]> {
  const bfsOptions = {
    ...budgets(flags),
    allViolations: flags['all-violations'] === 'true',
    symmetry: flags.symmetry === 'true',
    diskQueue: flags['disk-queue'] === 'true' ? true : undefined,
    por: porOf(flags),
    ...(flags.bitstate !== undefined ? { bitstate: bitstateBits(flags) } : {}),
    ...(properties ? { properties: [...properties] } : {}),
    progressIntervalMs: options.progressIntervalMs,
    workers: workersOf(flags),
  };
  return bfsInWorker(runs, bfsOptions, sigint, io, outputs, started);
}

/** Run one engine on one target, with progress lines on stderr; `properties`: the --property restriction, for reproduce lines. */
async function runEngine(
  engine: Engine,
  target: CheckTarget<any, any>,
  flags: Record<string, string>,
  io: Io,
  label: string,
  options: RunOptions,
  properties?: readonly string[],
  outputs?: RunOutputs,
  inWorker?: { readonly worker: EngineWorker; readonly variant: string; readonly scenario: string },
): Promise<CheckResult> {
  const progress = progressPrinter(io, label);
  const progressIntervalMs = options.progressIntervalMs;
  try {
    switch (engine) {
      case 'bfs': {
        const workers = workersOf(flags);
        if (workers > 1) {
          // Each worker thread loads the target by name from the real catalogue, which a catalogue given to run() is not.
          if (options.catalog !== undefined) throw new UsageError('--workers needs the built-in catalogue (its worker threads load targets by name)');
          return await parallelBfs(target, {
            ...budgets(flags),
            workers,
            allViolations: flags['all-violations'] === 'true',
            properties,
            onProgress: (p) => {
              progress.show(bfsProgressLine(p));
              outputs?.bfsProgress(p);
            },
            progressIntervalMs,
          });
        }
        return bfs(target, {
          ...budgets(flags),
          allViolations: flags['all-violations'] === 'true',
          symmetry: flags.symmetry === 'true',
          diskQueue: flags['disk-queue'] === 'true' ? true : undefined,
          por: porOf(flags),
          bitstate: bitstateBits(flags),
          properties,
          onProgress: (p) => {
            progress.show(bfsProgressLine(p));
            outputs?.bfsProgress(p);
          },
          progressIntervalMs,
        });
      }
      case 'simulate': {
        const simulateOptions = {
          seed: count(flags, 'seed') ?? 0,
          walks: count(flags, 'walks') ?? DEFAULT_WALKS,
          depth: count(flags, 'depth') ?? DEFAULT_DEPTH,
          ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
          timeBudgetSeconds: count(flags, 'time-budget'),
          properties,
          progressIntervalMs,
        };
        const onProgress = (p: SimulateProgress) => {
          progress.show(simulateProgressLine(p));
          outputs?.simulateProgress(p);
        };
        // In a worker thread (cli/interrupt.ts), SIGINT stops the run between walks.
        if (inWorker) return await inWorker.worker.simulate({ variant: inWorker.variant, scenario: inWorker.scenario, options: simulateOptions }, onProgress);
        return simulate(target, { ...simulateOptions, onProgress });
      }
      case 'pbt': {
        const { pbt } = await loadPbt();
        return pbt(target, { seed: count(flags, 'seed') ?? 0, numRuns: count(flags, 'runs'), maxSteps: count(flags, 'depth'), properties });
      }
    }
  } finally {
    progress.done();
  }
}

/**
 * The pbt engine is loaded only when asked for: fast-check is not needed otherwise.
 * A failure to load it is an internal error that says so.
 */
async function loadPbt(): Promise<typeof import('../check/pbt.js')> {
  try {
    return await import('../check/pbt.js');
  } catch (e) {
    throw new Error(`the pbt engine (src/check/pbt.ts) could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The three kinds of replay: a path, a simulation walk (--seed --walk), a pbt counterexample (--engine pbt --seed --fc-path),
 * each judging only the invariants of --property when it is given.
 */
async function replayCommand(
  catalog: Catalog,
  variant: string,
  flags: Record<string, string>,
  need: (name: string) => string,
): Promise<{ result: ReplayResult; origin?: ReplayOrigin; properties?: string[] }> {
  const engine = flags.engine as Engine | undefined;
  const kind = flags['fc-path'] !== undefined || engine === 'pbt' ? 'pbt' : flags.walk !== undefined || engine === 'simulate' ? 'simulate' : 'bfs';
  const refuse = (names: string[], what: string) => {
    for (const name of names) if (flags[name] !== undefined) throw new UsageError(`--${name} does not apply to ${what}`);
  };
  if (flags.path !== undefined && kind !== 'bfs') throw new UsageError(`--path does not go with ${kind === 'pbt' ? '--engine pbt / --fc-path' : '--walk'}: a path replays on its own`);
  switch (kind) {
    case 'bfs': {
      if (flags.path === undefined) {
        throw new UsageError('replay needs --path (or --seed and --walk for a simulation walk, or --engine pbt, --seed and --fc-path)');
      }
      refuse(['seed', 'depth'], 'a --path replay');
      const { target, properties } = restrict(await targetFor(catalog, variant, need('scenario')), flags.property, catalog);
      return { result: replay(target, flags.path, flags.loop === undefined ? {} : { loopFrom: Number(flags.loop) }), properties };
    }
    case 'simulate': {
      refuse(['loop'], 'a --walk replay');
      if (engine !== undefined && engine !== 'simulate') throw new UsageError(`--walk does not apply to --engine ${engine}`);
      const seed = Number(need('seed'));
      const walk = Number(need('walk'));
      const depth = count(flags, 'depth') ?? DEFAULT_DEPTH;
      const { target, properties } = restrict(await targetFor(catalog, variant, need('scenario')), flags.property, catalog);
      return { result: replayWalk(target, { seed, walk, depth }), origin: { seed, walk, depth }, properties };
    }
    case 'pbt': {
      if (engine !== 'pbt') throw new UsageError('--fc-path needs --engine pbt');
      refuse(['walk', 'loop'], '--engine pbt');
      const seed = Number(need('seed'));
      const fcPath = need('fc-path');
      const maxSteps = count(flags, 'depth');
      const { target, properties } = restrict(await targetFor(catalog, variant, need('scenario')), flags.property, catalog);
      const { replayPbt } = await loadPbt();
      return {
        result: replayPbt(target, { seed, fcPath, maxSteps }),
        origin: { seed, fcPath, ...(maxSteps !== undefined ? { depth: maxSteps } : {}) },
        properties,
      };
    }
  }
}

/**
 * `check --liveness`: the liveness engine on one target with the bfs budgets. What it
 * does not combine with (--property, --all-violations, --symmetry) is refused.
 */
async function livenessCheck(
  target: CheckTarget<any, any>,
  flags: Record<string, string>,
  io: Io,
  options: RunOptions,
  named: { readonly variant: string; readonly scenario: string },
): Promise<number> {
  for (const name of ['property', 'all-violations', 'symmetry', 'disk-queue', 'bitstate', 'por', 'junit', 'events', 'itf', 'stats']) {
    if (flags[name] !== undefined) throw new UsageError(`--${name} does not apply to --liveness (it judges progress, not invariants, over real states)`);
  }
  const progress = progressPrinter(io, target.scenario);
  // The real catalogue's search runs in a worker thread, so that SIGINT is heard (cli/interrupt.ts).
  const sigint = options.catalog === undefined && workerAvailable() ? listenForSigint(io) : undefined;
  const worker = sigint && new EngineWorker(sigint);
  try {
    const livenessOptions = { ...budgets(flags), progressIntervalMs: options.progressIntervalMs };
    const onProgress = (p: { distinct: number; transitions: number; depth: number; seconds: number }) =>
      progress.show(`${p.distinct} states, ${p.transitions} transitions, depth ${p.depth}, ${p.seconds.toFixed(0)}s`);
    const result = worker ? await worker.liveness({ ...named, options: livenessOptions }, onProgress) : liveness(target, { ...livenessOptions, onProgress });
    progress.done();
    io.stdout.write(flags.format === 'json' ? formatLivenessJson(result) : formatLivenessText(result, textOptions(flags, io)));
    return result.stats.stoppedBy === 'interrupted' ? EXIT.incomplete : exitCodeFor(result.verdict);
  } finally {
    progress.done();
    sigint?.dispose();
    worker?.close();
  }
}

/** `nlring bugs [--check] [ID...]`: the bug catalogue (src/bugs.ts), and with --check its reproduction by the checker. */
async function bugsCommand(ids: readonly string[], flags: Record<string, string>, io: Io, options: RunOptions): Promise<number> {
  const { bugs, unknown } = selectBugs(ids);
  const catalogued = selectBugs([]).bugs.map((b) => b.id);
  if (unknown.length > 0) throw new UsageError(`unknown bug '${unknown[0]}'${didYouMean(unknown[0], catalogued) || ` (known: ${catalogued.join(', ')})`}`);
  const json = flags.format === 'json';
  // src/catalog.ts also exports findVariant, which a cost entry (D2) needs for its numbers.
  const catalog: Catalog & BugSource = await (options.catalog ?? defaultCatalog)();
  if (flags.check !== 'true') {
    const costs = bugs.flatMap((b) => {
      const report = costOf(b, catalog);
      return report ? [{ id: b.id, report }] : [];
    });
    io.stdout.write(json ? JSON.stringify(bugListToJson(bugs, costs), null, 2) + '\n' : formatBugList(bugs, costs));
    return EXIT.pass;
  }
  const outcomes = bugs.map((b, i) => {
    const printer = progressPrinter(io, `[${i + 1}/${bugs.length}] ${b.id}`);
    // One line per entry on a log: the runs are a few seconds each.
    if (b.status === 'runnable') printer.show('checking');
    try {
      return checkBug(b, catalog);
    } finally {
      printer.done();
    }
  });
  io.stdout.write(json ? JSON.stringify(bugCheckToJson(outcomes), null, 2) + '\n' : formatBugCheck(bugs, outcomes));
  return bugsPass(outcomes) ? EXIT.pass : EXIT.fail;
}

/** `nlring merge FILE...`: the catalogue is used only for the violated property's doc, so merge works without the model. */
async function mergeCommand(files: readonly string[], flags: Record<string, string>, io: Io, options: RunOptions): Promise<number> {
  const json = flags.format === 'json';
  if (files.length === 0) throw new UsageError('merge needs at least one FILE (JSON reports of simulate shards, or ci.json files of nlring ci shards)');
  const texts = files.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  const ci = texts.filter((t) => isCiDocument(t.text));
  if (ci.length > 0) {
    if (ci.length !== texts.length) throw new UsageError(`${texts.find((t) => !isCiDocument(t.text))!.file} is not a ci.json: merge takes ci.json files or simulate reports, not both`);
    return await mergeCi(ci, flags.out, io, json, await (options.catalog ?? defaultCatalog)());
  }
  if (flags.out !== undefined) throw new UsageError('--out applies to merging ci.json files only');
  const reports = texts.map(({ file, text }) => parseReport(file, text));
  let docs = new Map<string, string>();
  try {
    const catalog = await (options.catalog ?? defaultCatalog)();
    docs = new Map(catalog.listProperties().map((p) => [p.id, p.doc]));
  } catch {
    // Without the model the merged violation just has no doc line.
  }
  const result = mergeReports(reports, (id) => docs.get(id));
  io.stdout.write(json ? formatJson(result) : formatText(result));
  return exitCodeFor(result.verdict);
}

function listing(c: Catalog) {
  return {
    variants: c.listVariants(),
    scenarios: c.listScenarios().map((s) => ({ id: s.id, description: s.description })),
    properties: c.listProperties().map((p) => ({ id: p.id, family: p.family, kind: p.kind, description: p.doc })),
  };
}

/** `nlring list`'s lines on the memory models (src/model/mem.ts). */
const MEMORY_MODEL_DOCS: readonly [string, string][] = [
  ['sc', 'sequential consistency (the default): every store visible at once'],
  ['tso', 'x86: a FIFO store buffer per thread'],
  ['weak', 'arm64, POWER: stores visible in any order a barrier allows; loads satisfied early where no barrier follows a status load'],
  ['-plain', 'after tso or weak: userspace without acquire and release, as the sample code is written (--user-order plain)'],
];

function listingText(c: Catalog): string {
  const l = listing(c);
  const w = Math.max(0, ...[...l.variants, ...l.scenarios, ...l.properties].map((x) => x.id.length));
  const out = ['variants (* = default):'];
  for (const v of l.variants) {
    out.push(`${v.id === c.DEFAULT_VARIANT ? '*' : ' '} ${v.id.padEnd(w)}  ${v.description}`);
    const pad = ' '.repeat(w + 4);
    if (v.base !== undefined) out.push(`${pad}based on ${v.base}`);
    if (v.knobs) out.push(`${pad}knobs: ${Object.entries(v.knobs).map(([k, x]) => `${k}=${x}`).join(' ')}`);
    for (const o of v.overrides ?? []) out.push(`${pad}overrides ${o.label}: ${o.cites}`);
    for (const o of v.steps ?? []) out.push(`${pad}adds ${o.label}: ${o.cites}`);
  }
  out.push('scenarios (each also as S+tso, S+weak, S+weak-plain: see memory models):');
  for (const s of l.scenarios) out.push(`  ${s.id.padEnd(w)}  ${s.description}`);
  out.push('memory models (--memory, or the scenario suffix):');
  for (const [m, what] of MEMORY_MODEL_DOCS) out.push(`  ${m.padEnd(w)}  ${what}`);
  out.push('properties:');
  for (const p of l.properties) out.push(`  ${p.id.padEnd(w)}  ${p.kind.padEnd(9)}  ${p.family}: ${p.description}`);
  return out.join('\n') + '\n';
}

/** `list --steps`: every label an override can name, with what it models. */
function stepsText(steps: readonly { label: string; kind: 'step' | 'continuation'; who?: string; cites?: string }[]): string {
  const w = Math.max(0, ...steps.map((x) => x.label.length));
  const out = ['steps (override guard, choices, text or run; who: kernel or user code):'];
  for (const x of steps) if (x.kind === 'step') out.push(`  ${x.label.padEnd(w)}  ${(x.who ?? '').padEnd(6)}  ${x.cites ?? ''}`);
  out.push('continuations (bookkeeping run as the tail of the step that reaches them; override run only):');
  for (const x of steps) if (x.kind === 'continuation') out.push(`  ${x.label}`);
  return out.join('\n') + '\n';
}

/** How check-all's runs were made, for the HTML report's header: the engine, then the flags that shape the runs, by name. */
function htmlSettings(engine: Engine, flags: Record<string, string>): [string, string][] {
  // Budgets and engine flags only: output paths (--out, --junit, ...) say nothing about the runs and would make the page depend on where it is written.
  const shaping = Object.keys(flags).filter((k) => k !== 'engine' && (k in BUDGET_FLAGS || k in ENGINE_FLAGS)).sort();
  return [['engine', engine], ...shaping.map((k): [string, string] => [`--${k}`, flags[k] === 'true' ? 'on' : flags[k]])];
}

