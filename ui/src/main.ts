import { createApp } from "vue";
// Element Plus components come on demand (vite.config.ts).
import "element-plus/dist/index.css";
import "./styles.css";
import App from "./App.vue";
import { router } from "./router";
import { i18n, startLang } from "./i18n";
import { initBrowserToken } from "./api/client";

initBrowserToken();
// The saved language's catalogue first (Chinese is in the entry already; English loads on demand).
void startLang()
  .catch(() => undefined)
  .then(() => createApp(App).use(i18n).use(router).mount("#app"));
