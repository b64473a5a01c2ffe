#!/usr/bin/env node
// nurse-station command line: the built CLI (out/main/cli.js) when there is one, else the TypeScript
// sources through tsx (a development checkout).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  let tsImport;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'nurse-station: not built (run npm run build) and tsx is not installed (run npm install)\n',
    );
    process.exit(1);
  }
  cli = await tsImport('../electron/main/cli/main.ts', import.meta.url);
}
process.exitCode = await cli.main(process.argv.slice(2));
