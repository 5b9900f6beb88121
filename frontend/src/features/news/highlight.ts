// The api's highlighted text (GET /news `highlight.*`): the text HTML-escaped, matches in
// <em>…</em>, nothing else. Parsed into plain segments so React renders it as text — no HTML from
// the server is ever inserted as markup; anything unexpected shows up literally.

export type HighlightSegment = { text: string; match: boolean };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function parseHighlight(html: string): HighlightSegment[] {
  const segments: HighlightSegment[] = [];
  let match = false;
  for (const part of html.split(/(<\/?em>)/)) {
    if (part === '<em>') match = true;
    else if (part === '</em>') match = false;
    else if (part) segments.push({ text: decodeEntities(part), match });
  }
  return segments;
}
