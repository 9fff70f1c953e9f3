import { answerInput } from "./answerInput.js";
import { getPendingInputs } from "./getPendingInputs.js";
import { getReplayScript } from "./getReplayScript.js";
import { replayBuild } from "./replayBuild.js";
import { validatePipeline } from "./validatePipeline.js";

export const pipelinesTools = [getPendingInputs, answerInput, validatePipeline, getReplayScript, replayBuild];
