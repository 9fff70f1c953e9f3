import { createJob } from "./createJob.js";
import { getJob } from "./getJob.js";
import { getJobs } from "./getJobs.js";
import { searchJobs } from "./searchJobs.js";
import { setJobEnabled } from "./setJobEnabled.js";

export const jobsTools = [getJob, getJobs, createJob, searchJobs, setJobEnabled];
