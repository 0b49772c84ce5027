import { decodeEventLog, encodeAbiParameters, encodeEventTopics, encodeFunctionData, getAddress, toFunctionSelector } from 'viem';
import { describe, expect, it } from 'vitest';
import { deployments, deviceRegistryAbi, tipJarAbi } from '../src/generated/contracts.js';

describe('generated contracts', () => {
  it('has checksummed devnet addresses', () => {
    const d = deployments[31337];
    expect(d.chainId).toBe(31337);
    expect(getAddress(d.deviceRegistry)).toBe(d.deviceRegistry);
    expect(getAddress(d.tipJar)).toBe(d.tipJar);
  });

  it('encodes a DeviceRegistry view call with the generated ABI', () => {
    const data = encodeFunctionData({ abi: deviceRegistryAbi, functionName: 'nextDeviceId', args: [deployments[31337].tipJar] });
    expect(data.slice(0, 10)).toBe(toFunctionSelector('nextDeviceId(address)'));
  });

  it('decodes a DeviceAdded log', () => {
    const account = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    const event = deviceRegistryAbi.find((x) => x.type === 'event' && x.name === 'DeviceAdded');
    expect(event).toBeDefined();
    const topics = encodeEventTopics({ abi: deviceRegistryAbi, eventName: 'DeviceAdded', args: { account, deviceId: 1 } });
    const indexed = new Set(event!.inputs.filter((i) => i.indexed).map((i) => i.name));
    const rest = event!.inputs.filter((i) => !i.indexed);
    const values: Record<string, unknown> = { signingKey: `0x${'11'.repeat(32)}`, keyAgreementKey: `0x${'22'.repeat(32)}`, suite: 1, seq: 7n, deviceSig: `0x${'33'.repeat(64)}` };
    const data = encodeAbiParameters(rest, rest.map((i) => values[i.name]) as never);
    const log = decodeEventLog({ abi: deviceRegistryAbi, topics: topics as [`0x${string}`, ...`0x${string}`[]], data });
    expect(log.eventName).toBe('DeviceAdded');
    expect(indexed.has('account')).toBe(true);
    expect(log.args).toMatchObject({ account, deviceId: 1, suite: 1, seq: 7n });
  });

  it('exports the TipJar ABI', () => {
    expect(tipJarAbi.some((x) => x.type === 'function')).toBe(true);
  });
});
