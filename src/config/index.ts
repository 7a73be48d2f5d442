/**
 * Configuration: every environment variable Tandem reads is declared here, validated once at start.
 * A bad value stops the start with a message naming each variable that is wrong.
 */
import path from 'node:path';

export interface Config {
  httpPort: number;
  httpHost: string;
  sipPort: number;
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

function str(def: string | null): (raw: string | undefined) => string | null {
  return (raw) => (raw === undefined || raw === '' ? def : raw);
}

/** The documented variables, in the order the README lists them. */
export const VARIABLES = {
  httpPort: { name: 'TANDEM_HTTP_PORT', help: 'HTTP port of the API, docs and portal (default 8080)', parse: int('TANDEM_HTTP_PORT', 8080, 0, 65535) },
  httpHost: { name: 'TANDEM_HTTP_HOST', help: 'address the HTTP server listens on (default 0.0.0.0)', parse: (r) => str('0.0.0.0')(r) as string },
  sipPort: { name: 'TANDEM_SIP_PORT', help: 'SIP port, UDP and TCP (default 5060)', parse: int('TANDEM_SIP_PORT', 5060, 0, 65535) },
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
