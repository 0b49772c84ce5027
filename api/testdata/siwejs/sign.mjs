// Reads {privateKey, domain, uri, nonce, chainId, issuedAt, expirationTime} as JSON on stdin,
// builds the EIP-4361 message with viem/siwe and signs it (EIP-191) with the key; prints
// {address, message, signature} as JSON.
import { createSiweMessage } from 'viem/siwe';
import { privateKeyToAccount } from 'viem/accounts';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const a = JSON.parse(input);
const account = privateKeyToAccount(a.privateKey);
const message = createSiweMessage({
  address: account.address,
  chainId: a.chainId,
  domain: a.domain,
  nonce: a.nonce,
  uri: a.uri,
  version: '1',
  statement: 'Sign in to Parley from the reference JS library.',
  issuedAt: new Date(a.issuedAt),
  expirationTime: new Date(a.expirationTime),
  resources: ['https://parley.test/terms'],
});
const signature = await account.signMessage({ message });
process.stdout.write(JSON.stringify({ address: account.address, message, signature }));
