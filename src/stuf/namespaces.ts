/** Namespace URIs of the StUF / ZDS world. Matched by URI, never by prefix. */
export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  zds: 'http://www.stufstandaarden.nl/koppelvlak/zds0120',
  zkn: 'http://www.egem.nl/StUF/sector/zkn/0310',
  bg: 'http://www.egem.nl/StUF/sector/bg/0310',
  stuf: 'http://www.egem.nl/StUF/StUF0301',
  xmime: 'http://www.w3.org/2005/05/xmlmime',
  gml: 'http://www.opengis.net/gml',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xop: 'http://www.w3.org/2004/08/xop/include',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** The prefixes we use when we write XML ourselves. */
export const PREFIX_DECLS =
  `xmlns:StUF="${NS.stuf}" xmlns:ZKN="${NS.zkn}" xmlns:BG="${NS.bg}" ` +
  `xmlns:xsi="${NS.xsi}" xmlns:xmime="${NS.xmime}"`;
