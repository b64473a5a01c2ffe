// Types of scripts/electron-runtime.mjs, for the tests that import it.
export declare const BINDING_FILE: string;
export declare const BUILD_INFO_FILE: string;

export declare function electronBindingDir(
  root: string,
  abi: string,
  platform?: string,
  arch?: string,
): string;

export interface ElectronInspection {
  version: string | null;
  abi: string | null;
  installed: boolean;
  binary: string | null;
  reason: string | null;
}
export declare function inspectElectron(root: string): ElectronInspection;

export interface BuildInfo {
  betterSqlite3: string | null;
  runtime: string;
  target: string;
  arch: string;
  abi?: string | null;
  builtAt?: string;
}
export declare function readBuildInfo(bindingFile: string): BuildInfo | null;
export declare function betterSqliteVersion(root: string): string | null;
export declare function bindingIsCurrent(
  root: string,
  bindingFile: string,
  runtime: string,
  target: string,
  arch?: string,
): { ok: true } | { ok: false; reason: string };

export interface NativeModuleInfo {
  format: 'elf' | 'pe' | 'macho' | null;
  arch: string | null;
  abi: string | null;
}
export declare function nativeModuleInfo(bytes: Uint8Array): NativeModuleInfo;
export declare const NATIVE_FORMAT: Record<string, 'elf' | 'pe' | 'macho'>;

export declare function packagedAppProblems(app: {
  platform: string;
  arch: string;
  abi: string;
  binding: Uint8Array | null;
  asarFiles: string[];
}): string[];
