/**
 * Reading a JSON scenario file: an unreadable file or a syntax error is one UsageError
 * line naming the file and, for bad JSON, the line and column where it goes wrong (V8's
 * own message may quote the whole text, newlines included, without a position).
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** The 1-based line and column of character offset `at` in `text`. */
function lineColumn(text: string, at: number): string {
  const before = text.slice(0, at).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Where JSON.parse stopped, for the messages that do not say ("Unexpected token 'x', <the
 * whole text> is not valid JSON"): the offset of the first character that no JSON text
 * could continue with. A small recursive scan; it runs only after JSON.parse has failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const str = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      const ch = text[i++];
      if (ch === '"') return;
      if (ch === '\\') {
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail();
      }
    }
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return str();
    if (ch === 't') return lit('true');
    if (ch === 'f') return lit('false');
    if (ch === 'n') return lit('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return num();
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
  return text.length;
}

/** Read and parse a JSON scenario file; an unreadable file or bad JSON is one UsageError line naming the file. */
export function readScenarioJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied' };
    throw new UsageError(`${file}: cannot read the scenario file: ${err.code ? (why[err.code] ?? err.code) : err.message.split('\n')[0]}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const at = jsonErrorOffset(text);
    // V8's message may quote the whole text (newlines and all): keep only what it says was wrong.
    const what = (e as Error).message.split('\n')[0].replace(/,\s*(\.\.\.)?".*$/, '').replace(/ in JSON at position \d+.*$/, '').replace(/ after JSON at position \d+.*$/, ' after the JSON value');
    throw new UsageError(at >= text.length ? `${file}: invalid JSON: the text ends early (${lineColumn(text, text.length)})` : `${file}: invalid JSON at ${lineColumn(text, at)}: ${what.charAt(0).toLowerCase()}${what.slice(1)}`);
  }
}
