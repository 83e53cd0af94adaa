// Command-line values as every command reads them, with one message shape: `--flag: found "x"; allowed ...`.

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in whole milliseconds, written as kubectl users write them (`30s`, `2m`, `1m30s`, `500ms`)
 * or as a bare number of seconds (`30`, `0.5`). At least `minMs`.
 */
export function durationMs(flag: string, text: string, minMs = 0): number {
  const trimmed = text.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    ms = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
  }
  const rounded = ms === undefined ? undefined : Math.round(ms);
  if (rounded === undefined || !Number.isFinite(rounded) || rounded < minMs) {
    throw new Error(
      `--${flag}: found "${text}"; allowed a duration such as 30s, 2m, 1m30s or 500ms (a bare number is seconds), at least ${minMs} ms`,
    );
  }
  return rounded;
}

/** A TCP port, 1 to 65535 (0 too where the system may pick one). */
export function portNumber(flag: string, text: string, options: { allowZero?: boolean } = {}): number {
  const value = Number(text);
  const min = options.allowZero ? 0 : 1;
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > 65535)
    throw new Error(`--${flag}: found "${text}"; allowed ${min} to 65535`);
  return value;
}
