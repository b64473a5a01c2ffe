import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, resetElectronFake } from '../../../tests/support/electron-fake';
import { createSettingsStore } from '../config/settings-store';
import { createSafeStorageSecretStore } from './secret-store';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

beforeEach(() => resetElectronFake());

/** Electron 45 deprecates these: the adapter must never call them. */
const DEPRECATED = ['isEncryptionAvailable', 'encryptString', 'decryptString'] as const;

function expectNoDeprecatedCall(): void {
  for (const name of DEPRECATED) expect(fake().safeStorage[name]).not.toHaveBeenCalled();
}

describe('createSafeStorageSecretStore', () => {
  it('encrypts and decrypts through the async safeStorage calls with a Linux keyring', async () => {
    const store = createSafeStorageSecretStore(fake().safeStorage, 'linux');
    expect(await store.isEncryptionAvailable()).toBe(true);
    expect(await store.describe()).toBe('safeStorage (GNOME libsecret)');
    const cipher = await store.encrypt('s3cret');
    expect(fake().safeStorage.encryptStringAsync).toHaveBeenCalledWith('s3cret');
    expect(await store.decrypt(cipher)).toEqual({ plain: 's3cret', shouldReEncrypt: false });
    expect(fake().safeStorage.decryptStringAsync).toHaveBeenCalledWith(cipher);
    expectNoDeprecatedCall();
  });

  it('passes on that the OS asks for the secret to be encrypted again', async () => {
    fake().safeStorage.decryptStringAsync.mockResolvedValueOnce({ result: 'old', shouldReEncrypt: true });
    const store = createSafeStorageSecretStore(fake().safeStorage, 'win32');
    expect(await store.decrypt(Buffer.from('v10…'))).toEqual({ plain: 'old', shouldReEncrypt: true });
  });

  it('never calls a deprecated synchronous safeStorage method, on any platform', async () => {
    const thrower = (name: string) => () => {
      throw new Error(`deprecated safeStorage.${name} called`);
    };
    // a storage object whose deprecated calls throw
    const storage = {
      isEncryptionAvailable: thrower('isEncryptionAvailable'),
      encryptString: thrower('encryptString'),
      decryptString: thrower('decryptString'),
      isAsyncEncryptionAvailable: vi.fn(async () => true),
      encryptStringAsync: vi.fn(async (s: string) => Buffer.from(`x:${s}`)),
      decryptStringAsync: vi.fn(async (b: Buffer) => ({
        result: b.toString().slice(2),
        shouldReEncrypt: false,
      })),
      getSelectedStorageBackend: vi.fn(() => 'kwallet6' as const),
    };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const store = createSafeStorageSecretStore(storage, platform);
      expect(await store.isEncryptionAvailable()).toBe(true);
      await expect(store.describe()).resolves.toMatch(/^safeStorage/);
      expect((await store.decrypt(await store.encrypt('pw'))).plain).toBe('pw');
    }
    // the strict Electron fake's deprecated calls throw as well, and the default store is unaffected
    const store = createSafeStorageSecretStore();
    await store.isEncryptionAvailable();
    await store.decrypt(await store.encrypt('pw'));
    await store.describe();
    expectNoDeprecatedCall();
  });

  it("says plainly that Linux 'basic_text' is not encryption, and refuses to use it", async () => {
    fake().safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const store = createSafeStorageSecretStore(fake().safeStorage, 'linux');
    expect(await store.isEncryptionAvailable()).toBe(false);
    expect(await store.describe()).toMatch(/^Not encrypted: .*no system keyring.*'basic_text'/);
    await expect(store.encrypt('s3cret')).rejects.toThrow(/Not encrypted/);
    expect(fake().safeStorage.encryptStringAsync).not.toHaveBeenCalled();
  });

  it('reports an unavailable store on each platform', async () => {
    fake().safeStorage.isAsyncEncryptionAvailable.mockResolvedValue(false);
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const store = createSafeStorageSecretStore(fake().safeStorage, platform);
      expect(await store.isEncryptionAvailable()).toBe(false);
      expect(await store.describe()).toMatch(/^Not encrypted/);
      await expect(store.encrypt('x')).rejects.toThrow(/Cannot encrypt/);
      await expect(store.decrypt(Buffer.from('x'))).rejects.toThrow(/Cannot decrypt/);
    }
    expect(fake().safeStorage.encryptStringAsync).not.toHaveBeenCalled();
    expect(fake().safeStorage.decryptStringAsync).not.toHaveBeenCalled();
    expectNoDeprecatedCall();
  });

  it('rejects when safeStorage cannot decrypt (e.g. the keyring was reset)', async () => {
    fake().safeStorage.decryptStringAsync.mockRejectedValueOnce(new Error('Error while decrypting'));
    const store = createSafeStorageSecretStore(fake().safeStorage, 'darwin');
    await expect(store.decrypt(Buffer.from('junk'))).rejects.toThrow(/decrypting/);
  });

  it('names the OS store on Windows and macOS', async () => {
    expect(await createSafeStorageSecretStore(fake().safeStorage, 'win32').describe()).toBe(
      'safeStorage (Windows DPAPI)',
    );
    expect(await createSafeStorageSecretStore(fake().safeStorage, 'darwin').describe()).toBe(
      'safeStorage (macOS Keychain)',
    );
    expect(fake().safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('uses the real safeStorage by default', async () => {
    const store = createSafeStorageSecretStore();
    await store.isEncryptionAvailable();
    expect(fake().safeStorage.isAsyncEncryptionAvailable).toHaveBeenCalled();
  });
});

describe('the settings store over safeStorage (strict Electron fake)', () => {
  it('saves, unlocks and re-encrypts with the async calls only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-safe-storage-'));
    const file = join(dir, 'settings.json');
    const logs: string[] = [];
    const open = async () => {
      const store = createSettingsStore({
        file,
        secretStore: createSafeStorageSecretStore(fake().safeStorage, 'linux'),
        env: {},
        log: (m) => logs.push(m),
      });
      await store.unlock();
      return store;
    };
    const db = { host: 'h', port: 1, user: 'u', database: 'd' };
    try {
      const first = await open();
      await first.updateConnection({
        mode: 'connected',
        risingwave: { ...db, password: 'rw-pw' },
        mysql: { ...db, password: 'my-pw' },
        pollIntervalMs: 1000,
      });
      expect(fake().safeStorage.encryptStringAsync).toHaveBeenCalledTimes(2);

      // the OS rotated its key: decryptStringAsync asks for the RisingWave password to be re-encrypted
      const storage = fake().safeStorage;
      storage.decryptStringAsync.mockImplementationOnce(async () => ({
        result: 'rw-pw',
        shouldReEncrypt: true,
      }));
      storage.encryptStringAsync.mockImplementationOnce(async () => Buffer.from('rotated'));
      const second = await open();
      expect(second.get().connection.risingwave.password).toBe('rw-pw');
      expect(second.get().connection.mysql.password).toBe('my-pw');
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.connection.risingwave.passwordCipher).toBe(Buffer.from('rotated').toString('base64'));
      expect(saved.connection.mysql.passwordCipher).toBe(Buffer.from('enc:my-pw').toString('base64'));
      expect(second.view().secretStorage.message).toBe(
        'Passwords are saved encrypted by the operating system (safeStorage (GNOME libsecret)).',
      );
      expect(logs.join('\n')).not.toMatch(/rw-pw|my-pw/);
      expectNoDeprecatedCall();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps passwords in memory only with Linux 'basic_text', and says so", async () => {
    fake().safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const dir = mkdtempSync(join(tmpdir(), 'ns-safe-storage-'));
    const file = join(dir, 'settings.json');
    try {
      const store = createSettingsStore({
        file,
        secretStore: createSafeStorageSecretStore(fake().safeStorage, 'linux'),
        env: {},
        log: () => undefined,
      });
      await store.unlock();
      const db = { host: 'h', port: 1, user: 'u', database: 'd' };
      const view = await store.updateConnection({
        mode: 'connected',
        risingwave: { ...db, password: 'rw-pw' },
        mysql: { ...db, password: '' },
        pollIntervalMs: 1000,
      });
      expect(view.secretStorage.encrypted).toBe(false);
      expect(readFileSync(file, 'utf8')).not.toMatch(/passwordCipher|rw-pw/);
      expect(store.get().connection.risingwave.password).toBe('rw-pw');
      expect(fake().safeStorage.encryptStringAsync).not.toHaveBeenCalled();
      expectNoDeprecatedCall();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
