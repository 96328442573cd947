/** A hook in front of the operation call: a bericht may be handled elsewhere (the migration router). */
import type { DispatchResult } from './dispatch-result.js';
import type { Operation, OperationContext } from './operation.js';

export interface OperationRouter {
  /**
   * Called after stuurgegevens, authorisation and schema validation, instead of op.handle(ctx). undefined: carry
   * the operation out here as usual. A result is returned to the sender as it is and is not put in Zaakpoort's
   * message log (the system that produced it keeps its own).
   */
  route(op: Operation, ctx: OperationContext): Promise<DispatchResult | undefined>;
}
