// The two Electron IPC channel names shared by the main process and the preload. Everything the
// renderer asks goes through the one invoke channel and is validated by the station host.
export const INVOKE_CHANNEL = 'station:invoke';
export const EVENT_CHANNEL = 'station:event';
