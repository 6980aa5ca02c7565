import { SaxesParser } from 'saxes';
import { MAX_SVG_BYTES, MAX_SVG_ELEMENTS, MAX_SVG_NESTING, MAX_SVG_REFERENCE_DEPTH } from '../../protocol/limits.ts';
import { EncoderInputError } from '../encoder-input-error.ts';

/**
 * Checks an untrusted SVG against the limits of protocol/limits.ts before resvg sees it, with
 * the streaming XML parser saxes (pinned; chosen because it is small, maintained, pure JS for
 * both the worker and Node, and needs no DOM). resvg has no limit of its own on how far
 * `<use>` and `url(#…)` references multiply the drawing: ten `<use>` of a group of ten `<use>`
 * … nested eight deep is a 2 kB file that draws 10⁸ shapes. So the element count is taken
 * after expanding every reference (memoised per element, a reference cycle counts nothing, as
 * resvg skips it), together with the nesting depth and the longest chain of references.
 *
 * Throws EncoderInputError `too-large` over a limit and `corrupt-image` for XML that is not
 * well-formed (resvg would refuse it too).
 */

interface SvgNode {
  children: number[];
  /** Ids this element refers to: `href="#id"` and `url(#id)` in any attribute. */
  refs: string[];
}

const URL_REF = /url\(\s*['"]?#([^'")\s]+)/g;

function referencesIn(attributes: Record<string, string>): string[] {
  const refs: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if ((name === 'href' || name.endsWith(':href')) && value.startsWith('#')) refs.push(value.slice(1).trim());
    if (value.includes('url(')) for (const match of value.matchAll(URL_REF)) refs.push(match[1]!);
  }
  return refs;
}

/** Entities an old Illustrator file declares in its internal DTD subset (`<!ENTITY ns_svg "…">`), as plain text. */
function declaredEntities(doctype: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of doctype.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
    out[match[1]!] = match[2] ?? match[3] ?? '';
  }
  return out;
}

function tooLarge(label: string, detail: string): EncoderInputError {
  return new EncoderInputError('too-large', `${label} is an SVG ${detail}`);
}

/** Parses the SVG and returns its element tree (index 0 is the root), refusing over the raw limits. */
function parseSvgTree(text: string, label: string): { nodes: SvgNode[]; ids: Map<string, number> } {
  const nodes: SvgNode[] = [];
  const ids = new Map<string, number>();
  const open: number[] = [];
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  parser.on('doctype', (doctype) => Object.assign(parser.ENTITIES, declaredEntities(doctype)));
  parser.on('opentag', (tag) => {
    if (nodes.length >= MAX_SVG_ELEMENTS) throw tooLarge(label, `with more than ${MAX_SVG_ELEMENTS} elements`);
    if (open.length >= MAX_SVG_NESTING) throw tooLarge(label, `with elements nested more than ${MAX_SVG_NESTING} deep`);
    const index = nodes.length;
    nodes.push({ children: [], refs: referencesIn(tag.attributes) });
    const parent = open[open.length - 1];
    if (parent !== undefined) nodes[parent]!.children.push(index);
    const id = tag.attributes['id'];
    if (id !== undefined && !ids.has(id)) ids.set(id, index);
    if (!tag.isSelfClosing) open.push(index);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
  });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof EncoderInputError) throw error;
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure) throw new EncoderInputError('corrupt-image', `${label} is not a valid SVG (not well-formed XML: ${failure.message})`);
  if (nodes.length === 0) throw new EncoderInputError('corrupt-image', `${label} is an SVG with no elements`);
  return { nodes, ids };
}

/** Expanded element count and longest reference chain below each element, memoised. */
function checkExpansion(nodes: SvgNode[], ids: Map<string, number>, label: string): { elements: number; referenceDepth: number } {
  const size = new Float64Array(nodes.length).fill(-1);
  const depth = new Int32Array(nodes.length);
  const visiting = new Uint8Array(nodes.length);
  const visit = (index: number, refDepth: number): void => {
    if (refDepth > MAX_SVG_REFERENCE_DEPTH)
      throw tooLarge(label, `whose references (<use>, patterns, url(#…)) are chained more than ${MAX_SVG_REFERENCE_DEPTH} deep`);
    if (size[index]! >= 0) {
      if (refDepth + depth[index]! > MAX_SVG_REFERENCE_DEPTH)
        throw tooLarge(label, `whose references (<use>, patterns, url(#…)) are chained more than ${MAX_SVG_REFERENCE_DEPTH} deep`);
      return;
    }
    visiting[index] = 1;
    const node = nodes[index]!;
    let total = 1;
    let below = 0;
    for (const child of node.children) {
      visit(child, refDepth);
      total += size[child]!;
      below = Math.max(below, depth[child]!);
    }
    for (const ref of node.refs) {
      const target = ids.get(ref);
      if (target === undefined || visiting[target]) continue; // missing, or a cycle: resvg draws nothing for it
      visit(target, refDepth + 1);
      total += size[target]!;
      below = Math.max(below, depth[target]! + 1);
    }
    if (total > MAX_SVG_ELEMENTS)
      throw tooLarge(label, `that expands to more than ${MAX_SVG_ELEMENTS} elements through its references (<use>, patterns, url(#…))`);
    visiting[index] = 0;
    size[index] = total;
    depth[index] = below;
  };
  visit(0, 0);
  return { elements: size[0]!, referenceDepth: depth[0]! };
}

/**
 * Refuses an SVG over the byte, element, nesting or reference limits (protocol/limits.ts)
 * without rendering it; returns its expanded element count and longest reference chain.
 */
export function checkSvgLimits(bytes: Uint8Array, label = 'image'): { elements: number; referenceDepth: number } {
  if (bytes.byteLength > MAX_SVG_BYTES) {
    throw tooLarge(label, `of ${(bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${MAX_SVG_BYTES / 1048576} MB`);
  }
  const { nodes, ids } = parseSvgTree(new TextDecoder('utf-8', { fatal: false }).decode(bytes), label);
  return checkExpansion(nodes, ids, label);
}
