import { getArtifacts } from "./getArtifacts.js";
import { readArtifact } from "./readArtifact.js";

/** A build's archived files: listed by name, and text ones read by lines. */
export const artifactsTools = [getArtifacts, readArtifact];
