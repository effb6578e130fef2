// The console's sections: each entry is one item of the side menu and one route, in menu order.
// A later capability (数据标准, 数据质量, 安全与分级, 共享交换, 开放门户, 运维监控, ...) plugs in by adding
// one entry here, its page under pages/ and its strings under `nav` (and its own key) in i18n/{zh,en}.js.
// `pages` are further routes of the section without a menu item of their own (the menu highlights the
// section while one of them is shown). `roles` lists the roles that see the section (all when absent);
// a page may narrow them with its own `roles`. The route guard sends everyone else to the overview.
// The server still decides every request itself.
import {
  CircleCheck, Connection, DataAnalysis, FolderOpened, Notebook, Search, Shop, Tickets, Upload, UserFilled,
} from '@element-plus/icons-vue';

export const sections = [
  { name: 'overview', path: '/', icon: DataAnalysis, component: () => import('./pages/Overview.vue') },
  {
    name: 'ingest',
    path: '/ingest',
    icon: Upload,
    roles: ['admin', 'steward', 'provider'],
    component: () => import('./pages/Ingest.vue'),
  },
  {
    name: 'catalog',
    path: '/catalog',
    icon: FolderOpened,
    component: () => import('./pages/Catalog.vue'),
    pages: [
      { name: 'dataset', path: '/catalog/:zone/:name', component: () => import('./pages/Dataset.vue') },
      {
        name: 'classification',
        path: '/catalog/:zone/:name/classification',
        component: () => import('./pages/Classification.vue'),
      },
    ],
  },
  { name: 'standards', path: '/standards', icon: Notebook, component: () => import('./pages/Standards.vue') },
  {
    name: 'quality',
    path: '/quality',
    icon: CircleCheck,
    component: () => import('./pages/Quality.vue'),
    pages: [{ name: 'quality-dataset', path: '/quality/:zone/:name', component: () => import('./pages/QualityDataset.vue') }],
  },
  {
    name: 'query',
    path: '/query',
    icon: Search,
    roles: ['admin', 'steward', 'provider', 'consumer'],
    component: () => import('./pages/Query.vue'),
  },
  {
    // 共享交换: the resource catalog (its menu item), a resource's page with the request form, the viewer's
    // requests, grants and apps, and the approvers' inbox.
    name: 'sharing',
    path: '/resources',
    icon: Connection,
    roles: ['admin', 'steward', 'provider', 'consumer'],
    component: () => import('./pages/Resources.vue'),
    pages: [
      { name: 'resource', path: '/resources/:id', component: () => import('./pages/ResourceDetail.vue') },
      { name: 'sharing-mine', path: '/sharing', component: () => import('./pages/Sharing.vue') },
      {
        name: 'sharing-inbox',
        path: '/sharing/inbox',
        roles: ['admin', 'provider'],
        component: () => import('./pages/ApprovalInbox.vue'),
      },
    ],
  },
  {
    // API 超市: the service market (parameters and fields from each service's OpenAPI document, a live call)
    // and the call statistics per service and app.
    name: 'services',
    path: '/services',
    icon: Shop,
    roles: ['admin', 'steward', 'provider', 'consumer'],
    component: () => import('./pages/ServiceMarket.vue'),
    pages: [{ name: 'service-stats', path: '/services/stats', component: () => import('./pages/ServiceStats.vue') }],
  },
  { name: 'users', path: '/users', icon: UserFilled, roles: ['admin'], component: () => import('./pages/Users.vue') },
  { name: 'audit', path: '/audit', icon: Tickets, roles: ['admin', 'auditor'], component: () => import('./pages/Audit.vue') },
];
