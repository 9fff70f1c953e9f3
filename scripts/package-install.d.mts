export interface PackedProject {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the tarball, relative to its package/ folder. */
  files: string[];
  name: string;
  version: string;
}

export function packProject(root: string, destination: string): PackedProject;
export function installTarball(root: string, tarball: string, dir: string): void;
