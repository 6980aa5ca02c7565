// Types of the custom commands registered in vitest.config.ts (implemented in storage-commands.ts).
import 'vitest/browser';

declare module 'vitest/browser' {
  interface BrowserCommands {
    setStorageQuota: (origin: string, bytes: number | null) => Promise<void>;
    clearIndexedDb: (origin: string) => Promise<void>;
  }
}
