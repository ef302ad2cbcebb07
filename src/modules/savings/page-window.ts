/**
 * Limit and offset of a page of `size` among `total` rows ordered last-updated first, counted
 * from whichever end of the index is nearer: a page in the back half is read walking the index
 * the other way (`fromEnd`) and put back in order, so the last page costs what the first does.
 */
export function pageWindow(total: number, page: number, size: number): { fromEnd: boolean; limit: number; offset: number } {
  const offset = (page - 1) * size;
  const end = Math.min(offset + size, total);
  if (offset <= total / 2) return { fromEnd: false, limit: size, offset };
  return { fromEnd: true, limit: Math.max(end - offset, 0), offset: total - end };
}
