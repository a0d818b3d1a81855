/**
 * One value per process, however many copies of a module hold the code. The server (`server.ts`, run by
 * tsx) and the Remix build (`build/index.js`, bundled) each load their own copy of a feature module. A
 * cache that the server sets up at start (`cacheClinicSettings`, `cacheDoctorHours`, `cacheSessions`) in
 * a module-level map sat in the server's copy, while the loaders and actions, running the build's copy,
 * found theirs empty and read the database on every request.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`yunzhen.${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  return (store[key] ??= create());
}
