import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionSettingsSchema, type ConnectionSettingsInput } from '../../../shared/ipc/contract';
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
        wardId: '',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
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
      wardId: '',
      kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
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

  describe('ward and Kafka push', () => {
    const KAFKA = { bootstrap: 'kafka1.ward3:9092, kafka2.ward3:9093', alertsTopic: 'ward3.alerts' };

    // Issue #12: settings files written before wards existed must still load, unchanged otherwise.
    it('loads a file saved before wards and the Kafka push existed as the whole hospital, poll only', () => {
      const secrets = encryptingStore();
      const cipher = secrets.encrypt(RW_PW).toString('base64');
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

      const store = make(secrets);
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

    it('saves the ward and the Kafka servers, normalized, and keeps them when a request omits them', () => {
      const store = make(encryptingStore());
      const view = store.updateConnection(connection({ wardId: 'ICU-3', kafka: KAFKA }));
      const normalized = { bootstrap: 'kafka1.ward3:9092,kafka2.ward3:9093', alertsTopic: 'ward3.alerts' };
      expect(view.connection).toMatchObject({ wardId: 'ICU-3', kafka: normalized });
      expect(JSON.parse(readFileSync(file, 'utf8')).connection).toMatchObject({
        wardId: 'ICU-3',
        kafka: normalized,
      });
      expect(make(encryptingStore()).get().connection).toMatchObject({ wardId: 'ICU-3', kafka: normalized });

      // omitted: kept (a request that does not mention the ward must not widen it to the hospital)
      expect(store.updateConnection(connection({ pollIntervalMs: 1500 })).connection).toMatchObject({
        wardId: 'ICU-3',
        kafka: normalized,
        pollIntervalMs: 1500,
      });
      // '' is the whole hospital and poll only; the topic defaults when not given
      const cleared = store.updateConnection(connection({ wardId: '', kafka: { bootstrap: '' } }));
      expect(cleared.connection).toMatchObject({
        wardId: '',
        kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
      });
    });

    it('reports a ward or Kafka change to listeners as a connection change', () => {
      const store = make(encryptingStore());
      store.updateConnection(connection());
      const seen: string[] = [];
      store.onChange((s, section) =>
        seen.push(`${section}:${s.connection.wardId}:${s.connection.kafka.bootstrap}`),
      );
      store.updateConnection(connection({ wardId: 'W2' }));
      store.updateConnection(connection({ kafka: { bootstrap: 'k:9092', alertsTopic: 'a' } }));
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
    ] as const)('refuses %s and saves nothing', (_name, change, path) => {
      const store = make(encryptingStore());
      store.updateConnection(connection({ wardId: 'W1' }));
      const saved = readFileSync(file, 'utf8');
      const input = { ...connection(), ...change } as ConnectionSettingsInput;
      const parsed = connectionSettingsSchema.safeParse(input);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
      expect(() => store.updateConnection(input)).toThrow();
      expect(readFileSync(file, 'utf8')).toBe(saved);
      expect(store.get().connection.wardId).toBe('W1');
    });

    it.each([
      ['one server', 'kafka:9092'],
      ['eight servers', Array.from({ length: 8 }, (_, i) => `k${i}.ward3:${9092 + i}`).join(',')],
      ['an IPv4 address', '10.0.0.5:9092'],
      ['a bracketed IPv6 address', '[::1]:9092'],
      ['port 1 and port 65535', 'a:1,b:65535'],
    ])('accepts %s', (_name, bootstrap) => {
      const store = make(encryptingStore());
      expect(
        store.updateConnection(connection({ kafka: { bootstrap, alertsTopic: 'x' } })).connection.kafka,
      ).toEqual({ bootstrap, alertsTopic: 'x' });
    });

    it('accepts ward ids of 1 and 64 characters of the allowed kinds', () => {
      const store = make(encryptingStore());
      for (const wardId of ['3', `A-z_0.9:${'w'.repeat(56)}`]) {
        expect(store.updateConnection(connection({ wardId })).connection.wardId).toBe(wardId);
      }
    });

    it('takes NURSE_STATION_WARD and NURSE_STATION_KAFKA_BOOTSTRAP over the file, never saving them', () => {
      make(encryptingStore()).updateConnection(connection({ wardId: 'W1', kafka: KAFKA }));
      const env = { NURSE_STATION_WARD: ' ICU-2 ', NURSE_STATION_KAFKA_BOOTSTRAP: 'k1:9092 , k2:9092' };
      const store = make(encryptingStore(), { env });
      expect(store.get().connection).toMatchObject({
        wardId: 'ICU-2',
        kafka: { bootstrap: 'k1:9092,k2:9092', alertsTopic: 'ward3.alerts' },
      });
      const topic = make(encryptingStore(), { env: { NURSE_STATION_KAFKA_ALERTS_TOPIC: 'icu2.alerts' } });
      expect(topic.get().connection.kafka).toEqual({
        bootstrap: 'kafka1.ward3:9092,kafka2.ward3:9093',
        alertsTopic: 'icu2.alerts',
      });
      expect(store.view().connection.wardId).toBe('ICU-2');
      expect(store.view().secretStorage.message).toContain('Environment variables override');

      store.updateConnection(connection({ wardId: 'W5' }));
      const saved = JSON.parse(readFileSync(file, 'utf8')).connection;
      expect(saved.wardId).toBe('W5'); // the file keeps its own value
      expect(saved.kafka.bootstrap).toBe('kafka1.ward3:9092,kafka2.ward3:9093');
      expect(store.get().connection.wardId).toBe('ICU-2'); // the override still wins
    });

    it('ignores malformed NURSE_STATION_WARD and NURSE_STATION_KAFKA_BOOTSTRAP and says so', () => {
      make(encryptingStore()).updateConnection(connection({ wardId: 'W1' }));
      const store = make(encryptingStore(), {
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

    it('falls back to the default connection when the saved ward is invalid', () => {
      const store = make(encryptingStore());
      store.updateConnection(connection({ wardId: 'W1' }));
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      saved.connection.wardId = 'not a ward';
      writeFileSync(file, JSON.stringify(saved));
      const reopened = make(encryptingStore());
      expect(reopened.get().connection).toMatchObject({ mode: 'simulator', wardId: '' });
      expect(logs).toContain('saved connection settings are invalid; using defaults');
    });
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
