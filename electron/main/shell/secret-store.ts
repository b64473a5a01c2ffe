// The SecretStore port over Electron's safeStorage (OS keychain / DPAPI / libsecret / KWallet).
// On Linux without a keyring Electron falls back to 'basic_text', a fixed built-in key: that is
// obfuscation, not encryption, so it is reported as "not encrypted" and never used to encrypt.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/host-types';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

const LINUX_BACKEND_NAMES: Record<string, string> = {
  gnome_libsecret: 'GNOME libsecret',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
};

export function createSafeStorageSecretStore(
  storage: SafeStorageLike = safeStorage,
  platform: NodeJS.Platform = process.platform,
): SecretStore {
  const linuxBackend = (): string => (platform === 'linux' ? storage.getSelectedStorageBackend() : '');
  // isEncryptionAvailable() is deprecated for the async variant, but the port is synchronous and
  // the store is only used after app 'ready', where the sync answer is final.
  const available = (): boolean => {
    if (!storage.isEncryptionAvailable()) return false;
    if (platform !== 'linux') return true;
    return Object.hasOwn(LINUX_BACKEND_NAMES, linuxBackend());
  };

  const describe = (): string => {
    if (platform === 'linux') {
      const backend = linuxBackend();
      if (backend === 'basic_text') {
        return (
          'Not encrypted: this desktop has no system keyring (GNOME libsecret or KWallet), and ' +
          "Electron's fallback ('basic_text') uses a fixed built-in key, which anyone who can read " +
          "the station's data folder can undo."
        );
      }
      if (storage.isEncryptionAvailable() && LINUX_BACKEND_NAMES[backend]) {
        return `safeStorage (${LINUX_BACKEND_NAMES[backend]})`;
      }
      return `Not encrypted: the system keyring is not available (backend: ${backend || 'unknown'}).`;
    }
    if (!storage.isEncryptionAvailable()) {
      return "Not encrypted: the operating system's secret storage is not available.";
    }
    if (platform === 'win32') return 'safeStorage (Windows DPAPI)';
    if (platform === 'darwin') return 'safeStorage (macOS Keychain)';
    return 'safeStorage';
  };

  return {
    isEncryptionAvailable: available,
    encrypt(plain: string): Buffer {
      if (!available()) throw new Error(`Cannot encrypt the secret. ${describe()}`);
      return storage.encryptString(plain);
    },
    decrypt(cipher: Buffer): string {
      if (!storage.isEncryptionAvailable()) throw new Error(`Cannot decrypt the secret. ${describe()}`);
      return storage.decryptString(cipher);
    },
    describe,
  };
}
