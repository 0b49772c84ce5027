// Debian's Chromium driven by playwright-core, one browser context per person, console errors
// collected and a screenshot of every step.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Hex } from 'viem';
import { installWallet, type WalletControl } from './wallet.js';

/**
 * Starts the system Chromium (CHROMIUM overrides /usr/bin/chromium); never a downloaded browser.
 * With camera, every page's camera is Chromium's fake one playing that MJPEG file (read when a page
 * opens the camera, so it may be written later; frame sizes must be even), allowed without asking.
 */
export function launch(opts: { camera?: string } = {}): Promise<Browser> {
  const camera = opts.camera ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${opts.camera}`] : [];
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...camera],
  });
}

/** Screenshots numbered in the order they are taken, so the artifact dir reads as the story. */
export class Shots {
  private n = 0;

  /** Writes screenshots under dir. */
  constructor(readonly dir: string) {}

  /** Saves a full-page screenshot of page as NN-name.png. */
  async take(page: Page, name: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.n++;
    await page.screenshot({ path: join(this.dir, `${String(this.n).padStart(2, '0')}-${name}.png`), fullPage: true });
  }
}

/** One person in the test: their own browser context (storage, IndexedDB) and page. */
export class Person {
  /** Console errors and uncaught exceptions of every page of this person, as text. */
  readonly errors: string[] = [];
  /** The open page; replaced by reopen. */
  page!: Page;

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly address: Hex | undefined,
    private readonly shots: Shots,
  ) {}

  /** A person with a fresh context; with a key they also get the injected test wallet on rpcURL. */
  static async create(browser: Browser, name: string, baseURL: string, shots: Shots, opts: { key?: Hex; rpcURL?: string; wallet?: WalletControl; mobile?: boolean } = {}): Promise<Person> {
    const context = await browser.newContext({ baseURL, viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1280, height: 800 } });
    const address = opts.key ? await installWallet(context, opts.key, opts.rpcURL!, opts.wallet) : undefined;
    const p = new Person(name, context, address, shots);
    await p.reopen();
    return p;
  }

  /** Opens a new page (after closing the current one), watching its console. */
  async reopen(path = '/'): Promise<Page> {
    if (this.page && !this.page.isClosed()) await this.page.close();
    const page = await this.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`${this.name} console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => this.errors.push(`${this.name} page error: ${e.message}`));
    this.page = page;
    await page.goto(path);
    return page;
  }

  /** Closes the page: the person is offline. */
  async leave(): Promise<void> {
    await this.page.close();
  }

  /** Screenshots the person's page for the step. */
  shot(step: string): Promise<void> {
    return this.shots.take(this.page, `${this.name}-${step}`);
  }
}
