// Strict test double of the `electron` module for the shell's unit tests (no Electron binary exists on
// CI machines). Use with:
//   vi.mock('electron', async () => (await import('<path>/tests/support/electron-fake')).electronFake);
//
// Strict: every object the code under test gets is a Proxy that throws on any property, static or
// event name that Electron's own electron.d.ts does not declare for that type (tests/support/
// electron-dts.ts reads it). A misspelt API ("powerMonitor.on('resumed')", "win.setAlwaysOnTopp")
// fails a test, not only the typecheck — and event names registered through loosely typed helpers are
// not checked by tsc at all. Test-only state (visible, menu, lock, …) is reached with raw(object).
// Names only: option objects (BrowserWindow's webPreferences, Notification options) and string
// arguments are left to tsc and to the tests that pin them (e.g. WEB_PREFERENCES), and an event a
// platform never emits (unlock-screen on Linux) is accepted everywhere.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { electronDeclarations } from './electron-dts';
import type { DeclaredType } from './electron-dts';

const dts = electronDeclarations();

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

// ---- strictness --------------------------------------------------------------------------------

const targets = new WeakMap<object, object>();
const bound = new WeakMap<object, Map<PropertyKey, unknown>>();

/** The object behind a strict proxy, for test-only state; any other value is returned as is. */
export function raw<T>(value: T): T {
  return (
    (value !== null && typeof value === 'object' ? (targets.get(value) as T | undefined) : undefined) ?? value
  );
}

function undeclared(type: DeclaredType, what: string, name: PropertyKey): Error {
  return new Error(
    `electron.d.ts (Electron ${dts.version}) declares no ${what} '${String(name)}' on ${type.name}`,
  );
}

/** Wraps `target` so that only the members `typeName` declares can be read or written. */
export function strict<T extends object>(target: T, typeName: string): T {
  const type = dts.type(typeName);
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol') return Reflect.get(t, prop, receiver);
      // `await x` and vitest's pretty-printer probe these; they are not API use
      // Node's own emitter fields and the prototype link: read by Node and by vitest's equality checks
      if (prop === 'constructor' || prop.startsWith('_')) return Reflect.get(t, prop, t);
      if (prop === 'then' || prop === 'asymmetricMatch' || prop === 'nodeType' || prop === '$$typeof')
        return undefined;
      if (prop === 'toJSON' && !type.members.has(prop)) return undefined;
      if (!type.members.has(prop)) throw undeclared(type, 'member', prop);
      const value = Reflect.get(t, prop, t);
      // prototype methods run on the target (they read test-only state); own vi.fn()s keep identity
      if (typeof value === 'function' && !Object.hasOwn(t, prop)) {
        let cache = bound.get(t);
        if (!cache) bound.set(t, (cache = new Map()));
        if (!cache.has(prop)) cache.set(prop, (value as (...a: unknown[]) => unknown).bind(t));
        return cache.get(prop);
      }
      return value;
    },
    set(t, prop, value) {
      if (typeof prop !== 'symbol' && !type.members.has(prop)) throw undeclared(type, 'member', prop);
      return Reflect.set(t, prop, value);
    },
  });
  targets.set(proxy, target);
  return proxy;
}

/** Wraps a class (or a static-only object) so that only declared static members can be read. */
function strictStatics<T extends object>(target: T, typeName: string): T {
  const type = dts.type(typeName);
  const passThrough = new Set(['prototype', 'name', 'length', 'then']);
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || passThrough.has(prop))
        return prop === 'then' ? undefined : Reflect.get(t, prop, receiver);
      if (!type.statics.has(prop)) throw undeclared(type, 'static member', prop);
      return Reflect.get(t, prop, receiver);
    },
  });
  targets.set(proxy, target);
  return proxy;
}

type Listener = Parameters<EventEmitter['on']>[1];

/** An EventEmitter that accepts only the event names `typeName` declares, for listeners and emits. */
export class StrictEmitter extends EventEmitter {
  readonly #type: DeclaredType;
  constructor(typeName: string) {
    super();
    this.#type = dts.type(typeName);
  }
  #check(name: string | symbol): void {
    if (typeof name === 'symbol' || this.#type.anyEvent || this.#type.events.has(name)) return;
    throw undeclared(this.#type, 'event', name);
  }
  override on(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.on(name, listener);
  }
  override once(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.once(name, listener);
  }
  override addListener(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.addListener(name, listener);
  }
  override prependListener(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.prependListener(name, listener);
  }
  override prependOnceListener(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.prependOnceListener(name, listener);
  }
  override removeListener(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.removeListener(name, listener);
  }
  override off(name: string | symbol, listener: Listener): this {
    this.#check(name);
    return super.off(name, listener);
  }
  override emit(name: string | symbol, ...args: unknown[]): boolean {
    this.#check(name);
    return super.emit(name, ...args);
  }
}

// ---- the fakes ---------------------------------------------------------------------------------

type LinuxBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

let nextId = 1;

export class FakeWebContents extends StrictEmitter {
  readonly id = nextId++;
  url = '';
  destroyed = false;
  crashed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  readonly reload = vi.fn();
  /** as Electron: the renderer is killed, then render-process-gone says so */
  readonly forcefullyCrashRenderer = vi.fn(() => {
    this.crashed = true;
    queueMicrotask(() => this.emit('render-process-gone', fakeEvent(), { reason: 'killed', exitCode: 9 }));
  });
  constructor() {
    super('WebContents');
    return strict(this, 'WebContents');
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isCrashed(): boolean {
    return this.crashed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends StrictEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly id = nextId++;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  visible = false;
  minimized = false;
  readonly loadFile = vi.fn(async (path: string) => {
    raw(this.webContents).url = new URL(`file://${path}`).href;
  });
  readonly loadURL = vi.fn(async (url: string) => {
    raw(this.webContents).url = url;
  });
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly hide = vi.fn(() => {
    this.visible = false;
  });
  readonly minimize = vi.fn(() => {
    this.minimized = true;
  });
  readonly focus = vi.fn();
  readonly flashFrame = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  constructor(readonly options: Record<string, unknown>) {
    super('BrowserWindow');
    const proxy = strict(this, 'BrowserWindow');
    FakeBrowserWindow.instances.push(proxy);
    return proxy;
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

export class FakeNotification extends StrictEmitter {
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
    super('Notification');
    const proxy = strict(this, 'Notification');
    FakeNotification.instances.push(proxy);
    return proxy;
  }
}

export class FakeTray extends StrictEmitter {
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
    this.menu = raw(m);
  });
  readonly destroy = vi.fn(() => {
    this.destroyed = true;
  });
  constructor(readonly image: unknown) {
    super('Tray');
    const proxy = strict(this, 'Tray');
    FakeTray.instances.push(proxy);
    return proxy;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

class FakeApp extends StrictEmitter {
  isPackaged = false;
  lock = true;
  quitCount = 0;
  /** set when a quit was not prevented by a before-quit listener */
  exited = false;
  exitCode: number | null = null;
  relaunched = 0;
  dataDir = '/tmp/nurse-station-test';
  readonly enableSandbox = vi.fn();
  readonly requestSingleInstanceLock = vi.fn(() => this.lock);
  readonly setAppUserModelId = vi.fn();
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly getPath = vi.fn(() => this.dataDir);
  readonly setPath = vi.fn();
  readonly getAppPath = vi.fn(() => '/repo');
  readonly getVersion = vi.fn(() => '0.1.0');
  readonly getName = vi.fn(() => 'Nurse Station');
  readonly setLoginItemSettings = vi.fn();
  readonly relaunch = vi.fn(() => {
    this.relaunched++;
  });
  readonly exit = vi.fn((code?: number) => {
    this.exitCode = code ?? 0;
    this.exited = true;
  });
  readonly quit = vi.fn(() => {
    this.quitCount++;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exited = true;
  });
  constructor() {
    super('App');
    return strict(this, 'App');
  }
}

class FakePowerMonitor extends StrictEmitter {
  readonly getSystemIdleState = vi.fn(() => 'active');
  readonly isOnBatteryPower = vi.fn(() => false);
  constructor() {
    super('PowerMonitor');
    return strict(this, 'PowerMonitor');
  }
}

class FakePowerSaveBlocker {
  /** started blockers by id → type */
  readonly blockers = new Map<number, string>();
  private next = 1;
  readonly start = vi.fn((type: string) => {
    const id = this.next++;
    this.blockers.set(id, type);
    return id;
  });
  readonly stop = vi.fn((id: number) => this.blockers.delete(id));
  readonly isStarted = vi.fn((id: number) => this.blockers.has(id));
  constructor() {
    return strict(this, 'PowerSaveBlocker');
  }
}

class FakeIpcMain extends StrictEmitter {
  readonly handlers = new Map<string, (...args: unknown[]) => unknown>();
  readonly handle = vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => {
    this.handlers.set(channel, fn);
  });
  readonly removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });
  constructor() {
    super('IpcMain');
    return strict(this, 'IpcMain');
  }
}

class FakeIpcRenderer extends StrictEmitter {
  readonly invoke = vi.fn();
  constructor() {
    super('IpcRenderer');
    return strict(this, 'IpcRenderer');
  }
}

function createFake() {
  const image = strict(
    {
      isEmpty: vi.fn(() => false),
      resize: vi.fn((): unknown => image),
    },
    'NativeImage',
  );
  const net = { online: true, isOnline: vi.fn(() => net.online) };
  const fakes = {
    app: new FakeApp(),
    BrowserWindow: strictStatics(FakeBrowserWindow, 'BrowserWindow'),
    Notification: strictStatics(FakeNotification, 'Notification'),
    Tray: strictStatics(FakeTray, 'Tray'),
    Menu: strictStatics(
      { buildFromTemplate: vi.fn((template: unknown[]) => strict({ template }, 'Menu')) },
      'Menu',
    ),
    nativeImage: strictStatics({ createFromPath: vi.fn(() => image), image }, 'NativeImage'),
    shell: strict({ openExternal: vi.fn(async () => {}), openPath: vi.fn(async () => '') }, 'Shell'),
    dialog: strict(
      {
        showErrorBox: vi.fn(),
        showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
      },
      'Dialog',
    ),
    session: strictStatics(
      {
        defaultSession: strict(
          {
            webRequest: strict({ onHeadersReceived: vi.fn() }, 'WebRequest'),
            setPermissionRequestHandler: vi.fn(),
            setPermissionCheckHandler: vi.fn(),
          },
          'Session',
        ),
      },
      'Session',
    ),
    powerMonitor: new FakePowerMonitor(),
    powerSaveBlocker: new FakePowerSaveBlocker(),
    net: strict(net, 'Net'),
    ipcMain: new FakeIpcMain(),
    ipcRenderer: new FakeIpcRenderer(),
    contextBridge: strict({ exposeInMainWorld: vi.fn() }, 'ContextBridge'),
    safeStorage: strict(
      {
        // Deprecated in Electron 45 for the async calls below: a call is a test failure.
        isEncryptionAvailable: vi.fn((): boolean => {
          throw new Error(
            'safeStorage.isEncryptionAvailable is deprecated in Electron 45: use isAsyncEncryptionAvailable',
          );
        }),
        encryptString: vi.fn((_s: string): Buffer => {
          throw new Error('safeStorage.encryptString is deprecated in Electron 45: use encryptStringAsync');
        }),
        decryptString: vi.fn((_b: Buffer): string => {
          throw new Error('safeStorage.decryptString is deprecated in Electron 45: use decryptStringAsync');
        }),
        isAsyncEncryptionAvailable: vi.fn(async () => true),
        encryptStringAsync: vi.fn(async (s: string) => Buffer.from(`enc:${s}`)),
        decryptStringAsync: vi.fn(async (b: Buffer) => ({
          result: b.toString().replace(/^enc:/, ''),
          shouldReEncrypt: false,
        })),
        getSelectedStorageBackend: vi.fn((): LinuxBackend => 'gnome_libsecret'),
      },
      'SafeStorage',
    ),
  };
  for (const name of Object.keys(fakes)) {
    if (!dts.exports.has(name))
      throw new Error(`the electron fake exports '${name}', which electron.d.ts does not`);
  }
  return fakes;
}

export type ElectronFake = ReturnType<typeof createFake>;

let current: ElectronFake = createFake();

/** The current fake (the strict objects the code under test sees); replaced by resetElectronFake(). */
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
