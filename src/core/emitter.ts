/**
 * A tiny Disposable/Emitter shaped like VS Code's, so the engine and the loop publish
 * events without importing vscode; the extension adapts them one to one.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a listener's failure must not stop the loop */
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
