/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverBuildPath: "build/index.js",
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  // Nothing of the browser bundle may fall back to a Node built-in silently.
  browserNodeBuiltinsPolyfill: { modules: {} },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Off on purpose: with ~30 routes the whole manifest is a few kilobytes, while lazy discovery matched
    // every route against each link's path during every page's render (~4 % of a page's server time) and
    // sent each browser to /__manifest as it navigated — requests the 9 am surge does not need.
    v3_lazyRouteDiscovery: false,
  },
};
