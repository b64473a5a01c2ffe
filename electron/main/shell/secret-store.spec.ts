import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, resetElectronFake } from '../../../tests/support/electron-fake';
import { createSafeStorageSecretStore } from './secret-store';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

beforeEach(() => resetElectronFake());

describe('createSafeStorageSecretStore', () => {
  it('encrypts and decrypts through safeStorage with a Linux keyring', () => {
    const store = createSafeStorageSecretStore(fake().safeStorage, 'linux');
    expect(store.isEncryptionAvailable()).toBe(true);
    expect(store.describe()).toBe('safeStorage (GNOME libsecret)');
    const cipher = store.encrypt('s3cret');
    expect(fake().safeStorage.encryptString).toHaveBeenCalledWith('s3cret');
    expect(store.decrypt(cipher)).toBe('s3cret');
  });

  it("says plainly that Linux 'basic_text' is not encryption, and refuses to use it", () => {
    fake().safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const store = createSafeStorageSecretStore(fake().safeStorage, 'linux');
    expect(store.isEncryptionAvailable()).toBe(false);
    expect(store.describe()).toMatch(/^Not encrypted: .*no system keyring.*'basic_text'/);
    expect(() => store.encrypt('s3cret')).toThrow(/Not encrypted/);
    expect(fake().safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('reports an unavailable store on each platform', () => {
    fake().safeStorage.isEncryptionAvailable.mockReturnValue(false);
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const store = createSafeStorageSecretStore(fake().safeStorage, platform);
      expect(store.isEncryptionAvailable()).toBe(false);
      expect(store.describe()).toMatch(/^Not encrypted/);
      expect(() => store.encrypt('x')).toThrow();
      expect(() => store.decrypt(Buffer.from('x'))).toThrow();
    }
  });

  it('names the OS store on Windows and macOS', () => {
    expect(createSafeStorageSecretStore(fake().safeStorage, 'win32').describe()).toBe(
      'safeStorage (Windows DPAPI)',
    );
    expect(createSafeStorageSecretStore(fake().safeStorage, 'darwin').describe()).toBe(
      'safeStorage (macOS Keychain)',
    );
    expect(fake().safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('uses the real safeStorage by default', () => {
    const store = createSafeStorageSecretStore();
    store.isEncryptionAvailable();
    expect(fake().safeStorage.isEncryptionAvailable).toHaveBeenCalled();
  });
});
