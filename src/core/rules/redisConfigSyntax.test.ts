import { parseRedisConfig, splitArgs } from './redisConfigSyntax.js';

// The cases of Redis's own sdssplitargs (src/sds.c) and loadServerConfigFromString (src/config.c).
describe('splitArgs', () => {
  test.each<[string, string, string[]]>([
    ['blanks separate arguments, runs of them too', 'save  900 1\t300 10', ['save', '900', '1', '300', '10']],
    ['double quotes keep blanks', 'requirepass "a b"', ['requirepass', 'a b']],
    ['double-quote escapes', String.raw`x "\n\r\t\b\a\\\""`, ['x', '\n\r\t\b\x07\\"']],
    ['\\xHH in double quotes', String.raw`x "\x41\x7a\x00"`, ['x', 'Az\0']],
    ['\\x without two hex digits is an x', String.raw`x "\xZ1"`, ['x', 'xZ1']],
    ['another escaped character stands for itself', String.raw`x "\q"`, ['x', 'q']],
    ["single quotes: only \\' is an escape", String.raw`x 'it\'s \n'`, ['x', String.raw`it's \n`]],
    ['an empty quoted argument', 'save ""', ['save', '']],
    ['a quote inside a word opens a quoted part', 'x ab"c d"', ['x', 'abc d']],
    ['a backslash outside quotes is a character', String.raw`dir C:\data`, ['dir', String.raw`C:\data`]],
    ['nothing but blanks', ' \t ', []],
  ])('%s', (_name, line, args) => {
    expect(splitArgs(line)).toEqual(args);
  });

  test.each([
    ['an unterminated double quote', 'requirepass "abc'],
    ['an unterminated single quote', "requirepass 'abc"],
    ['a closing quote run into more text', 'requirepass "abc"def'],
    ['a closing single quote run into more text', "requirepass 'abc'd"],
    ['a backslash ending a double-quoted argument', 'x "abc\\'],
  ])('gives up on %s, as Redis does', (_name, line) => {
    expect(splitArgs(line)).toBeUndefined();
  });
});

describe('parseRedisConfig', () => {
  test('skips comments and blank lines, counts lines from 1, lowercases keys only', () => {
    const text = '# a comment\n\n  PORT 6380\r\nTLS-Port "6379"\n   # indented comment\nRequirePass S3cret\n';
    expect(parseRedisConfig(text)).toEqual({
      directives: [
        { line: 3, key: 'port', args: ['6380'] },
        { line: 4, key: 'tls-port', args: ['6379'] },
        { line: 6, key: 'requirepass', args: ['S3cret'] },
      ],
    });
  });

  test('keeps every argument and every repetition: the last one wins later, as in Redis', () => {
    expect(parseRedisConfig('save 900 1 300 10\nsave ""\nrename-command CONFIG ""').directives).toEqual([
      { line: 1, key: 'save', args: ['900', '1', '300', '10'] },
      { line: 2, key: 'save', args: [''] },
      { line: 3, key: 'rename-command', args: ['CONFIG', ''] },
    ]);
  });

  test('a # after the start of a line is an argument, not a comment', () => {
    expect(parseRedisConfig('requirepass abc#def # not a comment').directives).toEqual([
      { line: 1, key: 'requirepass', args: ['abc#def', '#', 'not', 'a', 'comment'] },
    ]);
  });

  test("stops at a line with unbalanced quotes, with Redis's reason and the line", () => {
    expect(parseRedisConfig('port 6379\nrequirepass "abc\nappendonly yes\n')).toEqual({
      directives: [{ line: 1, key: 'port', args: ['6379'] }],
      error: { line: 2, text: 'requirepass "abc', reason: 'Unbalanced quotes in configuration line' },
    });
  });
});
