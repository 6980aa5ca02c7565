/**
 * A catalog item's category: a "/"-separated path of non-empty names ("animals/birds"). The
 * manifest parser, the catalog builder and the shop source all check it with this pattern.
 */
export const CATEGORY_PATTERN = /^[^/]+(\/[^/]+)*$/;
