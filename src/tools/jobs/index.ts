import { createJob } from "./createJob.js";
import { findJobsBySource } from "./findJobsBySource.js";
import { getJob } from "./getJob.js";
import { getJobScm } from "./getJobScm.js";
import { getJobs } from "./getJobs.js";
import { searchJobs } from "./searchJobs.js";
import { setJobEnabled } from "./setJobEnabled.js";

export const jobsTools = [getJob, getJobs, createJob, searchJobs, setJobEnabled, getJobScm, findJobsBySource];
