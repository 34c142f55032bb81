/** A DICOM attribute tag as one 32-bit number: group in the high 16 bits (PS3.5 §7.1). */
export type Tag = number;

/** Builds a tag from its group and element numbers. */
export function tag(group: number, element: number): Tag {
  return ((group & 0xffff) * 0x10000) + (element & 0xffff);
}

/** The group number (high 16 bits) of a tag. */
export function groupOf(t: Tag): number {
  return Math.floor(t / 0x10000);
}

/** The element number (low 16 bits) of a tag. */
export function elementOf(t: Tag): number {
  return t & 0xffff;
}

/** Formats a tag as `(GGGG,EEEE)` in upper-case hex, the form used in every message. */
export function formatTag(t: Tag): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  return `(${hex(groupOf(t))},${hex(elementOf(t))})`;
}

/** True for private data elements: odd groups other than the illegal 0001/0003/0005/0007/FFFF. */
export function isPrivateTag(t: Tag): boolean {
  const g = groupOf(t);
  return (g & 1) === 1 && g > 0x0008 && g !== 0xffff;
}

/** True for private creator elements (gggg,0010-00FF) of a private group (PS3.5 §7.8.1). */
export function isPrivateCreator(t: Tag): boolean {
  const e = elementOf(t);
  return isPrivateTag(t) && e >= 0x0010 && e <= 0x00ff;
}

/** Item (FFFE,E000), Item Delimitation (FFFE,E00D), Sequence Delimitation (FFFE,E0DD). */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;
/** Pixel Data (7FE0,0010). */
export const PIXEL_DATA = 0x7fe00010;
