// The real providers' configuration, from the environment: which variables, what they must hold, and the one
// rule that a provider is either wholly configured or not at all. Key material is read from files named by the
// environment and kept in `Secret`s, which print as `[secret]` (in logs, errors, JSON and util.inspect alike).
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A secret value that never prints: JSON.stringify, String() and util.inspect all show `[secret]`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString() {
    return '[secret]';
  }
  toJSON() {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return '[secret]';
  }
}

/** A configuration error names the variable and what is wrong with it, never a value. */
export class ConfigurationError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid payments configuration: ${variable}: ${detail}`);
    this.name = 'ConfigurationError';
  }
}

export interface AlipayConfig {
  appId: string;
  /** The application's RSA private key (PEM), which signs requests (RSA2 = SHA256withRSA). */
  privateKey: Secret;
  keyType: 'PKCS1' | 'PKCS8';
  /** Alipay's public key (PEM), which verifies notifications and answers. */
  alipayPublicKey: string;
  notifyUrl: string;
  gateway: string;
}

export interface WeChatPayConfig {
  mchid: string;
  appid: string;
  /** Serial number of the merchant API certificate (names the key in the Authorization header). */
  merchantSerialNo: string;
  merchantPrivateKey: KeyObject;
  /** The APIv3 key: 32 bytes, the AES-256-GCM key of notifications' resources. */
  apiV3Key: Secret;
  /** The platform's keys that verify callbacks and answers, by the serial (`Wechatpay-Serial`) that names them. */
  platformKeys: Map<string, KeyObject>;
  notifyUrl: string;
  baseUrl: string;
}

export const ALIPAY_VARIABLES = {
  required: ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY_FILE', 'ALIPAY_PUBLIC_KEY_FILE', 'ALIPAY_NOTIFY_URL'],
  optional: ['ALIPAY_GATEWAY'],
} as const;

export const WECHATPAY_VARIABLES = {
  required: ['WECHATPAY_MCHID', 'WECHATPAY_APPID', 'WECHATPAY_MERCHANT_SERIAL_NO', 'WECHATPAY_PRIVATE_KEY_FILE', 'WECHATPAY_APIV3_KEY', 'WECHATPAY_NOTIFY_URL'],
  /** The platform's key: a platform certificate, or the platform public key and its id (one of the two). */
  optional: ['WECHATPAY_PLATFORM_CERT_FILE', 'WECHATPAY_PLATFORM_PUBLIC_KEY_FILE', 'WECHATPAY_PLATFORM_PUBLIC_KEY_ID', 'WECHATPAY_BASE_URL'],
} as const;

const value = (env: NodeJS.ProcessEnv, name: string) => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

/** Null when none of the provider's variables is set; the names of the missing ones when only some are. */
function presence(env: NodeJS.ProcessEnv, provider: string, vars: { required: readonly string[]; optional: readonly string[] }) {
  const set = [...vars.required, ...vars.optional].filter((n) => value(env, n) !== undefined);
  if (set.length === 0) return null;
  const missing = vars.required.filter((n) => value(env, n) === undefined);
  if (missing.length > 0) {
    throw new ConfigurationError(
      missing[0],
      `${provider} is half-configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set while ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'}. Set all of ${vars.required.join(', ')} or none.`,
    );
  }
  return true;
}

function readFile(env: NodeJS.ProcessEnv, name: string): string {
  const file = value(env, name)!;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigurationError(name, `cannot read the file it names (${code})`);
  }
}

function privateKeyFrom(env: NodeJS.ProcessEnv, name: string): { pem: string; key: KeyObject } {
  const pem = readFile(env, name);
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not rsa');
    return { pem, key };
  } catch {
    throw new ConfigurationError(name, 'the file does not hold a PEM RSA private key');
  }
}

function publicKeyFrom(env: NodeJS.ProcessEnv, name: string): { pem: string; key: KeyObject } {
  const pem = readFile(env, name);
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not rsa');
    return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), key };
  } catch {
    throw new ConfigurationError(name, 'the file does not hold a PEM RSA public key');
  }
}

function url(env: NodeJS.ProcessEnv, name: string, fallback?: string): string {
  const v = value(env, name) ?? fallback;
  if (v === undefined) throw new ConfigurationError(name, 'is not set');
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
    return u.toString();
  } catch {
    throw new ConfigurationError(name, 'is not an http(s) URL');
  }
}

/** Alipay's configuration, or null when none of ALIPAY_* is set; throws ConfigurationError naming the variable otherwise. */
export function alipayConfig(env: NodeJS.ProcessEnv = process.env): AlipayConfig | null {
  if (!presence(env, 'Alipay', ALIPAY_VARIABLES)) return null;
  const appId = value(env, 'ALIPAY_APP_ID')!;
  if (!/^\d{8,32}$/.test(appId)) throw new ConfigurationError('ALIPAY_APP_ID', 'must be the application id Alipay gave (digits)');
  const { pem } = privateKeyFrom(env, 'ALIPAY_PRIVATE_KEY_FILE');
  return {
    appId,
    privateKey: new Secret(pem),
    keyType: pem.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
    alipayPublicKey: publicKeyFrom(env, 'ALIPAY_PUBLIC_KEY_FILE').pem,
    notifyUrl: url(env, 'ALIPAY_NOTIFY_URL'),
    gateway: url(env, 'ALIPAY_GATEWAY', 'https://openapi.alipay.com/gateway.do'),
  };
}

/** WeChat Pay's configuration, or null when none of WECHATPAY_* is set; throws ConfigurationError naming the variable otherwise. */
export function wechatPayConfig(env: NodeJS.ProcessEnv = process.env): WeChatPayConfig | null {
  if (!presence(env, 'WeChat Pay', WECHATPAY_VARIABLES)) return null;
  const mchid = value(env, 'WECHATPAY_MCHID')!;
  if (!/^\d{6,32}$/.test(mchid)) throw new ConfigurationError('WECHATPAY_MCHID', 'must be the merchant id WeChat Pay gave (digits)');
  const appid = value(env, 'WECHATPAY_APPID')!;
  if (!/^[A-Za-z0-9_]{6,32}$/.test(appid)) throw new ConfigurationError('WECHATPAY_APPID', 'must be an application id such as wx…');
  const merchantSerialNo = value(env, 'WECHATPAY_MERCHANT_SERIAL_NO')!;
  if (!/^[0-9A-Fa-f]{8,64}$/.test(merchantSerialNo)) throw new ConfigurationError('WECHATPAY_MERCHANT_SERIAL_NO', 'must be the certificate serial number (hex)');
  const apiV3Key = value(env, 'WECHATPAY_APIV3_KEY')!;
  if (Buffer.byteLength(apiV3Key) !== 32) throw new ConfigurationError('WECHATPAY_APIV3_KEY', 'must be 32 bytes long');
  const platformKeys = new Map<string, KeyObject>();
  const certFile = value(env, 'WECHATPAY_PLATFORM_CERT_FILE');
  const keyFile = value(env, 'WECHATPAY_PLATFORM_PUBLIC_KEY_FILE');
  const keyId = value(env, 'WECHATPAY_PLATFORM_PUBLIC_KEY_ID');
  if (certFile) {
    const text = readFile(env, 'WECHATPAY_PLATFORM_CERT_FILE');
    try {
      const cert = new X509Certificate(text);
      platformKeys.set(cert.serialNumber.toUpperCase(), cert.publicKey);
    } catch {
      throw new ConfigurationError('WECHATPAY_PLATFORM_CERT_FILE', 'the file does not hold a PEM X.509 certificate');
    }
  }
  if (keyFile || keyId) {
    if (!keyFile) throw new ConfigurationError('WECHATPAY_PLATFORM_PUBLIC_KEY_FILE', 'is not set while WECHATPAY_PLATFORM_PUBLIC_KEY_ID is');
    if (!keyId) throw new ConfigurationError('WECHATPAY_PLATFORM_PUBLIC_KEY_ID', 'is not set while WECHATPAY_PLATFORM_PUBLIC_KEY_FILE is');
    platformKeys.set(keyId, publicKeyFrom(env, 'WECHATPAY_PLATFORM_PUBLIC_KEY_FILE').key);
  }
  if (platformKeys.size === 0) {
    throw new ConfigurationError(
      'WECHATPAY_PLATFORM_CERT_FILE',
      'WeChat Pay is half-configured: set WECHATPAY_PLATFORM_CERT_FILE (the platform certificate) or WECHATPAY_PLATFORM_PUBLIC_KEY_FILE and WECHATPAY_PLATFORM_PUBLIC_KEY_ID (the platform public key) to verify its callbacks',
    );
  }
  return {
    mchid,
    appid,
    merchantSerialNo: merchantSerialNo.toUpperCase(),
    merchantPrivateKey: privateKeyFrom(env, 'WECHATPAY_PRIVATE_KEY_FILE').key,
    apiV3Key: new Secret(apiV3Key),
    platformKeys,
    notifyUrl: url(env, 'WECHATPAY_NOTIFY_URL'),
    baseUrl: url(env, 'WECHATPAY_BASE_URL', 'https://api.mch.weixin.qq.com').replace(/\/$/, ''),
  };
}
