import type { Command } from '../command.js';
import { startWebhook } from './runningWebhook.js';
import { serveConfig, serveHelp } from './serveConfig.js';

/** The first of SIGTERM (from Kubernetes: drain first) and SIGINT (from a person at a terminal: stop now). */
function firstStopSignal(): Promise<'SIGTERM' | 'SIGINT'> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

export const serveCommand: Command = {
  async run(argv) {
    const config = serveConfig(argv);
    if (config === 'help') {
      process.stdout.write(serveHelp);
      return 0;
    }
    const webhook = await startWebhook(config);
    const signal = await firstStopSignal();
    // A person at a terminal wants it stopped now; there is no endpoint to drain.
    await webhook.stop(signal, signal === 'SIGTERM' ? config.shutdownDelayMs : 0);
    return 0;
  },
};
