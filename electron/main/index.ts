// Electron entry (out/main/index.js, ESM). Kept to the composition call so that only
// electron/main/shell imports electron; paths are computed here, where import.meta.url is the
// bundle's own location (shared chunks live elsewhere).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStationHost } from './core/station-host';
import { runElectronShell } from './shell/app';

runElectronShell({ createHost: createStationHost, mainDir: dirname(fileURLToPath(import.meta.url)) }).catch(
  (err: unknown) => {
    console.error('Nurse Station failed to start:', err);
    process.exit(1);
  },
);
