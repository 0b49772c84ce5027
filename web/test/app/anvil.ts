import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hex } from 'viem';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A running anvil devnet (the repository's pinned one, .tools/bin/anvil). */
export interface Anvil {
  /** The JSON-RPC URL. */
  rpcUrl: string;
  /** Stops the process. */
  stop: () => void;
}

/** Starts anvil on a free port and resolves once it listens (deadline 30 s). */
export function startAnvil(): Promise<Anvil> {
  const proc = spawn(`${root}.tools/bin/anvil`, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const deadline = setTimeout(() => fail(new Error(`anvil did not listen within 30s: ${out}`)), 30_000);
    const fail = (err: Error) => {
      clearTimeout(deadline);
      proc.kill();
      reject(err);
    };
    proc.on('error', (err) => fail(new Error(`start anvil (run scripts/toolchain.sh): ${err.message}`)));
    proc.on('exit', (code) => fail(new Error(`anvil exited with ${code}: ${out}`)));
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Listening on ([\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(deadline);
        proc.removeAllListeners('exit');
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        resolve({ rpcUrl: `http://${m[1]}`, stop: () => proc.kill() });
      }
    });
  });
}

/** Returns the creation bytecode of a contract from forge's build output (contracts/out). */
export function bytecode(contract: string): Hex {
  const path = `${root}contracts/out/${contract}.sol/${contract}.json`;
  return (JSON.parse(readFileSync(path, 'utf8')) as { bytecode: { object: Hex } }).bytecode.object;
}
