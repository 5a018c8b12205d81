/**
 * The matrix page: a strict content security policy (`default-src 'none'`, styles from the
 * webview's own origin, scripts only with this page's nonce), no remote resources, every
 * asset through asWebviewUri.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function matrixHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', name));
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${asset('matrix.css')}" rel="stylesheet">
<title>S² Dependency Matrix</title>
</head>
<body>
<header>
  <h1 id="title">S² Dependency Matrix</h1>
  <p id="meta" aria-live="polite"></p>
</header>
<div id="deadlocks" role="alert"></div>
<div id="scroller" tabindex="-1">
  <table id="matrix" role="grid" aria-labelledby="title"></table>
</div>
<ul id="legend" aria-label="Legend"></ul>
<p id="empty" hidden></p>
<script nonce="${nonce}" src="${asset('matrix.js')}"></script>
</body>
</html>`;
}
