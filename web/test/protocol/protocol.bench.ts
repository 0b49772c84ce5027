// Protocol costs in Node's WebCrypto and the npm packages: `npx vitest bench --run`.
import { bench, describe } from 'vitest';
import { backup, DefaultArgon2, Device, restore, Session, utf8, type Member } from '../../src/protocol/index.js';

const conversationId = new Uint8Array(32).fill(1);
const seeds = (b: number) => [new Uint8Array(32).fill(b), new Uint8Array(32).fill(b + 1)] as const;

async function pair(suite: 1 | 2) {
  const a = await Device.fromSeeds(1, ...seeds(0x10));
  const b = await Device.fromSeeds(suite, ...seeds(0x20));
  const members: Member[] = [
    { account: new Uint8Array(20).fill(0xa), deviceId: 1, keys: a.keys },
    { account: new Uint8Array(20).fill(0xb), deviceId: 1, keys: b.keys },
  ];
  const s = (d: Device, m: Member) => Session.create({ conversationId, account: m.account, deviceId: 1, device: d, epoch: 1n, members });
  return { sender: await s(a, members[0]!), receiver: await s(b, members[1]!) };
}

for (const suite of [1, 2] as const) {
  describe(`suite ${suite}`, async () => {
    const { sender, receiver } = await pair(suite);
    const pt = utf8('x'.repeat(256));
    await receiver.open((await sender.seal(pt)).envelope);
    bench('seal + open a 256-byte message in a running chain', async () => {
      await receiver.open((await sender.seal(pt)).envelope);
    });
    bench('start a chain: wrap to one device, seal, unwrap, open', async () => {
      sender.rotate();
      await receiver.open((await sender.seal(pt)).envelope);
    });
  });
}

describe('backup', async () => {
  const d = await Device.fromSeeds(1, ...seeds(0x30));
  const contents = { suite: 1, signingSeed: d.seeds!.signingSeed, kemSeed: d.seeds!.kemSeed, account: new Uint8Array(20), deviceId: 1, data: new Uint8Array(1024) };
  bench('backup + restore with the default Argon2id (t=3, m=64 MiB, p=4)', () => {
    restore(utf8('pass'), backup(utf8('pass'), DefaultArgon2, contents));
  }, { iterations: 2, time: 0 });
});
