/**
 * How a component finds the object it works with (a feature's controller) without a global: the meeting puts
 * each one in a scope at the top of the page (meeting.tsx), and a component below asks its scope for it. A
 * test can render a component in a scope of its own with a stand-in.
 */
import { type ComponentChildren, type Context, createContext, h } from "preact";
import { useContext } from "preact/hooks";

export interface Scope<T> {
  readonly Context: Context<T | null>;
  /** The object the scope holds here; throws if no meeting put one above this component. */
  use(): T;
}

export function scope<T>(what: string): Scope<T> {
  const context = createContext<T | null>(null);
  return {
    Context: context,
    use() {
      const value = useContext(context);
      if (value === null) throw new Error(`no ${what} above this component (meeting.tsx provides it)`);
      return value;
    },
  };
}

/** A value put in its scope, for `Scopes`: typed when it is made, so a scope cannot get a wrong value. */
export interface Given {
  wrap(children: ComponentChildren): ComponentChildren;
}

export function given<T>(s: Scope<T>, value: T): Given {
  return { wrap: (children) => h(s.Context.Provider, { value }, children) };
}

/** Draws `children` inside every scope given. */
export function Scopes({ values, children }: { values: readonly Given[]; children: ComponentChildren }) {
  return values.reduceRight<ComponentChildren>((inner, g) => g.wrap(inner), children);
}
