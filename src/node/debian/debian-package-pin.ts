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

/**
 * Packages shipping real video clips with sound (../shared/DATA.md §4), for the video catalog
 * and tests (scripts/fetch-debian-videos.mjs lists their clips and licences).
 */
export const DEBIAN_VIDEO_PINS: readonly DebianPackagePin[] = [
  {
    name: 'planetblupi-common',
    version: '1.14.2-3',
    filename: 'pool/main/p/planetblupi/planetblupi-common_1.14.2-3_all.deb',
    size: 22_256_360,
    sha256: '4b0c6381e7f72e44585cb0ae766d33d40627c866dee0b4447c77bbc42df87304',
  },
  {
    name: 'freecol',
    version: '1.0.0-1',
    filename: 'pool/main/f/freecol/freecol_1.0.0-1_all.deb',
    size: 141_993_064,
    sha256: '4ee2d052ff86d7a16eec296cd42cad4c215cca11c179cd6d5f8a732b5637184d',
  },
  {
    name: 'fillets-ng-data',
    version: '1.0.1-1.1',
    filename: 'pool/main/f/fillets-ng-data/fillets-ng-data_1.0.1-1.1_all.deb',
    size: 70_633_484,
    sha256: '25de89afd8b1adf7bcace8290248a6a22c89cd42300317e69000e162c032cf84',
  },
  {
    name: 'boswars-data',
    version: '2.7+svn160110-5',
    filename: 'pool/main/b/boswars/boswars-data_2.7+svn160110-5_all.deb',
    size: 74_066_604,
    sha256: '36098b478576810a786eb9d75b54e45f4d5fa507332fa8bf3360c14814ecc016',
  },
  {
    name: 'renpy-demo',
    version: '8.0.3+dfsg-1',
    filename: 'pool/main/r/renpy/renpy-demo_8.0.3+dfsg-1_all.deb',
    size: 26_368_944,
    sha256: 'b7599368598cd7a96e89772d48d7c89327fcc8d4490e0760eceda0bd792025d5',
  },
  {
    name: 'openboard-common',
    version: '1.6.4+dfsg-1',
    filename: 'pool/main/o/openboard/openboard-common_1.6.4+dfsg-1_all.deb',
    size: 11_035_620,
    sha256: '3a5a22299ac1be43c88c4ff69a44ef4886407cfc0e6b478934c70cf5a1714d28',
  },
  {
    name: 'python3-imageio',
    version: '2.4.1-5',
    filename: 'pool/main/p/python-imageio/python3-imageio_2.4.1-5_all.deb',
    size: 3_137_404,
    sha256: '4467164fe9fc96f24ef2a50133ef71734294116845c3fc28ca5b102e1d6041e8',
  },
];

/**
 * Pattern's test corpora (BSD module; the corpora are for research use, not redistributed):
 * Pang & Lee's sentence polarity snippets train and evaluate the review sentiment head.
 */
export const PYTHON3_PATTERN: DebianPackagePin = {
  name: 'python3-pattern',
  version: '2.6+git20180818-4',
  filename: 'pool/main/p/python-pattern/python3-pattern_2.6+git20180818-4_all.deb',
  size: 16_383_200,
  sha256: '9bdb8e36c780db9c701fa9519425c0217fbab2bc1af28eb127caaa6bde7fc4b1',
};

export const PINNED_PACKAGES: readonly DebianPackagePin[] = [TUXPAINT_STAMPS_DEFAULT, OPENCLIPART_SVG, OPENCLIPART_PNG, ...DEBIAN_VIDEO_PINS, PYTHON3_PATTERN];

/** Where packages are downloaded from without apt; `DEBIAN_MIRROR` points elsewhere (a local mirror). */
export const DEFAULT_DEBIAN_MIRROR = 'https://deb.debian.org/debian/';
