/**
 * Configuration: every environment variable Tandem reads is declared here, validated once at start.
 * A bad value stops the start with a message naming each variable that is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Config {
  httpPort: number;
  httpHost: string;
  sipPort: number;
  /** Address the SIP transports listen on. */
  sipHost: string;
  /** Host written in Via and Contact (what phones reach Tandem at); null = the listening address. */
  sipAdvertisedHost: string | null;
  /** WebSocket (RFC 7118) port for browser softphones; null = off. */
  sipWsPort: number | null;
  /** TLS and WSS ports; used only when a certificate and key are configured. */
  sipTlsPort: number | null;
  sipWssPort: number | null;
  /** PEM contents (read from the files the variables name). */
  sipTlsCert: string | null;
  sipTlsKey: string | null;
  /** Run the SIP service in `tandem serve`. */
  sipEnabled: boolean;
  /** Digest algorithms offered to devices, in order (RFC 8760 §2.4: the preferred first). */
  sipDigestAlgorithms: ('SHA-256' | 'MD5')[];
  dataDir: string;
  /** PostgreSQL server; when null, the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | null;
  operatorEmail: string;
  /** When null, a password is generated on first start and printed once. */
  operatorPassword: string | null;
  maxUsersPerAccount: number;
  sessionTtlHours: number;
  /** A handset login left pending longer than this (the phone never fetched its configuration) is rolled back. */
  provisionTimeoutSeconds: number;
  logLevel: string;
  publicUrl: string;
}

interface Var<T> {
  name: string;
  help: string;
  parse: (raw: string | undefined) => T;
}

class ConfigError extends Error {}

function int(name: string, def: number, min: number, max: number): (raw: string | undefined) => number {
  return (raw) => {
    if (raw === undefined || raw === '') return def;
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** A port, or off (`off`, `0` is a real "pick a free port" for tests, so off is spelled out). */
function optPort(name: string, def: number | null): (raw: string | undefined) => number | null {
  return (raw) => {
    if (raw === undefined || raw === '') return def;
    if (raw === 'off') return null;
    return int(name, 0, 0, 65535)(raw);
  };
}

/** The contents of a PEM file named by the variable, read at start. */
function pemFile(name: string): (raw: string | undefined) => string | null {
  return (raw) => {
    if (raw === undefined || raw === '') return null;
    try {
      return fs.readFileSync(raw, 'utf8');
    } catch (e) {
      throw new ConfigError(`${name} names a file that cannot be read: ${raw} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  };
}

function str(def: string | null): (raw: string | undefined) => string | null {
  return (raw) => (raw === undefined || raw === '' ? def : raw);
}

/** The documented variables, in the order the README lists them. */
export const VARIABLES = {
  httpPort: { name: 'TANDEM_HTTP_PORT', help: 'HTTP port of the API, docs and portal (default 8080)', parse: int('TANDEM_HTTP_PORT', 8080, 0, 65535) },
  httpHost: { name: 'TANDEM_HTTP_HOST', help: 'address the HTTP server listens on (default 0.0.0.0)', parse: (r) => str('0.0.0.0')(r) as string },
  sipPort: { name: 'TANDEM_SIP_PORT', help: 'SIP port, UDP and TCP (default 5060)', parse: int('TANDEM_SIP_PORT', 5060, 0, 65535) },
  sipHost: { name: 'TANDEM_SIP_HOST', help: 'address the SIP transports listen on (default 0.0.0.0)', parse: (r) => str('0.0.0.0')(r) as string },
  sipAdvertisedHost: { name: 'TANDEM_SIP_ADVERTISED_HOST', help: 'host phones reach Tandem at, written in Via and Contact (default: the listening address)', parse: str(null) },
  sipWsPort: { name: 'TANDEM_SIP_WS_PORT', help: 'SIP over WebSocket port for browser softphones, or off (default 5066)', parse: optPort('TANDEM_SIP_WS_PORT', 5066) },
  sipTlsPort: { name: 'TANDEM_SIP_TLS_PORT', help: 'SIP over TLS port, or off; needs the certificate and key (default 5061)', parse: optPort('TANDEM_SIP_TLS_PORT', 5061) },
  sipWssPort: { name: 'TANDEM_SIP_WSS_PORT', help: 'SIP over secure WebSocket port, or off; needs the certificate and key (default 7443)', parse: optPort('TANDEM_SIP_WSS_PORT', 7443) },
  sipTlsCert: { name: 'TANDEM_SIP_TLS_CERT', help: 'PEM certificate file for SIP TLS and WSS (unset: no TLS)', parse: pemFile('TANDEM_SIP_TLS_CERT') },
  sipTlsKey: { name: 'TANDEM_SIP_TLS_KEY', help: 'PEM private key file for SIP TLS and WSS', parse: pemFile('TANDEM_SIP_TLS_KEY') },
  sipDigestAlgorithms: {
    name: 'TANDEM_SIP_DIGEST_ALGORITHMS',
    help: 'digest algorithms offered to phones, preferred first (default SHA-256,MD5; phones that only read the first challenge need MD5,SHA-256)',
    parse: (r) => {
      const v = (str('SHA-256,MD5')(r) as string).split(',').map((x) => x.trim().toUpperCase());
      if (v.length === 0 || v.some((x) => x !== 'SHA-256' && x !== 'MD5') || new Set(v).size !== v.length) {
        throw new ConfigError(`TANDEM_SIP_DIGEST_ALGORITHMS must list SHA-256 and/or MD5 once each, comma-separated; got "${r}"`);
      }
      return v as ('SHA-256' | 'MD5')[];
    },
  },
  sipEnabled: {
    name: 'TANDEM_SIP',
    help: 'on or off: run the SIP service in tandem serve (default on)',
    parse: (r) => {
      const v = str('on')(r) as string;
      if (v !== 'on' && v !== 'off') throw new ConfigError(`TANDEM_SIP must be on or off, got "${v}"`);
      return v === 'on';
    },
  },
  dataDir: { name: 'TANDEM_DATA_DIR', help: 'where the embedded database and recordings live (default ./data)', parse: (r) => path.resolve(str('./data')(r) as string) },
  databaseUrl: {
    name: 'DATABASE_URL',
    help: 'postgres://… of a PostgreSQL server; unset uses the embedded database',
    parse: (r) => {
      const v = str(null)(r);
      if (v !== null && !/^postgres(ql)?:\/\//.test(v)) throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://`);
      return v;
    },
  },
  operatorEmail: {
    name: 'TANDEM_OPERATOR_EMAIL',
    help: 'e-mail of the operator created on first start (default operator@tandem.local)',
    parse: (r) => {
      const v = str('operator@tandem.local')(r) as string;
      if (!/^[^@\s]+@[^@\s]+$/.test(v)) throw new ConfigError(`TANDEM_OPERATOR_EMAIL is not an e-mail address: "${v}"`);
      return v;
    },
  },
  operatorPassword: {
    name: 'TANDEM_OPERATOR_PASSWORD',
    help: 'password of the operator created on first start; unset generates one and prints it once',
    parse: (r) => {
      const v = str(null)(r);
      if (v !== null && v.length < 10) throw new ConfigError('TANDEM_OPERATOR_PASSWORD must be at least 10 characters');
      return v;
    },
  },
  maxUsersPerAccount: { name: 'TANDEM_MAX_USERS_PER_ACCOUNT', help: 'user limit of every account (default 10000)', parse: int('TANDEM_MAX_USERS_PER_ACCOUNT', 10000, 1, 1_000_000) },
  sessionTtlHours: { name: 'TANDEM_SESSION_TTL_HOURS', help: 'portal session lifetime in hours (default 12)', parse: int('TANDEM_SESSION_TTL_HOURS', 12, 1, 24 * 90) },
  provisionTimeoutSeconds: { name: 'TANDEM_PROVISION_TIMEOUT_SECONDS', help: 'how long a handset login may stay pending before it is rolled back (default 600)', parse: int('TANDEM_PROVISION_TIMEOUT_SECONDS', 600, 5, 86400) },
  logLevel: {
    name: 'TANDEM_LOG_LEVEL',
    help: 'fatal, error, warn, info, debug or trace (default info)',
    parse: (r) => {
      const v = str('info')(r) as string;
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v)) throw new ConfigError(`TANDEM_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${v}"`);
      return v;
    },
  },
  publicUrl: { name: 'TANDEM_PUBLIC_URL', help: 'URL users reach the server at (default http://localhost:<port>)', parse: (r) => str('')(r) as string },
} satisfies { [K in keyof Config]: Var<Config[K]> };

/** Reads and validates the environment; throws one error listing every variable that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(VARIABLES) as [keyof Config, Var<unknown>][]) {
    try {
      out[key] = v.parse(env[v.name]);
    } catch (e) {
      if (e instanceof ConfigError) problems.push(e.message);
      else throw e;
    }
  }
  if (problems.length > 0) {
    throw new Error(`Tandem cannot start, the configuration is wrong:\n  - ${problems.join('\n  - ')}`);
  }
  const cfg = { ...(out as unknown as Config), ...overrides };
  if (!cfg.publicUrl) cfg.publicUrl = `http://localhost:${cfg.httpPort}`;
  return cfg;
}
