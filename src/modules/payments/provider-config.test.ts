// The real providers' configuration: all of a provider's variables or none; a half-configured provider stops the
// server at start with the missing variable's name; no error or printed config shows a key.
import { inspect } from 'node:util';
import { describe, expect, it, afterAll } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../server/config.ts';
import { freshDatabase } from '../../../test/support/db.ts';
import { KeyDir, leaks, rsaKeys, setEnv } from '../../../test/support/payment-keys.ts';
import { ALIPAY_VARIABLES, alipayConfig, Secret, WECHATPAY_VARIABLES, wechatPayConfig } from './provider-config.ts';
import { paymentSettings } from './settings.ts';

const keys = new KeyDir();
afterAll(() => keys.remove());
const appKey = rsaKeys('pkcs1');
const alipayKey = rsaKeys();
const merchant = rsaKeys();
const platform = rsaKeys();
const APIV3_KEY = 'Q9w8E7r6T5y4U3i2O1p0A9s8D7f6G5h4';

const alipayEnv = {
  ALIPAY_APP_ID: '2021000000000001',
  ALIPAY_PRIVATE_KEY_FILE: keys.write('app.pem', appKey.privatePem),
  ALIPAY_PUBLIC_KEY_FILE: keys.write('alipay.pem', alipayKey.publicPem),
  ALIPAY_NOTIFY_URL: 'https://terrace.example.cn/api/v1/payments/callback/alipay',
};
const wechatEnv = {
  WECHATPAY_MCHID: '1900000109',
  WECHATPAY_APPID: 'wxd678efh567hg6787',
  WECHATPAY_MERCHANT_SERIAL_NO: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY_FILE: keys.write('apiclient_key.pem', merchant.privatePem),
  WECHATPAY_APIV3_KEY: APIV3_KEY,
  WECHATPAY_NOTIFY_URL: 'https://terrace.example.cn/api/v1/payments/callback/wechatpay',
  WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: keys.write('pub_key.pem', platform.publicPem),
  WECHATPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025113000000000000001',
};
const SECRETS = [appKey.privatePem, merchant.privatePem, APIV3_KEY];

describe('payments: provider configuration', () => {
  it('no variables: only the sandbox; all of a provider: it is enabled and may be chosen', () => {
    expect(paymentSettings({})).toMatchObject({ enabled: ['sandbox'], defaultProvider: 'sandbox' });
    expect(paymentSettings({ ...alipayEnv, ...wechatEnv })).toMatchObject({ enabled: ['sandbox', 'alipay', 'wechatpay'], defaultProvider: 'sandbox' });
    expect(paymentSettings({ ...alipayEnv, PAYMENTS_SANDBOX: 'off' })).toMatchObject({ enabled: ['alipay'], defaultProvider: 'alipay' });
    expect(paymentSettings({ ...alipayEnv, ...wechatEnv, PAYMENTS_PROVIDER: 'wechatpay' })).toMatchObject({ defaultProvider: 'wechatpay' });
    expect(() => paymentSettings({ PAYMENTS_PROVIDER: 'alipay' })).toThrow(/PAYMENTS_PROVIDER: alipay is chosen but not available: set the ALIPAY_\* variables/);
  });

  it('refuses every half configuration, naming the variable that is missing', () => {
    for (const [env, vars] of [
      [alipayEnv, ALIPAY_VARIABLES],
      [wechatEnv, WECHATPAY_VARIABLES],
    ] as const) {
      for (const name of vars.required) {
        const half: Record<string, string> = { ...env };
        delete half[name];
        expect(() => paymentSettings(half), name).toThrow(new RegExp(`^Invalid payments configuration: ${name}: .*half-configured: ${name} is not set`));
      }
      // One optional variable alone is half a configuration too.
      const [optional] = vars.optional;
      expect(() => paymentSettings({ [optional]: 'x' })).toThrow(/half-configured/);
    }
    const noPlatformKey: Record<string, string> = { ...wechatEnv };
    delete noPlatformKey.WECHATPAY_PLATFORM_PUBLIC_KEY_FILE;
    delete noPlatformKey.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
    expect(() => paymentSettings(noPlatformKey)).toThrow(/WECHATPAY_PLATFORM_CERT_FILE/);
    const keyWithoutId: Record<string, string> = { ...wechatEnv };
    delete keyWithoutId.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
    expect(() => paymentSettings(keyWithoutId)).toThrow(/WECHATPAY_PLATFORM_PUBLIC_KEY_ID: is not set/);
  });

  it('refuses bad values by name without showing them: unreadable files, files that hold no key, a short APIv3 key', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...alipayEnv, ALIPAY_PRIVATE_KEY_FILE: '/nonexistent/app.pem' }, /ALIPAY_PRIVATE_KEY_FILE: cannot read the file it names \(ENOENT\)/],
      // A file holding a secret that is not a key: the error must not show it.
      [{ ...alipayEnv, ALIPAY_PRIVATE_KEY_FILE: keys.write('secret.txt', APIV3_KEY) }, /ALIPAY_PRIVATE_KEY_FILE: the file does not hold a PEM RSA private key/],
      [{ ...alipayEnv, ALIPAY_PUBLIC_KEY_FILE: alipayEnv.ALIPAY_PRIVATE_KEY_FILE.replace('app.pem', 'secret.txt') }, /ALIPAY_PUBLIC_KEY_FILE: the file does not hold a PEM RSA public key/],
      [{ ...alipayEnv, ALIPAY_NOTIFY_URL: 'not a url' }, /ALIPAY_NOTIFY_URL: is not an http\(s\) URL/],
      [{ ...alipayEnv, ALIPAY_APP_ID: 'abc' }, /ALIPAY_APP_ID/],
      [{ ...wechatEnv, WECHATPAY_APIV3_KEY: APIV3_KEY.slice(0, 31) }, /WECHATPAY_APIV3_KEY: must be 32 bytes long/],
      [{ ...wechatEnv, WECHATPAY_PRIVATE_KEY_FILE: alipayEnv.ALIPAY_PUBLIC_KEY_FILE }, /WECHATPAY_PRIVATE_KEY_FILE: the file does not hold a PEM RSA private key/],
      [{ ...wechatEnv, WECHATPAY_PLATFORM_CERT_FILE: alipayEnv.ALIPAY_PUBLIC_KEY_FILE }, /WECHATPAY_PLATFORM_CERT_FILE: the file does not hold a PEM X.509 certificate/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        paymentSettings(env);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect(leaks(`${(error as Error).message}\n${(error as Error).stack}\n${inspect(error)}`, [...SECRETS, APIV3_KEY.slice(0, 31)])).toEqual([]);
    }
  });

  it('keeps keys out of anything printed: a Secret and a whole configuration print without key material', () => {
    const s = new Secret(APIV3_KEY);
    expect([String(s), `${s}`, JSON.stringify({ s }), inspect(s), inspect({ s })]).toEqual(['[secret]', '[secret]', '{"s":"[secret]"}', '[secret]', '{ s: [secret] }']);
    expect(s.reveal()).toBe(APIV3_KEY);
    const printed = [inspect(alipayConfig(alipayEnv), { depth: 5 }), JSON.stringify(alipayConfig(alipayEnv)), inspect(wechatPayConfig(wechatEnv), { depth: 5 }), JSON.stringify(wechatPayConfig(wechatEnv))].join('\n');
    expect(leaks(printed, SECRETS)).toEqual([]);
  });

  it('the server does not start half-configured, and says which variable is missing', async () => {
    const db = await freshDatabase('pglite');
    const restore = setEnv({ ...alipayEnv, ALIPAY_PUBLIC_KEY_FILE: undefined });
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent' });
      await expect(buildApp(config, db).then((app) => app.ready())).rejects.toThrow(/ALIPAY_PUBLIC_KEY_FILE/);
    } finally {
      restore();
      await db.dispose();
    }
  });
});
