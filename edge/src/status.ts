/**
 * @module status
 * A component's lifecycle state with a human detail (docs/design.md C5). Each component owns one
 * tracker; `/status` reads them. Changing state records when, so "since" is truthful.
 */
import type { ComponentState, ComponentStatus } from '@vigia/shared';

export type StatusTracker = {
  set(state: ComponentState, detail: string): void;
  get(): ComponentStatus;
};

export function createStatus(detail: string, clock: () => number = Date.now): StatusTracker {
  let current: ComponentStatus = { state: 'starting', detail, since: clock() };
  return {
    set(state, newDetail) {
      if (state !== current.state) current = { state, detail: newDetail, since: clock() };
      else current = { ...current, detail: newDetail };
    },
    get: () => current,
  };
}
