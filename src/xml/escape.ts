/** The one escape helper every XML writer uses. */
const TEXT_TEST = /[&<>\r]/;
const TEXT_ALL = /[&<>\r]/g;
const ATTR_TEST = /[&<>"\r\n\t]/;
const ATTR_ALL = /[&<>"\r\n\t]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};
const replace = (c: string): string => ENTITIES[c]!;

export function escapeText(value: string): string {
  return TEXT_TEST.test(value) ? value.replace(TEXT_ALL, replace) : value;
}

export function escapeAttr(value: string): string {
  return ATTR_TEST.test(value) ? value.replace(ATTR_ALL, replace) : value;
}
