// The SecretStore port over Electron's safeStorage (OS keychain / DPAPI / libsecret / KWallet).
// Only the asynchronous calls are used: Electron 45 deprecates isEncryptionAvailable, encryptString
// and decryptString. (getSelectedStorageBackend, Linux only, is not deprecated.)
// On Linux without a keyring Electron falls back to 'basic_text', a fixed built-in key: that is
// obfuscation, not encryption, so it is reported as "not encrypted" and never used to encrypt.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/host-types';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
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
  // The async encryptor initialises on the first call after app 'ready'; each call is cheap after that.
  const osAvailable = (): Promise<boolean> => storage.isAsyncEncryptionAvailable();

  const available = async (): Promise<boolean> => {
    if (!(await osAvailable())) return false;
    if (platform !== 'linux') return true;
    return Object.hasOwn(LINUX_BACKEND_NAMES, linuxBackend());
  };

  const describe = async (): Promise<string> => {
    const os = await osAvailable();
    if (platform === 'linux') {
      const backend = linuxBackend();
      if (backend === 'basic_text') {
        return (
          'Not encrypted: this desktop has no system keyring (GNOME libsecret or KWallet), and ' +
          "Electron's fallback ('basic_text') uses a fixed built-in key, which anyone who can read " +
          "the station's data folder can undo."
        );
      }
      if (os && LINUX_BACKEND_NAMES[backend]) {
        return `safeStorage (${LINUX_BACKEND_NAMES[backend]})`;
      }
      return `Not encrypted: the system keyring is not available (backend: ${backend || 'unknown'}).`;
    }
    if (!os) {
      return "Not encrypted: the operating system's secret storage is not available.";
    }
    if (platform === 'win32') return 'safeStorage (Windows DPAPI)';
    if (platform === 'darwin') return 'safeStorage (macOS Keychain)';
    return 'safeStorage';
  };

  return {
    isEncryptionAvailable: available,
    async encrypt(plain: string): Promise<Buffer> {
      if (!(await available())) throw new Error(`Cannot encrypt the secret. ${await describe()}`);
      return storage.encryptStringAsync(plain);
    },
    async decrypt(cipher: Buffer): Promise<{ plain: string; shouldReEncrypt: boolean }> {
      if (!(await osAvailable())) throw new Error(`Cannot decrypt the secret. ${await describe()}`);
      const { result, shouldReEncrypt } = await storage.decryptStringAsync(cipher);
      return { plain: result, shouldReEncrypt };
    },
    describe,
  };
}
