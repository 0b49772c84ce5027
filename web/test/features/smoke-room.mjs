// Smoke check of the anonymous room screen in Debian's Chromium against a running dev server:
//   (make dev) && (cd web && npx vite --port 5174) && node test/features/smoke-room.mjs [http://127.0.0.1:5174] [shot dir]
// Two fresh browser contexts at phone size: one creates a room, the other opens its link; both
// exchange a line; any console error or page error fails the run.
import { chromium } from 'playwright';

const base = process.argv[2] ?? 'http://127.0.0.1:5174';
const shots = process.argv[3] ?? '/tmp';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const errors = [];
const page = async (name) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await ctx.newPage();
  // favicon.ico belongs to the app shell (web/public), not to this screen.
  p.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`${name}: ${m.text()} (${m.location().url})`));
  p.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  p.on('response', (r) => r.status() >= 400 && errors.push(`${name}: ${r.status()} ${r.url()}`));
  return p;
};
try {
  const ann = await page('ann');
  await ann.goto(`${base}/r/new`);
  await ann.getByRole('button', { name: 'New room' }).click();
  const link = await ann.getByRole('textbox', { name: 'Room link' }).inputValue();
  if (!/\/r\/[a-z2-7]{26}#k=[A-Za-z0-9_-]{43}$/.test(link)) throw new Error(`unexpected room link ${link}`);
  await ann.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  const bob = await page('bob');
  await bob.goto(link);
  await bob.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  await ann.getByRole('textbox', { name: 'Nickname' }).fill('ann');
  await ann.getByRole('textbox', { name: 'Room message' }).fill('hello from ann');
  await ann.getByRole('button', { name: 'Send to room' }).click();
  await bob.getByRole('log', { name: 'Room messages' }).getByText('hello from ann').waitFor();
  await bob.getByRole('textbox', { name: 'Nickname' }).fill('bob');
  await bob.getByRole('textbox', { name: 'Room message' }).fill('hi ann');
  await bob.getByRole('button', { name: 'Send to room' }).click();
  await ann.getByRole('log', { name: 'Room messages' }).getByText('hi ann').waitFor();
  await ann.screenshot({ path: `${shots}/room-ann.png` });
  await bob.screenshot({ path: `${shots}/room-bob.png` });
  if (errors.length) throw new Error(`console errors:\n${errors.join('\n')}`);
  console.log(`room smoke: ok (${link.replace(/#.*/, '#…')})`);
} finally {
  await browser.close();
}
