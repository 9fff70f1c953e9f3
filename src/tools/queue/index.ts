import { cancelQueueItem } from "./cancelQueueItem.js";
import { getQueue } from "./getQueue.js";
import { getQueueItem } from "./getQueueItem.js";

export const queueTools = [cancelQueueItem, getQueueItem, getQueue];
