import { getViewJobs } from "./getViewJobs.js";
import { getViews } from "./getViews.js";

/** Views: how a team organises its jobs on the dashboard. */
export const viewsTools = [getViews, getViewJobs];
