export interface DebianVideoPackage {
  name: string;
  version: string;
  /** SPDX licence of the clips, from the package's debian/copyright. */
  license: string;
  clips?: string[];
  clipsDir?: string;
  clipPattern?: RegExp;
}
/** The Debian packages with video clips, pinned. */
export const DEBIAN_VIDEO_PACKAGES: DebianVideoPackage[];
/** Where the package's files were unpacked (fetching the pinned .deb into .cache/debian-videos/ if needed). */
export function findOrFetchDebianPackage(name: string): string;
/** The package's control record (what `apt-cache show` prints, with the long description). */
export function debianPackageRecord(name: string): string;
/** Absolute paths of the package's video clips, sorted. */
export function debianPackageClips(name: string): string[];
/** Absolute path of the package's debian/copyright file. */
export function debianPackageCopyright(name: string): string;
