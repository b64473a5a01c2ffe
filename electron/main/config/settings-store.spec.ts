import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectionSettingsSchema, type ConnectionSettingsInput } from '../../../shared/ipc/contract';
import type { SecretStore } from '../core/host-types';
import {
  createSettingsStore,
  parseDatabaseUrl,
  SettingsLoadError,
  SettingsSaveError,
  type SettingsStoreOptions,
} from './settings-store';

const RW_PW = 'rw-Secret-Pa55';
const MY_PW = 'my-Secret-Pa55';

interface TestKeyring extends SecretStore {
  available: boolean;
  /** the key version encrypt() uses; a cipher of an older version decrypts with shouldReEncrypt */
  version: number;
  /** how often the store asked whether the keyring is available */
  asked: number;
}

/**
 * Reversible but opaque: the clear text must not survive in the ciphertext or its base64. Its key
 * can be rotated (`version`), as the OS may do: older ciphers still decrypt, asking to re-encrypt.
 */
function encryptingStore(opts: { failDecrypt?: boolean } = {}): TestKeyring {
  const key = 0x5a;
  return {
    available: true,
    version: 10,
    asked: 0,
    async isEncryptionAvailable() {
      this.asked += 1;
      return this.available;
    },
    async encrypt(plain) {
      if (!this.available) throw new Error('no keyring');
      return Buffer.concat([Buffer.from(`v${this.version}`), Buffer.from(plain, 'utf8').map((b) => b ^ key)]);
    },
    async decrypt(cipher) {
      if (opts.failDecrypt || !this.available) throw new Error('keyring changed');
      const version = Number(cipher.subarray(1, 3).toString());
      const plain = Buffer.from(cipher.subarray(3).map((b) => b ^ key)).toString('utf8');
      return { plain, shouldReEncrypt: version < this.version };
    },
    describe: async () => 'safeStorage (test keyring)',
  };
}

const plainStore: SecretStore = {
  isEncryptionAvailable: async () => false,
  encrypt: () => Promise.reject(new Error('no keyring')),
  decrypt: () => Promise.reject(new Error('no keyring')),
  describe: async () => 'safeStorage unavailable (no keyring)',
};

/** lets the background work started by a read run */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const savedCipher = (file: string, key: 'risingwave' | 'mysql'): string | undefined =>
  (JSON.parse(readFileSync(file, 'utf8')) as { connection: Record<string, { passwordCipher?: string }> })
    .connection[key]?.passwordCipher;

function connection(overrides: Partial<ConnectionSettingsInput> = {}): ConnectionSettingsInput {
  return {
    mode: 'connected',
    risingwave: { host: 'rw.ward3', port: 4566, user: 'root', database: 'dev', password: RW_PW },
    mysql: {
      host: 'db.ward3',
      port: 3306,
      user: 'nurse_station',
      database: 'nurse_station',
      password: MY_PW,
    },
    pollIntervalMs: 1000,
    ...overrides,
  };
}

describe('settings store', () => {
  let dir: string;
  let file: string;
  let logs: string[];

  const create = (secretStore: SecretStore, extra: Partial<SettingsStoreOptions> = {}) =>
    createSettingsStore({ file, secretStore, env: {}, log: (m) => logs.push(m), ...extra });
  /** a store as the composition root has it: unlocked */
  const make = async (secretStore: SecretStore, extra: Partial<SettingsStoreOptions> = {}) => {
    const store = create(secretStore, extra);
    await store.unlock();
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ns-settings-'));
    file = join(dir, 'conf', 'settings.json');
    logs = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from the defaults and writes nothing until something changes', async () => {
    const store = await make(encryptingStore());
    expect(store.get()).toEqual({
      connection: {
        mode: 'simulator',
        risingwave: { host: '127.0.0.1', port: 4566, user: 'root', database: 'dev', password: '' },
        mysql: {
          host: '127.0.0.1',
          port: 3306,
          user: 'nurse_station',
          database: 'nurse_station',
          password: '',
        },
        pollIntervalMs: 1000,
        wardId: '',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
      },
      notifications: { enabled: true, sound: true, criticalRepeatMinutes: 5, coalesceMs: 3000 },
      ackRetentionDays: 30,
      signIn: { idleMinutes: 10 },
      identifierPattern: null,
    });
    expect(store.view().signIn).toEqual({ idleMinutes: 10 });
    expect(store.identifierRule()).toMatchObject({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', custom: false });
    expect(store.view().connection.risingwave.passwordSet).toBe(false);
    expect(() => statSync(file)).toThrow();
  });

  it('with a keyring: saves only ciphertext, 0600, atomically, and decrypts on the next start', async () => {
    const secrets = encryptingStore();
    const store = await make(secrets);
    const view = await store.updateConnection(connection());

    const text = readFileSync(file, 'utf8');
    for (const pw of [RW_PW, MY_PW]) {
      expect(text).not.toContain(pw);
      expect(text).not.toContain(Buffer.from(pw).toString('base64'));
      expect(JSON.stringify(view)).not.toContain(pw);
      expect(JSON.stringify(store.view())).not.toContain(pw);
    }
    const saved = JSON.parse(text);
    expect(saved.connection.risingwave.passwordCipher).toEqual(expect.any(String));
    expect(saved.connection.risingwave.password).toBeUndefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'conf'))).toEqual(['settings.json']); // no temp file left

    expect(view.connection).toEqual({
      mode: 'connected',
      risingwave: { host: 'rw.ward3', port: 4566, user: 'root', database: 'dev', passwordSet: true },
      mysql: {
        host: 'db.ward3',
        port: 3306,
        user: 'nurse_station',
        database: 'nurse_station',
        passwordSet: true,
      },
      pollIntervalMs: 1000,
      wardId: '',
      kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
    });
    expect(view.secretStorage).toEqual({
      encrypted: true,
      message: 'Passwords are saved encrypted by the operating system (safeStorage (test keyring)).',
    });
    expect(store.get().connection.risingwave.password).toBe(RW_PW);

    const reopened = await make(secrets);
    expect(reopened.get().connection.risingwave.password).toBe(RW_PW);
    expect(reopened.get().connection.mysql.password).toBe(MY_PW);
    expect(reopened.get().connection.mode).toBe('connected');
  });

  it('keeps the stored password when none is given, and clears it with an empty one', async () => {
    const store = await make(encryptingStore());
    await store.updateConnection(connection());
    const next = connection();
    delete next.risingwave.password;
    next.risingwave.database = 'ward3';
    next.mysql.password = '';
    const view = await store.updateConnection(next);
    expect(store.get().connection.risingwave).toMatchObject({ database: 'ward3', password: RW_PW });
    expect(store.get().connection.mysql.password).toBe('');
    expect(view.connection.mysql.passwordSet).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).connection.mysql.passwordCipher).toBeUndefined();
  });

  // Red-team finding: a client pointed the RisingWave host at its own server and received the stored
  // password in clear text on every reconnect.
  it.each([
    ['host', { host: 'attacker.example' }],
    ['port', { port: 15432 }],
    ['user', { user: 'other' }],
  ] as const)(
    'refuses to send a stored password to a new %s unless it is typed again',
    async (field, change) => {
      for (const secrets of [encryptingStore(), plainStore]) {
        const store = await make(secrets);
        await store.updateConnection(connection());
        const saved = readFileSync(file, 'utf8');
        for (const key of ['risingwave', 'mysql'] as const) {
          const next = connection();
          delete next[key].password;
          Object.assign(next[key], change);
          await expect(store.updateConnection(next)).rejects.toThrow(
            new RegExp(`Enter the (RisingWave|MySQL) password again: the ${field} changed`),
          );
          expect(readFileSync(file, 'utf8')).toBe(saved);
          expect(store.get().connection[key].host).toBe(connection()[key].host);
          expect(store.get().connection[key].port).toBe(connection()[key].port);
        }
        // typed again (or cleared), the move is accepted
        const typed = connection();
        Object.assign(typed.risingwave, change, { password: 'new-pw' });
        expect((await store.updateConnection(typed)).connection.risingwave).toMatchObject(change);
        expect(store.get().connection.risingwave.password).toBe('new-pw');
        const cleared = connection();
        Object.assign(cleared.mysql, change, { password: '' });
        expect((await store.updateConnection(cleared)).connection.mysql.passwordSet).toBe(false);
      }
    },
  );

  // Review of #21: an environment override to another server got the saved password.
  it('gives an environment override that points elsewhere no saved password', async () => {
    await (await make(encryptingStore())).updateConnection(connection());
    const moved = await make(encryptingStore(), {
      env: { NURSE_STATION_RW_URL: 'postgres://root@rw.ward3:15432/dev' },
    });
    expect(moved.get().connection.risingwave).toMatchObject({ port: 15432, password: '' });
    const same = await make(encryptingStore(), {
      env: { NURSE_STATION_RW_URL: 'postgres://root@rw.ward3:4566/other' },
    });
    expect(same.get().connection.risingwave).toMatchObject({ database: 'other', password: RW_PW });
  });

  it('moves a connection that has no stored password without asking for one', async () => {
    const store = await make(encryptingStore());
    const none = connection();
    none.risingwave.password = '';
    await store.updateConnection(none);
    const next = connection();
    delete next.risingwave.password;
    next.risingwave.host = 'rw2.ward3';
    expect((await store.updateConnection(next)).connection.risingwave).toMatchObject({
      host: 'rw2.ward3',
      passwordSet: false,
    });
  });

  it('without a keyring: never writes the password, keeps it for this session, and says so', async () => {
    const store = await make(plainStore);
    const view = await store.updateConnection(connection());
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(RW_PW);
    expect(text).not.toContain(MY_PW);
    expect(text).not.toContain('passwordCipher');
    expect(JSON.stringify(view)).not.toContain(RW_PW);
    expect(view.connection.risingwave.passwordSet).toBe(true);
    expect(view.secretStorage.encrypted).toBe(false);
    expect(view.secretStorage.message).toContain(
      'This system has no OS keyring; the password is kept only until the app closes',
    );
    expect(store.get().connection.risingwave.password).toBe(RW_PW);

    const afterRestart = await make(plainStore);
    expect(afterRestart.get().connection.risingwave.password).toBe('');
    expect(afterRestart.view().connection.risingwave.passwordSet).toBe(false);
    expect(afterRestart.get().connection.risingwave.host).toBe('rw.ward3');
  });

  it('keeps an undecryptable ciphertext, reports it, and replaces it once a new password is typed', async () => {
    await (await make(encryptingStore())).updateConnection(connection());
    const broken = await make(encryptingStore({ failDecrypt: true }));
    expect(broken.get().connection.risingwave.password).toBe('');
    const view = broken.view();
    expect(view.connection.risingwave.passwordSet).toBe(false);
    expect(view.secretStorage.message).toContain('could not be decrypted');
    expect(logs.join('\n')).not.toContain(RW_PW);

    const cipherBefore = JSON.parse(readFileSync(file, 'utf8')).connection.risingwave.passwordCipher;
    broken.updateNotifications({ enabled: true, sound: false, criticalRepeatMinutes: 10, coalesceMs: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8')).connection.risingwave.passwordCipher).toBe(cipherBefore);
  });

  it('decrypts once the keyring becomes available after start-up, and tells the listeners', async () => {
    const secrets = encryptingStore();
    await (await make(secrets)).updateConnection(connection());
    secrets.available = false;
    let t = 0;
    const store = await make(secrets, { now: () => t });
    const seen: string[] = [];
    store.onChange((s, section) => seen.push(`${section}:${s.connection.risingwave.password === RW_PW}`));
    expect(store.get().connection.risingwave.password).toBe('');
    const locked = store.view();
    expect(locked.connection.risingwave.passwordSet).toBe(false);
    expect(locked.secretStorage.encrypted).toBe(false);
    expect(locked.secretStorage.message).toContain(
      'The saved RisingWave and MySQL password cannot be read without the OS keyring',
    );
    expect(savedCipher(file, 'risingwave')).toEqual(expect.any(String)); // kept for when it is back

    secrets.available = true;
    store.get(); // within the retry interval: not asked again
    await flush();
    expect(store.get().connection.risingwave.password).toBe('');
    t += 10_000;
    store.get(); // asks in the background: get() itself never waits for the keyring
    expect(store.get().connection.risingwave.password).toBe('');
    await vi.waitFor(() => expect(store.get().connection.risingwave.password).toBe(RW_PW));
    expect(store.get().connection.mysql.password).toBe(MY_PW);
    expect(seen).toEqual(['connection:true']);
    expect(store.view().secretStorage).toEqual({
      encrypted: true,
      message: 'Passwords are saved encrypted by the operating system (safeStorage (test keyring)).',
    });
  });

  it('asks an unavailable keyring at most once per interval however often it is read, and never by itself', async () => {
    const secrets = encryptingStore();
    secrets.available = false;
    let t = 0;
    const store = await make(secrets, { now: () => t, keyringRetryMs: 5_000 });
    expect(secrets.asked).toBe(1);
    for (let i = 0; i < 1000; i += 1) {
      store.get();
      store.view();
    }
    await flush();
    expect(secrets.asked).toBe(1);
    t = 5_000;
    for (let i = 0; i < 1000; i += 1) store.get();
    await flush();
    expect(secrets.asked).toBe(2);
    t = 60_000; // no timer of its own: only a read, a save or the settings screen asks
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(secrets.asked).toBe(2);
    await store.refresh(); // the settings screen asks whatever the interval
    expect(secrets.asked).toBe(3);
    secrets.available = true;
    await store.refresh();
    await store.refresh(); // available now: nothing more to ask
    expect(secrets.asked).toBe(4);
    expect(store.view().secretStorage.encrypted).toBe(true);
  });

  it('encrypts a password saved after the keyring came up, and keeps the saved one it can now read', async () => {
    const secrets = encryptingStore();
    await (await make(secrets)).updateConnection(connection());
    secrets.available = false;
    const store = await make(secrets);
    secrets.available = true;
    const next = connection();
    delete next.mysql.password; // kept: the saved one, readable now
    next.risingwave.password = 'typed-after-unlock';
    const view = await store.updateConnection(next);
    expect(view.secretStorage.encrypted).toBe(true);
    expect(view.connection.mysql.passwordSet).toBe(true);
    expect(store.get().connection.mysql.password).toBe(MY_PW);
    expect(readFileSync(file, 'utf8')).not.toContain('typed-after-unlock');
    expect((await make(secrets)).get().connection.risingwave.password).toBe('typed-after-unlock');
  });

  it('re-encrypts and rewrites the file, atomically, when the OS asks for it', async () => {
    const secrets = encryptingStore();
    await (await make(secrets)).updateConnection(connection({ wardId: 'W1' }));
    const before = JSON.parse(readFileSync(file, 'utf8'));
    secrets.version = 11; // the OS rotated its key: the old ciphers decrypt, with shouldReEncrypt
    const store = await make(secrets);
    expect(store.get().connection.risingwave.password).toBe(RW_PW);
    expect(store.get().connection.mysql.password).toBe(MY_PW);

    const text = readFileSync(file, 'utf8');
    const after = JSON.parse(text);
    for (const key of ['risingwave', 'mysql'] as const) {
      const cipher = Buffer.from(after.connection[key].passwordCipher, 'base64');
      expect(cipher.subarray(0, 3).toString()).toBe('v11');
      expect(after.connection[key].passwordCipher).not.toBe(before.connection[key].passwordCipher);
      delete after.connection[key].passwordCipher;
      delete before.connection[key].passwordCipher;
    }
    expect(after).toEqual(before); // nothing else changed
    for (const pw of [RW_PW, MY_PW]) {
      expect(text).not.toContain(pw);
      expect(logs.join('\n')).not.toContain(pw);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'conf'))).toEqual(['settings.json']); // no temp file left
    expect(logs).toContain("re-encrypted the saved passwords with the OS keyring's current key");

    // the next start reads the new ciphers and has nothing to rewrite
    const again = await make(secrets);
    expect(again.get().connection.risingwave.password).toBe(RW_PW);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('keeps the old ciphertext, still usable, when re-encrypting it fails', async () => {
    const secrets = encryptingStore();
    await (await make(secrets)).updateConnection(connection());
    const saved = readFileSync(file, 'utf8');
    secrets.version = 11;
    secrets.encrypt = () => Promise.reject(new Error('keyring busy'));
    const store = await make(secrets);
    expect(store.get().connection.risingwave.password).toBe(RW_PW);
    expect(readFileSync(file, 'utf8')).toBe(saved);
    expect(logs.some((l) => l.startsWith('could not re-encrypt the saved risingwave password'))).toBe(true);
  });

  it('does not hold up the start for a keyring that does not answer, and uses its answer when it comes', async () => {
    const secrets = encryptingStore();
    await (await make(secrets)).updateConnection(connection());
    let answer: (available: boolean) => void = () => undefined;
    secrets.isEncryptionAvailable = () =>
      new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    const store = create(secrets, { unlockTimeoutMs: 20 });
    const seen: string[] = [];
    store.onChange((s, section) => seen.push(`${section}:${s.connection.mysql.password === MY_PW}`));
    await store.unlock();
    expect(store.get().connection.risingwave.password).toBe('');
    expect(logs.some((l) => l.startsWith('the OS keyring has not answered in 0.02 s'))).toBe(true);
    answer(true);
    await vi.waitFor(() => expect(store.get().connection.risingwave.password).toBe(RW_PW));
    expect(seen).toEqual(['connection:true']);
  });

  it('refuses a save, and saves nothing later, while the keyring does not answer', async () => {
    const secrets = encryptingStore();
    const store = await make(secrets, { unlockTimeoutMs: 20 });
    await store.updateConnection(connection());
    const saved = readFileSync(file, 'utf8');
    let answer: (available: boolean) => void = () => undefined;
    secrets.isEncryptionAvailable = () =>
      new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    const next = connection();
    next.risingwave.password = 'typed-while-locked';
    await expect(store.updateConnection(next)).rejects.toThrow(
      new SettingsSaveError(
        'The operating system keyring did not answer, so the settings were not saved. Unlock it, or try again in a moment.',
      ),
    );
    await store.refresh(); // the settings screen still opens: it does not wait for the keyring
    expect(store.view().connection.risingwave.passwordSet).toBe(true);
    answer(true);
    await flush();
    await flush();
    expect(readFileSync(file, 'utf8')).toBe(saved); // the refused save did not happen after all
    expect(store.get().connection.risingwave.password).toBe(RW_PW);
    expect(logs.join('\n')).not.toContain('typed-while-locked');
  });

  it('serializes connection saves and keeps a section saved while one waited for the keyring', async () => {
    const secrets = encryptingStore();
    const store = await make(secrets);
    const encrypt = secrets.encrypt.bind(secrets);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    secrets.encrypt = async (plain) => {
      await gate;
      return encrypt(plain);
    };
    const first = store.updateConnection(connection({ wardId: 'A' }));
    const second = store.updateConnection(connection({ wardId: 'B' }));
    await flush();
    store.updateNotifications({ enabled: false, sound: false, criticalRepeatMinutes: 0, coalesceMs: 0 });
    release();
    await Promise.all([first, second]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.notifications.enabled).toBe(false);
    expect(saved.connection).toMatchObject({ mode: 'connected', wardId: 'B' });
    expect((await make(secrets)).get().connection.risingwave.password).toBe(RW_PW);
  });

  it('applies environment overrides without ever writing their passwords', async () => {
    const env = {
      NURSE_STATION_MODE: 'connected',
      NURSE_STATION_RW_URL: 'postgres://admin:env%40pw@rw.env:4567/ward',
      NURSE_STATION_MYSQL_URL: 'mysql://ns:env-my-pw@[::1]:3307/ns',
    };
    const store = await make(encryptingStore(), { env });
    const s = store.get();
    expect(s.connection.mode).toBe('connected');
    expect(s.connection.risingwave).toEqual({
      host: 'rw.env',
      port: 4567,
      user: 'admin',
      database: 'ward',
      password: 'env@pw',
    });
    expect(s.connection.mysql).toMatchObject({ host: '::1', port: 3307, password: 'env-my-pw' });
    const view = store.view();
    expect(JSON.stringify(view)).not.toContain('env@pw');
    expect(JSON.stringify(view)).not.toContain('env-my-pw');
    expect(view.secretStorage.message).toContain('NURSE_STATION_RW_URL and NURSE_STATION_MYSQL_URL');

    store.updateNotifications({ enabled: false, sound: false, criticalRepeatMinutes: 0, coalesceMs: 0 });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('env@pw');
    expect(text).not.toContain('env-my-pw');
    expect(JSON.parse(text).connection.mode).toBe('simulator'); // the file keeps its own value
  });

  it('ignores malformed environment values without echoing them', async () => {
    const store = await make(encryptingStore(), {
      env: { NURSE_STATION_MODE: 'turbo', NURSE_STATION_RW_URL: 'mysql://u:leaky-pw@h/db' },
    });
    expect(store.get().connection.mode).toBe('simulator');
    expect(store.get().connection.risingwave.host).toBe('127.0.0.1');
    expect(logs.some((l) => l.includes('NURSE_STATION_RW_URL'))).toBe(true);
    expect(logs.join('\n')).not.toContain('leaky-pw');
  });

  it('moves a corrupt file aside and keeps valid sections of a partly invalid one', async () => {
    const store = await make(encryptingStore());
    await store.updateConnection(connection());
    writeFileSync(file, '{ not json');
    expect((await make(encryptingStore())).get().connection.mode).toBe('simulator');
    expect(readdirSync(join(dir, 'conf')).some((n) => n.startsWith('settings.json.corrupt-'))).toBe(true);

    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        connection: { mode: 'connected', pollIntervalMs: 5 },
        notifications: { enabled: false, sound: true, criticalRepeatMinutes: 2, coalesceMs: 100 },
        ackRetentionDays: 90,
      }),
    );
    const partial = await make(encryptingStore());
    expect(partial.get().connection.mode).toBe('simulator');
    expect(partial.get().notifications.criticalRepeatMinutes).toBe(2);
    expect(partial.ackRetentionDays()).toBe(90);
  });

  describe('ward and Kafka push', () => {
    const KAFKA = { bootstrap: 'kafka1.ward3:9092, kafka2.ward3:9093', alertsTopic: 'ward3.alerts' };

    // Issue #12: settings files written before wards existed must still load, unchanged otherwise.
    it('loads a file saved before wards and the Kafka push existed as the whole hospital, poll only', async () => {
      const secrets = encryptingStore();
      const cipher = (await secrets.encrypt(RW_PW)).toString('base64');
      const old = {
        version: 1,
        connection: {
          mode: 'connected',
          risingwave: { host: 'rw.ward3', port: 4566, user: 'root', database: 'dev', passwordCipher: cipher },
          mysql: { host: 'db.ward3', port: 3306, user: 'nurse_station', database: 'nurse_station' },
          pollIntervalMs: 2000,
        },
        notifications: { enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 3000 },
        ackRetentionDays: 45,
      };
      mkdirSync(join(dir, 'conf'));
      writeFileSync(file, JSON.stringify(old));

      const store = await make(secrets);
      const c = store.get().connection;
      expect(c).toMatchObject({
        mode: 'connected',
        pollIntervalMs: 2000,
        wardId: '',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
      });
      expect(c.risingwave).toMatchObject({ host: 'rw.ward3', password: RW_PW });
      expect(store.get().notifications.sound).toBe(false);
      expect(store.ackRetentionDays()).toBe(45);
      expect(logs).toEqual([]); // nothing was "invalid"
      expect(store.view().connection).toMatchObject({ wardId: '', kafka: { bootstrap: '' } });
    });

    it('saves the ward and the Kafka servers, normalized, and keeps them when a request omits them', async () => {
      const store = await make(encryptingStore());
      const view = await store.updateConnection(connection({ wardId: 'ICU-3', kafka: KAFKA }));
      const normalized = { bootstrap: 'kafka1.ward3:9092,kafka2.ward3:9093', alertsTopic: 'ward3.alerts' };
      expect(view.connection).toMatchObject({ wardId: 'ICU-3', kafka: normalized });
      expect(JSON.parse(readFileSync(file, 'utf8')).connection).toMatchObject({
        wardId: 'ICU-3',
        kafka: normalized,
      });
      expect((await make(encryptingStore())).get().connection).toMatchObject({
        wardId: 'ICU-3',
        kafka: normalized,
      });

      // omitted: kept (a request that does not mention the ward must not widen it to the hospital)
      expect((await store.updateConnection(connection({ pollIntervalMs: 1500 }))).connection).toMatchObject({
        wardId: 'ICU-3',
        kafka: normalized,
        pollIntervalMs: 1500,
      });
      // '' is the whole hospital and poll only; the topic defaults when not given
      const cleared = await store.updateConnection(connection({ wardId: '', kafka: { bootstrap: '' } }));
      expect(cleared.connection).toMatchObject({
        wardId: '',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
      });
    });

    it('reports a ward or Kafka change to listeners as a connection change', async () => {
      const store = await make(encryptingStore());
      await store.updateConnection(connection());
      const seen: string[] = [];
      store.onChange((s, section) =>
        seen.push(`${section}:${s.connection.wardId}:${s.connection.kafka.bootstrap}`),
      );
      await store.updateConnection(connection({ wardId: 'W2' }));
      await store.updateConnection(connection({ kafka: { bootstrap: 'k:9092', alertsTopic: 'a' } }));
      expect(seen).toEqual(['connection:W2:', 'connection:W2:k:9092']);
    });

    it.each([
      ['a ward id with a space', { wardId: 'ward 3' }, 'wardId'],
      ['a ward id of 65 characters', { wardId: 'w'.repeat(65) }, 'wardId'],
      ['a ward id with a quote', { wardId: "w'; --" }, 'wardId'],
      ['a server without a port', { kafka: { bootstrap: 'kafka1' } }, 'kafka.bootstrap'],
      ['port 0', { kafka: { bootstrap: 'kafka1:0' } }, 'kafka.bootstrap'],
      ['port 65536', { kafka: { bootstrap: 'kafka1:65536' } }, 'kafka.bootstrap'],
      ['a port that is not a number', { kafka: { bootstrap: 'kafka1:90a2' } }, 'kafka.bootstrap'],
      ['a host with a space', { kafka: { bootstrap: 'kafka 1:9092' } }, 'kafka.bootstrap'],
      ['a host of 256 characters', { kafka: { bootstrap: `${'h'.repeat(256)}:9092` } }, 'kafka.bootstrap'],
      ['an empty entry', { kafka: { bootstrap: 'k1:9092,,k2:9092' } }, 'kafka.bootstrap'],
      [
        'nine servers',
        { kafka: { bootstrap: Array.from({ length: 9 }, (_, i) => `k${i}:9092`).join(',') } },
        'kafka.bootstrap',
      ],
      ['a topic named ".."', { kafka: { bootstrap: '', alertsTopic: '..' } }, 'kafka.alertsTopic'],
      ['a topic with a slash', { kafka: { bootstrap: '', alertsTopic: 'a/b' } }, 'kafka.alertsTopic'],
      [
        'a topic of 250 characters',
        { kafka: { bootstrap: '', alertsTopic: 't'.repeat(250) } },
        'kafka.alertsTopic',
      ],
      ['an empty topic', { kafka: { bootstrap: '', alertsTopic: '' } }, 'kafka.alertsTopic'],
    ] as const)('refuses %s and saves nothing', async (_name, change, path) => {
      const store = await make(encryptingStore());
      await store.updateConnection(connection({ wardId: 'W1' }));
      const saved = readFileSync(file, 'utf8');
      const input = { ...connection(), ...change } as ConnectionSettingsInput;
      const parsed = connectionSettingsSchema.safeParse(input);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
      await expect(store.updateConnection(input)).rejects.toThrow();
      expect(readFileSync(file, 'utf8')).toBe(saved);
      expect(store.get().connection.wardId).toBe('W1');
    });

    it.each([
      ['one server', 'kafka:9092'],
      ['eight servers', Array.from({ length: 8 }, (_, i) => `k${i}.ward3:${9092 + i}`).join(',')],
      ['an IPv4 address', '10.0.0.5:9092'],
      ['a bracketed IPv6 address', '[::1]:9092'],
      ['port 1 and port 65535', 'a:1,b:65535'],
    ])('accepts %s', async (_name, bootstrap) => {
      const store = await make(encryptingStore());
      expect(
        (await store.updateConnection(connection({ kafka: { bootstrap, alertsTopic: 'x' } }))).connection
          .kafka,
      ).toEqual({ bootstrap, alertsTopic: 'x' });
    });

    it('accepts ward ids of 1 and 64 characters of the allowed kinds', async () => {
      const store = await make(encryptingStore());
      for (const wardId of ['3', `A-z_0.9:${'w'.repeat(56)}`]) {
        expect((await store.updateConnection(connection({ wardId }))).connection.wardId).toBe(wardId);
      }
    });

    it('takes NURSE_STATION_WARD and NURSE_STATION_KAFKA_BOOTSTRAP over the file, never saving them', async () => {
      await (await make(encryptingStore())).updateConnection(connection({ wardId: 'W1', kafka: KAFKA }));
      const env = { NURSE_STATION_WARD: ' ICU-2 ', NURSE_STATION_KAFKA_BOOTSTRAP: 'k1:9092 , k2:9092' };
      const store = await make(encryptingStore(), { env });
      expect(store.get().connection).toMatchObject({
        wardId: 'ICU-2',
        kafka: { bootstrap: 'k1:9092,k2:9092', alertsTopic: 'ward3.alerts' },
      });
      const topic = await make(encryptingStore(), {
        env: { NURSE_STATION_KAFKA_ALERTS_TOPIC: 'icu2.alerts' },
      });
      expect(topic.get().connection.kafka).toEqual({
        bootstrap: 'kafka1.ward3:9092,kafka2.ward3:9093',
        alertsTopic: 'icu2.alerts',
      });
      expect(store.view().connection.wardId).toBe('ICU-2');
      expect(store.view().secretStorage.message).toContain('Environment variables override');

      await store.updateConnection(connection({ wardId: 'W5' }));
      const saved = JSON.parse(readFileSync(file, 'utf8')).connection;
      expect(saved.wardId).toBe('W5'); // the file keeps its own value
      expect(saved.kafka.bootstrap).toBe('kafka1.ward3:9092,kafka2.ward3:9093');
      expect(store.get().connection.wardId).toBe('ICU-2'); // the override still wins
    });

    it('ignores malformed NURSE_STATION_WARD and NURSE_STATION_KAFKA_BOOTSTRAP and says so', async () => {
      await (await make(encryptingStore())).updateConnection(connection({ wardId: 'W1' }));
      const store = await make(encryptingStore(), {
        env: {
          NURSE_STATION_WARD: 'ward 3',
          NURSE_STATION_KAFKA_BOOTSTRAP: 'kafka1',
          NURSE_STATION_KAFKA_ALERTS_TOPIC: '..',
        },
      });
      expect(store.get().connection).toMatchObject({
        wardId: 'W1',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
      });
      expect(logs.some((l) => l.startsWith('NURSE_STATION_WARD'))).toBe(true);
      expect(logs.some((l) => l.startsWith('NURSE_STATION_KAFKA_BOOTSTRAP'))).toBe(true);
      expect(logs.some((l) => l.startsWith('NURSE_STATION_KAFKA_ALERTS_TOPIC'))).toBe(true);
    });

    it('falls back to the default connection when the saved ward is invalid', async () => {
      const store = await make(encryptingStore());
      await store.updateConnection(connection({ wardId: 'W1' }));
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      saved.connection.wardId = 'not a ward';
      writeFileSync(file, JSON.stringify(saved));
      const reopened = await make(encryptingStore());
      expect(reopened.get().connection).toMatchObject({ mode: 'simulator', wardId: '' });
      expect(logs).toContain('saved connection settings are invalid; using defaults');
    });
  });

  it('validates input, notifies listeners, and survives a throwing listener', async () => {
    const store = await make(encryptingStore());
    const seen: string[] = [];
    store.onChange(() => {
      throw new Error('listener bug');
    });
    const off = store.onChange((s, section) => seen.push(`${section}:${s.ackRetentionDays}`));
    await expect(store.updateConnection({ ...connection(), pollIntervalMs: 10 })).rejects.toThrow();
    expect(() => store.setAckRetentionDays(0)).toThrow();
    store.setAckRetentionDays(60);
    await store.updateConnection(connection());
    off();
    store.setAckRetentionDays(61);
    expect(seen).toEqual(['ackRetentionDays:60', 'connection:60']);
    expect(store.ackRetentionDays()).toBe(61);
  });

  describe('sign-in', () => {
    it('saves the idle time, keeps the other sections, tells the listeners and shows it in the view', async () => {
      const store = await make(encryptingStore());
      await store.updateConnection(connection());
      const seen: string[] = [];
      store.onChange((s, section) => seen.push(`${section}:${s.signIn.idleMinutes}`));
      const view = store.updateSignIn({ idleMinutes: 25 });
      expect(view.signIn).toEqual({ idleMinutes: 25 });
      expect(seen).toEqual(['signIn:25']);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(saved.signIn).toEqual({ idleMinutes: 25 });
      const again = await make(encryptingStore());
      expect(again.get().signIn).toEqual({ idleMinutes: 25 });
      expect(again.get().connection.mode).toBe('connected');
      expect(again.get().connection.risingwave.password).toBe(RW_PW);
      // other sections saved later keep it
      again.setAckRetentionDays(45);
      expect((await make(encryptingStore())).get().signIn.idleMinutes).toBe(25);
    });

    it.each([0, 241, 10.5, -1, Number.NaN])(
      'refuses an idle time of %s minutes and saves nothing',
      async (idle) => {
        const store = await make(encryptingStore());
        expect(() => store.updateSignIn({ idleMinutes: idle })).toThrow();
        expect(() => store.updateSignIn({ idleMinutes: 10, extra: 1 } as never)).toThrow();
        expect(store.get().signIn.idleMinutes).toBe(10);
        expect(() => statSync(file)).toThrow();
      },
    );

    it('accepts 1 and 240 minutes', async () => {
      const store = await make(encryptingStore());
      expect(store.updateSignIn({ idleMinutes: 1 }).signIn.idleMinutes).toBe(1);
      expect(store.updateSignIn({ idleMinutes: 240 }).signIn.idleMinutes).toBe(240);
    });

    it('falls back to 10 minutes when the saved value is invalid, like other sections, and says so', async () => {
      mkdirSync(join(dir, 'conf'), { recursive: true });
      writeFileSync(file, JSON.stringify({ version: 1, signIn: { idleMinutes: 0 }, ackRetentionDays: 90 }));
      const store = await make(encryptingStore());
      expect(store.get().signIn).toEqual({ idleMinutes: 10 });
      expect(store.ackRetentionDays()).toBe(90);
      expect(logs).toContain('saved sign-in settings are invalid; using defaults');
    });
  });

  describe('identifier pattern (hospital IT)', () => {
    const save = (extra: Record<string, unknown>) => {
      mkdirSync(join(dir, 'conf'), { recursive: true });
      writeFileSync(file, JSON.stringify({ version: 1, ackRetentionDays: 90, ...extra }));
    };

    it('reads the pattern from settings.json, and gives a rule that follows it and still refuses bidi characters', async () => {
      save({ identifierPattern: '^MRN[0-9]{6}$' });
      const store = await make(encryptingStore());
      expect(store.get().identifierPattern).toBe('^MRN[0-9]{6}$');
      const rule = store.identifierRule();
      expect(rule.custom).toBe(true);
      expect(rule.check('patient_id', 'MRN123456')).toBeNull();
      expect(rule.check('patient_id', 'P001')).toMatch(/does not match the hospital's identifier pattern/);
      expect(rule.check('patient_id', 'MRN\u202E12345')).toMatch(/bidirectional control character U\+202E/);
      // a new rule per wiring
      expect(store.identifierRule()).not.toBe(rule);
    });

    it("takes NURSE_STATION_ID_PATTERN over the file, and keeps the file's pattern when saving", async () => {
      save({ identifierPattern: '^MRN[0-9]{6}$' });
      const store = await make(encryptingStore(), { env: { NURSE_STATION_ID_PATTERN: ' ^BED-[0-9]{2}$ ' } });
      expect(store.get().identifierPattern).toBe('^BED-[0-9]{2}$');
      expect(store.identifierRule().accepts('BED-04')).toBe(true);
      expect(store.identifierRule().accepts('MRN123456')).toBe(false);
      store.setAckRetentionDays(60);
      await store.updateConnection(connection());
      store.updateSignIn({ idleMinutes: 5 });
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      // IT's key survives the app's saves; the environment's value is never written
      expect(saved.identifierPattern).toBe('^MRN[0-9]{6}$');
      expect(readFileSync(file, 'utf8')).not.toContain('BED-');
    });

    it('treats a blank or null pattern as not set', async () => {
      save({ identifierPattern: null });
      expect(
        (await make(encryptingStore(), { env: { NURSE_STATION_ID_PATTERN: '  ' } })).get().identifierPattern,
      ).toBeNull();
      save({ identifierPattern: '' });
      expect((await make(encryptingStore())).identifierRule().custom).toBe(false);
    });

    it.each([
      ['does not compile', '(MRN', /not a valid JavaScript regular expression with the u flag/],
      ['would escape its anchors', 'a)|(b', /not a valid JavaScript regular expression/],
      ['is too long', 'a'.repeat(600), /longer than 512 characters/],
      ['is not a string', 42, /must be a string, or null/],
    ])('refuses to load a saved pattern that %s, naming the key', (_what, pattern, why) => {
      save({ identifierPattern: pattern });
      let err: unknown;
      try {
        create(encryptingStore());
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SettingsLoadError);
      const message = (err as Error).message;
      expect(message).toMatch(/^saved identifierPattern \(.*settings\.json\) is invalid: /);
      expect(message).toMatch(why);
      expect(logs).toContain(message);
    });

    it('refuses to load an invalid NURSE_STATION_ID_PATTERN, naming the variable', () => {
      expect(() => create(encryptingStore(), { env: { NURSE_STATION_ID_PATTERN: '[unclosed' } })).toThrow(
        /^NURSE_STATION_ID_PATTERN is invalid: the pattern is not a valid JavaScript regular expression with the u flag/,
      );
    });
  });

  it('reports a failed save plainly and keeps the previous settings', async () => {
    writeFileSync(join(dir, 'conf'), 'a file where a folder should be');
    const store = await make(encryptingStore());
    await expect(store.updateConnection(connection())).rejects.toThrow(SettingsSaveError);
    expect(store.get().connection.mode).toBe('simulator');
    expect(store.get().connection.risingwave.password).toBe('');
  });
});

describe('parseDatabaseUrl', () => {
  it('reads only the parts present', async () => {
    expect(parseDatabaseUrl('postgresql://rw.local', ['postgres', 'postgresql'])).toEqual({
      host: 'rw.local',
    });
    expect(() => parseDatabaseUrl('http://x', ['mysql'])).toThrow();
  });
});
