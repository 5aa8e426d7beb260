import { createApp } from "vue";
// Element Plus components come on demand (vite.config.ts).
import "element-plus/dist/index.css";
import "./styles.css";
import App from "./App.vue";
import { router } from "./router";
import { i18n } from "./i18n";
import { initBrowserToken } from "./api/client";

initBrowserToken();
createApp(App).use(i18n).use(router).mount("#app");
