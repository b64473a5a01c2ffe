// Renderer entry: styles, Pinia, the root component.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import AppRoot from './app-root.vue';
import './styles/tokens.css';
import './styles/base.css';

const app = createApp(AppRoot);
app.use(createPinia());
app.config.errorHandler = (err) => {
  // Keep the ward screen up: log and carry on rather than leave a blank window.
  console.error('renderer error', err);
};
app.mount('#app');
