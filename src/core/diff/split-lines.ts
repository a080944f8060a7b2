/**
 * Python's str.splitlines(keepends=True): lines end at \n, \r\n, \r, \v, \f, \x1c, \x1d, \x1e, \x85, \u2028 and
 * \u2029, each line keeping its ending; a last line without an ending is kept as it is; "" gives no lines. All of
 * these are single UTF-16 units, so splitting JavaScript strings gives Python's lines exactly.
 */
const LINE_END = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_END)) {
    const end = (match.index as number) + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}
