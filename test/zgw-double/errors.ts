/** Error bodies of the ZGW TEST DOUBLE, in the format Open Zaak 1.12.4 answers (see ../shared/zgw/README.md §1). */
import { randomUUID } from 'node:crypto';
import type { InvalidParam } from './oas.js';

const TITLES: Record<string, string> = {
  ValidationError: 'Invalid input.',
  NotFound: 'Niet gevonden.',
  PermissionDenied: 'Je hebt geen toestemming om deze actie uit te voeren.',
  ZaakClosed: 'Je mag geen gegevens aanpassen van een gesloten zaak.',
  MethodNotAllowed: 'Methode "{method}" niet toegestaan.',
  PreconditionFailed: 'Voorwaarde is niet vervuld',
  NotAcceptable: 'Kan niet voldoen aan de opgegeven Accept header.',
  ParseError: 'Ongeldig samengestelde request.',
  APIException: 'Er is een serverfout opgetreden.',
  UnsupportedMediaType: 'Niet-ondersteund mediatype in verzoek.',
};

/** Thrown by handlers; the server turns it into the JSON error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly typeName: string,
    readonly code: string,
    readonly detail: string,
    readonly invalidParams?: InvalidParam[],
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  body(base: string): Record<string, unknown> {
    const b: Record<string, unknown> = {
      type: `${base}/ref/fouten/${this.typeName}/`,
      code: this.code,
      title: TITLES[this.typeName] ?? this.typeName,
      status: this.status,
      detail: this.detail,
      instance: `urn:uuid:${randomUUID()}`,
    };
    if (this.invalidParams) b.invalidParams = this.invalidParams;
    return b;
  }
}

export function validationError(params: InvalidParam[]): ApiError {
  return new ApiError(400, 'ValidationError', 'invalid', '', params);
}

/** One invalidParams entry; `name` is camelCase, `nonFieldErrors` for object-level errors. */
export function invalid(name: string, code: string, reason: string): ApiError {
  return validationError([{ name, code, reason }]);
}

export function notFound(detail = 'Niet gevonden.'): ApiError {
  return new ApiError(404, 'NotFound', 'not_found', detail);
}

export function forbidden(detail = TITLES.PermissionDenied!, typeName = 'PermissionDenied', code = 'permission_denied'): ApiError {
  return new ApiError(403, typeName, code, detail);
}

export function zaakClosed(): ApiError {
  return new ApiError(403, 'ZaakClosed', 'permission_denied', TITLES.ZaakClosed!);
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'method_not_allowed', `Methode "${method}" niet toegestaan.`);
}

export function badUrlDoesNotExist(name: string, url: string): ApiError {
  return invalid(
    name,
    'does_not_exist',
    `Bad URL "${url}" - object could not be fetched. This *may* be because you have insufficient read permissions.`,
  );
}
