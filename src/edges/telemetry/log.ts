// Structured JSON logs, one object a line. Callers pass fields explicitly; nothing here walks objects,
// so a secret can only reach the log by being named.
type Level = 'info' | 'warn' | 'error';

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
}
