// The Electron side of the IPC contract: one invoke channel into the station host, guarded by a
// sender check, and one event channel out to the window.
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { EventMap, EventName, Result } from '../../../shared/ipc/contract';
import type { StationHost } from '../core/host-types';
import { logger } from '../core/logger';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels';
import { isAppUrl } from './renderer-target';
import type { RendererTarget } from './renderer-target';

export interface StationIpcDeps {
  host: Pick<StationHost, 'handle' | 'onEvent'>;
  getWindow: () => BrowserWindow | null;
  target: RendererTarget;
}

const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from the Nurse Station window.' },
};
const INTERNAL: Result<never> = {
  ok: false,
  error: { code: 'internal', message: 'The station could not process the request.' },
};

/**
 * Returns the peer label when the request comes from the main frame of our window showing our
 * own page, null otherwise (another window, a sub-frame, a page it was navigated to, a frame
 * that is already gone).
 */
export function checkSender(
  event: IpcMainInvokeEvent,
  deps: Pick<StationIpcDeps, 'getWindow' | 'target'>,
): string | null {
  const win = deps.getWindow();
  if (!win || win.isDestroyed() || event.sender !== win.webContents) return null;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return null;
  if (!isAppUrl(frame.url, deps.target)) return null;
  return `window:${win.id}`;
}

/** Registers the invoke handler and the event forwarding; returns the undo. */
export function registerStationIpc(deps: StationIpcDeps): () => void {
  ipcMain.handle(
    INVOKE_CHANNEL,
    async (event, channel: unknown, request: unknown): Promise<Result<unknown>> => {
      const peer = checkSender(event, deps);
      if (peer === null) {
        logger.warn(`shell: refused IPC from an unexpected sender (webContents ${event.sender.id})`);
        return FORBIDDEN;
      }
      try {
        return await deps.host.handle(channel, request, { shell: 'electron', peer });
      } catch (err) {
        // host.handle promises never to throw; if it does, the renderer still gets a Result
        logger.error(`shell: station host threw: ${err instanceof Error ? err.message : String(err)}`);
        return INTERNAL;
      }
    },
  );
  const unsubscribe = deps.host.onEvent((name, payload) => sendStationEvent(deps.getWindow(), name, payload));
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}

/** Pushes one contract event to the window, if it (and its renderer) still exists. */
export function sendStationEvent<E extends EventName>(
  win: BrowserWindow | null,
  name: E,
  payload: EventMap[E],
): void {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
  win.webContents.send(EVENT_CHANNEL, name, payload);
}
