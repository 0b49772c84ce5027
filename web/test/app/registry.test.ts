import { createPublicClient, createWalletClient, http, type PublicClient, type WalletClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, addedDevices, authorizeAddDevice, registryCheck, signDeviceRegistration, type RegistryAt } from '../../src/app/registry.js';
import { deviceRegistryAbi } from '../../src/generated/contracts.js';
import { Device, fromHex, generateDeviceKeyPairs, keyAgreementKey, toHex, type Member } from '../../src/protocol/index.js';
import { bytecode, startAnvil, type Anvil } from './anvil.js';

// anvil's funded devnet accounts.
const devnet = (addressIndex: number) => mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex });
const [owner, relayer, user] = [devnet(0), devnet(1), devnet(2)];

let node: Anvil;
let pub: PublicClient;
let registry: RegistryAt;
const wallet = (account: ReturnType<typeof devnet>): WalletClient => createWalletClient({ account, chain: anvilChain, transport: http(node.rpcUrl) });

beforeAll(async () => {
  node = await startAnvil();
  pub = createPublicClient({ chain: anvilChain, transport: http(node.rpcUrl), pollingInterval: 50 });
  const hash = await wallet(owner).deployContract({ abi: deviceRegistryAbi, bytecode: bytecode('DeviceRegistry'), account: owner, chain: anvilChain });
  const { contractAddress } = await pub.waitForTransactionReceipt({ hash });
  registry = { chainId: anvilChain.id, address: contractAddress! };
});
afterAll(() => node?.stop());

const newDevice = async () => Device.fromCryptoKeys(await generateDeviceKeyPairs());

describe('DeviceRegistry from the browser code, on anvil', () => {
  it('registers a device by transaction and reads it back with a valid self-signature', async () => {
    const device = await newDevice();
    const signed = await signDeviceRegistration(pub, registry, owner.address, device);
    await addDevice(pub, wallet(owner), owner, registry, signed);
    const devices = await addedDevices(pub, registry, owner.address);
    const mine = devices.find((d) => d.deviceId === signed.registration.deviceId);
    expect(mine && toHex(mine.signingKey)).toBe(toHex(device.keys.signingKey));
    expect(mine && toHex(mine.keyAgreementKey)).toBe(toHex(keyAgreementKey(device.keys)));
  });

  it('registers gaslessly: the account signs EIP-712 AddDevice, a relayer submits addDeviceFor', async () => {
    const account = user.address;
    const device = await Device.fromSeeds(2, new Uint8Array(32).fill(7), new Uint8Array(32).fill(8));
    const signed = await signDeviceRegistration(pub, registry, account, device);
    const block = await pub.getBlock();
    const auth = await authorizeAddDevice(pub, wallet(user), user, registry, signed, block.timestamp + 600n);
    const r = signed.registration;
    const { request } = await pub.simulateContract({
      account: relayer,
      address: registry.address,
      abi: deviceRegistryAbi,
      functionName: 'addDeviceFor',
      args: [account, r.deviceId, toHex0x(r.signingKey), toHex0x(r.keyAgreementKey), r.suite, signed.deviceSig, auth.deadline, auth.accountSig],
    });
    await pub.waitForTransactionReceipt({ hash: await wallet(relayer).writeContract(request) });
    const devices = await addedDevices(pub, registry, account);
    expect(devices.map((d) => [d.deviceId, d.suite])).toEqual([[1, 2]]);
  });

  it('ignores a device whose self-signature is over another chain', async () => {
    const device = await newDevice();
    const signed = await signDeviceRegistration(pub, { ...registry, chainId: 1 }, relayer.address, device);
    await addDevice(pub, wallet(relayer), relayer, registry, signed);
    const next = await pub.readContract({ address: registry.address, abi: deviceRegistryAbi, functionName: 'nextDeviceId', args: [relayer.address] });
    expect(next).toBe(signed.registration.deviceId + 1);
    expect(await addedDevices(pub, registry, relayer.address)).toEqual([]);
  });

  it('keeps of the devices a server lists only those active on chain with the same keys', async () => {
    const [real, other] = [await newDevice(), await newDevice()];
    const signed = await signDeviceRegistration(pub, registry, owner.address, real);
    await addDevice(pub, wallet(owner), owner, registry, signed);
    const id = signed.registration.deviceId;
    const member = (deviceId: number, keys: Member['keys']): Member => ({ account: fromHex(owner.address), deviceId, keys });
    const listed = [
      member(id, real.keys),
      member(id, other.keys), // a key swapped in under the registered id
      member(id, { ...real.keys, kemPublicKey: other.keys.kemPublicKey }), // the registered signing key, another key agreement key
      member(id + 1, other.keys), // a device the chain does not have
    ];
    const kept = await registryCheck(pub, registry)(owner.address.toLowerCase(), listed);
    expect(kept).toEqual([listed[0]]);
  });
});

function toHex0x(b: Uint8Array): `0x${string}` {
  return `0x${toHex(b)}`;
}
