// A write-only pseudoterminal: build output, logs. Converts LF to CRLF and closes on request.
import * as vscode from 'vscode';

export class OutputTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private pending: string[] = [];
  private opened = false;
  /** Everything written so far (tests read it). */
  text = '';

  constructor(private readonly onClose?: () => void) {}

  open(): void {
    this.opened = true;
    for (const p of this.pending) this.writer.fire(p);
    this.pending = [];
  }

  close(): void {
    this.onClose?.();
  }

  write(text: string): void {
    this.text += text;
    const data = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writer.fire(data);
    else this.pending.push(data);
  }

  exit(code = 0): void {
    this.closer.fire(code);
  }
}

export const ansi = {
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  green: (s: string) => `\x1b[32m${s}\x1b[0m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[0m`,
};
