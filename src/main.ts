import { readConfig } from './config.ts';
import { createApp } from './app.ts';

/** Serves Seatledger until SIGINT or SIGTERM, then drains requests and jobs and closes the database. */
export async function serve(): Promise<void> {
  const config = readConfig();
  const app = await createApp(config);
  await app.server.app.listen({ port: config.port, host: config.host });
  const where = `http://localhost:${config.port}`;
  if (app.adminKeyToShow) {
    process.stdout.write(
      `\nSeatledger is ready at ${where}\n` +
        `Admin API key (shown once, store it now):\n\n  ${app.adminKeyToShow}\n\n` +
        `Try: curl -H "X-Api-Key: ${app.adminKeyToShow}" ${where}/clients\n` +
        `API docs: ${where}/docs\n\n`,
    );
  } else {
    process.stdout.write(`Seatledger is ready at ${where} (API docs: ${where}/docs)\n`);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.runtime.log.info({ signal }, 'shutting down');
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((error) => {
    process.stderr.write(`Seatledger could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
