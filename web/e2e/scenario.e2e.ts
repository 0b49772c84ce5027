// The browser scenario of issue 7, step by step against one stack: people sign in with their
// wallets, register devices, find each other, chat, verify (by digits, a picture of the QR code and
// the camera), tip, link a new device by its QR code and back up with a passphrase; at the end the
// server's database and blockstore must not hold any message text of the test.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createPublicClient, createTestClient, http, parseEther } from 'viem';
import { anvil } from 'viem/chains';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { launch, Person, Shots } from './browser.js';
import { accessTTLSeconds, root, run, startStack, type Stack } from './stack.js';
import { devnetKeys, walletName, type WalletControl } from './wallet.js';

const artifacts = process.env.PARLEY_E2E_ARTIFACTS ?? join(root, '.data/e2e/artifacts');
/** What Chromium's fake camera shows: written by the step that scans with it. */
const camera = join(artifacts, 'camera.mjpeg');
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
let alice: Person;
let bob: Person;
let failed = false;
/** The suites whose steps build on each other and on those of the suites before them. */
const dependent = new Set(['two people', 'their devices and keys']);

beforeAll(async () => {
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  shots = new Shots(artifacts);
  stack = await startStack(join(artifacts, 'stack.log'));
  browser = await launch({ camera });
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

// The dependent steps build on each other: after a failure the rest of them is skipped rather than
// failing for the same reason again.
beforeEach((ctx) => {
  if (failed && dependent.has(ctx.task.suite?.name ?? '')) ctx.skip();
  onTestFailed(async () => {
    failed = true;
    await Promise.all(people.filter((p) => !p.page.isClosed()).map((p) => p.shot('failed').catch(() => undefined)));
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

/** Fills the welcome form: names and one shared free tag, saved; the app moves on to People. */
async function onboard(p: Person, username: string, displayName: string, tag: string): Promise<void> {
  const { page } = p;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Let people find me by my interests').check();
  await page.getByLabel('Add a tag').fill(tag);
  await page.getByRole('button', { name: 'Add tag', exact: true }).click();
  await expect.poll(() => page.getByRole('checkbox', { name: tag }).isChecked()).toBe(true);
  await p.shot('profile');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('heading', { name: 'People' }).waitFor();
}

/** Opens the conversation with peer through the app's own navigation. */
async function openChat(p: Person, peerName: string): Promise<void> {
  await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await p.page.getByRole('link', { name: `Chat with ${peerName}` }).click();
  await p.page.getByRole('region', { name: `Chat with ${peerName}` }).waitFor();
}

/** Sends text in the open conversation. */
async function send(p: Person, text: string): Promise<void> {
  await p.page.getByLabel('Message', { exact: true }).fill(text);
  await p.page.getByRole('button', { name: /^Send( message)?$/ }).click();
}

/** What scrolls sideways on page: nothing may, not the page, not the screen or the conversation history. */
function overflowingIn(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [document.scrollingElement!, ...document.querySelectorAll('main, [role=log]')].filter((el) => el.scrollWidth > Math.min(el.clientWidth, innerWidth)).map((el) => el.tagName),
  );
}

/** Runs steps on p's page at a phone's size (390×844), then returns it to the desktop size. */
async function onPhone(p: Person, steps: () => Promise<void>): Promise<void> {
  await p.page.setViewportSize({ width: 390, height: 844 });
  try {
    await steps();
  } finally {
    await p.page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** Checks that the chat named chat fits p's screen (its way back shown, nothing scrolling sideways) and takes shot. */
async function chatFits(p: Person, chat: string, shot: string): Promise<void> {
  await p.page.getByRole('region', { name: chat }).getByRole('link', { name: 'Back to chats' }).waitFor();
  expect(await overflowingIn(p.page), `${chat} scrolls sideways`).toEqual([]);
  await p.shot(shot);
}

/** Waits until text shows in the open conversation's history. */
async function sees(p: Person, text: string): Promise<void> {
  await p.page.getByRole('log', { name: 'Conversation history' }).getByText(text).waitFor({ timeout: 30_000 });
}

describe('two people', () => {
  const tag = `e2e-${Math.random().toString(36).slice(2, 7)}`;

  it('sign in with their wallets and register devices, gaslessly and by transaction', async () => {
    alice = await person('alice', 1);
    bob = await person('bob', 2);
    await alice.shot('start');
    await Promise.all([signUp(alice, true), signUp(bob, false)]);
  });

  it('set interests and find each other by a shared interest', async () => {
    await Promise.all([onboard(alice, 'alice', 'Alice', tag), onboard(bob, 'bob', 'Bob', tag)]);
    const { page } = alice;
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    const card = page.getByRole('list', { name: 'Search results' }).getByRole('article', { name: 'Bob' });
    await expect.poll(() => card.getByLabel('Shared interests').textContent()).toContain(tag);
    await alice.shot('found-bob');
  });

  it('request a chat and accept it in real time', async () => {
    await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
    await bob.page.getByRole('list', { name: 'Incoming requests' }).waitFor({ state: 'attached' });
    await alice.page.getByRole('button', { name: 'Request chat with Bob' }).click();
    await alice.page.getByRole('button', { name: 'Request sent to Bob' }).waitFor();
    // Bob's open Requests screen updates without a reload.
    const incoming = bob.page.getByRole('list', { name: 'Incoming requests' }).getByRole('listitem').filter({ hasText: 'Alice' });
    await incoming.getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
    await bob.shot('accepted');
    await bob.page.getByRole('region', { name: 'Chat with Alice' }).waitFor();
  });

  it('exchange messages both ways', async () => {
    const hello = say('hello alice, bob here');
    await send(bob, hello);
    await openChat(alice, 'Bob');
    await sees(alice, hello);
    const reply = say('hi bob, nice to meet you');
    // Bob's open conversation shows that Alice is typing, then her message, which his reading marks read.
    await alice.page.getByLabel('Message', { exact: true }).fill(reply);
    await bob.page.getByRole('region', { name: 'Chat with Alice' }).getByText('Alice is typing…').waitFor({ timeout: 15_000 });
    await bob.shot('sees-typing');
    await alice.page.getByRole('button', { name: 'Send message' }).click();
    await sees(bob, reply);
    await alice.page.getByRole('log', { name: 'Conversation history' }).getByRole('listitem').filter({ hasText: reply }).getByLabel('Delivery: Read').waitFor({ timeout: 30_000 });
    await Promise.all([alice.shot('chat'), bob.shot('chat')]);
  });

  it('keep working on pages left open past their access tokens: the API, and a relay socket dialed again', async () => {
    await alice.page.waitForTimeout((accessTTLSeconds + 1) * 1000); // every token the pages hold has expired
    // The network drops and returns: Alice's page dials the relay again, with a fresh token (a
    // stale one would be refused: a console error fails the step).
    const redial = alice.page.waitForEvent('websocket');
    await alice.context.setOffline(true);
    await alice.context.setOffline(false);
    await redial;
    await alice.page.getByRole('status', { name: 'Connection' }).getByText('Connected').waitFor();
    const back = say('still here after the tokens expired');
    await send(alice, back);
    await sees(bob, back);
    await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await bob.page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: 'Chat with Alice' }).click();
    const answer = say('me too');
    await send(bob, answer);
    await sees(alice, answer);
  });

  it('deliver what was sent while one of them was offline', async () => {
    await bob.leave();
    const later = say('are you there? sent while you were away');
    await send(alice, later);
    await alice.page.getByLabel(/Delivery: (Sent|Delivered|Read)/).last().waitFor();
    await bob.reopen(`/chat/${alice.address!.toLowerCase()}`);
    await sees(bob, later);
    await bob.shot('back-online');
  });

  it('compare safety numbers', async () => {
    const digits = async (p: Person, peerName: string) => {
      await p.page.getByRole('region', { name: `Chat with ${peerName}` }).getByRole('link', { name: 'Safety number' }).click();
      const group = p.page.getByRole('group', { name: 'Safety number digits' });
      await group.waitFor();
      return (await group.getAttribute('data-digits'))!;
    };
    const [a, b] = await Promise.all([digits(alice, 'Bob'), digits(bob, 'Alice')]);
    expect(a).toMatch(/^[0-9 ]{60,}$/);
    expect(a).toBe(b);
    await bob.page.getByLabel('Their safety number digits').fill(a);
    await bob.page.getByRole('button', { name: 'Compare digits' }).click();
    await bob.page.getByRole('alert').filter({ hasText: 'Safety numbers match' }).waitFor();
    await Promise.all([alice.shot('safety'), bob.shot('safety-match')]);
  });

  it('tip, refused before the wallet without the funds, and both see the tip in the conversation and on chain', async () => {
    const chain = createPublicClient({ chain: anvil, transport: http(stack.rpcURL) });
    const testnet = createTestClient({ chain: anvil, mode: 'anvil', transport: http(stack.rpcURL) });
    const before = await chain.getBalance({ address: bob.address! });
    const funds = await chain.getBalance({ address: alice.address! });
    await alice.page.goBack();
    await bob.page.goBack();
    await alice.page.getByRole('button', { name: 'Send a tip' }).click();
    await alice.page.getByLabel('Tip amount in ETH').fill('0.05');
    await testnet.setBalance({ address: alice.address!, value: parseEther('0.01') });
    await alice.page.getByRole('button', { name: 'Send tip' }).click();
    await alice.page.getByRole('alert').filter({ hasText: 'Not enough ETH' }).waitFor();
    await alice.shot('tip-unfunded');
    await testnet.setBalance({ address: alice.address!, value: funds });
    await alice.page.getByRole('button', { name: 'Send tip' }).click();
    // Both conversations show the tip message with its chain state, pending until mined, then confirmed.
    for (const [p, status] of [[alice, 'You tipped'], [bob, 'Tipped you']] as const) {
      const tip = p.page.getByRole('log', { name: 'Conversation history' }).getByLabel(new RegExp(`^${status} 0.05 ETH, `));
      await tip.waitFor({ timeout: 30_000 });
      await expect.poll(() => tip.getAttribute('data-tip-state'), { timeout: 60_000 }).toBe('confirmed');
    }
    await expect.poll(() => chain.getBalance({ address: bob.address! }), { timeout: 30_000 }).toBe(before + parseEther('0.05'));
    await Promise.all([alice.shot('tip'), bob.shot('tip')]);
  });

  it('fit a phone-sized screen: the conversation and the people screen', async () => {
    const { page } = bob;
    await onPhone(bob, async () => {
      await chatFits(bob, 'Chat with Alice', 'phone-chat');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
      await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
      // Alice is a contact by now: her card leads to the chat instead of offering a request.
      await page.getByRole('list', { name: 'Search results' }).getByRole('article', { name: 'Alice' }).getByRole('link', { name: 'Chat with Alice' }).waitFor();
      expect(await overflowingIn(page), 'the people screen scrolls sideways').toEqual([]);
      await bob.shot('phone-people');
    });
  });

  it('let a third person join their group after approval, and leave it', async () => {
    const carol = await person('carol', 3);
    await signUp(carol, true);
    await onboard(carol, 'carol', 'Carol', `${tag}-x`);
    const groups = (p: Person) => p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
    await groups(alice);
    await alice.page.getByLabel('Group name').fill('E2E Club');
    await alice.page.getByLabel('Members to add (addresses)').fill(bob.address!);
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.getByRole('heading', { name: 'E2E Club' }).waitFor();
    await alice.page.getByRole('button', { name: 'Create invite link' }).click();
    const invite = await alice.page.getByLabel('Group invite link').inputValue();
    expect(invite).toMatch(/^http/);

    // Carol follows the link: the app reconnects her kept session and opens the join form with it.
    const link = new URL(invite);
    await carol.reopen(link.pathname + link.search);
    await expect.poll(() => carol.page.getByLabel('Invite link', { exact: true }).inputValue(), { timeout: 30_000 }).toBe(link.searchParams.get('token'));
    await carol.page.getByRole('button', { name: 'Ask to join' }).click();
    await carol.page.getByRole('status').filter({ hasText: 'Join request sent' }).waitFor();
    await carol.shot('join-requested');

    const members = alice.page.getByRole('list', { name: 'Group members' });
    const approve = alice.page.getByRole('list', { name: 'Join requests' }).getByRole('button', { name: new RegExp(`^Approve ${carol.address}$`, 'i') });
    // The request reaches Alice's open group screen through the relay, or on the next visit.
    await approve.waitFor({ timeout: 10_000 }).catch(async () => {
      await alice.page.reload();
      await approve.waitFor();
    });
    await alice.shot('join-request');
    await approve.click();
    await expect.poll(() => members.getByRole('listitem').count(), { timeout: 30_000 }).toBe(3);
    await carol.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /^E2E Club · 3 members/ }).waitFor({ timeout: 30_000 }).catch(async () => {
      await carol.page.reload();
      await carol.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /^E2E Club · 3 members/ }).waitFor();
    });
    await Promise.all([alice.shot('group'), carol.shot('group')]);

    // The group's chat: Alice writes, Bob and Carol read it as hers; Carol answers while Alice watches her type.
    const groupChat = async (p: Person) => {
      await groups(p);
      await p.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /^E2E Club · / }).click();
      await p.page.getByRole('link', { name: 'Open chat', exact: true }).click();
      await p.page.getByRole('region', { name: 'Chat with E2E Club' }).waitFor();
    };
    const from = (p: Person, who: string, text: string) =>
      p.page.getByRole('log', { name: 'Conversation history' }).getByRole('listitem', { name: new RegExp(`^${who}, `) }).filter({ hasText: text }).waitFor({ timeout: 30_000 });
    const receipt = (text: string, label: string) =>
      alice.page.getByRole('log', { name: 'Conversation history' }).getByRole('listitem').filter({ hasText: text }).getByLabel(`Delivery: ${label}`, { exact: true }).waitFor({ timeout: 30_000 });
    await Promise.all([groupChat(alice), groupChat(carol)]);
    const hello = say('Welcome to the club, Carol');
    await send(alice, hello);
    await from(alice, 'You', hello);
    await receipt(hello, 'Read by 1 of 2'); // Carol has the chat open; Bob not yet
    await groupChat(bob); // his device received it before he opened the chat
    await Promise.all([from(bob, 'Alice', hello), from(carol, 'Alice', hello)]);
    await receipt(hello, 'Read by everyone');
    // The state opens the list of who read it, by name.
    await alice.page.getByRole('log', { name: 'Conversation history' }).getByRole('listitem').filter({ hasText: hello }).getByLabel('Delivery: Read by everyone').click();
    const readers = alice.page.getByRole('list', { name: 'Receipts' }).getByRole('listitem');
    await expect.poll(async () => (await readers.allTextContents()).sort(), { timeout: 15_000 }).toEqual(['Bob: read', 'Carol: read']);
    const thanks = say('Thanks, glad to be here');
    await carol.page.getByLabel('Message', { exact: true }).fill(thanks);
    await alice.page.getByRole('region', { name: 'Chat with E2E Club' }).getByText('Carol is typing…').waitFor({ timeout: 15_000 });
    await carol.page.getByRole('button', { name: 'Send message', exact: true }).click();
    await Promise.all([from(alice, 'Carol', thanks), from(bob, 'Carol', thanks)]);
    await Promise.all([alice.shot('group-chat'), carol.shot('group-chat')]);
    await onPhone(bob, () => chatFits(bob, 'Chat with E2E Club', 'phone-group-chat'));
    await groups(alice);
    await alice.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /^E2E Club · / }).click();
    await expect.poll(() => members.getByRole('listitem').count(), { timeout: 30_000 }).toBe(3);
    await groups(carol);

    // Carol leaves; Alice's open group screen drops her.
    await carol.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /^E2E Club · 3 members/ }).click();
    await carol.page.getByRole('button', { name: 'Leave group' }).click();
    await expect.poll(() => members.getByRole('listitem').count(), { timeout: 30_000 }).toBe(2);
    await alice.shot('group-left');
  });
});

describe('their devices and keys', () => {
  it('compare safety numbers by an uploaded and a pasted picture of the QR code, and with the camera', async () => {
    const qr = (p: Person) => p.page.getByRole('img', { name: 'Safety number QR code' });
    const verdict = (p: Person) => p.page.getByRole('alert').filter({ hasText: 'Safety numbers match' });
    await alice.reopen(`/safety/${bob.address!.toLowerCase()}`);
    await bob.reopen(`/safety/${alice.address!.toLowerCase()}`);
    const [alicesCode, bobsCode] = [join(artifacts, 'alice-safety-qr.png'), join(artifacts, 'bob-safety-qr.png')];
    await Promise.all([qr(alice).screenshot({ path: alicesCode }), qr(bob).screenshot({ path: bobsCode })]);

    await alice.page.getByLabel('Upload a picture of the safety code').setInputFiles(bobsCode);
    await verdict(alice).waitFor();
    await alice.shot('safety-uploaded');

    // A paste of the picture into the page, as Ctrl+V of a copied image does.
    await bob.page.getByLabel('Paste a picture of the safety code').evaluate((el, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'code.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...(await readFile(alicesCode))]);
    await verdict(bob).waitFor();
    await bob.shot('safety-pasted');

    // The camera films Alice's screen with her code in view (one JPEG frame).
    await qr(alice).scrollIntoViewIfNeeded();
    await alice.page.screenshot({ path: camera, type: 'jpeg', quality: 90 });
    await bob.reopen(`/safety/${alice.address!.toLowerCase()}`);
    await bob.page.getByRole('button', { name: 'Scan safety code with the camera' }).click();
    await verdict(bob).waitFor({ timeout: 30_000 });
    await bob.shot('safety-camera');
  });

  it('link a new device by its QR code, registered with the wallet of the old one', async () => {
    await alice.reopen('/link');
    await alice.page.getByRole('button', { name: 'Show a device link code' }).click();
    const code = join(artifacts, 'device-link-qr.png');
    await alice.page.getByRole('img', { name: 'Device link QR code' }).screenshot({ path: code });
    await alice.shot('link-code');

    // A browser without a wallet: it checks Alice's old device on chain through the server's RPC URL.
    const laptop = await Person.create(browser, 'alice-laptop', stack.baseURL, shots);
    people.push(laptop);
    await laptop.reopen('/link');
    await laptop.page.getByLabel('Upload a picture of the device link code').setInputFiles(code);
    const confirmation = (p: Person) => p.page.locator('[data-code]').getAttribute('data-code', { timeout: 30_000 });
    const shown = await confirmation(laptop);
    expect(shown).toBeTruthy();
    expect(await confirmation(alice)).toBe(shown);
    await Promise.all([alice.shot('link-confirm'), laptop.shot('link-confirm')]);
    await alice.page.getByRole('button', { name: 'The codes match: register the device' }).click();
    await alice.page.getByRole('status').filter({ hasText: /^Device \d+ is registered/ }).waitFor({ timeout: 60_000 });
    await laptop.page.getByRole('status').filter({ hasText: `Linked: this browser is a device of ${alice.address!.toLowerCase()}.` }).waitFor({ timeout: 30_000 });
    await Promise.all([alice.shot('link-registered'), laptop.shot('linked')]);
  });

  it('back up with a passphrase and restore; a wrong passphrase is refused', async () => {
    const page = await alice.reopen('/backup');
    const passphrase = 'correct horse battery staple';
    await page.getByLabel('Backup passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Repeat the backup passphrase').fill(passphrase);
    await page.getByRole('button', { name: 'Create encrypted backup' }).click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Download backup file' }).click({ timeout: 60_000 })]);
    const file = join(artifacts, 'alice.backup');
    await download.saveAs(file);
    await alice.shot('backup-created');

    await page.getByLabel('Backup file').setInputFiles(file);
    await page.getByLabel('Passphrase of the backup').fill('not the passphrase');
    await page.getByRole('button', { name: 'Restore backup' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong passphrase' }).waitFor({ timeout: 60_000 });
    await alice.shot('backup-wrong-passphrase');
    await page.getByLabel('Passphrase of the backup').fill(passphrase);
    await page.getByRole('button', { name: 'Restore backup' }).click();
    const restored = page.getByRole('definition').filter({ hasText: /^0x/ });
    await expect.poll(() => restored.textContent(), { timeout: 60_000 }).toBe(alice.address!.toLowerCase());
    await alice.shot('backup-restored');
  });
});

describe('wallet trouble', () => {
  it('explains a missing wallet, a rejected signature and the wrong network, and recovers', async () => {
    const nobody = await Person.create(browser, 'no-wallet', stack.baseURL, shots);
    people.push(nobody);
    await nobody.page.getByText('No wallet found. Install MetaMask').waitFor();
    await nobody.shot('no-wallet');

    const wallet: WalletControl = { reject: new Set(['personal_sign']), chainId: anvil.id };
    const dave = await Person.create(browser, 'dave', stack.baseURL, shots, { key: devnetKeys[4]!, rpcURL: stack.rpcURL, wallet });
    people.push(dave);
    const connect = dave.page.getByRole('button', { name: `Connect ${walletName}` });
    await connect.click();
    await dave.page.getByRole('alert').filter({ hasText: 'The request was rejected in the wallet.' }).waitFor();
    await dave.shot('signature-rejected');

    wallet.reject = new Set(['wallet_switchEthereumChain']);
    wallet.chainId = 1;
    await connect.click();
    await dave.page.getByRole('alert').filter({ hasText: `Your wallet is on chain 1. Switch it to ${anvil.name} (chain ${anvil.id})` }).waitFor();
    await dave.shot('wrong-network');

    // Accepting the switch this time: the wallet moves to anvil and sign-in goes through.
    wallet.reject.clear();
    await connect.click();
    await dave.page.getByRole('button', { name: 'Register this device (sign only, no gas)' }).waitFor();
    expect(wallet.chainId).toBe(anvil.id);
    await dave.shot('recovered');
  });
});

describe('two strangers without accounts', () => {
  it('chat in an anonymous room whose key stays in the link', async () => {
    const host = await Person.create(browser, 'anon-host', stack.baseURL, shots, { mobile: true });
    const guest = await Person.create(browser, 'anon-guest', stack.baseURL, shots);
    people.push(host, guest);
    // Without an account the device-linking screen is there for a new device.
    await guest.reopen('/link');
    await guest.page.getByRole('form', { name: 'Enter a device link code' }).waitFor();
    await guest.shot('link-new-device');
    await host.reopen('/r/new');
    await host.page.getByRole('button', { name: 'New room' }).click();
    const link = await host.page.getByLabel('Room link').inputValue();
    expect(new URL(link).hash).toMatch(/^#k=/);
    await guest.reopen(link.slice(new URL(link).origin.length));
    // The room relays to whoever is connected: both wait for their socket before the first line.
    for (const p of [host, guest]) await p.page.getByRole('status').filter({ hasText: /^Connected\./ }).waitFor();
    const post = async (p: Person, nick: string, text: string) => {
      await p.page.getByRole('textbox', { name: 'Nickname' }).fill(nick);
      await p.page.getByRole('textbox', { name: 'Room message' }).fill(text);
      await p.page.getByRole('button', { name: 'Send to room' }).click();
    };
    const inRoom = (p: Person, text: string) => p.page.getByRole('log', { name: 'Room messages' }).getByText(text).waitFor({ timeout: 30_000 });
    const first = say('anyone here? this room is anonymous');
    const second = say('yes, reading you without an account');
    await post(host, 'host', first);
    await inRoom(guest, first);
    await post(guest, 'guest', second);
    await inRoom(host, second);
    await Promise.all([host.shot('room'), guest.shot('room')]);
  });
});

describe('the server', () => {
  it('keeps no message text in its database or blockstore', async () => {
    // The pages go first: a server going away under them is not a browser error of the test.
    for (const p of people) await p.context.close();
    const dump = join(stack.dataDir, 'dump.sql');
    await run('pg_dump', ['--dbname', stack.databaseURL, '--file', dump]);
    await stack.stop();
    const out = await run('go', ['run', './web/e2e/scanblocks', '-repo', join(stack.dataDir, 'ipfs'), '-file', dump, ...plaintexts.flatMap((n) => ['-needle', n])]);
    console.log(out.trim());
    expect(plaintexts.length).toBeGreaterThan(0);
    expect(out).toMatch(/: 0 matches/);
  });
});
