/**
 * A view of an object with some methods replaced; every other method still runs on the original (bound to it),
 * so class-based stores keep working behind the view. Used to give an operation a store with extra rules
 * (zaaktype restriction, message log inside the transaction) without the operation knowing.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
