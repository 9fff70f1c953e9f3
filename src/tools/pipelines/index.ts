import { answerInput } from "./answerInput.js";
import { getPendingInputs } from "./getPendingInputs.js";
import { validatePipeline } from "./validatePipeline.js";

export const pipelinesTools = [getPendingInputs, answerInput, validatePipeline];
