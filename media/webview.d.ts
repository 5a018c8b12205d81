// The API VS Code gives a webview page (acquireVsCodeApi), typed for media/*.js.
interface VsCodeWebviewApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S = unknown>(): VsCodeWebviewApi<S>;
