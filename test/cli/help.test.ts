/**
 * Help for one command (src/cli/help.ts), cut out of the whole usage text: every
 * flag a command accepts (its table in run.ts) is in its help, so a flag added
 * later without its USAGE entry fails here; nothing of another command's sections
 * leaks in; `nlring <command> --help` and `nlring help <command>` print it, and
 * `nlring --help` the whole text.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, USAGE } from '../../src/cli/run.js';
import { commandHelp, undocumentedFlags } from '../../src/cli/help.js';
import { runCli } from '../fixtures/cli.js';

const commands = Object.keys(COMMANDS);

describe('help of one command, cut out of USAGE', () => {
  it.each(commands)('%s: every flag it accepts is documented in its help', (c) => {
    expect(undocumentedFlags(USAGE, COMMANDS, c)).toEqual([]);
  });

  it.each(commands)('%s: its usage lines, none of another command', (c) => {
    const help = commandHelp(USAGE, COMMANDS, c);
    const forms = help.split('\n').filter((l) => /^ {2}nlring /.test(l));
    expect(forms.length).toBeGreaterThan(0);
    for (const f of forms) expect(f.startsWith(`  nlring ${c} `) || f === `  nlring ${c}`).toBe(true);
    // Every line of the help is a line of USAGE.
    const whole = new Set(USAGE.split('\n'));
    for (const line of help.split('\n')) expect(whole.has(line), line).toBe(true);
  });

  it('keeps a flag in the section of its command: ci gets its own --shard and --out, not simulate\'s or check-all\'s', () => {
    const ci = commandHelp(USAGE, COMMANDS, 'ci');
    expect(ci).not.toMatch(/^simulate:/m);
    expect(ci.match(/^ {2}--shard /gm)).toHaveLength(1);
    expect(ci).toMatch(/^ {2}--shard i\/n {7}run only the jobs/m);
    expect(ci.match(/^ {2}--out /gm)).toHaveLength(1);
    const check = commandHelp(USAGE, COMMANDS, 'check');
    expect(check).toMatch(/^simulate:\n {2}--seed N/m);
    expect(check).not.toMatch(/--dead-steps|^matrix and diff|^ci \(|^ {2}FILE\.\.\./m);
    expect(check).not.toMatch(/^ {2}replay --itf/m); // replay's own --itf entry
    expect(commandHelp(USAGE, COMMANDS, 'replay')).toMatch(/^ {2}replay --itf FILE/m);
    // An operand entry goes to the command it names: A B is diff's, not matrix's.
    expect(commandHelp(USAGE, COMMANDS, 'diff')).toMatch(/^ {2}A B {15}diff:/m);
    expect(commandHelp(USAGE, COMMANDS, 'matrix')).not.toMatch(/^ {2}A B/m);
  });

  it('finds a flag missing from USAGE', () => {
    const tables = { ...COMMANDS, check: { ...COMMANDS.check, 'no-such-flag': 'switch' } };
    expect(undocumentedFlags(USAGE, tables, 'check')).toEqual(['no-such-flag']);
    // Documented for another command only is still missing.
    const list = { ...COMMANDS, list: { ...COMMANDS.list, 'max-states': 'count' } };
    expect(undocumentedFlags(USAGE, list, 'list')).toEqual([]); // bfs budgets name no command: the entry goes to whoever takes the flag
    const merge = { ...COMMANDS, merge: { ...COMMANDS.merge, strict: 'switch' } };
    expect(undocumentedFlags(USAGE, merge, 'merge')).toEqual(['strict']); // ci's section is ci's
  });

  it('ends with the exit codes', () => {
    for (const c of commands) expect(commandHelp(USAGE, COMMANDS, c)).toMatch(/\nexit codes: [^]*\n$/);
  });
});

// The catalogue must not be needed for help.
const nlring = (argv: string[]) => runCli(argv, { catalog: () => Promise.reject(new Error('help loaded the model')) });

describe('nlring <command> --help, nlring help <command>', () => {
  it.each(commands)('%s --help, -h and help %s print its help alone', async (c) => {
    const want = { code: 0, stdout: commandHelp(USAGE, COMMANDS, c), stderr: '' };
    expect(await nlring([c, '--help'])).toEqual(want);
    expect(await nlring([c, '-h'])).toEqual(want);
    expect(await nlring(['help', c])).toEqual(want);
    expect(want.stdout.length).toBeLessThan(USAGE.length);
  });

  it('--help wins over the rest of the command line, as before', async () => {
    expect((await nlring(['check', '--scenario', 'nope', '--max-states', '5', '--help'])).stdout).toBe(commandHelp(USAGE, COMMANDS, 'check'));
  });

  it.each([[['--help']], [['-h']], [['help']]])('%j prints the whole text', async (argv) => {
    expect(await nlring(argv)).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it.each([
    [['help', 'chek'], "nlring: unknown command 'chek'; did you mean check?\n"],
    [['help', 'frobnicate'], "nlring: unknown command 'frobnicate' (try nlring --help)\n"],
    [['help', 'check', 'replay'], 'nlring: help takes one command, got 2: check replay\n'],
    [['constructor'], "nlring: unknown command 'constructor' (try nlring --help)\n"],
    [['help', 'constructor'], "nlring: unknown command 'constructor' (try nlring --help)\n"],
    [['check', '--constructor'], 'nlring: unknown flag --constructor for check\n'],
  ])('%j is a usage error', async (argv, stderr) => {
    expect(await nlring(argv)).toEqual({ code: 2, stdout: '', stderr });
  });
});
