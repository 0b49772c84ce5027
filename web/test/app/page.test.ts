import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('the page', () => {
  it('sends no Referer, also where no server header says so (the dev server): a room id never leaves for another origin', async () => {
    const html = await readFile(new URL('../../index.html', import.meta.url), 'utf8');
    const doc = /<meta name="referrer" content="([^"]+)"/.exec(html);
    expect(doc?.[1]).toBe('no-referrer');
  });
});
