/**
 * `nlring <command> --help` and `nlring help <command>`: the part of the whole usage
 * text (run.ts's USAGE) that concerns one command, cut out of it rather than written
 * twice, so a flag documented once in USAGE shows in the help of every command that
 * takes it, and a flag added later needs no second text.
 *
 * USAGE's shape, which this reads: a title line; `usage:` and one line per form
 * (`  nlring <command> ...`, continued by deeper-indented lines); then sections, each
 * a header (lines at column 0, e.g. `bfs budgets (...):`) and entries. An entry
 * starts at column 2 with its flags or operands (`--max-states N`, `FILE...`) and is
 * continued by lines indented further; lines before a section's first entry are its
 * introduction. Which command an entry is for:
 * - a header that names commands (`matrix and diff (...)`, `merge:`) scopes its
 *   section to them; a header that names none (`bfs budgets`, `simulate:`) does not;
 * - an entry that starts with a command (`replay --itf FILE`) or whose text starts
 *   with one and a colon (`--stats  check: ...`) is for that command only;
 * - a flag entry is for the commands whose flag table has all its flags; when a
 *   command's own section documents a flag, a section that names no command does
 *   not repeat it (`ci --shard` is ci's, not simulate's).
 * The closing paragraph (`exit codes: ...`) goes to every command.
 */

/** Column where an entry's text starts when its flags fit before it. */
const TEXT_COLUMN = 20;

interface Entry {
  readonly lines: string[];
  /** The flags the entry documents (without `--`). */
  readonly flags: string[];
  /** The command the entry says it is for (`replay --itf`, `check: ...`), if any. */
  readonly only?: string;
}

interface Section {
  readonly header: string[];
  readonly intro: string[];
  readonly entries: Entry[];
  /** The commands the header names; empty when it names none. */
  readonly scope: string[];
}

interface Parsed {
  readonly title: string;
  /** Usage forms: each its lines, and the command it is for. */
  readonly forms: { readonly command: string; readonly lines: string[] }[];
  readonly sections: Section[];
}

const words = (text: string) => text.split(/[^A-Za-z0-9-]+/).filter((w) => w !== '');

function parse(usage: string, commands: readonly string[]): Parsed {
  const lines = usage.replace(/\n$/, '').split('\n');
  const title = lines[0];
  const forms: { command: string; lines: string[] }[] = [];
  let i = 1;
  while (i < lines.length && lines[i] !== 'usage:') i++;
  for (i++; i < lines.length && lines[i] !== ''; i++) {
    const m = /^ {2}nlring (\S+)/.exec(lines[i]);
    if (m) forms.push({ command: m[1], lines: [lines[i]] });
    else forms.at(-1)?.lines.push(lines[i]);
  }
  const sections: Section[] = [];
  let current: { header: string[]; intro: string[]; entries: Entry[] } | undefined;
  let previous: 'header' | 'body' | 'blank' = 'blank';
  const open = (header: string[]) => {
    current = { header, intro: [], entries: [] };
    sections.push(current as Section & typeof current);
  };
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') {
      previous = 'blank';
      continue;
    }
    if (!line.startsWith(' ')) {
      // Header lines: a run of them is one header (a long one wraps).
      if (previous === 'header' && current) current.header.push(line);
      else open([line]);
      previous = 'header';
      continue;
    }
    if (!current) open([]);
    const c = current!;
    if (/^ {2}\S/.test(line)) c.entries.push(entry(line, commands));
    else if (c.entries.length === 0) c.intro.push(line);
    else c.entries.at(-1)!.lines.push(line);
    previous = 'body';
  }
  const out = sections.map((s) => ({ ...s, scope: s.header.length === 0 ? [] : words(s.header.join(' ')).filter((w) => commands.includes(w)) }));
  return { title, forms, sections: out };
}

/** An entry's first line: its flags (before TEXT_COLUMN, or the whole line when they run past it) and whom it is for. */
function entry(line: string, commands: readonly string[]): Entry {
  const fits = line.length <= TEXT_COLUMN || line[TEXT_COLUMN - 1] === ' ';
  const head = fits ? line.slice(0, TEXT_COLUMN) : line;
  const text = fits ? line.slice(TEXT_COLUMN).trimStart() : '';
  const flags = [...head.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]);
  const first = head.trim().split(' ')[0];
  const said = /^([a-z-]+):/.exec(text)?.[1];
  const only = commands.includes(first) ? first : said !== undefined && commands.includes(said) ? said : undefined;
  return { lines: [line], flags, ...(only !== undefined ? { only } : {}) };
}

/**
 * The help of `command`: its usage forms, then each section's entries for it (with
 * the header, and the introduction of a section scoped to it), then the closing
 * paragraph. `flags` maps each command to the flags it accepts (run.ts's tables).
 */
export function commandHelp(usage: string, flags: Readonly<Record<string, Readonly<Record<string, unknown>>>>, command: string): string {
  const commands = Object.keys(flags);
  const { title, forms, sections } = parse(usage, commands);
  const takes = (e: Entry) => e.flags.every((f) => Object.hasOwn(flags[command], f));
  const forThis = (s: Section, e: Entry): boolean => {
    if (e.only !== undefined) return e.only === command;
    if (s.scope.length > 0 && !s.scope.includes(command)) return false;
    // Operands and notes (no flags) belong to the commands the section names.
    if (e.flags.length === 0) return s.scope.includes(command);
    return takes(e);
  };
  // Flags a section scoped to this command (or an entry marked for it) documents: sections that name no command do not repeat them.
  const own = new Set<string>();
  for (const s of sections) for (const e of s.entries) if (forThis(s, e) && (s.scope.includes(command) || e.only === command)) for (const f of e.flags) own.add(f);

  const out = [title, '', 'usage:', ...forms.filter((f) => f.command === command).flatMap((f) => f.lines), ''];
  const last = sections.at(-1);
  for (const s of sections) {
    if (s === last && s.entries.length === 0) continue; // the closing paragraph, below
    const scoped = s.scope.includes(command);
    const entries = s.entries.filter((e) => forThis(s, e) && (scoped || e.only === command || !e.flags.some((f) => own.has(f))));
    if (entries.length === 0) continue;
    out.push(...s.header, ...(scoped ? s.intro : []), ...entries.flatMap((e) => e.lines));
  }
  if (last && last.entries.length === 0) out.push('', ...last.header);
  return out.join('\n') + '\n';
}

/** Every flag `command` accepts that its help does not document: empty when the help is whole (a test keeps it so). */
export function undocumentedFlags(usage: string, flags: Readonly<Record<string, Readonly<Record<string, unknown>>>>, command: string): string[] {
  const help = commandHelp(usage, flags, command);
  const documented = new Set<string>();
  for (const line of help.split('\n')) {
    // Entry heads only: not the usage forms, whose brackets list flags without saying what they do.
    if (!/^ {2}\S/.test(line) || line.startsWith('  nlring ')) continue;
    const fits = line.length <= TEXT_COLUMN || line[TEXT_COLUMN - 1] === ' ';
    for (const m of (fits ? line.slice(0, TEXT_COLUMN) : line).matchAll(/--([a-z][a-z0-9-]*)/g)) documented.add(m[1]);
  }
  return Object.keys(flags[command]).filter((f) => !documented.has(f));
}
