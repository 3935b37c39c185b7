// The `dockwright` settings section as the server sees it, with the defaults used when the client
// cannot answer `workspace/configuration` (or leaves a key unset).
import type { Connection } from 'vscode-languageserver';

export type RuleSeverity = 'off' | 'hint' | 'information' | 'warning' | 'error';

export interface FormatterSettings {
  /** Continuation lines are indented by the editor's tab size (LSP FormattingOptions) unless this is set:
   *  leave the indentation of continuation lines in multi-line instructions as written. */
  keepMultilineIndentation: boolean;
}

export interface DockwrightSettings {
  lint: {
    /** Per-rule override: `dockwright.lint.rules.<Rule>`. Unlisted rules keep their default. */
    rules: Readonly<Record<string, RuleSeverity>>;
    /** Run the hadolint-style best-practice rules. */
    bestPractices: boolean;
  };
  format: FormatterSettings;
}

export const defaultSettings: DockwrightSettings = Object.freeze({
  lint: { rules: {}, bestPractices: true },
  format: { keepMultilineIndentation: false },
});

const severities = new Set<string>(['off', 'hint', 'information', 'warning', 'error']);

/** Builds settings from whatever the client returned, ignoring values of the wrong type. */
export function settingsFrom(raw: unknown): DockwrightSettings {
  const section = record(raw);
  const lint = record(section.lint);
  const format = record(section.format);
  const rules: Record<string, RuleSeverity> = {};
  for (const [rule, severity] of Object.entries(record(lint.rules))) {
    if (typeof severity === 'string' && severities.has(severity)) rules[rule] = severity as RuleSeverity;
  }
  return {
    lint: {
      rules,
      bestPractices: typeof lint.bestPractices === 'boolean' ? lint.bestPractices : defaultSettings.lint.bestPractices,
    },
    format: {
      keepMultilineIndentation: typeof format.keepMultilineIndentation === 'boolean'
        ? format.keepMultilineIndentation : defaultSettings.format.keepMultilineIndentation,
    },
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/** Settings per document: pulled with `workspace/configuration` when the client supports it
 *  (cached until the next change notification), else taken from `didChangeConfiguration` pushes.
 *  Resource settings come from the workspace folder that holds the file, so documents in one
 *  directory share one answer: opening another Dockerfile there costs no round trip. */
export class SettingsStore {
  configurationSupported = false;
  dynamicChangeRegistration = false;
  private pushed: DockwrightSettings = defaultSettings;
  private readonly perDirectory = new Map<string, Promise<DockwrightSettings>>();

  constructor(private readonly connection: Connection) {}

  forDocument(uri: string): Promise<DockwrightSettings> {
    if (!this.configurationSupported) return Promise.resolve(this.pushed);
    const directory = uri.slice(0, uri.lastIndexOf('/') + 1);
    let result = this.perDirectory.get(directory);
    if (!result) {
      result = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'dockwright' })
        .then(settingsFrom, () => defaultSettings);
      this.perDirectory.set(directory, result);
    }
    return result;
  }

  changed(pushedSettings: unknown): void {
    const section = pushedSettings !== null && typeof pushedSettings === 'object'
      ? (pushedSettings as Record<string, unknown>).dockwright : undefined;
    this.pushed = settingsFrom(section);
    this.perDirectory.clear();
  }
}
