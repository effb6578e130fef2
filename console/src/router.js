import { createRouter, createWebHistory } from 'vue-router';
import { getToken, onUnauthorized } from './api.js';
import { allowed, loadSession } from './session.js';
import { sections } from './sections.js';
import AppLayout from './components/AppLayout.vue';

const sectionRoutes = sections.flatMap((section) =>
  [section, ...(section.pages ?? [])].map(({ name, path, component, roles }) => ({
    name,
    path,
    component,
    meta: { section: section.name, roles: roles ?? section.roles },
  })),
);

const router = createRouter({
  // The server answers every non-API path with index.html, so history-mode URLs can be reloaded.
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true } },
    // The open-data portal: for anyone, without a session.
    { path: '/open', name: 'open', component: () => import('./pages/OpenPortal.vue'), meta: { public: true } },
    { path: '/open/:id', name: 'open-dataset', component: () => import('./pages/OpenDataset.vue'), meta: { public: true } },
    { path: '/', component: AppLayout, children: sectionRoutes },
    { path: '/:unknown(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!getToken()) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.meta.roles) {
    // A refused token has already gone back to the login page (onUnauthorized below).
    const session = await loadSession();
    if (session && !allowed(to.meta.roles)) return { path: '/' };
  }
  return true;
});

onUnauthorized(() => {
  const current = router.currentRoute.value;
  if (current.name !== 'login') router.push({ name: 'login', query: { redirect: current.fullPath } });
});

export default router;
