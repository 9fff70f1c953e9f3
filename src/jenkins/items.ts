/** What kind of item a Jenkins class is: every area and the tools ask it. */

export type JobType = "freestyle" | "pipeline" | "folder" | "multibranch" | "other";

export function jobType(jenkinsClass: string | undefined): JobType {
  const cls = jenkinsClass ?? "";
  if (/MultiBranch|OrganizationFolder/.test(cls)) return "multibranch";
  if (/WorkflowJob/.test(cls)) return "pipeline";
  if (/FreeStyleProject|MatrixProject|MavenModuleSet/.test(cls)) return "freestyle";
  if (/[Ff]older/.test(cls)) return "folder";
  return "other";
}

export function isContainer(type: JobType): boolean {
  return type === "folder" || type === "multibranch";
}

/** Jenkins' colour without `_anime` (blue, red, yellow, aborted, notbuilt, disabled), or null for folders. */
export function jobStatus(color: string | undefined): string | null {
  return color ? color.replace(/_anime$/, "") : null;
}
