import { toHex, type Address, type PublicClient } from 'viem';
import { activeDevices, type RegistryAt, type SignedRegistration } from '../../app/registry.js';
import { deviceRegistryAbi } from '../../generated/contracts.js';
import { equal, fail, fromHex, linkQR, LinkType, parseLinkQR, type DeviceRegistration, type LinkInvite, type LinkMessage } from '../../protocol/index.js';

/**
 * The text of the linking QR code: the protocol's "parley-link:1:…" (docs/protocol.md §8.1) and,
 * after "#", the relay room the two devices meet in. The relay cannot be told the protocol's
 * channel id yet (its rooms get server-chosen ids), so the room id rides along; "#" is outside
 * the base64url alphabet, so the split is unambiguous.
 */
export function linkCode(inv: LinkInvite, roomId: string): string {
  return `${linkQR(inv)}#${roomId}`;
}

/** Parses a linking code; anything else is ErrMalformed. */
export function parseLinkCode(text: string): { invite: LinkInvite; roomId: string } {
  const at = text.trim().lastIndexOf('#');
  const roomId = text.trim().slice(at + 1);
  if (at < 0 || !/^[a-z2-7]{26}$/.test(roomId)) fail('ErrMalformed', 'link code without a room');
  return { invite: parseLinkQR(text.trim().slice(0, at)), roomId };
}

/** The old device's offer: the registry, the account and the id the new device will register under. */
export async function linkOffer(pub: PublicClient, registry: RegistryAt, account: Address): Promise<LinkMessage> {
  const deviceId = await pub.readContract({ address: registry.address, abi: deviceRegistryAbi, functionName: 'nextDeviceId', args: [account] });
  return { type: LinkType.Offer, chainId: BigInt(registry.chainId), registry: fromHex(registry.address), account: fromHex(account), deviceId };
}

/** Turns a verified hello into the registration the wallet authorizes (gaslessly or by transaction). */
export function signedFromHello(registration: DeviceRegistration, hello: LinkMessage): SignedRegistration {
  return { registration, deviceSig: toHex(hello.deviceSig!) };
}

/**
 * Whether signingKey belongs to an active (added, not revoked) device of account, read from the
 * registry itself: the new device checks the QR code's key before trusting the channel (§8.1).
 */
export async function isActiveDevice(pub: PublicClient, registry: RegistryAt, account: Address, signingKey: Uint8Array): Promise<boolean> {
  return (await activeDevices(pub, registry, account)).some((d) => equal(d.signingKey, signingKey));
}
