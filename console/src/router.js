import { createRouter, createWebHistory } from 'vue-router';
import { getToken, onUnauthorized } from './api.js';
import { sections } from './sections.js';
import AppLayout from './components/AppLayout.vue';

const sectionRoutes = sections.flatMap((section) =>
  [section, ...(section.pages ?? [])].map(({ name, path, component }) => ({
    name,
    path,
    component,
    meta: { section: section.name },
  })),
);

const router = createRouter({
  // The server answers every non-API path with index.html, so history-mode URLs can be reloaded.
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true } },
    { path: '/', component: AppLayout, children: sectionRoutes },
    { path: '/:unknown(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  if (!to.meta.public && !getToken()) return { name: 'login', query: { redirect: to.fullPath } };
  return true;
});

onUnauthorized(() => {
  const current = router.currentRoute.value;
  if (current.name !== 'login') router.push({ name: 'login', query: { redirect: current.fullPath } });
});

export default router;
