import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/db/connection.ts';

// The embedded database only: PostgreSQL has its own locking, so this file ignores TEST_DATABASE_URL.

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const directories: string[] = [];
after(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function dataDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'seatledger-lock-'));
  directories.push(directory);
  return directory;
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

function runNode(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPOSITORY, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, pid: child.pid! }));
  });
}

/** Another Seatledger process opening the same data directory; prints "opened" or the error and exits 3. */
const openInAnotherProcess = (dataDir: string) =>
  runNode(
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/db/connection.ts')
        .then(async ({ openDatabase }) => {
          const db = await openDatabase({ dataDir: process.env.SEATLEDGER_LOCK_TEST_DIR });
          await db.close();
          console.log('opened');
        })
        .catch((error) => {
          console.error(error.message);
          process.exit(3);
        });`,
    ],
    { SEATLEDGER_LOCK_TEST_DIR: dataDir },
  );

test('a second process cannot open a data directory that is open, and says which process holds it', async () => {
  const dataDir = dataDirectory();
  const db = await openDatabase({ dataDir });
  try {
    const second = await openInAnotherProcess(dataDir);

    assert.equal(second.code, 3);
    assert.equal(second.stdout, '');
    assert.equal(
      second.stderr.trim(),
      `${dataDir} is in use by process ${process.pid}. Stop it first, or use the running server's API ` +
        '(the embedded database allows one process at a time).',
    );
  } finally {
    await db.close();
  }
});

test('once the first process closes the data directory, another process opens it', async () => {
  const dataDir = dataDirectory();
  const db = await openDatabase({ dataDir });
  await db.close();

  const second = await openInAnotherProcess(dataDir);

  assert.deepEqual({ code: second.code, stdout: second.stdout.trim() }, { code: 0, stdout: 'opened' });
});

test('a lock left by a process that died is taken over', async () => {
  const dataDir = dataDirectory();
  const died = await runNode(['-e', '']);
  writeFileSync(join(dataDir, 'seatledger.lock'), String(died.pid));

  const db = await openDatabase({ dataDir });
  try {
    assert.equal(readFileSync(join(dataDir, 'seatledger.lock'), 'utf8'), String(process.pid));
    const second = await openInAnotherProcess(dataDir);
    assert.match(second.stderr, new RegExp(`is in use by process ${process.pid}\\.`));
  } finally {
    await db.close();
  }
});
