/**
 * The `scope` of a vraag: which elements the answer must hold. Either a StUF:scope keyword on scope/object, or an
 * explicit tree of empty (nil) elements and relations.
 */
import { FOUTCODE_OMSCHRIJVING, StufFault } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, elements } from '../../xml/tree.js';

export interface Scope {
  /** Every attribute and relation. */
  all: boolean;
  /** tijdvakGeldigheid / tijdstipRegistratie (metagegevens). */
  metagegevens: boolean;
  /** Related objects with kerngegevens only. */
  kerngegevensGerelateerden: boolean;
  /** Explicitly requested children (local name → the scope element, for nested relation scopes). */
  explicit?: Map<string, XmlElement>;
}

const KEYWORDS: Record<string, Omit<Scope, 'explicit'>> = {
  alles: { all: true, metagegevens: true, kerngegevensGerelateerden: false },
  allesZonderMetagegevens: { all: true, metagegevens: false, kerngegevensGerelateerden: false },
  allesMaarKerngegevensGerelateerden: { all: true, metagegevens: true, kerngegevensGerelateerden: true },
  allesZonderMetagegevensMaarKerngegevensGerelateerden: { all: true, metagegevens: false, kerngegevensGerelateerden: true },
  kerngegevens: { all: false, metagegevens: false, kerngegevensGerelateerden: true },
};

/** Without a scope element the server chooses: everything except metagegevens. */
export const DEFAULT_SCOPE: Scope = { all: true, metagegevens: false, kerngegevensGerelateerden: false };

/** Parse scope/object (or any element whose children are the requested elements). */
export function parseScopeObject(object: XmlElement | undefined): Scope {
  if (!object) return DEFAULT_SCOPE;
  const keyword = attr(object, NS.stuf, 'scope');
  const kids = elements(object);
  if (keyword !== undefined) {
    if (kids.length > 0) {
      throw new StufFault('StUF097', 'client', FOUTCODE_OMSCHRIJVING.StUF097!,
        `scope/object heeft StUF:scope="${keyword}" en ${kids.length} element(en)`);
    }
    const k = KEYWORDS[keyword];
    if (!k) throw new StufFault('StUF055', 'client', 'Onbekende waarde voor StUF:scope', keyword);
    return { ...k };
  }
  if (kids.length === 0) return DEFAULT_SCOPE;
  const explicit = new Map<string, XmlElement>();
  for (const k of kids) explicit.set(k.local, k);
  return { all: false, metagegevens: explicit.has('tijdvakGeldigheid') || explicit.has('tijdstipRegistratie'), kerngegevensGerelateerden: false, explicit };
}

/** The scope of a vraag message: <scope><object .../></scope>. */
export function parseScope(vraag: XmlElement): Scope {
  const scope = child(vraag, NS.zkn, 'scope');
  if (!scope) return DEFAULT_SCOPE;
  return parseScopeObject(child(scope, NS.zkn, 'object'));
}

/** Whether the answer must contain this element. */
export function wants(scope: Scope, name: string): boolean {
  if (scope.explicit) return scope.explicit.has(name);
  return scope.all;
}

/** Explicitly asked for (so an absent value must be answered with nil + noValue). */
export function explicitlyAsked(scope: Scope, name: string): boolean {
  return scope.explicit?.has(name) ?? false;
}

/** The scope for the gerelateerde of a requested relation. */
export function relationScope(scope: Scope, relation: string): Scope {
  const el = scope.explicit?.get(relation);
  if (el) {
    const ger = child(el, NS.zkn, 'gerelateerde');
    if (ger && elements(ger).length > 0) return parseScopeObject(ger);
    return { all: false, metagegevens: false, kerngegevensGerelateerden: true };
  }
  if (scope.kerngegevensGerelateerden || !scope.all) return { all: false, metagegevens: false, kerngegevensGerelateerden: true };
  return { all: true, metagegevens: false, kerngegevensGerelateerden: true };
}

/**
 * The scope of a relation element itself (its own attributes such as titel or registratiedatum next to
 * gerelateerde): the relation's children when the scope lists it, otherwise what the keyword gives.
 */
export function relationElementScope(scope: Scope, relation: string): Scope {
  const el = scope.explicit?.get(relation);
  if (el) return parseScopeObject(el);
  if (scope.explicit) return { all: false, metagegevens: false, kerngegevensGerelateerden: true, explicit: new Map() };
  return scope;
}

/**
 * Which extraElementen the answer carries: every one (scope keyword), only the named ones (an explicit scope
 * lists StUF:extraElementen/extraElement with their naam), or none (not asked).
 */
export function extraElementenFilter(scope: Scope): ((naam: string) => boolean) | undefined {
  if (!scope.explicit) return scope.all ? () => true : undefined;
  const el = scope.explicit.get('extraElementen');
  if (!el) return undefined;
  const names = new Set(elements(el).map((e) => e.attrs.find((a) => a.ns === '' && a.local === 'naam')?.value ?? ''));
  return names.size === 0 ? () => true : (naam) => names.has(naam);
}
