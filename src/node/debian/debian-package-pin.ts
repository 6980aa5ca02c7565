/**
 * One Debian package pinned to the exact file the catalogs are built from: its archive
 * path, size and SHA-256 come from Debian's package index (`apt-cache show NAME`), so a
 * download from any mirror either is that file or is refused.
 */
export interface DebianPackagePin {
  name: string;
  /** With the epoch, as apt spells it (`apt-get download NAME=VERSION`). */
  version: string;
  /** The file's path below a mirror's root (the index's `Filename`). */
  filename: string;
  size: number;
  sha256: string;
}

/** The default catalog's source: the Tux Paint stamps (GPL-2). */
export const TUXPAINT_STAMPS_DEFAULT: DebianPackagePin = {
  name: 'tuxpaint-stamps-default',
  version: '2022.06.04-1',
  filename: 'pool/main/t/tuxpaint-stamps/tuxpaint-stamps-default_2022.06.04-1_all.deb',
  size: 160_880_444,
  sha256: '6db6c1bfc870a47f1499d6203b083522eacb57c5f9c87d468f2e92eb6d9d5f34',
};

/** Openclipart's SVGs with their metadata (public domain), for the large test catalog. */
export const OPENCLIPART_SVG: DebianPackagePin = {
  name: 'openclipart-svg',
  version: '1:0.18+dfsg-19',
  filename: 'pool/main/o/openclipart/openclipart-svg_0.18+dfsg-19_all.deb',
  size: 24_919_068,
  sha256: '989712d90d57dfa3230049f553bb43b76c30ee4d4b8c5f6e106e33f7db5cbdc5',
};

/** Openclipart's PNG renders of the same SVGs. */
export const OPENCLIPART_PNG: DebianPackagePin = {
  name: 'openclipart-png',
  version: '1:0.18+dfsg-19',
  filename: 'pool/main/o/openclipart/openclipart-png_0.18+dfsg-19_all.deb',
  size: 130_910_028,
  sha256: 'f07f1545a2970c2cf3fa339bc2405da1a95cf2b1827bfa05bf73eb1c20291c02',
};

export const PINNED_PACKAGES: readonly DebianPackagePin[] = [TUXPAINT_STAMPS_DEFAULT, OPENCLIPART_SVG, OPENCLIPART_PNG];

/** Where packages are downloaded from without apt; `DEBIAN_MIRROR` points elsewhere (a local mirror). */
export const DEFAULT_DEBIAN_MIRROR = 'https://deb.debian.org/debian/';
