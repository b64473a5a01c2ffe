// electron-builder afterPack hook (electron-builder.yml): after the app is packed, before the
// installer is made. electron-builder only warns when an extraResources file is missing, which would
// ship a station that cannot open its database; this fails the build instead when
// resources/native/better_sqlite3.node is missing or not built for the target (OS, architecture,
// Electron ABI), or when app.asar holds better-sqlite3 files that are no use at run time. It prints
// what better-sqlite3 weighs in the package.
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads its hooks with require() */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

module.exports = async function afterPack(context) {
  const { packagedAppProblems } = await import('./electron-runtime.mjs');
  const { Arch } = require('builder-util');
  const asar = require('@electron/asar');
  const projectDir = context.packager.projectDir;
  const platform = context.electronPlatformName;
  const arch = Arch[context.arch];
  const abi = readFileSync(path.join(projectDir, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
  const resources = context.packager.getResourcesDir(context.appOutDir);
  const bindingFile = path.join(resources, 'native', 'better_sqlite3.node');
  const binding = existsSync(bindingFile) ? readFileSync(bindingFile) : null;
  const archive = path.join(resources, 'app.asar');
  const asarFiles = existsSync(archive)
    ? asar
        .listPackage(archive, { isPack: false })
        .filter((p) => !asar.statFile(archive, p.replace(/^[\\/]/, '')).files)
    : [];
  const problems = packagedAppProblems({ platform, arch, abi, binding, asarFiles });
  if (problems.length > 0) {
    throw new Error(`the packed app at ${context.appOutDir} is not fit to ship:\n- ${problems.join('\n- ')}`);
  }
  const ours = asarFiles.filter((p) => /^[\\/]?node_modules[\\/]better-sqlite3[\\/]/.test(p));
  const bytes = ours.reduce((sum, p) => sum + (asar.statFile(archive, p.replace(/^[\\/]/, '')).size ?? 0), 0);
  console.log(
    `  • after-pack check ok: resources/native/better_sqlite3.node ${(binding.length / 1048576).toFixed(1)} MB (${platform} ${arch}, ABI ${abi}); better-sqlite3 in app.asar: ${ours.length} files, ${(bytes / 1024).toFixed(0)} KB`,
  );
};
