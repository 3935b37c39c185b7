// Whether the bundled engine can run on a platform (it needs Linux namespaces), and what to tell the
// user when it cannot. Kept free of editor imports so the rule is unit-tested on its own.

/** Undefined when the bundled engine runs on `platform` (process.platform); otherwise the message to show once. */
export function bundledEngineUnsupportedReason(platform: NodeJS.Platform): string | undefined {
  if (platform === 'linux') return undefined;
  const os = platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform;
  return `The bundled Dockwright engine needs Linux (namespaces) and cannot run on ${os}. `
    + 'Set "dockwright.engine" to "docker" (Docker Desktop, Podman, DOCKER_HOST or the current docker context) or to an engine URL.';
}
