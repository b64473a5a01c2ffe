// A connected-mode station in a process of its own, for tests that kill it (SIGKILL: no shutdown code
// runs) and start it again on the same data folder. Configured by the environment exactly as a
// hospital would run it headless (NURSE_STATION_* variables); its data folder is argv[2].
// Prints one JSON line per event the test judges: notifications, alerts, health.
import { createStationHost } from '../../electron/main/core/station-host';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: station-child.ts <data dir>');

function out(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const host = await createStationHost({
  dataDir,
  shell: 'web',
  stationId: process.env.NURSE_STATION_ID ?? 'child',
  notifier: {
    show: (r) => out({ type: 'notify', key: r.key, alertIds: r.alertIds, reminder: r.reminder }),
  },
  secretStore: {
    isEncryptionAvailable: async () => false,
    encrypt: async () => Buffer.alloc(0),
    decrypt: async () => ({ plain: '', shouldReEncrypt: false }),
    describe: async () => 'test',
  },
});
host.onEvent((event, payload) => {
  if (event === 'alerts:new') {
    out({
      type: 'alerts',
      ids: (payload as { alertId: string; patientId: string }[]).map((a) => [a.alertId, a.patientId]),
    });
  } else if (event === 'health:changed') {
    out({ type: 'health', health: payload });
  }
});
const ctx = { shell: 'web' as const, peer: 'child' };
const beds = await host.handle('ward:beds', {}, ctx);
out({ type: 'ready', beds: beds.ok ? (beds.value as { patientId: string }[]).map((b) => b.patientId) : [] });
// Health now and then, so the test sees which alert path is live.
setInterval(() => {
  void host.handle('health:get', {}, ctx).then((h) => out({ type: 'health', health: h.ok ? h.value : null }));
}, 1_000);
process.on('SIGTERM', () => {
  void host.close().then(() => process.exit(0));
});
