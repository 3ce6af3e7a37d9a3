/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a running `make run` (port 8000).
const api = process.env.FUPIN_API ?? 'http://127.0.0.1:8000'
const proxied = ['/funds', '/households', '/market', '/training', '/ledger', '/dev', '/console/config.json']

export default defineConfig({
  plugins: [vue()],
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, api])) },
  build: {
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus')) return 'element-plus'
          if (id.includes('node_modules/xlsx')) return 'xlsx'
        },
      },
    },
  },
  // The first test of a file pays for importing the client module; on a busy 2-core machine that
  // alone passed vitest's 5 s default. The tests bound their own waits.
  test: { include: ['tests/**/*.test.ts'], testTimeout: 60_000 },
})
