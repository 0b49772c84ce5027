// Signed-in feature screens against a running stack: two fresh devnet accounts sign in and register
// gaslessly, compare safety numbers by uploading a screenshot of the other's QR code, and go through a
// group invite, join request, approval and leave. Any browser console error fails the step.
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { createPublicClient, createTestClient, http, parseEther, parseEventLogs, toHex, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { anvil } from 'viem/chains';
import { parseLinkCode } from '../../src/features/link/flow.js';
import { roomSocketURL } from '../../src/features/room/client.js';
import { tipJarAbi } from '../../src/generated/contracts.js';
import { Device, LinkChannel, LinkLifetime, LinkRole, LinkType, newLinkHello, type LinkMessage } from '../../src/protocol/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { chromium } from 'playwright-core';
import { launch, Person, Shots } from '../../e2e/browser.js';
import { walletName } from '../../e2e/wallet.js';

const base = process.env.PARLEY_WEB_URL ?? 'http://127.0.0.1:5174';
const rpcURL = process.env.PARLEY_RPC_URL ?? 'http://127.0.0.1:8545';
const dir = process.env.PARLEY_SMOKE_SHOTS ?? '/tmp/parley-feature-shots';
/** A fresh, unfunded devnet account per run: gasless registration needs no ETH and starts a new relay quota. */
const freshKey = () => toHex(mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 100 + Math.floor(Math.random() * 1e6) }).getHdKey().privateKey!);

let browser: Browser;
let shots: Shots;
let alice: Person;
let bob: Person;

async function signUp(p: Person, username: string): Promise<void> {
  const { page } = p;
  await page.getByRole('button', { name: `Connect ${walletName}` }).click();
  await page.getByRole('button', { name: 'Register this device (sign only, no gas)' }).click();
  await page.getByRole('heading', { name: 'Welcome to Parley' }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(username);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('heading', { name: 'People' }).waitFor();
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  shots = new Shots(dir);
  browser = await launch();
  const run = Math.random().toString(36).slice(2, 7);
  alice = await Person.create(browser, 'alice', base, shots, { key: freshKey(), rpcURL, mobile: true });
  bob = await Person.create(browser, 'bob', base, shots, { key: freshKey(), rpcURL, mobile: true });
  await Promise.all([signUp(alice, `alice_${run}`), signUp(bob, `bob_${run}`)]);
});
afterAll(async () => {
  await browser?.close();
});

// A failed step leaves both pages' screenshots and console errors behind.
beforeEach(() => {
  onTestFailed(async () => {
    await Promise.all([alice.shot('failed'), bob.shot('failed')]);
    console.log([...alice.errors, ...bob.errors].join('\n'));
  });
});

const noErrors = () => expect([...alice.errors.splice(0), ...bob.errors.splice(0)]).toEqual([]);

describe('feature screens', () => {
  it('safety numbers: same digits on both sides, and a scanned picture of the QR code matches', async () => {
    await alice.reopen(`/safety/${bob.address!.toLowerCase()}`);
    await bob.reopen(`/safety/${alice.address!.toLowerCase()}`);
    const digits = (p: Person) => p.page.getByRole('group', { name: 'Safety number digits' }).getAttribute('data-digits');
    expect(await digits(alice)).toBe(await digits(bob));
    const picture = `${dir}/alice-safety-qr.png`;
    await alice.page.getByRole('img', { name: 'Safety number QR code' }).screenshot({ path: picture });
    await bob.page.getByLabel('Upload a picture of the safety code').setInputFiles(picture);
    await bob.page.getByRole('alert').filter({ hasText: 'Safety numbers match' }).waitFor();
    await bob.shot('safety-scanned');
    // Chromium's file camera needs even frame sizes: the 390 × 844 viewport, with the code in view.
    await alice.page.getByRole('img', { name: 'Safety number QR code' }).scrollIntoViewIfNeeded();
    await alice.page.screenshot({ path: `${dir}/alice-safety-qr.mjpeg`, type: 'jpeg', quality: 90 });
    noErrors();
  });

  it("safety numbers by camera: a third person's camera reads alice's code and says it is for another pair", async () => {
    // Chromium's fake camera plays the JPEG of alice's code (an MJPEG file of one frame).
    const camera = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${dir}/alice-safety-qr.mjpeg`],
    });
    try {
      const carol = await Person.create(camera, 'carol', base, shots, { key: freshKey(), rpcURL, mobile: true });
      await signUp(carol, `carol_${Math.random().toString(36).slice(2, 7)}`);
      await carol.reopen(`/safety/${alice.address!.toLowerCase()}`);
      await carol.page.getByRole('button', { name: 'Scan safety code with the camera' }).click();
      await carol.page.getByRole('alert').filter({ hasText: 'That code is for two other people' }).waitFor({ timeout: 30_000 });
      await carol.shot('safety-camera');
      expect(carol.errors).toEqual([]);
    } finally {
      await camera.close();
    }
  });

  it('groups: create, invite, join request approved in real time, members, leave', async () => {
    await alice.reopen('/groups');
    await alice.page.getByLabel('Group name').fill('Smoke group');
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await alice.page.getByLabel('Group invite link').inputValue();
    await bob.reopen('/groups');
    await bob.page.getByLabel('Invite link').fill(link);
    await bob.page.getByRole('button', { name: 'Ask to join' }).click();
    await bob.page.getByRole('status').filter({ hasText: 'Join request sent' }).waitFor();
    await alice.page.getByRole('button', { name: `Approve ${bob.address!.toLowerCase()}` }).click({ timeout: 30_000 });
    await alice.page.getByRole('list', { name: 'Group members' }).getByTitle(bob.address!.toLowerCase()).waitFor();
    await alice.shot('group-approved');
    await bob.page.getByRole('list', { name: 'My groups' }).getByRole('button', { name: /Smoke group/ }).click({ timeout: 30_000 });
    await bob.page.getByRole('button', { name: 'Leave group' }).click();
    await alice.page.getByRole('list', { name: 'Group members' }).getByTitle(bob.address!.toLowerCase()).waitFor({ state: 'detached', timeout: 30_000 });
    noErrors();
  });
});

describe('tips', () => {
  it('refuses an unfunded tip before the wallet, then tips 0.05 ETH into the conversation', async () => {
    await alice.reopen('/requests');
    await alice.page.getByLabel('Address or username').fill(bob.address!.toLowerCase());
    await alice.page.getByRole('button', { name: 'Send chat request' }).click();
    await bob.reopen('/requests');
    await bob.page.getByRole('list', { name: 'Incoming requests' }).getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
    await alice.reopen(`/chat/${bob.address!.toLowerCase()}`);
    const { page } = alice;
    await page.getByRole('button', { name: 'Send a tip' }).click();
    await page.getByLabel('Tip amount in ETH').fill('0.05');
    await page.getByRole('button', { name: 'Send tip' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not enough ETH' }).waitFor();
    await alice.shot('tip-unfunded');

    const chain = { ...anvil, rpcUrls: { default: { http: [rpcURL] } } };
    await createTestClient({ chain, mode: 'anvil', transport: http(rpcURL) }).setBalance({ address: alice.address!, value: parseEther('1') });
    await page.getByRole('button', { name: 'Send tip' }).click();
    await page.getByRole('log', { name: 'Conversation history' }).getByText(/tip/i).first().waitFor({ timeout: 60_000 });
    await alice.shot('tip-sent');

    const pub = createPublicClient({ chain, transport: http(rpcURL) });
    const tipped = async () => {
      const logs = await pub.getContractEvents({ abi: tipJarAbi, eventName: 'Tipped', args: { from: alice.address as Hex, to: bob.address as Hex }, fromBlock: 0n });
      return parseEventLogs({ abi: tipJarAbi, logs }).map((l) => l.args.amount);
    };
    // The message goes out once the transaction is sent; the devnet may mine it a block later.
    await expect.poll(tipped, { timeout: 30_000 }).toEqual([parseEther('0.05')]);
    await bob.reopen(`/chat/${alice.address!.toLowerCase()}`);
    await bob.page.getByRole('log', { name: 'Conversation history' }).getByText(/tip/i).first().waitFor({ timeout: 30_000 });
    await bob.shot('tip-received');
    noErrors();
  });
});

// The new device is played by this process (the public /link screen checks the old key through the
// chain's default RPC URL, which a stack on other ports does not serve), so the old device's screen, the
// relay room and the wallet authorization run for real. Needs WebSocket in Node: NODE_OPTIONS=--experimental-websocket.
describe.skipIf(typeof WebSocket === 'undefined')('link a device', () => {
  it('shows a code, checks the confirmation code and registers the new device with the wallet', async () => {
    await alice.reopen('/link');
    const { page } = alice;
    await page.getByRole('button', { name: 'Show a device link code' }).click();
    await page.getByRole('img', { name: 'Device link QR code' }).waitFor();
    const { invite, roomId } = parseLinkCode(await page.getByLabel('Device link code').inputValue());

    const fresh = await Device.fromSeeds(1, crypto.getRandomValues(new Uint8Array(32)), crypto.getRandomValues(new Uint8Array(32)));
    const channel = new LinkChannel(invite, LinkRole.NewDevice, Date.now() + LinkLifetime);
    const received: LinkMessage[] = [];
    const ws = new WebSocket(roomSocketURL(base, roomId));
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev) => {
      const m = channel.open(new Uint8Array(ev.data as ArrayBuffer));
      received.push(m);
      if (m.type === LinkType.Offer) void newLinkHello(fresh, m).then((hello) => ws.send(channel.seal(hello)));
    };
    await new Promise((ok) => (ws.onopen = ok));
    ws.send('ready');
    const code = await page.locator('[data-code]').getAttribute('data-code', { timeout: 30_000 });
    expect(code).toBe(channel.confirmationCode(fresh.keys));
    await page.getByRole('button', { name: 'The codes match: register the device' }).click();
    await page.getByRole('status').filter({ hasText: /Device \d+ is registered/ }).waitFor({ timeout: 60_000 });
    await alice.shot('link-registered');
    await expect.poll(() => received.map((m) => m.type)).toEqual([LinkType.Offer, LinkType.Data, LinkType.Done]);
    expect(received[0]!.deviceId).toBeGreaterThan(1);
    ws.close();
    noErrors();
  });
});

describe('backup', () => {
  it('creates an encrypted backup file and opens it again; a wrong passphrase is refused', async () => {
    await alice.reopen('/backup');
    const { page } = alice;
    await page.getByLabel('Backup passphrase', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('Repeat the backup passphrase').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create encrypted backup' }).click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Download backup file' }).click({ timeout: 120_000 })]);
    const file = `${dir}/backup.bin`;
    await download.saveAs(file);

    await page.getByLabel('Backup file').setInputFiles(file);
    await page.getByLabel('Passphrase of the backup').fill('not the passphrase');
    await page.getByRole('button', { name: 'Restore backup' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong passphrase' }).waitFor({ timeout: 120_000 });
    await page.getByLabel('Passphrase of the backup').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Restore backup' }).click();
    const restored = page.getByRole('definition').filter({ hasText: /^0x/ });
    await expect.poll(() => restored.textContent(), { timeout: 120_000 }).toBe(alice.address!.toLowerCase());
    await alice.shot('backup-restored');
    noErrors();
  });
});
