import { answerInput } from "./answerInput.js";
import { getPendingInputs } from "./getPendingInputs.js";

export const pipelinesTools = [getPendingInputs, answerInput];
