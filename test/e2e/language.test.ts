import { describe, expect, it } from 'vitest';
import { browserJourney } from './support/journey.ts';

describe("the language switch is the signed-in user's language", () => {
  const journey = browserJourney();
  const accountLocale = async () =>
    ((await (await journey.page.request.get(`${journey.server.url}/api/v1/me`)).json()) as { locale: string }).locale;

  it('switching to English and back sets the account language that emails and pushes use', async () => {
    const { page } = journey;
    await journey.signIn('resident');
    expect(await accountLocale()).toBe('zh-CN');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: '中文' }).waitFor();
    await expect.poll(accountLocale).toBe('en');

    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('button', { name: 'English' }).waitFor();
    await expect.poll(accountLocale).toBe('zh-CN');
  });
});
