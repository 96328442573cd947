/**
 * One request, start to finish: pick the operation, check the stuurgegevens, validate the body against the
 * official schema, run the operation, and turn every failure into the StUF fault the port prescribes.
 */
import type { Config, SenderConfig } from '../config.js';
import type { Backend, Catalogue } from '../ports/index.js';
import { redact } from '../redact.js';
import { type SchemaRegistry, schemaSetFor } from '../schema/index.js';
import type { ParsedRequest, SoapVersion } from '../soap/parsed-request.js';
import { SoapReadError } from '../soap/read-error.js';
import { checkStuurgegevens } from '../stuf/checks.js';
import type { Clock } from '../stuf/dates.js';
import { StufFault, faults, foutTekst } from '../stuf/fault.js';
import { faultForPort, writeBv03, writeFo } from '../stuf/messages.js';
import { NS } from '../stuf/namespaces.js';
import { replyAddressing } from '../stuf/reply.js';
import { type Stuurgegevens, parseStuurgegevens, systeemKey } from '../stuf/stuurgegevens.js';
import { type XmlElement, elements } from '../xml/tree.js';
import type { DispatchResult } from './dispatch-result.js';
import type { Operation, OperationContext, Port } from './operation.js';
import { OPERATIONS } from './operations/index.js';
import { OperationRegistry } from './registry.js';
import { authoriseSender } from './senders.js';
import { restrictToZaaktypen } from './zaaktype-scope.js';
import { IdempotencyLog } from './idempotency.js';
import { internalFault } from './internal-fault.js';
import { hasSchemaSpelling, schemaSpelling } from './errata.js';
import { guardAnswer } from './answer-guard.js';
import { catalogueFitsSchema } from '../catalogue/index.js';
import type { OperationRouter } from './operation-router.js';

export interface Dispatcher {
  dispatch(req: ParsedRequest): Promise<DispatchResult>;
  /** The fault for a request the SOAP reader could not read. */
  readErrorResult(err: unknown): DispatchResult;
}

export interface DispatcherDeps {
  config: Config;
  backend: Backend;
  catalogue: Catalogue;
  schemas: SchemaRegistry;
  clock: Clock;
  log?: (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /** Berichten the router takes (migration: proxy / replicate) are not carried out here. */
  router?: OperationRouter;
}

/** Port of a message we could not resolve: guess from the root name so the fault type (Fo02/Fo03) fits. */
function guessPort(local: string | undefined): Port {
  if (!local) return 'BeantwoordVraag';
  return /Lk0\d|_Di01|_Du01|Bv01|Fo0[13]/i.test(local) ? 'OntvangAsynchroon' : 'BeantwoordVraag';
}

function findStuurgegevens(body: XmlElement): XmlElement | undefined {
  return elements(body).find((e) => e.local === 'stuurgegevens' && (e.ns === NS.zkn || e.ns === NS.zds));
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const registry = new OperationRegistry(OPERATIONS);
  const { config, clock } = deps;
  const log = deps.log ?? (() => undefined);
  const idempotency = new IdempotencyLog(deps.backend.store, clock, log);
  // StUF010 applies once addresses are configured; `self` is always one of them.
  const ownAddresses = config.addresses?.length ? [config.self, ...config.addresses] : undefined;

  /** SOAP 1.1 answers every fault with HTTP 500; SOAP 1.2 uses 400 for the sender's faults (plek client). */
  function faultResult(fault: StufFault, port: Port, soapVersion: SoapVersion, sg: Stuurgegevens | undefined, httpStatus?: number): DispatchResult {
    const kind = faultForPort(port);
    const reply = replyAddressing(sg, config.self, clock, config.timeZone);
    return {
      kind: 'fault',
      soapVersion,
      httpStatus: httpStatus ?? (soapVersion === '1.2' && fault.plek === 'client' ? 400 : 500),
      plek: fault.plek,
      omschrijving: foutTekst(fault).omschrijving,
      detailXml: writeFo(kind, fault, reply),
    };
  }

  const internal = (e: unknown, omschrijving?: string): StufFault => internalFault(e, log, omschrijving);

  /** Stuurgegevens and authorisation, before a resend is answered from the log: a replay is no way around them. */
  function admit(op: Operation, req: ParsedRequest, sg: Stuurgegevens): SenderConfig | undefined {
    // Without a berichtcode at all the message is simply not schema-valid: the schema check names what is missing.
    if (sg.berichtcode) checkStuurgegevens(sg, {
      berichtcode: op.expect.berichtcode,
      entiteittype: op.expect.entiteittype,
      functie: op.expect.functie,
      requireAddressing: op.port === 'OntvangAsynchroon' && op.expect.berichtcode !== 'Di02',
      ownAddresses,
    });
    return authoriseSender(config.senders, sg.zender, op.name, req.callers ?? []);
  }

  const catalogueFits = catalogueFitsSchema(config.catalogue);

  /** Stored values are all schema-valid (the store says so), so answers made of them need no check. */
  async function storedDataValidated(): Promise<boolean> {
    return (await deps.backend.storedData?.allValidated()) ?? false;
  }

  async function run(
    op: Operation,
    req: ParsedRequest,
    sg: Stuurgegevens,
    dialect: OperationContext['dialect'],
    sender: SenderConfig | undefined,
  ): Promise<DispatchResult & { loggedInTransaction?: boolean }> {
    const strictness = sender?.validation ?? config.validation;
    let requestValid = false;
    if (strictness !== 'off') {
      const set = schemaSetFor(req.body.ns, req.body.local);
      // Read in one parse: the reader validated the body on it already (unless an erratum respells the body).
      const early = req.validation?.set === set && !hasSchemaSpelling(req.body, op.name) ? req.validation.result : undefined;
      const result = early ?? deps.schemas.validate(set, schemaSpelling(req.body, req.bodyXml, op.name));
      // libxml2 leaves fixed values on attribute references unchecked; the rules derived from the XSD do it.
      const fixed = deps.schemas.fixedAttributeViolations(set, req.body).map(
        (v) => `regel ${v.line}: ${v.element} heeft ${v.attribute}="${v.actual}", het schema schrijft "${v.expected}" voor`,
      );
      if (!result.valid || fixed.length > 0) {
        const issues = result.valid ? [] : result.issues.map((i) => (i.line ? `regel ${i.line}: ${i.message}` : i.message));
        const details = [...issues, ...fixed].slice(0, 5).join(' | ');
        if (strictness === 'strict') throw faults.schema(details);
        // libxml2 quotes the offending value (it may be a BSN): masked in the log, the sender gets it in full.
        log('warn', 'bericht niet valide volgens schema, toch verwerkt', { operation: op.name, details: redact(details) });
      } else requestValid = true;
    }
    // What this bericht stores was not found valid (or the catalogue may fill in values the schema refuses):
    // from now on every answer of this store is checked.
    if ((!requestValid || !catalogueFits) && op.port !== 'BeantwoordVraag') {
      await deps.backend.storedData?.markUnvalidated(requestValid ? 'catalogus met waarden buiten het schema' : `${op.name} met validation "${strictness}"`);
    }
    const reply = replyAddressing(sg, config.self, clock, config.timeZone);
    const inTx = idempotency.withinTransaction(op, req, sg, deps.backend, writeBv03(reply));
    const ctx: OperationContext = {
      config,
      backend: sender?.zaaktypen ? restrictToZaaktypen(inTx.backend, sender) : inTx.backend,
      catalogue: deps.catalogue,
      clock,
      request: req,
      stuurgegevens: sg,
      dialect,
      zenderKey: systeemKey(sg.zender),
      reply,
      port: op.port,
      ...(sender?.deviations ? { deviations: sender.deviations } : {}),
    };
    const routed = await deps.router?.route(op, ctx);
    if (routed) return { ...routed, loggedInTransaction: true }; // not ours to log: see OperationRouter
    const answer = await op.handle(ctx);
    // Vragen and vrije berichten echo stored data: never let a value stored under validation "warn" make them invalid.
    const guarded = op.port !== 'OntvangAsynchroon' && !(requestValid && (op.answerFromRequestOnly || ctx.answerReadValidated || (await storedDataValidated())));
    const pieces = guarded ? guardAnswer(deps.schemas, answer, log) : answer;
    return { kind: 'ok', soapVersion: req.soapVersion, pieces, mtom: req.mtom, loggedInTransaction: inTx.logged() };
  }

  return {
    async dispatch(req) {
      let sg: Stuurgegevens | undefined;
      let port: Port = guessPort(req.body.local);
      try {
        sg = parseStuurgegevens(findStuurgegevens(req.body));
        const resolved = registry.resolve(req.body, req.soapAction);
        if (!resolved) {
          throw new StufFault('StUF040', 'server', 'Bericht wordt niet ondersteund',
            `Geen operatie voor {${req.body.ns}}${req.body.local}${req.soapAction ? ` (SOAPAction ${req.soapAction})` : ''}`);
        }
        // Posted to another port's path that the operation is also accepted on: handled in that port's style.
        const alsoOn = req.endpointPort && resolved.op.alsoOn?.includes(req.endpointPort) ? req.endpointPort : undefined;
        const op: Operation = alsoOn ? { ...resolved.op, port: alsoOn } : resolved.op;
        port = op.port;
        const sender = admit(op, req, sg);
        const stuur = sg;
        return await idempotency.singleFlight(op, stuur, async () => {
          const replay = await idempotency.lookup(op, req, stuur);
          if (replay) return replay;
          try {
            const { loggedInTransaction, ...result } = await run(op, req, stuur, resolved.dialect, sender);
            if (!loggedInTransaction) await idempotency.remember(op, req, stuur, result);
            return result;
          } catch (e) {
            // A copy of this bericht processed elsewhere (another instance) may have won the race and made this
            // one fail (identificatie niet uniek, log entry exists): then its answer is this one's answer.
            const original = await idempotency.lookup(op, req, stuur).catch((again: unknown) => {
              if (again instanceof StufFault) throw again;
              return undefined;
            });
            if (original) return original;
            throw e;
          }
        });
      } catch (e) {
        const fault = e instanceof StufFault ? e : internal(e);
        return faultResult(fault, port, req.soapVersion, sg);
      } finally {
        // Temp content an operation did not persist (faults, unused parts) is removed; persisted ids are gone already.
        for (const c of req.contents) await deps.backend.content.discardTemp(c.tempId).catch(() => undefined);
      }
    },

    readErrorResult(err) {
      if (err instanceof SoapReadError) {
        const resolved = err.root ? registry.resolve({ ns: err.root.ns, local: err.root.local, qname: err.root.local, attrs: [], nsDecls: {}, children: [], line: 0 }, '') : undefined;
        const port = resolved?.op.port ?? guessPort(err.root?.local);
        // Our own failure while reading (temp store, database): logged with its cause, answered without it.
        const fault = err.fault.plek === 'server' && err.cause !== undefined ? internal(err.cause, err.fault.omschrijving) : err.fault;
        const result = faultResult(fault, port, err.soapVersion, undefined, err.httpStatus);
        // A SOAP-level fault: its faultstring names the header block (SOAP 1.1 carries no detail for it).
        return err.soapCode && result.kind === 'fault' ? { ...result, soapCode: err.soapCode, omschrijving: err.fault.omschrijving } : result;
      }
      return faultResult(internal(err), 'BeantwoordVraag', '1.1', undefined);
    },
  };
}
