import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, addedDevices, signDeviceRegistration, type RegistryAt } from '../../src/app/registry.js';
import { isActiveDevice, linkCode, linkOffer, parseLinkCode, signedFromHello } from '../../src/features/link/flow.js';
import { deviceRegistryAbi } from '../../src/generated/contracts.js';
import { Device, isProtocolError, LinkChannel, LinkLifetime, LinkRole, LinkType, newLinkHello, newLinkInvite, toHex, verifyLinkHello } from '../../src/protocol/index.js';
import { bytecode, startAnvil, type Anvil } from '../app/anvil.js';

const owner = mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 6 });
const room = 'abcdefghijklmnopqrstuvwxyz';
let node: Anvil;
let pub: PublicClient;
let registry: RegistryAt;
const wallet = () => createWalletClient({ account: owner, chain: anvilChain, transport: http(node.rpcUrl) });

beforeAll(async () => {
  node = await startAnvil();
  pub = createPublicClient({ chain: anvilChain, transport: http(node.rpcUrl), pollingInterval: 50 });
  const hash = await wallet().deployContract({ abi: deviceRegistryAbi, bytecode: bytecode('DeviceRegistry'), account: owner, chain: anvilChain });
  registry = { chainId: anvilChain.id, address: (await pub.waitForTransactionReceipt({ hash })).contractAddress! };
});
afterAll(() => node?.stop());

describe('link codes', () => {
  it('carry the invite and the meeting room', async () => {
    const inv = newLinkInvite(await Device.fromSeeds(1, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)));
    const parsed = parseLinkCode(linkCode(inv, room));
    expect(parsed.roomId).toBe(room);
    expect(parsed.invite).toEqual(inv);
  });

  const bad = ['parley-link:1:AAAA#' + room, 'hello', `${'parley-link:1:' + 'A'.repeat(86)}#short`, `${'parley-link:1:' + 'A'.repeat(86)}`];
  it.each(bad)('refuses %s', (text) => {
    let err: unknown;
    try {
      parseLinkCode(text);
    } catch (e) {
      err = e;
    }
    expect(isProtocolError(err, 'ErrMalformed')).toBe(true);
  });
});

describe('linking a device on anvil', () => {
  it('runs offer → hello → matching codes → registration by the wallet; the new device checks the old key on chain', async () => {
    const old = await Device.fromSeeds(1, new Uint8Array(32).fill(3), new Uint8Array(32).fill(4));
    await addDevice(pub, wallet(), owner, registry, await signDeviceRegistration(pub, registry, owner.address, old));

    const inv = newLinkInvite(old);
    const { invite } = parseLinkCode(linkCode(inv, room));
    expect(await isActiveDevice(pub, registry, owner.address, invite.oldSigningKey)).toBe(true);
    expect(await isActiveDevice(pub, registry, owner.address, new Uint8Array(32).fill(9))).toBe(false);

    const expires = Date.now() + LinkLifetime;
    const oldSide = new LinkChannel(inv, LinkRole.OldDevice, expires);
    const newSide = new LinkChannel(invite, LinkRole.NewDevice, expires);
    const offer = newSide.open(oldSide.seal(await linkOffer(pub, registry, owner.address)));
    expect(offer.deviceId).toBe(2);

    const fresh = await Device.fromSeeds(1, new Uint8Array(32).fill(5), new Uint8Array(32).fill(6));
    const hello = oldSide.open(newSide.seal(await newLinkHello(fresh, offer)));
    const { keys, registration } = await verifyLinkHello(offer, hello);
    expect(oldSide.confirmationCode(keys)).toBe(newSide.confirmationCode(fresh.keys));

    await addDevice(pub, wallet(), owner, registry, signedFromHello(registration, hello));
    const devices = await addedDevices(pub, registry, owner.address);
    expect(devices.map((d) => [d.deviceId, toHex(d.signingKey)])).toContainEqual([2, toHex(fresh.keys.signingKey)]);
    expect(newSide.open(oldSide.seal({ type: LinkType.Done })).type).toBe(LinkType.Done);
  });
});
