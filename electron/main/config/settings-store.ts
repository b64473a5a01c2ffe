// The station's settings: one JSON file in the data directory, written atomically (temp file +
// rename, mode 0600). Database passwords are never written in clear text:
// - with an OS keyring (Electron safeStorage), the file holds only their ciphertext (base64). The
//   keyring is asynchronous: unlock() decrypts the saved ciphertexts once at start (the composition
//   root awaits it before connecting), so get() stays synchronous; a keyring that was unavailable then
//   is asked again when the settings are next read, viewed or saved (at most every few seconds);
// - without one, the password is kept in memory for this session only and the settings screen says
//   so. We chose that over "encrypting" with a key stored next to the file, which would only hide it.
// Environment variables override the file for headless use (NURSE_STATION_MODE,
// NURSE_STATION_RW_URL=postgres://…, NURSE_STATION_MYSQL_URL=mysql://…, NURSE_STATION_WARD,
// NURSE_STATION_KAFKA_BOOTSTRAP=host:port,…, NURSE_STATION_KAFKA_ALERTS_TOPIC); their passwords live
// in memory only and are never written to disk either.
// The hospital's identifier pattern (settings.json `identifierPattern`, or NURSE_STATION_ID_PATTERN,
// which wins) is an IT setting, not editable from the UI: the pattern every patient_id and device_id
// read from a device or the backend must match (shared/domain/identifiers.ts). Unlike the other
// settings, an invalid one does not fall back to the default: loading fails and says why, since the
// default alphabet may accept ids the hospital's scheme refuses.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  buildIdentifierRule,
  IdentifierPatternError,
  type IdentifierRule,
} from '../../../shared/domain/identifiers';
import {
  connectionSettingsSchema,
  DEFAULT_ALERTS_TOPIC,
  kafkaSettingsSchema,
  notificationPolicySchema,
  signInSettingsSchema,
  wardIdSchema,
  type ConnectionSettingsInput,
  type KafkaSettings,
  type NotificationPolicySettings,
  type SettingsView,
  type SignInSettings,
} from '../../../shared/ipc/contract';
import type { SecretStore } from '../core/host-types';
import { StationError } from '../core/station-error';
import { logger } from '../core/logger';
import type { Unsubscribe } from '../core/ports';

export type DatabaseKey = 'risingwave' | 'mysql';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  database: string;
  /** decrypted; '' when none is set. Main process only: never send this to the renderer. */
  password: string;
}

export interface ConnectionSettings {
  mode: 'simulator' | 'connected';
  risingwave: DatabaseSettings;
  mysql: DatabaseSettings;
  pollIntervalMs: number;
  /** the ward whose beds this station shows; '' = the whole hospital */
  wardId: string;
  /** where RisingWave pushes alerts; bootstrap '' = poll only */
  kafka: KafkaSettings;
}

export interface Settings {
  connection: ConnectionSettings;
  notifications: NotificationPolicySettings;
  ackRetentionDays: number;
  signIn: SignInSettings;
  /** the hospital's identifier pattern in force (environment or file), null for the default alphabet */
  identifierPattern: string | null;
}

export type SettingsSection = 'connection' | 'notifications' | 'ackRetentionDays' | 'signIn';

export interface SettingsStore {
  /**
   * Asks the OS keyring and decrypts the saved passwords (re-encrypting them when the OS asks for
   * it). Await it once before the first get(); it never rejects. Until it has run, or while the
   * keyring is unavailable, get() has no saved password. A keyring that does not answer (waiting for
   * someone to unlock it) does not hold up the start for more than unlockTimeoutMs: its answer is
   * used when it comes, and the listeners hear of the passwords it decrypts.
   */
  unlock(): Promise<void>;
  /**
   * Asks the keyring again if it was unavailable (unlock() once it is); for the settings screen.
   * Waits for its answer 1 s at most.
   */
  refresh(): Promise<void>;
  /** Effective settings (file + environment overrides) with decrypted passwords. Main process only. */
  get(): Settings;
  /** What the renderer may see: no passwords, only whether one is set and how it is kept. */
  view(): SettingsView;
  /**
   * Validates, encrypts, saves and notifies. An omitted password keeps the stored one; '' clears it.
   * A keyring that does not answer within unlockTimeoutMs: rejects (SettingsSaveError), saves nothing.
   */
  updateConnection(input: ConnectionSettingsInput): Promise<SettingsView>;
  updateNotifications(policy: NotificationPolicySettings): SettingsView;
  ackRetentionDays(): number;
  setAckRetentionDays(days: number): SettingsView;
  /** Validates (idle time 1–240 minutes), saves and notifies ('signIn'). */
  updateSignIn(settings: SignInSettings): SettingsView;
  /**
   * The identifier rule of the hospital's pattern (or the default one): a new instance per call, to
   * be handed to every adapter of one wiring (they share what it refused, identifier-gate.ts).
   */
  identifierRule(): IdentifierRule;
  onChange(listener: (settings: Settings, section: SettingsSection) => void): Unsubscribe;
}

export interface SettingsStoreOptions {
  file: string;
  secretStore: SecretStore;
  /** default process.env */
  env?: Record<string, string | undefined>;
  log?: (message: string) => void;
  /** how long after asking an unavailable keyring a read may ask it again; default 10 s */
  keyringRetryMs?: number;
  /** how long unlock() waits for a keyring that does not answer; default 10 s */
  unlockTimeoutMs?: number;
  /** default Date.now */
  now?: () => number;
}

const KEYRING_SILENT =
  'The operating system keyring did not answer, so the settings were not saved. Unlock it, or try again in a moment.';

/** Thrown by createSettingsStore when a setting that must not fall back to a default is invalid. */
export class SettingsLoadError extends Error {
  readonly code = 'invalid_settings';
  constructor(message: string) {
    super(message);
    this.name = 'SettingsLoadError';
  }
}

export const ID_PATTERN_ENV = 'NURSE_STATION_ID_PATTERN';

/** Thrown when the settings cannot be saved; the message is safe for the UI. */
export class SettingsSaveError extends Error {
  readonly code = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'SettingsSaveError';
  }
}

const defaults: Settings = {
  connection: {
    mode: 'simulator',
    risingwave: { host: '127.0.0.1', port: 4566, user: 'root', database: 'dev', password: '' },
    mysql: { host: '127.0.0.1', port: 3306, user: 'nurse_station', database: 'nurse_station', password: '' },
    pollIntervalMs: 1000,
    wardId: '',
    kafka: { bootstrap: '', alertsTopic: DEFAULT_ALERTS_TOPIC },
  },
  notifications: { enabled: true, sound: true, criticalRepeatMinutes: 5, coalesceMs: 3000 },
  ackRetentionDays: 30,
  signIn: { idleMinutes: 10 },
  identifierPattern: null,
};
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze(defaults);

/**
 * The fields a saved password belongs to: change any and the password must be typed again. (A TLS
 * mode, once the connection has one, belongs here too.)
 */
const PASSWORD_BOUND_TO = ['host', 'port', 'user'] as const;

const ackRetentionSchema = z.number().int().min(1).max(3650);
const databaseFileSchema = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).max(128),
  database: z.string().min(1).max(128),
  /** safeStorage ciphertext, base64 */
  passwordCipher: z.string().max(8192).optional(),
});
const connectionFileSchema = z.object({
  mode: z.enum(['simulator', 'connected']),
  risingwave: databaseFileSchema,
  mysql: databaseFileSchema,
  pollIntervalMs: z.number().int().min(200).max(60_000),
  // Files saved before wards and the Kafka push existed lack these: they load as today's behaviour
  // (whole hospital, poll only). A bad value here resets the connection section, like any other.
  wardId: wardIdSchema.default(''),
  kafka: kafkaSettingsSchema.default({ bootstrap: '', alertsTopic: DEFAULT_ALERTS_TOPIC }),
});
type DatabaseFile = z.infer<typeof databaseFileSchema>;
type ConnectionFile = z.output<typeof connectionFileSchema>;

interface SettingsFile {
  version: 1;
  connection: ConnectionFile;
  notifications: NotificationPolicySettings;
  ackRetentionDays: number;
  signIn: SignInSettings;
  /** written by hospital IT, never by the app: kept as found so that a save does not drop it */
  identifierPattern?: string | null;
}

/** What we know of one password in this session. */
interface Secret {
  /** the clear text, once known (typed this session, or decrypted) */
  plain: string | null;
  /** the ciphertext from the file, kept even when it cannot be decrypted now (keyring locked) */
  cipher: string | null;
  /** decryption was tried and failed */
  undecryptable: boolean;
}

/** The OS keyring as last asked. */
interface KeyringStatus {
  available: boolean;
  description: string;
}

interface EnvOverrides {
  mode?: 'simulator' | 'connected';
  risingwave?: Partial<DatabaseSettings>;
  mysql?: Partial<DatabaseSettings>;
  wardId?: string;
  kafkaBootstrap?: string;
  kafkaAlertsTopic?: string;
}

function defaultFile(): SettingsFile {
  const d = DEFAULT_SETTINGS;
  const db = ({ host, port, user, database }: DatabaseSettings): DatabaseFile => ({
    host,
    port,
    user,
    database,
  });
  return {
    version: 1,
    connection: {
      mode: d.connection.mode,
      risingwave: db(d.connection.risingwave),
      mysql: db(d.connection.mysql),
      pollIntervalMs: d.connection.pollIntervalMs,
      wardId: d.connection.wardId,
      kafka: { ...d.connection.kafka },
    },
    notifications: { ...d.notifications },
    ackRetentionDays: d.ackRetentionDays,
    signIn: { ...d.signIn },
  };
}

/** Parses postgres:// or mysql:// URLs; returns only the parts present. */
export function parseDatabaseUrl(url: string, protocols: string[]): Partial<DatabaseSettings> {
  const u = new URL(url);
  const protocol = u.protocol.replace(/:$/, '');
  if (!protocols.includes(protocol))
    throw new Error(`expected ${protocols.join(' or ')}://, got ${protocol}://`);
  const out: Partial<DatabaseSettings> = {};
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host) out.host = host;
  if (u.port) out.port = Number(u.port);
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) out.database = database;
  return out;
}

export function createSettingsStore(opts: SettingsStoreOptions): SettingsStore {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((m: string) => logger.warn(`settings: ${m}`));
  const secretStore = opts.secretStore;
  const now = opts.now ?? Date.now;
  const keyringRetryMs = opts.keyringRetryMs ?? 10_000;
  const unlockTimeoutMs = opts.unlockTimeoutMs ?? 10_000;
  const listeners = new Set<(settings: Settings, section: SettingsSection) => void>();
  /** null until unlock() has asked */
  let keyring: KeyringStatus | null = null;
  let keyringAskedAt = -Infinity;
  let retrying: Promise<void> | null = null;
  /** unlocking and saving a connection run one at a time (both await the keyring, both write) */
  let exclusiveTail: Promise<unknown> = Promise.resolve();

  let file = load();
  const secrets: Record<DatabaseKey, Secret> = {
    risingwave: fromFile(file.connection.risingwave),
    mysql: fromFile(file.connection.mysql),
  };
  const overrides = readEnv();
  const identifierPattern = identifierPatternAtLoad();

  function fromFile(db: DatabaseFile): Secret {
    return { plain: null, cipher: db.passwordCipher ?? null, undecryptable: false };
  }

  function load(): SettingsFile {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        log(`cannot read ${opts.file} (${(err as Error).message}); using defaults`);
      }
      return defaultFile();
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // Keep the damaged file for inspection instead of overwriting it on the next save.
      const aside = `${opts.file}.corrupt-${Date.now()}`;
      try {
        renameSync(opts.file, aside);
      } catch {
        /* best effort */
      }
      log(`${opts.file} is not valid JSON; moved it to ${aside} and using defaults`);
      return defaultFile();
    }
    const base = defaultFile();
    const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    // Each section on its own: one bad value must not reset the others.
    const connection = connectionFileSchema.safeParse(obj.connection);
    const notifications = notificationPolicySchema.safeParse(obj.notifications);
    const retention = ackRetentionSchema.safeParse(obj.ackRetentionDays);
    const signIn = signInSettingsSchema.safeParse(obj.signIn);
    if (obj.connection !== undefined && !connection.success)
      log('saved connection settings are invalid; using defaults');
    if (obj.notifications !== undefined && !notifications.success)
      log('saved notification settings are invalid; using defaults');
    if (obj.ackRetentionDays !== undefined && !retention.success)
      log('saved ackRetentionDays is invalid; using 30');
    if (obj.signIn !== undefined && !signIn.success)
      log('saved sign-in settings are invalid; using defaults');
    const pattern = obj.identifierPattern;
    if (pattern !== undefined && pattern !== null && typeof pattern !== 'string') {
      throw invalidPattern(`saved identifierPattern (${opts.file})`, 'it must be a string, or null');
    }
    return {
      version: 1,
      connection: connection.success ? connection.data : base.connection,
      notifications: notifications.success ? notifications.data : base.notifications,
      ackRetentionDays: retention.success ? retention.data : base.ackRetentionDays,
      signIn: signIn.success ? signIn.data : base.signIn,
      ...(pattern !== undefined ? { identifierPattern: pattern } : {}),
    };
  }

  function invalidPattern(where: string, why: string): SettingsLoadError {
    const message = `${where} is invalid: ${why}. It is the hospital's pattern for patient and device ids; fix it or remove it (the default is ^[A-Za-z0-9_.:-]{1,64}$).`;
    log(message);
    return new SettingsLoadError(message);
  }

  /**
   * The pattern in force: the environment's over the file's; blank means not set. Checked here, once,
   * so that identifierRule() cannot fail later.
   */
  function identifierPatternAtLoad(): string | null {
    const fromEnv = env[ID_PATTERN_ENV]?.trim();
    const fromFile = typeof file.identifierPattern === 'string' ? file.identifierPattern.trim() : '';
    const [pattern, where] = fromEnv
      ? [fromEnv, ID_PATTERN_ENV]
      : [fromFile, `saved identifierPattern (${opts.file})`];
    if (!pattern) return null;
    try {
      buildIdentifierRule(pattern);
    } catch (err) {
      if (err instanceof IdentifierPatternError) throw invalidPattern(where, err.message);
      throw err;
    }
    return pattern;
  }

  function readEnv(): EnvOverrides {
    const out: EnvOverrides = {};
    const mode = env.NURSE_STATION_MODE?.trim();
    if (mode) {
      if (mode === 'simulator' || mode === 'connected') out.mode = mode;
      else log(`NURSE_STATION_MODE must be "simulator" or "connected", not "${mode}"; ignored`);
    }
    const parse = (name: string, protocols: string[]): Partial<DatabaseSettings> | undefined => {
      const value = env[name]?.trim();
      if (!value) return undefined;
      try {
        return parseDatabaseUrl(value, protocols);
      } catch (err) {
        // never echo the value: it may hold a password
        log(`${name} is not a valid ${protocols[0]}:// URL (${(err as Error).message}); ignored`);
        return undefined;
      }
    };
    const rw = parse('NURSE_STATION_RW_URL', ['postgres', 'postgresql']);
    const my = parse('NURSE_STATION_MYSQL_URL', ['mysql']);
    if (rw) out.risingwave = rw;
    if (my) out.mysql = my;
    const ward = env.NURSE_STATION_WARD?.trim();
    if (ward) {
      if (wardIdSchema.safeParse(ward).success) out.wardId = ward;
      else log('NURSE_STATION_WARD must be 1–64 letters, digits or _ . : -; ignored');
    }
    const bootstrap = env.NURSE_STATION_KAFKA_BOOTSTRAP?.trim();
    if (bootstrap) {
      const parsed = kafkaSettingsSchema.shape.bootstrap.safeParse(bootstrap);
      if (parsed.success) out.kafkaBootstrap = parsed.data;
      else
        log(
          `NURSE_STATION_KAFKA_BOOTSTRAP must be host:port[,host:port…] (${parsed.error.issues[0]?.message ?? 'invalid'}); ignored`,
        );
    }
    const topic = env.NURSE_STATION_KAFKA_ALERTS_TOPIC?.trim();
    if (topic) {
      if (kafkaSettingsSchema.shape.alertsTopic.safeParse(topic).success) out.kafkaAlertsTopic = topic;
      else
        log('NURSE_STATION_KAFKA_ALERTS_TOPIC must be a Kafka topic name ([A-Za-z0-9._-], 1–249); ignored');
    }
    return out;
  }

  /** `work`, or what `late()` returns (or throws) if it has not settled within `ms` */
  function withinTimeout<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => {
        try {
          resolve(late());
        } catch (err) {
          reject(err as Error);
        }
      }, ms);
      timer.unref?.();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = exclusiveTail.then(task, task);
    exclusiveTail = run.catch(() => undefined);
    return run;
  }

  async function askKeyring(): Promise<KeyringStatus> {
    keyringAskedAt = now();
    try {
      const available = await secretStore.isEncryptionAvailable();
      return { available, description: await secretStore.describe() };
    } catch (err) {
      log(`the OS keyring did not answer (${(err as Error).message}); passwords stay in memory`);
      return { available: false, description: 'the OS keyring did not answer' };
    }
  }

  /**
   * Asks the keyring, decrypts the saved passwords not yet known, and saves a fresh ciphertext for
   * those the OS asks to re-encrypt. Run through exclusive(); never throws.
   */
  async function unlockNow(): Promise<void> {
    const status = await askKeyring();
    let decrypted = false;
    const fresh: Partial<Record<DatabaseKey, { old: string; cipher: string }>> = {};
    // Without a real keyring (Linux 'basic_text' included) nothing is decrypted: the saved ciphers
    // are kept for when it is back.
    for (const key of status.available ? (['risingwave', 'mysql'] as const) : []) {
      const s = secrets[key];
      if (s.plain !== null || s.cipher === null || s.undecryptable) continue;
      const cipher = s.cipher;
      let plain: string;
      let shouldReEncrypt: boolean;
      try {
        ({ plain, shouldReEncrypt } = await secretStore.decrypt(Buffer.from(cipher, 'base64')));
      } catch {
        s.undecryptable = true;
        log(`the saved ${key} password could not be decrypted; it must be entered again`);
        continue;
      }
      s.plain = plain;
      decrypted = true;
      if (!shouldReEncrypt) continue;
      try {
        fresh[key] = { old: cipher, cipher: (await secretStore.encrypt(plain)).toString('base64') };
      } catch (err) {
        log(`could not re-encrypt the saved ${key} password (${(err as Error).message}); kept as it was`);
      }
    }
    saveReEncrypted(fresh);
    keyring = status; // only now: a view() meanwhile must not call the pending passwords undecryptable
    if (decrypted) notify('connection');
  }

  /** The OS rotated its key: the file gets the new ciphertexts (the old ones still decrypt meanwhile). */
  function saveReEncrypted(fresh: Partial<Record<DatabaseKey, { old: string; cipher: string }>>): void {
    const connection = { ...file.connection };
    let changed = false;
    for (const key of ['risingwave', 'mysql'] as const) {
      const f = fresh[key];
      // a sync save meanwhile cannot have touched it, but be sure the file still holds the old one
      if (!f || connection[key].passwordCipher !== f.old || secrets[key].cipher !== f.old) continue;
      connection[key] = { ...connection[key], passwordCipher: f.cipher };
      changed = true;
    }
    if (!changed) return;
    const next: SettingsFile = { ...file, connection };
    try {
      writeAtomically(next);
    } catch {
      return; // logged; the old ciphertexts stay, and are re-encrypted at the next start
    }
    file = next;
    for (const key of ['risingwave', 'mysql'] as const) {
      const f = fresh[key];
      if (f && connection[key].passwordCipher === f.cipher) secrets[key].cipher = f.cipher;
    }
    log("re-encrypted the saved passwords with the OS keyring's current key");
  }

  /**
   * Asks the keyring again, one ask at a time, if it was unavailable. `throttled` (a read): not
   * more often than keyringRetryMs. Nothing asks on a timer: no loop while it stays unavailable.
   */
  function retryKeyring(throttled: boolean): Promise<void> {
    if (keyring?.available) return Promise.resolve();
    if (retrying) return retrying;
    if (throttled && now() - keyringAskedAt < keyringRetryMs) return Promise.resolve();
    retrying = exclusive(unlockNow)
      .catch((err: Error) => log(`could not ask the OS keyring: ${err.message}`))
      .finally(() => {
        retrying = null;
      });
    return retrying;
  }

  function password(key: DatabaseKey): string {
    // decrypted by unlockNow(); a saved password still encrypted is not known yet (keyring locked)
    return secrets[key].plain ?? '';
  }

  function effectiveDb(key: DatabaseKey): DatabaseSettings {
    const f = file.connection[key];
    const o = overrides[key] ?? {};
    return {
      host: o.host ?? f.host,
      port: o.port ?? f.port,
      user: o.user ?? f.user,
      database: o.database ?? f.database,
      // an override that points elsewhere gets no saved password: it belongs to the saved server
      password:
        o.password ??
        (PASSWORD_BOUND_TO.every((field) => o[field] === undefined || o[field] === f[field])
          ? password(key)
          : ''),
    };
  }

  function get(): Settings {
    // On some systems the keyring only becomes usable after start-up: a read asks it again (in the
    // background, throttled), and the listeners hear of passwords it could then decrypt.
    void retryKeyring(true);
    return {
      connection: {
        mode: overrides.mode ?? file.connection.mode,
        risingwave: effectiveDb('risingwave'),
        mysql: effectiveDb('mysql'),
        pollIntervalMs: file.connection.pollIntervalMs,
        wardId: overrides.wardId ?? file.connection.wardId,
        kafka: {
          bootstrap: overrides.kafkaBootstrap ?? file.connection.kafka.bootstrap,
          alertsTopic: overrides.kafkaAlertsTopic ?? file.connection.kafka.alertsTopic,
        },
      },
      notifications: { ...file.notifications },
      ackRetentionDays: file.ackRetentionDays,
      signIn: { ...file.signIn },
      identifierPattern,
    };
  }

  function storageMessage(): { encrypted: boolean; message: string } {
    const encrypted = keyring?.available ?? false;
    const parts = [
      encrypted
        ? `Passwords are saved encrypted by the operating system (${keyring?.description ?? ''}).`
        : 'This system has no OS keyring; the password is kept only until the app closes and is never written to disk.',
    ];
    const lost = (['risingwave', 'mysql'] as const).filter((k) => {
      const s = secrets[k];
      return s.plain === null && s.cipher !== null;
    });
    if (lost.length > 0) {
      const names = lost.map((k) => (k === 'risingwave' ? 'RisingWave' : 'MySQL')).join(' and ');
      parts.push(
        encrypted
          ? `The saved ${names} password could not be decrypted (was the OS keyring reset?); enter it again.`
          : `The saved ${names} password cannot be read without the OS keyring; enter it again for this session.`,
      );
    }
    const fromEnv = (['risingwave', 'mysql'] as const).filter((k) => overrides[k]?.password !== undefined);
    if (fromEnv.length > 0) {
      const names = fromEnv.map((k) =>
        k === 'risingwave' ? 'NURSE_STATION_RW_URL' : 'NURSE_STATION_MYSQL_URL',
      );
      parts.push(
        `Passwords given in ${names.join(' and ')} override the saved ones and are never written to disk.`,
      );
    }
    if (
      overrides.mode ||
      overrides.risingwave ||
      overrides.mysql ||
      overrides.wardId !== undefined ||
      overrides.kafkaBootstrap !== undefined ||
      overrides.kafkaAlertsTopic !== undefined
    ) {
      parts.push(
        'Environment variables override some connection settings; saved changes apply once they are removed.',
      );
    }
    return { encrypted, message: parts.join(' ') };
  }

  function view(): SettingsView {
    const s = get();
    const db = (d: DatabaseSettings) => ({
      host: d.host,
      port: d.port,
      user: d.user,
      database: d.database,
      passwordSet: d.password !== '',
    });
    return {
      connection: {
        mode: s.connection.mode,
        risingwave: db(s.connection.risingwave),
        mysql: db(s.connection.mysql),
        pollIntervalMs: s.connection.pollIntervalMs,
        wardId: s.connection.wardId,
        kafka: { ...s.connection.kafka },
      },
      notifications: s.notifications,
      secretStorage: storageMessage(),
      ackRetentionDays: s.ackRetentionDays,
      signIn: s.signIn,
    };
  }

  function writeAtomically(next: SettingsFile): void {
    const dir = dirname(opts.file);
    const tmp = `${opts.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(next, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, opts.file);
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        /* the folder itself may be the problem */
      }
      log(`cannot save ${opts.file}: ${(err as Error).message}`);
      throw new SettingsSaveError(
        'The settings could not be saved on this computer (disk full or no permission?).',
      );
    }
    try {
      // make the rename itself durable; not possible on every platform
      const dfd = openSync(dir, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch {
      /* best effort */
    }
  }

  function notify(section: SettingsSection): void {
    const snapshot = get();
    for (const listener of [...listeners]) {
      try {
        listener(snapshot, section);
      } catch (err) {
        log(`a settings listener threw: ${(err as Error).message}`);
      }
    }
  }

  /**
   * The secret after applying `input` (undefined = keep), and the cipher to save for it. A stored
   * password is only ever sent to the server and user it was saved for: when the request points it
   * elsewhere without a password, it is refused rather than handing the old one to a new host.
   */
  async function nextSecret(
    key: DatabaseKey,
    input: string | undefined,
    target: ConnectionSettingsInput['risingwave'],
    encrypt: boolean,
  ): Promise<Secret> {
    const current = secrets[key];
    if (input === undefined) {
      const saved = file.connection[key];
      const stored = current.plain !== null ? current.plain !== '' : current.cipher !== null;
      const moved = PASSWORD_BOUND_TO.filter((field) => saved[field] !== target[field]);
      if (stored && moved.length > 0) {
        throw new StationError(
          'bad_request',
          `Enter the ${key === 'risingwave' ? 'RisingWave' : 'MySQL'} password again: the ${moved.join(', ')} changed, and a saved password is only sent to the server and user it was saved for.`,
        );
      }
      return { ...current };
    }
    if (input === '') return { plain: '', cipher: null, undecryptable: false };
    if (encrypt) {
      const cipher = (await secretStore.encrypt(input)).toString('base64');
      return { plain: input, cipher, undecryptable: false };
    }
    // No keyring: memory only. A stale ciphertext of an older password is dropped.
    return { plain: input, cipher: null, undecryptable: false };
  }

  return {
    unlock: () =>
      withinTimeout(
        exclusive(unlockNow).catch((err: Error) =>
          log(`could not unlock the saved passwords: ${err.message}`),
        ),
        unlockTimeoutMs,
        () =>
          log(
            `the OS keyring has not answered in ${unlockTimeoutMs / 1000} s; starting without the saved passwords (used once it answers)`,
          ),
      ),
    // the settings screen waits a moment for the keyring's answer, not for a keyring that hangs
    refresh: () => withinTimeout(retryKeyring(false), Math.min(unlockTimeoutMs, 1000), () => undefined),
    get,
    view,

    async updateConnection(input) {
      const parsed = connectionSettingsSchema.parse(input);
      let abandoned = false;
      const save = exclusive(async () => {
        await unlockNow(); // the keyring as it is now; a saved password it can now read is kept
        const encrypt = keyring?.available ?? false;
        const rw = await nextSecret('risingwave', parsed.risingwave.password, parsed.risingwave, encrypt);
        const my = await nextSecret('mysql', parsed.mysql.password, parsed.mysql, encrypt);
        if (abandoned) throw new SettingsSaveError(KEYRING_SILENT); // already answered: nothing saved
        // from here on synchronous: `file` includes any other section saved while the keyring answered
        const db = (d: ConnectionSettingsInput['risingwave'], s: Secret): DatabaseFile => ({
          host: d.host,
          port: d.port,
          user: d.user,
          database: d.database,
          ...(s.cipher !== null ? { passwordCipher: s.cipher } : {}),
        });
        const next: SettingsFile = {
          ...file,
          connection: {
            mode: parsed.mode,
            risingwave: db(parsed.risingwave, rw),
            mysql: db(parsed.mysql, my),
            pollIntervalMs: parsed.pollIntervalMs,
            wardId: parsed.wardId ?? file.connection.wardId,
            kafka: parsed.kafka ?? { ...file.connection.kafka },
          },
        };
        writeAtomically(next);
        file = next;
        secrets.risingwave = rw;
        secrets.mysql = my;
        notify('connection');
        return view();
      });
      return withinTimeout(save, unlockTimeoutMs, () => {
        abandoned = true;
        log(`the OS keyring has not answered in ${unlockTimeoutMs / 1000} s; the connection was not saved`);
        throw new SettingsSaveError(KEYRING_SILENT);
      });
    },

    updateNotifications(policy) {
      const parsed = notificationPolicySchema.parse(policy);
      const next: SettingsFile = { ...file, notifications: parsed };
      writeAtomically(next);
      file = next;
      notify('notifications');
      return view();
    },

    ackRetentionDays() {
      return file.ackRetentionDays;
    },

    setAckRetentionDays(days) {
      const parsed = ackRetentionSchema.parse(days);
      const next: SettingsFile = { ...file, ackRetentionDays: parsed };
      writeAtomically(next);
      file = next;
      notify('ackRetentionDays');
      return view();
    },

    updateSignIn(settings) {
      const parsed = signInSettingsSchema.parse(settings);
      const next: SettingsFile = { ...file, signIn: parsed };
      writeAtomically(next);
      file = next;
      notify('signIn');
      return view();
    },

    identifierRule() {
      return buildIdentifierRule(identifierPattern);
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
