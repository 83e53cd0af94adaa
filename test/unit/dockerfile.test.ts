// No Docker engine runs these tests, so the Dockerfile is checked as text: what it copies exists and
// is in the build context, the runtime stage is non-root, and the image starts the webhook.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages; continuation lines joined, comments dropped. */
function stages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const result: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') result.push({ from: args, instructions: [] });
    else result.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return result;
}

const dockerfile = stages(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const final = dockerfile.at(-1)!;
const all = dockerfile.flatMap((s) => s.instructions);
/** The arguments of a stage's last instruction of that keyword (the one in force). */
const last = (stage: Stage, keyword: string): string | undefined => stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
const exec = (stage: Stage, keyword: string): string[] => JSON.parse(last(stage, keyword) ?? '[]') as string[];

/** The sources of COPY instructions that read the build context (not another stage). */
const contextSources = all
  .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
  .flatMap((i) =>
    i.args
      .split(/\s+/)
      .filter((word) => !word.startsWith('--'))
      .slice(0, -1),
  );

describe('Dockerfile', () => {
  test('copies only files and folders that exist in the repository', () => {
    expect(contextSources.length).toBeGreaterThan(0);
    for (const source of contextSources) expect([source, existsSync(join(root, source))]).toEqual([source, true]);
  });

  test('.dockerignore leaves out everything but what the Dockerfile copies', () => {
    const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(patterns[0]).toBe('*');
    expect(
      patterns
        .slice(1)
        .map((p) => p.replace(/^!/, ''))
        .sort(),
    ).toEqual([...new Set(contextSources)].sort());
  });

  test('is multi-stage, and the runtime stage is not root', () => {
    expect(dockerfile.length).toBeGreaterThan(1);
    const user = last(final, 'USER') ?? '';
    expect(user).not.toBe('');
    expect(user.split(':')[0]).not.toMatch(/^(0|root)$/);
  });

  test('installs production dependencies only for the runtime', () => {
    expect(all.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev\b/.test(i.args))).toBe(true);
  });

  test('runs `node dist/cli.js serve`, with package.json beside it (it makes dist/*.js ES modules)', () => {
    const command = [...exec(final, 'ENTRYPOINT'), ...exec(final, 'CMD')];
    expect(command[0]).toMatch(/(^|\/)node$/);
    expect(command.slice(1)).toEqual(['dist/cli.js', 'serve']);
    // The same entry point the package installs as its command.
    expect((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin).toEqual({
      'redis-replication-webhook': 'dist/cli.js',
    });
    expect(final.instructions.some((i) => i.keyword === 'COPY' && i.args.split(/\s+/)[0] === 'package.json')).toBe(true);
  });

  test("caps the V8 heap below the Deployment's memory limit, leaving room for the rest of the process", () => {
    const options = /^NODE_OPTIONS="([^"]*)"$/.exec(last(final, 'ENV') ?? '')?.[1] ?? '';
    const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(options)?.[1]);
    const deployment = readFileSync(join(root, 'kustomize/base/deployment.yaml'), 'utf8');
    const limitMi = Number(/limits:\s*\n\s*memory:\s*(\d+)Mi/.exec(deployment)?.[1]);
    // Young generation: two semi-spaces plus the new large-object space; about 70 MB outside the heap
    // (code, TLS, buffers) as measured idle by npm run bench.
    const heapMb = flag('max-old-space-size') + 3 * flag('max-semi-space-size');
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb + 70).toBeLessThanOrEqual(limitMi);
  });
});
