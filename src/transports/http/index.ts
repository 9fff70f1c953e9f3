// The HTTP transport as the rest of the code uses it.
export { MCP_PATH } from "./front.js";
export { type HttpServerHandle, runHttp, startHttpServer } from "./server.js";
