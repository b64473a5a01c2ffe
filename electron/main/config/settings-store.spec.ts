import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionSettingsInput } from '../../../shared/ipc/contract';
import type { SecretStore } from '../core/host-types';
import {
  createSettingsStore,
  parseDatabaseUrl,
  SettingsSaveError,
  type SettingsStoreOptions,
} from './settings-store';

const RW_PW = 'rw-Secret-Pa55';
const MY_PW = 'my-Secret-Pa55';

/** Reversible but opaque: the clear text must not survive in the ciphertext or its base64. */
function encryptingStore(opts: { failDecrypt?: boolean } = {}): SecretStore & { available: boolean } {
  const key = 0x5a;
  return {
    available: true,
    isEncryptionAvailable() {
      return this.available;
    },
    encrypt: (plain) => Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ key)]),
    decrypt: (cipher) => {
      if (opts.failDecrypt) throw new Error('keyring changed');
      return Buffer.from(cipher.subarray(3).map((b) => b ^ key)).toString('utf8');
    },
    describe: () => 'safeStorage (test keyring)',
  };
}

const plainStore: SecretStore = {
  isEncryptionAvailable: () => false,
  encrypt: () => {
    throw new Error('no keyring');
  },
  decrypt: () => {
    throw new Error('no keyring');
  },
  describe: () => 'safeStorage unavailable (no keyring)',
};

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

  const make = (secretStore: SecretStore, extra: Partial<SettingsStoreOptions> = {}) =>
    createSettingsStore({ file, secretStore, env: {}, log: (m) => logs.push(m), ...extra });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ns-settings-'));
    file = join(dir, 'conf', 'settings.json');
    logs = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from the defaults and writes nothing until something changes', () => {
    const store = make(encryptingStore());
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
      },
      notifications: { enabled: true, sound: true, criticalRepeatMinutes: 5, coalesceMs: 3000 },
      ackRetentionDays: 30,
    });
    expect(store.view().connection.risingwave.passwordSet).toBe(false);
    expect(() => statSync(file)).toThrow();
  });

  it('with a keyring: saves only ciphertext, 0600, atomically, and decrypts on the next start', () => {
    const secrets = encryptingStore();
    const store = make(secrets);
    const view = store.updateConnection(connection());

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
    });
    expect(view.secretStorage).toEqual({
      encrypted: true,
      message: 'Passwords are saved encrypted by the operating system (safeStorage (test keyring)).',
    });
    expect(store.get().connection.risingwave.password).toBe(RW_PW);

    const reopened = make(secrets);
    expect(reopened.get().connection.risingwave.password).toBe(RW_PW);
    expect(reopened.get().connection.mysql.password).toBe(MY_PW);
    expect(reopened.get().connection.mode).toBe('connected');
  });

  it('keeps the stored password when none is given, and clears it with an empty one', () => {
    const store = make(encryptingStore());
    store.updateConnection(connection());
    const next = connection();
    delete next.risingwave.password;
    next.risingwave.database = 'ward3';
    next.mysql.password = '';
    const view = store.updateConnection(next);
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
  ] as const)('refuses to send a stored password to a new %s unless it is typed again', (field, change) => {
    for (const secrets of [encryptingStore(), plainStore]) {
      const store = make(secrets);
      store.updateConnection(connection());
      const saved = readFileSync(file, 'utf8');
      for (const key of ['risingwave', 'mysql'] as const) {
        const next = connection();
        delete next[key].password;
        Object.assign(next[key], change);
        expect(() => store.updateConnection(next)).toThrow(
          new RegExp(`Enter the (RisingWave|MySQL) password again: the ${field} changed`),
        );
        expect(readFileSync(file, 'utf8')).toBe(saved);
        expect(store.get().connection[key].host).toBe(connection()[key].host);
        expect(store.get().connection[key].port).toBe(connection()[key].port);
      }
      // typed again (or cleared), the move is accepted
      const typed = connection();
      Object.assign(typed.risingwave, change, { password: 'new-pw' });
      expect(store.updateConnection(typed).connection.risingwave).toMatchObject(change);
      expect(store.get().connection.risingwave.password).toBe('new-pw');
      const cleared = connection();
      Object.assign(cleared.mysql, change, { password: '' });
      expect(store.updateConnection(cleared).connection.mysql.passwordSet).toBe(false);
    }
  });

  // Review of #21: an environment override to another server got the saved password.
  it('gives an environment override that points elsewhere no saved password', () => {
    make(encryptingStore()).updateConnection(connection());
    const moved = make(encryptingStore(), {
      env: { NURSE_STATION_RW_URL: 'postgres://root@rw.ward3:15432/dev' },
    });
    expect(moved.get().connection.risingwave).toMatchObject({ port: 15432, password: '' });
    const same = make(encryptingStore(), {
      env: { NURSE_STATION_RW_URL: 'postgres://root@rw.ward3:4566/other' },
    });
    expect(same.get().connection.risingwave).toMatchObject({ database: 'other', password: RW_PW });
  });

  it('moves a connection that has no stored password without asking for one', () => {
    const store = make(encryptingStore());
    const none = connection();
    none.risingwave.password = '';
    store.updateConnection(none);
    const next = connection();
    delete next.risingwave.password;
    next.risingwave.host = 'rw2.ward3';
    expect(store.updateConnection(next).connection.risingwave).toMatchObject({
      host: 'rw2.ward3',
      passwordSet: false,
    });
  });

  it('without a keyring: never writes the password, keeps it for this session, and says so', () => {
    const store = make(plainStore);
    const view = store.updateConnection(connection());
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

    const afterRestart = make(plainStore);
    expect(afterRestart.get().connection.risingwave.password).toBe('');
    expect(afterRestart.view().connection.risingwave.passwordSet).toBe(false);
    expect(afterRestart.get().connection.risingwave.host).toBe('rw.ward3');
  });

  it('keeps an undecryptable ciphertext, reports it, and replaces it once a new password is typed', () => {
    make(encryptingStore()).updateConnection(connection());
    const broken = make(encryptingStore({ failDecrypt: true }));
    expect(broken.get().connection.risingwave.password).toBe('');
    const view = broken.view();
    expect(view.connection.risingwave.passwordSet).toBe(false);
    expect(view.secretStorage.message).toContain('could not be decrypted');
    expect(logs.join('\n')).not.toContain(RW_PW);

    const cipherBefore = JSON.parse(readFileSync(file, 'utf8')).connection.risingwave.passwordCipher;
    broken.updateNotifications({ enabled: true, sound: false, criticalRepeatMinutes: 10, coalesceMs: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8')).connection.risingwave.passwordCipher).toBe(cipherBefore);
  });

  it('decrypts lazily when the keyring becomes available after start-up', () => {
    const secrets = encryptingStore();
    make(secrets).updateConnection(connection());
    secrets.available = false;
    const store = make(secrets);
    expect(store.view().connection.risingwave.passwordSet).toBe(false);
    secrets.available = true;
    expect(store.get().connection.risingwave.password).toBe(RW_PW);
  });

  it('applies environment overrides without ever writing their passwords', () => {
    const env = {
      NURSE_STATION_MODE: 'connected',
      NURSE_STATION_RW_URL: 'postgres://admin:env%40pw@rw.env:4567/ward',
      NURSE_STATION_MYSQL_URL: 'mysql://ns:env-my-pw@[::1]:3307/ns',
    };
    const store = make(encryptingStore(), { env });
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

  it('ignores malformed environment values without echoing them', () => {
    const store = make(encryptingStore(), {
      env: { NURSE_STATION_MODE: 'turbo', NURSE_STATION_RW_URL: 'mysql://u:leaky-pw@h/db' },
    });
    expect(store.get().connection.mode).toBe('simulator');
    expect(store.get().connection.risingwave.host).toBe('127.0.0.1');
    expect(logs.some((l) => l.includes('NURSE_STATION_RW_URL'))).toBe(true);
    expect(logs.join('\n')).not.toContain('leaky-pw');
  });

  it('moves a corrupt file aside and keeps valid sections of a partly invalid one', () => {
    const store = make(encryptingStore());
    store.updateConnection(connection());
    writeFileSync(file, '{ not json');
    expect(make(encryptingStore()).get().connection.mode).toBe('simulator');
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
    const partial = make(encryptingStore());
    expect(partial.get().connection.mode).toBe('simulator');
    expect(partial.get().notifications.criticalRepeatMinutes).toBe(2);
    expect(partial.ackRetentionDays()).toBe(90);
  });

  it('validates input, notifies listeners, and survives a throwing listener', () => {
    const store = make(encryptingStore());
    const seen: string[] = [];
    store.onChange(() => {
      throw new Error('listener bug');
    });
    const off = store.onChange((s, section) => seen.push(`${section}:${s.ackRetentionDays}`));
    expect(() => store.updateConnection({ ...connection(), pollIntervalMs: 10 })).toThrow();
    expect(() => store.setAckRetentionDays(0)).toThrow();
    store.setAckRetentionDays(60);
    store.updateConnection(connection());
    off();
    store.setAckRetentionDays(61);
    expect(seen).toEqual(['ackRetentionDays:60', 'connection:60']);
    expect(store.ackRetentionDays()).toBe(61);
  });

  it('reports a failed save plainly and keeps the previous settings', () => {
    writeFileSync(join(dir, 'conf'), 'a file where a folder should be');
    const store = make(encryptingStore());
    expect(() => store.updateConnection(connection())).toThrow(SettingsSaveError);
    expect(store.get().connection.mode).toBe('simulator');
    expect(store.get().connection.risingwave.password).toBe('');
  });
});

describe('parseDatabaseUrl', () => {
  it('reads only the parts present', () => {
    expect(parseDatabaseUrl('postgresql://rw.local', ['postgres', 'postgresql'])).toEqual({
      host: 'rw.local',
    });
    expect(() => parseDatabaseUrl('http://x', ['mysql'])).toThrow();
  });
});
