import { getAddress, keccak256, toHex as hex, type Account, type Address, type Hex, type PublicClient, type WalletClient } from 'viem';
import { deviceRegistryAbi } from '../generated/contracts.js';
import { post, type Fetch } from './api.js';
import { checkOnChain, fromHex, keyAgreementKey, signRegistration, verifyRegistration, type Device, type DeviceRegistration, type Member } from '../protocol/index.js';

/** Where the DeviceRegistry lives. */
export interface RegistryAt {
  /** The EIP-155 chain id. */
  chainId: number;
  /** The DeviceRegistry address. */
  address: Address;
}

/** A device registration ready to submit: the protocol record and the device's self-signature. */
export interface SignedRegistration {
  /** The record the device signed (docs/protocol.md §3.1). */
  registration: DeviceRegistration;
  /** The device's 64-byte Ed25519 self-signature. */
  deviceSig: Hex;
}

/** Reads the account's next device id and has the device sign its registration under it. */
export async function signDeviceRegistration(pub: PublicClient, registry: RegistryAt, account: Address, device: Device): Promise<SignedRegistration> {
  const deviceId = await pub.readContract({ address: registry.address, abi: deviceRegistryAbi, functionName: 'nextDeviceId', args: [account] });
  const registration: DeviceRegistration = {
    chainId: BigInt(registry.chainId),
    registry: fromHex(registry.address),
    account: fromHex(account),
    deviceId,
    suite: device.keys.suite,
    signingKey: device.keys.signingKey,
    keyAgreementKey: keyAgreementKey(device.keys),
  };
  return { registration, deviceSig: hex(await signRegistration(device, registration)) };
}

function addDeviceArgs(s: SignedRegistration) {
  const r = s.registration;
  return [r.deviceId, hex(r.signingKey), hex(r.keyAgreementKey), r.suite, s.deviceSig] as const;
}

/** Registers the device by a transaction from the wallet: simulate, write, wait for the receipt. */
export async function addDevice(pub: PublicClient, wallet: WalletClient, account: Account | Address, registry: RegistryAt, s: SignedRegistration): Promise<Hex> {
  const { request } = await pub.simulateContract({ account, address: registry.address, abi: deviceRegistryAbi, functionName: 'addDevice', args: addDeviceArgs(s) });
  const hash = await wallet.writeContract({ ...request, chain: wallet.chain ?? null });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`addDevice transaction ${hash} reverted`);
  return hash;
}

/** The account's EIP-712 authorization of a gasless registration, for the API's relayer (addDeviceFor). */
export interface AddDeviceAuthorization {
  /** The account's typed-data signature. */
  accountSig: Hex;
  /** The last valid block timestamp. */
  deadline: bigint;
}

/**
 * Has the wallet sign the EIP-712 `AddDevice` typed data of the registry (domain "Parley DeviceRegistry",
 * version "1"), binding the device signature by its hash and consuming `nonces(account)`.
 */
export async function authorizeAddDevice(
  pub: PublicClient,
  wallet: WalletClient,
  account: Account | Address,
  registry: RegistryAt,
  s: SignedRegistration,
  deadline: bigint,
): Promise<AddDeviceAuthorization> {
  const owner = typeof account === 'string' ? account : account.address;
  const nonce = await pub.readContract({ address: registry.address, abi: deviceRegistryAbi, functionName: 'nonces', args: [owner] });
  const r = s.registration;
  const accountSig = await wallet.signTypedData({
    account,
    domain: { name: 'Parley DeviceRegistry', version: '1', chainId: registry.chainId, verifyingContract: registry.address },
    primaryType: 'AddDevice',
    types: {
      AddDevice: [
        { name: 'account', type: 'address' },
        { name: 'deviceId', type: 'uint32' },
        { name: 'signingKey', type: 'bytes32' },
        { name: 'keyAgreementKey', type: 'bytes32' },
        { name: 'suite', type: 'uint8' },
        { name: 'deviceSigHash', type: 'bytes32' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    message: {
      account: owner,
      deviceId: r.deviceId,
      signingKey: hex(r.signingKey),
      keyAgreementKey: hex(r.keyAgreementKey),
      suite: r.suite,
      deviceSigHash: keccak256(s.deviceSig),
      nonce,
      deadline,
    },
  });
  return { accountSig, deadline };
}

/** Asks the API's relayer to submit addDeviceFor (POST /v1/devices/relayed); the device is then pending. */
export async function relayAddDevice(fetchFn: Fetch, accessToken: string, s: SignedRegistration, auth: AddDeviceAuthorization): Promise<{ state: string; txHash?: string }> {
  const r = s.registration;
  return post(
    fetchFn,
    '/v1/devices/relayed',
    {
      deviceId: r.deviceId,
      suite: r.suite,
      signingKey: hex(r.signingKey),
      keyAgreementKey: hex(r.keyAgreementKey),
      deviceSignature: s.deviceSig,
      deadline: Number(auth.deadline),
      accountSignature: auth.accountSig,
    },
    accessToken,
  );
}

/** A device of an account as the registry's DeviceAdded events show it, with its self-signature checked. */
export interface RegisteredDevice {
  /** The device id. */
  deviceId: number;
  /** The key suite. */
  suite: number;
  /** The Ed25519 key. */
  signingKey: Uint8Array;
  /** The on-chain key-agreement key. */
  keyAgreementKey: Uint8Array;
}

/**
 * Returns the devices added to account, skipping any whose self-signature fails (docs/protocol.md §3:
 * clients MUST ignore them). Revocations and rotations are not applied here.
 */
export async function addedDevices(pub: PublicClient, registry: RegistryAt, account: Address): Promise<RegisteredDevice[]> {
  const logs = await pub.getContractEvents({ address: registry.address, abi: deviceRegistryAbi, eventName: 'DeviceAdded', args: { account }, fromBlock: 0n, strict: true });
  const out: RegisteredDevice[] = [];
  for (const { args } of logs) {
    const d = { deviceId: args.deviceId, suite: args.suite, signingKey: fromHex(args.signingKey), keyAgreementKey: fromHex(args.keyAgreementKey) };
    const reg: DeviceRegistration = { chainId: BigInt(registry.chainId), registry: fromHex(registry.address), account: fromHex(account), ...d };
    const ok = await verifyRegistration(reg, fromHex(args.deviceSig)).then(
      () => true,
      () => false,
    );
    if (ok) out.push(d);
  }
  return out;
}

const pageSize = 50;

/** The account's active devices (added, not revoked, current keys) as the registry itself answers (activeDevices, page by page). */
export async function activeDevices(pub: PublicClient, registry: RegistryAt, account: Address): Promise<RegisteredDevice[]> {
  const out: RegisteredDevice[] = [];
  let cursor = 0;
  do {
    const [devices, next] = await pub.readContract({ address: registry.address, abi: deviceRegistryAbi, functionName: 'activeDevices', args: [account, cursor, pageSize] });
    for (const d of devices) out.push({ deviceId: d.deviceId, suite: d.suite, signingKey: fromHex(d.signingKey), keyAgreementKey: fromHex(d.keyAgreementKey) });
    cursor = next;
  } while (cursor !== 0);
  return out;
}

/** Keeps, of the devices the API lists for an account, the ones a source the server does not control confirms. */
export type DeviceCheck = (account: string, listed: Member[]) => Promise<Member[]>;

/**
 * A DeviceCheck against the registry, read through pub (the wallet's RPC, not the server): a
 * listed device counts only when it is active on chain under the same id with the same keys, so
 * a key the server invented or swapped is never encrypted to nor trusted as a sender.
 */
export function registryCheck(pub: PublicClient, registry: RegistryAt): DeviceCheck {
  return async (account, listed) => {
    const onChain = await activeDevices(pub, registry, getAddress(account));
    const kept: Member[] = [];
    for (const m of listed) {
      const d = onChain.find((x) => x.deviceId === m.deviceId);
      const same = d && (await checkOnChain(m.keys, d.suite, d.signingKey, d.keyAgreementKey).then(() => true, () => false));
      if (same) kept.push(m);
    }
    return kept;
  };
}
