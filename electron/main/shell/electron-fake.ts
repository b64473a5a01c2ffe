// Test double of the `electron` module for the shell's unit tests (no Electron binary exists on
// CI machines). Use with:
//   vi.mock('electron', async () => (await import('./electron-fake')).electronFake);
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type LinuxBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly id = nextId++;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  visible = false;
  minimized = false;
  readonly loadFile = vi.fn(async (path: string) => {
    this.webContents.url = new URL(`file://${path}`).href;
  });
  readonly loadURL = vi.fn(async (url: string) => {
    this.webContents.url = url;
  });
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly hide = vi.fn(() => {
    this.visible = false;
  });
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  readonly show = vi.fn();
  readonly close = vi.fn(() => {
    this.emit('close', fakeEvent());
  });
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeNotification.instances.push(this);
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  destroyed = false;
  toolTip = '';
  title = '';
  menu: { template: Array<{ label?: string; click?: () => void; enabled?: boolean }> } | null = null;
  readonly setToolTip = vi.fn((t: string) => {
    this.toolTip = t;
  });
  readonly setTitle = vi.fn((t: string) => {
    this.title = t;
  });
  readonly setContextMenu = vi.fn((m: FakeTray['menu']) => {
    this.menu = m;
  });
  readonly destroy = vi.fn(() => {
    this.destroyed = true;
  });
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  lock = true;
  quitCount = 0;
  /** set when a quit was not prevented by a before-quit listener */
  exited = false;
  dataDir = '/tmp/nurse-station-test';
  readonly enableSandbox = vi.fn();
  readonly requestSingleInstanceLock = vi.fn(() => this.lock);
  readonly setAppUserModelId = vi.fn();
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly getPath = vi.fn(() => this.dataDir);
  readonly getAppPath = vi.fn(() => '/repo');
  readonly setLoginItemSettings = vi.fn();
  readonly exit = vi.fn();
  readonly quit = vi.fn(() => {
    this.quitCount++;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exited = true;
  });
}

function createFake() {
  const invokeHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const image = { isEmpty: vi.fn(() => false), resize: vi.fn(() => image) };
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    Notification: FakeNotification,
    Tray: FakeTray,
    Menu: { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })) },
    nativeImage: { createFromPath: vi.fn(() => image), image },
    shell: { openExternal: vi.fn(async () => {}) },
    dialog: { showErrorBox: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
      },
    },
    ipcMain: {
      handlers: invokeHandlers,
      handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => {
        invokeHandlers.set(channel, fn);
      }),
      removeHandler: vi.fn((channel: string) => {
        invokeHandlers.delete(channel);
      }),
    },
    ipcRenderer: Object.assign(new EventEmitter(), { invoke: vi.fn() }),
    contextBridge: { exposeInMainWorld: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      encryptString: vi.fn((s: string) => Buffer.from(`enc:${s}`)),
      decryptString: vi.fn((b: Buffer) => b.toString().replace(/^enc:/, '')),
      getSelectedStorageBackend: vi.fn((): LinuxBackend => 'gnome_libsecret'),
    },
  };
}

export type ElectronFake = ReturnType<typeof createFake>;

let current: ElectronFake = createFake();

/** The current fake; replaced by resetElectronFake() (call it in beforeEach). */
export function fake(): ElectronFake {
  return current;
}

/**
 * What the mocked `electron` module exports: getters, so code under test that imported
 * `{ app }` once still reaches the fake of the current test.
 */
export const electronFake = {} as ElectronFake;
for (const key of Object.keys(current) as (keyof ElectronFake)[]) {
  Object.defineProperty(electronFake, key, { enumerable: true, get: () => current[key] });
}

export function resetElectronFake(): void {
  current = createFake();
  FakeBrowserWindow.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  FakeTray.instances = [];
}
