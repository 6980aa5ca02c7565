/** The map plot's own coordinate system (its SVG viewBox); the figure keeps this aspect ratio. */
export const MAP_WIDTH = 1000;
export const MAP_HEIGHT = 560;
