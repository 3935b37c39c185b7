// A pseudoterminal bridging a hijacked Engine API stream with Tty=true (exec or attach): keystrokes go
// to the stream, output comes back raw (the container's PTY already does the line discipline), and
// window size changes are forwarded so full-screen programs work.
import * as vscode from 'vscode';

export class StreamTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private buffered: string[] = [];
  private opened = false;

  constructor(private readonly stream: NodeJS.ReadWriteStream, private readonly resize: (rows: number, cols: number) => Promise<void>) {
    stream.on('data', (chunk: Buffer) => this.emit(chunk.toString('utf8')));
    stream.on('end', () => this.closer.fire(0));
    stream.on('error', (e: Error) => { this.emit(`\r\n[${e.message}]\r\n`); this.closer.fire(1); });
  }

  private emit(data: string): void {
    if (this.opened) this.writer.fire(data);
    else this.buffered.push(data);
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.opened = true;
    for (const b of this.buffered) this.writer.fire(b);
    this.buffered = [];
    if (dimensions) void this.resize(dimensions.rows, dimensions.columns);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    void this.resize(d.rows, d.columns);
  }

  handleInput(data: string): void {
    this.stream.write(data);
  }

  close(): void {
    this.stream.end();
  }
}
