// The stack under test: scripts/dev.sh on free ports with a throwaway data dir (Postgres, anvil
// with the contracts, one `parley dev` serving the built web app), stopped after the tests even
// when they fail.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root (web/e2e/..). */
export const root = resolve(import.meta.dirname, '../..');

/** The access token lifetime of the stack's API, in seconds: short, so the scenario runs through rotations and a page outlives its token. */
export const accessTTLSeconds = 20;

/** A running stack. */
export interface Stack {
  /** The web app and API origin, e.g. http://127.0.0.1:41234. */
  baseURL: string;
  /** anvil's JSON-RPC endpoint. */
  rpcURL: string;
  /** The Postgres database the server uses. */
  databaseURL: string;
  /** The data dir: pg/, ipfs/ (the IPFS node's LevelDB store), anvil-state.json. */
  dataDir: string;
  /** Stops every process of the stack; the data dir stays until dispose. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the stack and removes its data dir. */
  dispose(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** Polls fn every 100 ms until it returns true, failing after timeoutMs with what(). */
export async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for a child process to exit, up to timeoutMs; reports whether it did. */
function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((ok) => {
    const t = setTimeout(() => ok(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      ok(true);
    });
  });
}

/** Starts scripts/dev.sh with a fresh data dir on free ports and waits until the API is healthy. */
export async function startStack(logFile: string): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
  const [http, rpc, pg] = [await freePort(), await freePort(), await freePort()];
  const baseURL = `http://127.0.0.1:${http}`;
  const log = createWriteStream(logFile);
  // Its own process group, so a leftover can be killed as a whole.
  const child = spawn('bash', [join(root, 'scripts/dev.sh')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PARLEY_DEV_DIR: dataDir,
      PARLEY_DEV_HTTP_PORT: String(http),
      PARLEY_DEV_RPC_PORT: String(rpc),
      PARLEY_DEV_PG_PORT: String(pg),
      PARLEY_DEV_BLOCK_TIME: '1',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_API_ACCESS_TTL: `${accessTTLSeconds}s`,
    },
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // A test process that ends or is interrupted without stop() leaves nothing running: SIGTERM lets
  // dev.sh, anvil, parley and Postgres shut down cleanly on their own.
  const onExit = () => signalGroup('SIGTERM');
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Re-raised without this listener, the signal does what it would have done.
    process.kill(process.pid, signal);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // dev.sh stops anvil and parley and shuts Postgres down on SIGTERM.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      if (!(await exited(child, 30_000))) signalGroup('SIGKILL');
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      log.end();
    })());
  const stack: Stack = {
    baseURL,
    rpcURL: `http://127.0.0.1:${rpc}`,
    databaseURL: `postgres://postgres@127.0.0.1:${pg}/parley?sslmode=disable`,
    dataDir,
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    // The first run compiles the parley binary, which takes minutes on a cold Go cache.
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`scripts/dev.sh exited ${child.exitCode} before the stack was up; see ${logFile}`);
        const res = await fetch(`${baseURL}/healthz`).catch(() => undefined);
        return res?.status === 200;
      },
      420_000,
      () => `${baseURL}/healthz never answered 200; see ${logFile}`,
    );
  } catch (err) {
    await stack.dispose();
    throw err;
  }
  return stack;
}

/** Runs a command and returns its stdout, failing with its stderr. */
export async function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd: opts.cwd ?? root, env: opts.env ?? process.env, maxBuffer: 256 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
