import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import VueI18nPlugin from "@intlify/unplugin-vue-i18n/vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: each page's chunk brings the components its templates use, instead of
    // the whole library at start. Local components stay explicitly imported (dirs: []).
    Components({ dirs: [], dts: false, resolvers: [ElementPlusResolver({ importStyle: false })] }),
    // The catalogues are compiled to functions at build, and vue-i18n is its runtime-only build: no
    // message compiler is shipped or run at start (docs/desktop.md).
    VueI18nPlugin({
      include: [fileURLToPath(new URL("./src/i18n/*.json", import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
    }),
  ],
  base: "./",
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": "http://127.0.0.1:7315" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.{ts,mjs}"],
    environment: "node",
  },
});
