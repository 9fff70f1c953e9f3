// What http.ts loads with the first Jenkins request, through this module rather than "undici"
// itself: bundled (scripts/build.mjs), a dynamic import of a CommonJS package yields only its
// `default`, while this ES module's named exports survive bundling and plain Node alike.
export { EnvHttpProxyAgent, Pool, request } from "undici";
