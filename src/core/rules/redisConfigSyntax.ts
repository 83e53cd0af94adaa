/** One directive of a redis.conf: its key lowercased, as redis-server looks it up, and its arguments unquoted. */
export interface ConfigDirective {
  /** 1-based, as redis-server counts lines in its own errors. */
  line: number;
  key: string;
  args: string[];
}

/** A line redis-server refuses to start with, with its own reason. */
export interface ConfigSyntaxError {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedRedisConfig {
  /** The directives before the first error, if any: redis-server stops at that error. */
  directives: ConfigDirective[];
  error?: ConfigSyntaxError;
}

const hexDigit = /^[0-9a-fA-F]$/;
const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
/** C's isspace, with which sdssplitargs skips blanks between arguments. */
const blank = (c: string | undefined) => c !== undefined && ' \t\n\v\f\r'.includes(c);

/**
 * A line's arguments as Redis's `sdssplitargs` splits them (src/sds.c): blanks separate arguments; double
 * quotes allow \n \r \t \b \a \\ \" and \xHH escapes (any other escaped character stands for itself);
 * single quotes allow only \'; a closing quote must be followed by a blank or the end. Undefined where
 * Redis gives up: an unterminated quote, or a closing quote run into more text.
 */
export function splitArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let p = 0;
  for (;;) {
    while (blank(line[p])) p += 1;
    if (p >= line.length) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (let done = false; !done;) {
      const c: string | undefined = line[p];
      if (inDouble) {
        if (c === '\\' && line[p + 1] === 'x' && hexDigit.test(line[p + 2] ?? '') && hexDigit.test(line[p + 3] ?? '')) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < line.length) {
          p += 1;
          const escaped = line[p];
          current += escapes[escaped] ?? escaped;
        } else if (c === '"') {
          if (p + 1 < line.length && !blank(line[p + 1])) return undefined;
          done = true;
        } else if (c === undefined) {
          return undefined;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === '\\' && line[p + 1] === "'") {
          p += 1;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < line.length && !blank(line[p + 1])) return undefined;
          done = true;
        } else if (c === undefined) {
          return undefined;
        } else {
          current += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (p < line.length) p += 1;
    }
    args.push(current);
  }
}

/**
 * A redis.conf as redis-server reads it (loadServerConfigFromString in src/config.c): line by line, each
 * trimmed; blank lines and lines starting with `#` skipped; the rest split by `splitArgs`, the first
 * argument being the key, matched case-insensitively. A line it cannot split stops it with
 * "Unbalanced quotes in configuration line". `include` lines are directives here: the caller follows them.
 */
export function parseRedisConfig(text: string): ParsedRedisConfig {
  const directives: ConfigDirective[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const trimmed = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const args = splitArgs(trimmed);
    if (args === undefined) return { directives, error: { line: index + 1, text: trimmed, reason: 'Unbalanced quotes in configuration line' } };
    const [key, ...rest] = args;
    if (key === undefined) continue;
    directives.push({ line: index + 1, key: key.replace(/[A-Z]/g, (c) => c.toLowerCase()), args: rest });
  }
  return { directives };
}
