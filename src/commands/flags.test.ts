import { durationMs, portNumber } from './flags.js';

test.each([
  ['30', 30_000],
  ['0.5', 500],
  ['8s', 8_000],
  ['2m', 120_000],
  ['1m30s', 90_000],
  ['500ms', 500],
  ['1h', 3_600_000],
  [' 45s ', 45_000],
])('durationMs(%j) is %i', (text, ms) => {
  expect(durationMs('timeout', text)).toBe(ms);
});

test.each(['', 'soon', '-5', '5 s', '5d', 's', '1.5.2s'])('durationMs(%j) is refused with the forms that work', (text) => {
  expect(() => durationMs('timeout', text)).toThrow(
    `--timeout: found "${text}"; allowed a duration such as 30s, 2m, 1m30s or 500ms (a bare number is seconds), at least 0 ms`,
  );
});

test('a duration below the minimum is refused', () => {
  expect(() => durationMs('max-lag', '0', 1)).toThrow(
    '--max-lag: found "0"; allowed a duration such as 30s, 2m, 1m30s or 500ms (a bare number is seconds), at least 1 ms',
  );
  expect(durationMs('max-lag', '1ms', 1)).toBe(1);
});

test('ports', () => {
  expect(portNumber('port', '6379')).toBe(6379);
  expect(portNumber('port', '0', { allowZero: true })).toBe(0);
  for (const text of ['0', '65536', '6379.5', 'x', '']) expect(() => portNumber('port', text)).toThrow(`--port: found "${text}"; allowed 1 to 65535`);
});
